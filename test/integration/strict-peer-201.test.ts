/**
 * OCPP 2.0.1 charge points end to end against an independent 2.0.1 implementation (issue #11): our
 * in-process fleet talks to ocpp-rpc's RPCServer in strict 2.0.1 mode, which validates every CALL we
 * send and every CALLRESULT we answer with against the official 2.0.1 schemas. Each test asserts the
 * 2.0.1 specification's behaviour (requirement ids in the names) and ends with zero strict validation
 * failures on every connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { createRPCError, energyOf201, StrictPeer201, type Received } from '../helpers/ocpp-rpc-peer-201.js';
import { modelOf } from '../../src/ocpp201/station-model.js';

const CP = 'TEST001';
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'strict-201', ocppVersions: ['2.0.1'], meterValueSampleInterval: 1 };
/** No car ever arrives by itself: sessions only start when the CSMS asks. */
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let peer: StrictPeer201 | null = null;
let fleet: Fleet | null = null;

afterEach(async () => {
  await stopFleet();
  await peer?.close();
  peer = null;
});

async function stopFleet(): Promise<void> {
  const f = fleet;
  fleet = null;
  await f?.stop();
}

async function setup(overrides: Parameters<typeof startTestFleet>[1] = {}, before?: (p: StrictPeer201) => void) {
  const p = (peer = await StrictPeer201.start());
  before?.(p);
  const f = (fleet = startTestFleet(p.url, { count: 1, driver: QUIET_DRIVER, profile: PROFILE_201, ...overrides }));
  return { peer: p, fleet: f };
}

/** Waits until the identity's latest boot was followed by a StatusNotification for each of its `connectors`. */
async function booted(p: StrictPeer201, identity = CP, connectors = 2): Promise<void> {
  await until(() => {
    const calls = p.calls(identity);
    const boot = calls.map((c) => c.method).lastIndexOf('BootNotification');
    const after = calls.slice(boot + 1).filter((c) => c.method === 'StatusNotification');
    const ids = new Set(after.map((c) => `${c.params.evseId}/${c.params.connectorId}`));
    return boot >= 0 && ids.size === connectors;
  }, `${identity} to boot and report its connectors`);
}

/** Waits for a CALL from the identity that `pred` accepts, made after `since` calls had arrived. */
async function arrives(p: StrictPeer201, method: string, pred: (params: any) => boolean = () => true, since = 0, timeoutMs = 5000): Promise<Received> {
  const find = () => p.received.slice(since).find((r) => r.identity === CP && r.method === method && pred(r.params));
  await until(() => find() !== undefined, `${method} from ${CP}`, timeoutMs);
  return find()!;
}


const TOKEN = { idToken: 'TAG201', type: 'ISO14443' };

/** RequestStartTransaction on an EVSE, then the transaction's Started event (F01). */
async function remoteStart(p: StrictPeer201, evseId: number, remoteStartId: number): Promise<{ answer: any; started: any }> {
  const answer = await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId, evseId });
  const started = await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started' && q.transactionInfo.remoteStartId === remoteStartId);
  return { answer, started: started.params };
}

