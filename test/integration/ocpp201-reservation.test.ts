/**
 * OCPP 2.0.1 Reservation (H01 ReserveNow, H02 CancelReservation, H03 use, H04 ReservationStatusUpdate)
 * end to end over loopback sockets against the strict ocpp-rpc 2.0.1 peer, which validates every
 * message both ways: the Reserved connector status (G01), a transaction started by the reserved token
 * or its group carrying reservationId, expiry, cancellation and removal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/parse.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import type { Station } from '../../src/station/station.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer201, type Received } from '../helpers/ocpp-rpc-peer-201.js';

const CP = 'TEST001';
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'reservation-201', ocppVersions: ['2.0.1'] };
/** No car arrives by itself: sessions start only when the test says so. */
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-res201-'));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withPeer(profile: StationProfile = PROFILE_201, scenarioYaml?: string): Promise<{ p: StrictPeer201; f: Fleet; st: () => Station }> {
  const p = await StrictPeer201.start();
  cleanups.push(() => p.close());
  let scenario;
  if (scenarioYaml !== undefined) {
    const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, scenarioYaml);
    scenario = loadScenario(file);
  }
  const f = startTestFleet(p.url, { count: 1, driver: QUIET_DRIVER, profile, ...(scenario ? { scenario } : {}) });
  cleanups.push(() => f.stop());
  const reported = () => new Set(p.calls(CP, 'StatusNotification').map((c) => `${c.params.evseId}/${c.params.connectorId}`)).size;
  await until(() => reported() === profile.connectors.length, 'the boot and every connector reported');
  return { p, f, st: () => f.shards![0].stations[0] };
}

async function arrives(p: StrictPeer201, method: string, pred: (params: any) => boolean = () => true, since = 0, timeoutMs = 5000): Promise<Received> {
  const find = () => p.received.slice(since).find((r) => r.identity === CP && r.method === method && pred(r.params));
  await until(() => find() !== undefined, method, timeoutMs);
  return find()!;
}

/** The connector statuses an EVSE reported since call index `since`. */
function statuses(p: StrictPeer201, evseId: number, since = 0): string[] {
  return p.received.slice(since).filter((r) => r.method === 'StatusNotification' && r.params.evseId === evseId).map((r) => r.params.connectorStatus);
}

const token = (idToken: string, type = 'Local') => ({ idToken, type });
const inAMinute = () => new Date(Date.now() + 60_000).toISOString();
const reserve = (p: StrictPeer201, id: number, idToken: string, more: object = {}) => p.call(CP, 'ReserveNow', { id, expiryDateTime: inAMinute(), idToken: token(idToken), ...more });
const requestStart = (p: StrictPeer201, idToken: string, remoteStartId: number, evseId?: number) =>
  p.call(CP, 'RequestStartTransaction', { idToken: token(idToken), remoteStartId, ...(evseId === undefined ? {} : { evseId }) });
const startedBy = (p: StrictPeer201, remoteStartId: number) => arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started' && q.transactionInfo.remoteStartId === remoteStartId);

function problems(f: Fleet): string[] {
  f.refresh();
  return f.stats.problems;
}

