/**
 * Local Auth List Management, the Authorization Cache and Reservation end to end, over real
 * loopback sockets: against the strict ocpp-rpc peer (which validates every message both ways) and
 * the embedded CSMS, with scenarios taking a charge point offline for the offline-start cases.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { loadScenario } from '../../src/scenario/parse.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { connectorsOf, DEFAULT_DRIVER, DEFAULT_PROFILE } from '../../src/station/profile.js';
import type { Station } from '../../src/station/station.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { NOREPLY, StrictPeer, type Received } from '../helpers/ocpp-rpc-peer.js';

const CP = 'TEST001';
/** No car arrives by itself: sessions start only when the test says so. */
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-auth-'));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withPeer(overrides: Parameters<typeof startTestFleet>[1] = {}): Promise<{ p: StrictPeer; f: Fleet; st: () => Station }> {
  const p = await StrictPeer.start();
  cleanups.push(() => p.close());
  const f = startTestFleet(p.url, { count: 1, driver: QUIET_DRIVER, ...overrides });
  cleanups.push(() => f.stop());
  const connectors = (overrides.profile ?? DEFAULT_PROFILE).connectors.length;
  await until(() => new Set(p.calls(CP, 'StatusNotification').map((c) => c.params.connectorId)).size === connectors + 1, 'the boot and status of every connector');
  return { p, f, st: () => f.shards![0].stations[0] };
}

function scenarioFile(yaml: string) {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadScenario(file);
}

async function arrives(p: StrictPeer, method: string, pred: (params: any) => boolean = () => true, since = 0): Promise<Received> {
  const find = () => p.received.slice(since).find((r) => r.identity === CP && r.method === method && pred(r.params));
  await until(() => find() !== undefined, method);
  return find()!;
}

/** The statuses a connector reported since call index `since`. */
function statuses(p: StrictPeer, connectorId: number, since = 0): string[] {
  return p.received.slice(since).filter((r) => r.method === 'StatusNotification' && r.params.connectorId === connectorId).map((r) => r.params.status);
}

const entry = (idTag: string, status = 'Accepted') => ({ idTag, idTagInfo: { status } });
const inAMinute = () => new Date(Date.now() + 60_000).toISOString();

function problems(f: Fleet): string[] {
  f.refresh();
  return f.stats.problems;
}

