/**
 * A profile's `deviceModel:` section (src/profile/device-model-section.ts): every shipped 2.0.1
 * profile builds a device model whose FullInventory report is valid OCPP 2.0.1, bad entries are
 * reported at file:line:col with their field, and `extends:` merges the section per component and
 * variable.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, formatIssue, type ConfigIssue } from '../../src/config/errors.js';
import { baseReport, buildDeviceModel, findVariable, notifyReportParts, read, type DeviceModel } from '../../src/ocpp201/device-model/index.js';
import { validator201 } from '../../src/ocpp201/schemas.js';
import { deviceModelInputOf } from '../../src/ocpp201/device-model/index.js';
import { builtinProfiles, checkProfileFile, loadProfile } from '../../src/profile/load.js';
import type { StationProfile } from '../../src/station/profile.js';
import { isAbstract } from '../helpers/profile-fixtures.js';

const TMP = mkdtempSync(join(tmpdir(), 'ocpp-sim-profile-dm-'));
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

function only(issues: ConfigIssue[]): ConfigIssue {
  expect(issues.map(formatIssue)).toHaveLength(1);
  return issues[0];
}

/** The device model a profile stands for, as the engine builds it. */
function modelOf(p: StationProfile): DeviceModel {
  return buildDeviceModel({ ...deviceModelInputOf(p), overrides: p.deviceModel });
}

/** A runnable 2.0.1 profile with two single-connector EVSEs; `more` is appended (a deviceModel: section…). */
const STATION_201 = `identity:
  vendor: V
  model: M
ocpp: ["2.0.1"]
connectors:
  - { type: Type2, current: AC, maxPowerW: 22000, evse: 1 }
  - { type: Type2, current: AC, maxPowerW: 11000, evse: 2 }
`;

// ---------------------------------------------------------------- shipped profiles

const BUILTINS = builtinProfiles();
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw YAML, read to compare against
const rawOf = (file: string): any => parse(readFileSync(file, 'utf8'));

const SPEAK_201 = BUILTINS
  .filter((p) => !isAbstract(p.file))
  .map((p) => loadProfile(p.name))
  .filter((p) => p.ocppVersions.includes('2.0.1'));

