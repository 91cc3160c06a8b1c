/**
 * `ocpp-sim merge`'s pure part: checks that shard reports make up one whole fleet (one report format,
 * one n, every slice once, no identity twice), and turns them into the figures of that fleet — a
 * FleetStats fed one snapshot per report and OCPP version, so counts add up, latency histograms add
 * up bucket by bucket (percentiles from the summed buckets, never averaged), and problems and
 * failures stay bounded as in a run — plus what the verdict needs that is not a counter (aborts,
 * an unreachable CSMS, crashed workers, the run's span). No I/O.
 */
import type { RunAbort } from '../cli/verdict.js';
import type { Unreachable } from '../cli/unreachable.js';
import { FleetStats } from '../metrics/fleet-stats.js';
import { A, CP_STATES, TOTALS, type ExpectationFailure, type StatsSnapshot, type TotalName } from '../metrics/shard-stats.js';
import { formatIdentity } from '../util/ids.js';
import { REPORT_FORMAT, type FleetReport, type RunReport } from './report.js';

/** One shard's report and the file it came from (named in every error about it). */
export interface ShardReport {
  file: string;
  report: RunReport;
}

/** The shard reports do not make up one fleet: the message says which files and why. */
export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

/** `i/n` of a report; a whole fleet's report (shard null) is 1/1. */
function sliceOf(r: RunReport): { i: number; n: number } {
  if (r.shard === null) return { i: 1, n: 1 };
  const [i, n] = r.shard.split('/').map(Number);
  return { i, n };
}

const label = (s: ShardReport) => `${s.file} (${s.report.shard ?? 'whole fleet'})`;

/**
 * Throws {@link MergeError} unless the reports are exactly the n slices of one fleet: the same report
 * format, the same n, each i once and none missing, the same fleets (prefix, first number, profile),
 * no identity in two reports, and each slice the size its i/n gives.
 */
export function checkShards(shards: readonly ShardReport[]): void {
  if (shards.length === 0) throw new MergeError('no reports to merge');
  const formats = new Set(shards.map((s) => s.report.reportFormat));
  if (formats.size > 1) {
    throw new MergeError(`the reports are of different report formats: ${shards.map((s) => `${s.file} is format ${s.report.reportFormat}`).join(', ')}`);
  }
  if (!formats.has(REPORT_FORMAT)) throw new MergeError(`${shards[0].file} is report format ${shards[0].report.reportFormat}; this ocpp-sim merges format ${REPORT_FORMAT}`);
  const ns = new Set(shards.map((s) => sliceOf(s.report).n));
  if (ns.size > 1) {
    throw new MergeError(`the reports are shards of different n (different splits of the fleet): ${shards.map(label).join(', ')}`);
  }
  const [n] = ns;
  const byIndex = new Map<number, ShardReport>();
  for (const s of shards) {
    const { i } = sliceOf(s.report);
    const twice = byIndex.get(i);
    if (twice) throw new MergeError(`overlapping shards: ${twice.file} and ${s.file} are both ${s.report.shard ?? 'the whole fleet'}`);
    byIndex.set(i, s);
  }
  const missing = Array.from({ length: n }, (_, k) => k + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).map((i) => `${i}/${n}`).join(', ') + (missing.length > 10 ? ` and ${missing.length - 10} more` : '');
    throw new MergeError(`missing shard(s) ${shown}: got ${shards.map(label).join(', ')}`);
  }
  const fleets = shards[0].report.config.fleets;
  for (const s of shards) {
    const other = s.report.config.fleets;
    const same = other.length === fleets.length && other.every((f, k) => f.idPrefix === fleets[k].idPrefix && f.idStart === fleets[k].idStart && f.profile === fleets[k].profile);
    if (!same) throw new MergeError(`${s.file} and ${shards[0].file} are not shards of the same fleet (their fleets differ in id prefix, --id-start or profile)`);
  }
  checkIdentities(shards);
  // Slice i of n holds ceil((T − i + 1) / n) of a fleet of T: otherwise the shards split different fleets.
  fleets.forEach((_, k) => {
    const total = shards.reduce((sum, s) => sum + s.report.config.fleets[k].count, 0);
    for (const s of shards) {
      const { i } = sliceOf(s.report);
      const want = Math.ceil((total - i + 1) / n);
      const got = s.report.config.fleets[k].count;
      if (got !== want) {
        throw new MergeError(`${label(s)} simulated ${got} charge points where slice ${i}/${n} of a fleet of ${total} holds ${want}: the shards were run with different --count`);
      }
    }
  });
}

