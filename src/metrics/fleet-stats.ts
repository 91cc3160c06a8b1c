/**
 * The whole fleet's numbers on the main thread: the latest cumulative counters of every shard, added
 * up, and per-action latency histograms built from the shards' bucket deltas (merged by addition, so
 * percentiles are exact to the bucket, never averages of averages).
 */
import { Histogram } from './histogram.js';
import { A, CALL_ERROR_CODES, CP_STATES, TOTALS, type ConnectErrorCount, type CpState, type ExpectationFailure, type ExpectationSite, type StatsSnapshot, type TotalName } from './shard-stats.js';

/** One action's figures for the summary and report. */
export interface ActionSummary {
  action: string;
  /** Calls we sent (charge point → CSMS). */
  sent: number;
  /** Calls received from the CSMS. */
  received: number;
  /** CALLERRORs received + timeouts + invalid responses, for calls we sent. */
  errors: number;
  callErrors: number;
  timeouts: number;
  invalidResponses: number;
  /** CALLERRORs we answered the CSMS with, and how many of its calls broke the schema. */
  errorsSent: number;
  invalidCalls: number;
  /** Answers that arrived after the call timed out (the timeout is counted; these are not errors again). */
  lateAnswers: number;
  /** Kept messages still undelivered at the end, and calls dropped during the run (full queue, unconfirmed transaction). */
  undelivered: number;
  dropped: number;
  /** Calls received of an action the version does not know (answered NotImplemented). */
  unknownCalls: number;
  /** CALLERRORs received with a code outside the version's table. */
  badErrorCodes: number;
  /** Latency (ms) of the answered calls sent; null when none was answered (never sent, or all timed out). */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/** Problem messages kept for the summary and report (the first ones; every one is counted). */
const MAX_PROBLEMS = 50;
/** Expectation failure records kept for the report (the first ones; the rest are counted per site). */
const MAX_FAILURES = 50;

export class FleetStats {
  private readonly shards = new Map<number, StatsSnapshot>();
  private readonly latency = new Map<string, Histogram>();
  /** The first problem messages of the run (up to MAX_PROBLEMS), in order of arrival. */
  readonly problems: string[] = [];
  /** The first expectation failures of the run, in order of arrival. */
  readonly failures: ExpectationFailure[] = [];
  /** Charge points of shards that crashed. */
  lost = 0;

  /**
   * Takes a shard's snapshot: its latency deltas and problems always add up; its cumulative counters
   * replace the shard's previous ones unless an even newer snapshot arrived first.
   */
  ingest(shard: number, snap: StatsSnapshot): void {
    const prev = this.shards.get(shard);
    if (!prev || prev.seq < snap.seq) this.shards.set(shard, snap);
    snap.latency.forEach((delta, i) => {
      if (!delta) return;
      const name = snap.actionNames[i];
      let h = this.latency.get(name);
      if (!h) this.latency.set(name, (h = new Histogram()));
      h.addSparse(delta.pairs, delta.max);
    });
    for (const p of snap.problems) if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
    for (const f of snap.failures ?? []) if (this.failures.length < MAX_FAILURES) this.failures.push(f);
  }

  /**
   * Every problem seen, kept or not: the shards' own counts (a shard sends only a few messages a
   * second, and only the first {@link MAX_PROBLEMS} of those are kept here).
   */
  get problemCount(): number {
    let n = 0;
    for (const s of this.shards.values()) n += s.problemCount;
    return n;
  }

  /** Passes, failures and pending per scenario expectation site, summed over shards, in order of first use. */
  expectationSites(): ExpectationSite[] {
    const merged = new Map<string, ExpectationSite>();
    for (const snap of this.shards.values()) {
      for (const e of snap.expectations ?? []) {
        const key = `${e.site}\u0000${e.label}`;
        const m = merged.get(key);
        if (m) {
          m.passed += e.passed;
          m.failed += e.failed;
          m.pending += e.pending;
        } else merged.set(key, { ...e });
      }
    }
    return [...merged.values()];
  }

  /**
   * Latency q-quantile (ms) of one action's calls, or of all calls with '*', from the merged
   * histograms; q = 1 is the maximum. undefined when there were no such calls.
   */
  latencyMs(action: string, q: number): number | undefined {
    let h: Histogram | undefined;
    if (action === '*') {
      h = new Histogram();
      for (const one of this.latency.values()) h.addSparse(one.toSparse(), one.max);
    } else h = this.latency.get(action);
    if (!h || h.total === 0) return undefined;
    return round((q >= 1 ? h.max : h.quantile(q)) / 1000);
  }

