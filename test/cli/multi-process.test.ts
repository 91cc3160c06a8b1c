/**
 * Issue #13: one `run` over several local processes (--processes) is still one run — one summary,
 * one report, one verdict — against the embedded CSMS; a child process that dies is a reported
 * failure, never a hang; Ctrl-C stops every process gracefully and leaves none behind.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { RunReport } from '../../src/report/report.js';
import { csmsPerTest } from '../helpers/csms-per-test.js';
import { BUILT, describeRun, runCli, summaryBooted, waitFor } from './spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-multi-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csmsFor = csmsPerTest();

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

/** The child processes of `pid` (pgrep -P), empty when none. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const CHARGING = ['--session', '60s', '--idle', '0.2s-0.5s', '--meter-interval', '1s'];

describe.concurrent('a run over several processes', () => {
  it('boots every charge point once, and prints one summary and one report for the whole fleet', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const report = join(dir, 'whole.json');
    let bootedAtOnce = false;
    const r = await runCli(['run', '--csms', csms.url, '--count', '30', '--processes', '3', '--duration', '3s', ...CHARGING, '--report', report], {
      timeoutMs: 60_000,
      onSpawn: () => void waitFor(() => csms.stats.booted === 30, 30_000).then((ok) => (bootedAtOnce = ok)),
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.match(/^Summary after/gm)?.length, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/30 charge points over 3 processes/);
    expect(summaryBooted(r.stdout)).toEqual({ booted: 30, total: 30 });
    // 30 identities booted and connected at once: the processes' slices do not overlap.
    expect(bootedAtOnce).toBe(true);
    expect(csms.stats.transactions.started).toBeGreaterThan(0);
    const rep = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    expect(rep.chargePoints.booted).toBe(30);
    expect(rep.passed).toBe(true);
    // The counters of all processes are summed: every boot the CSMS answered is in the report.
    expect(rep.actions['1.6'].BootNotification.sent).toBeGreaterThanOrEqual(30);
  });

  it('a child process killed mid-run fails the run, naming it, with its charge points counted as lost', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    let victim = 0;
    const r = await runCli(['run', '--csms', csms.url, '--count', '20', '--processes', '2', '--duration', '6s', ...CHARGING, '--quiet'], {
      timeoutMs: 60_000,
      onSpawn: (child: ChildProcess) => {
        void waitFor(() => csms.stats.booted === 20, 20_000).then(() => {
          victim = childrenOf(child.pid!)[0] ?? 0;
          if (victim) process.kill(victim, 'SIGKILL');
        });
      },
    });
    expect(victim, describeRun(r)).toBeGreaterThan(0);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`process \\d \\(pid ${victim}\\) died \\(SIGKILL\\) with 10 charge points`));
  });

  it('SIGINT stops every process gracefully: one summary, exit 105, no child left', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    let children: number[] = [];
    const report = join(dir, 'sigint.json');
    const r = await runCli(['run', '--csms', csms.url, '--count', '12', '--processes', '3', '--duration', '60s', ...CHARGING, '--quiet', '--report', report], {
      timeoutMs: 60_000,
      onSpawn: (child: ChildProcess) => {
        void waitFor(() => csms.stats.booted === 12 && csms.stats.transactions.active >= 3, 20_000).then(() => {
          children = childrenOf(child.pid!);
          // A Ctrl-C on a terminal reaches the whole process group: the children get it too.
          for (const pid of [child.pid!, ...children]) process.kill(pid, 'SIGINT');
        });
      },
    });
    expect(children.length, describeRun(r)).toBe(3);
    expect(r.code, describeRun(r)).toBe(105);
    expect(r.stdout.match(/^Summary after/gm)?.length).toBe(1);
    // Graceful: every open transaction was stopped and its StopTransaction delivered before the end.
    expect(csms.stats.transactions.active, describeRun(r)).toBe(0);
    const rep = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    expect(rep.aborted?.by).toBe('signal');
    expect(children.filter(alive)).toEqual([]);
  });

  it('the control API reaches charge points in every process: one list in fleet order, actions on any', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const faults: string[] = [];
    csms.onRequest = (identity, action, payload: { status?: string; errorCode?: string }) => {
      if (action === 'StatusNotification' && payload.status === 'Faulted') faults.push(`${identity} ${payload.errorCode}`);
      return undefined;
    };
    let out = '';
    let result: { list?: unknown; page?: unknown; act?: unknown; detail?: { connectors: { status: string }[] } } = {};
    const r = await runCli(['run', '--csms', csms.url, '--count', '9', '--processes', '3', '--duration', '60s', '--idle', '3600s-3600s', '--control-port', '0', '--quiet'], {
      timeoutMs: 60_000,
      env: { OCPP_SIM_CONTROL_TOKEN: undefined },
      onSpawn: (child: ChildProcess) => {
        child.stdout!.on('data', (d: string) => (out += d));
        void (async () => {
          try {
            await waitFor(() => /Control at /.test(out) && csms.stats.booted === 9, 30_000);
            const [, url, token] = /Control at (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(out)!;
            const api = async (path: string, body?: object) => {
              const res = await fetch(`${url}/api/${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${token}` }, body: body ? JSON.stringify(body) : undefined });
              return res.json();
            };
            result.list = await api('charge-points?limit=100');
            result.page = await api('charge-points?offset=4&limit=3');
            result.act = await api('charge-points/CP8/fault', { errorCode: 'GroundFailure' });
            await waitFor(() => faults.length > 0, 10_000);
            result.detail = await api('charge-points/CP8');
          } finally {
            child.kill('SIGINT');
          }
        })();
      },
    });
    expect(r.code, describeRun(r)).toBe(105);
    const ids = (x: unknown) => (x as { items: { identity: string }[] }).items.map((i) => i.identity);
    expect((result.list as { total: number }).total, describeRun(r)).toBe(9);
    expect(ids(result.list)).toEqual(['CP1', 'CP2', 'CP3', 'CP4', 'CP5', 'CP6', 'CP7', 'CP8', 'CP9']);
    expect(ids(result.page)).toEqual(['CP5', 'CP6', 'CP7']);
    expect(result.act).toMatchObject({ matched: 1, results: [{ identity: 'CP8', ok: true }] });
    expect(faults).toEqual(['CP8 GroundFailure']);
    expect(result.detail?.connectors[0].status).toBe('Faulted');
    expect(r.stdout).toMatch(/manual +fault 1/);
  });

  it('--processes too small for the open-file limit is a usage error before anything starts', async ({ expect }) => {
    const r = await runCli(['run', '--csms', 'ws://127.0.0.1:9/ocpp', '--count', '25000', '--processes', '1']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/--processes 1: 25000 charge points need 25000 sockets, .*give --processes 2 or more/);
  });
});