/** A report's charge point numbers: first, first + step, … (count of them). */
interface Run {
  file: string;
  prefix: string;
  first: number;
  step: number;
  count: number;
}

function runOf(file: string, f: FleetReport): Run | null {
  const id = f.identities;
  if (id === null) return null;
  return { file, prefix: f.idPrefix, first: Number(id.first.slice(f.idPrefix.length)), step: id.step, count: id.count };
}

/** No identity in two reports: their numbers (arithmetic progressions) share no element under one prefix. */
function checkIdentities(shards: readonly ShardReport[]): void {
  const runs = shards.flatMap((s) => s.report.config.fleets.map((f) => runOf(s.file, f)).filter((r): r is Run => r !== null));
  for (let a = 0; a < runs.length; a++) {
    for (let b = a + 1; b < runs.length; b++) {
      const shared = runs[a].prefix === runs[b].prefix ? commonNumber(runs[a], runs[b]) : undefined;
      if (shared !== undefined) {
        throw new MergeError(`overlapping identity ranges: ${runs[a].file} and ${runs[b].file} both simulated ${runs[a].prefix}${shared} (among others)`);
      }
    }
  }
}

/** A number both progressions hold, if any: steps through p's elements in q's range, at most q.step of them (residues repeat). */
export function commonNumber(p: Run | Omit<Run, 'file' | 'prefix'>, q: Run | Omit<Run, 'file' | 'prefix'>): number | undefined {
  const lo = Math.max(p.first, q.first);
  const hi = Math.min(p.first + (p.count - 1) * p.step, q.first + (q.count - 1) * q.step);
  if (lo > hi) return undefined;
  const k0 = Math.max(0, Math.ceil((lo - p.first) / p.step));
  for (let k = k0; k < k0 + q.step && k < p.count; k++) {
    const x = p.first + k * p.step;
    if (x > hi) return undefined;
    if ((x - q.first) % q.step === 0) return x;
  }
  return undefined;
}

/** The report's figures as snapshots (one per OCPP version), for FleetStats to add up like live shards. */
function snapshotsOf(r: RunReport): StatsSnapshot[] {
  const protocols = Object.keys(r.actions);
  for (const p of Object.keys(r.protocols)) if (!protocols.includes(p)) protocols.push(p);
  if (protocols.length === 0) protocols.push(r.config.fleets[0]?.protocol ?? '1.6');
  // The report keeps states for the whole fleet only: handed to the versions in turn, so each version's
  // charge points (r.protocols) and the fleet's states both add up.
  const states = CP_STATES.map((s) => r.chargePoints.states[s]);
  return protocols.map((protocol, k) => {
    const rows = Object.entries(r.actions[protocol] ?? {});
    const actions: number[] = [];
    for (const [, a] of rows) {
      const row = new Array<number>(A.COUNT).fill(0);
      row[A.CallsSent] = a.sent;
      row[A.Results] = Math.max(0, a.sent - a.callErrors - a.timeouts - a.invalidResponses);
      row[A.CallErrors] = a.callErrors;
      row[A.Timeouts] = a.timeouts;
      row[A.InvalidResponses] = a.invalidResponses;
      row[A.CallsReceived] = a.received;
      row[A.InvalidCalls] = a.invalidCalls;
      row[A.ErrorsSent] = a.errorsSent;
      row[A.LateAnswers] = a.lateAnswers;
      row[A.Undelivered] = a.undelivered;
      row[A.Dropped] = a.dropped;
      row[A.UnknownCalls] = a.unknownCalls;
      row[A.BadErrorCodes] = a.badErrorCodes;
      actions.push(...row);
    }
    let owed = k === protocols.length - 1 ? Infinity : (r.protocols[protocol] ?? 0);
    const mine = states.map((n, s) => {
      const take = Math.min(n, owed);
      owed -= take;
      states[s] -= take;
      return take;
    });
    // Fleet-level counters are kept for the whole report only: they go with its first version.
    const totals = TOTALS.map((name) => (k === 0 ? totalOf(r, name) : 0));
    return {
      seq: 1,
      protocol,
      actionNames: rows.map(([name]) => name),
      actions,
      totals,
      states: mine,
      latency: rows.map(([, a]) => (a.histogram ? { pairs: a.histogram.buckets.flat(), max: a.histogram.maxUs } : null)),
      errorCodes: [],
      problems: k === 0 ? [...r.problems.samples] : [],
      problemCount: k === 0 ? r.problems.count : 0,
      lastFirstBootAt: 0,
      lastOpenAt: 0,
      connectErrors: k === 0 ? r.connections.failures.map((e) => ({ ...e })) : [],
      expectations: k === 0 ? r.expectations.sites.map((e) => ({ ...e })) : [],
      ...(k === 0 && r.manualActions !== undefined ? { manualActions: { ...r.manualActions } } : {}),
      failures: k === 0 ? r.failures.flatMap((f): ExpectationFailure[] => (f.kind === 'expectation' ? [{ chargePoint: f.chargePoint, connector: f.connector, site: f.site, label: f.step, expected: f.expected, got: f.got, at: Date.parse(f.at) }] : [])) : [],
    };
  });
}

