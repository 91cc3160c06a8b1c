/**
 * The set-up most 2.0.1 integration tests share: per test, ocpp-rpc's strict 2.0.1 peer and one charge
 * point (TEST001) against it, booted; both stopped after the test (an afterEach registered here).
 */
import { afterEach } from 'vitest';
import type { Fleet, FleetConfig } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER } from '../../src/station/profile.js';
import type { Station } from '../../src/station/station.js';
import { startTestFleet, until } from './fleet.js';
import type { Override } from './ocpp-rpc-peer.js';
import { StrictPeer201 } from './ocpp-rpc-peer-201.js';

export const CP = 'TEST001';

/** No car arrives by itself: the tests decide when a session runs. */
export const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };

export interface OneStation {
  p: StrictPeer201;
  f: Fleet;
  station: Station;
}

/**
 * Returns `setup(overrides)`: starts a peer answering `answers` (actions its default `{}` does not
 * answer as a CSMS would), then a fleet of one (`base`, then `overrides`), and waits for the boot and a
 * StatusNotification of every connector of the profile.
 */
export function oneStationPerTest(base: Partial<FleetConfig>, answers: Record<string, Override> = {}): (overrides?: Partial<FleetConfig>) => Promise<OneStation> {
  let running: { p: StrictPeer201; f: Fleet } | null = null;
  afterEach(async () => {
    const r = running;
    running = null;
    await r?.f.stop();
    await r?.p.close();
  });
  return async (overrides = {}) => {
    const p = await StrictPeer201.start();
    for (const [action, answer] of Object.entries(answers)) p.respond(action, answer);
    const f = startTestFleet(p.url, { count: 1, driver: QUIET_DRIVER, ...base, ...overrides });
    running = { p, f };
    const connectors = (overrides.profile ?? base.profile)?.connectors.length ?? 2;
    const reported = () => new Set(p.calls(CP, 'StatusNotification').map((c) => `${c.params.evseId}/${c.params.connectorId}`)).size;
    await until(() => reported() >= connectors, 'boot and statuses');
    return { p, f, station: f.shards![0].stations[0] as Station };
  };
}
