/**
 * OCPP 2.0.1 monitoring and customer information (N02–N10) end to end: a 2.0.1 charge point against
 * ocpp-rpc's strict (schema-validating) 2.0.1 server. Each test asserts what the CSMS receives and
 * ends with zero strict validation failures.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../src/scheduler/fleet.js';
import { loadScenario } from '../../src/scenario/parse.js';
import { DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { until } from '../helpers/fleet.js';
import type { Received, StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';
import { CP, oneStationPerTest } from '../helpers/one-station-201.js';

const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'monitoring-201', ocppVersions: ['2.0.1'], meterValueSampleInterval: 1 };
const TOKEN = { idToken: 'TAG201', type: 'ISO14443' };

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-monitoring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The strict peer's default answers leave these two out: a CSMS acknowledges them with {}.
const start = oneStationPerTest({ profile: PROFILE_201 }, { NotifyMonitoringReport: () => ({}), NotifyCustomerInformation: () => ({}) });
const setup = async (overrides: Partial<FleetConfig> = {}): Promise<StrictPeer201> => (await start(overrides)).p;

function scenario(yaml: string) {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadScenario(file);
}

const evse = (id: number, connectorId?: number) => ({ id, ...(connectorId === undefined ? {} : { connectorId }) });
const POWER_1 = { component: { name: 'EVSE', evse: evse(1) }, variable: { name: 'Power' } };
const STATE_1_1 = { component: { name: 'Connector', evse: evse(1, 1) }, variable: { name: 'AvailabilityState' } };

/** Every eventData the identity sent after `since` calls, in order. */
function events(p: StrictPeer201, since = 0): any[] {
  return p.received.slice(since).filter((r) => r.identity === CP && r.method === 'NotifyEvent').flatMap((r) => r.params.eventData);
}