describe('Local Authorization List (OCPP 1.6 §5.15, §5.10) against the strict peer', () => {
  it('Full then Differential updates, VersionMismatch, Failed and malformed lists; GetLocalListVersion', async () => {
    const { p, f, st } = await withPeer();
    const version = async () => (await p.call(CP, 'GetLocalListVersion', {})).listVersion;
    const send = (listVersion: number, updateType: string, localAuthorizationList?: object[]) =>
      p.call(CP, 'SendLocalList', { listVersion, updateType, ...(localAuthorizationList ? { localAuthorizationList } : {}) });
    const listed = () => [...(st().auth?.list?.entries() ?? [])].map(([tag, e]) => `${tag}:${e.status}`).sort();

    expect(await version()).toBe(0);
    expect(st().auth).toBeNull(); // nothing allocated before the first list
    expect(await send(2, 'Full', [entry('A'), entry('B')])).toEqual({ status: 'Accepted' });
    expect(await version()).toBe(2);
    expect(await send(5, 'Differential', [{ idTag: 'A' }, entry('B', 'Blocked'), entry('C')])).toEqual({ status: 'Accepted' });
    expect(await version()).toBe(5);
    expect(listed()).toEqual(['B:Blocked', 'C:Accepted']);
    expect(await send(5, 'Differential', [entry('D')])).toEqual({ status: 'VersionMismatch' });
    const tooMany = Array.from({ length: 101 }, (_, i) => entry(`T${i}`)); // SendLocalListMaxLength is 100
    expect(await send(6, 'Differential', tooMany)).toEqual({ status: 'Failed' });
    expect(await version()).toBe(5);
    await expect(send(0, 'Full', [])).rejects.toMatchObject({ rpcErrorCode: 'PropertyConstraintViolation' });
    await expect(send(7, 'Full', [entry('X'), entry('X')])).rejects.toMatchObject({ rpcErrorCode: 'PropertyConstraintViolation' });

    // Disabled, the list is not in use (-1, as TC_042_1_CS accepts) but is still kept up to date.
    expect(await p.call(CP, 'ChangeConfiguration', { key: 'LocalAuthListEnabled', value: 'false' })).toEqual({ status: 'Accepted' });
    expect(await version()).toBe(-1);
    expect(await send(8, 'Differential', [entry('E')])).toEqual({ status: 'Accepted' });
    await p.call(CP, 'ChangeConfiguration', { key: 'LocalAuthListEnabled', value: 'true' });
    expect(await version()).toBe(8);
    expect(listed()).toEqual(['B:Blocked', 'C:Accepted', 'E:Accepted']);
    // An empty Full list: version 0 means "empty" (TC_042_2_CS).
    expect(await send(9, 'Full')).toEqual({ status: 'Accepted' });
    expect(await version()).toBe(0);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('LocalPreAuthorize: listed and cached idTags start without Authorize; ClearCache empties the cache', async () => {
    const { p, f, st } = await withPeer({ profile: { ...DEFAULT_PROFILE, connectors: connectorsOf(DEFAULT_PROFILE.connectors[0], 4) } });
    for (const [key, value] of [['LocalPreAuthorize', 'true'], ['AuthorizeRemoteTxRequests', 'true'], ['AuthorizationCacheEnabled', 'true']]) {
      expect(await p.call(CP, 'ChangeConfiguration', { key, value })).toEqual({ status: 'Accepted' });
    }
    expect(await p.call(CP, 'SendLocalList', { listVersion: 1, updateType: 'Full', localAuthorizationList: [entry('LISTED')] })).toEqual({ status: 'Accepted' });
    const authorizes = (idTag: string) => p.calls(CP, 'Authorize').filter((c) => c.params.idTag === idTag).length;
    const remoteStart = async (connectorId: number, idTag: string) => {
      expect(await p.call(CP, 'RemoteStartTransaction', { connectorId, idTag })).toEqual({ status: 'Accepted' });
      await arrives(p, 'StartTransaction', (q) => q.connectorId === connectorId && q.idTag === idTag);
    };

    await remoteStart(1, 'LISTED'); // valid in the list: no Authorize.req (§3.5)
    expect(authorizes('LISTED')).toBe(0);
    await remoteStart(2, 'CACHED'); // unknown: asked, and the answer cached
    expect(authorizes('CACHED')).toBe(1);
    expect(st().auth!.cache!.get('CACHED')?.status).toBe('Accepted');
    expect(st().auth!.cache!.has('LISTED')).toBe(false); // a listed idTag is never cached (§3.5.3)
    await remoteStart(3, 'CACHED'); // now from the cache
    expect(authorizes('CACHED')).toBe(1);
    expect(await p.call(CP, 'ClearCache', {})).toEqual({ status: 'Accepted' });
    expect(st().auth!.cache).toBeNull();
    await remoteStart(4, 'CACHED');
    expect(authorizes('CACHED')).toBe(2);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('the link drops while Authorize waits: the list decides offline and the start is delivered after the reconnect', async () => {
    const { p, f } = await withPeer();
    expect(await p.call(CP, 'ChangeConfiguration', { key: 'AuthorizeRemoteTxRequests', value: 'true' })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'SendLocalList', { listVersion: 1, updateType: 'Full', localAuthorizationList: [entry('LISTED')] })).toEqual({ status: 'Accepted' });
    p.respond('Authorize', () => NOREPLY); // the CSMS never answers
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'LISTED' })).toEqual({ status: 'Accepted' });
    await arrives(p, 'Authorize', (q) => q.idTag === 'LISTED');
    await p.client(CP).close({ code: 1001, force: true });
    const start = await arrives(p, 'StartTransaction', (q) => q.idTag === 'LISTED');
    expect(start.conn).toBe(1); // on the new connection
    expect(p.calls(CP, 'Authorize')).toHaveLength(1);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('a model without the profiles answers NotSupported and -1', async () => {
    const profile = { ...DEFAULT_PROFILE, configuration: { SupportedFeatureProfiles: { value: 'Core,RemoteTrigger', readonly: true } } };
    const { p } = await withPeer({ profile });
    expect(await p.call(CP, 'SendLocalList', { listVersion: 1, updateType: 'Full' })).toEqual({ status: 'NotSupported' });
    expect(await p.call(CP, 'GetLocalListVersion', {})).toEqual({ listVersion: -1 });
    const reserve = { connectorId: 1, expiryDate: inAMinute(), idTag: 'R1', reservationId: 1 };
    await expect(p.call(CP, 'ReserveNow', reserve)).rejects.toMatchObject({ rpcErrorCode: 'NotSupported' });
    await expect(p.call(CP, 'CancelReservation', { reservationId: 1 })).rejects.toMatchObject({ rpcErrorCode: 'NotSupported' });
    expect(p.failures).toEqual([]);
  });
});

describe('offline authorization (OCPP 1.6 §3.5.4) against the embedded CSMS', () => {
  /** The embedded CSMS recording calls with their arrival time, and one charge point running `steps`. */
  async function offlineRun(steps: string): Promise<{ csms: Csms; fleet: Fleet; seen: { action: string; payload: any; at: number }[] }> {
    const csms = await startCsms({ strict: true, heartbeatInterval: 30 });
    cleanups.push(() => csms.close());
    const seen: { action: string; payload: any; at: number }[] = [];
    csms.onRequest = (_id, action, payload) => {
      seen.push({ action, payload, at: Date.now() });
      return undefined;
    };
    const scenario = scenarioFile(`description: offline start\nconnectors: [1]\nsteps:\n  - expect: {call: SendLocalList, within: 10s}\n${steps}`);
    const fleet = startTestFleet(csms.url, { count: 1, driver: QUIET_DRIVER, scenario });
    cleanups.push(() => fleet.stop());
    await until(() => csms.stats.booted === 1, 'the boot');
    const list = [entry('LOCAL1'), entry('INVALID-BUT-LISTED'), entry('LOCKED', 'Blocked')];
    expect(await csms.call(CP, 'SendLocalList', { listVersion: 1, updateType: 'Full', localAuthorizationList: list as never })).toEqual({ status: 'Accepted' });
    return { csms, fleet, seen };
  }

  it('a listed idTag starts offline at once; StartTransaction is delivered after the reconnect', async () => {
    const { csms, fleet, seen } = await offlineRun(`  - disconnect: {for: 1500ms, wait: false}
  - wait: 200ms
  - plug
  - authorize: {idTag: STRANGER, expect: Invalid}
  - authorize: {idTag: LOCKED, expect: Blocked}
  - authorize: {idTag: LOCAL1, expect: Accepted}
  - start: {idTag: LOCAL1, expect: Accepted}
  - charge: 2500ms
  - stop
  - unplug
`);
    await until(() => csms.stats.transactions.stopped === 1, 'the offline-started session to end', 10_000);
    fleet.refresh();
    expect(fleet.stats.total('reconnects')).toBe(1);
    expect(fleet.stats.total('expectationsFailed')).toBe(0);
    expect(fleet.stats.total('expectationsPassed')).toBe(5);
    expect(seen.filter((s) => s.action === 'Authorize')).toEqual([]); // all decided locally
    const start = seen.find((s) => s.action === 'StartTransaction')!;
    expect(start.payload.idTag).toBe('LOCAL1');
    // Started while offline, delivered after the reconnect ~1.3 s later, with its original timestamp.
    expect(start.at - Date.parse(start.payload.timestamp)).toBeGreaterThan(800);
    expect(problems(fleet)).toEqual([]);
  });

  it('the CSMS refuses an idTag the list accepted offline: DeAuthorized stop and a LocalListConflict', async () => {
    const { csms, fleet, seen } = await offlineRun(`  - disconnect: {for: 1s, wait: false}
  - wait: 200ms
  - plug
  - authorize: {idTag: INVALID-BUT-LISTED, expect: Accepted}
  - start: {idTag: INVALID-BUT-LISTED}
  - charge: 5s
  - stop
  - unplug
`);
    // The embedded CSMS answers idTags starting with INVALID as Invalid (StopTransactionOnInvalidId is true).
    await until(() => seen.some((s) => s.action === 'StopTransaction'), 'the stop after the refusal', 10_000);
    const stop = seen.find((s) => s.action === 'StopTransaction')!;
    expect(stop.payload.reason).toBe('DeAuthorized');
    const start = seen.find((s) => s.action === 'StartTransaction')!;
    expect(start.at - Date.parse(start.payload.timestamp)).toBeGreaterThan(500); // it did start offline
    await until(() => seen.some((s) => s.action === 'StatusNotification' && s.payload.errorCode === 'LocalListConflict'), 'the LocalListConflict');
    const conflict = seen.find((s) => s.payload.errorCode === 'LocalListConflict')!;
    expect(conflict.payload.connectorId).toBe(0);
    fleet.refresh();
    expect(fleet.stats.total('transactionsRejected')).toBe(1);
    expect(problems(fleet)).toEqual([]);
  });
});

describe('Reservation (OCPP 1.6 §5.13, §5.1) against the strict peer', () => {
  it('ReserveNow → Reserved; only the reserving idTag starts there, with its reservationId, which ends it', async () => {
    const { p, f } = await withPeer();
    const mark = p.received.length;
    expect(await p.call(CP, 'ReserveNow', { connectorId: 1, expiryDate: inAMinute(), idTag: 'ALICE', reservationId: 11 })).toEqual({ status: 'Accepted' });
    await arrives(p, 'StatusNotification', (q) => q.connectorId === 1 && q.status === 'Reserved', mark);
    expect(await p.call(CP, 'ReserveNow', { connectorId: 1, expiryDate: inAMinute(), idTag: 'BOB', reservationId: 12 })).toEqual({ status: 'Occupied' });
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'BOB' })).toEqual({ status: 'Rejected' });
    // Without a connector, BOB gets the free one.
    expect(await p.call(CP, 'RemoteStartTransaction', { idTag: 'BOB' })).toEqual({ status: 'Accepted' });
    const bob = await arrives(p, 'StartTransaction', (q) => q.idTag === 'BOB');
    expect(bob.params.connectorId).toBe(2);
    expect(bob.params.reservationId).toBeUndefined();

    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'ALICE' })).toEqual({ status: 'Accepted' });
    const alice = await arrives(p, 'StartTransaction', (q) => q.idTag === 'ALICE');
    expect(alice.params).toMatchObject({ connectorId: 1, reservationId: 11 });
    await until(() => statuses(p, 1, mark).includes('Charging'), 'connector 1 charging');
    expect(statuses(p, 1, mark)).toEqual(['Reserved', 'Preparing', 'Charging']);
    expect(await p.call(CP, 'CancelReservation', { reservationId: 11 })).toEqual({ status: 'Rejected' }); // used up
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('expiry makes the connector Available; a known reservationId is replaced; CancelReservation; Inoperative ends one', async () => {
    const { p, f, st } = await withPeer();
    let mark = p.received.length;
    const expiry = Date.now() + 1200;
    expect(await p.call(CP, 'ReserveNow', { connectorId: 1, expiryDate: new Date(expiry).toISOString(), idTag: 'A', reservationId: 21 })).toEqual({ status: 'Accepted' });
    const freed = await arrives(p, 'StatusNotification', (q) => q.connectorId === 1 && q.status === 'Available', mark);
    expect(freed.at).toBeGreaterThanOrEqual(expiry - 60); // the wheel's resolution is 50 ms
    expect(statuses(p, 1, mark)).toEqual(['Reserved', 'Available']);
    expect(st().reservations).toBeNull(); // nothing held, nothing kept

    mark = p.received.length;
    expect(await p.call(CP, 'ReserveNow', { connectorId: 1, expiryDate: inAMinute(), idTag: 'A', reservationId: 22 })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'ReserveNow', { connectorId: 2, expiryDate: inAMinute(), idTag: 'A', reservationId: 22 })).toEqual({ status: 'Accepted' });
    await arrives(p, 'StatusNotification', (q) => q.connectorId === 2 && q.status === 'Reserved', mark);
    await until(() => statuses(p, 1, mark).length === 2, 'connector 1 released');
    expect(statuses(p, 1, mark)).toEqual(['Reserved', 'Available']);
    expect(await p.call(CP, 'CancelReservation', { reservationId: 22 })).toEqual({ status: 'Accepted' });
    await until(() => statuses(p, 2, mark).length === 2, 'connector 2 released');
    expect(statuses(p, 2, mark)).toEqual(['Reserved', 'Available']);
    expect(await p.call(CP, 'CancelReservation', { reservationId: 22 })).toEqual({ status: 'Rejected' });

    expect(await p.call(CP, 'ReserveNow', { connectorId: 1, expiryDate: inAMinute(), idTag: 'A', reservationId: 23 })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'ChangeAvailability', { connectorId: 1, type: 'Inoperative' })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'CancelReservation', { reservationId: 23 })).toEqual({ status: 'Rejected' }); // ended by Unavailable
    expect(await p.call(CP, 'ReserveNow', { connectorId: 1, expiryDate: inAMinute(), idTag: 'A', reservationId: 24 })).toEqual({ status: 'Unavailable' });
    expect(await p.call(CP, 'ReserveNow', { connectorId: 1, expiryDate: new Date(Date.now() - 1000).toISOString(), idTag: 'A', reservationId: 25 })).toEqual({ status: 'Rejected' });
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('Faulted and Occupied answers; a connector-0 reservation keeps one connector free for its idTag', async () => {
    // Connector 2 faults (scenario step); connector 1 is left to the CSMS.
    const scenario = scenarioFile('description: connector 2 faults\nconnectors: [2]\nsteps:\n  - fault: {errorCode: GroundFailure}\n');
    const { p, f } = await withPeer({ scenario });
    await arrives(p, 'StatusNotification', (q) => q.connectorId === 2 && q.status === 'Faulted');
    const reserve = (connectorId: number, idTag: string, reservationId: number) => p.call(CP, 'ReserveNow', { connectorId, expiryDate: inAMinute(), idTag, reservationId });
    expect(await reserve(2, 'ALICE', 31)).toEqual({ status: 'Faulted' });
    expect(await reserve(3, 'ALICE', 32)).toEqual({ status: 'Rejected' }); // no such connector
    expect(await reserve(0, 'ALICE', 33)).toEqual({ status: 'Accepted' });
    expect(await reserve(0, 'CAROL', 34)).toEqual({ status: 'Occupied' }); // connector 1 is already promised
    // Connector 1 is the only one left: BOB may not take it, ALICE may, ending reservation 33.
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'BOB' })).toEqual({ status: 'Rejected' });
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'ALICE' })).toEqual({ status: 'Accepted' });
    const start = await arrives(p, 'StartTransaction', (q) => q.idTag === 'ALICE');
    expect(start.params).toMatchObject({ connectorId: 1, reservationId: 33 });
    expect(await reserve(1, 'BOB', 35)).toEqual({ status: 'Occupied' });
    expect(await reserve(0, 'BOB', 36)).toEqual({ status: 'Occupied' });
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });
});

