/**
 * The piscina task: one long-lived shard per worker thread. It runs until the main thread sends
 * `stop` over the task's MessagePort, posting counters every second. The final counters are the
 * task's result, not a port message: a message could still be unread when the task settles. An
 * exception rejects the task, so the main thread reports the worker's error and counts its charge
 * points as lost.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { StatsSnapshot } from '../metrics/shard-stats.js';
import { Shard, type ShardConfig } from './shard.js';
import { controlShard } from '../control/shard-control.js';
import { STATS_INTERVAL_MS, type WorkerCommand, type WorkerEvent } from './protocol.js';

export interface ShardTask {
  config: ShardConfig;
  port: MessagePort;
}

export default async function runShard({ config, port }: ShardTask): Promise<StatsSnapshot> {
  const shard = new Shard(config);
  shard.onControlEvents = (events) => post({ type: 'control-events', events });
  const post = (event: WorkerEvent) => port.postMessage(event);
  const timer = setInterval(() => post({ type: 'stats', snapshot: shard.snapshot() }), STATS_INTERVAL_MS);
  await new Promise<void>((resolve) => {
    const obey = (cmd: WorkerCommand) => {
      if (cmd.type === 'stop') resolve();
      else if (cmd.type === 'back-to-back') shard.backToBack(cmd.on);
      else if (cmd.type === 'control') {
        controlShard(shard, cmd.request).then(
          (reply) => post({ type: 'control-reply', id: cmd.id, reply }),
          // A bug, not the caller's: the request still gets an answer (the main thread reports it).
          (err: Error) => post({ type: 'control-reply', id: cmd.id, reply: { kind: 'error', message: err.stack ?? err.message } as never }),
        );
      }
    };
    // A stop sent while this thread was starting up (Ctrl-C during start-up): no charge point connects.
    let stopped = false;
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      stopped ||= (m.message as WorkerCommand).type === 'stop';
      obey(m.message as WorkerCommand);
    }
    port.on('message', obey);
    if (!stopped) shard.start();
    // The first snapshot tells the main thread this shard runs (the run's clock starts then).
    post({ type: 'stats', snapshot: shard.snapshot() });
  });
  await shard.stop();
  clearInterval(timer);
  port.close();
  return shard.snapshot();
}
