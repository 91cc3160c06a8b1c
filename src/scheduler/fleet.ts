/**
 * Runs a fleet: splits it into shards, one long-lived piscina task per worker thread (atomics
 * 'disabled', so piscina never parks a thread that holds sockets), merges their counters, and stops
 * them together. With `workers: 0` the shards run on the main thread (tests, tiny fleets).
 */
import './heap-tuning.js'; // first: before any worker thread starts
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { FleetStats } from '../metrics/fleet-stats.js';
import type { StatsSnapshot } from '../metrics/shard-stats.js';
import { Shard, type ShardConfig } from './shard.js';
import type { WorkerCommand, WorkerEvent } from './protocol.js';
import type { ControlEvent, ControlReply, ControlRequest } from '../control/protocol.js';
import { combineReplies } from '../control/combine.js';
import { controlShard } from '../control/shard-control.js';

export type FleetConfig = Omit<ShardConfig, 'first' | 'count' | 'stride'> & {
  /** Charge points in this process. */
  count: number;
  /** Worker threads; 0 = run on the main thread. */
  workers: number;
  /** This process's slice of a larger fleet: shard index (0-based) of n processes; `total`: the whole fleet's count. */
  slice?: { index: number; of: number; total?: number };
};

export interface Fleet {
  readonly stats: FleetStats;
  /** Errors of crashed workers. */
  readonly errors: string[];
  /** In-process fleets only: the shards themselves, for tests to inspect. */
  readonly shards?: Shard[];
  /** Pulls fresh counters now (in-process); workers report every second by themselves. */
  refresh(): void;
  /** Benchmark saturation: every charge point sends calls back to back. */
  backToBack(on: boolean): void;
  /** Asks every shard a control API question (control/protocol.ts) and combines their replies (control/combine.ts). */
  control(request: ControlRequest): Promise<ControlReply>;
  /** Where shards' control events go (the control server sets it while someone subscribes). */
  onControlEvents: ((events: ControlEvent[]) => void) | null;
  /** Asks every shard to stop gracefully; resolves when all have. */
  stop(): Promise<void>;
  /** Resolves when every shard has ended (stopped or crashed). */
  readonly done: Promise<void>;
  /** Resolves when every shard is running (or has ended): worker start-up is not simulation time. */
  readonly ready: Promise<void>;
}

/**
 * Sees every shard snapshot as the fleet takes it (a child process of a multi-process run passes
 * them on to its parent: process-child.ts). Snapshots carry deltas: each must be passed on once.
 */
export type SnapshotTap = (shard: number, snap: StatsSnapshot) => void;

/** Splits `count` positions into `workers` striped shards (position p → shard p mod workers). */
export function partition(count: number, workers: number): { first: number; count: number; stride: number }[] {
  const n = Math.max(1, Math.min(workers, count));
  return Array.from({ length: n }, (_, w) => ({ first: w, count: Math.ceil((count - w) / n), stride: n }));
}

/**
 * Threads per group when several fleets share one pool: one each (a group never gets none, so with
 * fewer workers than groups the total is the number of groups), the rest of `workers` in proportion
 * to their sizes (largest remainder), never more than a group's charge points. `workers` 0 stays 0
 * (main thread).
 */
export function shareWorkers(counts: readonly number[], workers: number): number[] {
  if (workers === 0) return counts.map(() => 0);
  const total = Math.max(1, counts.reduce((a, b) => a + b, 0));
  const extra = Math.max(0, workers - counts.length);
  const want = counts.map((c) => (extra * c) / total);
  const share = want.map(Math.floor);
  let left = extra - share.reduce((a, b) => a + b, 0);
  for (const i of want.map((_, i) => i).sort((a, b) => want[b] - share[b] - (want[a] - share[a]) || a - b)) {
    if (left-- <= 0) break;
    share[i]++;
  }
  return counts.map((c, i) => Math.min(c, 1 + share[i]));
}

/**
 * Starts one fleet, or several (a run plan's groups, each with its own profile, scenario, identity
 * prefix and count) in one pool with one {@link FleetStats}. With several groups the `workers` budget
 * is the largest any group gives, shared out by {@link shareWorkers}; shard indices are unique
 * across groups, and each group's ramp queues behind the earlier ones' (`rampOffset`).
 */