async function remoteStop(p: StrictPeer201, transactionId: string): Promise<any> {
  expect(await p.call(CP, 'RequestStopTransaction', { transactionId })).toEqual({ status: 'Accepted' });
  return (await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Ended' && q.transactionInfo.transactionId === transactionId)).params;
}

/** Sends a raw frame and returns the CALLERROR the charging station answered with (matched by id). */
async function rawCallError(p: StrictPeer201, text: string, id: string): Promise<any[]> {
  const mark = p.wire.length;
  p.client(CP).sendRaw(text);
  const find = () => p.wire.slice(mark).map((w) => (w.outbound ? null : JSON.parse(w.text))).find((f) => f?.[0] === 4 && f[1] === id);
  await until(() => find() !== undefined, `CALLERROR for ${text}`);
  return find()!;
}

/** The positions on the wire of the answer to a CSMS call and of the first follow-up CALL it caused. */
async function callThenFollow(p: StrictPeer201, method: string, params: object, follow: string) {
  const mark = p.wire.length;
  const res = await p.call(CP, method, params);
  const frames = () => p.wire.slice(mark).map((w) => ({ ...w, f: JSON.parse(w.text) }));
  const callId = frames().find((w) => w.outbound && w.f[0] === 2 && w.f[2] === method)!.f[1];
  const followIdx = () => frames().findIndex((w) => !w.outbound && w.f[0] === 2 && w.f[2] === follow);
  await until(() => followIdx() >= 0, `${follow} after ${method}`);
  const answerIdx = frames().findIndex((w) => !w.outbound && w.f[0] === 3 && w.f[1] === callId);
  return { res, answerIdx, followIdx: followIdx() };
}

function statuses(p: StrictPeer201, evseId: number, since = 0): string[] {
  return p.received.slice(since).filter((r) => r.method === 'StatusNotification' && r.params.evseId === evseId).map((r) => r.params.connectorStatus);
}

describe('2.0.1 fleet against a strict ocpp-rpc CSMS', () => {
  it('E01–E07, E12: a fleet charges with coherent TransactionEvent sequences (Started…Ended, seqNo without gaps, energy monotonic)', async () => {
    const driver = { ...DEFAULT_DRIVER, idleMinS: 0.2, idleMaxS: 0.5, sessionMinS: 1.5, sessionMaxS: 2 };
    const { peer: p, fleet: f } = await setup({ count: 3, driver });
    const ids = ['TEST001', 'TEST002', 'TEST003'];
    await until(() => ids.every((id) => p.calls(id, 'TransactionEvent').some((c) => c.params.eventType === 'Ended')), 'a finished transaction per charging station', 15_000);
    await stopFleet();
    expect(p.transactions.size).toBeGreaterThanOrEqual(3);
    expect(p.sequenceProblems()).toEqual([]);
    for (const { transactionId, identity } of p.transactions.values()) {
      const evs = p.events(transactionId);
      const [started, ended] = [evs[0], evs.at(-1)];
      // E03: a local start is authorized: the Started event carries the token, and the reason it started.
      expect(started.idToken.idToken).toMatch(/./);
      expect(['Authorized', 'CablePluggedIn']).toContain(started.triggerReason);
      expect(started.meterValue[0].sampledValue[0].context).toBe('Transaction.Begin');
      expect(ended.transactionInfo.stoppedReason).toMatch(/./);
      expect(ended.meterValue[0].sampledValue[0].context).toBe('Transaction.End');
      for (const e of evs) expect([identity, e.evse.id]).toEqual([identity, started.evse.id]);
      // Periodic samples while it ran (TxUpdatedInterval 1 s).
      expect(evs.filter((e) => e.triggerReason === 'MeterValuePeriodic').every((e) => e.meterValue[0].sampledValue[0].context === 'Sample.Periodic')).toBe(true);
    }
    for (const id of ids) {
      expect(p.calls(id)[0].method).toBe('BootNotification');
      // G01: 2.0.1 statuses only; Occupied while a car is there.
      expect(new Set(p.calls(id, 'StatusNotification').map((c) => c.params.connectorStatus))).toEqual(new Set(['Available', 'Occupied']));
    }
    f.refresh();
    expect(f.stats.total('transactionsStarted')).toBe(p.transactions.size);
    expect(p.failures).toEqual([]);
  }, 30_000);
});

describe('B Provisioning', () => {
  it('B01: BootNotification reason PowerUp with the station identity, then every EVSE connector Available (G01), heartbeats at the interval given', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const boot = p.calls(CP)[0];
    expect(boot.method).toBe('BootNotification');
    expect(boot.params).toEqual({ reason: 'PowerUp', chargingStation: { model: 'Virtual AC 22', vendorName: 'ocpp-sim', serialNumber: 'SIM-TEST001', firmwareVersion: '1.0.0' } });
    expect(p.calls(CP, 'StatusNotification').map((c) => [c.params.evseId, c.params.connectorId, c.params.connectorStatus])).toEqual([
      [1, 1, 'Available'],
      [2, 1, 'Available'],
    ]);
    await until(() => p.calls(CP, 'Heartbeat').length >= 2, 'two heartbeats', 5000);
    const beats = [boot, ...p.calls(CP, 'Heartbeat')].map((c) => c.at);
    for (let i = 1; i < beats.length; i++) expect(beats[i] - beats[i - 1]).toBeGreaterThan(700);
    expect(p.failures).toEqual([]);
  });

  it('B02 (B02.FR.02): while Pending only triggered messages are sent, remote starts are Rejected; the boot is retried after the interval', async () => {
    const { peer: p } = await setup({}, (q) =>
      q.respond('BootNotification', (_c, n) => (n === 1 ? { status: 'Pending', interval: 3, currentTime: new Date().toISOString() } : undefined)),
    );
    await until(() => p.wire.some((w) => w.outbound && w.text.includes('"Pending"')), 'the Pending boot');
    expect(await p.call(CP, 'GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] })).toMatchObject({
      getVariableResult: [{ attributeStatus: 'Accepted' }],
    });
    expect(await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 1, evseId: 1 })).toMatchObject({ status: 'Rejected' });
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } })).toEqual({ status: 'Accepted' });
    await arrives(p, 'StatusNotification', (q) => q.evseId === 1);
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'Heartbeat' })).toEqual({ status: 'Accepted' });
    await arrives(p, 'Heartbeat');
    expect(p.calls(CP).map((c) => c.method)).toEqual(['BootNotification', 'StatusNotification', 'Heartbeat']);
    await until(() => p.calls(CP, 'BootNotification').length === 2, 'the boot retry after the interval', 6000);
    const [first, second] = p.calls(CP, 'BootNotification');
    expect(second.at - first.at).toBeGreaterThanOrEqual(2900);
    await booted(p);
    expect(p.calls(CP, 'TransactionEvent')).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  // Regression: the NotifyReport parts of a GetBaseReport answered while Pending waited for the boot to
  // be Accepted, so a CSMS that reads the inventory before it accepts a station (as B02 allows) never got it.
  it('B02.FR.01: while Pending, GetBaseReport is answered and its NotifyReport parts are sent (part of the use case the CSMS started)', async () => {
    const { peer: p } = await setup({}, (q) =>
      q.respond('BootNotification', (_c, n) => (n === 1 ? { status: 'Pending', interval: 30, currentTime: new Date().toISOString() } : undefined)),
    );
    await until(() => p.wire.some((w) => w.outbound && w.text.includes('"Pending"')), 'the Pending boot');
    expect(await p.call(CP, 'GetBaseReport', { requestId: 7, reportBase: 'SummaryInventory' })).toEqual({ status: 'Accepted' });
    await until(() => p.calls(CP, 'NotifyReport').some((c) => !c.params.tbc), 'the whole report while Pending');
    expect(p.calls(CP, 'NotifyReport').map((c) => c.params.seqNo)).toEqual(p.calls(CP, 'NotifyReport').map((_c, i) => i));
    // Nothing else: still Pending.
    expect(new Set(p.calls(CP).map((c) => c.method))).toEqual(new Set(['BootNotification', 'NotifyReport']));
    expect(p.failures).toEqual([]);
  });

  it('B02: Pending, then TriggerMessage BootNotification: a boot with reason Triggered, accepted, and no further retry', async () => {
    const { peer: p } = await setup({}, (q) =>
      q.respond('BootNotification', (_c, n) => (n === 1 ? { status: 'Pending', interval: 2, currentTime: new Date().toISOString() } : undefined)),
    );
    await until(() => p.wire.some((w) => w.outbound && w.text.includes('"Pending"')), 'the Pending boot');
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'BootNotification' })).toEqual({ status: 'Accepted' });
    await booted(p);
    expect(p.calls(CP, 'BootNotification').map((c) => c.params.reason)).toEqual(['PowerUp', 'Triggered']);
    await sleep(2500);
    expect(p.calls(CP, 'BootNotification')).toHaveLength(2);
    expect(p.failures).toEqual([]);
  });

  it('B03: Rejected: only BootNotifications, no sooner than the interval', async () => {
    const { peer: p } = await setup({}, (q) => q.respond('BootNotification', () => ({ status: 'Rejected', interval: 1, currentTime: new Date().toISOString() })));
    await until(() => p.calls(CP, 'BootNotification').length >= 3, 'three boot attempts', 6000);
    expect(new Set(p.calls(CP).map((c) => c.method))).toEqual(new Set(['BootNotification']));
    const at = p.calls(CP, 'BootNotification').map((c) => c.at);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(900);
    expect(p.failures).toEqual([]);
  });

  it('B07: GetBaseReport FullInventory → Accepted, then NotifyReport parts seqNo 0… with tbc on all but the last, covering every component', async () => {
    // Small parts, so the report needs several (B07.FR.03: ItemsPerMessage[GetReport] is respected).
    const profile: StationProfile = { ...PROFILE_201, deviceModel: { DeviceDataCtrlr: { 'ItemsPerMessage[GetReport]': 20 } } };
    const { peer: p } = await setup({ profile });
    await booted(p);
    const { res, answerIdx, followIdx } = await callThenFollow(p, 'GetBaseReport', { requestId: 42, reportBase: 'FullInventory' }, 'NotifyReport');
    expect(res).toEqual({ status: 'Accepted' });
    expect(answerIdx).toBeLessThan(followIdx);
    await until(() => p.calls(CP, 'NotifyReport').some((c) => !c.params.tbc), 'the last NotifyReport part', 10_000);
    const parts = p.calls(CP, 'NotifyReport').map((c) => c.params);
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, i) => {
      expect([part.requestId, part.seqNo, part.tbc ?? false]).toEqual([42, i, i < parts.length - 1]);
      expect(part.reportData.length).toBeLessThanOrEqual(20);
    });
    const key = (c: { name: string; instance?: string; evse?: { id: number; connectorId?: number } }) =>
      `${c.name}${c.instance ? `[${c.instance}]` : ''}@${c.evse?.id ?? ''}.${c.evse?.connectorId ?? ''}`;
    const reported = new Set(parts.flatMap((part) => part.reportData.map((d: any) => key(d.component))));
    const model = modelOf(profile).dm;
    expect(reported).toEqual(new Set(model.components.map((c) => key(c.component))));
    // Every variable is reported once, with its characteristics (B07.FR.04: FullInventory includes them).
    expect(parts.reduce((n, part) => n + part.reportData.length, 0)).toBe(model.variables.length);
    expect(parts.every((part) => part.reportData.every((d: any) => d.variableCharacteristics?.dataType))).toBe(true);
    expect(p.failures).toEqual([]);
  });

  it('B07: ConfigurationInventory reports only writable variables; SummaryInventory the availability ones', async () => {
    const { peer: p } = await setup();
    await booted(p);
    expect(await p.call(CP, 'GetBaseReport', { requestId: 1, reportBase: 'ConfigurationInventory' })).toEqual({ status: 'Accepted' });
    await until(() => p.calls(CP, 'NotifyReport').some((c) => c.params.requestId === 1 && !c.params.tbc), 'the configuration report', 10_000);
    const data = p.calls(CP, 'NotifyReport').flatMap((c) => c.params.reportData);
    expect(data.length).toBeGreaterThan(0);
    for (const d of data) expect(d.variableAttribute.some((a: any) => a.mutability !== 'ReadOnly')).toBe(true);
    expect(await p.call(CP, 'GetBaseReport', { requestId: 2, reportBase: 'SummaryInventory' })).toEqual({ status: 'Accepted' });
    await until(() => p.calls(CP, 'NotifyReport').some((c) => c.params.requestId === 2 && !c.params.tbc), 'the summary report', 10_000);
    const summary = p.calls(CP, 'NotifyReport').filter((c) => c.params.requestId === 2).flatMap((c) => c.params.reportData);
    expect(summary.some((d: any) => d.component.name === 'EVSE' && d.variable.name === 'AvailabilityState')).toBe(true);
    expect(p.failures).toEqual([]);
  });

  it('B05: SetVariables HeartbeatInterval Accepted and the heartbeat rate changes; ReadOnly Rejected; NetworkConfigurationPriority RebootRequired; unknown ones named', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const set = (component: object, name: string, attributeValue: string, instance?: string) => ({
      component,
      variable: instance ? { name, instance } : { name },
      attributeValue,
    });
    const res = await p.call(CP, 'SetVariables', {
      setVariableData: [
        set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '3'),
        set({ name: 'DeviceDataCtrlr' }, 'ItemsPerMessage', '5', 'GetReport'),
        set({ name: 'OCPPCommCtrlr' }, 'NetworkConfigurationPriority', '1'),
        set({ name: 'NoSuchCtrlr' }, 'Enabled', 'true'),
        set({ name: 'OCPPCommCtrlr' }, 'NoSuchVariable', '1'),
        set({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', 'soon'),
      ],
    });
    expect(res.setVariableResult.map((r: any) => r.attributeStatus)).toEqual(['Accepted', 'Rejected', 'RebootRequired', 'UnknownComponent', 'UnknownVariable', 'Rejected']);
    const mark = p.received.length;
    await until(() => p.received.slice(mark).filter((c) => c.method === 'Heartbeat').length >= 2, 'two heartbeats at the new rate', 10_000);
    const beats = p.received.slice(mark).filter((c) => c.method === 'Heartbeat').map((c) => c.at);
    expect(beats[1] - beats[0]).toBeGreaterThan(2500);
    expect(await p.call(CP, 'GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] })).toMatchObject({
      getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '3' }],
    });
    expect(p.failures).toEqual([]);
  });

  it('B11: Reset Immediate during a transaction → Ended (ResetCommand, ImmediateReset), then a boot with reason RemoteReset', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const { started } = await remoteStart(p, 1, 11);
    expect(await p.call(CP, 'Reset', { type: 'Immediate' })).toEqual({ status: 'Accepted' });
    const ended = await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Ended');
    expect(ended.params.triggerReason).toBe('ResetCommand');
    expect(ended.params.transactionInfo).toMatchObject({ transactionId: started.transactionInfo.transactionId, stoppedReason: 'ImmediateReset' });
    await until(() => p.calls(CP, 'BootNotification').length === 2, 'the boot after the reset', 5000);
    expect(p.calls(CP, 'BootNotification')[1].params.reason).toBe('RemoteReset');
    await booted(p);
    await sleep(300);
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.calls(CP, 'TransactionEvent').filter((c) => c.params.eventType === 'Ended')).toHaveLength(1);
    expect(p.failures).toEqual([]);
  });

  it('B11: Reset OnIdle during a transaction → Scheduled; the reboot waits for its end; OnIdle while idle → Accepted', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const { started } = await remoteStart(p, 1, 12);
    expect(await p.call(CP, 'Reset', { type: 'OnIdle' })).toEqual({ status: 'Scheduled' });
    await sleep(1500);
    expect(p.calls(CP, 'BootNotification')).toHaveLength(1);
    const ended = await remoteStop(p, started.transactionInfo.transactionId);
    expect(ended.transactionInfo.stoppedReason).toBe('Remote');
    await until(() => p.calls(CP, 'BootNotification').length === 2, 'the boot once idle', 5000);
    expect(p.calls(CP, 'BootNotification')[1].params.reason).toBe('ScheduledReset');
    await booted(p);
    expect(await p.call(CP, 'Reset', { type: 'OnIdle' })).toEqual({ status: 'Accepted' });
    await until(() => p.calls(CP, 'BootNotification').length === 3, 'the boot after an idle reset', 5000);
    // Idle at once: an ordinary remote reset.
    expect(p.calls(CP, 'BootNotification')[2].params.reason).toBe('RemoteReset');
    expect(p.failures).toEqual([]);
  });

  // Regression: the boot after a Reset OnIdle that had waited said RemoteReset; BootReasonEnumType has
  // ScheduledReset for it (OCTT TC_B_21 expects it).
  it('B12.FR.01: after a Reset OnIdle answered Scheduled, the boot reason is ScheduledReset', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const { started } = await remoteStart(p, 1, 13);
    expect(await p.call(CP, 'Reset', { type: 'OnIdle' })).toEqual({ status: 'Scheduled' });
    await remoteStop(p, started.transactionInfo.transactionId);
    await until(() => p.calls(CP, 'BootNotification').length === 2, 'the boot once idle', 5000);
    expect(p.calls(CP, 'BootNotification')[1].params.reason).toBe('ScheduledReset');
  });

  // Regression: a remote start was Accepted while a Reset OnIdle waited for the station to be idle, so
  // the reset the CSMS asked for was put off by every new transaction (B12.FR.01: it happens once all
  // transactions have ended).
  it('B12.FR.01: while a Reset OnIdle waits, RequestStartTransaction is Rejected', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const { started } = await remoteStart(p, 1, 14);
    expect(await p.call(CP, 'Reset', { type: 'OnIdle' })).toEqual({ status: 'Scheduled' });
    expect(await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 15, evseId: 2 })).toMatchObject({ status: 'Rejected' });
    await remoteStop(p, started.transactionInfo.transactionId);
    await until(() => p.calls(CP, 'BootNotification').length === 2, 'the boot once idle', 5000);
    await booted(p);
    expect(p.transactions.size).toBe(1);
    // After the reboot the station takes remote starts again.
    expect((await remoteStart(p, 2, 16)).answer.status).toBe('Accepted');
    expect(p.failures).toEqual([]);
  });

  it('B12: Reset of one EVSE ends only its transaction; an unknown EVSE is Rejected', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const a = (await remoteStart(p, 1, 21)).started.transactionInfo.transactionId;
    const b = (await remoteStart(p, 2, 22)).started.transactionInfo.transactionId;
    expect(await p.call(CP, 'Reset', { type: 'Immediate', evseId: 1 })).toEqual({ status: 'Accepted' });
    const ended = await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Ended');
    expect([ended.params.transactionInfo.transactionId, ended.params.transactionInfo.stoppedReason, ended.params.triggerReason]).toEqual([a, 'ImmediateReset', 'ResetCommand']);
    expect(await p.call(CP, 'GetTransactionStatus', { transactionId: b })).toMatchObject({ ongoingIndicator: true });
    expect(await p.call(CP, 'Reset', { type: 'Immediate', evseId: 9 })).toMatchObject({ status: 'Rejected' });
    expect(p.connections.get(CP)).toHaveLength(1);
    expect(p.failures).toEqual([]);
  });
  it('B09: SetNetworkProfile is checked and stored: Accepted for the current security profile or above, Rejected below it', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const profile = (securityProfile: number) => ({
      configurationSlot: 2,
      connectionData: { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://csms.example/ocpp', messageTimeout: 30, securityProfile, ocppInterface: 'Wired0' },
    });
    expect(await p.call(CP, 'SetNetworkProfile', profile(2))).toEqual({ status: 'Accepted' });
    // The station's SecurityCtrlr.SecurityProfile is 1: a profile of 0 would lower it.
    expect(await p.call(CP, 'SetNetworkProfile', profile(0))).toMatchObject({ status: 'Rejected' });
    expect(p.failures).toEqual([]);
  });
});

