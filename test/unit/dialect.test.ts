/** OCPP 1.6 payloads built from real connectors and transactions, all checked against the schemas. */
import { describe, expect, it } from 'vitest';
import { MEASURANDS } from '../../src/ocpp16/configuration.js';
import { bootNotification, chargingStatus, mainMeterValues, meterValues, startTransaction, statusNotification, stopTransaction } from '../../src/ocpp16/dialect.js';
import { validator16 } from '../../src/ocpp16/schemas.js';
import { Connector, Transaction } from '../../src/station/connector.js';
import { DEFAULT_PROFILE, DEFAULT_QUIRKS, type ConnectorSpec, type Quirks } from '../../src/station/profile.js';

const v = validator16();
const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
/** The default profile's connector: Type 2, 3-phase AC, 230 V, 32 A, 22 kW. */
const AC3: ConnectorSpec = DEFAULT_PROFILE.connectors[0];
const AC1: ConnectorSpec = { ...AC3, phases: 1, maxCurrentA: 32, maxPowerW: 7_360 };
const DC: ConnectorSpec = { ...AC3, type: 'CCS2', current: 'DC', phases: 1, voltage: 400, maxCurrentA: 200, maxPowerW: 80_000 };
const Q: Quirks = DEFAULT_QUIRKS;

function charging(powerW: number, energyWh = 12_345.6, soc = 0, batteryWh = 0): Connector {
  const c = new Connector(1, energyWh);
  c.status = 'Charging';
  c.powerW = powerW;
  c.soc = soc;
  c.evBatteryWh = batteryWh;
  return c;
}

function values(req: ReturnType<typeof meterValues>) {
  expect(req.meterValue).toHaveLength(1);
  return req.meterValue[0].sampledValue;
}

describe('meterValues', () => {
  it('3-phase AC: per-phase current and voltage with units', () => {
    const req = meterValues(charging(22_080), AC3, Q, DEFAULT_PROFILE.meterValuesSampledData.split(','), NOW, 'Sample.Periodic');
    expect(req.connectorId).toBe(1);
    expect(req.meterValue[0].timestamp).toBe('2024-05-01T12:00:00.000Z');
    const sv = values(req);
    expect(sv.map((s) => [s.measurand, s.phase ?? null, s.value, s.unit])).toEqual([
      ['Energy.Active.Import.Register', null, '12345', 'Wh'],
      ['Power.Active.Import', null, '22080.0', 'W'],
      ['Current.Import', 'L1', '32.00', 'A'],
      ['Current.Import', 'L2', '32.00', 'A'],
      ['Current.Import', 'L3', '32.00', 'A'],
      ['Voltage', 'L1-N', '230.0', 'V'],
      ['Voltage', 'L2-N', '230.0', 'V'],
      ['Voltage', 'L3-N', '230.0', 'V'],
    ]);
    for (const s of sv) {
      expect(typeof s.value).toBe('string');
      expect(s.context).toBe('Sample.Periodic');
    }
    expect(v.request('MeterValues', req)).toBeNull();
  });

  it('1-phase AC: one current and one voltage, without a phase', () => {
    const sv = values(meterValues(charging(2_300), AC1, Q, ['Current.Import', 'Voltage'], NOW, 'Sample.Periodic'));
    expect(sv).toHaveLength(2);
    expect(sv.map((s) => [s.measurand, s.phase, s.value])).toEqual([
      ['Current.Import', undefined, '10.00'],
      ['Voltage', undefined, '230.0'],
    ]);
  });

  it.each([
    ['DC with an EV', DC, 0.426, 60_000, [{ measurand: 'SoC', value: '43', unit: 'Percent', location: 'EV' }]],
    ['DC without an EV', DC, 0.5, 0, []],
    ['AC with an EV (no battery data on AC)', AC3, 0.5, 60_000, []],
  ] as const)('SoC: %s', (_name, spec, soc, batteryWh, expected) => {
    const sv = values(meterValues(charging(10_000, 0, soc, batteryWh), spec, Q, ['SoC'], NOW, 'Sample.Periodic'));
    expect(sv).toHaveLength(expected.length);
    if (expected.length) expect(sv[0]).toMatchObject(expected[0]);
  });

  it('DC current is the whole power over the bus voltage', () => {
    const sv = values(meterValues(charging(50_000), DC, Q, ['Current.Import', 'Voltage'], NOW, 'Sample.Periodic'));
    expect(sv.map((s) => [s.measurand, s.phase, s.value])).toEqual([
      ['Current.Import', undefined, '125.00'],
      ['Voltage', undefined, '400.0'],
    ]);
  });

  it('offered values and temperature come from the profile and the power', () => {
    const sv = values(meterValues(charging(10_000), AC3, Q, ['Power.Offered', 'Current.Offered', 'Temperature'], NOW, 'Trigger'));
    expect(sv.map((s) => [s.measurand, s.value, s.unit])).toEqual([
      ['Power.Offered', '22000', 'W'],
      ['Current.Offered', '32', 'A'],
      ['Temperature', '30.0', 'Celsius'],
    ]);
  });

  it('ignores measurands it does not know', () => {
    const sv = values(meterValues(charging(1), AC3, Q, ['Frequency', 'RPM', ''], NOW, 'Sample.Periodic'));
    expect(sv).toEqual([]);
  });

  it('the register value is floored to whole Wh', () => {
    const sv = values(meterValues(charging(0, 999.99), AC3, Q, ['Energy.Active.Import.Register'], NOW, 'Sample.Clock'));
    expect(sv[0].value).toBe('999');
  });

  it.each([
    ['3-phase AC', AC3, Q],
    ['1-phase AC', AC1, Q],
    ['DC', DC, Q],
    ['3-phase AC without per-phase values', AC3, { ...Q, meterValuesPerPhase: false }],
    ['DC without SoC', DC, { ...Q, socInMeterValues: false }],
  ] as const)('every measurand on %s validates, for every context', (_name, spec, quirks) => {
    for (const context of ['Sample.Periodic', 'Sample.Clock', 'Trigger', 'Transaction.Begin', 'Transaction.End'] as const) {
      const req = meterValues(charging(7_123.456, 1_000.5, 0.37, 50_000), spec, quirks, MEASURANDS, NOW, context);
      expect(v.request('MeterValues', req)).toBeNull();
      expect(v.request('MeterValues', { ...req, transactionId: 42 })).toBeNull();
    }
  });
});

