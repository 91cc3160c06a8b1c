/**
 * Device profiles from YAML (src/profile/load.ts): the built-in library, `extends` chains, and the
 * position-aware errors of every kind of mistake. Invalid one-file cases are fixtures in
 * test/fixtures/profiles/; chains are written to a temporary directory per test.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, formatIssue, type ConfigIssue } from '../../src/config/errors.js';
import { checkChange, checkValue, defaultConfiguration, MEASURANDS, readonlyKeys } from '../../src/ocpp16/configuration.js';
import { bootNotification } from '../../src/ocpp16/dialect.js';
import { validator16 } from '../../src/ocpp16/schemas.js';
import { builtinProfiles, checkProfileFile, loadProfile, PROFILES_DIR, resolveProfileRef } from '../../src/profile/load.js';
import { connectorLimitW } from '../../src/station/meter.js';
import { DEFAULT_QUIRKS, expandTemplate, type StationProfile } from '../../src/station/profile.js';
import { parseDuration } from '../../src/util/duration.js';
import { INVALID_FIXTURES, isAbstract, PROFILE_FIXTURES } from '../helpers/profile-fixtures.js';

const TMP = mkdtempSync(join(tmpdir(), 'ocpp-sim-profiles-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

let dirs = 0;
/** Writes `files` (name → YAML text) into a fresh directory; returns name → absolute path. */
function writeProfiles(files: Record<string, string>): Record<string, string> {
  const dir = join(TMP, String(++dirs));
  mkdirSync(dir);
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    out[name] = join(dir, name);
    writeFileSync(out[name], text);
  }
  return out;
}

/** The one issue of a list, or a failure listing all of them. */
function only(issues: ConfigIssue[]): ConfigIssue {
  expect(issues.map(formatIssue)).toHaveLength(1);
  return issues[0];
}

/** The ConfigError loadProfile throws for `ref`. */
function loadError(ref: string): ConfigError {
  try {
    loadProfile(ref);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`loadProfile(${ref}) did not throw`);
}

const RUNNABLE = 'identity:\n  vendor: V\n  model: M\nocpp: ["1.6"]\nconnectors:\n  - { type: Type2, current: AC, maxPowerW: 22000 }\n';

// ---------------------------------------------------------------- built-in library

const BUILTINS = builtinProfiles();
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw YAML, read to compare against
const rawBuiltin = (name: string): any => parse(readFileSync(join(PROFILES_DIR, `${name}.yaml`), 'utf8'));
const RUNNABLE_BUILTINS = BUILTINS.filter((p) => !isAbstract(p.file));
const ABSTRACT_BUILTINS = BUILTINS.filter((p) => isAbstract(p.file));

describe('built-in profiles', () => {
  it('are the profiles/*.yaml files, sorted, including the generic and ABB models', () => {
    const names = BUILTINS.map((p) => p.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['generic-16-ac', 'generic-16-dc', 'generic-201-ac', 'abb-terra-54', 'abb-terra-ac-base']));
    for (const p of BUILTINS) expect(p.file).toBe(join(PROFILES_DIR, `${p.name}.yaml`));
    expect(ABSTRACT_BUILTINS.length).toBeGreaterThan(0);
    expect(RUNNABLE_BUILTINS.length).toBeGreaterThan(ABSTRACT_BUILTINS.length);
  });

  it.each(BUILTINS.map((p) => [p.name, p.file]))('%s passes checkProfileFile', (_name, file) => {
    expect(checkProfileFile(file).map(formatIssue)).toEqual([]);
  });

  const v = validator16();
  it.each(RUNNABLE_BUILTINS.map((p) => [p.name]))('%s loads and makes sense', (name) => {
    const p = loadProfile(name);
    expect(p.vendor.length).toBeGreaterThan(0);
    expect(p.model.length).toBeGreaterThan(0);
    expect(p.description.length).toBeGreaterThan(0);
    expect(p.ocppVersions.length).toBeGreaterThan(0);
    expect(p.connectors.length).toBeGreaterThan(0);
    for (const c of p.connectors) {
      expect(connectorLimitW(c)).toBeGreaterThan(0);
      expect(c.evse).toBeGreaterThanOrEqual(1);
      if (c.current === 'DC') expect(c.phases).toBe(1);
    }
    for (const m of p.meterValuesSampledData.split(',')) expect(MEASURANDS).toContain(m);
    expect(Object.keys(p.quirks).sort()).toEqual(Object.keys(DEFAULT_QUIRKS).sort());
    // Every configuration default the model sets is a value of its key's type (read-only capabilities
    // such as SupportedFeatureProfiles included: a model says what it has there).
    const defaults = defaultConfiguration(p);
    for (const key of Object.keys(p.configuration)) expect(checkValue(key, defaults.get(key)!), key).toBe(true);
    // A BootNotification with its first and largest serial is valid OCPP 1.6.
    for (const n of [1, 999_999]) {
      const serial = expandTemplate(p.serial, n, `CP${String(n).padStart(6, '0')}`);
      expect(serial.length, serial).toBeLessThanOrEqual(25);
      expect(v.request('BootNotification', bootNotification(p, serial))).toBeNull();
    }
  });

  it.each(ABSTRACT_BUILTINS.map((p) => [p.name]))('%s is a family base: valid, but not loadable to run', (name) => {
    const err = loadError(name);
    const issue = only(err.issues);
    expect(issue.field).toBe('abstract');
    expect(issue.message).toMatch(/family base \(abstract: true\)/);
    expect(basename(issue.file)).toBe(`${name}.yaml`);
  });
});

