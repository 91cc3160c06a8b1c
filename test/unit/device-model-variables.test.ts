/** GetVariables (OCPP 2.0.1 B06) and SetVariables (B05): every status, values read back, limits. */
import { describe, expect, it } from 'vitest';
import {
  getVariables,
  read,
  readSlot,
  requestLimitViolation,
  setVariables,
  slotOf,
  stateAfterReboot,
  type DeviceModelState,
  type LiveValues,
  type VariableDef,
} from '../../src/ocpp201/device-model/index.js';
import type { GetVariableDataType, SetVariableDataType } from '../../src/ocpp201/generated/types.gen.js';
import { expectValidRequest, expectValidResponse, model } from './device-model-fixture.js';

const dm = model();

const get = (component: GetVariableDataType['component'], variable: string, extra: Partial<GetVariableDataType> = {}): GetVariableDataType => ({
  component,
  variable: { name: variable },
  ...extra,
});
const set = (component: SetVariableDataType['component'], variable: string, attributeValue: string, extra: Partial<SetVariableDataType> = {}): SetVariableDataType => ({
  component,
  variable: { name: variable },
  attributeValue,
  ...extra,
});

/** GetVariables and SetVariables as a CSMS exchanges them: both payloads schema-checked. */
function getAll(state: DeviceModelState, data: GetVariableDataType[], live?: LiveValues) {
  expectValidRequest('GetVariables', { getVariableData: data });
  const results = getVariables(dm, state, data, live);
  expectValidResponse('GetVariables', { getVariableResult: results });
  return results;
}
function setAll(state: DeviceModelState, data: SetVariableDataType[]) {
  expectValidRequest('SetVariables', { setVariableData: data });
  const out = setVariables(dm, state, data);
  expectValidResponse('SetVariables', { setVariableResult: out.results });
  return out;
}

