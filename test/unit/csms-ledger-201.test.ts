/** The energy register reading of a 2.0.1 TransactionEvent's meter values (csms/ocpp201/ledger.ts). */
import { describe, expect, it } from 'vitest';
import { energyRegisterWh } from '../../src/csms/ocpp201/ledger.js';

const at = '2025-01-01T00:00:00Z';
const mv = (...sampledValue: object[]) => ({ timestamp: at, sampledValue }) as any;

describe('energyRegisterWh', () => {
  it('Default_measurand_and_unit__Wh', () => {
    expect(energyRegisterWh([mv({ value: 1500 })])).toBe(1500);
    expect(energyRegisterWh([mv({ value: 1500, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } })])).toBe(1500);
  });

  it('kWh_and_multipliers_are_converted', () => {
    expect(energyRegisterWh([mv({ value: 1.5, unitOfMeasure: { unit: 'kWh' } })])).toBe(1500);
    expect(energyRegisterWh([mv({ value: 15, unitOfMeasure: { multiplier: 2 } })])).toBe(1500);
    expect(energyRegisterWh([mv({ value: 1.5, unitOfMeasure: { unit: 'kWh', multiplier: -3 } })])).toBeCloseTo(1.5);
  });

  it('Other_measurands_phases_and_units_are_not_the_register', () => {
    expect(energyRegisterWh([mv({ value: 7, measurand: 'Power.Active.Import' }, { value: 230, measurand: 'Voltage', phase: 'L1-N' })])).toBeNaN();
    expect(energyRegisterWh([mv({ value: 500, phase: 'L1' })])).toBeNaN();
    expect(energyRegisterWh([mv({ value: 500, unitOfMeasure: { unit: 'varh' } })])).toBeNaN();
    expect(energyRegisterWh(undefined)).toBeNaN();
  });

  it('The_last_reading_wins', () => {
    expect(energyRegisterWh([mv({ value: 100 }), mv({ value: 7, measurand: 'Power.Active.Import' }, { value: 250 })])).toBe(250);
  });
});
