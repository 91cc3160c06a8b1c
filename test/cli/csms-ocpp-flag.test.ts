/**
 * `ocpp-sim csms --ocpp LIST` through the real binary: the versions it speaks (both by default), a
 * bad list is one line on stderr and exit 2, and a restricted CSMS refuses the other version's
 * clients at the handshake.
 */
import { beforeAll, describe, it } from 'vitest';
import { BUILT, csmsProcess, describeRun, handshake, runCli } from './spawn-cli.js';

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

describe('csms --ocpp', () => {
  it('default: both versions, the client order decides', async ({ expect }) => {
    const csms = await csmsProcess([]);
    try {
      expect(csms.stdout()).toContain('ocpp-sim CSMS (OCPP 1.6 and 2.0.1): charge points connect to');
      expect(csms.stdout()).toContain('with subprotocol ocpp1.6 or ocpp2.0.1');
      expect((await handshake(csms.url, 'CP001', ['ocpp2.0.1', 'ocpp1.6'])).protocol).toBe('ocpp2.0.1');
      expect((await handshake(csms.url, 'CP001', ['ocpp1.6', 'ocpp2.0.1'])).protocol).toBe('ocpp1.6');
    } finally {
      expect((await csms.stop()).code).toBe(0);
    }
  });

  it('--ocpp 2.0.1: a 1.6-only client is refused with 400', async ({ expect }) => {
    const csms = await csmsProcess(['--ocpp', '2.0.1']);
    try {
      expect(csms.stdout()).toContain('ocpp-sim CSMS (OCPP 2.0.1): charge points connect to');
      expect((await handshake(csms.url, 'CP001', ['ocpp1.6'])).status).toBe(400);
      expect((await handshake(csms.url, 'CP001', ['ocpp1.6', 'ocpp2.0.1'])).protocol).toBe('ocpp2.0.1');
    } finally {
      expect((await csms.stop()).code).toBe(0);
    }
  });

  it('--ocpp ocpp1.6 (subprotocol spelling): a 2.0.1-only client is refused with 400', async ({ expect }) => {
    const csms = await csmsProcess(['--ocpp', 'ocpp1.6']);
    try {
      expect((await handshake(csms.url, 'CP001', ['ocpp2.0.1'])).status).toBe(400);
      expect((await handshake(csms.url, 'CP001', ['ocpp2.0.1', 'ocpp1.6'])).protocol).toBe('ocpp1.6');
    } finally {
      expect((await csms.stop()).code).toBe(0);
    }
  });

  const bad: [string, string[], RegExp][] = [
    ['an unknown version', ['--ocpp', '1.5'], /^ocpp-sim: --ocpp must be a comma-separated list of OCPP versions from 1\.6, 2\.0\.1, not '1\.5'$/],
    ['an empty item', ['--ocpp', '1.6,'], /^ocpp-sim: --ocpp must be a comma-separated list of OCPP versions from 1\.6, 2\.0\.1, not '1\.6,'$/],
    ['2.1', ['--ocpp', '2.0.1,2.1'], /not '2\.0\.1,2\.1'$/],
    ['given twice', ['--ocpp', '1.6', '--ocpp', '2.0.1'], /^ocpp-sim: --ocpp is given 2 times; give it once/],
  ];
  for (const [name, args, message] of bad) {
    it(`${name}: exit 2, one line`, async ({ expect }) => {
      const r = await runCli(['csms', '--port', '0', ...args]);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr.trim().split('\n'), describeRun(r)).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }
});
