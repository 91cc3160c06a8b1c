/**
 * End to end against an independent OCPP 1.6J implementation: our in-process fleet talks to
 * ocpp-rpc's RPCServer in strict mode, which validates every CALL we send and every CALLRESULT we
 * answer with. Every test ends with zero strict validation failures on every connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verdict } from '../../src/cli/verdict.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { createRPCError, energyOf, NOREPLY, StrictPeer, type Received } from '../helpers/ocpp-rpc-peer.js';

const CP = 'TEST001';
/** No car ever arrives by itself: sessions only start when the operator asks. */
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };

let peer: StrictPeer | null = null;
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

async function setup(overrides: Parameters<typeof startTestFleet>[1] = {}, before?: (p: StrictPeer) => void) {
  const p = (peer = await StrictPeer.start());
  before?.(p);
  const f = (fleet = startTestFleet(p.url, overrides));
  return { peer: p, fleet: f };
}

/** Waits until the identity's latest boot was followed by a StatusNotification for connectors 0…n. */
async function booted(p: StrictPeer, identity: string, connectors = 2): Promise<void> {
  await until(() => {
    const calls = p.calls(identity);
    const boot = calls.map((c) => c.method).lastIndexOf('BootNotification');
    const ids = new Set(calls.slice(boot + 1).filter((c) => c.method === 'StatusNotification').map((c) => c.params.connectorId));
    return boot >= 0 && ids.size === connectors + 1;
  }, `${identity} to boot and report its connectors`);
}

/** Waits for a CALL from the identity that `pred` accepts, made after `since` calls had arrived. */
async function arrives(p: StrictPeer, identity: string, method: string, pred: (params: any) => boolean = () => true, since = 0): Promise<Received> {
  const find = () => p.received.slice(since).find((r) => r.identity === identity && r.method === method && pred(r.params));
  await until(() => find() !== undefined, `${method} from ${identity}`);
  return find()!;
}

/** Calls the charge point, then returns the answer and the wire positions of it and of a follow-up CALL. */
async function callThenFollow(p: StrictPeer, method: string, params: object, follow: string, pred: (params: any) => boolean = () => true) {
  const mark = p.wire.length;
  const res = await p.call(CP, method, params);
  const frames = () => p.wire.slice(mark).map((w) => ({ ...w, f: JSON.parse(w.text) }));
  const callId = frames().find((w) => w.outbound && w.f[0] === 2 && w.f[2] === method)!.f[1];
  const followIdx = () => frames().findIndex((w) => !w.outbound && w.f[0] === 2 && w.f[2] === follow && pred(w.f[3]));
  await until(() => followIdx() >= 0, `${follow} after ${method}`);
  const answerIdx = frames().findIndex((w) => !w.outbound && w.f[0] === 3 && w.f[1] === callId);
  return { res, answerIdx, followIdx: followIdx() };
}

/** Sends a raw frame and returns the CALLERROR the charge point answered with (matched by id). */
async function rawCallError(p: StrictPeer, text: string, id: string): Promise<any[]> {
  const mark = p.wire.length;
  p.client(CP).sendRaw(text);
  const find = () => p.wire.slice(mark).map((w) => (w.outbound ? null : JSON.parse(w.text))).find((f) => f?.[0] === 4 && f[1] === id);
  await until(() => find() !== undefined, `CALLERROR for ${text}`);
  return find()!;
}

function action(f: Fleet, name: string) {
  f.refresh();
  return f.stats.actions().find((a) => a.action === name) ?? { sent: 0, received: 0, callErrors: 0, errorsSent: 0, invalidCalls: 0 };
}

function openTxIds(p: StrictPeer): number[] {
  return [...p.transactions.keys()].filter((id) => (p.stops.get(id)?.size ?? 0) !== 1);
}

