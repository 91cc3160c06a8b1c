/** Run plans: loading and checking plan files, and the precedence of defaults, plan and flags. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { checkPlanFile, loadPlan } from '../../src/plan/plan.js';
import { describeRange, fleetStarts, sharedIdentity } from '../../src/plan/identities.js';
import { conflictingFlags, explicitFlags, planArgs, withPrecedence } from '../../src/plan/precedence.js';
import { shareWorkers, startFleet } from '../../src/scheduler/fleet.js';
import { testFleetConfig } from '../helpers/fleet.js';
import { validateFiles } from '../../src/cli/validate.js';
import { SIMULATED_VERSIONS } from '../../src/versions.js';

const FIX = 'test/fixtures/plans';

describe('loadPlan', () => {
  it('loads a good plan: settings under the flag names, fleets with resolved profiles', () => {
    const plan = loadPlan(`${FIX}/good.yaml`);
    expect(plan.description).toBe('Mixed depot and street fleet');
    expect(plan.settings).toMatchObject({ csms: 'ws://localhost:9000/ocpp', password: 'secret', 'ramp-up': '50/s', duration: '10m', seed: 42, workers: 2 });
    // The second fleet's numbers follow the first's: DC-01…DC-20, then AC-021…AC-120.
    expect(plan.fleets.map((f) => [f.idPrefix, f.count, f.idStart])).toEqual([
      ['DC-', 20, 1],
      ['AC-', 100, 21],
    ]);
    expect(plan.fleets[0].profile).toMatch(/profiles\/abb-terra-54\.yaml$/);
    expect(plan.fleets[0].scenario).toMatch(/scenarios\/charging-session\.yaml$/);
    expect(plan.fleets[1].scenario).toBeUndefined();
    expect(checkPlanFile(`${FIX}/good.yaml`)).toEqual([]);
  });

  it('reports an unknown key with a suggestion and its position', () => {
    const issues = checkPlanFile(`${FIX}/unknown-key.yaml`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 7, col: 5, field: 'fleets[0].senario' });
    expect(issues[0].message).toBe("unknown key 'senario' (did you mean 'scenario'?)");
  });

  it("reports an unknown profile name at the plan's line and column", () => {
    const issues = checkPlanFile(`${FIX}/unknown-profile.yaml`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: `${FIX}/unknown-profile.yaml`, line: 7, col: 14, field: 'fleets[1].profile' });
    expect(issues[0].message).toMatch(/^unknown profile 'abb-terra-55' \(did you mean 'abb-terra-54'\?\)/);
    expect(() => loadPlan(`${FIX}/unknown-profile.yaml`)).toThrow(ConfigError);
  });

  it('refuses fleets whose identities overlap, at the later fleet\'s idStart', () => {
    const issues = checkPlanFile(`${FIX}/overlapping-identities.yaml`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 10, col: 14, field: 'fleets[1].idStart' });
    expect(issues[0].message).toBe("identities CP11…CP15 overlap fleets[0]'s CP01…CP20 (both have CP11); give this fleet another idPrefix or idStart");
  });

  it("checks each fleet's scenario for the OCPP version of its profile, at the scenario's lines (issue #11)", () => {
    const issues = checkPlanFile(`${FIX}/scenario-wrong-version.yaml`);
    expect(issues.map((i) => [i.file.replace(/.*\/test\/fixtures\//, ''), i.line, i.col, i.field])).toEqual([
      ['scenarios/ocpp-201-only.yaml', 2, 7, 'ocpp'],
      ['scenarios/ocpp-201-steps.yaml', 5, 20, 'steps[1].expect.call'],
      ['scenarios/ocpp-201-steps.yaml', 7, 15, 'steps[2].send.action'],
    ]);
    expect(issues[0].message).toMatch(/^this scenario is written for OCPP 2\.0\.1 only, and profile generic-16-ac \(fleets\[0\]\) speaks OCPP 1\.6: /);
    expect(issues[1].message).toMatch(/^GetTransactionStatus is an OCPP 2\.0\.1 call with no 1\.6 equivalent, and profile generic-16-dc \(fleets\[1\]\) speaks OCPP 1\.6/);
    expect(() => loadPlan(`${FIX}/scenario-wrong-version.yaml`)).toThrow(ConfigError);
  });

  it('takes the profiles whose version is simulated (src/versions.ts), and refuses the others at the fleet', () => {
    const issues = checkPlanFile(`${FIX}/unsupported-version.yaml`);
    if (SIMULATED_VERSIONS.includes('2.0.1')) {
      expect(issues).toEqual([]); // and charging-session suits 2.0.1
    } else {
      expect(issues.map((i) => [i.line, i.col, i.field])).toEqual([[5, 14, 'fleets[0].profile']]);
      expect(issues[0].message).toBe(`profile generic-201-ac speaks OCPP 2.0.1; ocpp-sim simulates OCPP ${SIMULATED_VERSIONS.join(' and ')}`);
    }
  });

  it('validate recognises plans by their fleets: key', () => {
    const results = validateFiles([`${FIX}/good.yaml`, `${FIX}/unknown-profile.yaml`]);
    expect(results.get(`${FIX}/good.yaml`)).toEqual([]);
    expect(results.get(`${FIX}/unknown-profile.yaml`)![0].field).toBe('fleets[1].profile');
  });
});

describe('fleet identities', () => {
  it('fleets without an idStart follow one another from --id-start; one with its own starts there', () => {
    expect(fleetStarts([{ count: 20 }, { count: 100 }, { count: 5 }], 1)).toEqual([1, 21, 121]);
    expect(fleetStarts([{ count: 20 }, { count: 100, idStart: 1000 }, { count: 5 }], 7)).toEqual([7, 1000, 1100]);
  });

  it.each([
    // the same prefix: overlapping numbers of the same width
    [{ prefix: 'CP', start: 1, count: 20 }, { prefix: 'CP', start: 11, count: 5 }, 'CP11'],
    [{ prefix: 'CP', start: 1, count: 20 }, { prefix: 'CP', start: 21, count: 5 }, undefined],
    // the same numbers, zero-padded differently: CP1…CP9 against CP01…CP10
    [{ prefix: 'CP', start: 1, count: 9 }, { prefix: 'CP', start: 1, count: 10 }, undefined],
    // a prefix that another continues with digits: A-1 + 1 is A-11, A- + 11 too
    [{ prefix: 'A-', start: 1, count: 20 }, { prefix: 'A-1', start: 1, count: 9 }, 'A-11'],
    [{ prefix: 'A-', start: 1, count: 20 }, { prefix: 'A-1', start: 21, count: 9 }, undefined],
    [{ prefix: 'A-', start: 1, count: 100 }, { prefix: 'A-0', start: 5, count: 10 }, 'A-005'],
    // different prefixes never meet
    [{ prefix: 'AC-', start: 1, count: 100 }, { prefix: 'DC-', start: 1, count: 100 }, undefined],
    [{ prefix: 'A-', start: 1, count: 20 }, { prefix: 'A-x', start: 1, count: 9 }, undefined],
  ])('%j and %j share %j', (a, b, want) => {
    expect(sharedIdentity(a, b)).toBe(want);
    expect(sharedIdentity(b, a)).toBe(want);
  });

  it('describes a range as its first and last identity', () => {
    expect(describeRange({ prefix: 'AC-', start: 21, count: 100 })).toBe('AC-021…AC-120');
    expect(describeRange({ prefix: 'D-', start: 3, count: 1 })).toBe('D-3');
  });

  it('the same prefix twice is fine when the numbers do not meet; --id-start shifts the fleets that follow', () => {
    expect(checkPlanFile(`${FIX}/same-prefix.yaml`)).toEqual([]);
    expect(loadPlan(`${FIX}/same-prefix.yaml`).fleets.map((x) => [x.idPrefix, x.idStart])).toEqual([
      ['CP', 1],
      ['CP', 3],
    ]);
    expect(loadPlan(`${FIX}/same-prefix.yaml`, 100).fleets.map((x) => x.idStart)).toEqual([100, 102]);
  });
});

describe('precedence: defaults < plan < flags', () => {
  const defaults = { csms: undefined as string | undefined, duration: '60s', seed: 1, 'ramp-up': '0', quiet: false };
  const cases: { name: string; plan: Partial<typeof defaults>; argv: string[]; flags: Partial<typeof defaults>; want: Partial<typeof defaults> }[] = [
    { name: 'defaults alone', plan: {}, argv: [], flags: {}, want: { duration: '60s', seed: 1 } },
    { name: 'the plan over defaults', plan: { duration: '10m', seed: 42 }, argv: [], flags: {}, want: { duration: '10m', seed: 42 } },
    { name: 'a flag over the plan', plan: { duration: '10m' }, argv: ['--duration', '30s'], flags: { duration: '30s' }, want: { duration: '30s' } },
    { name: 'an alias counts as given', plan: { duration: '10m' }, argv: ['-d', '5s'], flags: { duration: '5s' }, want: { duration: '5s' } },
    { name: '--flag=value and camelCase', plan: { 'ramp-up': '50/s' }, argv: ['--rampUp=5/s'], flags: { 'ramp-up': '5/s' }, want: { 'ramp-up': '5/s' } },
    { name: 'a flag equal to its default still wins', plan: { seed: 42 }, argv: ['--seed', '1'], flags: { seed: 1 }, want: { seed: 1 } },
    { name: '--no-quiet over the plan', plan: { quiet: true }, argv: ['--no-quiet'], flags: { quiet: false }, want: { quiet: false } },
    { name: 'other flags leave the plan alone', plan: { csms: 'ws://plan/ocpp' }, argv: ['plan.yaml', '--seed', '7'], flags: { seed: 7 }, want: { csms: 'ws://plan/ocpp', seed: 7 } },
  ];
  it.each(cases)('$name', ({ plan, argv, flags, want }) => {
    const args = { ...defaults, ...flags };
    expect(withPrecedence(args, plan, explicitFlags(argv))).toMatchObject(want);
  });

  it('explicitFlags reads long, short, grouped and negated flags, and stops at --', () => {
    expect([...explicitFlags(['run', 'p.yaml', '--ramp-up', '5/s', '-qn', '3', '--no-strict', '--csms=ws://x', '--', '--seed'])].sort()).toEqual(
      ['count', 'csms', 'quiet', 'ramp-up', 'strict'].sort(),
    );
  });

  it('per-fleet flags conflict with a plan', () => {
    expect(conflictingFlags(explicitFlags(['-p', 'x', '--id-prefix', 'A', '--duration', '3s']))).toEqual(['profile', 'id-prefix']);
  });

  it('a CSMS must come from the plan or --csms', () => {
    const plan = loadPlan(`${FIX}/no-csms.yaml`);
    const args = { csms: undefined as string | undefined, duration: '60s' };
    expect(() => planArgs(plan, args, new Set())).toThrow(/no CSMS: set 'csms:' in the plan or give --csms/);
    try {
      planArgs(plan, args, new Set());
    } catch (e) {
      expect((e as ConfigError).issues[0]).toMatchObject({ file: `${FIX}/no-csms.yaml`, field: 'csms' });
    }
    expect(planArgs(plan, { ...args, csms: 'ws://flag/ocpp' }, new Set(['csms'])).csms).toBe('ws://flag/ocpp');
  });
});

describe('shareWorkers', () => {
  it.each([
    [[20, 100], 2, [1, 1]],
    [[20, 100], 6, [2, 4]],
    [[1, 1, 1], 2, [1, 1, 1]],
    [[2, 1], 2, [1, 1]],
    [[2, 1], 8, [2, 1]],
    [[1000, 1], 4, [3, 1]],
    [[5, 5], 0, [0, 0]],
  ])('%j over %i workers → %j', (counts, workers, want) => {
    expect(shareWorkers(counts, workers)).toEqual(want);
  });
});

describe('startFleet with several groups', () => {
  it('gives unique shards, per-group identities, and one ramp across the plan', async () => {
    // Nothing listens there: the ramp is planned at start, before any connection.
    const url = 'ws://127.0.0.1:9/ocpp';
    const profile = { ...testFleetConfig(url).profile, bootJitterS: 0 };
    const fleet = startFleet([
      testFleetConfig(url, { idPrefix: 'A-', idWidth: 1, count: 2, rampPerSec: 1, profile }),
      testFleetConfig(url, { idPrefix: 'D-', idWidth: 1, count: 1, rampPerSec: 1, profile }),
    ]);
    try {
      const stations = fleet.shards!.flatMap((s) => s.stations);
      expect(stations.map((s) => s.identity)).toEqual(['A-1', 'A-2', 'D-1']);
      const t0 = stations[0].reconnectAt;
      // Slots 0, 1 for A-, then slot 2 (offset 2 + position 0) for D-: a second apart at 1/s (each
      // shard reads its own clock at start, hence the tolerance).
      expect(stations.map((s) => Math.round((s.reconnectAt - t0) / 100) * 100)).toEqual([0, 1000, 2000]);
    } finally {
      await fleet.stop();
    }
  });
});