describe('E/F Transactions and remote control', () => {
  it('F01/F03: RequestStartTransaction → Started (RemoteStart, remoteStartId, idToken); RequestStopTransaction → Ended (RemoteStop, Remote)', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const mark = p.received.length;
    const { answer, started } = await remoteStart(p, 1, 77);
    expect(answer.status).toBe('Accepted');
    if (answer.transactionId !== undefined) expect(answer.transactionId).toBe(started.transactionInfo.transactionId);
    expect(started).toMatchObject({ eventType: 'Started', seqNo: 0, triggerReason: 'RemoteStart', idToken: TOKEN, evse: { id: 1, connectorId: 1 } });
    expect(started.transactionInfo.remoteStartId).toBe(77);
    expect(started.offline).toBeUndefined();
    expect(statuses(p, 1, mark)).toEqual(['Occupied']);
    // A second start on the busy EVSE is refused.
    expect(await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 78, evseId: 1 })).toMatchObject({ status: 'Rejected' });
    await until(() => p.events(started.transactionInfo.transactionId).some((e) => e.triggerReason === 'MeterValuePeriodic'), 'a periodic sample', 5000);
    const ended = await remoteStop(p, started.transactionInfo.transactionId);
    expect(ended).toMatchObject({ eventType: 'Ended', triggerReason: 'RemoteStop', transactionInfo: { stoppedReason: 'Remote' } });
    expect(await p.call(CP, 'RequestStopTransaction', { transactionId: started.transactionInfo.transactionId })).toMatchObject({ status: 'Rejected' });
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  it('E14: GetTransactionStatus: ongoing or not, and whether its messages still wait', async () => {
    let hold = false;
    const { peer: p } = await setup({}, (q) =>
      q.respond('TransactionEvent', async () => {
        while (hold) await sleep(50);
        return undefined;
      }),
    );
    await booted(p);
    const id = (await remoteStart(p, 1, 5)).started.transactionInfo.transactionId;
    expect(await p.call(CP, 'GetTransactionStatus', { transactionId: id })).toEqual({ ongoingIndicator: true, messagesInQueue: false });
    expect(await p.call(CP, 'GetTransactionStatus', { transactionId: 'no-such-tx' })).toEqual({ ongoingIndicator: false, messagesInQueue: false });
    hold = true;
    await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Updated');
    expect(await p.call(CP, 'GetTransactionStatus', { transactionId: id })).toEqual({ ongoingIndicator: true, messagesInQueue: true });
    expect(await p.call(CP, 'GetTransactionStatus', {})).toEqual({ messagesInQueue: true });
    hold = false;
    await remoteStop(p, id);
    await until(() => p.calls(CP, 'TransactionEvent').at(-1)!.params.eventType === 'Ended', 'the end');
    await sleep(200);
    expect(await p.call(CP, 'GetTransactionStatus', { transactionId: id })).toEqual({ ongoingIndicator: false, messagesInQueue: false });
    expect(p.failures).toEqual([]);
  });

  it('E12: a dropped connection mid-transaction: events queued with offline: true, delivered after the reconnect, seqNo continuous', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const id = (await remoteStart(p, 1, 9)).started.transactionInfo.transactionId;
    await until(() => p.events(id).length >= 2, 'a sample before the drop');
    await p.drop(CP, 2500);
    await until(() => (p.connections.get(CP)?.length ?? 0) === 2, 'the reconnect', 10_000);
    await until(() => p.events(id).some((e) => e.offline === true), 'the offline events', 5000);
    const ended = await remoteStop(p, id);
    expect(ended.offline).toBeUndefined();
    const evs = p.events(id);
    const offline = evs.filter((e) => e.offline);
    expect(offline.length).toBeGreaterThanOrEqual(1);
    // Queued while offline, they come on the new connection (E12.FR.xx: kept, in order).
    for (const e of offline) expect(p.calls(CP, 'TransactionEvent').find((c) => c.params === e)!.conn).toBe(1);
    expect(p.calls(CP, 'BootNotification')).toHaveLength(1); // a reconnect is no reboot
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  }, 20_000);

  it('E13: a TransactionEvent refused by the CSMS is retried MessageAttempts[TransactionEvent] times, MessageAttemptInterval apart, same seqNo', async () => {
    const { peer: p } = await setup({}, (q) =>
      q.respond('TransactionEvent', (c) => {
        if (c.params.eventType === 'Started') throw createRPCError('InternalError', 'not now');
        return undefined;
      }),
    );
    await booted(p);
    const attempts = await p.call(CP, 'SetVariables', {
      setVariableData: [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'MessageAttemptInterval', instance: 'TransactionEvent' }, attributeValue: '1' },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'MessageAttempts', instance: 'TransactionEvent' }, attributeValue: '3' },
      ],
    });
    expect(attempts.setVariableResult.map((r: any) => r.attributeStatus)).toEqual(['Accepted', 'Accepted']);
    await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 3, evseId: 1 });
    await until(() => p.calls(CP, 'TransactionEvent').filter((c) => c.params.eventType === 'Started').length === 3, 'three attempts', 10_000);
    await sleep(3500);
    const tries = p.calls(CP, 'TransactionEvent').filter((c) => c.params.eventType === 'Started');
    expect(tries).toHaveLength(3);
    expect(tries.map((c) => c.params.seqNo)).toEqual([0, 0, 0]);
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(900);
    expect(tries[2].at - tries[1].at).toBeGreaterThanOrEqual(1900);
    expect(p.failures).toEqual([]);
  }, 20_000);

  it('J01/J02 E02: clock-aligned readings (AlignedDataCtrlr.Interval) go in the transaction as MeterValueClock; periodic ones as MeterValuePeriodic', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const res = await p.call(CP, 'SetVariables', {
      setVariableData: [{ component: { name: 'AlignedDataCtrlr' }, variable: { name: 'Interval' }, attributeValue: '1' }],
    });
    expect(res.setVariableResult[0].attributeStatus).toBe('Accepted');
    // Idle EVSEs report clock-aligned data as MeterValues.
    await arrives(p, 'MeterValues', (q) => q.meterValue[0].sampledValue[0].context === 'Sample.Clock');
    const id = (await remoteStart(p, 1, 4)).started.transactionInfo.transactionId;
    await until(() => p.events(id).some((e) => e.triggerReason === 'MeterValueClock') && p.events(id).some((e) => e.triggerReason === 'MeterValuePeriodic'), 'both kinds', 6000);
    const clock = p.events(id).filter((x) => x.triggerReason === 'MeterValueClock');
    for (const e of clock) {
      expect(e.meterValue[0].sampledValue[0].context).toBe('Sample.Clock');
      // Taken at the whole second (the timer wheel wakes the station a few ms after it).
      expect(new Date(e.meterValue[0].timestamp).getTime() % 1000).toBeLessThan(500);
    }
    await remoteStop(p, id);
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  it('F05: UnlockConnector: Unlocked when free, OngoingAuthorizedTransaction during one, UnknownConnector elsewhere', async () => {
    const { peer: p } = await setup();
    await booted(p);
    expect(await p.call(CP, 'UnlockConnector', { evseId: 2, connectorId: 1 })).toEqual({ status: 'Unlocked' });
    const id = (await remoteStart(p, 1, 6)).started.transactionInfo.transactionId;
    expect(await p.call(CP, 'UnlockConnector', { evseId: 1, connectorId: 1 })).toEqual({ status: 'OngoingAuthorizedTransaction' });
    expect(await p.call(CP, 'UnlockConnector', { evseId: 9, connectorId: 1 })).toEqual({ status: 'UnknownConnector' });
    expect(await p.call(CP, 'UnlockConnector', { evseId: 1, connectorId: 2 })).toEqual({ status: 'UnknownConnector' });
    await remoteStop(p, id);
    expect(p.failures).toEqual([]);
  });
});