describe('shipped OCPP 2.0.1 profiles', () => {
  it('include the generic ones and real models that speak both versions, 1.6 first', () => {
    const names = SPEAK_201.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['generic-201-ac', 'generic-201-dc']));
    const both = SPEAK_201.filter((p) => p.ocppVersions.length === 2);
    expect(both.length).toBeGreaterThan(3);
    // 1.6 stays the preferred version: their 1.6 behaviour does not change.
    for (const p of both) expect(p.ocppVersions, p.name).toEqual(['1.6', '2.0.1']);
  });

  it('the generic ones have a deviceModel: section of their own', () => {
    for (const name of ['generic-201-ac', 'generic-201-dc']) expect(loadProfile(name).deviceModel, name).toBeDefined();
  });

  const v = validator201();
  it.each(SPEAK_201.map((p) => [p.name, p] as const))('%s: builds a device model whose FullInventory NotifyReport is valid 2.0.1', (_name, p) => {
    const dm = modelOf(p);
    const full = baseReport(dm, null, 'FullInventory');
    expect(full).toHaveLength(dm.variables.length);
    const parts = notifyReportParts(1, full, { maxBytes: dm.limits.bytesGetReport, maxItems: dm.limits.itemsGetReport }, '2024-05-01T12:00:00.000Z');
    expect(parts.length).toBeGreaterThan(0);
    for (const part of parts) expect(v.request('NotifyReport', part), `part ${part.seqNo}`).toBeNull();
    // One EVSE component per EVSE of the profile, one Connector per connector.
    const evses = new Set(p.connectors.map((c) => c.evse));
    expect(dm.components.filter((c) => c.component.name === 'EVSE')).toHaveLength(evses.size);
    expect(dm.components.filter((c) => c.component.name === 'Connector')).toHaveLength(p.connectors.length);
    expect(read(dm, null, 'ChargingStation', 'VendorName')).toBe(p.vendor);
    expect(read(dm, null, 'ChargingStation', 'Model')).toBe(p.model);
  });

  it.each(SPEAK_201.filter((p) => p.deviceModel).map((p) => [p.name, p] as const))('%s: every value its deviceModel: section sets is in the model', (_name, p) => {
    const dm = modelOf(p);
    for (const [componentKey, variables] of Object.entries(p.deviceModel!)) {
      if (variables === false || componentKey.includes('@')) continue;
      for (const [variableKey, entry] of Object.entries(variables as Record<string, unknown>)) {
        const m = /^([^[]+)(?:\[([^\]]+)\])?$/.exec(variableKey)!;
        const def = findVariable(dm, componentKey, { name: m[1], ...(m[2] ? { instance: m[2] } : {}) });
        if (entry === false) {
          expect(def, `${componentKey}.${variableKey} left out`).toBeUndefined();
          continue;
        }
        const value = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as { value?: unknown }).value : entry;
        if (value === undefined) continue;
        const expected = Array.isArray(value) ? value.join(',') : String(value);
        expect(def, `${componentKey}.${variableKey}`).toBeDefined();
        expect(def!.attributes[0]?.value, `${componentKey}.${variableKey}`).toBe(expected);
      }
    }
  });

  it('the models extending generic-201-dc inherit what of its section they do not change', () => {
    const generic = loadProfile('generic-201-dc').deviceModel!;
    const children = BUILTINS.filter((b) => rawOf(b.file).extends === 'generic-201-dc');
    expect(children.length).toBeGreaterThan(0);
    for (const { name, file } of children) {
      const own = (rawOf(file).deviceModel ?? {}) as Record<string, Record<string, unknown>>;
      const merged = loadProfile(name).deviceModel as Record<string, Record<string, unknown>>;
      for (const [component, variables] of Object.entries(generic as Record<string, Record<string, unknown>>)) {
        if (own[component] === false as unknown) continue;
        for (const [variable, entry] of Object.entries(variables)) {
          if (own[component]?.[variable] === undefined) expect(merged[component][variable], `${name} ${component}.${variable}`).toEqual(entry);
        }
      }
    }
  });
});

// ---------------------------------------------------------------- errors

