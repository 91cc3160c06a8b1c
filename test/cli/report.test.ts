/**
 * Thresholds, --report, --junit and --abort-on-fail through the real binary against the embedded
 * CSMS: exit codes, the summary's threshold lines, a report whose counts equal what the CSMS says it
 * received (its operator API, GET /api/stats), a JUnit file valid against the JUnit XSDs, a plan's
 * thresholds, and bad thresholds refused before any socket opens.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { NO_REPLY, type Csms, type CsmsStats } from '../../src/csms/server.js';
import { CP_ACTIONS } from '../../src/csms/stats.js';
import type { RunReport } from '../../src/report/report.js';
import { startBareCsms } from '../helpers/bare-csms.js';
import { csmsPerTest } from '../helpers/csms-per-test.js';
import { junitProblems } from '../helpers/junit-xsd.js';
import { BUILT, describeRun, ROOT, runCli, waitFor } from './spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-cli-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true }));
const validateReport = ajv.compile(JSON.parse(readFileSync(new URL('../../src/report/report.schema.json', import.meta.url), 'utf8')) as object);

const csmsFor = csmsPerTest();

/** The CSMS's counters as its operator API serves them. */
async function apiStats(csms: Csms): Promise<CsmsStats> {
  const res = await fetch(`http://127.0.0.1:${csms.port}/api/stats`, { headers: { authorization: `Bearer ${csms.apiToken}` } });
  if (!res.ok) throw new Error(`GET /api/stats: HTTP ${res.status}`);
  return (await res.json()) as CsmsStats;
}

function readReport(file: string): RunReport {
  const report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  if (!validateReport(report)) throw new Error(`${file} does not match report.schema.json:\n${ajv.errorsText(validateReport.errors, { separator: '\n' })}`);
  return report;
}

/** Short, lively sessions so a few seconds see transactions start and stop. */
const LIVELY = ['--session', '1s-2s', '--idle', '0.2s-0.5s', '--meter-interval', '1s'];

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