describe('fleet against a strict ocpp-rpc CSMS', () => {
  it('boots, reports status, heartbeats and charges; stats match what the server received', async () => {
    const { peer: p, fleet: f } = await setup({ count: 3 });
    const ids = ['TEST001', 'TEST002', 'TEST003'];
    await until(
      () => ids.every((id) => p.calls(id, 'Heartbeat').length >= 2 && p.calls(id, 'StopTransaction').length >= 1),
      'two heartbeats and a finished session per charge point',
      8000,
    );
    await stopFleet();

    for (const id of ids) {
      const calls = p.calls(id);
      expect(calls[0].method).toBe('BootNotification');
      expect(calls[0].params).toMatchObject({ chargePointVendor: 'ocpp-sim', chargePointModel: 'Virtual AC 22', firmwareVersion: '1.0.0' });
      expect(calls.slice(1, 4).map((c) => [c.method, c.params.connectorId, c.params.status])).toEqual([
        ['StatusNotification', 0, 'Available'],
        ['StatusNotification', 1, 'Available'],
        ['StatusNotification', 2, 'Available'],
      ]);
      const beats = [calls[0], ...p.calls(id, 'Heartbeat')].map((c) => c.at);
      for (let i = 1; i < beats.length; i++) expect(beats[i] - beats[i - 1]).toBeGreaterThan(700), expect(beats[i] - beats[i - 1]).toBeLessThan(1500);
    }

    // Every transaction: meter values with its id and a rising register, then exactly one stop.
    expect(p.transactions.size).toBeGreaterThanOrEqual(3);
    for (const tx of p.transactions.values()) {
      const samples = p.calls(tx.identity, 'MeterValues').filter((m) => m.params.transactionId === tx.transactionId);
      const readings = samples.map((m) => energyOf(m.params.meterValue[0])!);
      for (const m of samples) expect(m.params.connectorId).toBe(tx.connectorId);
      const stops = [...(p.stops.get(tx.transactionId)?.values() ?? [])];
      expect(stops, `stops of ${tx.transactionId}`).toHaveLength(1);
      const stop = stops[0];
      expect(stop.meterStop).toBeGreaterThanOrEqual(tx.meterStart);
      expect([tx.meterStart, ...readings, stop.meterStop]).toEqual([tx.meterStart, ...readings, stop.meterStop].sort((a, b) => a - b));
      expect(stop.transactionData.map((d: any) => [d.sampledValue[0].context, energyOf(d)])).toEqual([
        ['Transaction.Begin', tx.meterStart],
        ['Transaction.End', stop.meterStop],
      ]);
      expect(['Local', 'Other']).toContain(stop.reason);
    }
    for (const m of p.calls(undefined, 'MeterValues')) {
      expect(p.transactions.get(m.params.transactionId)?.identity, 'MeterValues of a known transaction').toBe(m.identity);
    }
    const sampled = [...p.transactions.values()].filter((tx) => p.calls(tx.identity, 'MeterValues').some((m) => m.params.transactionId === tx.transactionId));
    expect(sampled.length).toBeGreaterThan(0);
    expect(openTxIds(p)).toEqual([]);

    // The fleet's own numbers are what the independent server saw.
    f.refresh();
    expect(f.stats.total('chargePointsBooted')).toBe(3);
    expect(f.stats.total('transactionsStarted')).toBe(p.calls(undefined, 'StartTransaction').length);
    expect(f.stats.total('transactionsCompleted')).toBe(p.calls(undefined, 'StopTransaction').length);
    const energy = [...p.transactions.values()].reduce((sum, tx) => sum + [...p.stops.get(tx.transactionId)!.values()][0].meterStop - tx.meterStart, 0);
    expect(f.stats.total('energyWh')).toBe(energy);
    for (const m of ['BootNotification', 'StatusNotification', 'Heartbeat', 'Authorize', 'StartTransaction', 'MeterValues', 'StopTransaction']) {
      expect(action(f, m).sent, m).toBe(p.calls(undefined, m).length);
    }
    expect(f.stats.total('badFrames')).toBe(0);
    expect(verdict(f.stats, { total: 3, allowInvalid: false, workerErrors: [] })).toEqual({ passed: true, reasons: [], notes: [] });
    expect(p.failures).toEqual([]);
  });
});