describe('a runnable built-in profile', () => {
  it('generic-16-dc: two 150 kW CCS2 connectors, SoC in the meter values, default quirks', () => {
    const p = loadProfile('generic-16-dc');
    expect(p).toMatchObject({ vendor: 'ocpp-sim', model: 'Virtual DC 150', firmwareVersion: '1.0.0', serial: 'SIM-${id}', ocppVersions: ['1.6'] });
    const dc = { type: 'CCS2', current: 'DC', phases: 1, voltage: 920, maxCurrentA: 375, maxPowerW: 150_000 };
    expect(p.connectors).toEqual([
      { ...dc, evse: 1 },
      { ...dc, evse: 2 },
    ]);
    expect(p.meterValuesSampledData.split(',')).toContain('SoC');
    expect(p.meterValueSampleInterval).toBe(30);
    expect(p.clockAlignedDataInterval).toBe(0);
    expect(p.bootRetryS).toBe(30);
    expect(p.bootJitterS).toBe(0);
    // meterValuesPerPhase is not in the file: it takes the default.
    expect(p.quirks).toEqual(DEFAULT_QUIRKS);
    expect(expandTemplate(p.serial, 3, 'CP0003')).toBe('SIM-CP0003');
  });

  it('abb-terra-54: its own connectors and serial, the rest inherited from generic-16-dc', () => {
    const p = loadProfile('abb-terra-54');
    const own = rawBuiltin('abb-terra-54');
    expect(own.extends).toBe('generic-16-dc');
    expect(p).toMatchObject({ vendor: 'ABB', model: 'Terra 54 CJT', serial: 'T54-${n:06}' });
    expect(p.connectors).toEqual([
      { type: 'CCS2', current: 'DC', phases: 1, voltage: 500, maxCurrentA: 125, maxPowerW: 50_000, evse: 1 },
      { type: 'CHAdeMO', current: 'DC', phases: 1, voltage: 500, maxCurrentA: 125, maxPowerW: 50_000, evse: 1 },
      { type: 'Type2', current: 'AC', phases: 3, voltage: 230, maxCurrentA: 32, maxPowerW: 22_000, evse: 2 },
    ]);
    // meter: its own intervals over generic-16-dc's measurands (maps merge).
    expect(own.meter.measurands).toBeUndefined();
    expect(p.meterValuesSampledData).toBe(loadProfile('generic-16-dc').meterValuesSampledData);
    expect(p.meterValueSampleInterval).toBe(parseDuration(own.meter.sampleInterval) / 1000);
    expect(p.clockAlignedDataInterval).toBe(parseDuration(own.meter.clockAlignedInterval) / 1000);
    expect(p.bootRetryS).toBe(parseDuration(own.boot.retryInterval) / 1000);
    expect(p.bootJitterS).toBe(parseDuration(own.boot.jitter) / 1000);
    expect(p.configuration.HeartbeatInterval?.value).toBe(String(own.configuration.HeartbeatInterval));
    expect(p.quirks).toEqual(DEFAULT_QUIRKS);
    expect(expandTemplate(p.serial, 42, 'CP000042')).toBe('T54-000042');
    expect(defaultConfiguration(p).get('NumberOfConnectors')).toBe('3');
    expect(defaultConfiguration(p).get('ClockAlignedDataInterval')).toBe(String(p.clockAlignedDataInterval));
  });

  it('a model of an abstract family is runnable and inherits the family (abb-terra-ac-w22)', () => {
    const p = loadProfile('abb-terra-ac-w22');
    const own = rawBuiltin('abb-terra-ac-w22');
    const base = rawBuiltin('abb-terra-ac-base');
    expect(own.extends).toBe('abb-terra-ac-base');
    expect(own.identity.vendor).toBeUndefined();
    expect(p.vendor).toBe(base.identity.vendor);
    expect(p.bootJitterS).toBe(parseDuration(base.boot.jitter) / 1000);
    expect(defaultConfiguration(p).get('WebSocketPingInterval')).toBe(String(base.configuration.WebSocketPingInterval));
  });

  it('generic-16-ac turns SoC off (AC has no battery data) and keeps the other quirk defaults', () => {
    expect(loadProfile('generic-16-ac').quirks).toEqual({ ...DEFAULT_QUIRKS, socInMeterValues: false });
  });

  it('the fixture valid-custom-ac.yaml: replaced connectors, derived current, configuration and quirks', () => {
    const p = loadProfile(join(PROFILE_FIXTURES, 'valid-custom-ac.yaml'));
    expect(p).toMatchObject({ vendor: 'TestVendor', model: 'Fixture AC 11', serial: 'FIX-${n:06}' });
    // One connector: the list replaces generic-16-ac's two. 11 kW over 3 × 230 V → 16 A.
    expect(p.connectors).toEqual([{ type: 'Type2', current: 'AC', phases: 3, voltage: 230, maxCurrentA: 16, maxPowerW: 11_000, evse: 1 }]);
    expect(p.quirks).toEqual({ ...DEFAULT_QUIRKS, preparingBeforeAuthorize: false, socInMeterValues: false });
    const defaults = defaultConfiguration(p);
    expect(defaults.get('HeartbeatInterval')).toBe('120');
    expect(defaults.get('ConnectionTimeOut')).toBe('90');
    expect(defaults.get('LocalPreAuthorize')).toBe('true');
    expect(defaults.get('NumberOfConnectors')).toBe('1');
    const ro = readonlyKeys(p);
    expect(ro.has('LocalPreAuthorize')).toBe(true);
    expect(ro.has('HeartbeatInterval')).toBe(false);
    expect(checkChange('LocalPreAuthorize', 'false', ro)).toBe('Rejected');
    expect(checkProfileFile(join(PROFILE_FIXTURES, 'valid-custom-ac.yaml'))).toEqual([]);
  });

  it('a minimal profile gets the documented defaults', () => {
    const f = writeProfiles({
      'min.yaml': `description: minimal\n${RUNNABLE}  - { type: CCS2, current: DC, maxPowerW: 50000 }\n`,
    });
    const p: StationProfile = loadProfile(f['min.yaml']);
    expect(p).toMatchObject({
      firmwareVersion: '1.0.0',
      serial: 'SIM-${id}',
      meterValueSampleInterval: 60,
      clockAlignedDataInterval: 0,
      meterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import',
      registerStartWh: 0,
      configuration: {},
      bootRetryS: 30,
      bootJitterS: 0,
      quirks: DEFAULT_QUIRKS,
    });
    expect(p.connectors).toEqual([
      // AC: 3 phases of 230 V; 22 kW / 690 V → 32 A (rounded up).
      { type: 'Type2', current: 'AC', phases: 3, voltage: 230, maxCurrentA: 32, maxPowerW: 22_000, evse: 1 },
      // DC: 500 V; 50 kW / 500 V → 100 A.
      { type: 'CCS2', current: 'DC', phases: 1, voltage: 500, maxCurrentA: 100, maxPowerW: 50_000, evse: 2 },
    ]);
  });
});

