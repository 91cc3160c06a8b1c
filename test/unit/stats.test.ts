/** Shard counters and their fleet-wide merge on the main thread. */
import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../src/metrics/histogram.js';
import { compareProtocols, FleetStats } from '../../src/metrics/fleet-stats.js';
import { A, CP_STATES, S, ShardStats, T, TOTALS } from '../../src/metrics/shard-stats.js';

describe('ShardStats', () => {
  it('assigns dense, stable action indexes on first sight', () => {
    const s = new ShardStats('1.6');
    expect(s.actionIndex('BootNotification')).toBe(0);
    expect(s.actionIndex('Heartbeat')).toBe(1);
    expect(s.actionIndex('BootNotification')).toBe(0);
    expect(s.actionIndex('Authorize')).toBe(2);
    expect(s.actionNames).toEqual(['BootNotification', 'Heartbeat', 'Authorize']);
  });

  it('keeps counters correct while growing past its initial 16 actions', () => {
    const s = new ShardStats('1.6');
    for (let i = 0; i < 40; i++) {
      const idx = s.actionIndex(`A${i}`);
      for (let k = 0; k <= i; k++) s.count(idx, A.CallsSent);
      s.count(idx, A.Timeouts);
    }
    for (let i = 0; i < 40; i++) {
      expect(s.get(`A${i}`, A.CallsSent)).toBe(i + 1);
      expect(s.get(`A${i}`, A.Timeouts)).toBe(1);
      expect(s.get(`A${i}`, A.Results)).toBe(0);
    }
    expect(s.snapshot().actions).toHaveLength(40 * A.COUNT);
  });

  it('counts per action and kind, 0 for unknown actions', () => {
    const s = new ShardStats('1.6');
    const boot = s.actionIndex('BootNotification');
    const hb = s.actionIndex('Heartbeat');
    s.count(boot, A.CallsSent);
    s.count(boot, A.CallsSent);
    s.count(boot, A.Results);
    s.count(hb, A.CallErrors);
    expect(s.get('BootNotification', A.CallsSent)).toBe(2);
    expect(s.get('BootNotification', A.Results)).toBe(1);
    expect(s.get('BootNotification', A.CallErrors)).toBe(0);
    expect(s.get('Heartbeat', A.CallErrors)).toBe(1);
    expect(s.get('Nope', A.CallsSent)).toBe(0);
  });

  it('snapshot() returns cumulative counters, row-major by action', () => {
    const s = new ShardStats('1.6');
    const a = s.actionIndex('a');
    const b = s.actionIndex('b');
    s.count(a, A.CallsSent);
    s.count(b, A.ErrorsSent);
    s.totals[T.MessagesOut] += 5;
    const first = s.snapshot();
    expect(first.actionNames).toEqual(['a', 'b']);
    expect(first.actions[a * A.COUNT + A.CallsSent]).toBe(1);
    expect(first.actions[b * A.COUNT + A.ErrorsSent]).toBe(1);
    expect(first.totals).toHaveLength(TOTALS.length);
    expect(first.totals[TOTALS.indexOf('messagesOut')]).toBe(5);
    s.count(a, A.CallsSent);
    const second = s.snapshot();
    expect(second.actions[a * A.COUNT + A.CallsSent]).toBe(2); // cumulative, not a delta
    expect(first.actions[a * A.COUNT + A.CallsSent]).toBe(1); // earlier snapshot is a copy
  });

  it('snapshot() returns latency deltas and then resets them', () => {
    const s = new ShardStats('1.6');
    const a = s.actionIndex('a');
    s.actionIndex('b'); // never timed
    s.latencyUs(a, 1_000);
    s.latencyUs(a, 1_000);
    s.latencyUs(a, 50_000);
    const first = s.snapshot();
    expect(first.latency).toHaveLength(2);
    expect(first.latency[1]).toBeNull();
    expect(first.latency[0]).toEqual({ pairs: [bucketOf(1_000), 2, bucketOf(50_000), 1], max: 50_000 });
    expect(s.snapshot().latency).toEqual([null, null]);
    s.latencyUs(a, 7);
    expect(s.snapshot().latency[0]).toEqual({ pairs: [7, 1], max: 7 });
  });

  it('moves charge points between states and hands over problems once', () => {
    const s = new ShardStats('1.6');
    s.states[S.Connecting] = 3;
    s.move(S.Connecting, S.Connected);
    s.move(S.Connected, S.Booted);
    s.move(S.Connecting, S.Offline);
    expect(Array.from(s.states)).toEqual([1, 0, 1, 0, 0, 1, 0]);
    for (let i = 0; i < 25; i++) s.problem(`p${i}`);
    const snap = s.snapshot();
    expect(snap.states).toEqual([1, 0, 1, 0, 0, 1, 0]);
    expect(snap.problems).toHaveLength(20);
    expect(snap.problems[0]).toBe('p0');
    expect(s.snapshot().problems).toEqual([]);
  });

  it('state and total enums line up with their name lists', () => {
    expect(CP_STATES[S.Charging]).toBe('charging');
    expect(CP_STATES[S.Stopped]).toBe('stopped');
    expect(TOTALS[T.EnergyWh]).toBe('energyWh');
    expect(TOTALS[T.MessagesOut]).toBe('messagesOut');
    expect(TOTALS).toHaveLength(T.COUNT);
  });
});

