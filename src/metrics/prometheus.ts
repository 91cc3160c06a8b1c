/**
 * The fleet's numbers as Prometheus metrics, built on the main thread from {@link FleetStats} at
 * scrape (or push) time: every metric is an object whose `get()` reads the merged counters, so the
 * workers never call prom-client and a scrape costs one pass over numbers already here.
 *
 * Labels stay low-cardinality: state, direction, action, code, result, le, protocol — never a charge
 * point. `direction` is seen from the charge points: "sent" = CALLs they sent to the CSMS, "received"
 * = CALLs the CSMS sent them (responses are not counted as messages; see the call duration and errors).
 *
 * Every ocpp_sim_* series carries `protocol`, the OCPP version its charge points speak: "1.6" or
 * "2.0.1", as profiles (`ocppVersions`), the report and thresholds (`p95(Heartbeat@2.0.1)`) spell it,
 * so one value works everywhere (not the subprotocol "ocpp1.6", which this label carried while 1.6
 * was the only version). It at most multiplies each series by the versions the simulator speaks.
 */
import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';
import type { ActionSummary, FleetStats } from './fleet-stats.js';
import { actionKey } from './fleet-stats.js';
import { bucketLow, bucketMid, HISTOGRAM_BUCKETS, type Histogram } from './histogram.js';
import { CALL_ERROR_CODES, CP_STATES } from './shard-stats.js';
import { wireErrorCode, type ErrorCode } from '../protocol/errors.js';

/** `le` bounds of ocpp_sim_call_duration_seconds, 1 ms to 30 s. */
export const DURATION_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/** The names this module exports (histograms without their _bucket/_sum/_count suffixes). */
export const FLEET_METRICS = {
  chargePoints: 'ocpp_sim_charge_points',
  messages: 'ocpp_sim_messages_total',
  callDuration: 'ocpp_sim_call_duration_seconds',
  callErrors: 'ocpp_sim_call_errors_total',
  transactionsActive: 'ocpp_sim_transactions_active',
  transactions: 'ocpp_sim_transactions_total',
  energy: 'ocpp_sim_energy_delivered_wh_total',
  reconnects: 'ocpp_sim_reconnects_total',
  expectations: 'ocpp_sim_expectations_total',
  lost: 'ocpp_sim_messages_lost_total',
} as const;

/**
 * A CALLERROR code as the action's version spells it on the wire (OCPP-J 1.6 §4.2.3: FormationViolation,
 * OccurenceConstraintViolation; 2.0.1 Part 4 §4.3 keeps only the second). 1.6 has no framework codes,
 * but a CSMS may still send them: they keep their own names here (wireErrorCode would fold them into
 * ProtocolError, two series with one label set).
 */
function codeLabel(code: (typeof CALL_ERROR_CODES)[number], protocol: string): string {
  if (code === 'Other' || code === 'RpcFrameworkError' || code === 'MessageTypeNotSupported') return code;
  return wireErrorCode(code as ErrorCode, protocol);
}

export interface FleetRegistryOptions {
  /** Also prom-client's default process metrics (CPU, memory, event loop, GC); default true. */
  processMetrics?: boolean;
  /** Called once per scrape before reading the stats (e.g. an in-process fleet's refresh()). */
  beforeCollect?: () => void;
}

type Labels = Record<string, string>;
interface Sample {
  value: number;
  labels: Labels;
  metricName?: string;
}
type MetricType = 'counter' | 'gauge' | 'histogram';

/** Everything one scrape needs, read once (every metric's get() runs in the same turn of a scrape). */
interface View {
  actions: ActionSummary[];
  codes: Map<string, number[]>;
  /** The protocols the fleet's charge points speak, in version order. */
  protocols: string[];
  stats: FleetStats;
}

