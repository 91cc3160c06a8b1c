/**
 * The pure merge of shard reports (src/report/merge.ts): which sets of reports make up one fleet
 * (overlapping, missing, different n, different formats, different fleets are refused with the
 * files named), counts that add up, percentiles from summed histogram buckets (equal to one run that
 * saw every call, not an average of the shards' percentiles), bounded problems, and an interrupted
 * shard interrupting the merged run.
 */
import { describe, expect, it } from 'vitest';
import { exitCodeOf, verdict, type RunAbort } from '../../src/cli/verdict.js';
import { FleetStats } from '../../src/metrics/fleet-stats.js';
import { A, ShardStats, T } from '../../src/metrics/shard-stats.js';
import { loadProfile } from '../../src/profile/load.js';
import { checkShards, commonNumber, MergeError, mergeShards, thresholdsFor, type ShardReport } from '../../src/report/merge.js';
import { buildReport, type RunReport } from '../../src/report/report.js';
import { evaluateThresholds, parseThreshold } from '../../src/report/thresholds.js';
import type { FleetConfig } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER } from '../../src/station/profile.js';
import { fixtureReport } from '../helpers/report-fixture.js';

const FLEET = 9;

interface ShardOptions {
  /** Latencies (µs) of the BootNotifications this shard sent. */
  latencies?: number[];
  problems?: number;
  aborted?: RunAbort;
  thresholds?: string[];
  total?: number;
}

/** The report `run --count total --shard i/n` would write, built by the real path (ShardStats → FleetStats → buildReport). */
function shardReport(i: number, n: number, o: ShardOptions = {}): RunReport {
  const total = o.total ?? FLEET;
  const count = Math.ceil((total - i + 1) / n);
  const shard = new ShardStats('1.6');
  const boot = shard.actionIndex('BootNotification');
  const latencies = o.latencies ?? Array.from({ length: count }, (_, k) => 1000 * (k + 1));
  for (const us of latencies) {
    shard.count(boot, A.CallsSent);
    shard.count(boot, A.Results);
    shard.latencyUs(boot, us);
  }
  const heartbeat = shard.actionIndex('Heartbeat');
  for (let k = 0; k < i; k++) shard.count(heartbeat, A.CallsSent);
  shard.count(heartbeat, A.Timeouts);
  shard.totals[T.ChargePointsStarted] = count;
  shard.totals[T.ChargePointsBooted] = count;
  shard.totals[T.BootsAccepted] = count;
  shard.totals[T.TxStarted] = 2 * i;
  shard.totals[T.TxCompleted] = i;
  shard.totals[T.MessagesIn] = 10 * i;
  shard.totals[T.MessagesOut] = 11 * i;
  shard.states[6] = count;
  for (let k = 0; k < (o.problems ?? 0); k++) shard.problem(`shard ${i} problem ${k}`);
  const stats = new FleetStats();
  stats.ingest(0, shard.snapshot());
  const thresholds = o.thresholds ?? [];
  const results = evaluateThresholds(thresholds.map(parseThreshold), stats, { fleetSize: count, elapsedMs: 5000 });
  const v = verdict(stats, { total: count, allowInvalid: false, workerErrors: [], thresholds: results, aborted: o.aborted });
  const config: FleetConfig = {
    csmsUrl: 'ws://127.0.0.1:9000/ocpp',
    idPrefix: 'CP',
    idStart: 1,
    idWidth: String(total).length,
    count,
    workers: 0,
    slice: n === 1 ? undefined : { index: i - 1, of: n },
    profile: loadProfile('generic-16-ac'),
    driver: DEFAULT_DRIVER,
    options: { callTimeoutMs: 30_000, connectTimeoutMs: 30_000, strict: true, reconnect: { initialMs: 1000, maxMs: 30_000 }, bootRetryMs: 1000, softResetDrainMs: 3000, rebootDelayMs: 2000, queueLimit: 200 },
    seed: 1,
    rampPerSec: 0,
    stopTimeoutMs: 10_000,
  };
  return buildReport({
    stats,
    verdict: v,
    exitCode: exitCodeOf(v),
    startedAt: Date.UTC(2026, 0, 2, 3, 4, i),
    elapsedMs: 5000,
    total: count,
    configs: [config],
    durationMs: 5000,
    allowInvalid: false,
    abortOnFail: false,
    thresholds,
  });
}

const shards = (...reports: [string, RunReport][]): ShardReport[] => reports.map(([file, report]) => ({ file, report }));
const refusal = (s: ShardReport[]) => {
  try {
    checkShards(s);
  } catch (e) {
    expect(e).toBeInstanceOf(MergeError);
    return (e as Error).message;
  }
  throw new Error('checkShards accepted the reports');
};

