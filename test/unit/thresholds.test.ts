/** Thresholds: the grammar, evaluation on merged fleet figures, and errors that point at the problem. */
import { describe, expect, it } from 'vitest';
import { FleetStats } from '../../src/metrics/fleet-stats.js';
import { A, ShardStats, T } from '../../src/metrics/shard-stats.js';
import { decidableEarly, evaluateThreshold, formatResult, parseThreshold, ThresholdError } from '../../src/report/thresholds.js';

function parseError(text: string): ThresholdError {
  try {
    parseThreshold(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ThresholdError);
    return e as ThresholdError;
  }
  throw new Error(`'${text}' parsed`);
}

describe('parseThreshold', () => {
  it('parses every form of the grammar into canonical units', () => {
    expect(parseThreshold('p95(BootNotification) < 500ms')).toMatchObject({ metric: 'p95', arg: 'BootNotification', op: '<', value: 500, unit: 'ms' });
    expect(parseThreshold('  p99(*) <= 2s ')).toMatchObject({ expression: 'p99(*) <= 2s', metric: 'p99', arg: '*', op: '<=', value: 2000, unit: 'ms', written: 's' });
    expect(parseThreshold('max(Authorize) < 1s')).toMatchObject({ metric: 'max', value: 1000 });
    expect(parseThreshold('p50( Heartbeat )<20')).toMatchObject({ arg: 'Heartbeat', value: 20, unit: 'ms' });
    expect(parseThreshold('errors(*) == 0')).toMatchObject({ metric: 'errors', arg: '*', op: '==', value: 0, unit: '' });
    expect(parseThreshold('errors < 5')).toMatchObject({ metric: 'errors', arg: '*', op: '<' });
    expect(parseThreshold('errors(StartTransaction) < 5')).toMatchObject({ arg: 'StartTransaction', value: 5 });
    expect(parseThreshold('errors(*) < 0.5%')).toMatchObject({ unit: '%', value: 0.5 });
    expect(parseThreshold('rate(calls) > 1000/s')).toMatchObject({ metric: 'rate', arg: 'calls', op: '>', value: 1000, unit: '/s' });
    expect(parseThreshold('rate(MeterValues) >= 120/m')).toMatchObject({ value: 2, unit: '/s', written: '/m' });
    expect(parseThreshold('booted >= 99%')).toMatchObject({ metric: 'booted', arg: undefined, value: 99, unit: '%' });
    expect(parseThreshold('booted == 1000')).toMatchObject({ value: 1000, unit: '' });
    expect(parseThreshold('transactions(completed) >= 10')).toMatchObject({ arg: 'completed', op: '>=', value: 10 });
    expect(parseThreshold('timeouts(*) == 0')).toMatchObject({ metric: 'timeouts', arg: '*' });
    expect(parseThreshold('expectations(failed) == 0')).toMatchObject({ metric: 'expectations', arg: 'failed' });
    expect(parseThreshold('expectations(pending) <= 3')).toMatchObject({ metric: 'expectations', arg: 'pending', value: 3 });
    expect(parseThreshold('reconnects != 3')).toMatchObject({ metric: 'reconnects', op: '!=', value: 3 });
  });

  it('names the expression, the column and a suggestion', () => {
    const e = parseError('p96(BootNotification) < 500ms');
    expect(e.column).toBe(1);
    expect(e.message).toBe("bad threshold 'p96(BootNotification) < 500ms' at column 1: unknown metric 'p96' — did you mean p95?");

    const action = parseError('p95(BootNotifcation) < 500ms');
    expect(action.column).toBe(5);
    expect(action.reason).toBe("unknown argument 'BootNotifcation' — did you mean BootNotification?");

    expect(parseError('p95(bootnotification) < 5').reason).toMatch(/did you mean BootNotification\?/);
    expect(parseError('transactions(complete) >= 1').reason).toBe("unknown transactions kind 'complete' — did you mean completed?");
    expect(parseError('p95 < 500ms').reason).toMatch(/p95 needs an argument in parentheses, e\.g\. p95\(BootNotification\)/);
    expect(parseError('booted(x) > 1').reason).toBe('booted takes no argument');

    const op = parseError('errors(*) = 0');
    expect(op.column).toBe(11);
    expect(op.reason).toBe("use '==' to compare for equality");
    expect(parseError('errors(*) 0').reason).toMatch(/expected a comparison \(<, <=, >, >=, ==, !=\) but found '0'/);

    const num = parseError('booted >= lots');
    expect(num.column).toBe(11);
    expect(num.reason).toBe("expected a number after '>='");

    const unit = parseError('p95(*) < 5kWh');
    expect(unit.column).toBe(11);
    expect(unit.reason).toBe("unit 'kWh' does not fit p95 (use ms or s, or none)");
    expect(parseError('transactions(started) > 5%').reason).toBe("transactions is a count: no unit ('%')");
    expect(parseError('booted >= 120%').reason).toBe('a share is at most 100%, not 120%');
    expect(parseError('p95(Heartbeat < 5').reason).toBe("'(' without a closing ')'");
    expect(parseError('').reason).toMatch(/expected a metric/);
    expect(parseError('frobnicate > 1').reason).toMatch(/unknown metric 'frobnicate' \(known: p50, /);
  });

  it('knows which thresholds can be decided before the end (counts and max, not percentiles, rates or shares)', () => {
    expect(decidableEarly(parseThreshold('errors(*) == 0'))).toBe(true);
    expect(decidableEarly(parseThreshold('max(Authorize) < 1s'))).toBe(true);
    expect(decidableEarly(parseThreshold('booted >= 99%'))).toBe(true);
    expect(decidableEarly(parseThreshold('p95(*) < 1s'))).toBe(false);
    expect(decidableEarly(parseThreshold('rate(calls) > 5/s'))).toBe(false);
    expect(decidableEarly(parseThreshold('errors(*) < 1%'))).toBe(false);
  });
});

/** A fleet of two shards: 100 BootNotifications at 1..100 ms, 10 StartTransactions of which 3 erred and 1 timed out. */
function fleet(): FleetStats {
  const stats = new FleetStats();
  const a = new ShardStats('1.6');
  const b = new ShardStats('1.6');
  const bootA = a.actionIndex('BootNotification');
  const bootB = b.actionIndex('BootNotification');
  for (let ms = 1; ms <= 100; ms++) {
    const [s, i] = ms % 2 ? [a, bootA] : [b, bootB];
    s.count(i, A.CallsSent);
    s.count(i, A.Results);
    s.latencyUs(i, ms * 1000);
  }
  const start = a.actionIndex('StartTransaction');
  for (let k = 0; k < 10; k++) a.count(start, A.CallsSent);
  for (let k = 0; k < 3; k++) a.count(start, A.CallErrors);
  a.count(start, A.Timeouts);
  const remote = b.actionIndex('RemoteStartTransaction');
  for (let k = 0; k < 4; k++) b.count(remote, A.CallsReceived);
  a.totals[T.ChargePointsBooted] = 60;
  b.totals[T.ChargePointsBooted] = 39;
  a.totals[T.TxStarted] = 7;
  a.totals[T.TxCompleted] = 5;
  b.totals[T.ExpectationsFailed] = 2;
  a.totals[T.ExpectationsPending] = 3;
  a.totals[T.MessagesIn] = 500;
  b.totals[T.MessagesOut] = 700;
  stats.ingest(0, a.snapshot());
  stats.ingest(1, b.snapshot());
  return stats;
}

describe('evaluateThreshold', () => {
  const stats = fleet();
  const run = { fleetSize: 100, elapsedMs: 4000 };
  const ev = (text: string) => evaluateThreshold(parseThreshold(text), stats, run);

  it('percentiles come from the histograms merged over shards', () => {
    // 100 samples 1..100 ms split over two shards: the merged p95 is ~95 ms (bucket midpoint), not an average of two.
    const p95 = ev('p95(BootNotification) < 500ms');
    expect(p95.passed).toBe(true);
    expect(p95.actual).toBeGreaterThan(93);
    expect(p95.actual).toBeLessThan(97);
    expect(ev('p95(BootNotification) < 90ms').passed).toBe(false);
    expect(ev('max(BootNotification) <= 100ms')).toMatchObject({ passed: true, actual: 100 });
    expect(ev('max(*) < 99ms')).toMatchObject({ passed: false, final: true, actualText: '100 ms' });
    expect(ev('p99(*) <= 2s')).toMatchObject({ passed: true, final: false });
    expect(ev('p99(*) <= 2s').actualText).toMatch(/^0\.\d+ s$/);
  });

  it('a latency threshold on an action never sent fails with "no calls"', () => {
    expect(ev('p95(Authorize) < 1s')).toEqual({ expression: 'p95(Authorize) < 1s', metric: 'p95', arg: 'Authorize', passed: false, actual: null, unit: 'ms', actualText: 'no Authorize calls sent', final: false });
  });

  // Issue #10: three BootNotifications that all timed out were reported as "no BootNotification calls sent".
  it('a latency threshold on calls sent but never answered says so', () => {
    const shard = new ShardStats('1.6');
    const boot = shard.actionIndex('BootNotification');
    for (let k = 0; k < 3; k++) {
      shard.count(boot, A.CallsSent);
      shard.count(boot, A.Timeouts);
    }
    const unanswered = new FleetStats();
    unanswered.ingest(0, shard.snapshot());
    const evU = (text: string) => evaluateThreshold(parseThreshold(text), unanswered, run);
    expect(evU('p95(BootNotification) < 1s')).toMatchObject({ passed: false, actual: null, actualText: '3 BootNotification calls sent, none answered' });
    expect(evU('max(*) < 1s')).toMatchObject({ passed: false, actual: null, actualText: '3 calls sent, none answered' });
    expect(evU('p95(Authorize) < 1s').actualText).toBe('no Authorize calls sent');
  });

  it('counts errors and timeouts per action or over all, as counts or shares of calls sent', () => {
    expect(ev('errors(*) == 0')).toMatchObject({ passed: false, actual: 4, final: true });
    expect(ev('errors(StartTransaction) < 5')).toMatchObject({ passed: true, actual: 4 });
    expect(ev('errors(BootNotification) == 0')).toMatchObject({ passed: true, actual: 0 });
    expect(ev('timeouts(*) == 0')).toMatchObject({ passed: false, actual: 1, final: true });
    // 4 errors of 110 calls sent.
    expect(ev('errors(*) < 5%').actual).toBeCloseTo(400 / 110, 6);
    expect(ev('errors(*) < 1%')).toMatchObject({ passed: false, final: false });
    expect(ev('calls(RemoteStartTransaction) == 4').passed).toBe(true);
    // Failing `>` on a growing count can still pass later; failing `==` below the value too.
    expect(ev('errors(*) > 10')).toMatchObject({ passed: false, final: false });
    expect(ev('errors(*) == 10')).toMatchObject({ passed: false, final: false });
  });

  it('rates are per second over the elapsed run', () => {
    // 110 calls sent + 4 received over 4 s.
    expect(ev('rate(calls) > 28/s')).toMatchObject({ passed: true, actual: 28.5, actualText: '28.5/s' });
    expect(ev('rate(calls) > 1000/s')).toMatchObject({ passed: false, final: false });
    expect(ev('rate(BootNotification) >= 1500/m')).toMatchObject({ passed: true, actual: 25, actualText: '1500/m' });
    expect(ev('rate(messages) == 300/s')).toMatchObject({ passed: true, actual: 300 });
  });

  it('booted as a count or a share of the fleet; transactions, expectations, reconnects', () => {
    expect(ev('booted >= 99%')).toMatchObject({ passed: true, actual: 99, actualText: '99%' });
    expect(ev('booted == 100%')).toMatchObject({ passed: false, final: false });
    expect(ev('booted == 99')).toMatchObject({ passed: true });
    expect(ev('booted < 50')).toMatchObject({ passed: false, final: true });
    expect(ev('transactions(started) >= 7')).toMatchObject({ passed: true, actual: 7 });
    expect(ev('transactions(completed) >= 10')).toMatchObject({ passed: false, actual: 5, final: false });
    expect(ev('expectations(failed) == 0')).toMatchObject({ passed: false, actual: 2, final: true });
    expect(ev('expectations(pending) <= 3')).toMatchObject({ passed: true, actual: 3 });
    expect(ev('reconnects == 0')).toMatchObject({ passed: true, actual: 0 });
  });

  it('formats a result as a summary line', () => {
    expect(formatResult(ev('errors(StartTransaction) < 5'))).toBe('✓ errors(StartTransaction) < 5 (actual 4)');
    expect(formatResult(ev('timeouts(*) == 0'))).toBe('✗ timeouts(*) == 0 (actual 1)');
  });
});

/** Issue #11: an action threshold can name an OCPP version; without one it matches the action in every version. */
describe('thresholds with an OCPP version (Action@version)', () => {
  it('parses @version after an action or *, spaces allowed', () => {
    expect(parseThreshold('p95(TransactionEvent@2.0.1) < 1s')).toMatchObject({ metric: 'p95', arg: 'TransactionEvent', protocol: '2.0.1', value: 1000 });
    expect(parseThreshold('errors(*@1.6) == 0')).toMatchObject({ metric: 'errors', arg: '*', protocol: '1.6' });
    expect(parseThreshold('rate( Heartbeat @ 2.0.1 ) > 1/s')).toMatchObject({ arg: 'Heartbeat', protocol: '2.0.1' });
    expect(parseThreshold('p95(Heartbeat) < 1s')).not.toHaveProperty('protocol');
    // Without @, an action of either version is known.
    expect(parseThreshold('p95(NotifyReport) < 1s')).toMatchObject({ arg: 'NotifyReport' });
  });

  it('refuses an unknown version, an action the version does not have, and @ where no action goes', () => {
    const version = parseError('p95(Heartbeat@2.0) < 1s');
    expect(version.column).toBe(15);
    expect(version.reason).toBe("unknown OCPP version '2.0' — did you mean 2.0.1? (known: 1.6, 2.0.1)");
    expect(parseError('p95(Heartbeat@ocpp2.0.1) < 1s').reason).toBe("unknown OCPP version 'ocpp2.0.1' — did you mean 2.0.1? (known: 1.6, 2.0.1)");
    expect(parseError('p95(Heartbeat@) < 1s').reason).toMatch(/^unknown OCPP version '' \(known: 1\.6, 2\.0\.1\)$/);
    const other = parseError('errors(StartTransaction@2.0.1) == 0');
    expect(other.column).toBe(8);
    expect(other.reason).toBe("'StartTransaction' is not an OCPP 2.0.1 action (it is an OCPP 1.6 action)");
    expect(parseError('p95(TransactionEvnt@2.0.1) < 1s').reason).toBe("'TransactionEvnt' is not an OCPP 2.0.1 action — did you mean TransactionEvent?");
    expect(parseError('rate(calls@2.0.1) > 1/s').reason).toBe("rate(calls) cannot name an OCPP version: only an action or '*' can (e.g. rate(*@2.0.1))");
    expect(parseError('transactions(started@1.6) > 1').reason).toMatch(/^transactions\(started\) cannot name an OCPP version/);
  });

  /** 1.6: 10 Heartbeats at 2 ms, 1 error; 2.0.1: 5 Heartbeats at 300 ms, 2 errors, and 4 TransactionEvents. */
  function mixed(): FleetStats {
    const stats = new FleetStats();
    const v16 = new ShardStats('1.6');
    const v201 = new ShardStats('2.0.1');
    for (const [s, n, ms, errors] of [[v16, 10, 2, 1], [v201, 5, 300, 2]] as const) {
      const hb = s.actionIndex('Heartbeat');
      for (let k = 0; k < n; k++) {
        s.count(hb, A.CallsSent);
        s.latencyUs(hb, ms * 1000);
      }
      for (let k = 0; k < errors; k++) s.count(hb, A.CallErrors);
    }
    const tx = v201.actionIndex('TransactionEvent');
    for (let k = 0; k < 4; k++) v201.count(tx, A.CallsSent);
    stats.ingest(0, v16.snapshot());
    stats.ingest(1, v201.snapshot());
    return stats;
  }

  it('with a version counts only its calls; without one, the action in every version', () => {
    const stats = mixed();
    const ev = (text: string) => evaluateThreshold(parseThreshold(text), stats, { fleetSize: 10, elapsedMs: 1000 });
    expect(ev('max(Heartbeat@1.6) < 10ms')).toMatchObject({ passed: true, actual: 2, protocol: '1.6', arg: 'Heartbeat' });
    expect(ev('max(Heartbeat@2.0.1) < 10ms')).toMatchObject({ passed: false, actual: 300 });
    expect(ev('max(Heartbeat) < 10ms')).toMatchObject({ passed: false, actual: 300 });
    expect(ev('max(Heartbeat) < 10ms')).not.toHaveProperty('protocol');
    expect(ev('errors(Heartbeat@1.6) == 1')).toMatchObject({ passed: true, actual: 1 });
    expect(ev('errors(Heartbeat) == 3')).toMatchObject({ passed: true, actual: 3 });
    expect(ev('errors(*@2.0.1) == 2')).toMatchObject({ passed: true });
    expect(ev('calls(*@2.0.1) == 9')).toMatchObject({ passed: true });
    expect(ev('rate(*@1.6) == 10/s')).toMatchObject({ passed: true });
    // 2 errors of the 9 calls 2.0.1 charge points sent.
    expect(ev('errors(*@2.0.1) < 25%').actual).toBeCloseTo(200 / 9, 6);
    expect(ev('p95(TransactionEvent@2.0.1) < 1s').actualText).toBe('4 OCPP 2.0.1 TransactionEvent calls sent, none answered');
    expect(ev('p95(Authorize@1.6) < 1s')).toMatchObject({ actual: null, actualText: 'no OCPP 1.6 Authorize calls sent' });
    expect(ev('p95(*@1.6) < 1s')).toMatchObject({ passed: true });
  });
});
