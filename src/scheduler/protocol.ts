/**
 * Messages between the main thread and shard workers, over the MessagePort each shard task gets.
 */
import type { StatsSnapshot } from '../metrics/shard-stats.js';

/** Main → worker. */
export type WorkerCommand =
  | { type: 'stop' }
  /** Benchmark saturation on or off: every charge point sends calls back to back. */
  | { type: 'back-to-back'; on: boolean };

/** Worker → main, every second. The final snapshot is the task's result instead (see shard-worker.ts). */
export type WorkerEvent = { type: 'stats'; snapshot: StatsSnapshot };

/** How often a shard reports its counters (ms). */
export const STATS_INTERVAL_MS = 1000;
