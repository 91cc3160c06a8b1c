/**
 * Test helper: a run report built by the real code path (ShardStats → snapshots → FleetStats →
 * thresholds → verdict → buildReport) from made-up figures, for the report schema and JUnit tests.
 */
import { exitCodeOf, verdict, type RunAbort } from '../../src/cli/verdict.js';
import { FleetStats } from '../../src/metrics/fleet-stats.js';
import { A, ShardStats, T } from '../../src/metrics/shard-stats.js';
import { loadProfile } from '../../src/profile/load.js';
import { buildReport, type RunReport } from '../../src/report/report.js';
import { evaluateThresholds, parseThreshold } from '../../src/report/thresholds.js';
import type { FleetConfig } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER } from '../../src/station/profile.js';

export interface FixtureOptions {
  thresholds?: string[];
  /** Text for the failing expectation's "got": to test escaping. */
  got?: string;
  /** Leave out scenario expectations. */
  noExpectations?: boolean;
  /** Charge points still waiting at a third expectation site when the run ended. */
  pending?: number;
  /** How the run was stopped early, if it was. */
  aborted?: RunAbort;
  /** More actions the CSMS called (once each), by name as on the wire. */
  received?: string[];
  /**
   * A second fleet of 5 OCPP 2.0.1 charge points (generic-201-ac) in the run: 5 BootNotifications
   * at 20 ms and 3 TransactionEvents, one of them answered with a CALLERROR.
   */
  mixed?: boolean;
}

export function fixtureReport(opts: FixtureOptions = {}): RunReport {
  const shard = new ShardStats('1.6');
  const boot = shard.actionIndex('BootNotification');
  for (let i = 1; i <= 10; i++) {
    shard.count(boot, A.CallsSent);
    shard.count(boot, A.Results);
    shard.latencyUs(boot, i * 1500);
  }
  const remote = shard.actionIndex('RemoteStartTransaction');
  shard.count(remote, A.CallsReceived);
  for (const action of opts.received ?? []) shard.count(shard.actionIndex(action), A.CallsReceived);
  shard.totals[T.ChargePointsStarted] = 10;
  shard.totals[T.ChargePointsBooted] = 10;
  shard.totals[T.BootsAccepted] = 10;
  shard.totals[T.TxStarted] = 4;
  shard.totals[T.TxCompleted] = 4;
  if (!opts.noExpectations) {
    const okSite = {};
    const badSite = {};
    const file = 'scenarios/my <test> & "co".yaml';
    const name = (_step: object, line: number) => ({ site: `${file}:${line}:5`, label: line === 4 ? 'authorize expect Accepted' : 'expect call UpdateFirmware within 30s' });
    for (let i = 0; i < 3; i++) shard.expectation(okSite, true, 4, name);
    shard.expectation(badSite, false, 9, name);
    shard.failure({ chargePoint: 'CP07', connector: 1, site: `${file}:9:5`, label: 'expect call UpdateFirmware within 30s', expected: 'UpdateFirmware within 30 s', got: opts.got ?? 'nothing', at: Date.UTC(2026, 0, 2, 3, 4, 5) });
    shard.totals[T.ExpectationsPassed] = 3;
    shard.totals[T.ExpectationsFailed] = 1;
  }
  if (opts.pending) {
    const waiting = {};
    const name = () => ({ site: 'remote-start-stop:11:11', label: 'expect call RemoteStartTransaction within 10m' });
    for (let i = 0; i < opts.pending; i++) shard.pendingExpectation(waiting, null, name);
    shard.totals[T.ExpectationsPending] = opts.pending;
  }
  shard.states[6] = 10;
  const stats = new FleetStats();
  stats.ingest(0, shard.snapshot());
  if (opts.mixed) stats.ingest(1, shard201().snapshot());

  const expressions = opts.thresholds ?? [];
  const run = { fleetSize: 10, elapsedMs: 5000 };
  const total = opts.mixed ? 15 : 10;
  const results = evaluateThresholds(expressions.map(parseThreshold), stats, run);
  const v = verdict(stats, { total, allowInvalid: false, workerErrors: [], thresholds: results, aborted: opts.aborted });
  const config: FleetConfig = {
    csmsUrl: 'ws://127.0.0.1:9000/ocpp',
    idPrefix: 'CP',
    idStart: 1,
    idWidth: 2,
    count: 10,
    workers: 0,
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
    startedAt: Date.UTC(2026, 0, 2, 3, 4, 0, 250),
    elapsedMs: run.elapsedMs,
    total,
    configs: opts.mixed ? [config, { ...config, idPrefix: 'V2-', idStart: 11, count: 5, profile: loadProfile('generic-201-ac') }] : [config],
    durationMs: 5000,
    runId: 'run-1',
    allowInvalid: false,
    abortOnFail: false,
    thresholds: expressions,
  });
}

function shard201(): ShardStats {
  const shard = new ShardStats('2.0.1');
  const boot = shard.actionIndex('BootNotification');
  for (let i = 0; i < 5; i++) {
    shard.count(boot, A.CallsSent);
    shard.count(boot, A.Results);
    shard.latencyUs(boot, 20_000);
  }
  const tx = shard.actionIndex('TransactionEvent');
  for (let i = 0; i < 3; i++) shard.count(tx, A.CallsSent);
  shard.count(tx, A.CallErrors);
  shard.totals[T.ChargePointsStarted] = 5;
  shard.totals[T.ChargePointsBooted] = 5;
  shard.states[6] = 5;
  return shard;
}
