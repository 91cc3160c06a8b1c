/**
 * A child process of a multi-process run (process-fleet.ts): runs its share of the fleet with
 * startFleet and passes every shard snapshot to the parent, which alone prints, serves /metrics,
 * writes the report and decides the verdict.
 *
 * Signals: a Ctrl-C on a terminal reaches the whole process group; the parent turns it into a
 * graceful stop of every child, so the children ignore SIGINT and SIGTERM themselves. If the parent
 * goes away without stopping them (killed), the IPC channel closes and the child stops on its own.
 */
import { startFleet, type Fleet } from './fleet.js';
import type { ChildMessage, ParentMessage } from './process-protocol.js';
import { combineReplies } from '../control/combine.js';

const send = (m: ChildMessage) => {
  if (process.connected) process.send!(m);
};

process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

let fleet: Fleet | undefined;
let stopping: Promise<void> | undefined;

function stop(): Promise<void> {
  return (stopping ??= (async () => {
    if (fleet) await fleet.stop();
    const done: ChildMessage = { type: 'done', errors: fleet?.errors ?? [], lost: fleet?.stats.lost ?? 0 };
    // Exit once the last message is written: the snapshots before it went first (IPC keeps order).
    if (process.connected) process.send!(done, () => process.exit(0));
    else process.exit(0);
  })());
}

process.on('message', (m: ParentMessage) => {
  if (m.type === 'start' && !fleet && !stopping) {
    try {
      fleet = startFleet(m.configs, (shard, snap) => send({ type: 'snapshot', shard, snap }));
      fleet.onControlEvents = (events) => send({ type: 'control-events', events });
    } catch (e) {
      send({ type: 'failed', error: (e as Error).stack ?? String(e) });
      process.exit(1);
    }
    const running = fleet;
    void running.ready.then(() => send({ type: 'ready' }));
    // Every worker thread crashed: the fleet is over before anyone asked.
    void running.done.then(() => stop());
  } else if (m.type === 'stop') void stop();
  else if (m.type === 'back-to-back') fleet?.backToBack(m.on);
  else if (m.type === 'control') {
    const { id, request } = m;
    void (fleet ? fleet.control(request) : Promise.resolve(combineReplies(request, []))).then(
      (reply) => send({ type: 'control-reply', id, reply }),
      () => send({ type: 'control-reply', id, reply: combineReplies(request, []) }),
    );
  }
});

process.on('disconnect', () => void stop());