async function arrives(p: StrictPeer201, method: string, pred: (params: any) => boolean = () => true, since = 0, timeoutMs = 5000): Promise<Received> {
  const find = () => p.received.slice(since).find((r) => r.identity === CP && r.method === method && pred(r.params));
  await until(() => find() !== undefined, `${method} from ${CP}`, timeoutMs);
  return find()!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('N04 SetVariableMonitoring', () => {
  it('answers every status: Accepted with an id, UnknownComponent, UnknownVariable, UnsupportedMonitorType, Rejected, Duplicate', async () => {
    const p = await setup();
    const res = await p.call(CP, 'SetVariableMonitoring', {
      setMonitoringData: [
        { value: 5000, type: 'UpperThreshold', severity: 5, ...POWER_1 },
        { value: 0, type: 'Delta', severity: 5, ...STATE_1_1 },
        { value: 1, type: 'Delta', severity: 5, component: { name: 'NoSuchCtrlr' }, variable: { name: 'Power' } },
        { value: 1, type: 'Delta', severity: 5, component: { name: 'EVSE', evse: evse(1) }, variable: { name: 'NoSuchVariable' } },
        { value: 1, type: 'UpperThreshold', severity: 5, ...STATE_1_1 },
        // The clock does not support monitoring; a power above the EVSE's maxLimit is out of range.
        { value: 10, type: 'Delta', severity: 5, component: { name: 'ClockCtrlr' }, variable: { name: 'DateTime' } },
        { value: 10_000_000, type: 'UpperThreshold', severity: 4, ...POWER_1 },
        // N04.FR.14: a negative delta; N04.FR.13: an id that names no monitor; severity outside 0-9.
        { value: -1, type: 'Delta', severity: 3, ...POWER_1 },
        { id: 999, value: 1, type: 'Delta', severity: 5, ...POWER_1 },
        { value: 1, type: 'Delta', severity: 12, ...POWER_1 },
        { value: 6000, type: 'UpperThreshold', severity: 5, ...POWER_1 },
      ],
    });
    const statuses = res.setMonitoringResult.map((r: any) => r.status);
    expect(statuses).toEqual(['Accepted', 'Accepted', 'UnknownComponent', 'UnknownVariable', 'UnsupportedMonitorType', 'Rejected', 'Rejected', 'Rejected', 'Rejected', 'Rejected', 'Duplicate']);
    const [a, b] = res.setMonitoringResult;
    expect(a.id).toBeGreaterThan(0);
    expect(b.id).toBeGreaterThan(a.id);
    expect(a).toMatchObject({ type: 'UpperThreshold', severity: 5, ...POWER_1 });
    // An id replaces that monitor (same component-variable); N04.FR.16: not on another one.
    const again = await p.call(CP, 'SetVariableMonitoring', {
      setMonitoringData: [
        { id: a.id, value: 7000, type: 'UpperThreshold', severity: 4, ...POWER_1 },
        { id: a.id, value: 7000, type: 'UpperThreshold', severity: 4, ...STATE_1_1 },
      ],
    });
    expect(again.setMonitoringResult.map((r: any) => [r.status, r.id])).toEqual([
      ['Accepted', a.id],
      ['Rejected', a.id],
    ]);
    // The monitored variables say so in their characteristics (supportsMonitoring).
    const report = await p.call(CP, 'GetReport', { requestId: 5, componentVariable: [POWER_1] });
    expect(report.status).toBe('Accepted');
    const nr = await arrives(p, 'NotifyReport', (q) => q.requestId === 5);
    expect(nr.params.reportData[0].variableCharacteristics.supportsMonitoring).toBe(true);
    expect(p.failures).toEqual([]);
  });

  it('N04.FR.09: more items than ItemsPerMessage[SetVariableMonitoring] is a CALLERROR OccurrenceConstraintViolation', async () => {
    const p = await setup({ profile: { ...PROFILE_201, deviceModel: { MonitoringCtrlr: { 'ItemsPerMessage[SetVariableMonitoring]': 2, 'ItemsPerMessage[ClearVariableMonitoring]': 2 } } } });
    const item = { value: 0, type: 'Delta', severity: 5, ...STATE_1_1 };
    await expect(p.call(CP, 'SetVariableMonitoring', { setMonitoringData: [item, item, item] })).rejects.toMatchObject({ rpcErrorCode: 'OccurenceConstraintViolation' /* 2.0.1's wire spelling (Part 4 §4.3) */ });
    // Within the limit it is answered.
    expect((await p.call(CP, 'SetVariableMonitoring', { setMonitoringData: [item] })).setMonitoringResult[0].status).toBe('Accepted');
    // ClearVariableMonitoring likewise (ItemsPerMessage[ClearVariableMonitoring]).
    await expect(p.call(CP, 'ClearVariableMonitoring', { id: [1, 2, 3] })).rejects.toMatchObject({ rpcErrorCode: 'OccurenceConstraintViolation' });
    expect(p.failures).toEqual([]);
  });
});

describe('N07 NotifyEvent', () => {
  it('a scenario fault: a hard-wired notification on the connector Problem, the custom delta on its AvailabilityState, the preconfigured station Problem; cleared on recovery', async () => {
    const p = await setup({
      scenario: scenario(`description: fault and recover
steps:
  - wait: 1500ms
  - fault: {errorCode: GroundFailure}
  - wait: 1s
  - recover
  - wait: 1h
`),
    });
    const set = await p.call(CP, 'SetVariableMonitoring', { setMonitoringData: [{ value: 0, type: 'Delta', severity: 6, ...STATE_1_1 }] });
    const id = set.setMonitoringResult[0].id;
    const faulted = await arrives(p, 'NotifyEvent', (q) => q.eventData.some((e: any) => e.eventNotificationType === 'HardWiredNotification'));
    expect(faulted.params).toMatchObject({ seqNo: 0 });
    const [hw, ...rest] = faulted.params.eventData;
    expect(hw).toMatchObject({
      trigger: 'Alerting',
      actualValue: 'true',
      techCode: 'GroundFailure',
      component: { name: 'Connector', evse: { id: 1, connectorId: 1 } },
      variable: { name: 'Problem' },
      eventNotificationType: 'HardWiredNotification',
    });
    expect(hw.cleared).toBeUndefined();
    expect(rest).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ trigger: 'Delta', actualValue: 'Faulted', variableMonitoringId: id, eventNotificationType: 'CustomMonitor', ...STATE_1_1 }),
        expect.objectContaining({ trigger: 'Delta', actualValue: 'true', eventNotificationType: 'PreconfiguredMonitor', component: { name: 'ChargingStation' }, variable: { name: 'Problem' } }),
      ]),
    );
    // The StatusNotification Faulted came first.
    const order = p.calls(CP).map((c) => c.method);
    expect(order.indexOf('StatusNotification', 2)).toBeLessThan(order.indexOf('NotifyEvent'));
    await until(() => events(p).some((e) => e.cleared === true), 'the recovery');
    const after = events(p).filter((e) => e.timestamp > hw.timestamp);
    expect(after).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ trigger: 'Alerting', actualValue: 'false', cleared: true, eventNotificationType: 'HardWiredNotification' }),
        expect.objectContaining({ trigger: 'Delta', actualValue: 'Available', variableMonitoringId: id }),
      ]),
    );
    // eventIds are unique.
    const ids = events(p).map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(p.failures).toEqual([]);
  });

  it('monitors on stored values see SetVariables: a Delta and an UpperThreshold on HeartbeatInterval', async () => {
    const p = await setup();
    const hb = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } };
    const write = (value: string) => p.call(CP, 'SetVariables', { setVariableData: [{ ...hb, attributeValue: value }] });
    await write('300');
    const set = await p.call(CP, 'SetVariableMonitoring', {
      setMonitoringData: [
        { value: 10, type: 'Delta', severity: 5, ...hb },
        { value: 600, type: 'UpperThreshold', severity: 4, ...hb },
      ],
    });
    const [delta, upper] = set.setMonitoringResult.map((r: any) => r.id);
    await write('305'); // within the delta of the 300 it was set at
    await write('900');
    await until(() => events(p).length >= 2, 'the delta and the alert');
    await write('60');
    await until(() => events(p).length >= 4, 'the next delta and the clearing');
    expect(events(p).map((e) => [e.variableMonitoringId, e.trigger, e.actualValue, e.cleared ?? false])).toEqual([
      [delta, 'Delta', '900', false],
      [upper, 'Alerting', '900', false],
      [delta, 'Delta', '60', false],
      [upper, 'Alerting', '60', true],
    ]);
    expect(p.failures).toEqual([]);
  });

  it('events found together go in one NotifyEvent, in parts of 20 (seqNo from 0, tbc on all but the last)', async () => {
    const p = await setup({
      scenario: scenario(`description: one fault
connectors: [1]
steps:
  - wait: 1500ms
  - fault
  - wait: 1h
`),
    });
    const evse1 = { component: { name: 'EVSE', evse: evse(1) }, variable: { name: 'AvailabilityState' } };
    const severities = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const set = await p.call(CP, 'SetVariableMonitoring', {
      setMonitoringData: [...severities.map((severity) => ({ value: 0, type: 'Delta', severity, ...STATE_1_1 })), ...severities.map((severity) => ({ value: 0, type: 'Delta', severity, ...evse1 }))],
    });
    expect(set.setMonitoringResult.every((r: any) => r.status === 'Accepted')).toBe(true);
    await until(() => p.calls(CP, 'NotifyEvent').length >= 2, 'two parts');
    const parts = p.calls(CP, 'NotifyEvent').map((c) => c.params);
    // The hard-wired notification, the preconfigured station Problem and 20 deltas.
    expect(parts.map((q) => [q.seqNo, q.tbc, q.eventData.length])).toEqual([
      [0, true, 20],
      [1, undefined, 2],
    ]);
    expect(parts[0].generatedAt).toBe(parts[1].generatedAt);
    expect(p.failures).toEqual([]);
  });

  it('a threshold on EVSE Power alerts while a transaction charges (transactionId), and clears when it stops; transaction monitors watch only then', async () => {
    const p = await setup();
    const set = await p.call(CP, 'SetVariableMonitoring', {
      setMonitoringData: [
        { value: 1000, type: 'UpperThreshold', severity: 5, transaction: true, ...POWER_1 },
        { value: 0, type: 'Delta', severity: 5, ...STATE_1_1 },
      ],
    });
    const [upper] = set.setMonitoringResult.map((r: any) => r.id);
    await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 7, evseId: 1 });
    const started = await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started');
    const txId = started.params.transactionInfo.transactionId;
    await until(() => events(p).some((e) => e.variableMonitoringId === upper), 'the power alert', 5000);
    const alert = events(p).find((e) => e.variableMonitoringId === upper)!;
    expect(alert).toMatchObject({ trigger: 'Alerting', transactionId: txId, eventNotificationType: 'CustomMonitor', ...POWER_1 });
    expect(Number(alert.actualValue)).toBeGreaterThan(1000);
    expect(alert.cleared).toBeUndefined();
    // The connector became Occupied: the delta saw it.
    expect(events(p).some((e) => e.trigger === 'Delta' && e.actualValue === 'Occupied')).toBe(true);
    await p.call(CP, 'RequestStopTransaction', { transactionId: txId });
    await until(() => events(p).some((e) => e.variableMonitoringId === upper && e.cleared === true), 'the power alert cleared', 5000);
    expect(events(p).filter((e) => e.variableMonitoringId === upper).length).toBe(2);
    expect(p.failures).toEqual([]);
  });

  it('N08: a periodic monitor reports on the station alarm every period until cleared (N06: Accepted, NotFound, Rejected for hard-wired)', async () => {
    const p = await setup();
    const set = await p.call(CP, 'SetVariableMonitoring', { setMonitoringData: [{ value: 1, type: 'Periodic', severity: 8, ...POWER_1 }] });
    const id = set.setMonitoringResult[0].id;
    await until(() => events(p).filter((e) => e.variableMonitoringId === id).length >= 2, 'two periodic events', 4000);
    const periodic = events(p).filter((e) => e.variableMonitoringId === id);
    expect(periodic[0]).toMatchObject({ trigger: 'Periodic', actualValue: '0', eventNotificationType: 'CustomMonitor', ...POWER_1 });
    const gap = Date.parse(periodic[1].timestamp) - Date.parse(periodic[0].timestamp);
    expect(gap).toBeGreaterThanOrEqual(900);
    expect(gap).toBeLessThan(1500);
    // Monitor 1 is EVSE 1's hard-wired power limit (GetMonitoringReport shows it).
    const cleared = await p.call(CP, 'ClearVariableMonitoring', { id: [id, 4242, 1] });
    expect(cleared.clearMonitoringResult.map((r: any) => [r.id, r.status])).toEqual([
      [id, 'Accepted'],
      [4242, 'NotFound'],
      [1, 'Rejected'],
    ]);
    const count = events(p).filter((e) => e.variableMonitoringId === id).length;
    await sleep(1500);
    expect(events(p).filter((e) => e.variableMonitoringId === id).length).toBe(count);
    expect(p.failures).toEqual([]);
  });

  it('N05: SetMonitoringLevel filters events by severity (Rejected outside 0-9)', async () => {
    const p = await setup({
      scenario: scenario(`description: faults
steps:
  - wait: 1500ms
  - fault
  - wait: 1h
`),
    });
    expect(await p.call(CP, 'SetMonitoringLevel', { severity: 12 })).toMatchObject({ status: 'Rejected' });
    expect(await p.call(CP, 'SetMonitoringLevel', { severity: 4 })).toEqual({ status: 'Accepted' });
    const set = await p.call(CP, 'SetVariableMonitoring', { setMonitoringData: [{ value: 0, type: 'Delta', severity: 7, ...STATE_1_1 }] });
    expect(set.setMonitoringResult[0].status).toBe('Accepted');
    const level = await p.call(CP, 'GetVariables', { getVariableData: [{ component: { name: 'MonitoringCtrlr' }, variable: { name: 'ActiveMonitoringLevel' } }] });
    expect(level.getVariableResult[0].attributeValue).toBe('4');
    await arrives(p, 'NotifyEvent');
    await sleep(300);
    // The hard-wired notifications and the preconfigured Problem monitor (severity 2) pass; the severity 7 delta does not.
    const kinds = new Set(events(p).map((e) => e.eventNotificationType));
    expect(kinds).toEqual(new Set(['HardWiredNotification', 'PreconfiguredMonitor']));
    expect(p.failures).toEqual([]);
  });
});

