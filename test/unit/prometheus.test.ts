/**
 * The Prometheus view of FleetStats, without sockets: histogram buckets derived from the fine
 * log-linear histogram (a call counts under `le` only when surely below it), CALLERROR codes by their
 * 1.6 spelling, totals and states merged over shards, and the plan keys metricsPort / pushgateway.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetStats } from '../../src/metrics/fleet-stats.js';
import { DURATION_BUCKETS_S, FLEET_METRICS, fleetRegistry } from '../../src/metrics/prometheus.js';
import { A, ShardStats, T } from '../../src/metrics/shard-stats.js';
import { metricsOptionsFrom } from '../../src/metrics/run-metrics.js';
import { checkPlanFile, loadPlan } from '../../src/plan/plan.js';
import { parsePromText, select, sumOf } from '../helpers/prom-text.js';

async function exposition(stats: FleetStats) {
  return parsePromText(await fleetRegistry(stats, { processMetrics: false }).metrics());
}

describe('fleet metrics', () => {
  it('derives the duration buckets from the fine histogram, never counting a call above its le', async () => {
    const shard = new ShardStats('1.6');
    const boot = shard.actionIndex('BootNotification');
    // µs: well below 1 ms, just below, in the fine bucket [1000, 1008) that straddles 1 ms, 2.4 ms, 40 ms, 31 s.
    for (const us of [150, 992, 999, 1003, 2400, 40_000, 31_000_000]) shard.latencyUs(boot, us);
    const stats = new FleetStats();
    stats.ingest(0, shard.snapshot());
    const text = await exposition(stats);
    const buckets = select(text, `${FLEET_METRICS.callDuration}_bucket`, { action: 'BootNotification' });
    const at = (le: string) => buckets.find((b) => b.labels.le === le)!.value;
    expect(buckets.map((b) => b.labels.le)).toEqual([...DURATION_BUCKETS_S.map(String), '+Inf']);
    expect(at('0.001')).toBe(3); // 150, 992, 999 µs; 1003 µs is above 1 ms
    expect(at('0.0025')).toBe(5);
    expect(at('0.025')).toBe(5);
    expect(at('0.05')).toBe(6);
    expect(at('30')).toBe(6);
    expect(at('+Inf')).toBe(7);
    expect(sumOf(text, `${FLEET_METRICS.callDuration}_count`, { action: 'BootNotification' })).toBe(7);
    const sum = sumOf(text, `${FLEET_METRICS.callDuration}_sum`, { action: 'BootNotification' });
    const exact = (150 + 992 + 999 + 1003 + 2400 + 40_000 + 31_000_000) / 1e6;
    expect(Math.abs(sum - exact) / exact).toBeLessThan(0.016);

    // Deltas from a later snapshot add up.
    shard.latencyUs(boot, 500);
    stats.ingest(0, shard.snapshot());
    expect(sumOf(await exposition(stats), `${FLEET_METRICS.callDuration}_bucket`, { action: 'BootNotification', le: '0.001' })).toBe(4);
  });

  it('sums shards: messages, CALLERROR codes in 1.6 spelling, states and totals', async () => {
    const stats = new FleetStats();
    for (const shardNo of [0, 1]) {
      const shard = new ShardStats('1.6');
      const auth = shard.actionIndex('Authorize');
      const reset = shard.actionIndex('Reset');
      shard.count(auth, A.CallsSent);
      shard.count(auth, A.CallsSent);
      shard.count(auth, A.Timeouts);
      shard.callError(auth, 'FormationViolation');
      shard.callError(auth, 'FormatViolation'); // the 2.0.1 spelling is the same code
      shard.callError(auth, 'NoSuchCode');
      shard.count(reset, A.CallsReceived);
      shard.totals[T.TxStarted] += 3;
      shard.totals[T.TxActive] += 1;
      shard.totals[T.EnergyWh] += 1500;
      shard.states[0] = 5;
      stats.ingest(shardNo, shard.snapshot());
    }
    const text = await exposition(stats);
    expect(select(text, FLEET_METRICS.messages)).toEqual([
      { name: FLEET_METRICS.messages, labels: { direction: 'sent', action: 'Authorize', protocol: '1.6' }, value: 4 },
      { name: FLEET_METRICS.messages, labels: { direction: 'received', action: 'Reset', protocol: '1.6' }, value: 2 },
    ]);
    expect(select(text, FLEET_METRICS.callErrors).map((s) => [s.labels.action, s.labels.code, s.value])).toEqual([
      ['Authorize', 'FormationViolation', 4],
      ['Authorize', 'Other', 2],
      ['Authorize', 'Timeout', 2],
    ]);
    expect(sumOf(text, FLEET_METRICS.chargePoints, { state: 'connecting' })).toBe(10);
    expect(select(text, FLEET_METRICS.chargePoints)).toHaveLength(7);
    expect(sumOf(text, FLEET_METRICS.transactions, { result: 'started' })).toBe(6);
    expect(sumOf(text, FLEET_METRICS.transactionsActive)).toBe(2);
    expect(sumOf(text, FLEET_METRICS.energy)).toBe(3000);
    expect(select(text, FLEET_METRICS.expectations).map((s) => s.labels.result)).toEqual(['passed', 'failed', 'pending']);
    expect(text.types.get(FLEET_METRICS.transactionsActive)).toBe('gauge');
  });
});

describe('fleet metrics of several OCPP versions (issue #11)', () => {
  it('label every series with the protocol, keep each version apart, and spell codes as its version does', async () => {
    const stats = new FleetStats();
    for (const [shardNo, protocol] of [[0, '1.6'], [1, '2.0.1'], [2, '1.6']] as const) {
      const shard = new ShardStats(protocol);
      const hb = shard.actionIndex('Heartbeat');
      shard.count(hb, A.CallsSent);
      shard.latencyUs(hb, protocol === '1.6' ? 2_000 : 200_000);
      shard.callError(hb, 'FormatViolation');
      shard.callError(hb, 'OccurrenceConstraintViolation');
      shard.callError(hb, 'RpcFrameworkError');
      shard.count(hb, A.Dropped);
      shard.states[3] = protocol === '1.6' ? 2 : 5;
      shard.totals[T.TxStarted] = 1;
      stats.ingest(shardNo, shard.snapshot());
    }
    const text = await exposition(stats);
    expect(select(text, FLEET_METRICS.messages).map((s) => [s.labels.protocol, s.labels.action, s.value])).toEqual([
      ['1.6', 'Heartbeat', 2],
      ['2.0.1', 'Heartbeat', 1],
    ]);
    expect(select(text, `${FLEET_METRICS.callDuration}_count`).map((s) => [s.labels.protocol, s.value])).toEqual([
      ['1.6', 2],
      ['2.0.1', 1],
    ]);
    expect(sumOf(text, `${FLEET_METRICS.callDuration}_bucket`, { protocol: '1.6', le: '0.005' })).toBe(2);
    expect(sumOf(text, `${FLEET_METRICS.callDuration}_bucket`, { protocol: '2.0.1', le: '0.005' })).toBe(0);
    // 1.6 spells FormationViolation and OccurenceConstraintViolation; 2.0.1 only the second (Part 4 §4.3).
    expect(select(text, FLEET_METRICS.callErrors).map((s) => `${s.labels.protocol} ${s.labels.code} ${s.value}`)).toEqual([
      '1.6 FormationViolation 2',
      '1.6 OccurenceConstraintViolation 2',
      '1.6 RpcFrameworkError 2',
      '2.0.1 FormatViolation 1',
      '2.0.1 OccurenceConstraintViolation 1',
      '2.0.1 RpcFrameworkError 1',
    ]);
    expect(select(text, FLEET_METRICS.lost).map((s) => [s.labels.protocol, s.value])).toEqual([
      ['1.6', 2],
      ['2.0.1', 1],
    ]);
    // Fleet-level series: one per version (states × versions stays small), summing to the fleet's.
    expect(select(text, FLEET_METRICS.chargePoints)).toHaveLength(14);
    expect(sumOf(text, FLEET_METRICS.chargePoints, { state: 'charging', protocol: '1.6' })).toBe(4);
    expect(sumOf(text, FLEET_METRICS.chargePoints, { state: 'charging', protocol: '2.0.1' })).toBe(5);
    expect(select(text, FLEET_METRICS.transactions, { result: 'started' }).map((s) => [s.labels.protocol, s.value])).toEqual([
      ['1.6', 2],
      ['2.0.1', 1],
    ]);
    for (const name of [FLEET_METRICS.transactionsActive, FLEET_METRICS.energy, FLEET_METRICS.reconnects, FLEET_METRICS.expectations]) {
      expect(select(text, name).every((s) => s.labels.protocol === '1.6' || s.labels.protocol === '2.0.1'), name).toBe(true);
    }
    // Every ocpp_sim_ sample names its protocol.
    expect(text.samples.filter((s) => s.name.startsWith('ocpp_sim_') && !s.labels.protocol)).toEqual([]);
  });
});

describe('run plan keys metricsPort and pushgateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-plan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const plan = (extra: string) => {
    const file = join(dir, `p${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, `description: metrics\ncsms: ws://127.0.0.1:9/ocpp\n${extra}fleets:\n  - profile: generic-16-ac\n    count: 2\n    idPrefix: M-\n`);
    return file;
  };

  it('become the run settings --metrics-port and --pushgateway', () => {
    const p = loadPlan(plan('metricsPort: 9464\npushgateway: http://127.0.0.1:9091\n'));
    expect(p.settings).toMatchObject({ 'metrics-port': 9464, pushgateway: 'http://127.0.0.1:9091' });
    expect(metricsOptionsFrom({ ...p.settings, 'run-id': 'r1' })).toEqual({
      port: 9464,
      host: '127.0.0.1',
      pushgateway: 'http://127.0.0.1:9091',
      pushIntervalMs: undefined,
      runId: 'r1',
    });
  });

  it('are checked by the schema', () => {
    const issues = checkPlanFile(plan('metricsPort: 99999\npushgateway: ws://x\n'));
    expect(issues.map((i) => i.field).sort()).toEqual(['metricsPort', 'pushgateway']);
  });
});
