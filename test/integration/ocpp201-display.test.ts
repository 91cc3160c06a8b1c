/**
 * OCPP 2.0.1 display messages (functional block O) over real sockets against the strict ocpp-rpc
 * CSMS, which validates every CALL and CALLRESULT against the official 2.0.1 schemas: SetDisplayMessage
 * with each status (O01, O02, O06), GetDisplayMessages with its NotifyDisplayMessages parts (O03, O04),
 * ClearDisplayMessage (O05), validity windows, and a transaction's message gone with the transaction.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import type { Station } from '../../src/station/station.js';
import { shownNow } from '../../src/ocpp201/display/screen.js';
import { until } from '../helpers/fleet.js';
import type { Received, StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';
import { CP, oneStationPerTest } from '../helpers/one-station-201.js';

const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'display-201', ocppVersions: ['2.0.1'], meterValueSampleInterval: 1 };
const TOKEN = { idToken: 'TAG201', type: 'ISO14443' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A strict CSMS that answers NotifyDisplayMessages, and one booted charge point of `profile`. */
const start = oneStationPerTest({ profile: PROFILE_201 }, { NotifyDisplayMessages: () => ({}) });
async function setup(deviceModel?: Record<string, unknown>): Promise<{ p: StrictPeer201; st: Station }> {
  const { p, station } = await start(deviceModel === undefined ? {} : { profile: { ...PROFILE_201, deviceModel } });
  return { p, st: station };
}

const message = (id: number, more: object = {}) => ({ id, priority: 'NormalCycle', message: { format: 'UTF8', content: `message ${id}` }, ...more });

async function set(p: StrictPeer201, info: object): Promise<any> {
  return p.call(CP, 'SetDisplayMessage', { message: info });
}

/** GetDisplayMessages, then (when Accepted) every NotifyDisplayMessages part for its requestId up to the one without tbc. */
async function get(p: StrictPeer201, req: object, requestId: number): Promise<{ status: string; parts: any[] }> {
  const res = await p.call(CP, 'GetDisplayMessages', { requestId, ...req });
  if (res.status !== 'Accepted') return { status: res.status, parts: [] };
  const parts = () => p.calls(CP, 'NotifyDisplayMessages').filter((c: Received) => c.params.requestId === requestId).map((c) => c.params);
  await until(() => parts().some((q) => !q.tbc), `NotifyDisplayMessages for request ${requestId}`);
  return { status: res.status, parts: parts() };
}

async function displayCount(p: StrictPeer201): Promise<string> {
  const res = await p.call(CP, 'GetVariables', { getVariableData: [{ component: { name: 'DisplayMessageCtrlr' }, variable: { name: 'DisplayMessages' } }] });
  return res.getVariableResult[0].attributeValue;
}

