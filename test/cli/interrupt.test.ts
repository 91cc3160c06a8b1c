/**
 * Issue #10, item 6: an interrupted run is not a pass. The real binary against the embedded CSMS,
 * interrupted with real signals: mid-run (SIGINT, SIGTERM), twice in quick succession (one Ctrl-C
 * delivered to the process group and forwarded by a wrapper), twice on purpose during a stop that
 * hangs, and during worker start-up. Each checks the exit code (105), the summary and the report.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { NO_REPLY, type Csms } from '../../src/csms/server.js';
import type { RunReport } from '../../src/report/report.js';
import { csmsPerTest } from '../helpers/csms-per-test.js';
import { BUILT, describeRun, runCli, summaryBooted, waitFor } from './spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-cli-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const csmsFor = csmsPerTest();

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

/** Long sessions that start soon: at any moment of the run a transaction is open. */
const CHARGING = ['--session', '60s', '--idle', '0.2s-0.5s', '--meter-interval', '1s'];

/** Sends `signals` to the child, each after its delay (ms), once every charge point booted and a transaction is open. */
function interruptWhenCharging(csms: Csms, count: number, signals: [NodeJS.Signals, number][], state: { ready: boolean; at: number }) {
  return (child: ChildProcess) => {
    void waitFor(() => csms.stats.booted === count && csms.stats.transactions.active >= 1, 15_000).then(async (ok) => {
      state.ready = ok;
      state.at = Date.now();
      for (const [signal, delay] of signals) {
        await new Promise((r) => setTimeout(r, delay));
        child.kill(signal);
      }
    });
  };
}

function lastLine(stdout: string): string {
  return stdout.trimEnd().split('\n').at(-1) ?? '';
}

