/**
 * `ocpp-sim run --control-port 0`: the run prints where its control API is, announces itself for
 * `ctl`/`mcp` (discovery file, removed at exit), and the manual actions it took are in the report and
 * the summary.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { findRuns } from '../../src/control/discovery.js';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { until } from '../helpers/fleet.js';

const BIN = new URL('../../bin/ocpp-sim.js', import.meta.url).pathname;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('serves the control API while running; manual actions reach the report', async () => {
  const csms: Csms = await startCsms({ heartbeatInterval: 5 });
  cleanups.push(() => csms.close());
  const dir = mkdtempSync(join(tmpdir(), 'ctl-run-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const report = join(dir, 'report.json');
  const child = spawn(process.execPath, [BIN, 'run', '--csms', csms.url, '-n', '2', '-w', '1', '--idle', '3600s-3600s', '--duration', '4s', '--control-port', '0', '--report', report, '-q'], {
    env: { ...process.env, OCPP_SIM_CONTROL_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));

  // The two lines may arrive in separate chunks: wait for the curl line, which comes second.
  await until(() => /curl .*Authorization: Bearer /.test(out), 'the control and curl lines', 10_000);
  const [, url, token] = /Control at (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(out)!;
  expect(findRuns().find((r) => r.pid === child.pid), out).toMatchObject({ url, token });

  await until(() => csms.stats.booted === 2, 'two booted', 8000);
  const res = await fetch(`${url}/api/charge-points/*/fault`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{"errorCode":"GroundFailure"}' });
  expect(await res.json(), out).toMatchObject({ matched: 2 });

  expect(await exited, out).toBe(0);
  const json = JSON.parse(readFileSync(report, 'utf8'));
  expect(json.manualActions).toEqual({ fault: 2 });
  expect(out).toMatch(/manual +fault 2/);
  // Gone with the run.
  expect(findRuns().find((r) => r.pid === child.pid)).toBeUndefined();
}, 30_000);