describe('shard reports record their slice', () => {
  it('shard i/n and the identities it simulated; a whole fleet has shard null', () => {
    expect(shardReport(2, 3)).toMatchObject({ shard: '2/3', config: { fleets: [{ count: 3, identities: { first: 'CP2', last: 'CP8', count: 3, step: 3 } }] } });
    expect(shardReport(1, 1)).toMatchObject({ shard: null, config: { fleets: [{ count: 9, identities: { first: 'CP1', last: 'CP9', count: 9, step: 1 } }] } });
    expect(shardReport(1, 1).actions['1.6'].BootNotification.histogram).toMatchObject({ scheme: 'log-linear-us-2048', maxUs: 9000 });
  });
});

describe('checkShards', () => {
  it('accepts exactly the n slices of one fleet, in any order', () => {
    expect(() => checkShards(shards(['c', shardReport(3, 3)], ['a', shardReport(1, 3)], ['b', shardReport(2, 3)]))).not.toThrow();
    expect(() => checkShards(shards(['w', shardReport(1, 1)]))).not.toThrow();
  });

  it('the same shard twice is an overlap that names both files', () => {
    expect(refusal(shards(['a.json', shardReport(1, 2)], ['b.json', shardReport(1, 2)]))).toBe('overlapping shards: a.json and b.json are both 1/2');
  });

  it('missing shards are named', () => {
    expect(refusal(shards(['a.json', shardReport(1, 3)], ['c.json', shardReport(3, 3)]))).toBe('missing shard(s) 2/3: got a.json (1/3), c.json (3/3)');
  });

  it('shards of different n, and a whole fleet with a shard, are refused', () => {
    expect(refusal(shards(['a.json', shardReport(1, 2)], ['b.json', shardReport(2, 3)]))).toMatch(/different n .*a\.json \(1\/2\), b\.json \(2\/3\)/);
    expect(refusal(shards(['a.json', shardReport(1, 2)], ['w.json', shardReport(1, 1)]))).toMatch(/different n .*w\.json \(whole fleet\)/);
  });

  it('different report formats are refused, naming each', () => {
    const old = { ...shardReport(2, 2), reportFormat: 2 };
    expect(refusal(shards(['a.json', shardReport(1, 2)], ['b.json', old]))).toBe('the reports are of different report formats: a.json is format 3, b.json is format 2');
  });

  it('overlapping identity ranges are refused, naming a shared identity', () => {
    const b = shardReport(2, 2);
    b.config.fleets[0].identities = { first: 'CP3', last: 'CP9', count: 4, step: 2 };
    expect(refusal(shards(['a.json', shardReport(1, 2)], ['b.json', b]))).toBe('overlapping identity ranges: a.json and b.json both simulated CP3 (among others)');
  });

  it('shards of fleets of different sizes or prefixes are refused', () => {
    expect(refusal(shards(['a.json', shardReport(1, 2)], ['b.json', shardReport(2, 2, { total: 20 })]))).toMatch(/simulated .* different --count/);
    const other = shardReport(2, 2);
    other.config.fleets[0].idPrefix = 'X';
    expect(refusal(shards(['a.json', shardReport(1, 2)], ['b.json', other]))).toMatch(/not shards of the same fleet/);
  });

  it('commonNumber finds a shared element of two strided ranges, or none', () => {
    expect(commonNumber({ first: 1, step: 2, count: 5 }, { first: 2, step: 2, count: 5 })).toBeUndefined();
    expect(commonNumber({ first: 1, step: 3, count: 5 }, { first: 2, step: 2, count: 5 })).toBe(4);
    expect(commonNumber({ first: 1, step: 1, count: 3 }, { first: 4, step: 1, count: 3 })).toBeUndefined();
    expect(commonNumber({ first: 1, step: 1_000_000, count: 2 }, { first: 1_000_001, step: 7, count: 1 })).toBe(1_000_001);
  });
});