// ---------------------------------------------------------------- extends

describe('extends', () => {
  const BASE = `description: family base
abstract: true
identity:
  vendor: BaseVendor
  model: Base Model
  firmwareVersion: "9.9"
ocpp: ["1.6"]
connectors:
  - { type: Type2, current: AC, maxPowerW: 22000 }
  - { type: Type2, current: AC, maxPowerW: 22000 }
meter:
  measurands: [Energy.Active.Import.Register, Power.Active.Import, Voltage]
  sampleInterval: 10s
  registerStartWh: 100
configuration:
  HeartbeatInterval: 100
  MeterValueSampleInterval: 10
quirks:
  socInMeterValues: false
  meterValuesPerPhase: false
`;
  const CHILD = `description: child model
extends: ./base.yaml
identity:
  model: Child
connectors:
  - { type: CCS2, current: DC, maxPowerW: 50000 }
meter:
  sampleInterval: 20s
configuration:
  HeartbeatInterval: 200
quirks:
  meterValuesPerPhase: true
`;

  it('merges maps deeply and replaces lists; abstract is not inherited', () => {
    const f = writeProfiles({ 'base.yaml': BASE, 'child.yaml': CHILD });
    const p = loadProfile(f['child.yaml']);
    // identity: model overridden, vendor and firmware inherited.
    expect(p).toMatchObject({ vendor: 'BaseVendor', model: 'Child', firmwareVersion: '9.9', description: 'child model' });
    // connectors: a list, replaced (one DC connector, not three).
    expect(p.connectors).toEqual([{ type: 'CCS2', current: 'DC', phases: 1, voltage: 500, maxCurrentA: 100, maxPowerW: 50_000, evse: 1 }]);
    // meter: sampleInterval overridden, measurands and registerStartWh inherited.
    expect(p.meterValueSampleInterval).toBe(20);
    expect(p.meterValuesSampledData).toBe('Energy.Active.Import.Register,Power.Active.Import,Voltage');
    expect(p.registerStartWh).toBe(100);
    // configuration: keys merged, the child's value wins.
    expect(p.configuration).toEqual({ HeartbeatInterval: { value: '200', readonly: undefined }, MeterValueSampleInterval: { value: '10', readonly: undefined } });
    // quirks: merged over the parent, then over the defaults.
    expect(p.quirks).toEqual({ ...DEFAULT_QUIRKS, socInMeterValues: false, meterValuesPerPhase: true });
  });

  it('a list in a grandchild replaces the inherited list, it does not append; paths are relative to the file', () => {
    const f = writeProfiles({
      'base.yaml': BASE,
      'child.yaml': CHILD,
      'grandchild.yaml': 'description: grandchild\nextends: child.yaml\nmeter:\n  measurands: [Energy.Active.Import.Register]\n',
    });
    const p = loadProfile(f['grandchild.yaml']);
    expect(p.meterValuesSampledData).toBe('Energy.Active.Import.Register');
    expect(p.meterValueSampleInterval).toBe(20); // from child
    expect(p.registerStartWh).toBe(100); // from base
    expect(p.model).toBe('Child');
    expect(p.connectors).toHaveLength(1);
  });

  it('the abstract base itself is valid but cannot be loaded to run', () => {
    const f = writeProfiles({ 'base.yaml': BASE });
    expect(checkProfileFile(f['base.yaml'])).toEqual([]);
    const issue = only(loadError(f['base.yaml']).issues);
    expect(issue).toMatchObject({ file: f['base.yaml'], line: 2, col: 11, field: 'abstract' });
  });

  it('can extend a built-in profile by name', () => {
    const f = writeProfiles({ 'mine.yaml': 'description: mine\nextends: generic-16-dc\nidentity:\n  model: Mine\n' });
    const p = loadProfile(f['mine.yaml']);
    const dc = loadProfile('generic-16-dc');
    expect(p).toEqual({ ...dc, name: p.name, description: 'mine', model: 'Mine' });
  });

  it('a cycle (a extends b extends a) is an error naming the chain', () => {
    const f = writeProfiles({ 'a.yaml': 'description: a\nextends: ./b.yaml\n', 'b.yaml': 'description: b\nextends: a.yaml\n' });
    const issue = only(checkProfileFile(f['a.yaml']));
    expect(issue).toMatchObject({ file: f['b.yaml'], line: 2, col: 10, field: 'extends' });
    expect(issue.message).toMatch(/^extends forms a cycle: \S*a\.yaml → \S*b\.yaml → \S*a\.yaml$/);
    expect(loadError(f['a.yaml']).message).toMatch(/cycle/);
  });

  it('a profile extending itself is a cycle', () => {
    const f = writeProfiles({ 'self.yaml': 'description: self\nextends: self.yaml\n' });
    expect(only(checkProfileFile(f['self.yaml'])).message).toMatch(/^extends forms a cycle: \S*self\.yaml → \S*self\.yaml$/);
  });

  it('an error in a parent is reported at the parent file and position', () => {
    const f = writeProfiles({
      'parent.yaml': 'description: parent\nidentity:\n  vendor: V\n  modle: M\n',
      'child.yaml': `description: child\nextends: parent.yaml\n`,
    });
    expect(only(checkProfileFile(f['child.yaml']))).toMatchObject({
      file: f['parent.yaml'],
      line: 4,
      col: 3,
      field: 'identity.modle',
      message: "unknown key 'modle' (did you mean 'model'?)",
    });
  });

  it('a missing parent file is an error in the parent', () => {
    const f = writeProfiles({ 'child.yaml': 'description: child\nextends: ./missing.yaml\n' });
    const issue = only(checkProfileFile(f['child.yaml']));
    expect(basename(issue.file)).toBe('missing.yaml');
    expect(issue.message).toBe('no such file');
  });

  it('an unknown built-in name in extends → did you mean', () => {
    const issue = only(checkProfileFile(join(PROFILE_FIXTURES, 'invalid-extends-unknown.yaml')));
    expect(issue.message).toMatch(/unknown profile 'generic-16-dcc' \(did you mean 'generic-16-dc'\?\)/);
  });
});