describe('run --threshold / --report / --junit', () => {
  it('thresholds that hold pass (exit 0); the report counts what the CSMS received', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const file = join(dir, 'pass.json');
    const r = await runCli([
      'run', '--csms', csms.url, '--count', '4', '--duration', '4s', ...LIVELY, '--quiet', '--strict', '--workers', '2',
      '--threshold', 'p95(BootNotification) < 5s',
      '--threshold', 'p99(*) <= 5s',
      '--threshold', 'errors(*) == 0',
      '--threshold', 'booted >= 100%',
      '--threshold', 'transactions(completed) >= 1',
      '--report', file,
    ]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^PASSED$/m);
    expect(r.stdout).toMatch(/^Thresholds$/m);
    expect(r.stdout).toMatch(/^ {2}✓ p95\(BootNotification\) < 5s \(actual \d+(\.\d+)? s\)$/m);
    expect(r.stdout).toMatch(/^ {2}✓ errors\(\*\) == 0 \(actual 0\)$/m);
    expect(r.stdout).toMatch(/^ {2}✓ booted >= 100% \(actual 100%\)$/m);
    expect(r.stdout).toMatch(/^exit code 0/m);
    expect(r.stdout).toContain(`report written to ${file}`);

    const report = readReport(file);
    const s = await apiStats(csms);
    expect(report).toMatchObject({ passed: true, exitCode: 0, reasons: [], aborted: null, tool: 'ocpp-sim' });
    expect(report.chargePoints).toMatchObject({ total: 4, booted: s.boots, started: 4 });
    expect(s.boots).toBe(4);
    // Every call the charge points sent is one the CSMS received, action by action.
    for (const action of CP_ACTIONS) expect(report.actions['1.6'][action]?.sent ?? 0, action).toBe(s.received[action]);
    expect(report.calls.sent).toBe(Object.values(s.received).reduce((a, b) => a + b, 0));
    expect(report.messages.out).toBe(s.messagesIn);
    expect(report.transactions.started).toBe(s.transactions.started);
    expect(report.transactions.completed).toBe(s.transactions.stopped);
    expect(s.transactions.started).toBeGreaterThan(0);
    expect(report.protocols).toEqual({ '1.6': 4 });
    expect(report.actions['1.6'].BootNotification).toMatchObject({ count: 4, errors: 0 });
    expect(report.actions['1.6'].BootNotification.p95Ms).toBeGreaterThan(0);
    expect(report.actions['1.6'].BootNotification.maxMs).toBeGreaterThanOrEqual(report.actions['1.6'].BootNotification.p95Ms!);
    expect(report.thresholds.map((t) => [t.expression, t.passed])).toEqual([
      ['p95(BootNotification) < 5s', true],
      ['p99(*) <= 5s', true],
      ['errors(*) == 0', true],
      ['booted >= 100%', true],
      ['transactions(completed) >= 1', true],
    ]);
    expect(report.thresholds[4].actual).toBe(s.transactions.stopped);
    expect(report.config).toMatchObject({ csmsUrl: csms.url, durationMs: 4000, workers: 2, thresholds: report.thresholds.map((t) => t.expression) });
    expect(report.durationMs).toBeGreaterThanOrEqual(4000);
    expect(Date.parse(report.endedAt) - Date.parse(report.startedAt)).toBe(report.durationMs);
  });

  it('a failing threshold exits 1 with its reason, and is a <failure> in a valid JUnit file', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const junit = join(dir, 'junit', 'fail.xml'); // the folder is created
    const report = join(dir, 'fail.json');
    const r = await runCli([
      'run', '--csms', csms.url, '--count', '2', '--duration', '2s', '--idle', '60s', '--quiet', '--workers', '0',
      '--threshold', 'booted == 2',
      '--threshold', 'rate(calls) > 100000/s',
      '--junit', junit, '--report', report,
    ]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/^ {2}✓ booted == 2 \(actual 2\)$/m);
    expect(r.stdout).toMatch(/^ {2}✗ rate\(calls\) > 100000\/s \(actual \d+(\.\d+)?\/s\)$/m);
    expect(r.stdout).toMatch(/^FAILED: threshold rate\(calls\) > 100000\/s failed \(actual \d+(\.\d+)?\/s\)$/m);
    expect(r.stdout).toMatch(/^exit code 1: 1 reason\(s\) above$/m);

    const xml = readFileSync(junit, 'utf8');
    expect(await junitProblems(xml)).toEqual([]);
    expect(xml).toContain('<testcase classname="ocpp-sim.thresholds" name="booted == 2" time="0"/>');
    expect(xml).toMatch(/<testcase classname="ocpp-sim.thresholds" name="rate\(calls\) &gt; 100000\/s" time="0">\n\s+<failure message="actual [\d.]+\/s" type="threshold">/);
    expect(xml).toMatch(/<testcase classname="ocpp-sim.run" name="verdict" time="0">\n\s+<failure /);

    const rep = readReport(report);
    expect(rep).toMatchObject({ passed: false, exitCode: 1 });
    expect(rep.failures).toEqual([{ kind: 'threshold', expression: 'rate(calls) > 100000/s', message: expect.stringMatching(/^threshold rate\(calls\) > 100000\/s failed/) }]);
    // The rate is the calls the CSMS received (all of them CP-initiated here) over the run's duration.
    const s = await apiStats(csms);
    const calls = Object.values(s.received).reduce((a, b) => a + b, 0);
    expect(rep.thresholds[1].actual).toBeCloseTo(calls / (rep.durationMs / 1000), 1);
  });

  it('scenario expectations are test cases per site, with failure records naming the charge point', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const scenario = join(dir, 'expectations.yaml');
    writeFileSync(
      scenario,
      'description: one refused and one accepted card\nconnectors: [1]\nsteps:\n  - authorize: {idTag: "BLOCKED-${n}", expect: Accepted}\n  - authorize: {idTag: "TAG-${n}", expect: Accepted}\n  - wait: 1h\n',
    );
    // Sites name the file relative to the working directory (the CLI runs in the package folder), never absolutely.
    const named = relative(ROOT, scenario);
    expect(named).not.toMatch(/^\//);
    const junit = join(dir, 'expectations.xml');
    const report = join(dir, 'expectations.json');
    const r = await runCli([
      'run', '--csms', csms.url, '--count', '3', '--duration', '2s', '--quiet', '--workers', '2', '--scenario', scenario,
      '--threshold', 'expectations(failed) <= 3', '--junit', junit, '--report', report,
    ]);
    // The threshold governs failed expectations: three tolerated, so the run passes.
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^Note: 3 scenario expectation\(s\) failed \(not a failure by itself: a threshold governs it\)$/m);
    const rep = readReport(report);
    expect(rep.expectations).toEqual({
      passed: 3,
      failed: 3,
      pending: 0,
      sites: expect.arrayContaining([
        { site: `${named}:4:5`, label: 'authorize expect Accepted', passed: 0, failed: 3, pending: 0 },
        { site: `${named}:5:5`, label: 'authorize expect Accepted', passed: 3, failed: 0, pending: 0 },
      ]),
    });
    expect(rep.expectations.sites).toHaveLength(2);
    const failures = rep.failures.filter((f) => f.kind === 'expectation');
    expect(failures.map((f) => f.kind === 'expectation' && f.chargePoint).sort()).toEqual(['CP1', 'CP2', 'CP3']);
    expect(failures[0]).toMatchObject({ connector: 1, site: `${named}:4:5`, step: 'authorize expect Accepted', expected: 'Accepted', got: 'Blocked' });
    expect(csms.stats.received.Authorize).toBe(6);

    const xml = readFileSync(junit, 'utf8');
    expect(await junitProblems(xml)).toEqual([]);
    expect(xml).toMatch(new RegExp(`<testcase classname="${named}" name="${named}:4:5 authorize expect Accepted" time="0">\\n\\s+<failure message="3 of 3 failed: CP\\d connector 1: expected Accepted, got Blocked" type="expectation">`));
    expect(xml).toContain(`<testcase classname="${named}" name="${named}:5:5 authorize expect Accepted" time="0"/>`);
    expect(xml).not.toMatch(/name="\//);
  });

  it('--abort-on-fail stops as soon as a threshold has failed for good, and says why', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const report = join(dir, 'aborted.json');
    const r = await runCli(
      ['run', '--csms', csms.url, '--count', '2', '--duration', '60s', '--idle', '60s', '--quiet', '--workers', '0', '--threshold', 'booted < 1', '--abort-on-fail', '--report', report],
      { timeoutMs: 20_000 },
    );
    expect(r.code, describeRun(r)).toBe(1);
    // Not the 60 s asked for: booted only grows, so once one charge point booted the threshold cannot hold.
    expect(r.ms).toBeLessThan(15_000);
    expect(r.stdout).toMatch(/^Aborted early \(--abort-on-fail\): threshold booted < 1 failed \(actual [12]\) and cannot recover$/m);
    expect(r.stdout).toMatch(/^FAILED: .*aborted early \(--abort-on-fail\)/m);
    const rep = readReport(report);
    expect(rep.aborted).toMatchObject({ by: 'abort-on-fail', signal: null, reason: expect.stringMatching(/^threshold booted < 1 failed/) });
    expect(rep.aborted!.afterMs).toBeLessThan(15_000);
    expect(rep.durationMs).toBeLessThan(15_000);
    expect(rep.chargePoints.booted).toBe(csms.stats.boots);
  });

  it('--abort-on-fail stops on a failed scenario expectation', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const scenario = join(dir, 'abort-expect.yaml');
    writeFileSync(scenario, 'description: a blocked card expected to pass\nconnectors: [1]\nsteps:\n  - authorize: {idTag: BLOCKED-1, expect: Accepted}\n  - wait: 1h\n');
    const r = await runCli(['run', '--csms', csms.url, '--count', '1', '--duration', '60s', '--quiet', '--workers', '0', '--scenario', scenario, '--abort-on-fail'], { timeoutMs: 20_000 });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.ms).toBeLessThan(15_000);
    expect(r.stdout).toMatch(/^Aborted early \(--abort-on-fail\): 1 scenario expectation\(s\) failed$/m);
  });
});