describe('N08 offline', () => {
  it('while offline only events up to OfflineQueuingSeverity are queued; they arrive after the reconnect', async () => {
    const p = await setup({
      scenario: scenario(`description: a fault while offline
connectors: [1]
steps:
  - wait: 1500ms
  - disconnect: {for: 1500ms, wait: false}
  - wait: 300ms
  - fault: {errorCode: OverCurrentFailure}
  - wait: 1h
`),
    });
    const set = await p.call(CP, 'SetVariables', { setVariableData: [{ component: { name: 'MonitoringCtrlr' }, variable: { name: 'OfflineQueuingSeverity' }, attributeValue: '3' }] });
    expect(set.setVariableResult[0].attributeStatus).toBe('Accepted');
    const monitors = await p.call(CP, 'SetVariableMonitoring', {
      setMonitoringData: [
        { value: 0, type: 'Delta', severity: 2, ...STATE_1_1 },
        { value: 0, type: 'Delta', severity: 6, ...STATE_1_1 },
      ],
    });
    const [urgent, minor] = monitors.setMonitoringResult.map((r: any) => r.id);
    const links = () => p.connections.get(CP)?.length ?? 0;
    await until(() => links() === 2, 'the reconnect', 5000);
    await arrives(p, 'NotifyEvent', (q) => q.eventData.some((e: any) => e.eventNotificationType === 'HardWiredNotification'));
    await sleep(300);
    const sent = events(p);
    // The hard-wired notification, the preconfigured Problem monitor (severity 2) and the urgent delta; not the minor one.
    expect(sent.find((e) => e.eventNotificationType === 'HardWiredNotification')).toMatchObject({ techCode: 'OverCurrentFailure', actualValue: 'true' });
    expect(sent.some((e) => e.variableMonitoringId === urgent && e.actualValue === 'Faulted')).toBe(true);
    expect(sent.some((e) => e.variableMonitoringId === minor)).toBe(false);
    // Sent on the new connection, after its boot.
    expect(p.calls(CP, 'NotifyEvent').every((c) => c.conn === 1)).toBe(true);
    expect(p.failures).toEqual([]);
  });
});

