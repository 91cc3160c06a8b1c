/**
 * The run's verdict (src/cli/verdict.ts) from merged fleet figures: the built-in rules, and how a
 * threshold on a figure replaces the built-in rule for exactly that figure.
 */
import { describe, expect, it } from 'vitest';
import { exitCodeOf, verdict, type RunAbort } from '../../src/cli/verdict.js';
import { FleetStats } from '../../src/metrics/fleet-stats.js';
import { A, ShardStats, T } from '../../src/metrics/shard-stats.js';
import { evaluateThresholds, parseThreshold } from '../../src/report/thresholds.js';

/** 10 booted charge points; StartTransaction got 3 CALLERRORs and Heartbeat 1 timeout. */
function stats(): FleetStats {
  const shard = new ShardStats('1.6');
  const start = shard.actionIndex('StartTransaction');
  for (let i = 0; i < 10; i++) shard.count(start, A.CallsSent);
  for (let i = 0; i < 3; i++) shard.count(start, A.CallErrors);
  const hb = shard.actionIndex('Heartbeat');
  shard.count(hb, A.CallsSent);
  shard.count(hb, A.Timeouts);
  shard.totals[T.ChargePointsStarted] = 10;
  shard.totals[T.ChargePointsBooted] = 10;
  const fleet = new FleetStats();
  fleet.ingest(0, shard.snapshot());
  return fleet;
}

function judge(...thresholds: string[]) {
  const s = stats();
  const results = evaluateThresholds(thresholds.map(parseThreshold), s, { fleetSize: 10, elapsedMs: 1000 });
  return verdict(s, { total: 10, allowInvalid: false, workerErrors: [], thresholds: results });
}

describe('verdict', () => {
  it('fails on any CALLERROR or timeout without thresholds', () => {
    expect(judge().reasons).toEqual(['3 call(s) answered with CALLERROR', '1 call(s) timed out']);
  });

  it('errors(Action) governs that action only: other actions still fail the run', () => {
    const v = judge('errors(StartTransaction) < 5');
    expect(v.reasons).toEqual(['1 call(s) timed out']);
    expect(v.notes).toEqual(['3 call(s) answered with CALLERROR (not a failure by itself: a threshold governs it)']);
  });

  it('errors(*) governs every action; a failing threshold is a reason with its actual figure', () => {
    expect(judge('errors(*) < 5').passed).toBe(true);
    expect(judge('errors(*) == 0').reasons).toEqual(['threshold errors(*) == 0 failed (actual 4)']);
  });
});

/** 10 booted charge points, no errors; `passed`/`failed`/`pending` scenario expectations. */
function clean(expectations: { passed?: number; failed?: number; pending?: number } = {}): FleetStats {
  const shard = new ShardStats('1.6');
  shard.totals[T.ChargePointsStarted] = 10;
  shard.totals[T.ChargePointsBooted] = 10;
  shard.totals[T.ExpectationsPassed] = expectations.passed ?? 0;
  shard.totals[T.ExpectationsFailed] = expectations.failed ?? 0;
  shard.totals[T.ExpectationsPending] = expectations.pending ?? 0;
  const fleet = new FleetStats();
  fleet.ingest(0, shard.snapshot());
  return fleet;
}

const SIGINT: RunAbort = { by: 'signal', signal: 'SIGINT', at: 1_000, afterMs: 9_500, reason: 'interrupted by SIGINT after 9.5s of 1m00s' };
const ABORT_ON_FAIL: RunAbort = { by: 'abort-on-fail', signal: null, at: 1_000, afterMs: 2_000, reason: '1 scenario expectation(s) failed' };

describe('an interrupted run (issue #10)', () => {
  const opts = { total: 10, allowInvalid: false, workerErrors: [] };

  it('is not a pass: the interruption is its first reason, and it exits 105', () => {
    const v = verdict(clean(), { ...opts, aborted: SIGINT });
    expect(v).toMatchObject({ passed: false, reasons: ['interrupted by SIGINT after 9.5s of 1m00s'], aborted: SIGINT });
    expect(exitCodeOf(v)).toBe(105);
  });

  it('105 wins over a failure found before the interrupt (as in k6); the failure is still named', () => {
    const v = verdict(stats(), { ...opts, aborted: SIGINT });
    expect(v.reasons).toEqual(['interrupted by SIGINT after 9.5s of 1m00s', '3 call(s) answered with CALLERROR', '1 call(s) timed out']);
    expect(exitCodeOf(v)).toBe(105);
  });

  it('--abort-on-fail is a failure (exit 1), a passing run exits 0', () => {
    const v = verdict(clean({ failed: 1 }), { ...opts, aborted: ABORT_ON_FAIL });
    expect(v.reasons).toEqual(['1 scenario expectation(s) failed', 'aborted early (--abort-on-fail): 1 scenario expectation(s) failed']);
    expect(exitCodeOf(v)).toBe(1);
    expect(exitCodeOf(verdict(clean(), opts))).toBe(0);
  });

  it('charge points not started yet are put down to the stop, not to the ramp-up', () => {
    const v = verdict(clean(), { ...opts, total: 12, aborted: SIGINT });
    expect(v.notes).toEqual(['2 of 12 charge points had not started when the run ended (the run was stopped early)']);
  });
});

