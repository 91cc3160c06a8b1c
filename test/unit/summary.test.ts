/**
 * The end-of-run summary (src/cli/summary.ts) says exactly what the figures are: the problems header
 * counts what it lists and says what was not kept, unanswered calls have no latency, pending
 * expectations are named per site, and the exit code is the last line.
 */
import { describe, expect, it } from 'vitest';
import { closing, summary } from '../../src/cli/summary.js';
import { verdict, type RunAbort } from '../../src/cli/verdict.js';
import { FleetStats } from '../../src/metrics/fleet-stats.js';
import { A, ShardStats, T } from '../../src/metrics/shard-stats.js';

// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

function booted(shard = new ShardStats('1.6')): ShardStats {
  shard.totals[T.ChargePointsStarted] = 2;
  shard.totals[T.ChargePointsBooted] = 2;
  return shard;
}

function show(stats: FleetStats, aborted?: RunAbort): string {
  const v = verdict(stats, { total: 2, allowInvalid: false, workerErrors: [], aborted });
  return plain(summary(stats, 2, 5000, v));
}

describe('summary', () => {
  it('the problems header counts what it lists', () => {
    const shard = booted();
    for (let i = 1; i <= 16; i++) shard.problem(`problem ${i}`);
    const stats = new FleetStats();
    stats.ingest(0, shard.snapshot());
    const text = show(stats);
    // Issue #10: "Problems (16, first 16)" listed 15.
    expect(text).toContain('Problems (16, first 15):');
    expect(text.match(/^ {2}problem \d+$/gm)).toHaveLength(15);
    expect(text).toContain('  … 1 more in the report');
  });

  it('problems beyond what the workers send are counted and said to be not kept', () => {
    const stats = new FleetStats();
    // Two workers, 30 problems each in one second: each sends its first 20 messages, and counts all 30.
    for (const w of [0, 1]) {
      const shard = booted();
      for (let i = 1; i <= 30; i++) shard.problem(`worker ${w} problem ${i}`);
      stats.ingest(w, shard.snapshot());
    }
    expect(stats.problemCount).toBe(60);
    expect(stats.problems).toHaveLength(40);
    const text = show(stats);
    expect(text).toContain('Problems (60, first 15):');
    expect(text).toContain('  … 25 more in the report, 20 more not kept (counted only)');
  });

  it('a few problems are listed without a "first"', () => {
    const shard = booted();
    shard.problem('only one');
    const stats = new FleetStats();
    stats.ingest(0, shard.snapshot());
    expect(show(stats)).toMatch(/^Problems \(1\):\n {2}only one$/m);
  });

  it('calls never answered show no latency, not 0.00 ms', () => {
    const shard = booted();
    const boot = shard.actionIndex('BootNotification');
    for (let i = 0; i < 3; i++) {
      shard.count(boot, A.CallsSent);
      shard.count(boot, A.Timeouts);
    }
    const stats = new FleetStats();
    stats.ingest(0, shard.snapshot());
    const row = /^BootNotification .*$/m.exec(show(stats))![0].split(/\s+/);
    expect(row).toEqual(['BootNotification', '3', '0', '3', '-', '-', '-', '-']);
  });

  it('pending expectations: counted beside passed and failed, and named per site', () => {
    const shard = booted();
    const name = (step: { line: number }) => ({ site: `remote-start-stop:${step.line}:11`, label: `expect call ${step.line === 11 ? 'RemoteStartTransaction within 10m' : 'RemoteStopTransaction within 4h'}` });
    const start = { line: 11 };
    const stop = { line: 12 };
    shard.expectation(start, true, null, name);
    for (let i = 0; i < 4; i++) shard.pendingExpectation(start, null, name);
    shard.pendingExpectation(stop, null, name);
    shard.totals[T.ExpectationsPassed] = 1;
    shard.totals[T.ExpectationsPending] = 5;
    const stats = new FleetStats();
    stats.ingest(0, shard.snapshot());
    const text = show(stats);
    expect(text).toContain(
      [
        'expectations   1 passed · 0 failed · 5 pending',
        '               4 pending at remote-start-stop:11:11 expect call RemoteStartTransaction within 10m',
        '               1 pending at remote-start-stop:12:11 expect call RemoteStopTransaction within 4h',
      ].join('\n'),
    );
  });

  it('an interrupted run says so, with the signal and when', () => {
    const stats = new FleetStats();
    stats.ingest(0, booted().snapshot());
    const text = show(stats, { by: 'signal', signal: 'SIGTERM', at: 0, afterMs: 9500, reason: 'interrupted by SIGTERM after 9.5s of 1m00s' });
    expect(text).toMatch(/^Interrupted by SIGTERM after 9\.5s of 1m00s: stopped gracefully; the figures are the run's up to then$/m);
  });
});

/** Issue #11: the protocol in the summary — once in the header for one version, a column for several. */
describe('summary of the OCPP versions', () => {
  function shardOf(protocol: string, chargePoints: number, heartbeats: number, ms: number): ShardStats {
    const shard = booted(new ShardStats(protocol));
    shard.states[6] = chargePoints;
    const hb = shard.actionIndex('Heartbeat');
    for (let i = 0; i < heartbeats; i++) {
      shard.count(hb, A.CallsSent);
      shard.latencyUs(hb, ms * 1000);
    }
    return shard;
  }

  it('a one-version run names it once, in the header, and its table is as before', () => {
    const stats = new FleetStats();
    stats.ingest(0, shardOf('1.6', 2, 3, 4).snapshot());
    const lines = show(stats).split('\n');
    const at = lines.indexOf('Summary after 5.0s · OCPP 1.6');
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toBe('action     sent  recv  errors  p50 ms  p95 ms  p99 ms  max ms');
    expect(lines[at + 2].split(/\s+/)).toEqual(['Heartbeat', '3', '0', '0', '4.00', '4.00', '4.00', '4.00']);
    expect(show(stats).match(/1\.6/g)).toHaveLength(1);
  });

  it('a run of several versions has an ocpp column, a row per (version, action), and the charge points per version', () => {
    const stats = new FleetStats();
    stats.ingest(0, shardOf('2.0.1', 1, 5, 30).snapshot());
    stats.ingest(1, shardOf('1.6', 2, 3, 4).snapshot());
    const lines = show(stats).split('\n');
    const at = lines.indexOf('Summary after 5.0s · OCPP 1.6 (2 charge points), 2.0.1 (1)');
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toBe('action     ocpp   sent  recv  errors  p50 ms  p95 ms  p99 ms  max ms');
    expect(lines[at + 2].split(/\s+/)).toEqual(['Heartbeat', '1.6', '3', '0', '0', '4.00', '4.00', '4.00', '4.00']);
    expect(lines[at + 3].split(/\s+/)).toEqual(['Heartbeat', '2.0.1', '5', '0', '0', '30.0', '30.0', '30.0', '30.0']);
  });
});

describe('closing lines', () => {
  const stats = new FleetStats();
  stats.ingest(0, booted().snapshot());
  const opts = { total: 2, allowInvalid: false, workerErrors: [] };

  it('end with the exit code the process really exits with', () => {
    expect(closing(verdict(stats, opts), 0).map(plain)).toEqual(['', 'PASSED', 'exit code 0: every check held']);
    // Issue #10: --junit to an unwritable path after a passing run printed "exit code 0" and exited 1.
    expect(closing(verdict(stats, opts), 1, ['--junit /nope/junit.xml']).map(plain).slice(-2)).toEqual([
      'PASSED',
      'exit code 1: the run passed, but --junit /nope/junit.xml could not be written',
    ]);
    const interrupted = verdict(stats, { ...opts, aborted: { by: 'signal', signal: 'SIGINT', at: 0, afterMs: 10, reason: 'interrupted by SIGINT after 10ms of 1m00s' } });
    expect(closing(interrupted, 105).map(plain).slice(-2)).toEqual([
      'FAILED: interrupted by SIGINT after 10ms of 1m00s',
      'exit code 105: interrupted by SIGINT: an interrupted run is not a pass',
    ]);
  });
});
