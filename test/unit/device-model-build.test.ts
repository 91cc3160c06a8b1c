/** Building the shared device model of a profile: topology, standard variables, sharing, per-station cost. */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  baseReport,
  buildDeviceModel,
  evsesOf,
  getVariables,
  read,
  setVariables,
  type DeviceModelState,
} from '../../src/ocpp201/device-model/index.js';
import type { GetVariableDataType } from '../../src/ocpp201/generated/types.gen.js';
import { connectorsOf, type ConnectorSpec } from '../../src/station/profile.js';
import { INPUT, model } from './device-model-fixture.js';

describe('evsesOf', () => {
  it('groups connectors by EVSE and maps their types, phases and protocols (ConnectorEnumType, appendix ConnectorType)', () => {
    const dc = { current: 'DC', phases: 1, voltage: 920, maxCurrentA: 200, maxPowerW: 150_000 } as const;
    const connectors: ConnectorSpec[] = [
      { ...dc, type: 'CCS2', evse: 1 },
      { ...dc, type: 'CHAdeMO', evse: 1, maxPowerW: 50_000 },
      { type: 'Type2', current: 'AC', phases: 3, voltage: 230, maxCurrentA: 32, maxPowerW: 22_000, evse: 2 },
      { ...dc, type: 'NACS', evse: 3 },
      { ...dc, type: 'GBT', evse: 4 },
    ];
    expect(evsesOf(connectors)).toEqual([
      {
        id: 1,
        connectors: [
          { id: 1, type: 'cCCS2', chargeProtocol: 'ISO15118', phases: 0, maxPowerW: 150_000 },
          { id: 2, type: 'cG105', chargeProtocol: 'CHAdeMO', phases: 0, maxPowerW: 50_000 },
        ],
      },
      { id: 2, connectors: [{ id: 1, type: 'sType2', chargeProtocol: 'CPPWM', phases: 3, maxPowerW: 22_000 }] },
      { id: 3, connectors: [{ id: 1, type: 'cTesla', chargeProtocol: 'ISO15118', phases: 0, maxPowerW: 150_000 }] },
      { id: 4, connectors: [{ id: 1, type: 'cGBT', chargeProtocol: 'Unknown', phases: 0, maxPowerW: 150_000 }] },
    ]);
  });
});

