/** A profile's `deviceModel:` section: what it can change, and every problem reported with its path. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkDeviceModelSection, getVariables, read, setVariables } from '../../src/ocpp201/device-model/index.js';
import { INPUT, model } from './device-model-fixture.js';

const issues = (section: unknown) => checkDeviceModelSection(section, INPUT);

describe('deviceModel section', () => {
  it('sets values, mutability, limits, value lists, attributes and reboot needs, as YAML gives them', () => {
    const section = parse(`
OCPPCommCtrlr:
  HeartbeatInterval: 120
  MessageTimeout[Default]: 45
  WebSocketPingInterval: { value: 30, mutability: ReadOnly }
  OfflineThreshold: { rebootRequired: true }
SampledDataCtrlr:
  TxUpdatedMeasurands: [Energy.Active.Import.Register, SoC]
AuthCtrlr:
  LocalPreAuthorize: true
SmartChargingCtrlr:
  LimitChangeSignificance: 2.5
DeviceDataCtrlr:
  ItemsPerMessage: 20
TxCtrlr:
  TxStartPoint: { valuesList: [EVConnected, Authorized], value: Authorized }
EVSE:
  Power: { maxSet: 11000 }
EVSE@2:
  Power: { maxLimit: 7400, maxSet: 7400 }
Connector@1.1:
  ConnectorType: cType2
`);
    expect(issues(section)).toEqual([]);
    const dm = model({ overrides: section });
    const get = (c: Parameters<typeof read>[2], v: Parameters<typeof read>[3], a?: Parameters<typeof read>[4]) => read(dm, null, c, v, a);
    expect(get('OCPPCommCtrlr', 'HeartbeatInterval')).toBe('120');
    expect(get('OCPPCommCtrlr', { name: 'MessageTimeout', instance: 'Default' })).toBe('45');
    expect(get('SampledDataCtrlr', 'TxUpdatedMeasurands')).toBe('Energy.Active.Import.Register,SoC');
    expect(get('AuthCtrlr', 'LocalPreAuthorize')).toBe('true');
    expect(get('SmartChargingCtrlr', 'LimitChangeSignificance')).toBe('2.5');
    for (const instance of ['GetReport', 'GetVariables', 'SetVariables']) expect(get('DeviceDataCtrlr', { name: 'ItemsPerMessage', instance })).toBe('20');
    expect(get({ name: 'EVSE', evse: { id: 1 } }, 'Power', 'MaxSet')).toBe('11000');
    expect(get({ name: 'EVSE', evse: { id: 2 } }, 'Power', 'MaxSet')).toBe('7400');
    expect(get({ name: 'Connector', evse: { id: 1, connectorId: 1 } }, 'ConnectorType')).toBe('cType2');
    expect(get({ name: 'Connector', evse: { id: 2, connectorId: 1 } }, 'ConnectorType')).toBe('sType2');

    const set = (component: string, variable: string, attributeValue: string) => setVariables(dm, null, [{ component: { name: component }, variable: { name: variable }, attributeValue }]).results[0].attributeStatus;
    expect(set('OCPPCommCtrlr', 'WebSocketPingInterval', '10')).toBe('Rejected'); // made read-only
    expect(set('OCPPCommCtrlr', 'OfflineThreshold', '10')).toBe('RebootRequired');
    expect(set('TxCtrlr', 'TxStartPoint', 'PowerPathClosed')).toBe('Rejected'); // not in the model's list any more
    const [tx] = getVariables(dm, null, [{ component: { name: 'TxCtrlr' }, variable: { name: 'TxStartPoint' } }]);
    expect(tx.attributeValue).toBe('Authorized');
  });

  it('leaves out optional components and variables (UnknownComponent / UnknownVariable then)', () => {
    const section = { TariffCostCtrlr: false, AuthCacheCtrlr: { Policy: false } };
    expect(issues(section)).toEqual([]);
    const dm = model({ overrides: section });
    const results = getVariables(dm, null, [
      { component: { name: 'TariffCostCtrlr' }, variable: { name: 'Currency' } },
      { component: { name: 'AuthCacheCtrlr' }, variable: { name: 'Policy' } },
      { component: { name: 'AuthCacheCtrlr' }, variable: { name: 'LifeTime' } },
    ]);
    expect(results.map((r) => r.attributeStatus)).toEqual(['UnknownComponent', 'UnknownVariable', 'Accepted']);
  });

  it('matches names case-insensitively', () => {
    expect(issues({ ocppcommctrlr: { heartbeatinterval: 60 }, evse: { power: { maxset: 1000 } } })).toEqual([
      { path: ['evse', 'power', 'maxset'], message: "unknown key 'maxset' (did you mean 'maxSet'?)" },
    ]);
    expect(read(model({ overrides: { ocppcommctrlr: { heartbeatinterval: 60 } } }), null, 'OCPPCommCtrlr', 'HeartbeatInterval')).toBe('60');
  });

  it('reports every problem with its path', () => {
    const found = issues(
      parse(`
OCPPComCtrlr:
  HeartbeatInterval: 60
OCPPCommCtrlr:
  HeartbeatInteval: 60
  HeartbeatInterval: 0
  MessageTimeout[Default]: often
  ResetRetries: false
  WebSocketPingInterval: { value: 1, mutability: Sometimes, rebootRequired: maybe, colour: red }
  NetworkProfileConnectionAttempts:
TxCtrlr:
  TxStartPoint: [EVConnected, Teleport]
  TxStopPoint: { minLimit: 10, maxLimit: 1 }
SecurityCtrlr:
  BasicAuthPassword: tooshort
EVSE@3:
  Power: 1
EVSE@1:
  Power: { maxSet: 99999 }
ClockCtrlr@1:
  TimeZone: x
Connector@2.7:
  ConnectorType: cType2
AuthCtrlr: [1, 2]
"Bad key!":
  x: 1
`),
    );
    expect(found).toEqual([
      { path: ['OCPPComCtrlr'], message: "unknown component 'OCPPComCtrlr' (did you mean 'OCPPCommCtrlr'?)" },
      { path: ['OCPPCommCtrlr', 'HeartbeatInteval'], message: "OCPPCommCtrlr has no variable 'HeartbeatInteval' (did you mean 'HeartbeatInterval'?)" },
      { path: ['OCPPCommCtrlr', 'HeartbeatInterval'], message: '0 is below the minimum 1 (HeartbeatInterval: integer)' },
      { path: ['OCPPCommCtrlr', 'MessageTimeout[Default]'], message: "'often' is not an integer (digits, no leading zeros, no plus sign) (MessageTimeout: integer)" },
      { path: ['OCPPCommCtrlr', 'ResetRetries'], message: 'OCPPCommCtrlr.ResetRetries is required by OCPP 2.0.1 and cannot be left out' },
      { path: ['OCPPCommCtrlr', 'WebSocketPingInterval', 'colour'], message: "unknown key 'colour'" },
      { path: ['OCPPCommCtrlr', 'WebSocketPingInterval', 'mutability'], message: "'Sometimes' is not one of ReadOnly, ReadWrite, WriteOnly" },
      { path: ['OCPPCommCtrlr', 'WebSocketPingInterval', 'rebootRequired'], message: 'must be true or false' },
      { path: ['OCPPCommCtrlr', 'NetworkProfileConnectionAttempts'], message: 'needs a value (or false to leave an optional variable out)' },
      {
        path: ['TxCtrlr', 'TxStartPoint'],
        message: "'Teleport' is not one of EVConnected,Authorized,PowerPathClosed,EnergyTransfer (TxStartPoint: MemberList of EVConnected,Authorized,PowerPathClosed,EnergyTransfer)",
      },
      { path: ['TxCtrlr', 'TxStopPoint'], message: 'minLimit 10 is above maxLimit 1' },
      { path: ['SecurityCtrlr', 'BasicAuthPassword'], message: 'not 16 to 40 characters of a-z A-Z 0-9 * - _ = : + | @ . (BasicAuthPassword: string)' },
      { path: ['EVSE@3'], message: 'no EVSE at 3 (this model has 1, 2)' },
      { path: ['EVSE@1', 'Power', 'maxSet'], message: '99999 is above the maximum 22000 (Power: decimal)' },
      { path: ['ClockCtrlr@1'], message: 'ClockCtrlr is not an EVSE or connector component: no @ tier' },
      { path: ['Connector@2.7'], message: 'no Connector at 2.7 (this model has 1.1, 2.1)' },
      { path: ['AuthCtrlr'], message: 'must be a map of variables, or false to leave an optional component out' },
      { path: ['Bad key!'], message: "unknown component 'Bad key!'" },
    ]);
  });

  it('refuses to leave out what OCPP 2.0.1 requires', () => {
    expect(issues({ OCPPCommCtrlr: false, EVSE: false, ReservationCtrlr: false })).toEqual([
      { path: ['OCPPCommCtrlr'], message: 'OCPPCommCtrlr is required by OCPP 2.0.1 and cannot be left out' },
      { path: ['EVSE'], message: 'EVSE is required by OCPP 2.0.1 and cannot be left out' },
    ]);
  });

  it('accepts no section, and says what a section must be', () => {
    expect(issues(undefined)).toEqual([]);
    expect(issues(null)).toEqual([]);
    expect(issues(['OCPPCommCtrlr'])).toEqual([{ path: [], message: 'must be a map of components to their variables' }]);
    expect(issues({ 'ChargingStation[left]': {} })).toEqual([{ path: ['ChargingStation[left]'], message: "ChargingStation has no instance 'left' (the standard components have none)" }]);
  });

  it('does not change the standard definitions other models share', () => {
    model({ overrides: { OCPPCommCtrlr: { HeartbeatInterval: 5 }, EVSE: { Power: { maxSet: 100 } } } });
    const plain = model();
    expect(read(plain, null, 'OCPPCommCtrlr', 'HeartbeatInterval')).toBe('300');
    expect(read(plain, null, { name: 'EVSE', evse: { id: 1 } }, 'Power', 'MaxSet')).toBe('22000');
  });
});