/** POSTs a CSMS-initiated call through the embedded CSMS's operator API. */
async function operatorCall(csms: Csms, identity: string, action: string, payload: object): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${csms.port}/api/charge-points/${identity}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${csms.apiToken}` },
    body: JSON.stringify(payload),
  });
  return res.json();
}

describe('issue #10: what the verdict and the report say', () => {
  it('expectations still waited for at the end are pending, per site, in summary, report and JUnit; a threshold makes them fail the run', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const report = join(dir, 'pending.json');
    const junit = join(dir, 'pending.xml');
    let started: unknown;
    const r = await runCli(
      ['run', '--csms', csms.url, '--count', '5', '--duration', '5s', '--scenario', 'remote-start-stop', '--quiet', '--workers', '0', '--report', report, '--junit', junit, '--threshold', 'expectations(pending) == 0'],
      {
        timeoutMs: 30_000,
        // The CSMS starts one of the five charge points remotely, and never stops it.
        onSpawn: () =>
          void waitFor(() => csms.stats.booted === 5, 10_000).then(async () => {
            await new Promise((res) => setTimeout(res, 500));
            started = await operatorCall(csms, 'CP1', 'RemoteStartTransaction', { idTag: 'TAG0001', connectorId: 1 });
          }),
      },
    );
    expect(started, describeRun(r)).toEqual({ result: { status: 'Accepted' } });
    expect(r.code, describeRun(r)).toBe(1);
    // CP2…CP5 still wait for their RemoteStartTransaction, CP1 for its RemoteStopTransaction.
    expect(r.stdout).toContain(
      [
        'expectations   1 passed · 0 failed · 5 pending',
        '               4 pending at remote-start-stop:12:11 expect call RemoteStartTransaction within 600s',
        '               1 pending at remote-start-stop:13:11 expect call RemoteStopTransaction within 14400s',
      ].join('\n'),
    );
    expect(r.stdout).toMatch(/^Note: 5 scenario expectation\(s\) still pending when the run ended \(the run ended before their time was up; not a failure by itself\)$/m);
    expect(r.stdout).toMatch(/^FAILED: threshold expectations\(pending\) == 0 failed \(actual 5\)$/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('exit code 1: 1 reason(s) above');

    const rep = readReport(report);
    expect(rep.expectations).toEqual({
      passed: 1,
      failed: 0,
      pending: 5,
      sites: [
        { site: 'remote-start-stop:12:11', label: 'expect call RemoteStartTransaction within 600s', passed: 1, failed: 0, pending: 4 },
        { site: 'remote-start-stop:13:11', label: 'expect call RemoteStopTransaction within 14400s', passed: 0, failed: 0, pending: 1 },
      ],
    });
    expect(csms.stats.transactions.started).toBe(1);

    const xml = readFileSync(junit, 'utf8');
    expect(await junitProblems(xml)).toEqual([]);
    expect(xml).toContain(
      '<testcase classname="remote-start-stop" name="remote-start-stop:12:11 expect call RemoteStartTransaction within 600s" time="0">\n' +
        '      <failure message="4 of 5 pending: still waited for when the run ended" type="pending">',
    );
    expect(xml).toContain('<failure message="1 of 1 pending: still waited for when the run ended" type="pending">');
  });

  it('an unwritable --junit after a passing run: an error that says so, and the last line gives the real exit code', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    // A folder under a regular file cannot be created, whoever runs the test (root included).
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'a file\n');
    const junit = join(blocker, 'junit.xml');
    const report = join(dir, 'unwritable-junit.json');
    const r = await runCli(['run', '--csms', csms.url, '--count', '2', '--duration', '2s', '--idle', '60s', '--quiet', '--workers', '0', '--junit', junit, '--report', report]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^ocpp-sim: --junit ${junit} could not be written: (EEXIST|ENOTDIR)`, 'm'));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toMatch(/^PASSED$/m);
    expect(r.stdout).not.toMatch(/exit code 0/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`exit code 1: the run passed, but --junit ${junit} could not be written`);
    // The report that could be written says the same exit code.
    const rep = readReport(report);
    expect(rep).toMatchObject({ passed: true, exitCode: 1 });
    expect(r.stdout).toContain(`report written to ${report}`);
  });

  it('an action named __proto__ that the CSMS calls appears in the JSON report', async ({ expect }) => {
    const csms = await startBareCsms();
    try {
      const report = join(dir, 'proto.json');
      const r = await runCli(['run', '--csms', csms.url, '--count', '1', '--duration', '3s', '--idle', '60s', '--quiet', '--workers', '0', '--report', report], {
        onSpawn: () =>
          void waitFor(() => csms.calls.some(([action]) => action === 'BootNotification'), 10_000).then(() => {
            csms.sendRaw('[2,"p1","__proto__",{}]');
            csms.sendRaw('[2,"p2","constructor",{}]');
          }),
      });
      // Actions OCPP 1.6 does not have: named as unknown actions, a finding about the CSMS.
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stdout).toMatch(/^FAILED: 2 call\(s\) of unknown actions from the CSMS \(__proto__, constructor\), answered NotImplemented$/m);
      const json = JSON.parse(readFileSync(report, 'utf8')) as { actions: Record<string, Record<string, unknown>> };
      expect(Object.keys(json.actions['1.6'])).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'BootNotification']));
      // Answered with a CALLERROR: received once, one error sent, no latency (none sent).
      expect(Object.getOwnPropertyDescriptor(json.actions['1.6'], '__proto__')?.value).toMatchObject({ count: 1, sent: 0, received: 1, errorsSent: 1, invalidCalls: 0, unknownCalls: 1, p50Ms: null });
      readReport(report);
    } finally {
      await csms.close();
    }
  });

  it('calls never answered show no latency: "-" in the summary, null in the report, and say so in a threshold', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    csms.onRequest = (_id, action) => (action === 'Heartbeat' ? NO_REPLY : undefined);
    const report = join(dir, 'unanswered.json');
    const r = await runCli([
      'run', '--csms', csms.url, '--count', '2', '--duration', '3s', '--idle', '60s', '--call-timeout', '1s', '--quiet', '--workers', '0',
      '--threshold', 'p95(Heartbeat) < 1s', '--report', report,
    ]);
    expect(r.code, describeRun(r)).toBe(1);
    const sent = csms.stats.received.Heartbeat;
    expect(sent).toBeGreaterThan(0);
    const row = /^Heartbeat .*$/m.exec(r.stdout)?.[0].split(/\s+/);
    expect(row, r.stdout).toEqual(['Heartbeat', String(sent), '0', expect.any(String), '-', '-', '-', '-']);
    expect(r.stdout).toContain(`✗ p95(Heartbeat) < 1s (actual ${sent} Heartbeat calls sent, none answered)`);
    const rep = readReport(report);
    expect(rep.actions['1.6'].Heartbeat).toMatchObject({ sent, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null });
    expect(rep.thresholds[0]).toMatchObject({ actual: null, actualText: `${sent} Heartbeat calls sent, none answered` });
  });
});