describe('operator calls from the strict CSMS', () => {
  it('RemoteStart / RemoteStop / ChangeAvailability / UnlockConnector', async () => {
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER });
    await booted(p, CP);

    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE01' })).toEqual({ status: 'Accepted' });
    const start = await arrives(p, CP, 'StartTransaction', (q) => q.idTag === 'REMOTE01');
    expect(start.params.connectorId).toBe(1);
    const txId = [...p.transactions.values()].find((t) => t.idTag === 'REMOTE01')!.transactionId;
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE02' })).toEqual({ status: 'Rejected' });

    // Inoperative while charging waits for the transaction (Scheduled); on an idle connector it is immediate.
    expect(await p.call(CP, 'ChangeAvailability', { connectorId: 1, type: 'Inoperative' })).toEqual({ status: 'Scheduled' });
    const mark = p.received.length;
    expect(await p.call(CP, 'ChangeAvailability', { connectorId: 2, type: 'Inoperative' })).toEqual({ status: 'Accepted' });
    await arrives(p, CP, 'StatusNotification', (q) => q.connectorId === 2 && q.status === 'Unavailable', mark);
    expect(await p.call(CP, 'ChangeAvailability', { connectorId: 2, type: 'Operative' })).toEqual({ status: 'Accepted' });
    await arrives(p, CP, 'StatusNotification', (q) => q.connectorId === 2 && q.status === 'Available', mark);

    expect(await p.call(CP, 'RemoteStopTransaction', { transactionId: 999_999 })).toEqual({ status: 'Rejected' });
    expect(await p.call(CP, 'RemoteStopTransaction', { transactionId: txId })).toEqual({ status: 'Accepted' });
    const stop = await arrives(p, CP, 'StopTransaction', (q) => q.transactionId === txId);
    expect(stop.params).toMatchObject({ reason: 'Remote', idTag: 'REMOTE01' });
    expect(fleet!.shards![0].stations[0].connectors[1].operative).toBe(false); // the scheduled change took effect

    // UnlockConnector stops the session on connector 2 first.
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 2, idTag: 'REMOTE03' })).toEqual({ status: 'Accepted' });
    await arrives(p, CP, 'StartTransaction', (q) => q.idTag === 'REMOTE03');
    const tx2 = [...p.transactions.values()].find((t) => t.idTag === 'REMOTE03')!.transactionId;
    expect(await p.call(CP, 'UnlockConnector', { connectorId: 2 })).toEqual({ status: 'Unlocked' });
    expect((await arrives(p, CP, 'StopTransaction', (q) => q.transactionId === tx2)).params.reason).toBe('UnlockCommand');
    expect(await p.call(CP, 'UnlockConnector', { connectorId: 9 })).toEqual({ status: 'NotSupported' });

    expect(openTxIds(p)).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  it('GetConfiguration / ChangeConfiguration / ClearCache / DataTransfer', async () => {
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER });
    await booted(p, CP);

    const all = await p.call(CP, 'GetConfiguration', {});
    const value = (res: any, key: string) => res.configurationKey.find((k: any) => k.key === key)?.value;
    expect(all.unknownKey).toBeUndefined();
    expect(all.configurationKey.length).toBeGreaterThan(20);
    expect(value(all, 'HeartbeatInterval')).toBe('1'); // the interval BootNotification.conf gave
    expect(all.configurationKey.find((k: any) => k.key === 'NumberOfConnectors')).toEqual({ key: 'NumberOfConnectors', readonly: true, value: '2' });
    expect(await p.call(CP, 'GetConfiguration', { key: ['MeterValueSampleInterval', 'NoSuchKey'] })).toEqual({
      configurationKey: [{ key: 'MeterValueSampleInterval', readonly: false, value: '1' }],
      unknownKey: ['NoSuchKey'],
    });

    const change = (key: string, v: string) => p.call(CP, 'ChangeConfiguration', { key, value: v });
    expect(await change('HeartbeatInterval', '7')).toEqual({ status: 'Accepted' });
    expect(value(await p.call(CP, 'GetConfiguration', { key: ['HeartbeatInterval'] }), 'HeartbeatInterval')).toBe('7');
    expect(await change('NumberOfConnectors', '4')).toEqual({ status: 'Rejected' });
    expect(await change('NoSuchKey', '1')).toEqual({ status: 'NotSupported' });
    expect(await change('MeterValueSampleInterval', 'soon')).toEqual({ status: 'Rejected' });
    expect(await change('WebSocketPingInterval', '30')).toEqual({ status: 'RebootRequired' });

    expect(await p.call(CP, 'ClearCache', {})).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'DataTransfer', { vendorId: 'acme' })).toEqual({ status: 'UnknownVendorId' });
    expect(await p.call(CP, 'DataTransfer', { vendorId: 'ocpp-sim', messageId: 'echo', data: 'hi' })).toEqual({ status: 'Accepted', data: 'hi' });
    expect(p.failures).toEqual([]);
  });

  // Regression: the interval BootNotification.conf gave once overrode the HeartbeatInterval key, so a
  // later ChangeConfiguration(HeartbeatInterval) was Accepted but never used.
  it('ChangeConfiguration HeartbeatInterval changes the heartbeat rate', async () => {
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER }, (q) =>
      q.respond('BootNotification', () => ({ status: 'Accepted', interval: 60, currentTime: new Date().toISOString() })),
    );
    await booted(p, CP);
    expect(await p.call(CP, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '1' })).toEqual({ status: 'Accepted' });
    await until(() => p.calls(CP, 'Heartbeat').length >= 1, 'a heartbeat at the new 1-s interval', 2500);
  });

  it('TriggerMessage: the answer goes out first, then the requested message', async () => {
    const { peer: p, fleet: f } = await setup({ count: 1, driver: QUIET_DRIVER });
    await booted(p, CP);
    const cases: [string, object, string, (q: any) => boolean][] = [
      ['StatusNotification', { connectorId: 1 }, 'StatusNotification', (q) => q.connectorId === 1],
      ['MeterValues', { connectorId: 1 }, 'MeterValues', (q) => q.connectorId === 1 && q.transactionId === undefined],
      ['Heartbeat', {}, 'Heartbeat', () => true],
      ['BootNotification', {}, 'BootNotification', () => true],
    ];
    for (const [requestedMessage, extra, follow, pred] of cases) {
      const r = await callThenFollow(p, 'TriggerMessage', { requestedMessage, ...extra }, follow, pred);
      expect(r.res, requestedMessage).toEqual({ status: 'Accepted' });
      expect(r.answerIdx, requestedMessage).toBeGreaterThanOrEqual(0);
      expect(r.answerIdx, `${requestedMessage} answered before it is sent`).toBeLessThan(r.followIdx);
    }
    expect(p.calls(CP, 'MeterValues').at(-1)!.params.meterValue[0].sampledValue[0].context).toBe('Trigger');
    f.refresh();
    expect(f.stats.total('chargePointsBooted')).toBe(1);
    expect(p.failures).toEqual([]);
  });

  it('Reset Soft stops the transaction, reconnects and boots again', async () => {
    const { peer: p, fleet: f } = await setup({ count: 1, driver: QUIET_DRIVER });
    await booted(p, CP);
    await p.call(CP, 'RemoteStartTransaction', { connectorId: 2, idTag: 'RESET01' });
    await arrives(p, CP, 'StartTransaction');
    const txId = [...p.transactions.keys()][0];
    expect(await p.call(CP, 'Reset', { type: 'Soft' })).toEqual({ status: 'Accepted' });
    expect((await arrives(p, CP, 'StopTransaction', (q) => q.transactionId === txId)).params.reason).toBe('SoftReset');
    await until(() => p.connections.get(CP)!.length === 2, 'the reconnect after reset');
    await until(() => p.calls(CP, 'BootNotification').length === 2, 'the boot after the reset');
    expect(p.calls(CP, 'BootNotification').map((c) => c.conn)).toEqual([0, 1]);
    expect(f.shards![0].stations[0].connectors[2].tx).toBeNull();
    expect(openTxIds(p)).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  it('Reset Hard: StopTransaction HardReset is delivered, the charge point boots again', async () => {
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER });
    await booted(p, CP);
    await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'HARD01' });
    await arrives(p, CP, 'StartTransaction');
    const txId = [...p.transactions.keys()][0];
    expect(await p.call(CP, 'Reset', { type: 'Hard' })).toEqual({ status: 'Accepted' });
    expect((await arrives(p, CP, 'StopTransaction', (q) => q.transactionId === txId)).params.reason).toBe('HardReset');
    await until(() => p.calls(CP, 'BootNotification').length === 2, 'the boot after the hard reset');
    await booted(p, CP);
    expect(openTxIds(p)).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  it('StartTransaction.conf Invalid: the charge point stops it with reason DeAuthorized', async () => {
    const { peer: p, fleet: f } = await setup({ count: 1, driver: QUIET_DRIVER }, (q) =>
      q.respond('StartTransaction', () => ({ transactionId: 77, idTagInfo: { status: 'Invalid' } })),
    );
    await booted(p, CP);
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'BADTAG' })).toEqual({ status: 'Accepted' });
    const stop = await arrives(p, CP, 'StopTransaction');
    expect(stop.params).toMatchObject({ transactionId: 77, reason: 'DeAuthorized' });
    f.refresh();
    expect(f.stats.total('transactionsRejected')).toBe(1);
    expect(p.failures).toEqual([]);
  });

  it('unsupported, unknown, schema-invalid and malformed calls get 1.6 CALLERRORs; the link survives', async () => {
    // A model with the Core profile only: ReserveNow is a known action it does not support.
    const coreOnly = { ...DEFAULT_PROFILE, configuration: { SupportedFeatureProfiles: { value: 'Core', readonly: true } } };
    const { peer: p, fleet: f } = await setup({ count: 1, driver: QUIET_DRIVER, profile: coreOnly });
    await booted(p, CP);
    const reserve = { connectorId: 1, expiryDate: new Date(Date.now() + 60_000).toISOString(), idTag: 'R1', reservationId: 1 };
    await expect(p.call(CP, 'ReserveNow', reserve)).rejects.toMatchObject({ rpcErrorCode: 'NotSupported' });

    // ocpp-rpc would refuse to send these itself, so they go out raw.
    const cases: [string, string, string][] = [
      ['[2,"bad1","RemoteStartTransaction",{"connectorId":1}]', 'bad1', 'OccurenceConstraintViolation'],
      ['[2,"u1","NoSuchAction",{}]', 'u1', 'NotImplemented'],
      ['not json', '-1', 'ProtocolError'],
      ['[2,"x"]', 'x', 'FormationViolation'],
      ['[2,"1","Heartbeat",[]]', '1', 'FormationViolation'],
    ];
    for (const [text, id, code] of cases) {
      const err = await rawCallError(p, text, id);
      expect([text, err[2]]).toEqual([text, code]);
      expect(err[4]).toEqual({});
    }
    expect(p.calls(CP, 'StartTransaction')).toEqual([]);

    const beats = p.calls(CP, 'Heartbeat').length;
    await until(() => p.calls(CP, 'Heartbeat').length >= beats + 2, 'heartbeats after the garbage', 3000);
    expect(p.connections.get(CP)).toHaveLength(1);
    f.refresh();
    expect(f.stats.total('badFrames')).toBe(3);
    expect(f.stats.total('reconnects')).toBe(0);
    expect(action(f, 'RemoteStartTransaction')).toMatchObject({ received: 1, invalidCalls: 1, errorsSent: 1 });
    expect(p.failures).toEqual([]);
  });
});