/** A fleet-level counter as the report shows it (see buildReport). */
function totalOf(r: RunReport, name: TotalName): number {
  switch (name) {
    case 'chargePointsStarted':
      return r.chargePoints.started;
    case 'chargePointsBooted':
      return r.chargePoints.booted;
    case 'bootsAccepted':
      return r.boots.accepted;
    case 'bootsPending':
      return r.boots.pending;
    case 'bootsRejected':
      return r.boots.rejected;
    case 'transactionsStarted':
      return r.transactions.started;
    case 'transactionsCompleted':
      return r.transactions.completed;
    case 'transactionsRejected':
      return r.transactions.rejected;
    case 'energyWh':
      return r.energyWh;
    case 'reconnects':
      return r.reconnects;
    case 'connectFailures':
      return r.connectFailures;
    case 'badFrames':
      return r.badFrames;
    case 'messagesIn':
      return r.messages.in;
    case 'messagesOut':
      return r.messages.out;
    case 'expectationsPassed':
      return r.expectations.passed;
    case 'expectationsFailed':
      return r.expectations.failed;
    case 'expectationsPending':
      return r.expectations.pending;
    case 'earlyCloses':
      return r.connections.earlyCloses;
    case 'stopUnfinished':
      return r.gracefulStop.chargePointsUnfinished;
    case 'linksOpened':
      return r.connections.opened;
    case 'transactionsActive':
      return 0; // a gauge of the live run: nothing is active in a finished report
  }
}

/** What `merge` makes of checked shard reports: the whole fleet's figures and the verdict's inputs. */
export interface MergedRun {
  stats: FleetStats;
  /** Charge points asked for, over all shards. */
  total: number;
  /** The span of the shards' runs: the earliest start to the latest end (they run side by side). */
  startedAt: number;
  elapsedMs: number;
  /** One entry per crashed worker in any shard (their texts, for the verdict's count). */
  workerErrors: string[];
  /** An interrupted shard interrupts the merged run (a signal wins over --abort-on-fail): nothing lost in silence. */
  aborted?: RunAbort;
  unreachable?: Unreachable;
  allowInvalid: boolean;
  /** The merged report's config (fleets with their whole identity range), its run id and graceful stop. */
  config: RunReport['config'];
  runId: string | null;
  gracefulStopTimeoutMs: number;
}

