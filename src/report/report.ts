/**
 * The machine-readable result of a run (`--report out.json`): configuration, fleet figures,
 * per-action counts and latencies, per-site scenario expectations, thresholds, failures, verdict.
 * Its shape is published as report.schema.json beside this file (a test keeps the two in step) and
 * documented in the README's "Reports" section. Built from the merged FleetStats, never from the
 * live shards, so it says exactly what the summary says.
 */
import type { Unreachable } from '../cli/unreachable.js';
import { redactUrl } from '../util/redact.js';
import { readFileSync } from 'node:fs';
import type { ActionSummary, FleetStats } from '../metrics/fleet-stats.js';
import type { ConnectErrorCount, CpState, ExpectationSite } from '../metrics/shard-stats.js';
import type { FleetConfig } from '../scheduler/fleet.js';
import type { Verdict } from '../cli/verdict.js';
import type { Unit } from './thresholds.js';
import { bindingFor } from '../versions.js';
import { formatIdentity } from '../util/ids.js';

/**
 * Bumped when a field changes meaning or goes away (new fields do not bump it). 2: `aborted` is an
 * object (how and when the run was stopped early, a signal or --abort-on-fail), no longer a string.
 * 3: `actions` is grouped by OCPP version, `actions["1.6"].BootNotification` (it was
 * `actions.BootNotification`), as one run can speak 1.6 and 2.0.1 and their actions share names.
 */
export const REPORT_FORMAT = 3;

/**
 * The latency histogram of an action's answered calls, as the metrics keep it (metrics/histogram.ts:
 * log-linear buckets over microseconds): `[bucket index, count]` pairs of the non-empty buckets, and
 * the largest value. Histograms add up bucket by bucket, so `ocpp-sim merge` computes the percentiles of
 * several shard reports from their summed buckets, never by averaging percentiles.
 */
export interface LatencyHistogramReport {
  /** The bucket scheme: 2,048 log-linear buckets over µs (exact below 128 µs, then 64 per octave). */
  scheme: 'log-linear-us-2048';
  maxUs: number;
  buckets: [number, number][];
}

/** One action's figures (see ActionSummary for each field), and `count`: calls sent + calls received. */
export type ActionReport = Omit<ActionSummary, 'action' | 'protocol'> & { count: number; histogram: LatencyHistogramReport | null };

/** The charge points a fleet's report covers: with --shard i/n, positions p with p mod n = i−1. */
export interface IdentitiesReport {
  first: string;
  last: string;
  count: number;
  /** Numbers between consecutive identities: n of --shard i/n, else 1. */
  step: number;
}

export interface ThresholdReport {
  expression: string;
  metric: string;
  /** The metric's argument (an action, '*', `pending`…), or null. */
  arg: string | null;
  /** The OCPP version the argument is limited to (`errors(*@2.0.1)`), or null: every version. */
  protocol: string | null;
  passed: boolean;
  actual: number | null;
  unit: Unit;
  actualText: string;
}

export type FailureReport =
  | {
      kind: 'expectation';
      chargePoint: string;
      connector: number;
      site: string;
      step: string;
      expected: string;
      got: string;
      message: string;
      at: string;
    }
  | { kind: 'threshold'; expression: string; message: string };

/** How and when a run was stopped before its duration was up. */
export interface AbortReport {
  /** 'signal' (SIGINT/SIGTERM from outside: exit code 105) or 'abort-on-fail' (a failure: exit code 1). */
  by: 'signal' | 'abort-on-fail';
  signal: string | null;
  /** ISO 8601 UTC, and ms into the simulation (0 during worker start-up). */
  at: string;
  afterMs: number;
  reason: string;
}

export interface FleetReport {
  idPrefix: string;
  idStart: number;
  count: number;
  profile: string;
  /** The OCPP version its charge points speak (the profile's first the simulator speaks). */
  protocol: string;
  scenario: string | null;
  seed: number;
  rampPerSec: number;
  callTimeoutMs: number;
  strict: boolean;
  /** Most messages a charge point of this fleet keeps queued (--queue-limit). */
  queueLimit: number;
  /** The identities this report simulated (the slice --shard picks, or the whole fleet); null with no charge point. */
  identities: IdentitiesReport | null;
}

