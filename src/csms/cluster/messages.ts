/**
 * The IPC messages between the primary and the workers of `ocpp-sim csms --processes N`
 * (node:cluster's channel, JSON-serialised). The operator API is served by whichever worker an
 * HTTP request lands on; it `ask`s the primary, which sends `do` to every worker (itself included),
 * merges their `reply`s (merge.ts) and sends the `answer` back.
 */

/** What the operator API needs from every process. */
export type FleetOp =
  | { op: 'stats' }
  | { op: 'chargePoints' }
  | { op: 'call'; identity: string; action: string; payload: unknown; timeoutMs: number }
  | { op: 'broadcast'; action: string; payload: unknown; timeoutMs: number };

/** Primary → worker. */
export type ToWorker =
  /**
   * Start the CSMS: this worker's place (0-based) among `count`, its generation (restarts) and the API
   * token; `ignoreSignals`: SIGINT/SIGTERM are the primary's to act on (it sends `stop`).
   */
  | { t: 'start'; index: number; count: number; generation: number; apiToken: string; ignoreSignals: boolean }
  /** Run `op` on this process's own connections and reply with the same id. */
  | { t: 'do'; id: number; req: FleetOp }
  /** The merged result of an `ask`, or why there is none. */
  | { t: 'answer'; id: number; value?: unknown; error?: string }
  /** What the CSMS knows of `identity` from its boot on another process (sent on `connected` without a registration). */
  | ({ t: 'registration'; identity: string } & SharedRegistration)
  /** `identity` connected to another process: close its connection here if it is older than `before` (µs, util/monotonic.ts). */
  | { t: 'replace'; identity: string; before: number }
  /** Close the CSMS (1001 to every charge point) and exit 0. */
  | { t: 'stop' };

/** Worker → primary. */
export type ToPrimary =
  /** Loaded and listening for `start` (sent before it, a message could find no listener yet). */
  | { t: 'hello' }
  /** Listening on `port` (the same for every worker: the primary holds the socket). */
  | { t: 'ready'; port: number; url: string }
  /** Could not start (port in use, …): the primary stops them all and exits with `usage`'s code. */
  | { t: 'failed'; message: string; usage: boolean }
  /** A connection of `identity` was registered at `at` (µs, util/monotonic.ts); `known`: this process has its registration. */
  | { t: 'connected'; identity: string; at: number; known: boolean }
  /** A boot was recorded for `identity`. */
  | ({ t: 'booted'; identity: string } & SharedRegistration)
  /** An operator API request needing every process. */
  | { t: 'ask'; id: number; req: FleetOp }
  /** This process's result of a `do`. */
  | { t: 'reply'; id: number; value?: unknown; error?: string };

/** An identity's registration (registration.ts) as the processes share it. */
export interface SharedRegistration {
  booted: boolean;
  vendor: string | null;
  model: string | null;
}

/** Operator API requests one worker may have waiting on the primary at once; more are answered 503. */
export const MAX_ASKS_IN_FLIGHT = 256;

/** How long beyond an operation's own timeout (a CALL's) a process may take to answer it. */
export const IPC_GRACE_MS = 10_000;

/** How long a process may take over `req` before the asker gives up. */
export function deadlineOf(req: FleetOp): number {
  return (req.op === 'call' || req.op === 'broadcast' ? req.timeoutMs : 0) + IPC_GRACE_MS;
}