describe('while the boot is Pending (OCPP 1.6 §4.2.1)', () => {
  it('reservations, lists and profiles are answered, but nothing is sent before the boot is accepted', async () => {
    const p = await StrictPeer.start();
    cleanups.push(() => p.close());
    let accept = false;
    p.respond('BootNotification', () => ({ status: accept ? 'Accepted' : 'Pending', currentTime: new Date().toISOString(), interval: 1 }));
    const f = startTestFleet(p.url, { count: 1, driver: QUIET_DRIVER });
    cleanups.push(() => f.stop());
    await until(() => p.calls(CP, 'BootNotification').length >= 1, 'the first boot');

    expect(await p.call(CP, 'ReserveNow', { connectorId: 1, expiryDate: inAMinute(), idTag: 'ALICE', reservationId: 61 })).toEqual({ status: 'Accepted' });
    // Expires while still Pending: its Reserved and Available are never sent.
    expect(await p.call(CP, 'ReserveNow', { connectorId: 2, expiryDate: new Date(Date.now() + 300).toISOString(), idTag: 'BOB', reservationId: 62 })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'SendLocalList', { listVersion: 3, updateType: 'Full', localAuthorizationList: [entry('ALICE')] })).toEqual({ status: 'Accepted' });
    const txDefault = { chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 0 }] } };
    expect(await p.call(CP, 'SetChargingProfile', { connectorId: 0, csChargingProfiles: txDefault })).toEqual({ status: 'Accepted' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(p.calls(CP).filter((c) => c.method !== 'BootNotification')).toEqual([]);

    accept = true;
    await until(() => new Set(p.calls(CP, 'StatusNotification').map((c) => c.params.connectorId)).size === 3, 'the statuses after the accepted boot');
    const accepted = p.calls(CP, 'BootNotification').at(-1)!;
    // The first message after BootNotification follows its acceptance; the connectors show what they are now.
    expect(p.received.findIndex((r) => r.method !== 'BootNotification')).toBeGreaterThan(p.received.indexOf(accepted));
    expect(statuses(p, 1)).toEqual(['Reserved']);
    expect(statuses(p, 2)).toEqual(['Available']);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });
});

