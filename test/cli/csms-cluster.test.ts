/**
 * `ocpp-sim csms --processes 2` through the real binary, with a real fleet on loopback: connections
 * spread over both processes, the operator API (served by whichever process an HTTP request lands
 * on) sees all of them, a call reaches an identity wherever it is connected, `*` reaches every one,
 * a killed process is restarted, and SIGTERM stops every process.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { WebSocket } from 'ws';
import { CLOSE_REPLACED } from '../../src/csms/server.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { createServer } from 'node:net';
import { BIN, BUILT, describeRun, runCli } from './spawn-cli.js';

const TOKEN = 'cluster-test-token-0123456789';
const COUNT = 200;

let csms: ChildProcess;
let out = '';
let url = '';
let fleet: Fleet;

/** The processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const base = url.replace(/^ws/, 'http').replace(/\/ocpp$/, '');
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

beforeAll(async () => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
  csms = spawn(process.execPath, [BIN, 'csms', '--processes', '2', '--port', '0', '--quiet', '--api-token', TOKEN, '--heartbeat-interval', '2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OCPP_SIM_API_TOKEN: undefined },
  });
  csms.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  csms.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  await until(() => /^listening \S+$/m.test(out), 'the listening line', 15_000);
  url = /^listening (\S+)$/m.exec(out)![1];
  // Long idle times: the charge points stay connected and idle, so the counts are stable.
  fleet = startTestFleet(url, { count: COUNT, driver: { ...DEFAULT_DRIVER, idleMinS: 600, idleMaxS: 600 } });
}, 30_000);

/** GET /api/stats until `check` holds (a 503 while a process restarts counts as not yet). */
async function statsUntil(check: (stats: any) => boolean, what: string, timeoutMs = 15_000): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await api('GET', '/api/stats');
    if (r.status === 200 && check(r.json)) return r.json;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(r.json).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterAll(async () => {
  await fleet?.stop();
  if (csms.exitCode === null) csms.kill('SIGKILL');
});

