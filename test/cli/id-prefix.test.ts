/**
 * `run --id-prefix` makes identities by the OCPP rule (OCPP 2.0.1 Part 4 §3.1.1, util/identity.ts):
 * one that cannot is a usage error before any socket opens, and the message shows it escaped.
 */
import { beforeAll, describe, it } from 'vitest';
import { BUILT, describeRun, runCli } from './spawn-cli.js';

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

describe('run --id-prefix', () => {
  const cases: { name: string; prefix: string; count: string; message: string }[] = [
    { name: 'a space', prefix: 'CP ', count: '2', message: "id prefix 'CP ': identity 'CP 2' has the character U+0020" },
    { name: 'a path', prefix: '../', count: '2', message: "identity '../2' has the character '/' U+002F" },
    { name: 'a terminal escape', prefix: 'CP\u001b[31m', count: '2', message: "identity 'CP\\x1b[31m2' has the character U+001B" },
    // 39 characters of prefix and at most 9 digits of n keep every identity within the rule's 48.
    { name: 'too long', prefix: 'x'.repeat(47), count: '10', message: '--id-prefix must be at most 39 characters' },
  ];
  for (const c of cases) {
    it(c.name, async ({ expect }) => {
      const r = await runCli(['run', '--csms', 'ws://127.0.0.1:9/ocpp', '--id-prefix', c.prefix, '--count', c.count, '--duration', '1s']);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr.trim().split('\n'), describeRun(r)).toHaveLength(1);
      expect(r.stderr).toContain(c.message);
      expect(r.stderr).not.toMatch(/\u001b/);
    });
  }
});