export interface RunReport {
  tool: 'ocpp-sim';
  version: string;
  reportFormat: number;
  runId: string | null;
  /** `i/n` for a run of --shard i/n (one slice of a larger fleet), null for a whole fleet (and a merged report). */
  shard: string | null;
  passed: boolean;
  exitCode: number;
  reasons: string[];
  notes: string[];
  aborted: AbortReport | null;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  config: {
    csmsUrl: string;
    plan: string | null;
    durationMs: number;
    workers: number;
    allowInvalid: boolean;
    abortOnFail: boolean;
    thresholds: string[];
    fleets: FleetReport[];
  };
  chargePoints: { total: number; started: number; booted: number; lost: number; states: Record<CpState, number> };
  /** Charge points per OCPP version they speak, e.g. `{"1.6": 20, "2.0.1": 10}`. */
  protocols: Record<string, number>;
  boots: { accepted: number; pending: number; rejected: number };
  transactions: { started: number; completed: number; rejected: number };
  energyWh: number;
  /** Kept messages never delivered, over every action (per action in `actions`). */
  undelivered: number;
  dropped: number;
  /** The graceful stop at the end: how long it could wait, and whether it ran out with messages left. */
  gracefulStop: { timeoutMs: number; ranOut: boolean; chargePointsUnfinished: number };
  reconnects: number;
  connectFailures: number;
  /** Connections opened, those the CSMS closed before they proved themselves, and failed attempts by cause. */
  connections: { opened: number; earlyCloses: number; failures: ConnectErrorCount[] };
  /** Why the run gave up on an unreachable CSMS (--give-up-after), and what to check; null when it did not. */
  unreachable: Unreachable | null;
  badFrames: number;
  messages: { in: number; out: number };
  calls: { sent: number; received: number; perSecond: number };
  /**
   * Per OCPP version, per action: `actions["2.0.1"].TransactionEvent`. Grouped rather than a list so
   * a consumer reads one figure by its path, with the same keys as `protocols`.
   */
  actions: Record<string, Record<string, ActionReport>>;
  expectations: { passed: number; failed: number; pending: number; sites: ExpectationSite[] };
  /** Manual actions on charge points through the control API (--control-port), per action, per charge point acted on. */
  manualActions: Record<string, number>;
  thresholds: ThresholdReport[];
  failures: FailureReport[];
  problems: { count: number; samples: string[] };
}

/** What the report is built from: the run's result and how it was configured. */
export interface ReportInput {
  stats: FleetStats;
  verdict: Verdict;
  exitCode: number;
  /** ms epoch, and how long the simulation ran. */
  startedAt: number;
  elapsedMs: number;
  /** Charge points asked for. */
  total: number;
  configs: readonly FleetConfig[];
  /** The duration asked for (--duration). */
  durationMs: number;
  plan?: string;
  runId?: string;
  allowInvalid: boolean;
  abortOnFail: boolean;
  thresholds: readonly string[];
  /**
   * The configuration as recorded in shard reports (`ocpp-sim merge`), in place of `configs`: the
   * report's `config`, shard and graceful-stop timeout.
   */
  recorded?: { config: RunReport['config']; shard: string | null; gracefulStopTimeoutMs: number };
}