describe('O Display messages against a strict 2.0.1 CSMS', () => {
  it('O01, O03–O06: set, replace, get all / by id / by priority / by state, clear; DisplayMessages counts them', async () => {
    const { p, st } = await setup();
    // O03: nothing configured yet.
    expect(await get(p, {}, 1)).toEqual({ status: 'Unknown', parts: [] });
    expect(await set(p, message(1, { state: 'Idle' }))).toEqual({ status: 'Accepted' });
    expect(await set(p, message(2, { priority: 'InFront' }))).toEqual({ status: 'Accepted' });
    expect(await displayCount(p)).toBe('2');
    // O06: the same id replaces the message.
    expect(await set(p, { ...message(1, { state: 'Idle' }), message: { format: 'ASCII', content: 'replaced', language: 'en' } })).toEqual({ status: 'Accepted' });
    expect(await displayCount(p)).toBe('2');
    const all = await get(p, {}, 2);
    expect(all.parts).toEqual([
      {
        requestId: 2,
        tbc: false,
        messageInfo: [
          { id: 1, priority: 'NormalCycle', state: 'Idle', message: { format: 'ASCII', content: 'replaced', language: 'en' } },
          { id: 2, priority: 'InFront', message: { format: 'UTF8', content: 'message 2' } },
        ],
      },
    ]);
    // O04: by id, priority and state — every criterion given must match.
    expect((await get(p, { id: [2] }, 3)).parts[0].messageInfo.map((m: any) => m.id)).toEqual([2]);
    expect((await get(p, { priority: 'NormalCycle' }, 4)).parts[0].messageInfo.map((m: any) => m.id)).toEqual([1]);
    expect((await get(p, { state: 'Idle' }, 5)).parts[0].messageInfo.map((m: any) => m.id)).toEqual([1]);
    expect(await get(p, { id: [7] }, 6)).toEqual({ status: 'Unknown', parts: [] });
    expect(await get(p, { id: [2], priority: 'NormalCycle' }, 7)).toEqual({ status: 'Unknown', parts: [] });
    // What the display shows: InFront before NormalCycle; the Idle message while the station is idle.
    expect(shownNow(st, Date.now())).toEqual(['InFront: message 2', 'NormalCycle: replaced']);
    // O05.
    expect(await p.call(CP, 'ClearDisplayMessage', { id: 1 })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'ClearDisplayMessage', { id: 1 })).toEqual({ status: 'Unknown' });
    expect(await displayCount(p)).toBe('1');
    expect(p.failures).toEqual([]);
  });

  it('O01: NotSupportedMessageFormat, NotSupportedPriority, NotSupportedState by the model; Rejected when full or switched off', async () => {
    const { p } = await setup({
      DisplayMessageCtrlr: { SupportedPriorities: ['InFront', 'NormalCycle'], SupportedStates: ['Charging', 'Idle'], DisplayMessages: { maxLimit: 2 } },
    });
    // SupportedFormats is ASCII,UTF8.
    expect(await set(p, { ...message(1), message: { format: 'HTML', content: '<b>hi</b>' } })).toEqual({ status: 'NotSupportedMessageFormat' });
    expect(await set(p, message(1, { priority: 'AlwaysFront' }))).toEqual({ status: 'NotSupportedPriority' });
    expect(await set(p, message(1, { state: 'Faulted' }))).toEqual({ status: 'NotSupportedState' });
    expect(await set(p, message(1, { state: 'Charging' }))).toEqual({ status: 'Accepted' });
    expect(await set(p, message(2))).toEqual({ status: 'Accepted' });
    // DisplayMessages' maxLimit is 2: a third is refused, a replacement still fits.
    expect(await set(p, message(3))).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'MaxMessagesReached' } });
    expect(await set(p, message(2, { priority: 'InFront' }))).toEqual({ status: 'Accepted' });
    // A window that ends before it starts can never be shown.
    expect(await p.call(CP, 'ClearDisplayMessage', { id: 2 })).toEqual({ status: 'Accepted' });
    const at = Date.now();
    expect(await set(p, message(4, { startDateTime: new Date(at + 60_000).toISOString(), endDateTime: new Date(at).toISOString() }))).toMatchObject({ status: 'Rejected' });
    // DisplayMessageCtrlr.Enabled false: the display takes no messages.
    const off = await p.call(CP, 'SetVariables', { setVariableData: [{ component: { name: 'DisplayMessageCtrlr' }, variable: { name: 'Enabled' }, attributeValue: 'false' }] });
    expect(off.setVariableResult[0].attributeStatus).toBe('Accepted');
    expect(await set(p, message(5))).toMatchObject({ status: 'Rejected' });
    expect(p.failures).toEqual([]);
  });

  it('O01: a message is shown from its startDateTime and gone after its endDateTime (dropped when next looked at)', async () => {
    const { p, st } = await setup();
    const at = Date.now();
    const window = { startDateTime: new Date(at + 700).toISOString(), endDateTime: new Date(at + 1500).toISOString() };
    expect(await set(p, message(9, window))).toEqual({ status: 'Accepted' });
    expect(await set(p, message(10, { priority: 'AlwaysFront' }))).toEqual({ status: 'Accepted' });
    // Configured but not yet due: reported, not shown.
    expect((await get(p, { id: [9] }, 1)).parts[0].messageInfo).toEqual([message(9, window)]);
    expect(shownNow(st, Date.now())).toEqual(['AlwaysFront: message 10']);
    await until(() => Date.now() >= at + 800, 'the start');
    expect(shownNow(st, Date.now())).toEqual(['AlwaysFront: message 10', 'NormalCycle: message 9']);
    await until(() => Date.now() >= at + 1600, 'the end');
    expect(shownNow(st, Date.now())).toEqual(['AlwaysFront: message 10']);
    expect(await get(p, { id: [9] }, 2)).toEqual({ status: 'Unknown', parts: [] });
    expect(await displayCount(p)).toBe('1');
    expect(p.failures).toEqual([]);
  });

  it('O02: a message for a running transaction (UnknownTransaction for another) is shown while it runs and removed when it ends', async () => {
    const { p, st } = await setup();
    expect(await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 3, evseId: 1 })).toMatchObject({ status: 'Accepted' });
    await until(() => p.calls(CP, 'TransactionEvent').some((c) => c.params.eventType === 'Started'), 'the Started event');
    const transactionId = p.calls(CP, 'TransactionEvent')[0].params.transactionInfo.transactionId;
    expect(await set(p, message(1, { transactionId: 'not-a-transaction' }))).toEqual({ status: 'UnknownTransaction' });
    expect(await set(p, message(1, { transactionId, state: 'Charging' }))).toEqual({ status: 'Accepted' });
    expect(await set(p, message(2))).toEqual({ status: 'Accepted' });
    expect((await get(p, { id: [1] }, 1)).parts[0].messageInfo[0]).toMatchObject({ id: 1, transactionId });
    expect(shownNow(st, Date.now())).toEqual(['NormalCycle: message 1', 'NormalCycle: message 2']);
    expect(await p.call(CP, 'RequestStopTransaction', { transactionId })).toEqual({ status: 'Accepted' });
    await until(() => p.calls(CP, 'TransactionEvent').some((c) => c.params.eventType === 'Ended'), 'the Ended event');
    expect(await get(p, { id: [1] }, 2)).toEqual({ status: 'Unknown', parts: [] });
    expect((await get(p, {}, 3)).parts[0].messageInfo.map((m: any) => m.id)).toEqual([2]);
    expect(shownNow(st, Date.now())).toEqual(['NormalCycle: message 2']);
    expect(await displayCount(p)).toBe('1');
    expect(p.failures).toEqual([]);
  });

  it('a model without DisplayMessageCtrlr and TariffCostCtrlr: their actions are NotSupported (blocks.ts) and nothing is kept', async () => {
    const { p, st } = await setup({ DisplayMessageCtrlr: false, TariffCostCtrlr: false });
    for (const [action, request] of [
      ['SetDisplayMessage', { message: message(1) }],
      ['GetDisplayMessages', { requestId: 1 }],
      ['ClearDisplayMessage', { id: 1 }],
      ['CostUpdated', { totalCost: 1, transactionId: 'x' }],
    ] as const) {
      await expect(p.call(CP, action, request), action).rejects.toMatchObject({ rpcErrorCode: 'NotSupported' });
    }
    expect(st.display).toBeNull();
    expect(p.failures).toEqual([]);
  });

  it('O03: the messages come in NotifyDisplayMessages parts within ItemsPerMessage, tbc on all but the last', async () => {
    const { p } = await setup({ DeviceDataCtrlr: { 'ItemsPerMessage[GetReport]': 2 } });
    for (const id of [1, 2, 3, 4, 5]) expect(await set(p, message(id))).toEqual({ status: 'Accepted' });
    const { parts } = await get(p, {}, 42);
    expect(parts.map((q) => [q.messageInfo.map((m: any) => m.id), q.tbc])).toEqual([
      [[1, 2], true],
      [[3, 4], true],
      [[5], false],
    ]);
    await sleep(100);
    expect(p.calls(CP, 'NotifyDisplayMessages')).toHaveLength(3);
    expect(p.failures).toEqual([]);
  });
});
