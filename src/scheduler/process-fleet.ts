/**
 * A fleet spread over local child processes (issue #13): each child runs its share with its own
 * worker threads (process-child.ts) and passes its shards' snapshots here, into the one FleetStats
 * the run's progress, summary, report, /metrics and verdict read — the same as a one-process fleet.
 *
 * A child that dies before its end is a reported failure (its stderr's last lines in the error, its
 * charge points counted as lost), never a hang. When this process exits by any path, children still
 * alive are killed: a second Ctrl-C aborts everything at once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FleetStats } from '../metrics/fleet-stats.js';
import type { Fleet, FleetConfig } from './fleet.js';
import { SHARDS_PER_PROCESS, type ChildMessage, type ParentMessage } from './process-protocol.js';
import { processShare } from './spread.js';

/** The last characters of a child's stderr kept for the error when it dies. */
const STDERR_TAIL = 4000;

interface Child {
  proc: ChildProcess;
  count: number;
  ended: boolean;
  stderr: string;
}

export function startProcessFleet(configs: readonly FleetConfig[], processes: number): Fleet {
  const stats = new FleetStats();
  const errors: string[] = [];
  const shares = Array.from({ length: processes }, (_, k) => processShare(configs, k, processes)).filter((s) => s.length > 0);
  let ready = 0;
  let markReady!: () => void;
  const allReady = new Promise<void>((r) => (markReady = r));
  const children: Child[] = [];
  const ended = shares.map((share, k) => {
    const proc = fork(childFile(), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const child: Child = { proc, count: share.reduce((n, c) => n + c.count, 0), ended: false, stderr: '' };
    children.push(child);
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (child.stderr = (child.stderr + d).slice(-STDERR_TAIL)));
    let isReady = false;
    const readyOnce = () => {
      if (!isReady && (isReady = true) && ++ready === shares.length) markReady();
    };
    proc.on('message', (m: ChildMessage) => {
      if (m.type === 'snapshot') stats.ingest(k * SHARDS_PER_PROCESS + m.shard, m.snap);
      else if (m.type === 'ready') readyOnce();
      else if (m.type === 'done') {
        child.ended = true;
        errors.push(...m.errors.map((e) => `process ${k + 1}: ${e}`));
        stats.lost += m.lost;
      } else if (m.type === 'failed') errors.push(`process ${k + 1} could not start: ${m.error}`);
    });
    proc.send({ type: 'start', configs: share } satisfies ParentMessage);
    return new Promise<void>((resolve) => {
      proc.on('exit', (code, signal) => {
        if (!child.ended) {
          child.ended = true;
          const tail = child.stderr.trim().split('\n').slice(-8).join('\n');
          errors.push(`process ${k + 1} (pid ${proc.pid}) died (${signal ?? `exit code ${code}`}) with ${child.count} charge points${tail ? `:\n${tail}` : ''}`);
          stats.lost += child.count;
        }
        readyOnce();
        resolve();
      });
    });
  });
  const killAll = () => {
    for (const c of children) if (!c.ended) c.proc.kill('SIGKILL');
  };
  process.on('exit', killAll);
  const done = Promise.all(ended).then(() => {
    process.off('exit', killAll);
    markReady();
  });
  const tell = (m: ParentMessage) => {
    for (const c of children) if (!c.ended && c.proc.connected) c.proc.send(m);
  };
  return {
    stats,
    errors,
    done,
    ready: allReady,
    refresh() {},
    backToBack: (on) => tell({ type: 'back-to-back', on }),
    async stop() {
      tell({ type: 'stop' });
      await done;
    },
  };
}

/** The compiled child entry (from the sources, as for worker threads, the build: see fleet.ts). */
function childFile(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? '../../dist/scheduler/process-child.js' : './process-child.js', here));
}
