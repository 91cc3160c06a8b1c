/** OCPP 2.0.1 readings and state mapping (ocpp201/meter-values.ts, dialect.ts), checked against the schemas. */
import { describe, expect, it } from 'vitest';
import { chargingState, connectorStatus } from '../../src/ocpp201/dialect.js';
import { energyReading, memberList, reading } from '../../src/ocpp201/meter-values.js';
import { validator201 } from '../../src/ocpp201/schemas.js';
import { Connector } from '../../src/station/connector.js';
import { DEFAULT_PROFILE, DEFAULT_QUIRKS, type ConnectorSpec } from '../../src/station/profile.js';

const v = validator201();
const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
const AC3: ConnectorSpec = DEFAULT_PROFILE.connectors[0];
const DC: ConnectorSpec = { ...AC3, type: 'CCS2', current: 'DC', phases: 1, voltage: 400, maxCurrentA: 200, maxPowerW: 80_000 };
const ALL = ['Energy.Active.Import.Register', 'Power.Active.Import', 'Power.Offered', 'Current.Import', 'Current.Offered', 'Voltage', 'SoC'];

function charging(spec: ConnectorSpec, powerW: number): Connector {
  const c = new Connector(1, 12_345.6, spec);
  c.status = 'Charging';
  c.powerW = powerW;
  c.soc = 0.42;
  c.evBatteryWh = 60_000;
  return c;
}

describe('2.0.1 meter readings', () => {
  it('3-phase AC: numbers with unitOfMeasure, per-phase current and voltage', () => {
    const mv = reading(charging(AC3, 22_080), DEFAULT_QUIRKS, ALL, NOW, 'Sample.Periodic');
    expect(mv.timestamp).toBe('2024-05-01T12:00:00.000Z');
    expect(mv.sampledValue.map((s) => [s.measurand, s.phase ?? null, s.value, s.unitOfMeasure?.unit])).toEqual([
      ['Energy.Active.Import.Register', null, 12345, 'Wh'],
      ['Power.Active.Import', null, 22080, 'W'],
      ['Power.Offered', null, 22000, 'W'],
      ['Current.Import', 'L1', 32, 'A'],
      ['Current.Import', 'L2', 32, 'A'],
      ['Current.Import', 'L3', 32, 'A'],
      ['Current.Offered', null, 32, 'A'],
      ['Voltage', 'L1-N', 230, 'V'],
      ['Voltage', 'L2-N', 230, 'V'],
      ['Voltage', 'L3-N', 230, 'V'],
    ]);
    expect(v.request('MeterValues', { evseId: 1, meterValue: [mv] })).toBeNull();
  });

  it("DC: the EV's state of charge; every reading a valid TransactionEvent meter value", () => {
    const mv = reading(charging(DC, 50_000), DEFAULT_QUIRKS, ALL, NOW, 'Sample.Clock');
    expect(mv.sampledValue.find((s) => s.measurand === 'SoC')).toMatchObject({ value: 42, location: 'EV', unitOfMeasure: { unit: 'Percent' } });
    const event = { eventType: 'Updated', timestamp: mv.timestamp, triggerReason: 'MeterValueClock', seqNo: 3, transactionInfo: { transactionId: 'x' }, meterValue: [mv] };
    expect(v.request('TransactionEvent', event)).toBeNull();
  });

  it('an empty measurand list still gives the register (a MeterValue needs one sampled value)', () => {
    const mv = reading(charging(AC3, 0), DEFAULT_QUIRKS, [], NOW, 'Trigger');
    expect(mv.sampledValue).toHaveLength(1);
    expect(v.request('MeterValues', { evseId: 1, meterValue: [energyReading(1000, NOW, 'Transaction.End'), mv] })).toBeNull();
  });

  it('member lists are parsed once and shared', () => {
    expect(memberList(' SoC, Voltage ,')).toEqual(['SoC', 'Voltage']);
    expect(memberList('SoC,Voltage')).toBe(memberList('SoC,Voltage'));
    expect(memberList(undefined)).toEqual([]);
  });
});

describe('2.0.1 states', () => {
  it('ConnectorStatus is coarse: everything on an occupied connector is Occupied (G01)', () => {
    expect(['Available', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved', 'Unavailable', 'Faulted'].map((s) => connectorStatus(s as never))).toEqual([
      'Available', 'Occupied', 'Occupied', 'Occupied', 'Occupied', 'Occupied', 'Reserved', 'Unavailable', 'Faulted',
    ]);
  });

  it('chargingState tells what happens on it (E02)', () => {
    expect(['Available', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing'].map((s) => chargingState(s as never))).toEqual([
      'Idle', 'EVConnected', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'EVConnected',
    ]);
  });
});
