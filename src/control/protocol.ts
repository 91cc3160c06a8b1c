/**
 * What the control API asks of a fleet's shards and what they answer: plain data, so a request
 * crosses a worker's MessagePort (and, later, a process boundary) as it is, and the replies of every
 * shard combine the same way wherever they come from (combine.ts).
 */

/** Which charge points a request is about: an identity glob (`*`, `?`) and optional filters. */
export interface ControlFilter {
  /** Identity glob; '' or undefined = every charge point. */
  q?: string;
  /** Charge point state (metrics/shard-stats.ts CP_STATES). */
  state?: string;
  /** Profile name. */
  profile?: string;
  /** A run plan's fleet index (0 for a single fleet). */
  fleet?: number;
}

export interface ConnectorSummary {
  id: number;
  status: string;
  phase: string;
  transactionId: string | null;
  powerW: number;
  energyWh: number;
  /** The EV's state of charge (0–100) while one is plugged in, else null. */
  soc: number | null;
  errorCode: string | null;
  /** True while a manual action holds this connector's scenario (or default driver) paused. */
  paused: boolean;
}

export interface ChargePointSummary {
  identity: string;
  fleet: number;
  /** Position in its fleet (the list is ordered by fleet, then position). */
  position: number;
  profile: string;
  ocpp: string;
  state: string;
  connectors: ConnectorSummary[];
  lastError: string | null;
}

export interface Frame {
  at: number;
  dir: 'in' | 'out' | 'event';
  text: string;
}

/** One charge point's outcome of an action. `status`: the HTTP status a lone failure maps to. */
export interface ActResult {
  identity: string;
  fleet: number;
  position: number;
  ok: boolean;
  error?: string;
  status?: number;
  answer?: unknown;
  callError?: { code: string; description: string; details: unknown };
}

/** Event types a subscriber may ask for. */
export const EVENT_TYPES = ['status', 'call', 'answer', 'problem', 'action'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface ControlEvent {
  type: EventType | 'dropped';
  identity?: string;
  at: number;
  [key: string]: unknown;
}

export type ControlRequest =
  | { kind: 'overview' }
  /**
   * A list in two steps, so a page deep in a large fleet costs its rows and not all before them:
   * `rank` finds the first `want` matches by place only (flattened [fleet, position] pairs, in fleet
   * order), `summaries` describes the places of the page.
   */
  | { kind: 'rank'; filter: ControlFilter; want: number }
  | { kind: 'summaries'; places: number[] }
  | { kind: 'detail'; identity: string }
  | { kind: 'act'; filter: ControlFilter; action: string; args: Record<string, unknown> }
  /**
   * Events on or off in the shards: what each subscriber wants (identity globs, null = all; event
   * types), kept apart so one subscriber's glob does not widen another's types; null = none listens.
   */
  | { kind: 'events'; want: EventWish[] | null };

/** One subscriber's wish. */
export interface EventWish {
  q: string[] | null;
  types: EventType[];
}

export type ControlReply =
  | { kind: 'overview'; connectors: Record<string, number> }
  | { kind: 'rank'; total: number; places: number[] }
  | { kind: 'summaries'; items: ChargePointSummary[] }
  | { kind: 'detail'; item: (ChargePointSummary & { frames: Frame[] }) | null }
  | { kind: 'act'; matched: number; results: ActResult[] }
  | { kind: 'events' };

/** Results an action reply carries at most (`matched` counts all). */
export const MAX_RESULTS = 1000;
/** The longest page of a list. */
export const MAX_LIMIT = 1000;
