/**
 * A verdict CI can trust, through the real binary against hostile CSMSs on loopback (issue #10):
 * transaction messages left undelivered fail the run and are named, an unreachable CSMS fails fast
 * with what to check, late answers are timeouts (not malformed frames), unknown actions are named,
 * and credentials in the CSMS URL never reach the output or the report.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/report.js';
import { startScriptedCsms, type ScriptedCsms, type ScriptedCsmsOptions } from '../helpers/scripted-csms.js';
import { BUILT, describeRun, runCli, waitFor } from './spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-cli-verdict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

const servers: ScriptedCsms[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function csms(opts: ScriptedCsmsOptions): Promise<ScriptedCsms> {
  const s = await startScriptedCsms(opts);
  servers.push(s);
  return s;
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const LIVELY = ['--session', '1s-2s', '--idle', '0.2s-0.5s', '--meter-interval', '1s'];

describe('nothing lost in silence', () => {
  it('a CSMS that closes the socket on every StartTransaction fails the run: undelivered messages are counted and named', async () => {
    const server = await csms({ script: (c) => (c.action === 'StartTransaction' ? 'close' : undefined) });
    const report = join(dir, 'undelivered.json');
    const r = await runCli(['run', '--csms', server.url, '--count', '5', '--duration', '4s', ...LIVELY, '--graceful-stop', '1s', '--quiet', '--report', report], { timeoutMs: 30_000 });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/undelivered\s+\d+ \(.*StartTransaction \d+/);
    expect(r.stdout).toContain('graceful stop ran out');
    expect(r.stdout).toMatch(/FAILED: .*never delivered to the CSMS/);
    const rep = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    expect(rep.undelivered).toBeGreaterThan(0);
    expect(rep.actions['1.6'].StartTransaction.undelivered).toBeGreaterThan(0);
    expect(rep.gracefulStop).toMatchObject({ timeoutMs: 1000, ranOut: true });
    expect(rep.connections.earlyCloses).toBeGreaterThan(0);
  });

  it('a threshold can tolerate undelivered messages', async () => {
    const server = await csms({ script: (c) => (c.action === 'StartTransaction' ? 'close' : undefined) });
    const r = await runCli(['run', '--csms', server.url, '--count', '3', '--duration', '3s', ...LIVELY, '--graceful-stop', '500ms', '--quiet', '--threshold', 'undelivered(*) < 1000'], {
      timeoutMs: 30_000,
    });
    expect(r.stdout).toMatch(/undelivered\s+\d+/);
    expect(r.stdout).not.toMatch(/FAILED: .*never delivered/);
    expect(r.code, describeRun(r)).toBe(0);
  });
});

describe('an unreachable CSMS fails fast', () => {
  it('names the URL and says what to check, long before --duration is up', async () => {
    const port = await closedPort();
    const r = await runCli(['run', '--csms', `ws://127.0.0.1:${port}/ocpp`, '--count', '3', '--duration', '5m', '--give-up-after', '2s', '--quiet'], { timeoutMs: 30_000 });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.ms).toBeLessThan(20_000);
    expect(r.stdout).toContain(`CSMS unreachable: no charge point could connect to ws://127.0.0.1:${port}/ocpp`);
    expect(r.stdout).toContain('ECONNREFUSED');
    expect(r.stdout).toContain('is the CSMS up');
  });

  it('wss:// to a plain ws:// port: the hint says to try ws://', async () => {
    const server = await csms({});
    const r = await runCli(['run', '--csms', server.url.replace('ws://', 'wss://'), '--count', '2', '--duration', '5m', '--give-up-after', '2s', '--quiet'], { timeoutMs: 30_000 });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain('Try ws://');
  });
});

describe('the verdict says what happened', () => {
  it('answers after the call timeout are timeouts with their latency, not malformed frames', async () => {
    const server = await csms({ script: (c) => (c.action === 'DataTransfer' ? { result: { status: 'Accepted' }, delayMs: 1500 } : undefined) });
    const r = await runCli(
      ['run', '--csms', server.url, '--count', '2', '--duration', '4s', '--data-transfer', 'sim', '--call-timeout', '500ms', '--quiet', '--threshold', 'timeouts(*) < 1000', '--threshold', 'errors(*) < 1000'],
      { timeoutMs: 30_000 },
    );
    expect(r.stdout).toContain('answered after their timeout');
    expect(r.stdout).not.toContain('malformed');
    expect(r.code, describeRun(r)).toBe(0);
  });

  it('calls of unknown actions are named, escaped, and fail the run', async () => {
    const server = await csms({});
    const r = await runCli(['run', '--csms', server.url, '--count', '1', '--duration', '4s', '--quiet'], {
      timeoutMs: 30_000,
      onSpawn: () =>
        void waitFor(() => server.calls.some((c) => c.action === 'StatusNotification'), 10_000).then(() => {
          server.send('*', JSON.stringify([2, 'x1', 'MakeCoffee', {}]));
          server.send('*', JSON.stringify([2, 'x2', 'Evil\u001b[31mRed', {}]));
        }),
    });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/unknown\s+.*MakeCoffee ×1/);
    expect(r.stdout).toContain('Evil\\x1b[31mRed');
    expect(r.stdout).not.toContain('\u001b[31mRed');
    expect(r.stdout).toContain('call(s) of unknown actions from the CSMS');
  });

  it('a password in the --csms URL reaches neither the output nor the report', async () => {
    const server = await csms({});
    const report = join(dir, 'redacted.json');
    const url = server.url.replace('ws://', 'ws://CP:sup3r-secret@');
    const r = await runCli(['run', '--csms', url, '--count', '1', '--duration', '2s', '--json-logs', '--report', report], { timeoutMs: 30_000 });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('sup3r-secret');
    expect(readFileSync(report, 'utf8')).not.toContain('sup3r-secret');
    expect((JSON.parse(readFileSync(report, 'utf8')) as RunReport).config.csmsUrl).toContain('CP:***@');
  });
});