describe('resilience', () => {
  it('a dropped connection: reconnect without reboot, unconfirmed transaction messages resent, none lost', async () => {
    let hold = false;
    let held: Received | null = null;
    const { peer: p, fleet: f } = await setup({ count: 2 }, (q) =>
      // Swallow one MeterValues of TEST001's transaction: it stays unconfirmed when the link drops.
      q.respond('MeterValues', (call) => {
        if (!hold || call.identity !== CP || call.params.transactionId === undefined) return undefined;
        hold = false;
        held = call;
        return NOREPLY;
      }),
    );
    await arrives(p, CP, 'StartTransaction');
    hold = true;
    await until(() => held !== null, 'a MeterValues of a running transaction');
    await p.client(CP).close({ code: 1001, force: true });

    await until(() => p.connections.get(CP)!.length === 2, 'the reconnect');
    const heldAt = p.received.indexOf(held!);
    const resent = await arrives(p, CP, 'MeterValues', (q) => JSON.stringify(q) === JSON.stringify(held!.params), heldAt + 1);
    expect(resent.conn).toBe(1);
    await until(() => p.calls(CP, 'Heartbeat').some((c) => c.conn === 1), 'a heartbeat on the new connection');
    expect(p.calls(CP, 'BootNotification')).toHaveLength(1); // it did not reboot (OCPP 1.6 §4.2)

    await until(() => p.calls(undefined, 'StopTransaction').length >= 2, 'more sessions', 5000);
    await stopFleet();
    f.refresh();
    expect(f.stats.total('reconnects')).toBeGreaterThanOrEqual(1);
    expect(f.stats.total('transactionsStarted')).toBe(p.transactions.size);
    expect(f.stats.total('transactionsCompleted')).toBe(p.transactions.size);
    expect(openTxIds(p)).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  // Regression: the stop once counted a station between reconnect attempts as drained, shutting it
  // down with its StopTransaction still queued.
  it('fleet.stop() during a reconnect backoff still delivers the StopTransaction', async () => {
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER });
    await booted(p, CP);
    await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'OFFLINE1' });
    await arrives(p, CP, 'StartTransaction');
    const st = fleet!.shards![0].stations[0];
    await p.client(CP).close({ code: 1001, force: true });
    await until(() => st.ws === null, 'the charge point to notice the drop');
    await stopFleet();
    expect(openTxIds(p)).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  it('a StartTransaction answered with CALLERROR is retried after TransactionMessageRetryInterval', async () => {
    const { peer: p, fleet: f } = await setup({ count: 1, driver: QUIET_DRIVER }, (q) =>
      q.respond('StartTransaction', (_call, n) => {
        if (n === 1) throw createRPCError('InternalError', 'try again later');
        return undefined;
      }),
    );
    await booted(p, CP);
    expect(await p.call(CP, 'ChangeConfiguration', { key: 'TransactionMessageRetryInterval', value: '1' })).toEqual({ status: 'Accepted' });
    await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'RETRY01' });
    await until(() => p.calls(CP, 'StartTransaction').length === 2, 'the retried StartTransaction', 4000);
    const [first, second] = p.calls(CP, 'StartTransaction');
    expect(second.params).toEqual(first.params);
    expect(second.at - first.at).toBeGreaterThanOrEqual(900);
    expect(p.transactions.size).toBe(1);

    await stopFleet();
    expect(openTxIds(p)).toEqual([]);
    expect([...p.stops.values()][0].size).toBe(1);
    expect(action(f, 'StartTransaction')).toMatchObject({ sent: 2, callErrors: 1 });
    expect(f.stats.total('transactionsStarted')).toBe(1);
    expect(f.stats.total('transactionsCompleted')).toBe(1);
    expect(p.failures).toEqual([]);
  });
});