describe('thresholds in a run plan, and bad thresholds', () => {
  it("a plan's thresholds: and --threshold both apply", async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const plan = join(dir, 'plan-thresholds.yaml');
    writeFileSync(
      plan,
      `description: two small fleets with thresholds
csms: ${csms.url}
duration: 2s
workers: 0
quiet: true
thresholds:
  - "booted >= 100%"
  - "transactions(started) >= 100000"
fleets:
  - {profile: generic-16-ac, count: 2, idPrefix: A-}
  - {profile: generic-16-dc, count: 1, idPrefix: B-}
`,
    );
    const report = join(dir, 'plan.json');
    const r = await runCli(['run', plan, '--idle', '60s', '--threshold', 'errors(*) == 0', '--report', report]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/^ {2}✓ booted >= 100% \(actual 100%\)$/m);
    expect(r.stdout).toMatch(/^ {2}✗ transactions\(started\) >= 100000 \(actual \d+\)$/m);
    expect(r.stdout).toMatch(/^ {2}✓ errors\(\*\) == 0 \(actual 0\)$/m);
    expect(r.stdout).toMatch(/^FAILED: threshold transactions\(started\) >= 100000 failed/m);
    const rep = readReport(report);
    expect(rep.config.plan).toBe(plan);
    expect(rep.config.thresholds).toEqual(['booted >= 100%', 'transactions(started) >= 100000', 'errors(*) == 0']);
    expect(rep.config.fleets.map((f) => [f.idPrefix, f.count, f.profile])).toEqual([
      ['A-', 2, 'generic-16-ac'],
      ['B-', 1, 'generic-16-dc'],
    ]);
    expect(rep.chargePoints).toMatchObject({ total: 3, booted: 3 });
    expect(csms.stats.boots).toBe(3);
  });

  it('a bad --threshold exits 2 with the expression, column and a suggestion, before any socket opens', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const report = join(dir, 'never.json');
    const r = await runCli(['run', '--csms', csms.url, '--count', '2', '--duration', '2s', '--threshold', 'p95(BootNotification) < 500ms', '--threshold', 'p96(BootNotification) < 500ms', '--report', report]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain("--threshold: bad threshold 'p96(BootNotification) < 500ms' at column 1: unknown metric 'p96' — did you mean p95?");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toMatch(/Summary after/);
    expect(csms.stats.connections.total + csms.stats.connections.rejected).toBe(0);
    expect(() => readFileSync(report)).toThrow(/ENOENT/);
  });

  it("a bad threshold in a plan exits 2 at the plan's file:line:col", async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const plan = join(dir, 'plan-bad-threshold.yaml');
    writeFileSync(plan, `description: bad threshold\ncsms: ${csms.url}\nthresholds:\n  - "errors(*) == 0"\n  - "transactions(complete) >= 1"\nfleets:\n  - {profile: generic-16-ac, count: 1, idPrefix: A-}\n`);
    const r = await runCli(['run', plan, '--duration', '2s']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain(`${plan}:5:5: thresholds[1]: bad threshold 'transactions(complete) >= 1' at column 14: unknown transactions kind 'complete' — did you mean completed?`);
    expect(csms.stats.connections.total + csms.stats.connections.rejected).toBe(0);
    const v = await runCli(['validate', plan]);
    expect(v.code, describeRun(v)).toBe(2);
    expect(v.stdout + v.stderr).toContain("unknown transactions kind 'complete'");
  });
});