describe('GetVariables', () => {
  it('answers every status, one result per item in order, echoing component, variable and attributeType (B06.FR.01–11)', () => {
    const data = [
      get({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval'),
      get({ name: 'NoSuchCtrlr' }, 'HeartbeatInterval'),
      get({ name: 'OCPPCommCtrlr' }, 'NoSuchVariable'),
      get({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', { attributeType: 'Target' }),
      get({ name: 'SecurityCtrlr' }, 'BasicAuthPassword'),
      get({ name: 'EVSE', evse: { id: 1 } }, 'Power', { attributeType: 'MaxSet' }),
    ];
    const results = getAll(null, data);
    expect(results.map((r) => [r.attributeStatus, r.attributeType, r.attributeValue])).toEqual([
      ['Accepted', 'Actual', '300'], // B06.FR.10, B06.FR.11: Actual when absent
      ['UnknownComponent', 'Actual', undefined], // B06.FR.06: no value
      ['UnknownVariable', 'Actual', undefined], // B06.FR.07
      ['NotSupportedAttributeType', 'Target', undefined], // B06.FR.08, B06.FR.03: type echoed
      ['Rejected', 'Actual', undefined], // B06.FR.09: WriteOnly
      ['Accepted', 'MaxSet', '22000'],
    ]);
    results.forEach((r, i) => {
      expect(r.component).toBe(data[i].component); // B06.FR.02
      expect(r.variable).toBe(data[i].variable);
    });
    expect(results[4].attributeStatusInfo?.reasonCode).toBe('WriteOnly');
    expect(results[3].attributeStatusInfo?.reasonCode).toBe('UnsupportedParam');
  });

  it('matches names and instances case-insensitively (identifierString), and an empty instance as none (B06.FR.15)', () => {
    const results = getAll(null, [
      get({ name: 'ocppcommctrlr' }, 'HEARTBEATINTERVAL'),
      { component: { name: 'DeviceDataCtrlr' }, variable: { name: 'itemspermessage', instance: 'getvariables' } },
      { component: { name: 'OCPPCommCtrlr', instance: '' }, variable: { name: 'HeartbeatInterval', instance: '' } },
    ]);
    expect(results.map((r) => [r.attributeStatus, r.attributeValue])).toEqual([
      ['Accepted', '300'],
      ['Accepted', '100'],
      ['Accepted', '300'],
    ]);
  });

  it('finds instances only when named (B06.FR.14, B06.FR.15), and EVSE/Connector components only on their tier', () => {
    const results = getAll(null, [
      get({ name: 'DeviceDataCtrlr' }, 'ItemsPerMessage'), // exists only with instances
      { component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'Nope' } },
      get({ name: 'OCPPCommCtrlr', instance: 'Second' }, 'HeartbeatInterval'),
      get({ name: 'EVSE' }, 'AvailabilityState'), // no evse: not a component of this model
      get({ name: 'EVSE', evse: { id: 3 } }, 'AvailabilityState'),
      get({ name: 'Connector', evse: { id: 2, connectorId: 1 } }, 'ConnectorType'),
      get({ name: 'Connector', evse: { id: 2 } }, 'ConnectorType'),
    ]);
    expect(results.map((r) => [r.attributeStatus, r.attributeValue])).toEqual([
      ['UnknownVariable', undefined],
      ['UnknownVariable', undefined],
      ['UnknownComponent', undefined],
      ['UnknownComponent', undefined],
      ['UnknownComponent', undefined],
      ['Accepted', 'sType2'],
      ['UnknownComponent', undefined],
    ]);
  });

  it('reads a supported attribute without a value as an empty string (B06.FR.13)', () => {
    const [r] = getAll(null, [get({ name: 'ClockCtrlr' }, 'TimeZone')]);
    expect(r).toMatchObject({ attributeStatus: 'Accepted', attributeValue: '' });
  });

  it('asks the station for live values, falling back to the model (and the host clock for DateTime)', () => {
    const live: LiveValues = {
      liveValue: (v: VariableDef) => (v.variable.name === 'AvailabilityState' && v.component.component.evse?.id === 2 ? 'Occupied' : v.variable.name === 'Identity' ? 'CP042' : undefined),
    };
    const results = getAll(null, [
      get({ name: 'EVSE', evse: { id: 1 } }, 'AvailabilityState'),
      get({ name: 'EVSE', evse: { id: 2 } }, 'AvailabilityState'),
      get({ name: 'SecurityCtrlr' }, 'Identity'),
      get({ name: 'ClockCtrlr' }, 'DateTime'),
    ], live);
    expect(results.slice(0, 3).map((r) => r.attributeValue)).toEqual(['Available', 'Occupied', 'CP042']);
    expect(Math.abs(Date.parse(results[3].attributeValue!) - Date.now())).toBeLessThan(60_000);
  });

  it('cuts values to ReportingValueSize', () => {
    const small = model({ overrides: { DeviceDataCtrlr: { ReportingValueSize: 5 } } });
    const [r] = getVariables(small, null, [get({ name: 'ChargingStation' }, 'Model')]);
    expect(r.attributeValue).toBe('Virtu');
  });
});

describe('SetVariables', () => {
  it('answers every status, one result per item in order, echoing component, variable and attributeType (B05.FR.01–12)', () => {
    const data = [
      set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '120'),
      set({ name: 'NoSuchCtrlr' }, 'HeartbeatInterval', '120'),
      set({ name: 'OCPPCommCtrlr' }, 'NoSuchVariable', '120'),
      set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '120', { attributeType: 'MinSet' }),
      set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', 'soon'),
      set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '0'),
      set({ name: 'DeviceDataCtrlr' }, 'ItemsPerMessage', '5', { component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'GetVariables' } }),
      set({ name: 'OCPPCommCtrlr' }, 'NetworkConfigurationPriority', '1'),
      set({ name: 'TxCtrlr' }, 'TxStartPoint', 'Authorized'),
      set({ name: 'TxCtrlr' }, 'TxStartPoint', 'ParkingBayOccupancy'),
      set({ name: 'SecurityCtrlr' }, 'BasicAuthPassword', 'Abcdefgh12345678xyz'),
    ];
    const { results } = setAll(null, data);
    expect(results.map((r) => [r.attributeStatus, r.attributeType, r.attributeStatusInfo?.reasonCode])).toEqual([
      ['Accepted', 'Actual', undefined], // B05.FR.10, B05.FR.12
      ['UnknownComponent', 'Actual', 'NotFound'], // B05.FR.04
      ['UnknownVariable', 'Actual', 'NotFound'], // B05.FR.05
      ['NotSupportedAttributeType', 'MinSet', 'UnsupportedParam'], // B05.FR.06, B05.FR.03
      ['Rejected', 'Actual', 'InvalidValue'], // B05.FR.07: not an integer
      ['Rejected', 'Actual', 'ValueOutOfRange'], // B05.FR.08: below minLimit 1
      ['Rejected', 'Actual', 'ReadOnly'], // B05.FR.09
      ['RebootRequired', 'Actual', undefined],
      ['Accepted', 'Actual', undefined],
      ['Rejected', 'Actual', 'InvalidValue'], // not in valuesList
      ['Accepted', 'Actual', undefined], // WriteOnly can be written
    ]);
    results.forEach((r, i) => {
      expect(r.component).toBe(data[i].component); // B05.FR.02
      expect(r.variable).toBe(data[i].variable);
    });
  });

  it('keeps a change, which GetVariables reads back, and reports it for the station to act on', () => {
    const hb = slotOf(dm, 'OCPPCommCtrlr', 'HeartbeatInterval');
    const out = setAll(null, [set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '45'), set({ name: 'TxCtrlr' }, 'TxStopPoint', 'EVConnected , Authorized')]);
    expect(out.changed.map((c) => [c.def.variable.name, c.attribute, c.value, c.slot === hb, c.rebootRequired])).toEqual([
      ['HeartbeatInterval', 'Actual', '45', true, false],
      ['TxStopPoint', 'Actual', 'EVConnected,Authorized', false, false], // lists stored without spaces
    ]);
    expect(readSlot(dm, out.state, hb)).toBe('45');
    expect(read(dm, out.state, 'OCPPCommCtrlr', 'HeartbeatInterval')).toBe('45');
    expect(getAll(out.state, [get({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval')])[0].attributeValue).toBe('45');
    // Another charge point of the same model is untouched.
    expect(readSlot(dm, null, hb)).toBe('300');
  });

  it('answers RebootRequired for a change that needs a reboot, and stores it', () => {
    const rebooting = model({ overrides: { OCPPCommCtrlr: { WebSocketPingInterval: { rebootRequired: true } } } });
    const out = setVariables(rebooting, null, [set({ name: 'OCPPCommCtrlr' }, 'WebSocketPingInterval', '30')]);
    expect(out.results[0].attributeStatus).toBe('RebootRequired');
    expect(out.changed[0].rebootRequired).toBe(true);
    expect(read(rebooting, out.state, 'OCPPCommCtrlr', 'WebSocketPingInterval')).toBe('30');
    // A refused value is not "reboot required".
    expect(setVariables(rebooting, null, [set({ name: 'OCPPCommCtrlr' }, 'WebSocketPingInterval', '-1')]).results[0].attributeStatus).toBe('Rejected');
  });

  it('never reads back a WriteOnly value', () => {
    const out = setAll(null, [set({ name: 'SecurityCtrlr' }, 'BasicAuthPassword', 'Abcdefgh12345678xyz')]);
    expect(out.changed[0].value).toBe('Abcdefgh12345678xyz');
    expect(getAll(out.state, [get({ name: 'SecurityCtrlr' }, 'BasicAuthPassword')])[0]).toMatchObject({ attributeStatus: 'Rejected' });
  });

  it('matches names case-insensitively and applies items in order', () => {
    const out = setAll(null, [set({ name: 'ocppcommctrlr' }, 'heartbeatinterval', '10'), set({ name: 'OCPPCOMMCTRLR' }, 'HeartbeatInterval', '20')]);
    expect(out.results.map((r) => r.attributeStatus)).toEqual(['Accepted', 'Accepted']);
    expect(read(dm, out.state, 'OCPPCommCtrlr', 'HeartbeatInterval')).toBe('20');
  });

  it('keeps the state null while nothing differs from the model', () => {
    const rejected = setAll(null, [set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', 'x'), set({ name: 'ChargingStation' }, 'Model', 'y')]);
    expect(rejected.state).toBeNull();
    expect(rejected.changed).toEqual([]);
    const same = setAll(null, [set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '300')]);
    expect(same.results[0].attributeStatus).toBe('Accepted');
    expect(same.state).toBeNull();
    const changed = setAll(null, [set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '60')]);
    expect(changed.state?.size).toBe(1);
    // Back to the model's value: no override left.
    expect(setAll(changed.state, [set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '300')]).state).toBeNull();
  });

  it('rejects a value longer than ConfigurationValueSize', () => {
    const small = model({ overrides: { DeviceDataCtrlr: { ConfigurationValueSize: 4 } } });
    const out = setVariables(small, null, [set({ name: 'SecurityCtrlr' }, 'OrganizationName', 'ACME Charging')]);
    expect(out.results[0]).toMatchObject({ attributeStatus: 'Rejected', attributeStatusInfo: { reasonCode: 'TooLargeElement' } });
  });

  it('keeps Actual and Target within MinSet..MaxSet, and MinSet not above MaxSet (Part 1 §4.3)', () => {
    const bounded = model({ overrides: { EVSE: { Power: { target: 5000, minSet: { value: 1000, mutability: 'ReadWrite' }, maxSet: { mutability: 'ReadWrite' } } } } });
    const evse = { name: 'EVSE', evse: { id: 1 } };
    const out = setVariables(bounded, null, [
      set(evse, 'Power', '23000', { attributeType: 'Target' }), // above the characteristics' maxLimit 22000
      set(evse, 'Power', '15000', { attributeType: 'MaxSet' }),
      set(evse, 'Power', '16000', { attributeType: 'Target' }),
      set(evse, 'Power', '500', { attributeType: 'Target' }),
      set(evse, 'Power', '12000', { attributeType: 'Target' }),
      set(evse, 'Power', '14000', { attributeType: 'MinSet' }),
      set(evse, 'Power', '16000', { attributeType: 'MinSet' }),
      set(evse, 'Power', '13000', { attributeType: 'MaxSet' }),
    ]);
    expect(out.results.map((r) => [r.attributeStatus, r.attributeStatusInfo?.additionalInfo])).toEqual([
      ['Rejected', '23000 is above the maximum 22000'],
      ['Accepted', undefined],
      ['Rejected', '16000 is above MaxSet 15000'],
      ['Rejected', '500 is below MinSet 1000'],
      ['Accepted', undefined],
      ['Accepted', undefined],
      ['Rejected', '16000 is above MaxSet 15000'],
      ['Rejected', '13000 is below MinSet 14000'],
    ]);
    expect(read(bounded, out.state, evse, 'Power', 'Target')).toBe('12000');
  });
});

describe('requestLimitViolation', () => {
  it('is OccurrenceConstraintViolation past ItemsPerMessage, FormatViolation past BytesPerMessage (B06.FR.16/17, B08.FR.17/18)', () => {
    expect(requestLimitViolation(dm, 'GetVariables', 100, 32000)).toBeNull();
    expect(requestLimitViolation(dm, 'GetVariables', 101, 10)).toBe('OccurrenceConstraintViolation');
    expect(requestLimitViolation(dm, 'SetVariables', 1, 32001)).toBe('FormatViolation');
    const small = model({ overrides: { DeviceDataCtrlr: { 'ItemsPerMessage[GetReport]': 2 } } });
    expect(requestLimitViolation(small, 'GetReport', 3, 10)).toBe('OccurrenceConstraintViolation');
    expect(requestLimitViolation(small, 'GetVariables', 3, 10)).toBeNull();
  });
});

describe('stateAfterReboot', () => {
  it('keeps persistent values (all writable ones are, Referenced Components §2)', () => {
    const out = setVariables(dm, null, [set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '60')]);
    const after = stateAfterReboot(dm, out.state);
    expect(read(dm, after, 'OCPPCommCtrlr', 'HeartbeatInterval')).toBe('60');
    expect(stateAfterReboot(dm, null)).toBeNull();
  });
});