describe('G Availability', () => {
  it('G03: ChangeAvailability Inoperative on an EVSE while charging → Scheduled, Unavailable once the transaction ends', { timeout: 20_000 }, async () => {
    const { peer: p } = await setup();
    await booted(p);
    const id = (await remoteStart(p, 1, 31)).started.transactionInfo.transactionId;
    const mark = p.received.length;
    expect(await p.call(CP, 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).toEqual({ status: 'Scheduled' });
    await sleep(500);
    expect(statuses(p, 1, mark)).toEqual([]);
    expect(await p.call(CP, 'GetTransactionStatus', { transactionId: id })).toMatchObject({ ongoingIndicator: true });
    await remoteStop(p, id);
    // The EVSE stays Occupied while the cable is in (the driver lingers 5 s), then Unavailable, not Available.
    await until(() => statuses(p, 1, mark).at(-1) === 'Unavailable', 'EVSE 1 Unavailable', 10_000);
    expect(statuses(p, 1, mark)).toEqual(['Unavailable']);
    // A new start there is refused now.
    expect(await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 32, evseId: 1 })).toMatchObject({ status: 'Rejected' });
    expect(p.failures).toEqual([]);
  });

  it('G03/G04: station, EVSE and connector level: Unavailable and back to Available; unknown EVSE Rejected', async () => {
    const { peer: p } = await setup();
    await booted(p);
    let mark = p.received.length;
    expect(await p.call(CP, 'ChangeAvailability', { operationalStatus: 'Inoperative' })).toEqual({ status: 'Accepted' });
    await until(() => statuses(p, 1, mark).includes('Unavailable') && statuses(p, 2, mark).includes('Unavailable'), 'both EVSEs Unavailable');
    // The device model says so too (Referenced Components: AvailabilityState).
    const availability = await p.call(CP, 'GetVariables', {
      getVariableData: [
        { component: { name: 'ChargingStation' }, variable: { name: 'AvailabilityState' } },
        { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' } },
      ],
    });
    expect(availability.getVariableResult.map((r: any) => [r.attributeStatus, r.attributeValue])).toEqual([
      ['Accepted', 'Unavailable'],
      ['Accepted', 'Unavailable'],
    ]);
    expect(await p.call(CP, 'ChangeAvailability', { operationalStatus: 'Operative' })).toEqual({ status: 'Accepted' });
    await until(() => statuses(p, 1, mark).at(-1) === 'Available' && statuses(p, 2, mark).at(-1) === 'Available', 'both EVSEs Available');
    mark = p.received.length;
    expect(await p.call(CP, 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 2, connectorId: 1 } })).toEqual({ status: 'Accepted' });
    await until(() => statuses(p, 2, mark).at(-1) === 'Unavailable', 'connector 2/1 Unavailable');
    expect(statuses(p, 1, mark)).toEqual([]);
    expect(await p.call(CP, 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 7 } })).toMatchObject({ status: 'Rejected' });
    expect(await p.call(CP, 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1, connectorId: 4 } })).toMatchObject({ status: 'Rejected' });
    expect(p.failures).toEqual([]);
  });
});