describe('boot registration', () => {
  it('Pending: nothing else is sent, boot retried after the interval, then Accepted', async () => {
    const { peer: p, fleet: f } = await setup({ count: 1, driver: QUIET_DRIVER }, (q) =>
      q.respond('BootNotification', (_c, n) => (n === 1 ? { status: 'Pending', interval: 1, currentTime: new Date().toISOString() } : undefined)),
    );
    await booted(p, CP);
    const calls = p.calls(CP);
    expect(calls.slice(0, 2).map((c) => c.method)).toEqual(['BootNotification', 'BootNotification']);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(900);
    expect(calls[1].at - calls[0].at).toBeLessThan(1600);
    f.refresh();
    expect([f.stats.total('bootsPending'), f.stats.total('bootsAccepted'), f.stats.total('chargePointsBooted')]).toEqual([1, 1, 1]);
    expect(verdict(f.stats, { total: 1, allowInvalid: false, workerErrors: [] }).passed).toBe(true);
    expect(p.failures).toEqual([]);
  });

  it('Rejected: only boots are sent, CSMS calls go unanswered, the verdict fails', async () => {
    const { peer: p, fleet: f } = await setup({ count: 1, driver: QUIET_DRIVER }, (q) =>
      q.respond('BootNotification', () => ({ status: 'Rejected', interval: 1, currentTime: new Date().toISOString() })),
    );
    await until(() => p.calls(CP, 'BootNotification').length >= 2, 'a second boot attempt', 3000);
    await expect(p.call(CP, 'TriggerMessage', { requestedMessage: 'Heartbeat' }, { callTimeoutMs: 400 })).rejects.toThrow(/timeout/i);
    expect(new Set(p.calls(CP).map((c) => c.method))).toEqual(new Set(['BootNotification']));
    f.refresh();
    expect(f.stats.total('bootsRejected')).toBeGreaterThanOrEqual(2);
    const v = verdict(f.stats, { total: 1, allowInvalid: false, workerErrors: [] });
    expect(v.passed).toBe(false);
    expect(v.reasons.join('\n')).toMatch(/BootNotification\(s\) rejected/);
    expect(v.reasons.join('\n')).toMatch(/never booted/);
    expect(p.failures).toEqual([]);
  });
});
