/**
 * Run plans through the real binary: two fleets in one run against an embedded CSMS (one summary,
 * one verdict, per-fleet identities), and `validate` of a bad plan.
 */
import { afterEach, beforeAll, describe, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { BUILT, describeRun, runCli, summaryBooted } from './spawn-cli.js';

let csms: Csms | undefined;

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

afterEach(async () => {
  await csms?.close();
  csms = undefined;
});

describe('ocpp-sim run plan.yaml', () => {
  it('runs every fleet of the plan at once, flags over the plan', async ({ expect }) => {
    csms = await startCsms({ port: 0, heartbeatInterval: 1 });
    const booted = new Set<string>();
    csms.onRequest = (id, action) => {
      if (action === 'BootNotification') booted.add(id);
      return undefined;
    };
    // The plan says 10m; --duration 3s wins. The plan has no csms: --csms gives it.
    const r = await runCli(['run', 'test/fixtures/plans/two-fleets.yaml', '--csms', csms.url, '--duration', '3s', '--quiet'], { timeoutMs: 30_000 });
    expect(r.code, describeRun(r)).toBe(0);
    expect(summaryBooted(r.stdout), describeRun(r)).toEqual({ booted: 3, total: 3 });
    expect(r.stdout).toMatch(/3\/3 booted/);
    // The second fleet's numbers follow the first's; the width is per fleet: identityWidth(3, 1) = 1.
    expect([...booted].sort()).toEqual(['A-1', 'A-2', 'D-3']);
    expect(r.ms).toBeLessThan(25_000);
  });

  // Both fleets once started at n = 1 and presented the same TAG0001-1: a real CSMS answers the second ConcurrentTx.
  it('fleets present different idTags: their numbers n follow one another', async ({ expect }) => {
    csms = await startCsms({ port: 0, heartbeatInterval: 60 });
    const presentedBy = new Map<string, Set<string>>();
    csms.onRequest = (id, action, payload: { idTag?: string }) => {
      if (action === 'Authorize') presentedBy.set(payload.idTag!, (presentedBy.get(payload.idTag!) ?? new Set()).add(id));
      return undefined;
    };
    const r = await runCli(['run', 'test/fixtures/plans/tags-per-fleet.yaml', '--csms', csms.url, '--duration', '3s', '--quiet'], { timeoutMs: 30_000 });
    expect(r.code, describeRun(r)).toBe(0);
    // 2 fleets × 2 charge points × 2 connectors, each its own tag from one charge point.
    const byTag = Object.fromEntries([...presentedBy].sort(([a], [b]) => a.localeCompare(b)).map(([tag, ids]) => [tag, [...ids]]));
    expect(byTag, describeRun(r)).toEqual({
      'TAG0001-1': ['AC-1'],
      'TAG0001-2': ['AC-1'],
      'TAG0002-1': ['AC-2'],
      'TAG0002-2': ['AC-2'],
      'TAG0003-1': ['DC-3'],
      'TAG0003-2': ['DC-3'],
      'TAG0004-1': ['DC-4'],
      'TAG0004-2': ['DC-4'],
    });
  });

  it('without a CSMS in the plan or on the command line, exits 2 naming the plan', async ({ expect }) => {
    const r = await runCli(['run', 'test/fixtures/plans/two-fleets.yaml', '--duration', '1s']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/two-fleets\.yaml:1:1: csms: no CSMS/);
  });
});

describe('ocpp-sim validate plan.yaml', () => {
  it('reports an invalid plan with file:line:col and exits 2', async ({ expect }) => {
    const r = await runCli(['validate', 'test/fixtures/plans/unknown-profile.yaml', 'test/fixtures/plans/good.yaml']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toContain(
      "test/fixtures/plans/unknown-profile.yaml:7:14: fleets[1].profile: unknown profile 'abb-terra-55' (did you mean 'abb-terra-54'?)",
    );
    expect(r.stdout).toMatch(/✓ test\/fixtures\/plans\/good\.yaml/);
  });

  it('refuses fleets whose identities overlap, at the line of the fleet that overlaps', async ({ expect }) => {
    const r = await runCli(['validate', 'test/fixtures/plans/overlapping-identities.yaml']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toContain(
      "test/fixtures/plans/overlapping-identities.yaml:10:14: fleets[1].idStart: identities CP11…CP15 overlap fleets[0]'s CP01…CP20 (both have CP11); give this fleet another idPrefix or idStart",
    );
  });

  it('run refuses the same plan before opening a socket', async ({ expect }) => {
    const r = await runCli(['run', 'test/fixtures/plans/unknown-profile.yaml', '--duration', '1s']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/unknown-profile\.yaml:7:14: fleets\[1\]\.profile: unknown profile 'abb-terra-55'/);
  });
});
