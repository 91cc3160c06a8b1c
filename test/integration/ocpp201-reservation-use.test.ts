/**
 * OCPP 2.0.1 reservations in use (G01.FR.09 and H03 S1 as errata 2025-01 describes them; H01.FR.07/20
 * for reservations of any EVSE) over loopback sockets against the strict ocpp-rpc 2.0.1 peer: a cable
 * into a Reserved connector leaves it Reserved until the reserved token comes; a token that comes first
 * consumes the reservation (Available) before the cable makes it Occupied; a reservation of any EVSE
 * keeps an EVSE free, not a connector.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/parse.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';

const CP = 'TEST001';
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'reservation-use-201', ocppVersions: ['2.0.1'] };
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-resuse201-'));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withPeer(profile: StationProfile, scenarioYaml?: string): Promise<{ p: StrictPeer201; f: Fleet }> {
  const p = await StrictPeer201.start();
  cleanups.push(() => p.close());
  let scenario;
  if (scenarioYaml !== undefined) {
    const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, scenarioYaml);
    scenario = loadScenario(file, '2.0.1');
  }
  const f = startTestFleet(p.url, { count: 1, driver: QUIET_DRIVER, profile, ...(scenario ? { scenario } : {}) });
  cleanups.push(() => f.stop());
  const reported = () => new Set(p.calls(CP, 'StatusNotification').map((c) => `${c.params.evseId}/${c.params.connectorId}`)).size;
  await until(() => reported() === profile.connectors.length, 'the boot and every connector reported');
  return { p, f };
}

/** The statuses connector `connectorId` of EVSE `evseId` reported since call index `since`. */
const statuses = (p: StrictPeer201, evseId: number, since: number, connectorId = 1) =>
  p.received.slice(since).filter((r) => r.method === 'StatusNotification' && r.params.evseId === evseId && r.params.connectorId === connectorId).map((r) => r.params.connectorStatus);
const token = (idToken: string) => ({ idToken, type: 'Local' });
const reserve = (p: StrictPeer201, id: number, idToken: string, more: object = {}) =>
  p.call(CP, 'ReserveNow', { id, expiryDateTime: new Date(Date.now() + 60_000).toISOString(), idToken: token(idToken), ...more });

function problems(f: Fleet): string[] {
  f.refresh();
  return f.stats.problems;
}

