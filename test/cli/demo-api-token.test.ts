/**
 * `ocpp-sim demo` prints a curl line for its embedded CSMS's operator API, with the generated token,
 * and that line works while the demo runs.
 */
import type { ChildProcess } from 'node:child_process';
import { beforeAll, describe, it } from 'vitest';
import { BUILT, describeRun, runCli, waitFor } from './spawn-cli.js';

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

describe('demo: the operator API token', () => {
  it('the printed curl line reaches the running demo\'s charge points', async ({ expect }) => {
    let child: ChildProcess | undefined;
    const done = runCli(['demo', '--duration', '6s', '--count', '2', '--quiet'], {
      timeoutMs: 60_000,
      onSpawn: (c) => (child = c),
      env: { OCPP_SIM_API_TOKEN: undefined },
    });
    let out = '';
    child!.stdout!.on('data', (d: string) => (out += d));
    const line = /curl -H "Authorization: (Bearer [A-Za-z0-9_-]{43})" (http:\/\/127\.0\.0\.1:\d+\/api\/charge-points)$/m;
    await waitFor(() => line.test(out), 30_000);
    const [, authorization, url] = line.exec(out) ?? [];
    expect(url, out).toBeDefined();
    // Two charge points ramp up over 2 s: ask until both are listed.
    let listed: { identity: string }[] = [];
    for (let i = 0; i < 100 && listed.length < 2; i++) {
      const res = await fetch(url, { headers: { authorization } });
      expect(res.status).toBe(200);
      listed = (await res.json()) as { identity: string }[];
      if (listed.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed.map((c) => c.identity).sort()).toEqual(['CP1', 'CP2']);
    expect((await fetch(url)).status).toBe(401);
    const r = await done;
    expect(r.code, describeRun(r)).toBe(0);
  });
});
