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
  /**
   * Answers that came after the call had timed out: already counted under Timeouts; their latency is
   * recorded so the percentiles show how late the CSMS really was.
   */
  LateAnswers,
  /** Kept messages (transaction messages and notifications kept like them) still queued when the run ended. */
  Undelivered,
  /**
   * Calls given up during the run without being sent: dropped from a full queue (the least important
   * first, StationOptions.queueLimit), or a transaction's messages whose StartTransaction was never
   * confirmed.
   */
  Dropped,
  /** Calls received for an action that does not exist in the version (answered NotImplemented). */
  UnknownCalls,
  /** CALLERRORs received whose code is not in the version's table (a 2.0.1-only code from a 1.6 CSMS). */
  BadErrorCodes,
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
  'earlyCloses',
  'stopUnfinished',
  'linksOpened',
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
  /**
   * Connections the CSMS closed before they proved themselves (no boot accepted on them and up for
   * less than Station's STABLE_LINK_MS): the reconnect backoff keeps growing over these.
   */
  EarlyCloses,
  /** Charge points that still had messages to deliver when the graceful stop's time ran out. */
  StopUnfinished,
  /** WebSocket connections opened (first connections and reconnections). */
  LinksOpened,
  COUNT,
}

/** What a shard posts every second: cumulative counters, and histogram deltas since the last one. */
export interface StatsSnapshot {
  /** Increases with every snapshot of a shard: a late-delivered older one must not win. */
  seq: number;
  /**
   * The OCPP version every charge point of this shard speaks ('1.6', '2.0.1': the binding's version):
   * the fleet keys per-action figures by (protocol, action), since a 1.6 and a 2.0.1 Heartbeat are
   * different messages.
   */
  protocol: string;
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
  /** When a connection of this shard last opened (ms epoch; 0 = never). */
  lastOpenAt: number;
  /** Cumulative failed connection attempts by cause, with the first message of each (see ShardStats.connectError). */
  connectErrors: ConnectErrorCount[];
  /** Cumulative passes and failures per scenario expectation site (issue #5: report and JUnit). */
  expectations: ExpectationSite[];
  /** Expectation failures since the last snapshot, the shard's first few only. */
  failures: ExpectationFailure[];
  /** Cumulative manual actions (control API) by action; absent while there were none. */
  manualActions?: Record<string, number>;
}

/** Failed connection attempts of one cause: an error code (ECONNREFUSED, a TLS code…) or `HTTP <status>`. */
export interface ConnectErrorCount {
  cause: string;
  count: number;
  /** The first message seen for this cause, e.g. `connect ECONNREFUSED 127.0.0.1:9000`. */
  sample: string;
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
const MAX_PROBLEM_CHARS = 300;
/**
 * Action names the CSMS controls (calls of unknown actions) each get a row up to this many per
 * shard; the rest share the row {@link OTHER_UNKNOWN_ACTIONS}, so a CSMS cannot blow up the summary,
 * the report or the /metrics label set.
 */
const MAX_UNKNOWN_ACTIONS = 10;
export const OTHER_UNKNOWN_ACTIONS = '(other unknown actions)';
/** Connection failure causes tracked by name per shard (Node's error codes are a small set); the rest are 'other'. */
const MAX_CONNECT_CAUSES = 16;
/** Expectation sites one shard tracks by name (scenarios have a few; the rest are only in the totals). */
const MAX_SITES = 200;
/** Failure records one shard ever sends: the first few are what a person reads. */
const MAX_FAILURES = 10;

export class ShardStats {
  /** @param protocol the OCPP version of the shard's charge points (see {@link StatsSnapshot.protocol}). */
  constructor(readonly protocol: string) {}

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
  lastOpenAt = 0;
  private problemCount = 0;
  private unknownActions = 0;
  private readonly kindsSeen = new Set<string>();
  private readonly connectErrors = new Map<string, ConnectErrorCount>();
  /** Expectation sites by their step (the compiled instruction object), in order of first use. */
  private readonly siteIndex = new Map<object, number>();
  private readonly sites: ExpectationSite[] = [];
  private failures: ExpectationFailure[] = [];
  private failuresSent = 0;
  /** Manual actions (control API) by action; null until the first. */
  private manual: Record<string, number> | null = null;

  /** Counts one manual action on one charge point (control/shard-control.ts). */
  manualAction(action: string): void {
    const m = (this.manual ??= {});
    m[action] = (m[action] ?? 0) + 1;
  }

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

  /** Index for an action the version does not know: its own row for the first few, then a shared one. */
  unknownActionIndex(action: string): number {
    const i = this.index.get(action);
    if (i !== undefined) return i;
    if (this.unknownActions >= MAX_UNKNOWN_ACTIONS) return this.actionIndex(OTHER_UNKNOWN_ACTIONS);
    this.unknownActions++;
    return this.actionIndex(action);
  }

  /** A failed connection attempt (refused, TLS error, HTTP status instead of an upgrade…); true for a cause not seen before. */
  connectError(cause: string, message: string): boolean {
    let e = this.connectErrors.get(cause);
    const first = e === undefined;
    if (!e) {
      if (this.connectErrors.size >= MAX_CONNECT_CAUSES && cause !== 'other') return this.connectError('other', message);
      this.connectErrors.set(cause, (e = { cause, count: 0, sample: message }));
    }
    e.count++;
    return first;
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

  /**
   * Keeps the first few problem descriptions of each snapshot (the rest are only counted), each cut to
   * a readable length: they may quote the CSMS (a CALLERROR's description), which can be any size.
   */
  problem(text: string): void {
    this.problemCount++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text.length > MAX_PROBLEM_CHARS ? `${text.slice(0, MAX_PROBLEM_CHARS)}…` : text);
  }

  /**
   * A problem of a kind that tends to repeat across the fleet (a CSMS closing every connection): the
   * first of each kind in this shard is kept as text, the others only counted.
   */
  problemOnce(kind: string, text: string): void {
    if (this.kindsSeen.has(kind)) this.problemCount++;
    else {
      this.kindsSeen.add(kind);
      this.problem(text);
    }
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
      protocol: this.protocol,
      actionNames: this.actionNames.slice(),
      actions: Array.from(this.actions.subarray(0, this.actionNames.length * A.COUNT)),
      totals: Array.from(this.totals),
      states: Array.from(this.states),
      latency,
      errorCodes: Array.from(this.errorCodes.subarray(0, this.actionNames.length * CALL_ERROR_CODES.length)),
      problems,
      problemCount: this.problemCount,
      lastFirstBootAt: this.lastFirstBootAt,
      lastOpenAt: this.lastOpenAt,
      connectErrors: [...this.connectErrors.values()].map((e) => ({ ...e })),
      expectations: this.sites.map((s) => ({ ...s })),
      failures: this.takeFailures(),
      ...(this.manual === null ? {} : { manualActions: { ...this.manual } }),
    };
  }

  private takeFailures(): ExpectationFailure[] {
    const out = this.failures;
    this.failuresSent += out.length;
    this.failures = [];
    return out;
  }
}
