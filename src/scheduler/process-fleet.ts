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
import { combineReplies } from '../control/combine.js';
import type { ControlReply } from '../control/protocol.js';
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
  const shares = Array.from({ length: processes }, (_, k) => processShare(configs, k, processes)).filter((s) => s.some((c) => c.count > 0));
  let ready = 0;
  let markReady!: () => void;
  const allReady = new Promise<void>((r) => (markReady = r));
  const children: Child[] = [];
  // Control requests waiting for children's replies; a child that ends is not waited for.
  let controlSeq = 0;
  const waiting = new Map<number, { from: Set<Child>; replies: ControlReply[]; done: () => void }>();
  const replied = (id: number, child: Child, reply?: ControlReply) => {
    const w = waiting.get(id);
    if (!w || !w.from.delete(child)) return;
    if (reply) w.replies.push(reply);
    if (w.from.size === 0) (waiting.delete(id), w.done());
  };
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
      else if (m.type === 'control-reply') replied(m.id, child, m.reply);
      else if (m.type === 'control-events') fleet.onControlEvents?.(m.events);
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
        for (const id of [...waiting.keys()]) replied(id, child);
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
  const fleet: Fleet = {
    stats,
    errors,
    done,
    ready: allReady,
    onControlEvents: null,
    async control(request) {
      const live = children.filter((c) => !c.ended && c.proc.connected);
      const replies: ControlReply[] = [];
      if (live.length > 0) {
        const id = ++controlSeq;
        await new Promise<void>((done) => {
          waiting.set(id, { from: new Set(live), replies, done });
          for (const c of live) c.proc.send({ type: 'control', id, request } satisfies ParentMessage);
        });
      }
      return combineReplies(request, replies);
    },
    refresh() {},
    backToBack: (on) => tell({ type: 'back-to-back', on }),
    async stop() {
      tell({ type: 'stop' });
      await done;
    },
  };
  return fleet;
}

/** The compiled child entry (from the sources, as for worker threads, the build: see fleet.ts). */
function childFile(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? '../../dist/scheduler/process-child.js' : './process-child.js', here));
}
