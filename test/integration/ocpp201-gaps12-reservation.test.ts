/**
 * An EV (no ISO 15118) plugged into an EVSE that shows Reserved only because a reservation of any EVSE
 * needs it (H01.FR.20: the free EVSEs are no more than such reservations). G01.FR.09 (errata 2025-01):
 * a cable into a Reserved connector leaves it Reserved until the reserved token claims it; when the
 * reservation goes (cancelled, expired) the EVSE shows what it is — Occupied, the cable is in.
 * Against the strict 2.0.1 peer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/parse.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';

const CP = 'TEST001';
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'reservation-201', ocppVersions: ['2.0.1'] };
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-gaps12-res-'));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stranger's EV is plugged into EVSE 2 at 2.5 s (no token: a plain, non-15118 EV). */
async function withPeer(): Promise<StrictPeer201> {
  const p = await StrictPeer201.start();
  cleanups.push(() => p.close());
  const file = join(dir, `s${cleanups.length}.yaml`);
  writeFileSync(file, 'description: an EV on EVSE 2\nconnectors: [2]\nsteps:\n  - wait: 2500ms\n  - plug\n  - wait: 1h\n');
  const f = startTestFleet(p.url, { count: 1, driver: QUIET_DRIVER, profile: PROFILE_201, scenario: loadScenario(file) });
  cleanups.push(() => f.stop());
  await until(() => new Set(p.calls(CP, 'StatusNotification').map((c) => c.params.evseId)).size === 2, 'boot');
  return p;
}

const statuses = (p: StrictPeer201, evseId: number, since: number): string[] =>
  p.received.slice(since).filter((r) => r.method === 'StatusNotification' && r.params.evseId === evseId).map((r) => r.params.connectorStatus);

describe('an EV plugged into an EVSE Reserved for a reservation of any EVSE', () => {
  it.each([
    ['cancelled (H02)', 60_000, async (p: StrictPeer201) => expect(await p.call(CP, 'CancelReservation', { reservationId: 90 })).toEqual({ status: 'Accepted' })],
    ['expired (H04)', 4500, async (p: StrictPeer201) => until(() => p.calls(CP, 'ReservationStatusUpdate').some((c) => c.params.reservationUpdateStatus === 'Expired'), 'Expired', 3000)],
  ])('stays Reserved while the reservation needs it (G01.FR.09), then shows Occupied when the reservation is %s', { timeout: 15_000 }, async (_what, expiresInMs, end) => {
    const p = await withPeer();
    const mark = p.received.length;
    const expiryDateTime = new Date(Date.now() + (expiresInMs as number)).toISOString();
    expect(await p.call(CP, 'ReserveNow', { id: 90, expiryDateTime, idToken: { idToken: 'ALICE', type: 'Local' } })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'RequestStartTransaction', { idToken: { idToken: 'STRANGER', type: 'Local' }, remoteStartId: 1, evseId: 1 })).toMatchObject({ status: 'Accepted' });
    await until(() => statuses(p, 2, mark).includes('Reserved'), 'EVSE 2 Reserved (H01.FR.20)');
    // The EV plugs in at 2.5 s: no status change (G01.FR.09) — the EVSE is still the one kept for ALICE.
    await new Promise((r) => setTimeout(r, 3000));
    expect(statuses(p, 2, mark)).toEqual(['Reserved']);
    await (end as (p: StrictPeer201) => Promise<unknown>)(p);
    await until(() => statuses(p, 2, mark).length === 2, 'EVSE 2 after the reservation', 3000);
    expect(statuses(p, 2, mark)).toEqual(['Reserved', 'Occupied']);
    expect(p.failures).toEqual([]);
  });
});