describe('F06 TriggerMessage', () => {
  it('each supported MessageTrigger: Accepted and sent after the answer (F06.FR.04); BootNotification Rejected once accepted (F06.FR.17)', async () => {
    const { peer: p } = await setup();
    await booted(p);
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'BootNotification' })).toEqual({ status: 'Rejected' });
    for (const [requestedMessage, follow, extra] of [
      ['Heartbeat', 'Heartbeat', {}],
      ['StatusNotification', 'StatusNotification', { evse: { id: 2, connectorId: 1 } }],
      ['MeterValues', 'MeterValues', { evse: { id: 1 } }],
      ['LogStatusNotification', 'LogStatusNotification', {}],
      ['FirmwareStatusNotification', 'FirmwareStatusNotification', {}],
    ] as const) {
      const { res, answerIdx, followIdx } = await callThenFollow(p, 'TriggerMessage', { requestedMessage, ...extra }, follow);
      expect([requestedMessage, res]).toEqual([requestedMessage, { status: 'Accepted' }]);
      expect(answerIdx).toBeLessThan(followIdx);
    }
    expect(p.calls(CP, 'StatusNotification').at(-1)!.params).toMatchObject({ evseId: 2, connectorId: 1 });
    expect(p.calls(CP, 'MeterValues').at(-1)!.params.evseId).toBe(1);
    expect(p.calls(CP, 'MeterValues').at(-1)!.params.meterValue[0].sampledValue[0].context).toBe('Trigger');
    // TransactionEvent: an Updated event with triggerReason Trigger for the running transaction.
    const id = (await remoteStart(p, 1, 41)).started.transactionInfo.transactionId;
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } })).toEqual({ status: 'Accepted' });
    await until(() => p.events(id).some((e) => e.triggerReason === 'Trigger'), 'the triggered TransactionEvent');
    expect(p.events(id).find((e) => e.triggerReason === 'Trigger')).toMatchObject({ eventType: 'Updated' });
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'Heartbeat', evse: { id: 9 } })).toMatchObject({ status: 'Rejected' });
    await remoteStop(p, id);
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  });
});

