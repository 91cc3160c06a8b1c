/**
 * Counters kept inside one shard (worker): dense numeric arrays indexed by a per-shard action index,
 * plus per-action latency histograms. No labels objects or prom-client calls on the hot path; the
 * main thread merges {@link StatsSnapshot}s (see fleet-stats.ts).
 */
import { Histogram } from './histogram.js';
import { ERROR_DESCRIPTIONS, parseErrorCode } from '../protocol/errors.js';

/**
 * CALLERROR codes received, counted per action (ocpp_sim_call_errors_total{code}): the OCPP-J codes,
 * then 'Other' for a code that is not one of them (so a CSMS cannot blow up the label set).
 */
export const CALL_ERROR_CODES = [...(Object.keys(ERROR_DESCRIPTIONS) as (keyof typeof ERROR_DESCRIPTIONS)[]), 'Other'] as const;
const CODE_INDEX = new Map<string, number>(CALL_ERROR_CODES.map((c, i) => [c, i]));

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
  'expectationsPending',
  'transactionsActive',
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
  /** Expectations a connector was still waiting for when the run ended (counted at the stop). */
  ExpectationsPending,
  /** Current, not cumulative: transactions begun and not yet ended (nor lost in a reboot). */
  TxActive,
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
  /** actionNames.length × CALL_ERROR_CODES.length cumulative CALLERRORs received, row-major by action. */
  errorCodes: number[];
  /** The first few problem messages since the last snapshot, for the summary ("why did it fail"). */
  problems: string[];
  /** Every problem this shard has seen, kept or not (cumulative). */
  problemCount: number;
  /** When the latest charge point of this shard had its first boot accepted (ms epoch; 0 = none yet). */
  lastFirstBootAt: number;
  /** Cumulative passes and failures per scenario expectation site (issue #5: report and JUnit). */
  expectations: ExpectationSite[];
  /** Expectation failures since the last snapshot, the shard's first few only. */
  failures: ExpectationFailure[];
}

/** One scenario `expect` (or expecting step) and how often it held, on this shard or merged. */
export interface ExpectationSite {
  /** file:line:col of the step in the scenario (a built-in by its name, a file relative to the working directory). */
  site: string;
  /** What is expected, e.g. `expect call UpdateFirmware within 30s`, `authorize expect Accepted`. */
  label: string;
  passed: number;
  failed: number;
  /** Charge point connectors still waiting for it when the run ended: neither passed nor failed. */
  pending: number;
}

/** One failed expectation, with everything needed to find it again. */
export interface ExpectationFailure {
  chargePoint: string;
  connector: number;
  site: string;
  label: string;
  expected: string;
  got: string;
  /** ms epoch. */
  at: number;
}

/** Problem messages one shard sends per snapshot; the rest are counted only (problemCount). */
const MAX_PROBLEMS = 20;
/** Expectation sites one shard tracks by name (scenarios have a few; the rest are only in the totals). */
const MAX_SITES = 200;
/** Failure records one shard ever sends: the first few are what a person reads. */
const MAX_FAILURES = 10;

export class ShardStats {
  private readonly index = new Map<string, number>();
  readonly actionNames: string[] = [];
  private actions = new Float64Array(16 * A.COUNT);
  private errorCodes = new Float64Array(16 * CALL_ERROR_CODES.length);
  private readonly latency: (Histogram | null)[] = [];
  readonly totals = new Float64Array(T.COUNT);
  readonly states = new Int32Array(CP_STATES.length);
  private problems: string[] = [];
  private seq = 0;
  lastFirstBootAt = 0;
  private problemCount = 0;
  /** Expectation sites by their step (the compiled instruction object), in order of first use. */
  private readonly siteIndex = new Map<object, number>();
  private readonly sites: ExpectationSite[] = [];
  private failures: ExpectationFailure[] = [];
  private failuresSent = 0;

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
        const codes = new Float64Array(this.errorCodes.length * 2);
        codes.set(this.errorCodes);
        this.errorCodes = codes;
      }
    }
    return i;
  }

  count(action: number, what: A): void {
    this.actions[action * A.COUNT + what]++;
  }

  /** A CALLERROR received for a call of `action`, by its (wire) error code. */
  callError(action: number, wireCode: unknown): void {
    const code = CODE_INDEX.get(parseErrorCode(wireCode) ?? 'Other') ?? CALL_ERROR_CODES.length - 1;
    this.errorCodes[action * CALL_ERROR_CODES.length + code]++;
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

  /** Keeps the first few problem descriptions of each snapshot (the rest are only counted). */
  problem(text: string): void {
    this.problemCount++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text);
  }

  /**
   * Counts a pass or failure of the expectation at `step` (any object standing for the site, e.g. a
   * scenario instruction); `describe(step, context)` names it the first time only, so counting
   * allocates nothing.
   */
  expectation<K extends object, C>(step: K, passed: boolean, context: C, describe: (step: K, context: C) => { site: string; label: string }): void {
    const site = this.site(step, context, describe);
    if (site === undefined) return;
    if (passed) site.passed++;
    else site.failed++;
  }

  /** Counts an expectation at `step` still waiting when the run ended (see {@link expectation}). */
  pendingExpectation<K extends object, C>(step: K, context: C, describe: (step: K, context: C) => { site: string; label: string }): void {
    const site = this.site(step, context, describe);
    if (site !== undefined) site.pending++;
  }

  /** The counters of `step`'s site, made on first use; undefined past MAX_SITES (totals only then). */
  private site<K extends object, C>(step: K, context: C, describe: (step: K, context: C) => { site: string; label: string }): ExpectationSite | undefined {
    let i = this.siteIndex.get(step);
    if (i === undefined) {
      if (this.sites.length >= MAX_SITES) return undefined;
      this.siteIndex.set(step, (i = this.sites.length));
      this.sites.push({ ...describe(step, context), passed: 0, failed: 0, pending: 0 });
    }
    return this.sites[i];
  }

  /** Whether another failure record would still be kept (so callers build one only then). */
  wantsFailure(): boolean {
    return this.failuresSent + this.failures.length < MAX_FAILURES;
  }

  failure(f: ExpectationFailure): void {
    if (this.wantsFailure()) this.failures.push(f);
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
      errorCodes: Array.from(this.errorCodes.subarray(0, this.actionNames.length * CALL_ERROR_CODES.length)),
      problems,
      problemCount: this.problemCount,
      lastFirstBootAt: this.lastFirstBootAt,
      expectations: this.sites.map((s) => ({ ...s })),
      failures: this.takeFailures(),
    };
  }

  private takeFailures(): ExpectationFailure[] {
    const out = this.failures;
    this.failuresSent += out.length;
    this.failures = [];
    return out;
  }
}
