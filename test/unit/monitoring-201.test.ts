/**
 * The pure rules of 2.0.1 variable monitoring: what a new value means to a monitor (N07, §3.55), when a
 * periodic one is due, which items may be set (N04), the presets (N03), and how reports are cut into
 * parts (N02, N09).
 */
import { describe, expect, it } from 'vitest';
import { findVariable, type VariableDef } from '../../src/ocpp201/device-model/index.js';
import { customerInformationParts, DATA_PER_MESSAGE } from '../../src/ocpp201/monitoring/customer.js';
import { evaluate, Monitor, monitorRefusal, nextDue } from '../../src/ocpp201/monitoring/monitor.js';
import { presetMonitors } from '../../src/ocpp201/monitoring/presets.js';
import { monitoringReport, monitoringReportParts } from '../../src/ocpp201/monitoring/report.js';
import type { MonitorEnumType, SetMonitoringDataType } from '../../src/ocpp201/generated/types.gen.js';
import { expectValidRequest, model } from './device-model-fixture.js';

const dm = model();
const power = findVariable(dm, { name: 'EVSE', evse: { id: 1 } }, 'Power')!;
const state = findVariable(dm, { name: 'Connector', evse: { id: 1, connectorId: 1 } }, 'AvailabilityState')!;
const heartbeat = findVariable(dm, 'OCPPCommCtrlr', 'HeartbeatInterval')!;
const clock = findVariable(dm, 'ClockCtrlr', 'DateTime')!;
const password = findVariable(dm, 'SecurityCtrlr', 'BasicAuthPassword')!;

function monitor(def: VariableDef, type: MonitorEnumType, value: number, extra: { id?: number; reference?: string } = {}): Monitor {
  return new Monitor({ id: extra.id ?? 10, def, type, value, severity: 5, transaction: false, origin: 'CustomMonitor' }, extra.reference);
}

describe('monitor evaluation (N07, MonitorEnumType)', () => {
  it('an UpperThreshold alerts once when exceeded and clears once when back; equal is not above', () => {
    const m = monitor(power, 'UpperThreshold', 1000);
    expect(evaluate(m, '1000')).toBeNull();
    expect(evaluate(m, '1001')).toEqual({ trigger: 'Alerting', cleared: false });
    expect(evaluate(m, '5000')).toBeNull();
    expect(evaluate(m, '999')).toEqual({ trigger: 'Alerting', cleared: true });
    expect(evaluate(m, '0')).toBeNull();
  });

  it('a LowerThreshold alerts below its value', () => {
    const m = monitor(power, 'LowerThreshold', 100);
    expect(evaluate(m, '100')).toBeNull();
    expect(evaluate(m, '50')).toEqual({ trigger: 'Alerting', cleared: false });
    expect(evaluate(m, '150')).toEqual({ trigger: 'Alerting', cleared: true });
  });

  it('a numeric Delta reports a change of more than its value since it was set or last reported (N07.FR.18)', () => {
    const m = monitor(power, 'Delta', 500, { reference: '1000' });
    expect(evaluate(m, '1500')).toBeNull();
    expect(evaluate(m, '1501')).toEqual({ trigger: 'Delta', cleared: false });
    expect(m.reference).toBe('1501');
    expect(evaluate(m, '1100')).toBeNull();
    expect(evaluate(m, '1000')).toEqual({ trigger: 'Delta', cleared: false });
  });

  it('a Delta on a non-numeric variable reports any change (N07.FR.19); without a reference it takes the first value', () => {
    const m = monitor(state, 'Delta', 0);
    expect(evaluate(m, 'Available')).toBeNull();
    expect(evaluate(m, 'Available')).toBeNull();
    expect(evaluate(m, 'Faulted')).toEqual({ trigger: 'Delta', cleared: false });
    expect(evaluate(m, 'Faulted')).toBeNull();
  });

  it('periodic monitors are due a period from now, or on the clock-aligned multiples from midnight UTC', () => {
    const at = Date.parse('2026-01-01T10:07:30Z');
    expect(nextDue({ type: 'Periodic', value: 60 }, at)).toBe(at + 60_000);
    expect(new Date(nextDue({ type: 'PeriodicClockAligned', value: 900 }, at)).toISOString()).toBe('2026-01-01T10:15:00.000Z');
    // 7 hours does not divide a day: multiples count from midnight, not from the epoch.
    expect(new Date(nextDue({ type: 'PeriodicClockAligned', value: 7 * 3600 }, at)).toISOString()).toBe('2026-01-01T14:00:00.000Z');
  });
});