describe('N02/N03 GetMonitoringReport and SetMonitoringBase', () => {
  it('reports monitors by criteria and component-variable in parts (seqNo, tbc); HardWiredOnly and FactoryDefault change what there is', async () => {
    const p = await setup({ profile: { ...PROFILE_201, deviceModel: { DeviceDataCtrlr: { 'ItemsPerMessage[GetReport]': 1 } } } });
    await p.call(CP, 'SetVariableMonitoring', {
      setMonitoringData: [
        { value: 0, type: 'Delta', severity: 5, ...STATE_1_1 },
        { value: 60, type: 'Periodic', severity: 8, ...POWER_1 },
      ],
    });
    const report = async (requestId: number, params: object) => {
      const res = await p.call(CP, 'GetMonitoringReport', { requestId, ...params });
      if (res.status !== 'Accepted') return { res, parts: [] };
      await arrives(p, 'NotifyMonitoringReport', (q) => q.requestId === requestId && !q.tbc);
      return { res, parts: p.calls(CP, 'NotifyMonitoringReport').filter((c) => c.params.requestId === requestId).map((c) => c.params) };
    };
    // N02.FR.11: everything — EVSE 1 and 2's hard-wired power limits, the preconfigured station Problem, ours.
    const all = await report(1, {});
    expect(all.res).toEqual({ status: 'Accepted' });
    expect(all.parts.map((q) => [q.seqNo, q.tbc])).toEqual([
      [0, true],
      [1, true],
      [2, true],
      [3, false],
    ]);
    const monitors = all.parts.flatMap((q) => q.monitor.flatMap((m: any) => m.variableMonitoring.map((v: any) => `${m.component.name}${m.component.evse ? `@${m.component.evse.id}` : ''}.${m.variable.name}:${v.type}`)));
    expect(monitors.sort()).toEqual(['ChargingStation.Problem:Delta', 'Connector@1.AvailabilityState:Delta', 'EVSE@1.Power:Periodic', 'EVSE@1.Power:UpperThreshold', 'EVSE@2.Power:UpperThreshold']);
    const threshold = await report(2, { monitoringCriteria: ['ThresholdMonitoring'] });
    expect(threshold.parts.flatMap((q) => q.monitor.map((m: any) => m.component.evse.id))).toEqual([1, 2]);
    const evse1 = await report(3, { monitoringCriteria: ['PeriodicMonitoring', 'DeltaMonitoring'], componentVariable: [{ component: { name: 'EVSE', evse: evse(1) } }] });
    expect(evse1.parts.flatMap((q) => q.monitor.flatMap((m: any) => m.variableMonitoring))).toEqual([{ id: expect.any(Number), transaction: false, value: 60, type: 'Periodic', severity: 8 }]);
    expect((await report(4, { componentVariable: [{ component: { name: 'OCPPCommCtrlr' } }] })).res).toEqual({ status: 'EmptyResultSet' });

    expect(await p.call(CP, 'SetMonitoringBase', { monitoringBase: 'HardWiredOnly' })).toEqual({ status: 'Accepted' });
    const hardWired = await report(5, {});
    expect(hardWired.parts.flatMap((q) => q.monitor.map((m: any) => `${m.component.name}.${m.variable.name}`))).toEqual(['EVSE.Power', 'EVSE.Power']);
    const base = await p.call(CP, 'GetVariables', { getVariableData: [{ component: { name: 'MonitoringCtrlr' }, variable: { name: 'ActiveMonitoringBase' } }] });
    expect(base.getVariableResult[0].attributeValue).toBe('HardWiredOnly');
    expect(await p.call(CP, 'SetMonitoringBase', { monitoringBase: 'FactoryDefault' })).toEqual({ status: 'Accepted' });
    const factory = await report(6, {});
    expect(factory.parts.flatMap((q) => q.monitor.map((m: any) => `${m.component.name}.${m.variable.name}`)).sort()).toEqual(['ChargingStation.Problem', 'EVSE.Power', 'EVSE.Power']);
    expect(p.failures).toEqual([]);
  });
});