describe('buildDeviceModel', () => {
  it('has an EVSE component per EVSE and a Connector per connector, on their tiers (Part 1 §4.1)', () => {
    const dm = model();
    const tiers = dm.components.filter((c) => c.component.evse).map((c) => [c.component.name, c.component.evse!.id, c.component.evse!.connectorId]);
    expect(tiers).toEqual([
      ['EVSE', 1, undefined],
      ['Connector', 1, 1],
      ['EVSE', 2, undefined],
      ['Connector', 2, 1],
    ]);
    const connector = dm.components.find((c) => c.component.name === 'Connector' && c.component.evse!.id === 2)!;
    expect(connector.parent?.component).toEqual({ name: 'EVSE', evse: { id: 2 } });
  });

  it('takes hardware values from the topology and identity from the profile', () => {
    const dm = buildDeviceModel({
      ...INPUT,
      evses: evsesOf([
        { type: 'CCS2', current: 'DC', phases: 1, voltage: 920, maxCurrentA: 375, maxPowerW: 150_000, evse: 1 },
        { type: 'Type2', current: 'AC', phases: 1, voltage: 230, maxCurrentA: 32, maxPowerW: 7_400, evse: 2 },
      ]),
    });
    const actual = (component: Parameters<typeof read>[2], variable: string) => read(dm, null, component, variable);
    expect(actual('ChargingStation', 'VendorName')).toBe('ocpp-sim');
    expect(actual('ChargingStation', 'Model')).toBe('Virtual AC 22 v2');
    expect(actual('ChargingStation', 'SupplyPhases')).toBe('1');
    expect(actual({ name: 'EVSE', evse: { id: 1 } }, 'SupplyPhases')).toBe('0'); // DC
    expect(read(dm, null, { name: 'EVSE', evse: { id: 2 } }, 'Power', 'MaxSet')).toBe('7400');
    expect(actual({ name: 'Connector', evse: { id: 1, connectorId: 1 } }, 'ConnectorType')).toBe('cCCS2');
    const power = dm.variables.find((v) => v.variable.name === 'Power' && v.component.component.evse?.id === 1)!;
    expect(power.characteristics).toMatchObject({ maxLimit: 150_000, unit: 'W' });
    // The meter's measurands (Temperature is no 2.0.1 MeasurandEnumType) and interval.
    expect(read(dm, null, 'SampledDataCtrlr', 'TxUpdatedMeasurands')).toBe('Energy.Active.Import.Register,Power.Active.Import');
    expect(read(dm, null, 'SampledDataCtrlr', 'TxUpdatedInterval')).toBe('60');
  });

  it('has the standard variables with the specification\'s mutability, types and units', () => {
    const dm = model();
    const def = (component: string, variable: string, instance?: string) =>
      dm.variables.find((v) => v.component.component.name === component && v.variable.name === variable && v.variable.instance === instance)!;
    const cases: [string, string, string | undefined, string, string, string | undefined][] = [
      ['OCPPCommCtrlr', 'HeartbeatInterval', undefined, 'ReadWrite', 'integer', 's'],
      ['OCPPCommCtrlr', 'MessageTimeout', 'Default', 'ReadOnly', 'integer', 's'],
      ['OCPPCommCtrlr', 'NetworkConfigurationPriority', undefined, 'ReadWrite', 'SequenceList', undefined],
      ['DeviceDataCtrlr', 'ItemsPerMessage', 'GetVariables', 'ReadOnly', 'integer', undefined],
      ['SecurityCtrlr', 'BasicAuthPassword', undefined, 'WriteOnly', 'string', undefined],
      ['SecurityCtrlr', 'SecurityProfile', undefined, 'ReadOnly', 'integer', undefined],
      ['ClockCtrlr', 'DateTime', undefined, 'ReadOnly', 'dateTime', undefined],
      ['TxCtrlr', 'TxStartPoint', undefined, 'ReadWrite', 'MemberList', undefined],
      ['SmartChargingCtrlr', 'LimitChangeSignificance', undefined, 'ReadWrite', 'decimal', 'Percent'],
      ['TariffCostCtrlr', 'Enabled', 'Tariff', 'ReadWrite', 'boolean', undefined],
      ['ChargingStation', 'AvailabilityState', undefined, 'ReadOnly', 'OptionList', undefined],
    ];
    for (const [component, variable, instance, mutability, dataType, unit] of cases) {
      const v = def(component, variable, instance);
      expect(v, `${component}.${variable}`).toBeDefined();
      expect([v.attributes[0]!.mutability, v.characteristics.dataType, v.characteristics.unit], `${component}.${variable}`).toEqual([mutability, dataType, unit]);
    }
    // Writable values are persistent (Referenced Components §2); live ones are not constant.
    expect(def('OCPPCommCtrlr', 'HeartbeatInterval').attributes[0]).toMatchObject({ persistent: true, constant: false });
    expect(def('ChargingStation', 'Model').attributes[0]).toMatchObject({ persistent: true, constant: true });
    expect(def('ChargingStation', 'AvailabilityState').attributes[0]).toMatchObject({ persistent: false, constant: false });
  });

  it('is immutable and shared: one model serves every charge point', () => {
    const dm = model();
    expect(Object.isFrozen(dm)).toBe(true);
    expect(Object.isFrozen(dm.variables)).toBe(true);
    expect(Object.isFrozen(dm.variables[0])).toBe(true);
    expect(Object.isFrozen(dm.variables[0].fullReport)).toBe(true);
    expect(Object.isFrozen(dm.defaults)).toBe(true);
    expect(() => (dm.variables[0].attributes[0] as { value?: string }).value = 'x').toThrow(TypeError);
  });

  it('reads the DeviceDataCtrlr sizes into its limits, bounded by the schemas', () => {
    expect(model().limits).toEqual({
      itemsGetVariables: 100,
      bytesGetVariables: 32000,
      itemsSetVariables: 100,
      bytesSetVariables: 32000,
      itemsGetReport: 100,
      bytesGetReport: 32000,
      setValueSize: 1000,
      reportValueSize: 2500,
    });
    expect(model({ overrides: { DeviceDataCtrlr: { ValueSize: 200, ItemsPerMessage: 7 } } }).limits).toMatchObject({
      itemsGetVariables: 7,
      itemsSetVariables: 7,
      itemsGetReport: 7,
      setValueSize: 200,
      reportValueSize: 200,
    });
  });

  it('refuses overrides with problems (the profile loader checks them first)', () => {
    expect(() => model({ overrides: { OCPPCommCtrlr: { HeartbeatInterval: 'often' } } })).toThrow(/OCPPCommCtrlr\.HeartbeatInterval: 'often' is not an integer/);
  });

  it('a connector count makes that many EVSEs', () => {
    const ac = { type: 'Type2', current: 'AC', phases: 3, voltage: 230, maxCurrentA: 32, maxPowerW: 22_000 } as const;
    const dm = buildDeviceModel({ ...INPUT, evses: evsesOf(connectorsOf(ac, 12)) });
    expect(dm.components.filter((c) => c.component.name === 'EVSE')).toHaveLength(12);
  });
});

describe('per charge point state', () => {
  /** A real collection (V8's gc, reachable through --expose-gc set at run time). */
  function collect(): () => void {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  }

  it('is null, ~0 bytes, for 10,000 charge points that are read and reported but never set', () => {
    const gc = collect();
    const dm = model();
    const data: GetVariableDataType[] = [
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
      { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' } },
    ];
    const refused = [{ component: { name: 'ChargingStation' }, variable: { name: 'Model' }, attributeValue: 'other' }];
    const states: DeviceModelState[] = new Array<DeviceModelState>(10_000).fill(null);
    const touch = (i: number) => {
      getVariables(dm, states[i], data);
      baseReport(dm, states[i], 'FullInventory');
      states[i] = setVariables(dm, states[i], refused).state; // rejected: read-only
    };
    // A first pass warms up: optimised code and inline caches are heap too, but per process, not per station.
    for (let i = 0; i < states.length; i++) touch(i);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < states.length; i++) touch(i);
    gc();
    const after = process.memoryUsage().heapUsed;
    expect(states.every((s) => s === null)).toBe(true);
    expect((after - before) / states.length).toBeLessThan(16);

    // The measurement sees state when there is some: one accepted change each.
    const change = [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '60' }];
    gc();
    const unchanged = process.memoryUsage().heapUsed;
    for (let i = 0; i < states.length; i++) states[i] = setVariables(dm, states[i], change).state;
    gc();
    expect(states.every((s) => s?.size === 1)).toBe(true);
    expect((process.memoryUsage().heapUsed - unchanged) / states.length).toBeGreaterThan(64);
  });
});
