/**
 * Messages between a multi-process run's main process and its child processes (process-fleet.ts,
 * process-child.ts), over the child's IPC channel ('advanced' serialization: structured clones).
 */
import type { StatsSnapshot } from '../metrics/shard-stats.js';
import type { ControlEvent, ControlReply, ControlRequest } from '../control/protocol.js';
import type { FleetConfig } from './fleet.js';

/** Parent → child. */
export type ParentMessage =
  /** The child's share of the fleets (scheduler/spread.ts processShare). */
  | { type: 'start'; configs: FleetConfig[] }
  | { type: 'stop' }
  | { type: 'back-to-back'; on: boolean }
  /** A control API request for the child's shards; answered by a `control-reply` with the same id. */
  | { type: 'control'; id: number; request: ControlRequest };

/** Child → parent. */
export type ChildMessage =
  /** A shard's snapshot, as the child's fleet took it (its shard index within the child). */
  | { type: 'snapshot'; shard: number; snap: StatsSnapshot }
  /** Every shard of the child runs. */
  | { type: 'ready' }
  /** The child's fleet has ended: its worker threads' errors and the charge points they lost. */
  | { type: 'done'; errors: string[]; lost: number }
  /** The child could not start its fleet at all. */
  | { type: 'failed'; error: string }
  /** The child's shards' combined reply (combine.ts combines it again with the other children's). */
  | { type: 'control-reply'; id: number; reply: ControlReply }
  /** Charge point events while a control API subscriber listens. */
  | { type: 'control-events'; events: ControlEvent[] };

/** Shard indices of child k are k × this + j: unique across the run for the parent's FleetStats. */
export const SHARDS_PER_PROCESS = 1 << 16;
