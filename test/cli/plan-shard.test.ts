/**
 * `ocpp-sim run plan.yaml --shard i/n`: every fleet of the plan sliced the same way, so the pods of a
 * Kubernetes Indexed Job (deploy/kubernetes/) share one plan. Real processes against one embedded CSMS.
 */
import { beforeAll, describe, it } from 'vitest';
import { csmsPerTest } from '../helpers/csms-per-test.js';
import { BUILT, describeRun, runCli, summaryBooted } from './spawn-cli.js';

const csmsFor = csmsPerTest();
const PLAN = 'test/fixtures/plans/two-fleets.yaml'; // A-1, A-2 (generic-16-ac), then D-3 (generic-16-dc)

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

describe.concurrent('ocpp-sim run plan.yaml --shard', () => {
  it('the slices 1/2 and 2/2 of a plan boot every identity of it exactly once', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const boots = new Map<string, number>();
    csms.onRequest = (identity, action) => {
      if (action === 'BootNotification') boots.set(identity, (boots.get(identity) ?? 0) + 1);
      return undefined;
    };
    const shard = (s: string) => runCli(['run', PLAN, '--csms', csms.url, '--shard', s, '--duration', '2s', '--idle', '60s', '--quiet', '--workers', '0']);
    // Concurrently, as the Job's pods run: a shared identity would show as a second boot.
    const [a, b] = await Promise.all([shard('1/2'), shard('2/2')]);
    expect(a.code, describeRun(a)).toBe(0);
    expect(b.code, describeRun(b)).toBe(0);
    // Positions p mod 2 of each fleet: A-1 and D-3 (position 0 of its fleet) in slice 1, A-2 in slice 2.
    expect(summaryBooted(a.stdout)).toEqual({ booted: 2, total: 2 });
    expect(summaryBooted(b.stdout)).toEqual({ booted: 1, total: 1 });
    expect([...boots.keys()].sort()).toEqual(['A-1', 'A-2', 'D-3']);
    expect([...boots.values()].every((n) => n === 1), JSON.stringify([...boots])).toBe(true);
  });

  it('a slice no fleet reaches is a usage error naming the plan, before any socket opens', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const r = await runCli(['run', PLAN, '--csms', csms.url, '--shard', '3/4', '--duration', '2s', '--quiet', '--workers', '0']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/--shard '3\/4': no fleet of .*two-fleets\.yaml has a charge point in slice 3 of 4/);
    expect(csms.stats.boots).toBe(0);
  });
});