describe('meterValues quirks', () => {
  it('meterValuesPerPhase false: 3-phase AC reports one current and one voltage, without a phase', () => {
    const sv = values(meterValues(charging(22_080), AC3, { ...Q, meterValuesPerPhase: false }, ['Current.Import', 'Voltage'], NOW, 'Sample.Periodic'));
    expect(sv.map((s) => [s.measurand, s.phase, s.value])).toEqual([
      ['Current.Import', undefined, '32.00'], // still the per-phase current: 22 080 W over 3 × 230 V
      ['Voltage', undefined, '230.0'],
    ]);
  });

  it('meterValuesPerPhase does not change 1-phase AC or DC', () => {
    for (const spec of [AC1, DC]) {
      const on = meterValues(charging(5_000), spec, Q, ['Current.Import', 'Voltage'], NOW, 'Sample.Periodic');
      const off = meterValues(charging(5_000), spec, { ...Q, meterValuesPerPhase: false }, ['Current.Import', 'Voltage'], NOW, 'Sample.Periodic');
      expect(off).toEqual(on);
    }
  });

  it('socInMeterValues false: a DC charger leaves SoC out even with an EV', () => {
    const c = charging(50_000, 0, 0.5, 60_000);
    expect(values(meterValues(c, DC, Q, ['SoC'], NOW, 'Sample.Periodic'))).toHaveLength(1);
    const sv = values(meterValues(c, DC, { ...Q, socInMeterValues: false }, ['Energy.Active.Import.Register', 'SoC'], NOW, 'Sample.Periodic'));
    expect(sv.map((s) => s.measurand)).toEqual(['Energy.Active.Import.Register']);
  });

  it('socInMeterValues true never adds SoC on AC', () => {
    const sv = values(meterValues(charging(10_000, 0, 0.5, 60_000), AC3, { ...Q, socInMeterValues: true }, ['SoC'], NOW, 'Sample.Periodic'));
    expect(sv).toEqual([]);
  });

  it('the connector spec, not the profile, gives offered power and current', () => {
    const sv = values(meterValues(charging(10_000), DC, Q, ['Power.Offered', 'Current.Offered', 'Voltage'], NOW, 'Trigger'));
    expect(sv.map((s) => [s.measurand, s.value])).toEqual([
      ['Power.Offered', '80000'],
      ['Current.Offered', '200'],
      ['Voltage', '400.0'],
    ]);
  });
});