describe('G01.FR.09 / H03: using a reserved EVSE', () => {
  it('G01.FR.09: a cable plugged into a Reserved EVSE leaves it Reserved while another token is refused; the reserved token makes it Occupied', async () => {
    // EVSE 1: the EV plugs in 1.5 s into the run (the reservation is there by then), BOB badges, then ALICE.
    const yaml = [
      'description: plug into a reserved EVSE',
      'connectors: [1]',
      'steps:',
      '  - wait: 1500ms',
      '  - plug',
      '  - wait: 300ms',
      '  - authorize: {idTag: BOB, expect: Invalid}',
      '  - wait: 300ms',
      '  - authorize: {idTag: ALICE, expect: Accepted}',
      '  - start',
      '',
    ].join('\n');
    const { p, f } = await withPeer(PROFILE_201, yaml);
    const mark = p.received.length;
    expect(await reserve(p, 11, 'ALICE', { evseId: 1 })).toEqual({ status: 'Accepted' });
    await until(() => p.calls(CP, 'Authorize').some((c) => c.params.idToken.idToken === 'ALICE'), 'ALICE badges', 5000);
    // Plugged in and BOB refused (at the station: no Authorize for him): still only Reserved.
    expect(statuses(p, 1, mark)).toEqual(['Reserved']);
    expect(p.calls(CP, 'Authorize').map((c) => c.params.idToken.idToken)).toEqual(['ALICE']);
    const startedEvent = () => p.calls(CP, 'TransactionEvent').find((c) => c.params.eventType === 'Started');
    await until(() => startedEvent() !== undefined, 'the start', 3000);
    const started = startedEvent()!;
    expect(started.params).toMatchObject({ evse: { id: 1 }, reservationId: 11, idToken: token('ALICE') });
    await until(() => statuses(p, 1, mark).length === 2, 'EVSE 1 Occupied');
    expect(statuses(p, 1, mark)).toEqual(['Reserved', 'Occupied']);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('H03 S1 #2 (TxStartPoint EVConnected): the plug-in starts the transaction while the EVSE stays Reserved; the reserved token authorizes it and makes it Occupied', async () => {
    const profile: StationProfile = { ...PROFILE_201, deviceModel: { TxCtrlr: { TxStartPoint: 'EVConnected' } } };
    const yaml = ['description: plug first, EVConnected', 'connectors: [1]', 'steps:', '  - wait: 1500ms', '  - plug', '  - wait: 300ms', '  - authorize: {idTag: ALICE, expect: Accepted}', '  - start', ''].join('\n');
    const { p, f } = await withPeer(profile, yaml);
    const mark = p.received.length;
    expect(await reserve(p, 13, 'ALICE', { evseId: 1 })).toEqual({ status: 'Accepted' });
    const events = () => p.calls(CP, 'TransactionEvent');
    await until(() => events().length >= 1, 'the plug-in starts a transaction', 4000);
    expect(events()[0].params).toMatchObject({ eventType: 'Started', triggerReason: 'CablePluggedIn', transactionInfo: { chargingState: 'EVConnected' } });
    expect(statuses(p, 1, mark)).toEqual(['Reserved']);
    await until(() => events().some((e) => e.params.idToken?.idToken === 'ALICE'), 'the authorization', 3000);
    expect(events().find((e) => e.params.idToken?.idToken === 'ALICE')!.params).toMatchObject({ eventType: 'Updated', reservationId: 13 });
    await until(() => statuses(p, 1, mark).length === 2, 'EVSE 1 Occupied');
    expect(statuses(p, 1, mark)).toEqual(['Reserved', 'Occupied']);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('H03 S1 (errata 2025-01): the reserved token first consumes the reservation (Available), then the cable makes the EVSE Occupied', async () => {
    const yaml = ['description: badge first at a reserved EVSE', 'connectors: [1]', 'steps:', '  - wait: 1500ms', '  - authorize: {idTag: ALICE, expect: Accepted}', '  - start', ''].join('\n');
    const { p, f } = await withPeer(PROFILE_201, yaml);
    const mark = p.received.length;
    expect(await reserve(p, 12, 'ALICE', { evseId: 1 })).toEqual({ status: 'Accepted' });
    await until(() => statuses(p, 1, mark).length === 3, 'EVSE 1 used', 5000);
    expect(statuses(p, 1, mark)).toEqual(['Reserved', 'Available', 'Occupied']);
    const startedEvent = () => p.calls(CP, 'TransactionEvent').find((c) => c.params.eventType === 'Started');
    await until(() => startedEvent() !== undefined, 'the start', 3000);
    expect(startedEvent()!.params.reservationId).toBe(12);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });
});

describe('H01.FR.07/H01.FR.20: reservations of any EVSE count EVSEs, not connectors', () => {
  const c0 = DEFAULT_PROFILE.connectors[0];
  // EVSE 1 has two connectors, EVSE 2 one: three connectors, but only two EVSEs to promise.
  const TWIN: StationProfile = { ...PROFILE_201, connectors: [{ ...c0, evse: 1 }, { ...c0, type: 'Type2Tethered', evse: 1 }, { ...c0, evse: 2 }] };

  it('two reservations of any EVSE take both EVSEs (every connector shows Reserved); a third is Occupied', async () => {
    const { p, f } = await withPeer(TWIN);
    const mark = p.received.length;
    expect(await reserve(p, 21, 'ALICE')).toEqual({ status: 'Accepted' });
    expect(await reserve(p, 22, 'BOB')).toEqual({ status: 'Accepted' });
    // Three free connectors would have taken a third; two EVSEs do not.
    expect(await reserve(p, 23, 'CAROL')).toEqual({ status: 'Occupied' });
    await until(() => statuses(p, 1, mark).length === 1 && statuses(p, 1, mark, 2).length === 1 && statuses(p, 2, mark).length === 1, 'every connector Reserved');
    expect([statuses(p, 1, mark), statuses(p, 1, mark, 2), statuses(p, 2, mark)]).toEqual([['Reserved'], ['Reserved'], ['Reserved']]);
    // Nobody else may start: both EVSEs are promised.
    expect(await p.call(CP, 'RequestStartTransaction', { idToken: token('DAVE'), remoteStartId: 1, evseId: 2 })).toMatchObject({ status: 'Rejected' });
    expect(await p.call(CP, 'CancelReservation', { reservationId: 22 })).toEqual({ status: 'Accepted' });
    // One reservation, two free EVSEs: nothing needs showing any more (H02.FR.06).
    await until(() => statuses(p, 2, mark).length === 2, 'EVSE 2 Available again');
    expect([statuses(p, 1, mark), statuses(p, 1, mark, 2), statuses(p, 2, mark)]).toEqual([
      ['Reserved', 'Available'],
      ['Reserved', 'Available'],
      ['Reserved', 'Available'],
    ]);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });
});