describe('F06 TriggerMessage, as the 2.0.1 requirements say', () => {
  // Regression: a triggered MeterValues had the transaction measurands (TxUpdatedMeasurands); a
  // StatusNotification without a connector was Accepted and sent for every connector; a TransactionEvent
  // with no transaction there was Accepted and nothing was sent.
  it('F06.FR.06 MeterValues with AlignedDataCtrlr.Measurands; F06.FR.12 StatusNotification needs a connector; TransactionEvent without a transaction Rejected', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const set = await p.call(CP, 'SetVariables', {
      setVariableData: [{ component: { name: 'AlignedDataCtrlr' }, variable: { name: 'Measurands' }, attributeValue: 'Current.Import' }],
    });
    expect(set.setVariableResult[0].attributeStatus).toBe('Accepted');
    const mark = p.received.length;
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'MeterValues' })).toEqual({ status: 'Accepted' });
    await until(() => p.received.slice(mark).filter((c) => c.method === 'MeterValues').length === 2, 'one MeterValues per EVSE');
    const triggered = p.received.slice(mark).filter((c) => c.method === 'MeterValues');
    expect(triggered.map((c) => c.params.evseId)).toEqual([1, 2]);
    for (const c of triggered) {
      for (const v of c.params.meterValue[0].sampledValue) expect([v.measurand, v.context]).toEqual(['Current.Import', 'Trigger']);
    }
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'StatusNotification' })).toMatchObject({ status: 'Rejected' });
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1 } })).toMatchObject({ status: 'Rejected' });
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 2 } })).toMatchObject({ status: 'Rejected' });
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } })).toMatchObject({ status: 'Rejected' });
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'TransactionEvent' })).toMatchObject({ status: 'Rejected' });
    await sleep(300);
    expect(p.received.slice(mark).filter((c) => c.method === 'StatusNotification' || c.method === 'TransactionEvent')).toEqual([]);
    // With transactions on both EVSEs, a TransactionEvent trigger without an EVSE covers each.
    const a = (await remoteStart(p, 1, 51)).started.transactionInfo.transactionId;
    const b = (await remoteStart(p, 2, 52)).started.transactionInfo.transactionId;
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'TransactionEvent' })).toEqual({ status: 'Accepted' });
    await until(() => [a, b].every((id) => p.events(id).some((e) => e.triggerReason === 'Trigger')), 'a triggered event per transaction');
    await remoteStop(p, a);
    await remoteStop(p, b);
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  });
});

