/**
 * The whole fleet's numbers on the main thread: the latest cumulative counters of every shard, added
 * up, and per-action latency histograms built from the shards' bucket deltas (merged by addition, so
 * percentiles are exact to the bucket, never averages of averages).
 *
 * Per-action figures are keyed by (protocol, action): each shard speaks one OCPP version, and a 1.6
 * Heartbeat and a 2.0.1 Heartbeat are different messages, never summed into one row. Fleet-level
 * figures can be read for the whole run or for one protocol.
 */
import { Histogram } from './histogram.js';
import { A, CALL_ERROR_CODES, CP_STATES, TOTALS, type ConnectErrorCount, type CpState, type ExpectationFailure, type ExpectationSite, type StatsSnapshot, type TotalName } from './shard-stats.js';

/** One action's figures for the summary and report. */
export interface ActionSummary {
  /** The OCPP version the action was spoken in ('1.6', '2.0.1'). */
  protocol: string;
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

/** One key per (protocol, action): a protocol never contains a space, so the key is unambiguous. */
export function actionKey(protocol: string, action: string): string {
  return `${protocol} ${action}`;
}

/** One collator for every comparison: localeCompare with options builds one per call. */
const VERSION_ORDER = new Intl.Collator('en', { numeric: true });

/** Versions in their natural order: 1.6 before 2.0.1 before 2.1 (numeric per dotted part). */
export function compareProtocols(a: string, b: string): number {
  return VERSION_ORDER.compare(a, b);
}

/** One (protocol, action)'s merged latency. */
export interface ActionLatency {
  protocol: string;
  action: string;
  histogram: Histogram;
}

export class FleetStats {
  private readonly shards = new Map<number, StatsSnapshot>();
  /** By {@link actionKey}. */
  private readonly latency = new Map<string, ActionLatency>();
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
      const action = snap.actionNames[i];
      const key = actionKey(snap.protocol, action);
      let l = this.latency.get(key);
      if (!l) this.latency.set(key, (l = { protocol: snap.protocol, action, histogram: new Histogram() }));
      l.histogram.addSparse(delta.pairs, delta.max);
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
   * histograms; q = 1 is the maximum. Only that protocol's calls with `protocol`, else the action's
   * calls in every protocol. undefined when there were no such calls.
   */
  latencyMs(action: string, q: number, protocol?: string): number | undefined {
    let h: Histogram | undefined;
    const matching = [...this.latency.values()].filter((l) => (action === '*' || l.action === action) && (protocol === undefined || l.protocol === protocol));
    if (matching.length === 1) h = matching[0].histogram;
    else {
      h = new Histogram();
      for (const one of matching) h.addSparse(one.histogram.toSparse(), one.histogram.max);
    }
    if (h.total === 0) return undefined;
    return round((q >= 1 ? h.max : h.quantile(q)) / 1000);
  }

  /** A fleet-level counter summed over shards: every shard's, or only those of one protocol. */
  total(name: TotalName, protocol?: string): number {
    const i = TOTALS.indexOf(name);
    let sum = 0;
    for (const s of this.shards.values()) if (protocol === undefined || s.protocol === protocol) sum += s.totals[i];
    return sum;
  }

  /**
   * Charge points per OCPP version, in version order: each shard's charge points are in exactly one
   * state, so their states add up to the shard's size. Empty until the first shard reported.
   */
  protocols(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of [...this.shards.values()].sort((a, b) => compareProtocols(a.protocol, b.protocol))) {
      out.set(s.protocol, (out.get(s.protocol) ?? 0) + s.states.reduce((n, k) => n + k, 0));
    }
    return out;
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

  /** Manual actions (control API) by action, summed over shards, by name. */
  manualActions(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const snap of this.shards.values()) for (const [a, n] of Object.entries(snap.manualActions ?? {})) out[a] = (out[a] ?? 0) + n;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
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

  /** Charge points by state: of the whole fleet, or only those speaking `protocol`. */
  states(protocol?: string): Record<CpState, number> {
    const out = Object.fromEntries(CP_STATES.map((s) => [s, 0])) as Record<CpState, number>;
    for (const s of this.shards.values()) if (protocol === undefined || s.protocol === protocol) CP_STATES.forEach((name, i) => (out[name] += s.states[i]));
    return out;
  }

  /** Errors of every action ({@link ActionSummary} errors + errorsSent), without building the summaries. */
  errorCount(): number {
    let n = 0;
    for (const s of this.shards.values()) {
      for (let i = 0; i < s.actions.length; i += A.COUNT) n += s.actions[i + A.CallErrors] + s.actions[i + A.Timeouts] + s.actions[i + A.InvalidResponses] + s.actions[i + A.ErrorsSent];
    }
    return n;
  }

  /** Per-(protocol, action) figures, sorted by protocol (1.6 first), then action name. */
  actions(): ActionSummary[] {
    const sums = new Map<string, { protocol: string; action: string; r: number[] }>();
    for (const s of this.shards.values()) {
      s.actionNames.forEach((action, i) => {
        const key = actionKey(s.protocol, action);
        let row = sums.get(key);
        if (!row) sums.set(key, (row = { protocol: s.protocol, action, r: new Array(A.COUNT).fill(0) }));
        for (let k = 0; k < A.COUNT; k++) row.r[k] += s.actions[i * A.COUNT + k];
      });
    }
    return [...sums.values()]
      .sort((a, b) => compareProtocols(a.protocol, b.protocol) || a.action.localeCompare(b.action))
      .map(({ protocol, action, r }) => {
        // Only answered calls have a latency: none answered is "no figure", not 0 ms.
        const h = this.latency.get(actionKey(protocol, action))?.histogram;
        const answered = h !== undefined && h.total > 0;
        const ms = (q: number) => (answered ? round(h.quantile(q) / 1000) : null);
        return {
          protocol,
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

  /** CALLERRORs received per action, summed over shards: {@link actionKey} → counts in CALL_ERROR_CODES order. */
  callErrorCodes(): Map<string, number[]> {
    const n = CALL_ERROR_CODES.length;
    const sums = new Map<string, number[]>();
    for (const s of this.shards.values()) {
      s.actionNames.forEach((name, i) => {
        const key = actionKey(s.protocol, name);
        let row = sums.get(key);
        if (!row) sums.set(key, (row = new Array(n).fill(0)));
        for (let k = 0; k < n; k++) row[k] += s.errorCodes[i * n + k] ?? 0;
      });
    }
    return sums;
  }

  /** The merged latency histograms per (protocol, action), in {@link actions}' order (read-only: for exporters such as metrics/prometheus.ts). */
  latencyHistograms(): ActionLatency[] {
    return [...this.latency.values()].sort((a, b) => compareProtocols(a.protocol, b.protocol) || a.action.localeCompare(b.action));
  }

  /** Latency quantile over all calls of all actions (ms). */
  overallQuantile(q: number): number {
    const all = new Histogram();
    for (const { histogram: h } of this.latency.values()) all.addSparse(h.toSparse(), h.max);
    return round(all.quantile(q) / 1000);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
