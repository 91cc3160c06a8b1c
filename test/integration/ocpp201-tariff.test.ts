/**
 * OCPP 2.0.1 tariff and cost (functional block I) over real sockets: the driver's tariff and the
 * running and final cost a CSMS gives in its answers (I01–I03, I06) and in CostUpdated (I02), kept per
 * transaction, logged, and shown as TariffCostCtrlr allows — against the strict ocpp-rpc CSMS (every
 * message schema-checked), and against the embedded CSMS charging by the kWh.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { shownNow } from '../../src/ocpp201/display/screen.js';
import { displayState } from '../../src/ocpp201/display/store.js';
import { stationLog } from '../../src/station/log.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import type { Station } from '../../src/station/station.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { energyOf201, StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';

const CP = 'TEST001';
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'tariff-201', ocppVersions: ['2.0.1'], meterValueSampleInterval: 1 };
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const TOKEN = { idToken: 'TAG201', type: 'ISO14443' };
/** TariffCostCtrlr with tariffs and costs switched on (the model's default is off). */
const SHOWS_PRICES = { TariffCostCtrlr: { 'Enabled[Tariff]': true, 'Enabled[Cost]': true, Currency: 'EUR' } };

let peer: StrictPeer201 | null = null;
let csms: Csms | null = null;
let fleet: Fleet | null = null;

afterEach(async () => {
  await fleet?.stop();
  fleet = null;
  await peer?.close();
  peer = null;
  await csms?.close();
  csms = null;
});

async function setup(deviceModel: Record<string, unknown> | undefined, before: (p: StrictPeer201) => void = () => {}): Promise<{ p: StrictPeer201; st: Station }> {
  const p = (peer = await StrictPeer201.start());
  before(p);
  const profile = deviceModel === undefined ? PROFILE_201 : { ...PROFILE_201, deviceModel };
  const f = (fleet = startTestFleet(p.url, { count: 1, driver: QUIET_DRIVER, profile }));
  await until(() => p.calls(CP, 'StatusNotification').length >= 2, 'the boot and both connectors');
  return { p, st: f.shards![0].stations[0] };
}

async function start(p: StrictPeer201): Promise<string> {
  expect(await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 1, evseId: 1 })).toMatchObject({ status: 'Accepted' });
  await until(() => p.calls(CP, 'TransactionEvent').some((c) => c.params.eventType === 'Started'), 'the Started event');
  return p.calls(CP, 'TransactionEvent')[0].params.transactionInfo.transactionId;
}

async function stop(p: StrictPeer201, transactionId: string): Promise<void> {
  expect(await p.call(CP, 'RequestStopTransaction', { transactionId })).toEqual({ status: 'Accepted' });
  await until(() => p.calls(CP, 'TransactionEvent').some((c) => c.params.eventType === 'Ended'), 'the Ended event');
}

const logOf = (st: Station) => stationLog.lines(st, st.identity).filter((l) => l.includes(' * '));

