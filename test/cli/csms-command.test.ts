/**
 * `ocpp-sim csms` through the real binary: bad flags and a port that cannot be bound are one line on
 * stderr and exit 2 (never a stack trace); per-identity credentials from --passwords.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { BUILT, csmsProcess, describeRun, handshake, runCli } from './spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-cli-csms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

/** A plain TCP server holding a loopback port, so the CSMS finds it in use. */
async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('csms: usage and environment errors exit 2 with one line', () => {
  const cases: { name: string; args: string[]; message: RegExp }[] = [
    { name: '--port abc', args: ['--port', 'abc'], message: /^ocpp-sim: --port must be a whole number from 0 to 65535, not 'abc'$/ },
    { name: '--port -1', args: ['--port=-1'], message: /^ocpp-sim: --port must be a whole number from 0 to 65535, not '-1'$/ },
    { name: '--port 65536', args: ['--port', '65536'], message: /^ocpp-sim: --port must be a whole number from 0 to 65535, not '65536'$/ },
    { name: '--port 1.5', args: ['--port', '1.5'], message: /--port must be a whole number/ },
    { name: '--heartbeat-interval abc', args: ['--heartbeat-interval', 'abc'], message: /^ocpp-sim: --heartbeat-interval must be a whole number of seconds from 1 to 2147483647, not 'abc'$/ },
    { name: '--heartbeat-interval 0.5', args: ['--heartbeat-interval', '0.5'], message: /--heartbeat-interval must be a whole number/ },
    { name: '--price-per-kwh -1', args: ['--price-per-kwh=-1'], message: /^ocpp-sim: --price-per-kwh must be a price of 0 or more, e\.g\. 0\.35, not '-1'$/ },
    { name: 'an empty --host', args: ['--host', ''], message: /^ocpp-sim: --host must name an interface/ },
  ];
  for (const c of cases) {
    it(c.name, async ({ expect }) => {
      const r = await runCli(['csms', ...c.args]);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr.trim().split('\n'), describeRun(r)).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(c.message);
      expect(r.stdout).toBe('');
    });
  }

  it('a port in use: "port N is in use on HOST"', async ({ expect }) => {
    const { port, server } = await occupiedPort();
    try {
      const r = await runCli(['csms', '--port', String(port), '--host', '127.0.0.1']);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr.trim(), describeRun(r)).toBe(`ocpp-sim: port ${port} is in use on 127.0.0.1`);
      expect(r.stdout).toBe('');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an address that is not this machine\'s', async ({ expect }) => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a local interface.
    const r = await runCli(['csms', '--port', '0', '--host', '192.0.2.1']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr.trim(), describeRun(r)).toBe('ocpp-sim: 192.0.2.1 is not an address of this machine');
  });
});