describe('which monitors may be set (N04)', () => {
  const item = (type: MonitorEnumType, value: number, severity = 5): SetMonitoringDataType => ({ type, value, severity, component: { name: 'x' }, variable: { name: 'y' } });

  it('accepts what fits the variable', () => {
    expect(monitorRefusal(power, item('UpperThreshold', 1000))).toBeNull();
    expect(monitorRefusal(power, item('Delta', 0))).toBeNull();
    expect(monitorRefusal(state, item('Delta', 0))).toBeNull();
    expect(monitorRefusal(state, item('PeriodicClockAligned', 900))).toBeNull();
  });

  it('refuses the rest with the spec status', () => {
    // A live value the station does not watch, and a write-only one, do not support monitoring.
    expect(monitorRefusal(clock, item('Delta', 1))?.status).toBe('Rejected');
    expect(monitorRefusal(password, item('Delta', 1))?.status).toBe('Rejected');
    expect(monitorRefusal(heartbeat, item('UpperThreshold', 600))).toBeNull();
    expect(monitorRefusal(state, item('UpperThreshold', 1))?.status).toBe('UnsupportedMonitorType');
    expect(monitorRefusal(power, item('UpperThreshold', (power.characteristics.maxLimit ?? 0) + 1))?.status).toBe('Rejected');
    expect(monitorRefusal(power, item('Delta', -1))?.status).toBe('Rejected');
    expect(monitorRefusal(power, item('Periodic', 0))?.status).toBe('Rejected');
    expect(monitorRefusal(power, item('Delta', 1, 10))?.status).toBe('Rejected');
  });
});

describe('presets and reports', () => {
  it('the model comes with a hard-wired power limit per EVSE and a preconfigured station Problem monitor', () => {
    expect(presetMonitors(dm).map((p) => [p.id, p.def.component.component.name, p.def.variable.name, p.type, p.origin])).toEqual([
      [1, 'EVSE', 'Power', 'UpperThreshold', 'HardWiredMonitor'],
      [2, 'EVSE', 'Power', 'UpperThreshold', 'HardWiredMonitor'],
      [3, 'ChargingStation', 'Problem', 'Delta', 'PreconfiguredMonitor'],
    ]);
    expect(presetMonitors(model({ overrides: { MonitoringCtrlr: false } }))).toEqual([]);
  });

  it('NotifyMonitoringReport parts stay within the byte limit, count seqNo from 0 and set tbc on all but the last; every part is schema-valid', () => {
    const monitors = [monitor(power, 'Delta', 1, { id: 4 }), monitor(state, 'Periodic', 60, { id: 5 }), monitor(heartbeat, 'Delta', 1, { id: 6 })];
    const entries = monitoringReport(monitors, undefined, undefined);
    expect(entries.map((e) => e.variable.name)).toEqual(['HeartbeatInterval', 'Power', 'AvailabilityState']);
    const one = Buffer.byteLength(JSON.stringify(entries[1]));
    const parts = monitoringReportParts(9, entries, { itemsGetReport: 100, bytesGetReport: 200 + one }, '2026-01-01T00:00:00.000Z');
    expect(parts.map((p) => [p.seqNo, p.tbc, p.monitor?.length])).toEqual([
      [0, true, 1],
      [1, true, 1],
      [2, false, 1],
    ]);
    for (const p of parts) {
      expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThanOrEqual(200 + one);
      expectValidRequest('NotifyMonitoringReport', p);
    }
    expect(monitoringReportParts(9, entries, { itemsGetReport: 2, bytesGetReport: Infinity }, 'x').map((p) => p.monitor?.length)).toEqual([2, 1]);
    expect(monitoringReport(monitors, ['PeriodicMonitoring'], undefined).map((e) => e.variable.name)).toEqual(['AvailabilityState']);
  });

  it('NotifyCustomerInformation parts are 512 characters at most, seqNo from 0, tbc on all but the last', () => {
    const data = 'x'.repeat(DATA_PER_MESSAGE * 2 + 10);
    const parts = customerInformationParts(3, data, '2026-01-01T00:00:00.000Z');
    expect(parts.map((p) => [p.seqNo, p.tbc, p.data.length])).toEqual([
      [0, true, 512],
      [1, true, 512],
      [2, false, 10],
    ]);
    expect(parts.map((p) => p.data).join('')).toBe(data);
    for (const p of parts) expectValidRequest('NotifyCustomerInformation', p);
    expect(customerInformationParts(3, '', 'x')).toEqual([{ data: '', tbc: false, seqNo: 0, generatedAt: 'x', requestId: 3 }]);
  });
});