describe('pending expectations (issue #10)', () => {
  const opts = { total: 10, allowInvalid: false, workerErrors: [] };
  const governed = (...ts: string[]) => evaluateThresholds(ts.map(parseThreshold), clean({ passed: 1, pending: 4 }), { fleetSize: 10, elapsedMs: 1000 });

  it('are a note, not a failure, by default: the run ended before their time was up (k6 does not fail iterations cut off at the end)', () => {
    const v = verdict(clean({ passed: 1, pending: 4 }), opts);
    expect(v).toMatchObject({ passed: true, reasons: [] });
    expect(v.notes).toEqual(['4 scenario expectation(s) still pending when the run ended (the run ended before their time was up; not a failure by itself)']);
  });

  it('say so when the run was stopped early', () => {
    for (const aborted of [SIGINT, ABORT_ON_FAIL]) {
      const v = verdict(clean({ passed: 1, pending: 4 }), { ...opts, aborted });
      expect(v.reasons).not.toContain('4 scenario expectation(s) still pending when the run ended');
      expect(v.notes).toEqual(['4 scenario expectation(s) still pending when the run ended (the run was stopped early; not a failure by itself)']);
    }
  });

  it('fail the run through a threshold on them', () => {
    expect(verdict(clean({ passed: 1, pending: 4 }), { ...opts, thresholds: governed('expectations(pending) <= 5') })).toMatchObject({ passed: true, reasons: [] });
    expect(verdict(clean({ passed: 1, pending: 4 }), { ...opts, thresholds: governed('expectations(pending) == 0') }).reasons).toEqual([
      'threshold expectations(pending) == 0 failed (actual 4)',
    ]);
  });
});

/** Issue #11: a run of 1.6 and 2.0.1 charge points; each version erred on Heartbeat and dropped one. */
describe('verdict of a run of several OCPP versions', () => {
  function mixed(): FleetStats {
    const fleet = new FleetStats();
    for (const [i, protocol, errors] of [[0, '1.6', 2], [1, '2.0.1', 5]] as const) {
      const shard = new ShardStats(protocol);
      const hb = shard.actionIndex('Heartbeat');
      for (let k = 0; k < 10; k++) shard.count(hb, A.CallsSent);
      for (let k = 0; k < errors; k++) shard.count(hb, A.CallErrors);
      shard.count(hb, A.Dropped);
      shard.totals[T.ChargePointsStarted] = 5;
      shard.totals[T.ChargePointsBooted] = 5;
      shard.states[0] = 5;
      fleet.ingest(i, shard.snapshot());
    }
    return fleet;
  }
  const judgeMixed = (...thresholds: string[]) => {
    const s = mixed();
    const results = evaluateThresholds(thresholds.map(parseThreshold), s, { fleetSize: 10, elapsedMs: 1000 });
    return verdict(s, { total: 10, allowInvalid: false, workerErrors: [], thresholds: results });
  };

  it('a threshold naming a version governs that version only; without one, every version', () => {
    const v = judgeMixed('errors(Heartbeat@2.0.1) < 10');
    expect(v.reasons).toContain('2 call(s) answered with CALLERROR');
    expect(v.notes).toContain('5 call(s) answered with CALLERROR (not a failure by itself: a threshold governs it)');
    expect(judgeMixed('errors(*@1.6) < 10').reasons).toContain('5 call(s) answered with CALLERROR');
    const all = judgeMixed('errors(Heartbeat) < 10');
    expect(all.reasons.filter((r) => r.includes('CALLERROR'))).toEqual([]);
  });

  it('names actions with their version, as thresholds write them', () => {
    expect(judgeMixed().reasons).toContain('2 message(s) dropped during the run (Heartbeat@1.6 1, Heartbeat@2.0.1 1): a full queue, or a transaction the CSMS never confirmed');
    const governed = judgeMixed('dropped(Heartbeat@2.0.1) < 5');
    expect(governed.reasons).toContain('1 message(s) dropped during the run (Heartbeat@1.6 1): a full queue, or a transaction the CSMS never confirmed');
  });
});