describe('idTags presented at a reserved connector (strict peer)', () => {
  it('another idTag is refused without an Authorize.req; with a parentIdTag the charge point asks to learn the parent', async () => {
    const scenario = scenarioFile(`description: idTags at a reserved connector
connectors: [1]
steps:
  - expect: {call: ReserveNow, within: 10s}
  - authorize: {idTag: BOB, expect: Invalid}
  - expect: {call: ReserveNow, within: 10s}
  - authorize: {idTag: CHILD, expect: Accepted}
`);
    const { p, f } = await withPeer({ scenario });
    p.respond('Authorize', (call) => ({ idTagInfo: { status: 'Accepted', parentIdTag: call.params.idTag === 'CHILD' ? 'FAMILY' : 'OTHER' } }));
    // Held for ALICE alone: BOB is refused at the charge point (§5.13; OCTT TC_046_1_CS step 5).
    expect(await p.call(CP, 'ReserveNow', { connectorId: 1, expiryDate: inAMinute(), idTag: 'ALICE', reservationId: 41 })).toEqual({ status: 'Accepted' });
    await until(() => (f.refresh(), f.stats.total('expectationsPassed') === 2), 'BOB refused');
    expect(p.calls(CP, 'Authorize')).toEqual([]);
    // Held for ALICE's group: CHILD's parent is unknown here, so it is asked for; FAMILY matches.
    expect(await p.call(CP, 'ReserveNow', { connectorId: 1, expiryDate: inAMinute(), idTag: 'ALICE', parentIdTag: 'FAMILY', reservationId: 41 })).toEqual({ status: 'Accepted' });
    await until(() => (f.refresh(), f.stats.total('expectationsPassed') === 4), 'CHILD authorized');
    expect(p.calls(CP, 'Authorize').map((c) => c.params.idTag)).toEqual(['CHILD']);
    expect(f.stats.total('expectationsFailed')).toBe(0);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('the holder is refused and unplugs: Preparing → Available → Reserved, never Preparing → Reserved (§4.9)', async () => {
    const scenario = scenarioFile(`description: the holder is refused
connectors: [1]
steps:
  - expect: {call: ReserveNow, within: 10s}
  - plug
  - authorize: {idTag: HOLDER, expect: Invalid}
  - unplug
`);
    const { p, f } = await withPeer({ scenario });
    p.respond('Authorize', () => ({ idTagInfo: { status: 'Invalid' } }));
    const mark = p.received.length;
    expect(await p.call(CP, 'ReserveNow', { connectorId: 1, expiryDate: inAMinute(), idTag: 'HOLDER', reservationId: 51 })).toEqual({ status: 'Accepted' });
    await until(() => statuses(p, 1, mark).slice(1).includes('Preparing') && statuses(p, 1, mark).at(-1) === 'Reserved', 'the unplug');
    // Still held for HOLDER (the reservation outlives a refused attempt), by a valid sequence.
    expect(statuses(p, 1, mark)).toEqual(['Reserved', 'Preparing', 'Available', 'Reserved']);
    expect(await p.call(CP, 'CancelReservation', { reservationId: 51 })).toEqual({ status: 'Accepted' });
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });
});

describe('the default driver at a reserved connector (embedded CSMS)', () => {
  it('the driver who reserved it arrives and starts there; StartTransaction names the reservation', async () => {
    const csms = await startCsms({ strict: true, heartbeatInterval: 30 });
    cleanups.push(() => csms.close());
    const seen: { action: string; payload: any }[] = [];
    csms.onRequest = (_id, action, payload) => {
      seen.push({ action, payload });
      return undefined;
    };
    // Cars come 2–2.5 s after the boot and stay: time enough to reserve connector 2 first.
    const driver = { ...DEFAULT_DRIVER, idleMinS: 2, idleMaxS: 2.5, sessionMinS: 3600, sessionMaxS: 3600 };
    const fleet = startTestFleet(csms.url, { count: 1, driver });
    cleanups.push(() => fleet.stop());
    await until(() => csms.stats.booted === 1, 'the boot');
    expect(await csms.call(CP, 'ReserveNow', { connectorId: 2, expiryDate: inAMinute(), idTag: 'HOLDER', reservationId: 5 })).toEqual({ status: 'Accepted' });
    await until(() => seen.filter((s) => s.action === 'StartTransaction').length === 2, 'both connectors charging', 8000);
    const starts = seen.filter((s) => s.action === 'StartTransaction').map((s) => s.payload);
    expect(starts.find((s) => s.connectorId === 2)).toMatchObject({ idTag: 'HOLDER', reservationId: 5 });
    expect(starts.find((s) => s.connectorId === 1)!.reservationId).toBeUndefined();
    const c2 = seen.filter((s) => s.action === 'StatusNotification' && s.payload.connectorId === 2).map((s) => s.payload.status);
    expect(c2.slice(-3)).toEqual(['Reserved', 'Preparing', 'Charging']);
    expect(problems(fleet)).toEqual([]);
  });
});