/** Merges shard reports that {@link checkShards} accepted. `thresholds`: the expressions the merged run is judged by. */
export function mergeShards(shards: readonly ShardReport[], thresholds: readonly string[]): MergedRun {
  const stats = new FleetStats();
  // In shard order, so the problems and failures kept (the first ones) come from 1/n first.
  const ordered = [...shards].sort((a, b) => sliceOf(a.report).i - sliceOf(b.report).i);
  ordered.forEach((s, k) => snapshotsOf(s.report).forEach((snap, p) => stats.ingest(k * 1024 + p, snap)));
  const reports = ordered.map((s) => s.report);
  stats.lost = reports.reduce((n, r) => n + r.chargePoints.lost, 0);
  const startedAt = Math.min(...reports.map((r) => Date.parse(r.startedAt)));
  const endedAt = Math.max(...reports.map((r) => Date.parse(r.endedAt)));
  const workerErrors: string[] = [];
  for (const s of ordered) {
    for (const reason of s.report.reasons) {
      const m = /^(\d+) worker\(s\) crashed/.exec(reason);
      if (m) for (let i = 0; i < Number(m[1]); i++) workerErrors.push(`${s.report.shard ?? s.file}: a worker crashed`);
    }
  }
  const abortedShard = ordered.find((s) => s.report.aborted?.by === 'signal') ?? ordered.find((s) => s.report.aborted !== null);
  const a = abortedShard?.report.aborted;
  const where = (s: ShardReport) => `shard ${s.report.shard ?? 'whole fleet'} (${s.file})`;
  const aborted: RunAbort | undefined =
    a && abortedShard ? { by: a.by, signal: a.signal as NodeJS.Signals | null, at: Date.parse(a.at), afterMs: a.afterMs, reason: `${where(abortedShard)}: ${a.reason}` } : undefined;
  const unreachableShard = ordered.find((s) => s.report.unreachable !== null);
  const u = unreachableShard?.report.unreachable;
  const first = reports[0];
  const fleets = first.config.fleets.map((f, k) => mergedFleet(reports.map((r) => r.config.fleets[k])));
  const runIds = new Set(reports.map((r) => r.runId));
  return {
    stats,
    total: reports.reduce((n, r) => n + r.chargePoints.total, 0),
    startedAt,
    elapsedMs: Math.max(0, endedAt - startedAt),
    workerErrors,
    ...(aborted ? { aborted } : {}),
    ...(u && unreachableShard ? { unreachable: { ...u, reason: `${where(unreachableShard)}: ${u.reason}` } } : {}),
    allowInvalid: reports.every((r) => r.config.allowInvalid),
    config: {
      csmsUrl: first.config.csmsUrl,
      plan: first.config.plan,
      durationMs: Math.max(...reports.map((r) => r.config.durationMs)),
      workers: Math.max(...reports.map((r) => r.config.workers)),
      allowInvalid: reports.every((r) => r.config.allowInvalid),
      abortOnFail: reports.some((r) => r.config.abortOnFail),
      thresholds: [...thresholds],
      fleets,
    },
    runId: runIds.size === 1 ? first.runId : null,
    gracefulStopTimeoutMs: Math.max(...reports.map((r) => r.gracefulStop.timeoutMs)),
  };
}

/** One fleet over all shards: the counts added, the identities the whole range (first of 1/n to the last). */
function mergedFleet(parts: readonly FleetReport[]): FleetReport {
  const runs = parts.map((f) => runOf('', f)).filter((r): r is Run => r !== null);
  const [f] = parts;
  const count = parts.reduce((n, p) => n + p.count, 0);
  if (runs.length === 0) return { ...f, count, identities: null };
  const width = f.identities ? f.identities.first.length - f.idPrefix.length : 1;
  const lo = Math.min(...runs.map((r) => r.first));
  const hi = Math.max(...runs.map((r) => r.first + (r.count - 1) * r.step));
  return { ...f, count, identities: { first: formatIdentity(f.idPrefix, lo, width), last: formatIdentity(f.idPrefix, hi, width), count, step: 1 } };
}

/**
 * The thresholds a merged run is judged by: those given, else those every shard recorded (when they
 * all recorded the same). Throws {@link MergeError} when the shards disagree and none are given.
 */
export function thresholdsFor(shards: readonly ShardReport[], given: readonly string[] | undefined): string[] {
  if (given !== undefined && given.length > 0) return [...given];
  const key = (r: RunReport) => JSON.stringify(r.config.thresholds);
  const differing = shards.find((s) => key(s.report) !== key(shards[0].report));
  if (differing) {
    throw new MergeError(
      `the shards were judged by different thresholds (${shards[0].file}: ${shards[0].report.config.thresholds.join(', ') || 'none'}; ${differing.file}: ${differing.report.config.thresholds.join(', ') || 'none'}): give the whole fleet's with --threshold`,
    );
  }
  return [...shards[0].report.config.thresholds];
}