describe('mergeShards', () => {
  it('adds up counts and computes percentiles from the summed buckets, as one run seeing every call would', () => {
    const fast = Array.from({ length: 5 }, () => 2_000);
    const slow = [50_000, 60_000, 70_000, 80_000];
    const merged = mergeShards(shards(['a', shardReport(1, 2, { latencies: fast })], ['b', shardReport(2, 2, { latencies: slow })]), []);
    const one = new ShardStats('1.6');
    const boot = one.actionIndex('BootNotification');
    for (const us of [...fast, ...slow]) {
      one.count(boot, A.CallsSent);
      one.latencyUs(boot, us);
    }
    const whole = new FleetStats();
    whole.ingest(0, one.snapshot());
    const [b] = merged.stats.actions();
    const [w] = whole.actions();
    expect([b.p50Ms, b.p95Ms, b.p99Ms, b.maxMs]).toEqual([w.p50Ms, w.p95Ms, w.p99Ms, w.maxMs]);
    // Averaging the shards' medians (2 ms and ~60 ms) would say ~31 ms; the fleet's median is 2 ms.
    expect(b.p50Ms).toBeCloseTo(2, 0);
    expect(merged.stats.latencyMs('BootNotification', 0.95)).toBe(whole.latencyMs('BootNotification', 0.95));
    expect(merged.total).toBe(9);
    expect(merged.stats.total('chargePointsBooted')).toBe(9);
    expect(merged.stats.total('transactionsStarted')).toBe(2 + 4);
    expect(merged.stats.total('messagesOut')).toBe(11 + 22);
    expect(merged.stats.actions().find((a) => a.action === 'Heartbeat')).toMatchObject({ sent: 3, timeouts: 2, errors: 2 });
    expect(merged.stats.states().stopped).toBe(9);
    expect(merged.config.fleets[0]).toMatchObject({ count: 9, identities: { first: 'CP1', last: 'CP9', count: 9, step: 1 } });
    // Same start second + 1 for shard 2: the span runs from the first start to the last end.
    expect(merged.elapsedMs).toBe(6000);
  });

  it('a whole report merged alone gives back its figures, a mixed 1.6 + 2.0.1 fleet included', () => {
    const report = fixtureReport({ mixed: true, thresholds: ['p95(BootNotification@2.0.1) < 1s'] });
    const s = shards(['w.json', report]);
    checkShards(s);
    const expressions = thresholdsFor(s, undefined);
    const m = mergeShards(s, expressions);
    const results = evaluateThresholds(expressions.map(parseThreshold), m.stats, { fleetSize: m.total, elapsedMs: m.elapsedMs });
    const v = verdict(m.stats, { total: m.total, allowInvalid: m.allowInvalid, workerErrors: m.workerErrors, thresholds: results });
    const again = buildReport({
      stats: m.stats,
      verdict: v,
      exitCode: exitCodeOf(v),
      startedAt: m.startedAt,
      elapsedMs: m.elapsedMs,
      total: m.total,
      configs: [],
      durationMs: m.config.durationMs,
      runId: m.runId ?? undefined,
      allowInvalid: m.allowInvalid,
      abortOnFail: false,
      thresholds: expressions,
      recorded: { config: m.config, shard: null, gracefulStopTimeoutMs: m.gracefulStopTimeoutMs },
    });
    const { version: _v, ...figures } = report;
    expect(again).toMatchObject({ ...figures, startedAt: report.startedAt, endedAt: report.endedAt });
  });

  it('keeps the first 50 problems, counting all', () => {
    // A run's report keeps up to 50 (a shard snapshot fewer): as if each shard had kept 40.
    const [a, b] = [1, 2].map((i) => {
      const r = shardReport(i, 2, { problems: 40 });
      r.problems.samples = Array.from({ length: 40 }, (_, k) => `shard ${i} problem ${k}`);
      return r;
    });
    const merged = mergeShards(shards(['a', a], ['b', b]), []);
    expect(merged.stats.problemCount).toBe(80);
    expect(merged.stats.problems).toHaveLength(50);
    expect(merged.stats.problems[45]).toBe('shard 2 problem 5');
  });

  it('an interrupted shard interrupts the merged run (exit code 105), naming the shard', () => {
    const aborted: RunAbort = { by: 'signal', signal: 'SIGTERM', at: Date.UTC(2026, 0, 2, 3, 4, 3), afterMs: 1000, reason: 'interrupted by SIGTERM after 1.0s of 5.0s' };
    const merged = mergeShards(shards(['a.json', shardReport(1, 2)], ['b.json', shardReport(2, 2, { aborted })]), []);
    expect(merged.aborted).toMatchObject({ by: 'signal', signal: 'SIGTERM', reason: 'shard 2/2 (b.json): interrupted by SIGTERM after 1.0s of 5.0s' });
    const v = verdict(merged.stats, { total: merged.total, allowInvalid: false, workerErrors: merged.workerErrors, aborted: merged.aborted });
    expect(exitCodeOf(v)).toBe(105);
    expect(v.reasons[0]).toBe('shard 2/2 (b.json): interrupted by SIGTERM after 1.0s of 5.0s');
  });

  it('re-evaluated thresholds see the whole fleet', () => {
    const s = shards(['a', shardReport(1, 2, { thresholds: ['booted >= 5'] })], ['b', shardReport(2, 2, { thresholds: ['booted >= 5'] })]);
    // Neither shard booted 5; together they booted 9.
    expect(s.map((x) => x.report.passed)).toEqual([false, false]);
    const expressions = thresholdsFor(s, undefined);
    expect(expressions).toEqual(['booted >= 5']);
    const merged = mergeShards(s, expressions);
    const [r] = evaluateThresholds(expressions.map(parseThreshold), merged.stats, { fleetSize: merged.total, elapsedMs: merged.elapsedMs });
    expect(r).toMatchObject({ passed: true, actual: 9 });
  });

  it('thresholds: those given win; shards that disagree need them given', () => {
    const s = shards(['a.json', shardReport(1, 2, { thresholds: ['booted >= 5'] })], ['b.json', shardReport(2, 2)]);
    expect(() => thresholdsFor(s, undefined)).toThrow(/different thresholds \(a\.json: booted >= 5; b\.json: none\)/);
    expect(thresholdsFor(s, ['errors(*) == 0'])).toEqual(['errors(*) == 0']);
  });
});