export function startFleet(configs: FleetConfig | FleetConfig[], tap?: SnapshotTap): Fleet {
  const groups = Array.isArray(configs) ? configs : [configs];
  if (groups.length === 0) throw new Error('startFleet: no fleet to start');
  const stats = new FleetStats();
  const ingest = (shard: number, snap: StatsSnapshot) => {
    stats.ingest(shard, snap);
    tap?.(shard, snap);
  };
  const errors: string[] = [];
  const budget = Math.max(...groups.map((g) => g.workers));
  const threads = groups.length === 1 ? [budget] : shareWorkers(groups.map((g) => g.count), budget);
  const shardConfigs: ShardConfig[] = [];
  let rampOffset = 0;
  groups.forEach((config, g) => {
    const parts = partition(config.count, threads[g] || 1).filter((p) => p.count > 0);
    const { count: _count, workers: _workers, slice, ...shared } = config;
    // A slice i/n of a larger fleet owns positions i, i+n, i+2n…: fold that into each shard's stripes.
    const offset = slice?.index ?? 0;
    const step = slice?.of ?? 1;
    for (const p of parts) {
      shardConfigs.push({
        ...shared,
        ...(groups.length > 1 ? { rampOffset: (shared.rampOffset ?? 0) + rampOffset } : {}),
        fleet: shared.fleet ?? g,
        first: offset + p.first * step,
        count: p.count,
        stride: p.stride * step,
      });
    }
    // Positions (and so ramp slots) are the whole fleet's: the next group queues behind all of them.
    rampOffset += slice?.total ?? config.count;
  });
  const workers = budget;

  if (workers === 0) return inProcess(shardConfigs, stats, ingest);

  const pool = new Piscina({
    filename: workerFile(),
    minThreads: shardConfigs.length,
    maxThreads: shardConfigs.length,
    concurrentTasksPerWorker: 1,
    atomics: 'disabled',
    idleTimeout: Infinity,
  });
  let running = 0;
  let controlSeq = 0;
  const waiting = new Map<number, { from: Set<number>; left: number; replies: ControlReply[]; done: (r: ControlReply[]) => void; fail: (e: Error) => void }>();
  /** Workers that have not ended: control requests go to them, and only their replies are awaited. */
  const live = new Set(shardConfigs.map((_, i) => i));
  const workerEnded = (i: number) => {
    live.delete(i);
    for (const [id, w] of waiting) {
      if (w.from.has(i)) continue;
      if (--w.left === 0) {
        waiting.delete(id);
        w.done(w.replies);
      }
    }
  };
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const ports = shardConfigs.map((cfg, i) => {
    const { port1, port2 } = new MessageChannel();
    let reported = false;
    port1.on('message', (ev: WorkerEvent) => {
      if (ev.type === 'control-reply') {
        const w = waiting.get(ev.id);
        if (w === undefined) return;
        if ((ev.reply as { kind: string }).kind === 'error') {
          waiting.delete(ev.id);
          return w.fail(new Error(`worker ${i}: ${(ev.reply as unknown as { message: string }).message}`));
        }
        w.replies.push(ev.reply);
        w.from.add(i);
        if (--w.left === 0) {
          waiting.delete(ev.id);
          w.done(w.replies);
        }
        return;
      }
      if (ev.type === 'control-events') {
        fleet.onControlEvents?.(ev.events);
        return;
      }
      ingest(i, ev.snapshot);
      if (!reported && (reported = true) && ++running === shardConfigs.length) markReady();
    });
    return { port: port1, task: pool.run({ config: cfg, port: port2 }, { transferList: [port2] }) as Promise<StatsSnapshot> };
  });
  const done = Promise.all(
    ports.map(({ task }, i) =>
      task
        .then((final) => ingest(i, final))
        .catch((err: Error) => {
          errors.push(`worker ${i} crashed: ${err.stack ?? err.message}`);
          stats.lost += shardConfigs[i].count;
        })
        .finally(() => workerEnded(i)),
    ),
  ).then(async () => {
    markReady();
    // Control requests still open get what the shards that answered said.
    for (const [id, w] of waiting) {
      waiting.delete(id);
      w.done(w.replies);
    }
    for (const { port } of ports) port.close();
    await pool.destroy();
  });
  let ended = false;
  void done.then(() => (ended = true));
  const fleet: Fleet = {
    stats,
    errors,
    done,
    ready,
    onControlEvents: null,
    async control(request) {
      if (ended || live.size === 0) return combineReplies(request, []);
      const id = ++controlSeq;
      const replies = await new Promise<ControlReply[]>((resolve, reject) => {
        waiting.set(id, { from: new Set(), left: live.size, replies: [], done: resolve, fail: reject });
        for (const i of live) ports[i].port.postMessage({ type: 'control', id, request } satisfies WorkerCommand);
      });
      return combineReplies(request, replies);
    },
    refresh() {},
    backToBack(on) {
      for (const { port } of ports) port.postMessage({ type: 'back-to-back', on } satisfies WorkerCommand);
    },
    async stop() {
      for (const { port } of ports) port.postMessage({ type: 'stop' } satisfies WorkerCommand);
      await done;
    },
  };
  return fleet;
}

/** The compiled worker entry. Node 20 workers cannot load TypeScript, so from the sources (tests) use the build. */
function workerFile(): string {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? '../../dist/scheduler/shard-worker.js' : './shard-worker.js', here).href;
}

function inProcess(configs: ShardConfig[], stats: FleetStats, ingest: SnapshotTap): Fleet {
  const shards = configs.map((c) => new Shard(c));
  shards.forEach((s) => s.start());
  const refresh = () => shards.forEach((s, i) => ingest(i, s.snapshot()));
  const timer = setInterval(refresh, 1000);
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const fleet: Fleet = {
    stats,
    errors: [],
    shards,
    onControlEvents: null,
    async control(request) {
      return combineReplies(request, await Promise.all(shards.map((s) => controlShard(s, request))));
    },
    done,
    ready: Promise.resolve(),
    refresh,
    backToBack: (on) => shards.forEach((s) => s.backToBack(on)),
    async stop() {
      await Promise.all(shards.map((s) => s.stop()));
      clearInterval(timer);
      refresh();
      resolveDone();
    },
  };
  for (const s of shards) s.onControlEvents = (events) => fleet.onControlEvents?.(events);
  return fleet;
}