describe('csms --processes 2', () => {
  it('prints one listening line with --quiet and runs two worker processes', () => {
    expect(out.trim().split('\n')).toEqual([`listening ${url}`]);
    expect(childrenOf(csms.pid!)).toHaveLength(2);
  });

  it('/api/stats and /api/charge-points count every charge point, whichever process holds it', async () => {
    const stats = await statsUntil((s) => s.booted === COUNT, `${COUNT} booted`);
    expect(stats.connections.current).toBe(COUNT);
    expect(stats.boots).toBe(COUNT);
    expect(stats.protocols['ocpp1.6'].current).toBe(COUNT);
    const list = await api('GET', '/api/charge-points');
    expect(list.status).toBe(200);
    const ids = list.json.map((cp: { identity: string }) => cp.identity);
    expect(new Set(ids).size).toBe(COUNT);
    expect(ids).toContain('TEST001');
    expect(ids).toContain(`TEST${COUNT}`);
  }, 30_000);

  it('a call reaches its identity wherever it is; an unknown identity is 404', async () => {
    // Round-robin hands consecutive connections to alternate processes: ten identities span both.
    for (let i = 1; i <= 10; i++) {
      const id = `TEST${String(i).padStart(3, '0')}`;
      const r = await api('POST', `/api/charge-points/${id}/GetConfiguration`, { key: ['HeartbeatInterval'] });
      expect(r.status, id).toBe(200);
      expect(r.json.result.configurationKey[0].key).toBe('HeartbeatInterval');
    }
    const unknown = await api('POST', '/api/charge-points/NOPE42/GetConfiguration', {});
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('UnknownIdentity');
    const stats = (await api('GET', '/api/stats')).json;
    expect(stats.callsSent).toBe(10);
    expect(stats.callResults).toBe(10);
  }, 20_000);

  it('* reaches every charge point of every process', async () => {
    const r = await api('POST', '/api/charge-points/*/GetConfiguration', { key: ['HeartbeatInterval'] });
    expect(r.status).toBe(200);
    expect(r.json.ok).toBe(COUNT);
    expect(r.json.failed).toBe(0);
    expect(Object.keys(r.json.results)).toHaveLength(COUNT);
  }, 20_000);

  it('2.0.1 stations too: a 2.0.1 call reaches one, `*` merges what each process skipped', async () => {
    const profile: StationProfile = { ...DEFAULT_PROFILE, name: 'test-201', ocppVersions: ['2.0.1'] };
    const fleet201 = startTestFleet(url, { count: 10, idPrefix: 'V2-', profile, driver: { ...DEFAULT_DRIVER, idleMinS: 600, idleMaxS: 600 } });
    try {
      await statsUntil((s) => s.protocols['ocpp2.0.1'].booted === 10, 'ten 2.0.1 stations booted');
      const request = { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] };
      for (const id of ['V2-001', 'V2-002', 'V2-003']) {
        const r = await api('POST', `/api/charge-points/${id}/GetVariables`, request);
        expect(r.status, id).toBe(200);
        expect(r.json.result.getVariableResult[0].attributeStatus).toBe('Accepted');
      }
      const all = await api('POST', '/api/charge-points/*/GetVariables', request);
      expect(all.json.ok).toBe(10);
      expect(all.json.skipped['ocpp1.6'].chargePoints).toBe(COUNT);
    } finally {
      await fleet201.stop();
    }
    await statsUntil((s) => s.connections.current === COUNT, 'the 2.0.1 stations gone');
  }, 30_000);

  it('the guard still holds: no token is 401', async () => {
    const res = await fetch(`${url.replace(/^ws/, 'http').replace(/\/ocpp$/, '')}/api/stats`);
    expect(res.status).toBe(401);
  });

  it('a killed process is reported and restarted; its charge points reconnect and the API sees them all again', async () => {
    const [victim] = childrenOf(csms.pid!);
    process.kill(victim, 'SIGKILL');
    await until(() => /process \d \(pid \d+\) exited with signal SIGKILL; .*restarting it/.test(out), 'the restart report', 5000);
    await until(() => childrenOf(csms.pid!).length === 2 && !childrenOf(csms.pid!).includes(victim), 'a new process', 10_000);
    // A 1.6 charge point sends no new BootNotification after a reconnect (OCPP-J §5.4): booted all
    // the same, from the registration the primary kept of its boot on the process that died.
    const stats = await statsUntil((s) => s.connections.current === COUNT && s.booted === COUNT, `${COUNT} reconnected and booted`);
    // The dead process's boots are gone with its counters; the live one's remain, and nobody booted again.
    expect(stats.boots).toBeLessThan(COUNT);
    const r = await api('POST', '/api/charge-points/*/GetConfiguration', { key: ['HeartbeatInterval'] });
    expect(r.json.ok).toBe(COUNT);
  }, 30_000);

  it('a newer connection of an identity replaces the older one on whichever process it is', async () => {
    const closes: number[] = [];
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const ws = new WebSocket(`${url}/DUP1`, ['ocpp1.6']);
      ws.on('close', (code) => closes.push(code));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      sockets.push(ws);
    }
    await until(() => closes.length === 2, 'the two older connections closed', 5000);
    expect(closes).toEqual([CLOSE_REPLACED, CLOSE_REPLACED]);
    // The newest stays, even when the process holding it is slower to say so (server.ts: kAcceptedTick).
    expect(sockets.map((ws) => ws.readyState)).toEqual([WebSocket.CLOSED, WebSocket.CLOSED, WebSocket.OPEN]);
    const stats = await statsUntil((s) => s.connections.current === COUNT + 1, 'one DUP1 connection');
    expect(stats.connections.replaced).toBe(2);
    sockets[2].close();
    // The closing handshake needs the CSMS process's answer: generous under a loaded CI machine.
    await until(() => closes.length === 3, 'the newest connection closed', 15_000);
    await statsUntil((s) => s.connections.current === COUNT, `DUP1 gone (closes ${closes})`, 5000).catch(async (e) => {
      const list = (await api('GET', '/api/charge-points')).json.filter((cp: any) => !/^TEST\d{3}$/.test(cp.identity));
      throw new Error(`${e.message} ${JSON.stringify(list)}`);
    });
  }, 40_000);

  it('SIGTERM stops every process, leaving no orphan, exit 0', async () => {
    await fleet.stop();
    const workers = childrenOf(csms.pid!);
    expect(workers).toHaveLength(2);
    const exited = new Promise<number | null>((resolve) => csms.once('exit', (code) => resolve(code)));
    csms.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until(() => workers.every((pid) => !alive(pid)), 'the workers to exit', 5000);
  }, 20_000);
});

describe('csms --processes 2: start failures and a lost primary', () => {
  it('--processes outside 1..64 is a usage error', async () => {
    const r = await runCli(['csms', '--processes', '0'], { timeoutMs: 20_000 });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr.trim()).toBe("ocpp-sim: --processes must be a whole number from 1 to 64, not '0'");
  }, 30_000);

  it('a port in use is one line on stderr and exit 2', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = await runCli(['csms', '--processes', '2', '--port', String(port), '--quiet'], { timeoutMs: 20_000 });
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr.trim()).toBe(`ocpp-sim: port ${port} is in use on 127.0.0.1`);
    } finally {
      holder.close();
    }
  }, 30_000);

  it('workers whose primary is killed close and exit by themselves', async () => {
    const p = spawn(process.execPath, [BIN, 'csms', '--processes', '2', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
    await until(() => /^listening /m.test(text), 'the listening line', 15_000);
    const workers = childrenOf(p.pid!);
    expect(workers).toHaveLength(2);
    p.kill('SIGKILL');
    await until(() => workers.every((pid) => !alive(pid)), 'the orphaned workers to exit', 5000);
  }, 30_000);
});