// ---------------------------------------------------------------- errors

describe('errors, with file:line:col', () => {
  it.each(INVALID_FIXTURES.map((e) => [e.fixture, e] as const))('%s', (fixture, expected) => {
    const file = join(PROFILE_FIXTURES, fixture);
    const issue = only(checkProfileFile(file));
    expect(issue).toMatchObject({ file, line: expected.line, col: expected.col, field: expected.field });
    expect(issue.message).toMatch(expected.message);
    // loadProfile reports the same problem, and its message is the formatted issue.
    const err = loadError(file);
    expect(err.issues).toEqual([issue]);
    expect(err.message).toBe(formatIssue(issue));
    expect(err.message.startsWith(`${file}:${expected.line}:${expected.col}: `)).toBe(true);
  });

  it('formatIssue: file:line:col: field: message, and no empty field', () => {
    expect(formatIssue({ file: 'p.yaml', line: 3, col: 5, field: 'connectors[0].type', message: 'bad' })).toBe('p.yaml:3:5: connectors[0].type: bad');
    expect(formatIssue({ file: 'p.yaml', line: 1, col: 1, field: '', message: 'bad' })).toBe('p.yaml:1:1: bad');
  });

  it('every problem in a file is reported at once', () => {
    const f = writeProfiles({
      'many.yaml': `description: many
identity:
  vendor: V
  model: M
  colour: red
ocpp: ["1.6", "1.5"]
connectors:
  - { type: CCS, current: DC, maxPowerW: 50000 }
meter:
  sampleInterval: soon
configuration:
  HeartbeatInterval: abc
`,
    });
    const issues = checkProfileFile(f['many.yaml']);
    const at = issues.map((i) => `${i.line}:${i.col} ${i.field}`).sort();
    expect(at).toEqual(['10:19 meter.sampleInterval', '12:22 configuration.HeartbeatInterval', '5:3 identity.colour', '6:15 ocpp[1]', '8:13 connectors[0].type'].sort());
  });

  it('a bad enum value without a close match gets no suggestion', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${RUNNABLE.replace('current: AC', 'current: Banana')}` });
    const issue = only(checkProfileFile(f['x.yaml']));
    expect(issue.field).toBe('connectors[0].current');
    expect(issue.message).toBe("'Banana' is not one of AC, DC");
  });

  it('an unknown top-level key', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${RUNNABLE}conectors: []\n` });
    expect(only(checkProfileFile(f['x.yaml']))).toMatchObject({ line: 8, col: 1, field: 'conectors', message: "unknown key 'conectors' (did you mean 'connectors'?)" });
  });

  it('a duration must have a unit', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${RUNNABLE}boot:\n  retryInterval: "30"\n` });
    expect(only(checkProfileFile(f['x.yaml']))).toMatchObject({ line: 9, col: 18, field: 'boot.retryInterval' });
  });

  it('messageIds: counter by default, a style when given, and a bad one is an error with a suggestion', () => {
    const f = writeProfiles({
      'none.yaml': `description: x\n${RUNNABLE}`,
      'uuid.yaml': `description: x\n${RUNNABLE}messageIds: uuid\n`,
      'bad.yaml': `description: x\n${RUNNABLE}messageIds: uid\n`,
    });
    expect(loadProfile(f['none.yaml']).messageIds).toBe('counter');
    expect(loadProfile(f['uuid.yaml']).messageIds).toBe('uuid');
    expect(only(checkProfileFile(f['bad.yaml']))).toMatchObject({ line: 8, col: 13, field: 'messageIds', message: "'uid' is not one of counter, uuid, random (did you mean 'uuid'?)" });
  });

  it('messageIds of the models whose ids are known, inherited from a family base; counter where unknown', () => {
    expect(loadProfile('alfen-eve-double-pro-line').messageIds).toBe('counter');
    expect(loadProfile('abb-terra-ac-w11').messageIds).toBe('random');
    expect(loadProfile('wallbox-pulsar-plus').messageIds).toBe('random');
    expect(loadProfile('keba-kecontact-p40').messageIds).toBe('uuid');
    expect(loadProfile('evbox-elvi').messageIds).toBe('uuid');
    expect(loadProfile('generic-16-ac').messageIds).toBe('counter');
  });

  it('durations with units are converted to seconds', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${RUNNABLE}meter:\n  sampleInterval: 1m30s\n  clockAlignedInterval: 1h\nboot:\n  retryInterval: 500ms\n  jitter: 2m\n` });
    expect(loadProfile(f['x.yaml'])).toMatchObject({ meterValueSampleInterval: 90, clockAlignedDataInterval: 3600, bootRetryS: 0.5, bootJitterS: 120 });
  });

  it('a configuration value of the wrong type in the {value, readonly} form', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${RUNNABLE}configuration:\n  LocalPreAuthorize:\n    value: maybe\n    readonly: true\n` });
    // At the {value, readonly} map of the key.
    expect(only(checkProfileFile(f['x.yaml']))).toMatchObject({
      line: 10,
      col: 5,
      field: 'configuration.LocalPreAuthorize',
      message: "'maybe' is not a valid value for LocalPreAuthorize",
    });
  });

  it('a read-only key of the specification cannot be configured', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${RUNNABLE}configuration:\n  NumberOfConnectors: 4\n` });
    const issues = checkProfileFile(f['x.yaml']);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ line: 9, col: 3, field: 'configuration.NumberOfConnectors' });
  });

  it('power sharing names connectors that exist, each in one group', () => {
    const f = writeProfiles({
      'x.yaml': `description: x\n${RUNNABLE}powerSharing:\n  - {connectors: [1, 3], maxPowerW: 50000}\n`,
    });
    expect(only(checkProfileFile(f['x.yaml']))).toMatchObject({ line: 9, field: 'powerSharing[0].connectors[1]', message: 'connector 3 does not exist (this model has 1)' });
  });

  // Regression: a read-only key once got a second, misleading issue about its value.
  it('a read-only key of the specification is one issue, not a complaint about its value', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${RUNNABLE}configuration:\n  NumberOfConnectors: 4\n` });
    const issue = only(checkProfileFile(f['x.yaml']));
    expect(issue).toMatchObject({ line: 9, col: 3, field: 'configuration.NumberOfConnectors' });
  });

  it('a duplicate key is a YAML error with its position', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${RUNNABLE}description: again\n` });
    expect(only(checkProfileFile(f['x.yaml']))).toMatchObject({ line: 8, col: 1, field: '', message: "YAML: duplicate key 'description'" });
  });

  it('a missing file', () => {
    const issue = only(checkProfileFile(join(TMP, 'does-not-exist.yaml')));
    expect(issue).toMatchObject({ line: 1, col: 1, message: 'no such file' });
  });

  it('a runnable profile needs a model, OCPP versions and connectors too, each reported', () => {
    const f = writeProfiles({ 'x.yaml': 'description: x\nidentity:\n  vendor: V\n' });
    const messages = checkProfileFile(f['x.yaml']).map((i) => i.message);
    expect(messages).toEqual([
      expect.stringMatching(/needs identity\.model/),
      expect.stringMatching(/needs ocpp/),
      expect.stringMatching(/needs connectors/),
    ]);
  });

  it('phases on a DC connector are an error', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${RUNNABLE}  - { type: CCS2, current: DC, phases: 3, maxPowerW: 50000 }\n` });
    expect(only(loadError(f['x.yaml']).issues)).toMatchObject({ line: 8, col: 40, field: 'connectors[1].phases', message: 'phases apply to AC connectors only' });
  });

  it('a serial template that expands over 25 characters is an error', () => {
    const issue = only(checkProfileFile(join(PROFILE_FIXTURES, 'invalid-serial-too-long.yaml')));
    expect(issue.message).toBe('expands to more than 25 characters (the OCPP 1.6 limit)');
    // 25 characters at the largest n is fine: 19 + 6.
    const f = writeProfiles({ 'ok.yaml': 'description: ok\nextends: generic-16-ac\nidentity:\n  serial: "EXACTLY-TWENTY-FIVE${n:06}"\n' });
    expect(checkProfileFile(f['ok.yaml'])).toEqual([]);
  });

  // Regression: the length check was once skipped for templates with ${id}.
  it('a serial template whose fixed part alone is over 25 characters is an error even with ${id}', () => {
    const f = writeProfiles({ 's.yaml': 'description: s\nextends: generic-16-ac\nidentity:\n  serial: "THIS-PREFIX-IS-LONGER-THAN-25-${id}"\n' });
    expect(only(checkProfileFile(f['s.yaml']))).toMatchObject({ field: 'identity.serial', message: expect.stringMatching(/more than 25 characters/) });
  });

  it('an iccid template that expands over 20 characters is an error', () => {
    const f = writeProfiles({ 'x.yaml': 'description: x\nextends: generic-16-ac\nidentity:\n  iccid: "8949${n:020}"\n' });
    expect(only(checkProfileFile(f['x.yaml']))).toMatchObject({ line: 4, col: 10, field: 'identity.iccid', message: 'expands to more than 20 characters (the OCPP 1.6 limit)' });
  });
});

// ---------------------------------------------------------------- names and templates

describe('resolveProfileRef', () => {
  it('a built-in name is its file in profiles/', () => {
    expect(resolveProfileRef('generic-16-dc')).toBe(join(PROFILES_DIR, 'generic-16-dc.yaml'));
  });

  it('a path (with a slash or a .yaml/.yml ending) is resolved relative to `from`', () => {
    expect(resolveProfileRef('./x.yaml', '/a/b')).toBe('/a/b/x.yaml');
    expect(resolveProfileRef('sub/x', '/a/b')).toBe('/a/b/sub/x');
    expect(resolveProfileRef('generic-16-dc.yml', '/a')).toBe('/a/generic-16-dc.yml');
    expect(resolveProfileRef('/abs/x.yaml', '/a')).toBe('/abs/x.yaml');
  });

  it('an unknown name is an error with the nearest built-in', () => {
    expect(() => resolveProfileRef('abb-terra-45')).toThrow(/unknown profile 'abb-terra-45' \(did you mean 'abb-terra-54'\?\)/);
    expect(() => resolveProfileRef('nope')).toThrow(/unknown profile 'nope'.*ocpp-sim list profiles/);
  });

  it('loadProfile turns an unknown name into a ConfigError', () => {
    const err = loadError('generic-16-acc');
    expect(only(err.issues).message).toMatch(/unknown profile 'generic-16-acc' \(did you mean 'generic-16-ac'\?\)/);
  });

  // Regression: a built-in loaded by name was once named by its path.
  it('a built-in loaded by name is named by its built-in name', () => {
    expect(loadProfile('generic-16-dc').name).toBe('generic-16-dc');
  });
});

describe('expandTemplate', () => {
  it.each([
    ['${n:06}', 42, 'CP1', '000042'],
    ['T54-${n:06}', 1, 'CP1', 'T54-000001'],
    ['${n}', 42, 'CP1', '42'],
    ['SN${n}', 0, 'CP1', 'SN0'],
    ['SIM-${id}', 7, 'CP000007', 'SIM-CP000007'],
    ['${id}/${n:03}/${n}', 5, 'X', 'X/005/5'],
    ['${n:03}', 12_345, 'X', '12345'], // wider than the padding: not cut
    ['${n:6}', 42, 'X', '000042'], // the leading 0 is optional
    ['no placeholders', 1, 'X', 'no placeholders'],
    ['${x} ${N} $n {n}', 1, 'X', '${x} ${N} $n {n}'], // only ${n…} and ${id} are placeholders
  ])('%s with n=%i id=%s → %s', (template, n, id, expected) => {
    expect(expandTemplate(template, n, id)).toBe(expected);
  });
});