describe('transactions', () => {
  const tx = new Transaction(2, 'TAG0001', 1_000, NOW);
  tx.meterStop = 4_321;
  tx.stoppedAt = NOW + 3_600_000;
  tx.stopped = true;

  it('startTransaction carries the register and the start time', () => {
    const req = startTransaction(tx);
    expect(req).toEqual({ connectorId: 2, idTag: 'TAG0001', meterStart: 1_000, timestamp: '2024-05-01T12:00:00.000Z' });
    expect(v.request('StartTransaction', req)).toBeNull();
  });

  it('stopTransaction with the energy register in StopTxnSampledData adds Transaction.Begin/End', () => {
    const req = stopTransaction(tx, 'EVDisconnected', 'Energy.Active.Import.Register', Q);
    expect(req).toMatchObject({ idTag: 'TAG0001', meterStop: 4_321, timestamp: '2024-05-01T13:00:00.000Z', reason: 'EVDisconnected' });
    expect(req.transactionData).toEqual([
      { timestamp: '2024-05-01T12:00:00.000Z', sampledValue: [{ value: '1000', context: 'Transaction.Begin', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' }] },
      { timestamp: '2024-05-01T13:00:00.000Z', sampledValue: [{ value: '4321', context: 'Transaction.End', measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' }] },
    ]);
    expect(v.request('StopTransaction', { ...req, transactionId: 7 })).toBeNull();
  });

  it.each([
    ['', false],
    ['Power.Active.Import,Current.Import', false],
    ['Current.Import,Energy.Active.Import.Register', true],
  ])('StopTxnSampledData %j → transactionData present: %s', (stopData, present) => {
    const req = stopTransaction(tx, 'Local', stopData, Q);
    expect('transactionData' in req).toBe(present);
    expect(v.request('StopTransaction', { ...req, transactionId: 1 })).toBeNull();
  });

  it('quirk transactionBeginEndMeterValues false: no transactionData even with the energy register', () => {
    const req = stopTransaction(tx, 'Local', 'Energy.Active.Import.Register', { ...Q, transactionBeginEndMeterValues: false });
    expect('transactionData' in req).toBe(false);
    expect(req).toEqual({ idTag: 'TAG0001', meterStop: 4_321, timestamp: '2024-05-01T13:00:00.000Z', reason: 'Local' });
    expect(v.request('StopTransaction', { ...req, transactionId: 1 })).toBeNull();
  });

  it.each(['EmergencyStop', 'EVDisconnected', 'HardReset', 'Local', 'Other', 'PowerLoss', 'Reboot', 'Remote', 'SoftReset', 'UnlockCommand', 'DeAuthorized'] as const)(
    'stop reason %s validates',
    (reason) => {
      expect(v.request('StopTransaction', { ...stopTransaction(tx, reason, 'Energy.Active.Import.Register', Q), transactionId: 1 })).toBeNull();
    },
  );
});

describe('boot and status', () => {
  it('bootNotification uses the profile and the serial, and validates', () => {
    const req = bootNotification(DEFAULT_PROFILE, 'CP000001');
    expect(req).toEqual({
      chargePointVendor: 'ocpp-sim', chargePointModel: 'Virtual AC 22', chargePointSerialNumber: 'CP000001',
      chargeBoxSerialNumber: 'CP000001', firmwareVersion: '1.0.0',
    });
    expect(v.request('BootNotification', req)).toBeNull();
  });

  it('bootNotification carries iccid and imsi when given, and validates', () => {
    const req = bootNotification(DEFAULT_PROFILE, 'CP000001', '89490200001234567890', '262011234567890');
    expect(req).toMatchObject({ chargePointSerialNumber: 'CP000001', iccid: '89490200001234567890', imsi: '262011234567890' });
    expect(v.request('BootNotification', req)).toBeNull();
    // Empty or absent: left out rather than sent as ''.
    const none = bootNotification(DEFAULT_PROFILE, 'CP000001', '', undefined);
    expect('iccid' in none || 'imsi' in none).toBe(false);
  });

  it.each(['Available', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved', 'Unavailable', 'Faulted'] as const)(
    'statusNotification %s validates',
    (status) => {
      const c = new Connector(0, 0);
      c.status = status;
      const req = statusNotification(c, NOW);
      expect(req).toEqual({ connectorId: 0, status, errorCode: 'NoError', timestamp: '2024-05-01T12:00:00.000Z' });
      expect(v.request('StatusNotification', req)).toBeNull();
    },
  );

  it.each([
    [11_000, 'Charging'],
    [0.5, 'Charging'],
    [0, 'SuspendedEV'],
  ])('chargingStatus(%d W) = %s', (w, status) => {
    expect(chargingStatus(w)).toBe(status);
  });
});

describe('mainMeterValues (connector 0, OCPP 1.6 §4.7)', () => {
  it('the whole charge point register, as a whole Wh string at the inlet, schema-valid', () => {
    const req = mainMeterValues(25_000.9, NOW, 'Trigger');
    expect(req).toEqual({
      connectorId: 0,
      meterValue: [{ timestamp: '2024-05-01T12:00:00.000Z', sampledValue: [{ value: '25000', context: 'Trigger', measurand: 'Energy.Active.Import.Register', location: 'Inlet', unit: 'Wh' }] }],
    });
    expect(v.request('MeterValues', req)).toBeNull();
  });
});