/** A shard with some traffic: `n` Heartbeats sent, answered or failed in various ways. */
function shardWith(actions: Record<string, Partial<Record<A, number>>>, latencies: Record<string, number[]> = {}, protocol = '1.6') {
  const s = new ShardStats(protocol);
  for (const [name, counts] of Object.entries(actions)) {
    const i = s.actionIndex(name);
    for (const [k, n] of Object.entries(counts)) for (let j = 0; j < n!; j++) s.count(i, Number(k) as A);
  }
  for (const [name, values] of Object.entries(latencies)) for (const v of values) s.latencyUs(s.actionIndex(name), v);
  return s;
}

describe('FleetStats', () => {
  it('merges two shards: counters add, action order does not matter, sorted by name', () => {
    const s0 = shardWith({ Heartbeat: { [A.CallsSent]: 3, [A.Results]: 3 }, Authorize: { [A.CallsSent]: 1 } });
    const s1 = shardWith({ Authorize: { [A.CallsSent]: 2, [A.CallErrors]: 1 }, Heartbeat: { [A.CallsSent]: 4, [A.Timeouts]: 2 } });
    const f = new FleetStats();
    f.ingest(0, s0.snapshot());
    f.ingest(1, s1.snapshot());
    const rows = f.actions();
    expect(rows.map((r) => r.action)).toEqual(['Authorize', 'Heartbeat']);
    expect(rows[0]).toMatchObject({ sent: 3, callErrors: 1, errors: 1 });
    expect(rows[1]).toMatchObject({ sent: 7, timeouts: 2, errors: 2 });
  });

  it('errors = callErrors + timeouts + invalidResponses; errorsSent and invalidCalls are separate', () => {
    const s = shardWith({
      MeterValues: {
        [A.CallsSent]: 10, [A.CallErrors]: 1, [A.Timeouts]: 2, [A.InvalidResponses]: 3,
        [A.CallsReceived]: 4, [A.InvalidCalls]: 5, [A.ErrorsSent]: 6,
      },
    });
    const f = new FleetStats();
    f.ingest(0, s.snapshot());
    expect(f.actions()[0]).toMatchObject({
      action: 'MeterValues', sent: 10, received: 4, errors: 6, callErrors: 1, timeouts: 2,
      invalidResponses: 3, invalidCalls: 5, errorsSent: 6,
    });
  });

  it('re-ingesting a newer snapshot of the same shard replaces its counters; latency deltas add', () => {
    const s = new ShardStats('1.6');
    const hb = s.actionIndex('Heartbeat');
    const f = new FleetStats();
    s.count(hb, A.CallsSent);
    s.latencyUs(hb, 10_000);
    s.totals[T.MessagesOut] = 1;
    f.ingest(0, s.snapshot());
    s.count(hb, A.CallsSent);
    s.count(hb, A.CallsSent);
    s.latencyUs(hb, 30_000);
    s.totals[T.MessagesOut] = 3;
    f.ingest(0, s.snapshot());
    const [row] = f.actions();
    expect(row.sent).toBe(3); // cumulative 3, not 1 + 3
    expect(f.total('messagesOut')).toBe(3);
    expect(row.maxMs).toBe(30);
    // Both latency deltas count: the median of {10 ms, 30 ms} is the lower one.
    expect(row.p50Ms).toBeCloseTo(10, 0);
    expect(row.p99Ms).toBeCloseTo(30, 0);
  });

  it('latency percentiles come from the merged histograms of all shards, in ms', () => {
    const fast = Array.from({ length: 900 }, () => 2_000);
    const slow = Array.from({ length: 100 }, () => 400_000);
    const f = new FleetStats();
    f.ingest(0, shardWith({ Heartbeat: { [A.CallsSent]: 900 } }, { Heartbeat: fast }).snapshot());
    f.ingest(1, shardWith({ Heartbeat: { [A.CallsSent]: 100 } }, { Heartbeat: slow }).snapshot());
    const [row] = f.actions();
    expect(Math.abs(row.p50Ms - 2) / 2).toBeLessThan(0.016);
    expect(Math.abs(row.p95Ms - 400) / 400).toBeLessThan(0.016);
    expect(row.maxMs).toBe(400);
    expect(Math.abs(f.overallQuantile(0.5) - 2) / 2).toBeLessThan(0.016);
  });

  it('an action without an answered call has no latency (null), not 0 ms', () => {
    const f = new FleetStats();
    f.ingest(0, shardWith({ Reset: { [A.CallsReceived]: 1 }, Heartbeat: { [A.CallsSent]: 3, [A.Timeouts]: 3 } }).snapshot());
    const rows = Object.fromEntries(f.actions().map((a) => [a.action, a]));
    // Received only, and sent but every one timed out: neither has a latency to show.
    expect(rows.Reset).toMatchObject({ p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null });
    expect(rows.Heartbeat).toMatchObject({ sent: 3, timeouts: 3, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null });
  });

  it('states() and total() sum over shards', () => {
    const a = new ShardStats('1.6');
    const b = new ShardStats('1.6');
    a.states[S.Charging] = 3;
    a.states[S.Booted] = 1;
    b.states[S.Charging] = 2;
    b.states[S.Offline] = 4;
    a.totals[T.EnergyWh] = 1_500;
    b.totals[T.EnergyWh] = 250;
    const f = new FleetStats();
    f.ingest(0, a.snapshot());
    f.ingest(1, b.snapshot());
    expect(f.states()).toEqual({ connecting: 0, connected: 0, booted: 1, charging: 5, faulted: 0, offline: 4, stopped: 0 });
    expect(f.total('energyWh')).toBe(1_750);
    expect(f.total('reconnects')).toBe(0);
  });

  it('collects problems from every snapshot, keeping at most 50 but counting all', () => {
    const f = new FleetStats();
    for (let k = 0; k < 3; k++) {
      const s = new ShardStats('1.6');
      for (let i = 0; i < 20; i++) s.problem(`s${k}-${i}`);
      f.ingest(k, s.snapshot());
    }
    expect(f.problemCount).toBe(60);
    expect(f.problems).toHaveLength(50);
    expect(f.problems[0]).toBe('s0-0');
  });
});