describe('a bad deviceModel: entry, with file:line:col and field', () => {
  it.each([
    [
      'an unknown component, at its key',
      '  OCPPComCtrlr:\n    HeartbeatInterval: 120\n',
      { line: 10, col: 3, field: 'deviceModel.OCPPComCtrlr', message: "unknown component 'OCPPComCtrlr' (did you mean 'OCPPCommCtrlr'?)" },
    ],
    [
      'an unknown variable, at its key',
      '  OCPPCommCtrlr:\n    HeartbeatIntervall: 120\n',
      { line: 11, col: 5, field: 'deviceModel.OCPPCommCtrlr.HeartbeatIntervall', message: "OCPPCommCtrlr has no variable 'HeartbeatIntervall' (did you mean 'HeartbeatInterval'?)" },
    ],
    [
      'a value of the wrong type, at the value',
      '  AuthCtrlr:\n    LocalPreAuthorize: maybe\n',
      { line: 11, col: 24, field: 'deviceModel.AuthCtrlr.LocalPreAuthorize', message: expect.stringMatching(/^'maybe' is not .*\(LocalPreAuthorize: boolean\)$/) },
    ],
    [
      'a value of the wrong type in the map form, at the value',
      '  TxCtrlr:\n    EVConnectionTimeOut:\n      value: 1.5\n',
      // At the entry's map (the checker names the variable): its first line is the value's.
      { line: 12, col: 7, field: 'deviceModel.TxCtrlr.EVConnectionTimeOut', message: expect.stringMatching(/^'1\.5' is not an integer/) },
    ],
    [
      'a value outside the variable’s list',
      '  SampledDataCtrlr:\n    TxUpdatedMeasurands: [Energy.Active.Import.Register, Frequency]\n',
      { line: 11, field: 'deviceModel.SampledDataCtrlr.TxUpdatedMeasurands', message: expect.stringMatching(/Frequency/) },
    ],
    [
      'an EVSE the model does not have',
      '  EVSE@3:\n    Power: { maxSet: 7400 }\n',
      { line: 10, col: 3, field: 'deviceModel.EVSE@3', message: 'no EVSE at 3 (this model has 1, 2)' },
    ],
    [
      'a required variable left out',
      '  TxCtrlr:\n    TxStartPoint: false\n',
      { line: 11, field: 'deviceModel.TxCtrlr.TxStartPoint', message: 'TxCtrlr.TxStartPoint is required by OCPP 2.0.1 and cannot be left out' },
    ],
    [
      'an unknown key of a variable entry',
      '  OCPPCommCtrlr:\n    HeartbeatInterval: { value: 60, mutabilty: ReadOnly }\n',
      { line: 11, col: 37, field: 'deviceModel.OCPPCommCtrlr.HeartbeatInterval.mutabilty', message: "unknown key 'mutabilty' (did you mean 'mutability'?)" },
    ],
  ])('%s', (_what, section, expected) => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${STATION_201}deviceModel:\n${section}` });
    expect(only(checkProfileFile(f['x.yaml']))).toMatchObject({ file: f['x.yaml'], ...expected });
    // loadProfile refuses it with the same issue (the CLI's exit 2).
    expect(() => loadProfile(f['x.yaml'])).toThrow(ConfigError);
  });

  it('every problem of the section is reported at once', () => {
    const f = writeProfiles({
      'x.yaml': `description: x\n${STATION_201}deviceModel:\n  Foo: { A: 1 }\n  OCPPCommCtrlr:\n    HeartbeatInterval: -5s\n    Nope: 1\n`,
    });
    expect(checkProfileFile(f['x.yaml']).map((i) => i.field)).toEqual(['deviceModel.Foo', 'deviceModel.OCPPCommCtrlr.HeartbeatInterval', 'deviceModel.OCPPCommCtrlr.Nope']);
  });

  it('the section must be a map (the schema)', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${STATION_201}deviceModel: [OCPPCommCtrlr]\n` });
    expect(only(checkProfileFile(f['x.yaml']))).toMatchObject({ line: 9, col: 14, field: 'deviceModel' });
  });

  it('a section in a profile that does not speak 2.0.1 is an error at the section', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${STATION_201.replace('["2.0.1"]', '["1.6"]')}deviceModel:\n  OCPPCommCtrlr:\n    HeartbeatInterval: 120\n` });
    const issue = only(checkProfileFile(f['x.yaml']));
    expect(issue).toMatchObject({ line: 9, col: 1, field: 'deviceModel' });
    expect(issue.message).toBe('the OCPP 2.0.1 device model of a profile that does not speak 2.0.1 (ocpp: 1.6) would be ignored: add "2.0.1" to ocpp or remove deviceModel');
  });

  it('… and at the ocpp: list of a child that drops 2.0.1 from a parent with a section', () => {
    const f = writeProfiles({
      'parent.yaml': `description: parent\n${STATION_201}deviceModel:\n  OCPPCommCtrlr:\n    HeartbeatInterval: 120\n`,
      'child.yaml': 'description: child\nextends: parent.yaml\nocpp: ["1.6"]\n',
    });
    expect(checkProfileFile(f['parent.yaml'])).toEqual([]);
    expect(only(checkProfileFile(f['child.yaml']))).toMatchObject({ file: f['child.yaml'], line: 3, col: 7, field: 'ocpp' });
  });

  it('an entry of a parent that does not fit the child (an EVSE it no longer has) is reported in the parent', () => {
    const f = writeProfiles({
      'parent.yaml': `description: parent\n${STATION_201}deviceModel:\n  EVSE@2:\n    Power: { maxSet: 7400 }\n`,
      'child.yaml': 'description: child\nextends: parent.yaml\nconnectors:\n  - { type: Type2, current: AC, maxPowerW: 22000 }\n',
    });
    expect(checkProfileFile(f['parent.yaml'])).toEqual([]);
    expect(only(checkProfileFile(f['child.yaml']))).toMatchObject({ file: f['parent.yaml'], line: 10, col: 3, field: 'deviceModel.EVSE@2', message: 'no EVSE at 2 (this model has 1)' });
  });
});

// ---------------------------------------------------------------- extends

describe('extends: merges deviceModel per component and variable', () => {
  const PARENT = `description: parent
abstract: true
${STATION_201}deviceModel:
  OCPPCommCtrlr:
    HeartbeatInterval: 120
    WebSocketPingInterval: { value: 30, mutability: ReadOnly }
  TariffCostCtrlr: false
  DeviceDataCtrlr:
    ItemsPerMessage[GetReport]: 20
`;
  const CHILD = `description: child
extends: parent.yaml
deviceModel:
  OCPPCommCtrlr:
    WebSocketPingInterval: 60
  TxCtrlr:
    EVConnectionTimeOut: 90
  TariffCostCtrlr:
    Currency: NOK
`;

  it('components of both; a child variable entry replaces the parent’s entry whole; the rest is inherited', () => {
    const f = writeProfiles({ 'parent.yaml': PARENT, 'child.yaml': CHILD });
    const p = loadProfile(f['child.yaml']);
    expect(p.deviceModel).toEqual({
      OCPPCommCtrlr: { HeartbeatInterval: 120, WebSocketPingInterval: 60 },
      TariffCostCtrlr: { Currency: 'NOK' },
      DeviceDataCtrlr: { 'ItemsPerMessage[GetReport]': 20 },
      TxCtrlr: { EVConnectionTimeOut: 90 },
    });
    const dm = modelOf(p);
    expect(read(dm, null, 'OCPPCommCtrlr', 'HeartbeatInterval')).toBe('120');
    // The child's 60 replaces the parent's entry: its ReadOnly goes with it (the standard ReadWrite).
    const ping = findVariable(dm, 'OCPPCommCtrlr', 'WebSocketPingInterval')!;
    expect(ping.attributes[0]).toMatchObject({ value: '60', mutability: 'ReadWrite' });
    // A component the parent left out, brought back by the child with a change.
    expect(read(dm, null, 'TariffCostCtrlr', 'Currency')).toBe('NOK');
    expect(dm.limits.itemsGetReport).toBe(20);
    expect(read(dm, null, 'TxCtrlr', 'EVConnectionTimeOut')).toBe('90');
  });

  it('a child can leave out a component the parent changed', () => {
    const f = writeProfiles({ 'parent.yaml': PARENT.replace('TariffCostCtrlr: false', 'TariffCostCtrlr:\n    Currency: SEK'), 'child.yaml': 'description: c\nextends: parent.yaml\ndeviceModel:\n  TariffCostCtrlr: false\n' });
    const dm = modelOf(loadProfile(f['child.yaml']));
    expect(dm.components.some((c) => c.component.name === 'TariffCostCtrlr')).toBe(false);
  });

  it('a profile without a section has none (the generated defaults)', () => {
    const f = writeProfiles({ 'x.yaml': `description: x\n${STATION_201}` });
    expect(loadProfile(f['x.yaml']).deviceModel).toBeUndefined();
  });
});

describe('deviceModelInputOf', () => {
  it('identity, EVSEs and meter defaults of the profile; a serial only when every charge point has the same one', () => {
    const p = loadProfile('generic-201-ac');
    const input = deviceModelInputOf(p);
    expect(input).toMatchObject({
      vendor: p.vendor,
      model: p.model,
      firmware: p.firmwareVersion,
      measurands: p.meterValuesSampledData.split(','),
      sampleIntervalS: p.meterValueSampleInterval,
      alignedIntervalS: p.clockAlignedDataInterval,
    });
    expect(input.evses.map((e) => e.id)).toEqual([1, 2]);
    expect(input.serial).toBeUndefined(); // SIM-${id}
    expect(deviceModelInputOf({ ...p, serial: 'FIXED-1' }).serial).toBe('FIXED-1');
  });
});