describe('Part 4: RPC framework and actions not supported', () => {
  it('a 2.0.1 action the station does not support → NotSupported; an action 2.0.1 does not have → NotImplemented', async () => {
    // A model without reservations (its device model leaves ReservationCtrlr out).
    const { peer: p } = await setup({ profile: { ...PROFILE_201, deviceModel: { ReservationCtrlr: false } } });
    await booted(p);
    await expect(
      p.call(CP, 'ReserveNow', { id: 1, expiryDateTime: new Date(Date.now() + 60_000).toISOString(), idToken: TOKEN, evseId: 1 }),
    ).rejects.toMatchObject({ rpcErrorCode: 'NotSupported' });
    // ocpp-rpc will not send an action its 2.0.1 schema lacks: raw frames.
    expect((await rawCallError(p, '[2,"n1","RemoteStartTransaction",{"idTag":"X"}]', 'n1'))[2]).toBe('NotImplemented');
    expect((await rawCallError(p, '[2,"n2","GetConfiguration",{}]', 'n2'))[2]).toBe('NotImplemented');
    expect(p.failures).toEqual([]);
  });

  it('schema-invalid calls get 2.0.1 codes and spellings (Part 4 §4.3); frames whose id cannot be read are answered with id "-1" (RpcFrameworkError)', async () => {
    const { peer: p } = await setup();
    await booted(p);
    const cases: [string, string, string][] = [
      ['[2,"t1","Reset",{"type":5}]', 't1', 'TypeConstraintViolation'],
      ['[2,"t2","Reset",{"type":"Medium"}]', 't2', 'PropertyConstraintViolation'],
      ['[2,"t3","Reset",{}]', 't3', 'OccurenceConstraintViolation'],
      ['[2,"t4","Reset",{"type":"Immediate","when":"now"}]', 't4', 'FormatViolation'],
      ['[9,"t5","Reset",{"type":"Immediate"}]', 't5', 'MessageTypeNotSupported'],
    ];
    for (const [text, id, code] of cases) {
      const err = await rawCallError(p, text, id);
      expect([text, err[2]]).toEqual([text, code]);
      expect(typeof err[3]).toBe('string');
      expect(err[4]).toEqual(expect.any(Object));
    }
    for (const text of ['this is not json', '[2,42,"Reset",{"type":"Immediate"}]', '{"not":"an array"}']) {
      const err = await rawCallError(p, text, '-1');
      expect([text, err[2]]).toEqual([text, 'RpcFrameworkError']);
    }
    await sleep(300);
    expect(p.connections.get(CP)).toHaveLength(1); // nothing was reset
    expect(p.calls(CP, 'BootNotification')).toHaveLength(1);
    expect(p.failures).toEqual([]);
  });
});