/** Issue #11: shards of different OCPP versions in one run. */
describe('FleetStats keyed by (protocol, action)', () => {
  function mixed(): FleetStats {
    const f = new FleetStats();
    // Listed 2.0.1 first: rows still come out 1.6 first.
    f.ingest(0, shardWith({ Heartbeat: { [A.CallsSent]: 5, [A.Timeouts]: 1 }, TransactionEvent: { [A.CallsSent]: 7 } }, { Heartbeat: [40_000], TransactionEvent: [8_000] }, '2.0.1').snapshot());
    f.ingest(1, shardWith({ Heartbeat: { [A.CallsSent]: 3 }, StartTransaction: { [A.CallsSent]: 2 } }, { Heartbeat: [2_000] }, '1.6').snapshot());
    f.ingest(2, shardWith({ Heartbeat: { [A.CallsSent]: 4, [A.CallErrors]: 2 } }, { Heartbeat: [3_000] }, '1.6').snapshot());
    return f;
  }

  it('never sums a 1.6 and a 2.0.1 action of the same name into one row; same-version shards still add', () => {
    const rows = mixed().actions();
    expect(rows.map((r) => [r.protocol, r.action])).toEqual([
      ['1.6', 'Heartbeat'],
      ['1.6', 'StartTransaction'],
      ['2.0.1', 'Heartbeat'],
      ['2.0.1', 'TransactionEvent'],
    ]);
    expect(rows[0]).toMatchObject({ sent: 7, callErrors: 2, timeouts: 0, errors: 2, maxMs: 3 });
    expect(rows[2]).toMatchObject({ sent: 5, callErrors: 0, timeouts: 1, errors: 1, maxMs: 40 });
  });

  it('latency of one protocol, or of the action in every protocol without one', () => {
    const f = mixed();
    expect(f.latencyMs('Heartbeat', 1, '1.6')).toBe(3);
    expect(f.latencyMs('Heartbeat', 1, '2.0.1')).toBe(40);
    expect(f.latencyMs('Heartbeat', 1)).toBe(40);
    expect(f.latencyMs('*', 1, '1.6')).toBe(3);
    expect(f.latencyMs('TransactionEvent', 0.5, '1.6')).toBeUndefined();
    expect(f.latencyHistograms().map((l) => `${l.action}@${l.protocol}`)).toEqual(['Heartbeat@1.6', 'Heartbeat@2.0.1', 'TransactionEvent@2.0.1']);
  });

  it('charge points, states and totals per protocol, and for the whole fleet', () => {
    const f = new FleetStats();
    const a = new ShardStats('2.0.1');
    const b = new ShardStats('1.6');
    const c = new ShardStats('1.6');
    a.states[S.Booted] = 2;
    b.states[S.Charging] = 3;
    c.states[S.Offline] = 1;
    a.totals[T.TxStarted] = 4;
    b.totals[T.TxStarted] = 1;
    for (const [i, s] of [a, b, c].entries()) f.ingest(i, s.snapshot());
    expect([...f.protocols()]).toEqual([
      ['1.6', 4],
      ['2.0.1', 2],
    ]);
    expect(f.states('1.6')).toMatchObject({ charging: 3, offline: 1, booted: 0 });
    expect(f.states('2.0.1')).toMatchObject({ booted: 2, charging: 0 });
    expect(f.states().booted + f.states().charging + f.states().offline).toBe(6);
    expect([f.total('transactionsStarted', '1.6'), f.total('transactionsStarted', '2.0.1'), f.total('transactionsStarted')]).toEqual([1, 4, 5]);
  });

  it('orders versions by number, not by text', () => {
    expect(['2.1', '2.0.1', '1.6', '10.0'].sort(compareProtocols)).toEqual(['1.6', '2.0.1', '2.1', '10.0']);
  });
});
