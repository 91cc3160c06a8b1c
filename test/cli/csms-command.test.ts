/**
 * `ocpp-sim csms` through the real binary: bad flags and a port that cannot be bound are one line on
 * stderr and exit 2 (never a stack trace).
 */
import { createServer, type Server } from 'node:net';
import { beforeAll, describe, it } from 'vitest';
import { BUILT, describeRun, runCli } from './spawn-cli.js';

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