describe('H01/H03 ReserveNow and the use of a reservation', () => {
  it('an EVSE turns Reserved; only the reserved token starts there, its Started event carries reservationId, which ends the reservation', async () => {
    const { p, f, st } = await withPeer();
    const mark = p.received.length;
    expect(await reserve(p, 11, 'ALICE', { evseId: 1 })).toEqual({ status: 'Accepted' });
    await arrives(p, 'StatusNotification', (q) => q.evseId === 1 && q.connectorStatus === 'Reserved', mark);
    expect(await reserve(p, 12, 'BOB', { evseId: 1 })).toEqual({ status: 'Occupied' }); // already reserved
    expect(await requestStart(p, 'BOB', 1, 1)).toMatchObject({ status: 'Rejected' });
    // Without an EVSE, BOB gets the free one, with no reservation.
    expect(await requestStart(p, 'BOB', 2)).toMatchObject({ status: 'Accepted' });
    const bob = await startedBy(p, 2);
    expect(bob.params.evse.id).toBe(2);
    expect(bob.params.reservationId).toBeUndefined();

    expect(await requestStart(p, 'ALICE', 3, 1)).toMatchObject({ status: 'Accepted' });
    const alice = await startedBy(p, 3);
    expect(alice.params).toMatchObject({ evse: { id: 1, connectorId: 1 }, reservationId: 11, idToken: token('ALICE') });
    await until(() => statuses(p, 1, mark).includes('Occupied'), 'EVSE 1 occupied');
    expect(statuses(p, 1, mark)).toEqual(['Reserved', 'Occupied']);
    expect(st().reservations).toBeNull(); // used up
    expect(await p.call(CP, 'CancelReservation', { reservationId: 11 })).toEqual({ status: 'Rejected' });
    expect(await reserve(p, 13, 'CAROL', { evseId: 1 })).toEqual({ status: 'Occupied' }); // a transaction runs there
    expect(p.calls(CP, 'ReservationStatusUpdate')).toEqual([]); // used, not ended
    expect(p.sequenceProblems(true)).toEqual([]);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('H01.FR.23/24: a reservation with a groupIdToken is used by a token of that group', async () => {
    const { p, f } = await withPeer();
    // The group of MEMBER is known from the local list.
    const group = token('FLEET-A', 'Central');
    const list = [{ idToken: token('MEMBER'), idTokenInfo: { status: 'Accepted', groupIdToken: group } }, { idToken: token('OUTSIDER'), idTokenInfo: { status: 'Accepted' } }];
    expect(await p.call(CP, 'SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: list })).toEqual({ status: 'Accepted' });
    expect(await reserve(p, 21, 'BOSS', { evseId: 2, groupIdToken: group })).toEqual({ status: 'Accepted' });
    expect(await requestStart(p, 'OUTSIDER', 1, 2)).toMatchObject({ status: 'Rejected' });
    expect(await requestStart(p, 'MEMBER', 2, 2)).toMatchObject({ status: 'Accepted' });
    expect((await startedBy(p, 2)).params).toMatchObject({ evse: { id: 2 }, reservationId: 21, idToken: token('MEMBER') });
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('no evseId: any EVSE (ReservationCtrlr.NonEvseSpecific), one kept free per reservation, the last ones shown Reserved (H01.FR.20); connectorType; unknown EVSE', async () => {
    const { p, f } = await withPeer();
    const mark = p.received.length;
    expect(await reserve(p, 31, 'ALICE', { connectorType: 'cCCS2' })).toMatchObject({ status: 'Rejected' }); // no such connector here
    expect(await reserve(p, 32, 'ALICE', { evseId: 9 })).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'UnknownEvse' } });
    expect(await reserve(p, 33, 'ALICE', { evseId: 1, connectorType: 'cType1' })).toMatchObject({ status: 'Rejected' });
    expect(await reserve(p, 34, 'ALICE', { connectorType: 'sType2' })).toEqual({ status: 'Accepted' });
    expect(statuses(p, 1, mark)).toEqual([]); // one promised, two free: nothing to show yet
    expect(await reserve(p, 35, 'BOB')).toEqual({ status: 'Accepted' });
    // Two promised, two free: both are Reserved now.
    await until(() => statuses(p, 1, mark).length === 1 && statuses(p, 2, mark).length === 1, 'both EVSEs Reserved');
    expect([statuses(p, 1, mark), statuses(p, 2, mark)]).toEqual([['Reserved'], ['Reserved']]);
    expect(await reserve(p, 36, 'CAROL')).toEqual({ status: 'Occupied' }); // both EVSEs promised
    expect(await requestStart(p, 'DAVE', 1)).toMatchObject({ status: 'Rejected' }); // nothing left for others
    expect(await requestStart(p, 'BOB', 2)).toMatchObject({ status: 'Accepted' });
    expect((await startedBy(p, 2)).params.reservationId).toBe(35);
    expect(await p.call(CP, 'CancelReservation', { reservationId: 34 })).toEqual({ status: 'Accepted' });
    expect(await requestStart(p, 'DAVE', 3)).toMatchObject({ status: 'Accepted' });
    expect((await startedBy(p, 3)).params.reservationId).toBeUndefined();
    // BOB used one EVSE (its reservation ended); the other stayed Reserved for ALICE until cancelled.
    await until(() => statuses(p, 2, mark).length === 3, 'EVSE 2 used by DAVE');
    expect(statuses(p, 1, mark)).toEqual(['Reserved', 'Occupied']);
    expect(statuses(p, 2, mark)).toEqual(['Reserved', 'Available', 'Occupied']);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('H01.FR.20: one reservation of any EVSE, and a stranger takes one EVSE: the last free one shows Reserved until the reservation goes', async () => {
    const { p, f } = await withPeer();
    const mark = p.received.length;
    expect(await reserve(p, 81, 'ALICE')).toEqual({ status: 'Accepted' });
    expect(await requestStart(p, 'STRANGER', 1, 1)).toMatchObject({ status: 'Accepted' }); // one EVSE is left for ALICE
    expect((await startedBy(p, 1)).params.reservationId).toBeUndefined();
    await until(() => statuses(p, 2, mark).length === 1, 'EVSE 2 Reserved');
    expect(statuses(p, 2, mark)).toEqual(['Reserved']);
    expect(await requestStart(p, 'OTHER', 2, 2)).toMatchObject({ status: 'Rejected' });
    expect(await p.call(CP, 'CancelReservation', { reservationId: 81 })).toEqual({ status: 'Accepted' });
    await until(() => statuses(p, 2, mark).length === 2, 'EVSE 2 Available');
    expect(statuses(p, 2, mark)).toEqual(['Reserved', 'Available']);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('H01.FR.01, H01.FR.19: disabled reservations and NonEvseSpecific false answer Rejected', async () => {
    const profile: StationProfile = { ...PROFILE_201, deviceModel: { ReservationCtrlr: { NonEvseSpecific: false } } };
    const { p, f } = await withPeer(profile);
    expect(await reserve(p, 41, 'ALICE')).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'MissingParam' } });
    expect(await reserve(p, 42, 'ALICE', { evseId: 1 })).toEqual({ status: 'Accepted' });
    const set = await p.call(CP, 'SetVariables', { setVariableData: [{ component: { name: 'ReservationCtrlr' }, variable: { name: 'Enabled' }, attributeValue: 'false' }] });
    expect(set.setVariableResult[0].attributeStatus).toBe('Accepted');
    expect(await reserve(p, 43, 'ALICE', { evseId: 2 })).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'UnsupportedRequest' } });
    expect(await p.call(CP, 'CancelReservation', { reservationId: 42 })).toMatchObject({ status: 'Rejected' });
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });
});

describe('H01.FR.23: an EVSE with two connectors', () => {
  const c0 = DEFAULT_PROFILE.connectors[0];
  const TWIN: StationProfile = { ...PROFILE_201, connectors: [{ ...c0, evse: 1 }, { ...c0, type: 'Type2Tethered', evse: 1 }, { ...c0, evse: 2 }] };
  const of = (p: StrictPeer201, evseId: number, connectorId: number, since: number) =>
    p.received.slice(since).filter((r) => r.method === 'StatusNotification' && r.params.evseId === evseId && r.params.connectorId === connectorId).map((r) => r.params.connectorStatus);

  it('every connector of the reserved EVSE is Reserved; the reserved token starts on it and the other connector is Available again', async () => {
    const { p, f } = await withPeer(TWIN);
    const mark = p.received.length;
    expect(await reserve(p, 71, 'ALICE', { evseId: 1, connectorType: 'cType2' })).toEqual({ status: 'Accepted' });
    await until(() => of(p, 1, 1, mark).length === 1 && of(p, 1, 2, mark).length === 1, 'both connectors of EVSE 1 reported');
    expect([of(p, 1, 1, mark), of(p, 1, 2, mark), of(p, 2, 1, mark)]).toEqual([['Reserved'], ['Reserved'], []]);
    expect(await reserve(p, 72, 'BOB', { evseId: 1 })).toEqual({ status: 'Occupied' });
    expect(await requestStart(p, 'BOB', 1, 1)).toMatchObject({ status: 'Rejected' });
    expect(await requestStart(p, 'ALICE', 2, 1)).toMatchObject({ status: 'Accepted' });
    expect((await startedBy(p, 2)).params).toMatchObject({ evse: { id: 1 }, reservationId: 71 });
    await until(() => of(p, 1, 2, mark).length === 2 && of(p, 1, 1, mark).length === 2, 'EVSE 1 in use');
    expect(of(p, 1, 1, mark)).toEqual(['Reserved', 'Occupied']);
    expect(of(p, 1, 2, mark)).toEqual(['Reserved', 'Available']);
    // A connector of EVSE 1 is in use: the EVSE cannot be reserved.
    expect(await reserve(p, 73, 'BOB', { evseId: 1, connectorType: 'sType2' })).toEqual({ status: 'Occupied' });
    expect(await reserve(p, 74, 'BOB', { evseId: 1, connectorType: 'cType2' })).toEqual({ status: 'Occupied' });
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });
});

describe('H02/H04 a reservation cancelled, expired or removed', () => {
  it('H04: expiry sends ReservationStatusUpdate Expired and the EVSE is Available again; H02: CancelReservation; a known id is replaced', async () => {
    const { p, f, st } = await withPeer();
    let mark = p.received.length;
    const expiry = Date.now() + 1200;
    expect(await reserve(p, 51, 'A', { evseId: 1, expiryDateTime: new Date(expiry).toISOString() })).toEqual({ status: 'Accepted' });
    const update = await arrives(p, 'ReservationStatusUpdate', () => true, mark);
    expect(update.params).toEqual({ reservationId: 51, reservationUpdateStatus: 'Expired' });
    expect(update.at).toBeGreaterThanOrEqual(expiry - 60); // the wheel's resolution is 50 ms
    await until(() => statuses(p, 1, mark).length === 2, 'EVSE 1 released');
    expect(statuses(p, 1, mark)).toEqual(['Reserved', 'Available']);
    expect(st().reservations).toBeNull(); // nothing held, nothing kept

    mark = p.received.length;
    expect(await reserve(p, 52, 'A', { evseId: 1 })).toEqual({ status: 'Accepted' });
    expect(await reserve(p, 52, 'A', { evseId: 2 })).toEqual({ status: 'Accepted' }); // H01.FR.02: replaces it
    await until(() => statuses(p, 1, mark).length === 2 && statuses(p, 2, mark).length === 1, 'the reservation moved');
    expect(statuses(p, 1, mark)).toEqual(['Reserved', 'Available']);
    expect(statuses(p, 2, mark)).toEqual(['Reserved']);
    expect(await p.call(CP, 'CancelReservation', { reservationId: 52 })).toEqual({ status: 'Accepted' });
    await until(() => statuses(p, 2, mark).length === 2, 'EVSE 2 released');
    expect(statuses(p, 2, mark)).toEqual(['Reserved', 'Available']); // H02.FR.04
    expect(await p.call(CP, 'CancelReservation', { reservationId: 52 })).toEqual({ status: 'Rejected' });
    expect(await reserve(p, 53, 'A', { evseId: 1, expiryDateTime: new Date(Date.now() - 1000).toISOString() })).toEqual({ status: 'Rejected' });
    expect(p.calls(CP, 'ReservationStatusUpdate')).toHaveLength(1); // cancelled and replaced ones are not reported
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('an EVSE made Inoperative or Faulted ends its reservation (ReservationStatusUpdate Removed) and answers Unavailable / Faulted', async () => {
    // EVSE 2 faults 1.5 s into the run (scenario step); EVSE 1 is left to the CSMS.
    const { p, f } = await withPeer(PROFILE_201, 'description: EVSE 2 faults\nconnectors: [2]\nsteps:\n  - wait: 1500ms\n  - fault: {errorCode: GroundFailure}\n');
    expect(await reserve(p, 61, 'A', { evseId: 2 })).toEqual({ status: 'Accepted' });
    expect(await reserve(p, 62, 'B', { evseId: 1 })).toEqual({ status: 'Accepted' });
    const removed = await arrives(p, 'ReservationStatusUpdate', (q) => q.reservationId === 61, 0, 4000);
    expect(removed.params.reservationUpdateStatus).toBe('Removed');
    await arrives(p, 'StatusNotification', (q) => q.evseId === 2 && q.connectorStatus === 'Faulted');
    expect(await reserve(p, 63, 'A', { evseId: 2 })).toEqual({ status: 'Faulted' });

    expect(await p.call(CP, 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } })).toEqual({ status: 'Accepted' });
    const gone = await arrives(p, 'ReservationStatusUpdate', (q) => q.reservationId === 62);
    expect(gone.params.reservationUpdateStatus).toBe('Removed');
    expect(await p.call(CP, 'CancelReservation', { reservationId: 62 })).toEqual({ status: 'Rejected' });
    expect(await reserve(p, 64, 'B', { evseId: 1 })).toEqual({ status: 'Unavailable' });
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });
});