/** A registry whose metrics read `stats` whenever they are collected. */
export function fleetRegistry(stats: FleetStats, opts: FleetRegistryOptions = {}): Registry {
  const registry = new Registry();
  let view: View | null = null;
  const current = (): View => {
    if (!view) {
      opts.beforeCollect?.();
      view = { actions: stats.actions(), codes: stats.callErrorCodes(), protocols: [...stats.protocols().keys()], stats };
      // Dropped after this turn: the next scrape reads fresh numbers.
      queueMicrotask(() => (view = null));
    }
    return view;
  };
  const add = (name: string, help: string, type: MetricType, samples: (v: View) => Sample[]) => {
    const get = async () => ({ name, help, type, aggregator: 'sum' as const, values: samples(current()) });
    registry.registerMetric({ name, help, type, aggregator: 'sum', get, reset() {}, collect() {} } as unknown as Metric);
  };

  /** A fleet-level series per protocol: `value(protocol)` with `labels` and the protocol. */
  const perProtocol = ({ protocols }: View, labels: Labels, value: (protocol: string) => number): Sample[] =>
    protocols.map((protocol) => ({ value: value(protocol), labels: { ...labels, protocol } }));

  add(FLEET_METRICS.chargePoints, 'Charge points by state (each is in exactly one) and OCPP version', 'gauge', (v) =>
    v.protocols.flatMap((protocol) => {
      const states = v.stats.states(protocol);
      return CP_STATES.map((state) => ({ value: states[state], labels: { state, protocol } }));
    }),
  );
  add(FLEET_METRICS.messages, 'OCPP CALL messages by direction (sent = charge point to CSMS, received = CSMS to charge point), action and OCPP version', 'counter', ({ actions }) =>
    actions.flatMap((a) => [
      ...(a.sent > 0 ? [{ value: a.sent, labels: { direction: 'sent', action: a.action, protocol: a.protocol } }] : []),
      ...(a.received > 0 ? [{ value: a.received, labels: { direction: 'received', action: a.action, protocol: a.protocol } }] : []),
    ]),
  );
  add(FLEET_METRICS.callDuration, 'Time from sending a CALL to its CALLRESULT or CALLERROR, by action and OCPP version', 'histogram', ({ stats }) =>
    stats.latencyHistograms().flatMap(({ protocol, action, histogram }) => histogramSamples(FLEET_METRICS.callDuration, { action, protocol }, histogram)),
  );
  add(FLEET_METRICS.callErrors, 'Calls that failed, by action, OCPP version and code: CALLERROR codes received, Timeout (no answer in time), InvalidResponse (answer broke the schema)', 'counter', ({ actions, codes }) =>
    actions.flatMap((a) => {
      const out: Sample[] = [];
      const labels = (code: string) => ({ action: a.action, code, protocol: a.protocol });
      (codes.get(actionKey(a.protocol, a.action)) ?? []).forEach((n, k) => {
        if (n > 0) out.push({ value: n, labels: labels(codeLabel(CALL_ERROR_CODES[k], a.protocol)) });
      });
      if (a.timeouts > 0) out.push({ value: a.timeouts, labels: labels('Timeout') });
      if (a.invalidResponses > 0) out.push({ value: a.invalidResponses, labels: labels('InvalidResponse') });
      return out;
    }),
  );
  add(FLEET_METRICS.transactionsActive, 'Transactions begun and not yet ended', 'gauge', (v) => perProtocol(v, {}, (p) => v.stats.total('transactionsActive', p)));
  add(FLEET_METRICS.transactions, 'Transactions: started (StartTransaction queued), completed (StopTransaction confirmed), rejected (StartTransaction refused or failed)', 'counter', (v) => [
    ...perProtocol(v, { result: 'started' }, (p) => v.stats.total('transactionsStarted', p)),
    ...perProtocol(v, { result: 'completed' }, (p) => v.stats.total('transactionsCompleted', p)),
    ...perProtocol(v, { result: 'rejected' }, (p) => v.stats.total('transactionsRejected', p)),
  ]);
  add(FLEET_METRICS.energy, 'Energy delivered (Wh), counted as the meters integrate it while transactions run', 'counter', (v) => perProtocol(v, {}, (p) => v.stats.total('energyWh', p)));
  add(FLEET_METRICS.reconnects, 'Connections re-established after an open one was lost', 'counter', (v) => perProtocol(v, {}, (p) => v.stats.total('reconnects', p)));
  add(FLEET_METRICS.expectations, "Scenario expectations ('expect' steps) by result", 'counter', (v) => [
    ...perProtocol(v, { result: 'passed' }, (p) => v.stats.total('expectationsPassed', p)),
    ...perProtocol(v, { result: 'failed' }, (p) => v.stats.total('expectationsFailed', p)),
    ...perProtocol(v, { result: 'pending' }, (p) => v.stats.total('expectationsPending', p)),
  ]);
  add(FLEET_METRICS.lost, 'Messages that never reached the CSMS, by action, OCPP version and reason: dropped (a full queue, an unconfirmed transaction) or undelivered (left when the run ended)', 'counter', ({ actions }) =>
    actions.flatMap((a) => [
      ...(a.dropped > 0 ? [{ value: a.dropped, labels: { action: a.action, reason: 'dropped', protocol: a.protocol } }] : []),
      ...(a.undelivered > 0 ? [{ value: a.undelivered, labels: { action: a.action, reason: 'undelivered', protocol: a.protocol } }] : []),
    ]),
  );

  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

const MID_US = Float64Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => bucketMid(i));

/**
 * One action's histogram in Prometheus form. A fine bucket [low, next) counts under `le` once all of
 * it lies below le (next ≤ le), so no value above `le` is ever counted under it; a fine bucket that
 * straddles `le` (≤ 1.6 % wide) counts under the next bound. `_sum` adds bucket midpoints (capped by
 * the max seen), exact to the same resolution.
 */
function histogramSamples(name: string, labels: Labels, h: Histogram): Sample[] {
  const out: Sample[] = [];
  let i = 0;
  let cumulative = 0;
  for (const le of DURATION_BUCKETS_S) {
    const limitUs = le * 1e6;
    while (i < HISTOGRAM_BUCKETS - 1 && bucketLow(i + 1) <= limitUs) cumulative += h.counts[i++];
    out.push({ metricName: `${name}_bucket`, value: cumulative, labels: { ...labels, le: String(le) } });
  }
  out.push({ metricName: `${name}_bucket`, value: h.total, labels: { ...labels, le: '+Inf' } });
  let sumUs = 0;
  for (let k = 0; k < HISTOGRAM_BUCKETS; k++) if (h.counts[k] > 0) sumUs += h.counts[k] * Math.min(MID_US[k], h.max);
  out.push({ metricName: `${name}_sum`, value: sumUs / 1e6, labels });
  out.push({ metricName: `${name}_count`, value: h.total, labels });
  return out;
}

/** Every series name a registry exposes, histograms with their _bucket/_sum/_count series. */
export async function exportedNames(registry: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const m of await registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
  }
  return names;
}