  total(name: TotalName): number {
    const i = TOTALS.indexOf(name);
    let sum = 0;
    for (const s of this.shards.values()) sum += s.totals[i];
    return sum;
  }

  /** When the last charge point had its first boot accepted (ms epoch), across shards. */
  lastFirstBootAt(): number {
    let t = 0;
    for (const s of this.shards.values()) t = Math.max(t, s.lastFirstBootAt);
    return t;
  }

  /** When a connection last opened anywhere in the fleet (ms epoch; 0 = never). */
  lastOpenAt(): number {
    let t = 0;
    for (const s of this.shards.values()) t = Math.max(t, s.lastOpenAt ?? 0);
    return t;
  }

  /** Failed connection attempts by cause, summed over shards, most frequent first. */
  connectErrors(): ConnectErrorCount[] {
    const merged = new Map<string, ConnectErrorCount>();
    for (const snap of this.shards.values()) {
      for (const e of snap.connectErrors ?? []) {
        const m = merged.get(e.cause);
        if (m) m.count += e.count;
        else merged.set(e.cause, { ...e });
      }
    }
    return [...merged.values()].sort((a, b) => b.count - a.count);
  }

  states(): Record<CpState, number> {
    const out = Object.fromEntries(CP_STATES.map((s) => [s, 0])) as Record<CpState, number>;
    for (const s of this.shards.values()) CP_STATES.forEach((name, i) => (out[name] += s.states[i]));
    return out;
  }

  /** Per-action figures, sorted by action name. */
  actions(): ActionSummary[] {
    const sums = new Map<string, number[]>();
    for (const s of this.shards.values()) {
      s.actionNames.forEach((name, i) => {
        let row = sums.get(name);
        if (!row) sums.set(name, (row = new Array(A.COUNT).fill(0)));
        for (let k = 0; k < A.COUNT; k++) row[k] += s.actions[i * A.COUNT + k];
      });
    }
    return [...sums.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([action, r]) => {
        // Only answered calls have a latency: none answered is "no figure", not 0 ms.
        const h = this.latency.get(action);
        const answered = h !== undefined && h.total > 0;
        const ms = (q: number) => (answered ? round(h.quantile(q) / 1000) : null);
        return {
          action,
          sent: r[A.CallsSent],
          received: r[A.CallsReceived],
          errors: r[A.CallErrors] + r[A.Timeouts] + r[A.InvalidResponses],
          callErrors: r[A.CallErrors],
          timeouts: r[A.Timeouts],
          invalidResponses: r[A.InvalidResponses],
          errorsSent: r[A.ErrorsSent],
          invalidCalls: r[A.InvalidCalls],
          lateAnswers: r[A.LateAnswers],
          undelivered: r[A.Undelivered],
          dropped: r[A.Dropped],
          unknownCalls: r[A.UnknownCalls],
          badErrorCodes: r[A.BadErrorCodes],
          p50Ms: ms(0.5),
          p95Ms: ms(0.95),
          p99Ms: ms(0.99),
          maxMs: answered ? round(h.max / 1000) : null,
        };
      });
  }

  /** CALLERRORs received per action, summed over shards: action → counts in CALL_ERROR_CODES order. */
  callErrorCodes(): Map<string, number[]> {
    const n = CALL_ERROR_CODES.length;
    const sums = new Map<string, number[]>();
    for (const s of this.shards.values()) {
      s.actionNames.forEach((name, i) => {
        let row = sums.get(name);
        if (!row) sums.set(name, (row = new Array(n).fill(0)));
        for (let k = 0; k < n; k++) row[k] += s.errorCodes[i * n + k] ?? 0;
      });
    }
    return sums;
  }

  /** The merged latency histograms by action (read-only: for exporters such as metrics/prometheus.ts). */
  latencyHistograms(): ReadonlyMap<string, Histogram> {
    return this.latency;
  }

  /** Latency quantile over all calls of all actions (ms). */
  overallQuantile(q: number): number {
    const all = new Histogram();
    for (const h of this.latency.values()) all.addSparse(h.toSparse(), h.max);
    return round(all.quantile(q) / 1000);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