describe('N09/N10 CustomerInformation', () => {
  it('reports the Authorization Cache entry of an idToken and clears it; the report says what was held before the clear', async () => {
    const p = await setup();
    p.respond('TransactionEvent', (call) => (call.params.eventType === 'Started' ? { idTokenInfo: { status: 'Accepted' } } : undefined));
    const on = await p.call(CP, 'SetVariables', { setVariableData: [{ component: { name: 'AuthCacheCtrlr' }, variable: { name: 'Enabled' }, attributeValue: 'true' }] });
    expect(on.setVariableResult[0].attributeStatus).toBe('Accepted');
    await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 5, evseId: 1 });
    await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started');
    await sleep(200);
    const ask = async (requestId: number, clear: boolean) => {
      expect(await p.call(CP, 'CustomerInformation', { requestId, report: true, clear, idToken: TOKEN })).toEqual({ status: 'Accepted' });
      return (await arrives(p, 'NotifyCustomerInformation', (q) => q.requestId === requestId)).params.data as string;
    };
    expect(await ask(1, false)).toContain('Authorization Cache entry: status Accepted');
    expect(await ask(2, true)).toContain('Authorization Cache entry: status Accepted');
    const after = await ask(3, false);
    expect(after).not.toContain('Authorization Cache');
    // The transaction goes on: clearing forgets what is stored, it does not stop a session.
    expect(after).toContain('Transaction ');
    expect(p.failures).toEqual([]);
  });


  it('Invalid without a customer, Rejected without report or clear; reports what it holds by idToken in NotifyCustomerInformation parts', async () => {
    const p = await setup();
    expect(await p.call(CP, 'CustomerInformation', { requestId: 1, report: true, clear: false })).toMatchObject({ status: 'Invalid' });
    expect(await p.call(CP, 'CustomerInformation', { requestId: 2, report: false, clear: false, idToken: TOKEN })).toMatchObject({ status: 'Rejected' });
    await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 3, evseId: 1 });
    const started = await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started');
    const txId = started.params.transactionInfo.transactionId;
    expect(await p.call(CP, 'CustomerInformation', { requestId: 3, report: true, clear: true, idToken: TOKEN, customerIdentifier: 'cust-42' })).toEqual({ status: 'Accepted' });
    const part = await arrives(p, 'NotifyCustomerInformation', (q) => q.requestId === 3);
    expect(part.params).toMatchObject({ seqNo: 0, tbc: false, requestId: 3 });
    expect(part.params.data).toContain(`Transaction ${txId}`);
    expect(part.params.data).toContain('customerIdentifier cust-42: no data held');
    // Clear only: nothing reported.
    expect(await p.call(CP, 'CustomerInformation', { requestId: 4, report: false, clear: true, customerIdentifier: 'cust-42' })).toEqual({ status: 'Accepted' });
    await sleep(200);
    expect(p.calls(CP, 'NotifyCustomerInformation').filter((c) => c.params.requestId === 4)).toEqual([]);
    expect(p.failures).toEqual([]);
  });
});
