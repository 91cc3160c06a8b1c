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
    // Keys are CiString50Type, compared without regard to case (§7); answers use the key's own spelling.
    expect(await change('heartbeatINTERVAL', '9')).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'GetConfiguration', { key: ['heartbeatinterval', 'nosuchkey'] })).toEqual({
      configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '9' }],
      unknownKey: ['nosuchkey'],
    });
    expect(await change('numberofconnectors', '4')).toEqual({ status: 'Rejected' });

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
    // Regression: connector 0 (the main meter, §4.7) was Accepted but nothing was sent.
    const main = await callThenFollow(p, 'TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 0 }, 'MeterValues', (q) => q.connectorId === 0);
    expect(main.res).toEqual({ status: 'Accepted' });
    expect(main.answerIdx).toBeLessThan(main.followIdx);
    expect(p.calls(CP, 'MeterValues').at(-1)!.params.meterValue[0].sampledValue).toEqual([
      { value: '0', context: 'Trigger', measurand: 'Energy.Active.Import.Register', location: 'Inlet', unit: 'Wh' },
    ]);
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

describe('OCPP 1.6 core sequencing', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  // Regression: while Pending the charge point answered the CSMS but held back what TriggerMessage
  // asked for until Accepted, and accepted a RemoteStartTransaction it could not report (§4.2).
  it('Pending: answers configuration calls, sends only triggered messages, refuses remote starts', async () => {
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER }, (q) =>
      q.respond('BootNotification', (_c, n) => (n === 1 ? { status: 'Pending', interval: 3, currentTime: new Date().toISOString() } : undefined)),
    );
    await until(() => p.calls(CP, 'BootNotification').length === 1 && p.wire.some((w) => w.outbound && w.text.includes('"Pending"')), 'the Pending boot');
    expect(await p.call(CP, 'ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '5' })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'GetConfiguration', { key: ['MeterValueSampleInterval'] })).toEqual({
      configurationKey: [{ key: 'MeterValueSampleInterval', readonly: false, value: '5' }],
    });
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'PENDING1' })).toEqual({ status: 'Rejected' });
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 })).toEqual({ status: 'Accepted' });
    await arrives(p, CP, 'StatusNotification', (q) => q.connectorId === 1);
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'Heartbeat' })).toEqual({ status: 'Accepted' });
    await arrives(p, CP, 'Heartbeat');
    // Still Pending: only the boot and what was triggered have been sent.
    expect(p.calls(CP).map((c) => c.method)).toEqual(['BootNotification', 'StatusNotification', 'Heartbeat']);
    await until(() => p.calls(CP, 'BootNotification').length === 2, 'the boot retry after the interval', 5000);
    await booted(p, CP);
    expect(p.calls(CP, 'StartTransaction')).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  // Regression: a boot accepted through TriggerMessage(BootNotification) while Pending left the
  // Pending boot's retry armed, so a needless BootNotification followed after the interval.
  it('Pending, then TriggerMessage BootNotification accepted: no further boot retry', async () => {
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER }, (q) =>
      q.respond('BootNotification', (_c, n) => (n === 1 ? { status: 'Pending', interval: 2, currentTime: new Date().toISOString() } : undefined)),
    );
    await until(() => p.wire.some((w) => w.outbound && w.text.includes('"Pending"')), 'the Pending boot');
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'BootNotification' })).toEqual({ status: 'Accepted' });
    await booted(p, CP);
    await sleep(2500);
    expect(p.calls(CP, 'BootNotification')).toHaveLength(2);
    expect(p.failures).toEqual([]);
  });

  // Regression: a hard reset sent StopTransaction and closed the socket before its answer, so the
  // same StopTransaction went out again after the reboot.
  it('Reset Hard: StopTransaction HardReset goes once, after the reboot and its BootNotification', async () => {
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER });
    await booted(p, CP);
    await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'HARD02' });
    await arrives(p, CP, 'StartTransaction');
    expect(await p.call(CP, 'Reset', { type: 'Hard' })).toEqual({ status: 'Accepted' });
    const stop = await arrives(p, CP, 'StopTransaction');
    await booted(p, CP);
    await sleep(300);
    expect(stop.params.reason).toBe('HardReset');
    expect(stop.conn).toBe(1);
    const calls = p.calls(CP);
    expect(calls.indexOf(stop)).toBeGreaterThan(calls.findIndex((c) => c.method === 'BootNotification' && c.conn === 1));
    expect(p.calls(CP, 'StopTransaction')).toHaveLength(1);
    expect(openTxIds(p)).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  // Regression: a soft reset rebooted once its queue was empty, even with its StopTransaction still
  // unanswered, which then went out a second time after the reboot.
  it('Reset Soft: reboots only after the StopTransaction is answered; no new session meanwhile', async () => {
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER }, (q) =>
      q.respond('StopTransaction', async () => {
        await sleep(900); // longer than the test fleet's softResetDrainMs (300 ms)
        return undefined;
      }),
    );
    await booted(p, CP);
    await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'SOFT02' });
    await arrives(p, CP, 'StartTransaction');
    expect(await p.call(CP, 'Reset', { type: 'Soft' })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 2, idTag: 'SOFT03' })).toEqual({ status: 'Rejected' });
    const stop = await arrives(p, CP, 'StopTransaction');
    expect([stop.params.reason, stop.conn]).toEqual(['SoftReset', 0]);
    await until(() => p.calls(CP, 'BootNotification').length === 2, 'the boot after the reset', 5000);
    await booted(p, CP);
    await sleep(300);
    expect(p.calls(CP, 'StopTransaction')).toHaveLength(1);
    expect(p.calls(CP, 'StartTransaction')).toHaveLength(1);
    // The socket closed only after the answer was on the wire.
    const frames = p.wire.filter((w) => w.identity === CP && w.conn === 0).map((w) => JSON.parse(w.text));
    expect(frames.at(-1)![0]).toBe(3);
    expect(p.failures).toEqual([]);
  });

  it('features the model lacks: TriggerMessage NotSupported, firmware triggers NotImplemented, their keys NotSupported; unknown connector Rejected', async () => {
    const coreOnly = { ...DEFAULT_PROFILE, configuration: { SupportedFeatureProfiles: { value: 'Core', readonly: true } } };
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER, profile: coreOnly });
    await booted(p, CP);
    await expect(p.call(CP, 'TriggerMessage', { requestedMessage: 'Heartbeat' })).rejects.toMatchObject({ rpcErrorCode: 'NotSupported' });
    // Regression: a key of a profile the model lacks was unknown to GetConfiguration but Accepted by ChangeConfiguration.
    expect(await p.call(CP, 'GetConfiguration', { key: ['LocalAuthListEnabled'] })).toEqual({ configurationKey: [], unknownKey: ['LocalAuthListEnabled'] });
    expect(await p.call(CP, 'ChangeConfiguration', { key: 'LocalAuthListEnabled', value: 'false' })).toEqual({ status: 'NotSupported' });
    expect(await p.call(CP, 'ChangeConfiguration', { key: 'StopTransactionOnInvalidId', value: 'false' })).toEqual({ status: 'Accepted' });
    await stopFleet();
    await peer?.close();

    const trigger = { ...DEFAULT_PROFILE, configuration: { SupportedFeatureProfiles: { value: 'Core,RemoteTrigger', readonly: true } } };
    const { peer: q } = await setup({ count: 1, driver: QUIET_DRIVER, profile: trigger });
    await booted(q, CP);
    expect(await q.call(CP, 'TriggerMessage', { requestedMessage: 'DiagnosticsStatusNotification' })).toEqual({ status: 'NotImplemented' });
    expect(await q.call(CP, 'TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' })).toEqual({ status: 'NotImplemented' });
    expect(await q.call(CP, 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 3 })).toEqual({ status: 'Rejected' });
    expect(await q.call(CP, 'TriggerMessage', { requestedMessage: 'Heartbeat' })).toEqual({ status: 'Accepted' });
    await arrives(q, CP, 'Heartbeat');
    await sleep(200);
    expect(q.calls(CP, 'DiagnosticsStatusNotification')).toEqual([]);
    expect(q.calls(CP, 'FirmwareStatusNotification')).toEqual([]);
    expect(q.failures).toEqual([]);
  });

  it('TriggerMessage StatusNotification for every connector leaves out connector 0 on a model that never reports it', async () => {
    const profile = { ...DEFAULT_PROFILE, quirks: { ...DEFAULT_PROFILE.quirks, statusNotificationConnectorZero: false } };
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER, profile });
    await booted(p, CP, 1); // connectors 1 and 2
    expect(p.calls(CP, 'StatusNotification').map((c) => c.params.connectorId)).toEqual([1, 2]);
    const mark = p.received.length;
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'StatusNotification' })).toEqual({ status: 'Accepted' });
    await until(() => p.calls(CP, 'StatusNotification').length === 4, 'the triggered statuses');
    await sleep(200);
    expect(p.received.slice(mark).filter((c) => c.method === 'StatusNotification').map((c) => c.params.connectorId)).toEqual([1, 2]);
    // Asked for by name, connector 0 is reported.
    expect(await p.call(CP, 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 0 })).toEqual({ status: 'Accepted' });
    await arrives(p, CP, 'StatusNotification', (q) => q.connectorId === 0);
    expect(p.failures).toEqual([]);
  });

  // Regression: a connector made Inoperative while its driver waited for Authorize still started the
  // transaction, and on unplug went Preparing → Unavailable, which is no 1.6 transition (§4.9, B8).
  it('made Inoperative while authorizing: no transaction, then Available and Unavailable on unplug', async () => {
    const { peer: p, fleet: f } = await setup({ count: 1, driver: QUIET_DRIVER, speed: 10 }, (q) =>
      q.respond('Authorize', async () => {
        await sleep(600);
        return undefined;
      }),
    );
    await booted(p, CP);
    expect(await p.call(CP, 'ChangeConfiguration', { key: 'AuthorizeRemoteTxRequests', value: 'true' })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'AVAIL01' })).toEqual({ status: 'Accepted' });
    await arrives(p, CP, 'StatusNotification', (q) => q.connectorId === 1 && q.status === 'Preparing');
    expect(await p.call(CP, 'ChangeAvailability', { connectorId: 1, type: 'Inoperative' })).toEqual({ status: 'Accepted' });
    await arrives(p, CP, 'StatusNotification', (q) => q.connectorId === 1 && q.status === 'Unavailable');
    await sleep(200);
    expect(p.calls(CP, 'Authorize')).toHaveLength(1);
    expect(p.calls(CP, 'StartTransaction')).toEqual([]);
    expect(p.calls(CP, 'StatusNotification').filter((c) => c.params.connectorId === 1).map((c) => c.params.status)).toEqual([
      'Available',
      'Preparing',
      'Available',
      'Unavailable',
    ]);
    f.refresh();
    expect(f.stats.problems.filter((m) => m.includes('not a 1.6 transition'))).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  it('schema-invalid calls get the OCPP-J 1.6 code for what is wrong, and are not acted on', async () => {
    const { peer: p } = await setup({ count: 1, driver: QUIET_DRIVER });
    await booted(p, CP);
    const cases: [string, string, string][] = [
      ['[2,"t1","Reset",{"type":5}]', 't1', 'TypeConstraintViolation'],
      ['[2,"t2","Reset",{"type":"Medium"}]', 't2', 'PropertyConstraintViolation'],
      ['[2,"t3","Reset",{}]', 't3', 'OccurenceConstraintViolation'],
      ['[2,"t4","Reset",{"type":"Soft","when":"now"}]', 't4', 'FormationViolation'],
      ['[2,"t5","ChangeConfiguration",{"key":"HeartbeatInterval","value":7}]', 't5', 'TypeConstraintViolation'],
      ['[2,"t6","GetConfiguration",{"key":"HeartbeatInterval"}]', 't6', 'TypeConstraintViolation'],
    ];
    for (const [text, id, code] of cases) {
      const err = await rawCallError(p, text, id);
      expect([text, err[2]]).toEqual([text, code]);
    }
    await sleep(300);
    expect(p.connections.get(CP)).toHaveLength(1); // no reset happened
    expect(p.calls(CP, 'BootNotification')).toHaveLength(1);
    expect(p.failures).toEqual([]);
  });

  it('ChangeAvailability to a negative or unknown connector is Rejected, not an InternalError', async () => {
    const { peer: p, fleet: f } = await setup({ count: 1, driver: QUIET_DRIVER });
    await booted(p, CP);
    expect(await p.call(CP, 'ChangeAvailability', { connectorId: -1, type: 'Inoperative' })).toEqual({ status: 'Rejected' });
    expect(await p.call(CP, 'ChangeAvailability', { connectorId: 3, type: 'Inoperative' })).toEqual({ status: 'Rejected' });
    expect(action(f, 'ChangeAvailability')).toMatchObject({ received: 2, errorsSent: 0 });
    expect(p.failures).toEqual([]);
  });

  it('a CALLRESULT or CALLERROR to an unknown message id is ignored; the link and the outstanding call go on', async () => {
    const { peer: p, fleet: f } = await setup({ count: 1, driver: QUIET_DRIVER });
    await booted(p, CP);
    p.client(CP).sendRaw('[3,"no-such-id",{"currentTime":"2026-01-01T00:00:00Z"}]');
    p.client(CP).sendRaw('[4,"no-such-id-2","GenericError","",{}]');
    const beats = p.calls(CP, 'Heartbeat').length;
    await until(() => p.calls(CP, 'Heartbeat').length >= beats + 2, 'heartbeats after the stray responses', 3000);
    expect(await p.call(CP, 'GetConfiguration', { key: ['NumberOfConnectors'] })).toEqual({
      configurationKey: [{ key: 'NumberOfConnectors', readonly: true, value: '2' }],
    });
    // Message ids of one connection are unique.
    const ids = p.inbound(CP).filter((fr) => fr[0] === 2).map((fr) => fr[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(p.connections.get(CP)).toHaveLength(1);
    f.refresh();
    expect(f.stats.total('reconnects')).toBe(0);
    expect(action(f, 'Heartbeat').callErrors).toBe(0);
    expect(p.failures).toEqual([]);
  });
});
