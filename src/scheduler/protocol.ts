/**
 * Messages between the main thread and shard workers, over the MessagePort each shard task gets.
 */
import type { StatsSnapshot } from '../metrics/shard-stats.js';
import type { ControlEvent, ControlReply, ControlRequest } from '../control/protocol.js';

/** Main → worker. */
export type WorkerCommand =
  | { type: 'stop' }
  /** Benchmark saturation on or off: every charge point sends calls back to back. */
  | { type: 'back-to-back'; on: boolean }
  /** A control API request (control/protocol.ts); answered by a `control-reply` with the same id. */
  | { type: 'control'; id: number; request: ControlRequest };

/** Worker → main, every second. The final snapshot is the task's result instead (see shard-worker.ts). */
export type WorkerEvent =
  | { type: 'stats'; snapshot: StatsSnapshot }
  | { type: 'control-reply'; id: number; reply: ControlReply }
  /** Charge point events while a control API subscriber listens (batched). */
  | { type: 'control-events'; events: ControlEvent[] };

/** How often a shard reports its counters (ms). */
export const STATS_INTERVAL_MS = 1000;