export function buildReport(input: ReportInput): RunReport {
  const { stats, verdict: v } = input;
  const t = (name: Parameters<FleetStats['total']>[0]) => stats.total(name);
  // Keyed by whatever action names the CSMS used: with no prototype, `__proto__` is a key like any other.
  const actions: Record<string, Record<string, ActionReport>> = Object.create(null);
  let sent = 0;
  let received = 0;
  let undelivered = 0;
  let dropped = 0;
  for (const a of stats.actions()) {
    sent += a.sent;
    received += a.received;
    undelivered += a.undelivered;
    dropped += a.dropped;
    const { action, protocol, ...figures } = a;
    (actions[protocol] ??= Object.create(null) as Record<string, ActionReport>)[action] = { count: a.sent + a.received, ...figures, histogram: null };
  }
  for (const { protocol, action, histogram: h } of stats.latencyHistograms()) {
    const row = actions[protocol]?.[action];
    if (!row || h.total === 0) continue;
    const sparse = h.toSparse();
    const buckets: [number, number][] = [];
    for (let i = 0; i < sparse.length; i += 2) buckets.push([sparse[i], sparse[i + 1]]);
    row.histogram = { scheme: 'log-linear-us-2048', maxUs: h.max, buckets };
  }
  const thresholds = (v.thresholds ?? []).map(({ expression, metric, arg, protocol, passed, actual, unit, actualText }) => ({
    expression,
    metric,
    arg: arg ?? null,
    protocol: protocol ?? null,
    passed,
    actual,
    unit,
    actualText,
  }));
  const failures: FailureReport[] = [
    ...stats.failures.map((f) => ({
      kind: 'expectation' as const,
      chargePoint: f.chargePoint,
      connector: f.connector,
      site: f.site,
      step: f.label,
      expected: f.expected,
      got: f.got,
      message: `${f.chargePoint} connector ${f.connector}: ${f.site}: ${f.label}: expected ${f.expected}, got ${f.got}`,
      at: new Date(f.at).toISOString(),
    })),
    ...thresholds.filter((r) => !r.passed).map((r) => ({ kind: 'threshold' as const, expression: r.expression, message: `threshold ${r.expression} failed (actual ${r.actualText})` })),
  ];
  const first = input.configs[0];
  return {
    tool: 'ocpp-sim',
    version: packageVersion(),
    reportFormat: REPORT_FORMAT,
    runId: input.runId ?? null,
    shard: input.recorded ? input.recorded.shard : first?.slice ? `${first.slice.index + 1}/${first.slice.of}` : null,
    passed: v.passed,
    exitCode: input.exitCode,
    reasons: [...v.reasons],
    notes: [...v.notes],
    aborted: v.aborted ? { ...v.aborted, at: new Date(v.aborted.at).toISOString() } : null,
    startedAt: new Date(input.startedAt).toISOString(),
    endedAt: new Date(input.startedAt + input.elapsedMs).toISOString(),
    durationMs: input.elapsedMs,
    config: input.recorded?.config ?? {
      csmsUrl: redactUrl(first?.csmsUrl ?? ''),
      plan: input.plan ?? null,
      durationMs: input.durationMs,
      workers: Math.max(0, ...input.configs.map((c) => c.workers)),
      allowInvalid: input.allowInvalid,
      abortOnFail: input.abortOnFail,
      thresholds: [...input.thresholds],
      fleets: input.configs.map((c) => ({
        idPrefix: c.idPrefix,
        idStart: c.idStart,
        count: c.count,
        profile: c.profile.name,
        protocol: bindingFor(c.profile)?.version ?? c.profile.ocppVersions[0],
        scenario: c.scenario ? c.scenario.name : null,
        seed: c.seed,
        rampPerSec: c.rampPerSec,
        callTimeoutMs: c.options.callTimeoutMs,
        strict: c.options.strict,
        queueLimit: c.options.queueLimit,
        identities: identitiesOf(c),
      })),
    },
    chargePoints: { total: input.total, started: t('chargePointsStarted'), booted: t('chargePointsBooted'), lost: stats.lost, states: stats.states() },
    protocols: Object.fromEntries(stats.protocols()),
    boots: { accepted: t('bootsAccepted'), pending: t('bootsPending'), rejected: t('bootsRejected') },
    transactions: { started: t('transactionsStarted'), completed: t('transactionsCompleted'), rejected: t('transactionsRejected') },
    energyWh: t('energyWh'),
    undelivered,
    dropped,
    gracefulStop: { timeoutMs: input.recorded?.gracefulStopTimeoutMs ?? first?.stopTimeoutMs ?? 0, ranOut: t('stopUnfinished') > 0, chargePointsUnfinished: t('stopUnfinished') },
    reconnects: t('reconnects'),
    connectFailures: t('connectFailures'),
    connections: { opened: t('linksOpened'), earlyCloses: t('earlyCloses'), failures: stats.connectErrors() },
    unreachable: v.unreachable ?? null,
    badFrames: t('badFrames'),
    messages: { in: t('messagesIn'), out: t('messagesOut') },
    calls: { sent, received, perSecond: Math.round(((sent + received) * 100_000) / Math.max(1, input.elapsedMs)) / 100 },
    actions,
    expectations: { passed: t('expectationsPassed'), failed: t('expectationsFailed'), pending: t('expectationsPending'), sites: stats.expectationSites() },
    manualActions: stats.manualActions(),
    thresholds,
    failures,
    problems: { count: stats.problemCount, samples: [...stats.problems] },
  };
}

/** The identities a fleet config simulates: its slice's positions idStart + i−1, + n, + 2n… (scheduler/fleet.ts). */
function identitiesOf(c: FleetConfig): IdentitiesReport | null {
  if (c.count === 0) return null;
  const step = c.slice?.of ?? 1;
  const firstN = c.idStart + (c.slice?.index ?? 0);
  return { first: formatIdentity(c.idPrefix, firstN, c.idWidth), last: formatIdentity(c.idPrefix, firstN + (c.count - 1) * step, c.idWidth), count: c.count, step };
}

let version: string | undefined;

/** This package's version (package.json is two folders up from src/report and from dist/report). */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