describe('I Tariff and cost against a strict 2.0.1 CSMS', () => {
  it('I01, I02, I03, I06: the tariff with the token, the running cost with updates, the final cost with Ended — kept, logged and shown', async () => {
    const { p, st } = await setup(SHOWS_PRICES, (q) =>
      q.respond('TransactionEvent', ({ params }) => {
        if (params.eventType === 'Started') return { idTokenInfo: { status: 'Accepted', personalMessage: { format: 'UTF8', content: '0.35 EUR/kWh' } } };
        if (params.eventType === 'Ended') return { totalCost: 4.2, updatedPersonalMessage: { format: 'UTF8', content: 'Thank you' } };
        return { totalCost: 1.5 };
      }),
    );
    const id = await start(p);
    await until(() => displayState(st)?.price(id)?.totalCost === 1.5, 'the running cost');
    expect(shownNow(st, Date.now())).toEqual(['EVSE 1: 0.35 EUR/kWh', 'EVSE 1: cost so far 1.5 EUR']);
    await stop(p, id);
    await until(() => displayState(st)?.price(id)?.final === true, 'the final cost');
    expect(displayState(st)!.price(id)).toMatchObject({ connectorId: 1, totalCost: 4.2, final: true, personal: { content: 'Thank you' } });
    // Until the next transaction on that EVSE, its display shows the end.
    expect(shownNow(st, Date.now())).toEqual(['EVSE 1: Thank you', 'EVSE 1: total cost 4.2 EUR']);
    const log = logOf(st);
    expect(log.some((l) => l.endsWith(`cost: transaction ${id} on connector 1: tariff "0.35 EUR/kWh"`))).toBe(true);
    expect(log.some((l) => l.endsWith(`cost: transaction ${id} on connector 1: running total 1.5 EUR`))).toBe(true);
    expect(log.some((l) => l.endsWith(`cost: transaction ${id} on connector 1: final total 4.2 EUR`))).toBe(true);
    expect(p.failures).toEqual([]);
  });

  it('I02: CostUpdated sets the running cost; for an unknown transaction the answer is still a valid empty one', async () => {
    const { p, st } = await setup(SHOWS_PRICES);
    const id = await start(p);
    expect(await p.call(CP, 'CostUpdated', { totalCost: 2.75, transactionId: id })).toEqual({});
    expect(displayState(st)!.price(id)).toMatchObject({ totalCost: 2.75, final: false });
    expect(shownNow(st, Date.now())).toEqual(['EVSE 1: cost so far 2.75 EUR']);
    expect(await p.call(CP, 'CostUpdated', { totalCost: 9, transactionId: 'no-such-transaction' })).toEqual({});
    expect(displayState(st)!.price('no-such-transaction')).toBeNull();
    expect(logOf(st).some((l) => l.endsWith('cost: CostUpdated 9 for unknown transaction no-such-transaction, ignored'))).toBe(true);
    expect(p.failures).toEqual([]);
  });

  it('I01: a tariff given with an Authorize answer goes with the transaction the driver then starts on that connector', async () => {
    const { p, st } = await setup({ ...SHOWS_PRICES, AuthCtrlr: { AuthorizeRemoteStart: true } }, (q) =>
      q.respond('Authorize', () => ({ idTokenInfo: { status: 'Accepted', personalMessage: { format: 'UTF8', content: 'Your tariff: 0.29/kWh' } } })),
    );
    const id = await start(p);
    expect(p.calls(CP, 'Authorize')).toHaveLength(1);
    await until(() => displayState(st)?.price(id)?.personal?.content === 'Your tariff: 0.29/kWh', 'the tariff on the transaction');
    expect(shownNow(st, Date.now())).toEqual(['EVSE 1: Your tariff: 0.29/kWh']);
    expect(p.failures).toEqual([]);
  });

  it('I04, I05, I03: the fallback tariff while none is given; the fallback cost when it ends offline, then the final cost once delivered', async () => {
    const fallbacks = { TariffCostCtrlr: { ...SHOWS_PRICES.TariffCostCtrlr, TariffFallbackMessage: 'Tariff at the pole', TotalCostFallbackMessage: 'Cost on your invoice' } };
    const p = (peer = await StrictPeer201.start());
    p.respond('TransactionEvent', ({ params }) => (params.eventType === 'Ended' ? { totalCost: 3.3 } : undefined));
    // No car comes by itself; the remote start's session lasts 1.5 s.
    const driver = { ...QUIET_DRIVER, sessionMinS: 1.5, sessionMaxS: 1.5 };
    const f = (fleet = startTestFleet(p.url, { count: 1, driver, profile: { ...PROFILE_201, deviceModel: fallbacks } }));
    await until(() => p.calls(CP, 'StatusNotification').length >= 2, 'the boot and both connectors');
    const st = f.shards![0].stations[0];
    const id = await start(p);
    expect(shownNow(st, Date.now())).toEqual(['EVSE 1: Tariff at the pole']);
    await p.drop(CP, 2500);
    await until(() => st.connectors[1].tx?.stopped === true, 'the end of the session, offline', 4000);
    // The tariff's fallback goes with the transaction; the cost's stands in for the total not yet received.
    expect(shownNow(st, Date.now())).toEqual(['EVSE 1: Cost on your invoice']);
    await until(() => displayState(st)?.price(id)?.final === true, 'the final cost after the reconnect', 8000);
    expect(shownNow(st, Date.now())).toEqual(['EVSE 1: total cost 3.3 EUR']);
    expect(p.failures).toEqual([]);
  });

  it('TariffCostCtrlr Enabled[Cost] false (the default): the cost is kept and logged, not shown', async () => {
    const { p, st } = await setup(undefined, (q) => q.respond('TransactionEvent', ({ params }) => (params.eventType === 'Started' ? undefined : { totalCost: 0.8 })));
    const id = await start(p);
    await until(() => displayState(st)?.price(id)?.totalCost === 0.8, 'the running cost');
    expect(shownNow(st, Date.now())).toEqual([]);
    expect(await p.call(CP, 'CostUpdated', { totalCost: 1, transactionId: id })).toEqual({});
    expect(p.failures).toEqual([]);
  });
});

describe('I Tariff and cost against the embedded CSMS', () => {
  it('I02/I03: with --price-per-kwh the CSMS gives the running and final totalCost, which the charge point keeps', async () => {
    const c = (csms = await startCsms({ strict: true, heartbeatInterval: 1, pricePerKWh: 0.5 }));
    // The register at each transaction's first and last event, as the CSMS received them.
    const firstWh = new Map<string, number>();
    const endWh = new Map<string, number>();
    c.onRequest = (_identity, action, payload) => {
      if (action !== 'TransactionEvent') return undefined;
      const id = payload.transactionInfo.transactionId;
      const wh = payload.meterValue?.map(energyOf201).find((v: number | undefined) => v !== undefined);
      if (wh !== undefined && !firstWh.has(id)) firstWh.set(id, wh);
      if (payload.eventType === 'Ended') endWh.set(id, wh);
      return undefined; // answered as the CSMS would
    };
    const driver = { ...DEFAULT_DRIVER, idleMinS: 0.2, idleMaxS: 0.3, sessionMinS: 1.5, sessionMaxS: 1.5 };
    const f = (fleet = startTestFleet(c.url, { count: 1, driver, profile: { ...PROFILE_201, deviceModel: SHOWS_PRICES } }));
    const st = f.shards![0].stations[0];
    const ended = () => displayState(st)?.prices.find((n) => n.final) ?? null;
    await until(() => ended() !== null, 'a final cost', 10_000);
    const note = ended()!;
    const wh = endWh.get(note.transactionId!)! - firstWh.get(note.transactionId!)!;
    expect(wh).toBeGreaterThan(0);
    expect(note.totalCost).toBe(Math.round((wh / 1000) * 0.5 * 100) / 100);
    expect(logOf(st).some((l) => l.endsWith(`cost: transaction ${note.transactionId} on connector ${note.connectorId}: final total ${note.totalCost} EUR`))).toBe(true);
    expect(c.stats.callErrorsSent).toBe(0);
  });
});