describe('csms --passwords / --password (security profile 1)', () => {
  it('per-identity passwords from a file: the right one connects, a wrong or missing one is 401', async ({ expect }) => {
    const passwords = file('creds.txt', '# identity,password\nCP001,correct-horse-battery\nCP002,another-secret,with-comma\n');
    const csms = await csmsProcess(['--passwords', passwords]);
    try {
      expect((await handshake(csms.url, 'CP001', ['ocpp1.6'], 'correct-horse-battery')).status).toBe(101);
      expect((await handshake(csms.url, 'CP002', ['ocpp1.6'], 'another-secret,with-comma')).status).toBe(101);
      expect((await handshake(csms.url, 'CP001', ['ocpp1.6'], 'wrong')).status).toBe(401);
      expect((await handshake(csms.url, 'CP001', ['ocpp1.6'])).status).toBe(401);
      expect((await handshake(csms.url, 'CP003', ['ocpp1.6'], 'correct-horse-battery')).status).toBe(401); // not listed, no --password
    } finally {
      const r = await csms.stop();
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).toContain(`HTTP Basic auth: 2 identities from ${passwords}, no others`);
      expect(r.stdout).not.toContain('correct-horse-battery');
    }
  });

  it('--passwords JSON with --password for the others', async ({ expect }) => {
    const passwords = file('creds.json', '{"CP001": "correct-horse-battery"}');
    const csms = await csmsProcess(['--passwords', passwords, '--password', 'fleet-password-1']);
    try {
      expect((await handshake(csms.url, 'CP001', ['ocpp1.6'], 'correct-horse-battery')).status).toBe(101);
      expect((await handshake(csms.url, 'CP001', ['ocpp1.6'], 'fleet-password-1')).status).toBe(401);
      expect((await handshake(csms.url, 'CP777', ['ocpp1.6'], 'fleet-password-1')).status).toBe(101);
    } finally {
      const r = await csms.stop();
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout).not.toMatch(/correct-horse-battery|fleet-password-1/);
    }
  });

  it('without credentials the start-up lines say that anyone may connect as any identity', async ({ expect }) => {
    const csms = await csmsProcess([]);
    const r = await csms.stop();
    expect(r.stdout).toContain('no authentication: any client may connect as any identity');
  });

  const bad: { name: string; text: string; message: RegExp }[] = [
    { name: 'a line without a comma', text: 'CP001\n', message: /:1: expected "<identity>,<password>"$/ },
    { name: 'an identity outside the rule', text: 'CP 1,secret\n', message: /:1: identity 'CP 1' has the character U\+0020/ },
    { name: 'an empty password', text: 'CP001,\n', message: /:1: the password of CP001 must be a non-empty string$/ },
    { name: 'invalid JSON, without quoting the file', text: '{"CP001": "s3cret-value",}', message: /:1:\d+: not valid JSON$/ },
    { name: 'a JSON password that is not a string', text: '{"CP001": 5}', message: /: the password of CP001 must be a non-empty string$/ },
  ];
  bad.forEach((c, i) => {
    it(`a bad passwords file: ${c.name} (exit 2, one line)`, async ({ expect }) => {
      const path = file(`creds-bad-${i}`, c.text);
      const r = await runCli(['csms', '--port', '0', '--passwords', path]);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr.trim().split('\n'), describeRun(r)).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(new RegExp(`^ocpp-sim: --passwords ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(r.stderr.trim()).toMatch(c.message);
      expect(r.stderr).not.toContain('s3cret-value');
    });
  });

  it('a missing passwords file and an empty --password (exit 2)', async ({ expect }) => {
    const missing = await runCli(['csms', '--passwords', join(dir, 'nope.txt')]);
    expect(missing.code, describeRun(missing)).toBe(2);
    expect(missing.stderr.trim()).toBe(`ocpp-sim: --passwords ${join(dir, 'nope.txt')}: no such file`);
    const empty = await runCli(['csms', '--password', '']);
    expect(empty.code, describeRun(empty)).toBe(2);
    expect(empty.stderr.trim()).toBe('ocpp-sim: --password must not be empty');
  });
});

describe('csms: the operator API token', () => {
  /** GET /api/stats with `authorization` (none when undefined): the HTTP status. */
  async function stats(url: string, authorization?: string): Promise<number> {
    const api = url.replace(/^ws/, 'http').replace(/\/ocpp$/, '/api/stats');
    return (await fetch(api, { headers: authorization === undefined ? {} : { authorization } })).status;
  }

  it('generated: printed once with a ready-to-paste curl line that works; 401 without it', async ({ expect }) => {
    const csms = await csmsProcess([]);
    try {
      const token = /^operator API token: (\S+)$/m.exec(csms.stdout())?.[1];
      expect(token, csms.stdout()).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(csms.stdout().split(token!).length - 1, 'the token line and the curl example').toBe(2);
      const curl = /curl -X POST -H "Authorization: (Bearer \S+)"/.exec(csms.stdout());
      expect(curl?.[1]).toBe(`Bearer ${token}`);
      expect(await stats(csms.url, `Bearer ${token}`)).toBe(200);
      expect(await stats(csms.url)).toBe(401);
      expect(await stats(csms.url, 'Bearer not-the-token-0123456789')).toBe(401);
    } finally {
      expect((await csms.stop()).code).toBe(0);
    }
  });

  it('generated with --quiet: the listening line, then the token line, nothing else', async ({ expect }) => {
    const csms = await csmsProcess(['--quiet']);
    const r = await csms.stop();
    const lines = r.stdout.trim().split('\n');
    expect(lines, r.stdout).toHaveLength(2);
    expect(lines[0]).toMatch(/^listening ws:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    expect(lines[1]).toMatch(/^operator API token: [A-Za-z0-9_-]{43}$/);
  });

  it('from OCPP_SIM_API_TOKEN: used and never printed; the example names the variable', async ({ expect }) => {
    const secret = 'env-token-abcdefghijklmnop';
    const csms = await csmsProcess([], { OCPP_SIM_API_TOKEN: secret });
    try {
      expect(await stats(csms.url, `Bearer ${secret}`)).toBe(200);
      expect(csms.stdout()).not.toContain(secret);
      expect(csms.stdout()).not.toContain('operator API token:');
      expect(csms.stdout()).toContain('-H "Authorization: Bearer $OCPP_SIM_API_TOKEN"');
    } finally {
      await csms.stop();
    }
  });

  it('--api-token wins over the environment, and is never printed', async ({ expect }) => {
    const secret = 'flag-token-abcdefghijklmnop';
    const csms = await csmsProcess(['--api-token', secret], { OCPP_SIM_API_TOKEN: 'env-token-abcdefghijklmnop' });
    try {
      expect(await stats(csms.url, `Bearer ${secret}`)).toBe(200);
      expect(await stats(csms.url, 'Bearer env-token-abcdefghijklmnop')).toBe(401);
      expect(csms.stdout()).not.toContain(secret);
    } finally {
      await csms.stop();
    }
  });

  it('a token that cannot be used: exit 2, one line, not echoed', async ({ expect }) => {
    const flag = await runCli(['csms', '--port', '0', '--api-token', 'short']);
    expect(flag.code, describeRun(flag)).toBe(2);
    expect(flag.stderr.trim()).toBe('ocpp-sim: --api-token must be 16 to 256 characters of A-Z a-z 0-9 - . _ ~ + / (RFC 6750 b64token)');
    const env = await runCli(['csms', '--port', '0'], { env: { OCPP_SIM_API_TOKEN: 'has spaces in the token' } });
    expect(env.code, describeRun(env)).toBe(2);
    expect(env.stderr.trim()).toMatch(/^ocpp-sim: OCPP_SIM_API_TOKEN must be 16 to 256 characters/);
    expect(env.stderr).not.toContain('has spaces');
  });
});
