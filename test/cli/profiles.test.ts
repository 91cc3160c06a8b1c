/**
 * Device profiles through the real `ocpp-sim` binary (build first: `npx tsc -p tsconfig.json`):
 * `validate`, `list profiles`, and `run --profile` against an embedded CSMS in this process.
 */
import { relative } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { builtinProfiles } from '../../src/profile/load.js';
import { csmsPerTest } from '../helpers/csms-per-test.js';
import { fixtureArg, INVALID_FIXTURES, isAbstract, issueLine } from '../helpers/profile-fixtures.js';
import { BUILT, describeRun, ROOT, runCli } from './spawn-cli.js';

const csmsFor = csmsPerTest();

/** Short, lively sessions so a few seconds see transactions and meter values. */
const LIVELY = ['--session', '1s-2s', '--idle', '0.2s-0.5s', '--meter-interval', '1s'];
/** A CSMS address nothing listens on: for runs that must stop before connecting. */
const NOWHERE = 'ws://127.0.0.1:9/ocpp';

const BUILTINS = builtinProfiles();
beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

describe.concurrent('ocpp-sim validate', () => {
  it('every built-in profile (profiles/*.yaml) is valid: exit 0, N of N', async ({ expect }) => {
    const files = BUILTINS.map((p) => relative(ROOT, p.file));
    const r = await runCli(['validate', ...files]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toContain(`\n${files.length} of ${files.length} file(s) valid\n`);
    for (const f of files) expect(r.stdout).toContain(`✓ ${f}\n`);
    expect(r.stdout).not.toContain('✗');
  });

  it('an invalid fixture: exit 2 and file:line:col: field: message (did you mean …)', async ({ expect }) => {
    const r = await runCli(['validate', fixtureArg('valid-custom-ac.yaml'), fixtureArg('invalid-unknown-key.yaml')]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toContain(`✓ ${fixtureArg('valid-custom-ac.yaml')}\n`);
    expect(r.stdout).toContain(`✗ ${fixtureArg('invalid-unknown-key.yaml')}\n`);
    expect(r.stdout).toMatch(/^ {2}\S*test\/fixtures\/profiles\/invalid-unknown-key\.yaml:6:3: identity\.serail: unknown key 'serail' \(did you mean 'serial'\?\)$/m);
    expect(r.stdout).toContain('\n1 of 2 file(s) valid\n');
  });

  it('every invalid fixture: each problem with its position, 0 of N valid', async ({ expect }) => {
    const r = await runCli(['validate', ...INVALID_FIXTURES.map((e) => fixtureArg(e.fixture))]);
    expect(r.code, describeRun(r)).toBe(2);
    for (const e of INVALID_FIXTURES) expect(r.stdout, e.fixture).toMatch(issueLine(e));
    expect(r.stdout).toContain(`\n0 of ${INVALID_FIXTURES.length} file(s) valid\n`);
    // Problems are reported, not thrown: no stack trace.
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing file is a problem of that file', async ({ expect }) => {
    const r = await runCli(['validate', 'no/such/profile.yaml']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toMatch(/no\/such\/profile\.yaml:1:1: no such file/);
    expect(r.stdout).toContain('0 of 1 file(s) valid');
  });
});

describe.concurrent('ocpp-sim list profiles', () => {
  it('lists the runnable built-ins, not the abstract family bases', async ({ expect }) => {
    const r = await runCli(['list', 'profiles']);
    expect(r.code, describeRun(r)).toBe(0);
    const names = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(/\s+/)[0]);
    expect(names).toContain('abb-terra-54');
    expect(names).toContain('generic-16-dc');
    expect(names).not.toContain('abb-terra-ac-base');
    expect(names).not.toContain('alfen-eve-base');
    expect(names).toEqual(BUILTINS.filter((p) => !isAbstract(p.file)).map((p) => p.name));
    expect(r.stdout).not.toMatch(/invalid/);
    // One line each: versions, hardware summary, description.
    expect(r.stdout).toMatch(/^generic-16-dc\s+OCPP 1\.6\s+2× CCS2 150 kW DC\s+Generic OCPP 1\.6 DC/m);
    expect(r.stdout).toMatch(/^abb-terra-54\s+OCPP 1\.6\s+CCS2 50 kW DC \+ CHAdeMO 50 kW DC \+ Type2 22 kW AC\s+ABB Terra 54/m);
    expect(r.stdout).toMatch(/^generic-201-ac\s+OCPP 2\.0\.1\s/m);
    // A model that speaks both versions: in order of preference.
    expect(r.stdout).toMatch(/^alfen-eve-double-pro-line\s+OCPP 1\.6\/2\.0\.1\s+2× Type2 22 kW AC\s/m);
  });
});

describe.concurrent('ocpp-sim run --profile', () => {
  it('generic-16-dc against the embedded CSMS: passes, DC connectors report SoC', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const boots: Record<string, unknown>[] = [];
    const meterValues: { connectorId: number; meterValue: { sampledValue: { measurand?: string; value: string; unit?: string }[] }[] }[] = [];
    const statusConnectors = new Set<number>();
    csms.onRequest = (_id, action, payload) => {
      if (action === 'BootNotification') boots.push(payload as Record<string, unknown>);
      if (action === 'MeterValues') meterValues.push(payload as (typeof meterValues)[number]);
      if (action === 'StatusNotification') statusConnectors.add((payload as { connectorId: number }).connectorId);
      return undefined;
    };
    const r = await runCli(['run', '--csms', csms.url, '--profile', 'generic-16-dc', '--count', '2', '--duration', '3s', ...LIVELY, '--quiet', '--strict', '--workers', '0']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^PASSED$/m);
    expect(boots).toHaveLength(2);
    for (const b of boots) expect(b).toMatchObject({ chargePointVendor: 'ocpp-sim', chargePointModel: 'Virtual DC 150' });
    expect([...statusConnectors].sort()).toEqual([0, 1, 2]);
    expect(meterValues.length, describeRun(r)).toBeGreaterThan(0);
    const soc = meterValues.flatMap((m) => m.meterValue.flatMap((v) => v.sampledValue)).filter((s) => s.measurand === 'SoC');
    expect(soc.length, JSON.stringify(meterValues.slice(0, 3))).toBeGreaterThan(0);
    for (const s of soc) {
      expect(s.unit).toBe('Percent');
      expect(Number(s.value)).toBeGreaterThanOrEqual(0);
      expect(Number(s.value)).toBeLessThanOrEqual(100);
    }
    expect(csms.stats.transactions.active).toBe(0);
  });

  it('a profile file: its identity, serial template, connectors and configuration reach the CSMS', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const boots: { chargePointVendor: string; chargePointModel: string; chargePointSerialNumber: string }[] = [];
    const statusConnectors = new Set<number>();
    const configured: Promise<unknown>[] = [];
    csms.onRequest = (id, action, payload) => {
      if (action === 'BootNotification') {
        boots.push(payload as (typeof boots)[number]);
        configured.push(
          new Promise((r) => setTimeout(r, 20)).then(async () => ({
            get: await csms.call(id, 'GetConfiguration', { key: ['HeartbeatInterval', 'ConnectionTimeOut', 'LocalPreAuthorize', 'NumberOfConnectors'] }, 2000),
            change: await csms.call(id, 'ChangeConfiguration', { key: 'LocalPreAuthorize', value: 'false' }, 2000),
          })),
        );
      }
      if (action === 'StatusNotification') statusConnectors.add((payload as { connectorId: number }).connectorId);
      return undefined;
    };
    const r = await runCli(['run', '--csms', csms.url, '--profile', fixtureArg('valid-custom-ac.yaml'), '--count', '2', '--duration', '3s', ...LIVELY, '--quiet', '--strict', '--workers', '0']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(boots.map((b) => b.chargePointSerialNumber).sort()).toEqual(['FIX-000001', 'FIX-000002']);
    for (const b of boots) expect(b).toMatchObject({ chargePointVendor: 'TestVendor', chargePointModel: 'Fixture AC 11' });
    expect([...statusConnectors].sort()).toEqual([0, 1]);
    for (const c of (await Promise.all(configured)) as { get: { configurationKey: { key: string; readonly: boolean; value: string }[] }; change: unknown }[]) {
      const keys = Object.fromEntries(c.get.configurationKey.map((k) => [k.key, k]));
      // The profile's default (120) until the boot: then the CSMS's interval (1 s) wins.
      expect(keys.HeartbeatInterval).toMatchObject({ value: '1', readonly: false });
      expect(keys.ConnectionTimeOut).toMatchObject({ value: '90', readonly: false });
      expect(keys.LocalPreAuthorize).toMatchObject({ value: 'true', readonly: true });
      expect(keys.NumberOfConnectors).toMatchObject({ value: '1', readonly: true });
      expect(c.change).toEqual({ status: 'Rejected' });
    }
  });

  it('--connectors overrides the profile (copies of its first connector)', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const statusConnectors = new Set<number>();
    csms.onRequest = (_id, action, payload) => {
      if (action === 'StatusNotification') statusConnectors.add((payload as { connectorId: number }).connectorId);
      return undefined;
    };
    const r = await runCli(['run', '--csms', csms.url, '--profile', 'generic-16-dc', '--connectors', '3', '--count', '1', '--duration', '2s', '--idle', '60s', '--quiet', '--workers', '0']);
    expect(r.code, describeRun(r)).toBe(0);
    expect([...statusConnectors].sort()).toEqual([0, 1, 2, 3]);
  });

  const usage: { name: string; profile: string; message: RegExp; args?: string[] }[] = [
    { name: 'an unknown name', profile: 'nope', message: /unknown profile 'nope'.*ocpp-sim list profiles/ },
    { name: 'a misspelt name → did you mean', profile: 'generic-16-dcc', message: /unknown profile 'generic-16-dcc' \(did you mean 'generic-16-dc'\?\)/ },
    { name: '--ocpp a version the profile does not speak', profile: 'generic-16-ac', args: ['--ocpp', '2.0.1'], message: /--ocpp 2\.0\.1: profile generic-16-ac speaks OCPP 1\.6 only/ },
    { name: '--connectors that no longer fit the deviceModel: section', profile: fixtureArg('valid-201-second-evse.yaml'), args: ['--connectors', '1'], message: /--connectors\/--power: profile \S+valid-201-second-evse\.yaml's deviceModel: section does not fit the new connectors: EVSE@2: no EVSE at 2/ },
    { name: '--ocpp a version nobody simulates', profile: 'generic-16-ac', args: ['--ocpp', '1.5'], message: /--ocpp 1\.5: ocpp-sim simulates OCPP 1\.6 and 2\.0\.1/ },
    { name: 'an abstract family base', profile: 'abb-terra-ac-base', message: /abb-terra-ac-base\.yaml:\d+:\d+: abstract: this profile is a family base/ },
    { name: 'an invalid profile file', profile: fixtureArg('invalid-unknown-key.yaml'), message: /configuration errors:\n\s+\S*invalid-unknown-key\.yaml:6:3: identity\.serail: unknown key 'serail' \(did you mean 'serial'\?\)/ },
    { name: 'a profile file with a bad enum', profile: fixtureArg('invalid-bad-enum.yaml'), message: /invalid-bad-enum\.yaml:11:11: connectors\[1\]\.type: 'Tpye2' is not one of .*\(did you mean 'Type2'\?\)/ },
    { name: 'a missing profile file', profile: 'no/such.yaml', message: /no\/such\.yaml:1:1: no such file/ },
  ];
  for (const c of usage) {
    it(`${c.name}: exit 2 before connecting`, async ({ expect }) => {
      const r = await runCli(['run', '--csms', NOWHERE, '--profile', c.profile, '--count', '1', '--duration', '1s', ...(c.args ?? [])]);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).not.toMatch(/Summary after/);
    });
  }

  // The brief asked for "did you mean" on `--profile nope`; nearest() (rightly) suggests only names
  // within a third of the word's length, and no built-in is that close to "nope".
  it('an unknown name far from every built-in gets no suggestion, only the list command', async ({ expect }) => {
    const r = await runCli(['run', '--csms', NOWHERE, '--profile', 'nope']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).not.toMatch(/did you mean/);
  });
});
