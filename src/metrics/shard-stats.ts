/**
 * Counters kept inside one shard (worker): dense numeric arrays indexed by a per-shard action index,
 * plus per-action latency histograms. No labels objects or prom-client calls on the hot path; the
 * main thread merges {@link StatsSnapshot}s (see fleet-stats.ts).
 */
import { Histogram } from './histogram.js';

/** Per-action counters, in this order in {@link StatsSnapshot.actions}. */
export const enum A {
  /** Calls we sent (charge point → CSMS). */
  CallsSent,
  /** CALLRESULTs received for them. */
  Results,
  /** CALLERRORs received for them. */
  CallErrors,
  /** Calls the CSMS never answered within the call timeout. */
  Timeouts,
  /** Responses that failed the action's schema: a finding about the CSMS. */
  InvalidResponses,
  /** Calls received from the CSMS. */
  CallsReceived,
  /** Calls received that failed their schema (answered with a CALLERROR). */
  InvalidCalls,
  /** CALLERRORs we answered the CSMS with (invalid calls, NotImplemented, NotSupported, …). */
  ErrorsSent,
  COUNT,
}

/** Charge point states for the state gauge; each charge point is in exactly one. */
export const CP_STATES = ['connecting', 'connected', 'booted', 'charging', 'faulted', 'offline', 'stopped'] as const;
export type CpState = (typeof CP_STATES)[number];
export const enum S {
  Connecting,
  Connected,
  Booted,
  Charging,
  Faulted,
  Offline,
  Stopped,
}

/** Fleet-level counters, in this order in {@link StatsSnapshot.totals}. */
export const TOTALS = [
  'chargePointsStarted',
  'chargePointsBooted',
  'bootsAccepted',
  'bootsPending',
  'bootsRejected',
  'transactionsStarted',
  'transactionsCompleted',
  'transactionsRejected',
  'energyWh',
  'reconnects',
  'connectFailures',
  'badFrames',
  'messagesIn',
  'messagesOut',
  'expectationsPassed',
  'expectationsFailed',
] as const;
export type TotalName = (typeof TOTALS)[number];
export const enum T {
  /** Distinct charge points that have tried to connect at least once. */
  ChargePointsStarted,
  /** Distinct charge points that have had a boot accepted at least once. */
  ChargePointsBooted,
  BootsAccepted,
  BootsPending,
  BootsRejected,
  TxStarted,
  TxCompleted,
  TxRejected,
  EnergyWh,
  Reconnects,
  ConnectFailures,
  BadFrames,
  MessagesIn,
  MessagesOut,
  ExpectationsPassed,
  ExpectationsFailed,
  COUNT,
}

/** What a shard posts every second: cumulative counters, and histogram deltas since the last one. */
export interface StatsSnapshot {
  /** Increases with every snapshot of a shard: a late-delivered older one must not win. */
  seq: number;
  actionNames: string[];
  /** actionNames.length × A.COUNT cumulative counters, row-major by action. */
  actions: number[];
  totals: number[];
  states: number[];
  /** Per action index: sparse bucket deltas and the max seen, or null when nothing new. */
  latency: ({ pairs: number[]; max: number } | null)[];
  /** Up to a few sample messages per kind of problem, for the summary ("why did it fail"). */
  problems: string[];
  /** When the latest charge point of this shard had its first boot accepted (ms epoch; 0 = none yet). */
  lastFirstBootAt: number;
}

const MAX_PROBLEMS = 20;

export class ShardStats {
  private readonly index = new Map<string, number>();
  readonly actionNames: string[] = [];
  private actions = new Float64Array(16 * A.COUNT);
  private readonly latency: (Histogram | null)[] = [];
  readonly totals = new Float64Array(T.COUNT);
  readonly states = new Int32Array(CP_STATES.length);
  private problems: string[] = [];
  private seq = 0;
  lastFirstBootAt = 0;
  private problemCount = 0;

  /** Dense index for an action name, assigned on first sight. */
  actionIndex(action: string): number {
    let i = this.index.get(action);
    if (i === undefined) {
      i = this.actionNames.length;
      this.index.set(action, i);
      this.actionNames.push(action);
      this.latency.push(null);
      if ((i + 1) * A.COUNT > this.actions.length) {
        const grown = new Float64Array(this.actions.length * 2);
        grown.set(this.actions);
        this.actions = grown;
      }
    }
    return i;
  }

  count(action: number, what: A): void {
    this.actions[action * A.COUNT + what]++;
  }

  get(action: string, what: A): number {
    const i = this.index.get(action);
    return i === undefined ? 0 : this.actions[i * A.COUNT + what];
  }

  latencyUs(action: number, us: number): void {
    let h = this.latency[action];
    if (!h) h = this.latency[action] = new Histogram();
    h.record(us);
  }

  move(from: S, to: S): void {
    this.states[from]--;
    this.states[to]++;
  }

  /** Keeps the first few problem descriptions (the rest are only counted). */
  problem(text: string): void {
    this.problemCount++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text);
  }

  snapshot(): StatsSnapshot {
    const latency = this.latency.map((h) => {
      if (!h || h.total === 0) return null;
      const delta = { pairs: h.toSparse(), max: h.max };
      h.reset();
      return delta;
    });
    const problems = this.problems;
    this.problems = [];
    return {
      seq: ++this.seq,
      actionNames: this.actionNames.slice(),
      actions: Array.from(this.actions.subarray(0, this.actionNames.length * A.COUNT)),
      totals: Array.from(this.totals),
      states: Array.from(this.states),
      latency,
      problems,
      lastFirstBootAt: this.lastFirstBootAt,
    };
  }
}