describe.concurrent('an interrupted run', () => {
  it('SIGINT mid-run: a graceful stop, the interruption in the summary and the report, exit code 105', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const report = join(dir, 'sigint.json');
    const state = { ready: false, at: 0 };
    const r = await runCli(['run', '--csms', csms.url, '--count', '3', '--duration', '60s', ...CHARGING, '--quiet', '--workers', '0', '--report', report], {
      timeoutMs: 30_000,
      onSpawn: interruptWhenCharging(csms, 3, [['SIGINT', 0]], state),
    });
    expect(state.ready, `the CSMS never saw 3 boots and an open transaction\n${describeRun(r)}`).toBe(true);
    expect(r.code, describeRun(r)).toBe(105);
    // Graceful: the open transactions were stopped and their StopTransaction delivered.
    expect(csms.stats.transactions.started).toBeGreaterThan(0);
    expect(csms.stats.transactions.active).toBe(0);
    expect(csms.stats.transactions.stopped).toBe(csms.stats.transactions.started);
    expect(summaryBooted(r.stdout)).toEqual({ booted: 3, total: 3 });
    expect(r.stdout).toMatch(/^Interrupted by SIGINT after \S+ of 1m00s: stopped gracefully/m);
    expect(r.stdout).toMatch(/^FAILED: interrupted by SIGINT after /m);
    expect(r.stdout).not.toMatch(/^PASSED$/m);
    expect(lastLine(r.stdout)).toBe('exit code 105: interrupted by SIGINT: an interrupted run is not a pass');

    const rep = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    expect(rep).toMatchObject({ reportFormat: 3, passed: false, exitCode: 105 });
    expect(rep.aborted).toMatchObject({ by: 'signal', signal: 'SIGINT', reason: expect.stringMatching(/^interrupted by SIGINT after /) });
    // It names when: within the run, which was far shorter than the 60 s asked for.
    const at = Date.parse(rep.aborted!.at);
    expect(at).toBeGreaterThanOrEqual(Date.parse(rep.startedAt));
    expect(at).toBeLessThanOrEqual(Date.parse(rep.endedAt));
    expect(Math.abs(at - state.at)).toBeLessThan(2000);
    expect(rep.aborted!.afterMs).toBe(at - Date.parse(rep.startedAt));
    expect(rep.durationMs).toBeLessThan(30_000);
  });

  it('SIGTERM mid-run (a CI job cancelled) is the same: 105, named in the report', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const report = join(dir, 'sigterm.json');
    const state = { ready: false, at: 0 };
    const r = await runCli(['run', '--csms', csms.url, '--count', '2', '--duration', '60s', ...CHARGING, '--quiet', '--report', report], {
      timeoutMs: 30_000,
      onSpawn: interruptWhenCharging(csms, 2, [['SIGTERM', 0]], state),
    });
    expect(state.ready, describeRun(r)).toBe(true);
    expect(r.code, describeRun(r)).toBe(105);
    expect(r.stdout).toMatch(/^Interrupted by SIGTERM after /m);
    expect(csms.stats.transactions.active).toBe(0);
    const rep = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    expect(rep.aborted).toMatchObject({ by: 'signal', signal: 'SIGTERM' });
  });

  it('two SIGINTs 50 ms apart are one Ctrl-C: still a graceful stop', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const state = { ready: false, at: 0 };
    const r = await runCli(['run', '--csms', csms.url, '--count', '3', '--duration', '60s', ...CHARGING, '--workers', '0'], {
      timeoutMs: 30_000,
      onSpawn: interruptWhenCharging(csms, 3, [['SIGINT', 0], ['SIGINT', 50]], state),
    });
    expect(state.ready, describeRun(r)).toBe(true);
    expect(r.code, describeRun(r)).toBe(105);
    expect(r.stdout).toMatch(/Stopping: ending transactions/);
    expect(r.stdout).not.toMatch(/Aborted by a second/);
    expect(r.stdout).toMatch(/Summary after/);
    expect(csms.stats.transactions.started).toBeGreaterThan(0);
    expect(csms.stats.transactions.active).toBe(0);
    expect(csms.stats.transactions.stopped).toBe(csms.stats.transactions.started);
  });

  it('a second SIGINT later aborts a hanging stop at once, with one summary line and exit code 105', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    // The CSMS never answers StopTransaction: the graceful stop would wait for it.
    csms.onRequest = (_id, action) => (action === 'StopTransaction' ? NO_REPLY : undefined);
    const report = join(dir, 'hard-abort.json');
    const state = { ready: false, at: 0 };
    const r = await runCli(['run', '--csms', csms.url, '--count', '2', '--duration', '60s', ...CHARGING, '--quiet', '--workers', '0', '--report', report], {
      timeoutMs: 30_000,
      onSpawn: interruptWhenCharging(csms, 2, [['SIGINT', 0], ['SIGINT', 1500]], state),
    });
    expect(state.ready, describeRun(r)).toBe(true);
    expect(r.code, describeRun(r)).toBe(105);
    // Not the 10 s a stop waits for StopTransaction answers.
    expect(Date.now() - state.at).toBeLessThan(7000);
    expect(r.stdout).toMatch(/^Aborted by a second SIGINT after \S+, without finishing the graceful stop: 2\/2 booted · \d+ transactions started, \d+ completed · no report written · exit code 105$/m);
    expect(r.stdout).not.toMatch(/Summary after/);
    expect(existsSync(report)).toBe(false);
  });

  it('a SIGINT during worker start-up stops the workers and still gives a summary', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const report = join(dir, 'startup.json');
    let signalled = false;
    // The metrics note is printed as soon as the workers are asked to start, long before they run.
    const r = await runCli(['run', '--csms', csms.url, '--count', '8', '--workers', '4', '--duration', '60s', '--quiet', '--metrics-port', '0', '--report', report], {
      timeoutMs: 30_000,
      onSpawn: (child) =>
        child.stdout!.on('data', (d: string) => {
          if (signalled || !d.includes('Prometheus metrics at')) return;
          signalled = true;
          child.kill('SIGINT');
        }),
    });
    expect(signalled, describeRun(r)).toBe(true);
    expect(r.code, describeRun(r)).toBe(105);
    expect(r.stdout).toMatch(/Summary after/);
    expect(r.stdout).toMatch(/^Interrupted by SIGINT during worker start-up: stopped gracefully/m);
    expect(lastLine(r.stdout)).toBe('exit code 105: interrupted by SIGINT: an interrupted run is not a pass');
    const rep = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    expect(rep.aborted).toMatchObject({ by: 'signal', signal: 'SIGINT', afterMs: 0, reason: 'interrupted by SIGINT during worker start-up' });
    expect(rep.exitCode).toBe(105);
    // Stopped before the simulation began: no charge point connected.
    expect(rep.chargePoints.started).toBe(0);
    expect(csms.stats.connections.total).toBe(0);
  });
});
