/**
 * The run's verdict (src/cli/verdict.ts) from merged fleet figures: the built-in rules, and how a
 * threshold on a figure replaces the built-in rule for exactly that figure.
 */
import { describe, expect, it } from 'vitest';
import { verdict } from '../../src/cli/verdict.js';
import { FleetStats } from '../../src/metrics/fleet-stats.js';
import { A, ShardStats, T } from '../../src/metrics/shard-stats.js';
import { evaluateThresholds, parseThreshold } from '../../src/report/thresholds.js';

/** 10 booted charge points; StartTransaction got 3 CALLERRORs and Heartbeat 1 timeout. */
function stats(): FleetStats {
  const shard = new ShardStats();
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
