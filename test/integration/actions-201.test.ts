/**
 * Every CSMS-initiated OCPP 2.0.1 action against a running 2.0.1 charge point, through ocpp-rpc's
 * strict 2.0.1 server (which validates each request and each answer against the official schemas)
 * and through our embedded CSMS's operator API (which checks each answer against the schema too):
 * a full-featured model answers each one; a model whose device model says it lacks an optional
 * functional block answers that block's actions with NotSupported, and only those (and PublishFirmware /
 * UnpublishFirmware, which only a model that says it is a Local Controller answers).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_FIRMWARE, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { BLOCK_OF } from '../../src/ocpp201/handlers/blocks.js';
import type { CsmsAction } from '../../src/ocpp201/generated/actions.gen.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';
import { CSMS_REQUESTS_201 } from '../helpers/csms-requests-201.js';
import { api, csmsWith } from '../helpers/csms-clients.js';

const CP = 'ACT001';
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const FULL: StationProfile = { ...DEFAULT_PROFILE, name: 'full-201', ocppVersions: ['2.0.1'], firmware: { ...DEFAULT_FIRMWARE, localController: true } };
/** The optional blocks' controllers (Part 2, Referenced Components §2), all left out. */
const WITHOUT_BLOCKS: StationProfile = {
  ...FULL,
  name: 'bare-201',
  firmware: DEFAULT_FIRMWARE,
  deviceModel: { LocalAuthListCtrlr: false, ReservationCtrlr: false, SmartChargingCtrlr: false, TariffCostCtrlr: false, MonitoringCtrlr: false, DisplayMessageCtrlr: false },
};
/** The same blocks there but not Available (read-only Available false). */
const UNAVAILABLE_BLOCKS: StationProfile = {
  ...FULL,
  name: 'unavailable-201',
  firmware: DEFAULT_FIRMWARE,
  deviceModel: {
    LocalAuthListCtrlr: { Available: false },
    ReservationCtrlr: { Available: false },
    SmartChargingCtrlr: { Available: false },
    TariffCostCtrlr: { 'Available[Cost]': false },
    MonitoringCtrlr: { Available: false },
    DisplayMessageCtrlr: { Available: false },
  },
};

/** What a model that is not a firmware Local Controller (L03/L04) does not do. */
const LOCAL_CONTROLLER_ONLY: ReadonlySet<CsmsAction> = new Set<CsmsAction>(['PublishFirmware', 'UnpublishFirmware']);

let peer: StrictPeer201 | null = null;
let fleet: Fleet | null = null;
afterEach(async () => {
  await fleet?.stop();
  fleet = null;
  await peer?.close();
  peer = null;
});

/** Boots one charge point of the profile and sends it every CSMS action; returns each action's outcome. */
async function everyAction(profile: StationProfile): Promise<Map<CsmsAction, string>> {
  const p = (peer = await StrictPeer201.start());
  fleet = startTestFleet(p.url, { count: 1, idPrefix: 'ACT', driver: QUIET_DRIVER, profile });
  await until(() => p.calls(CP, 'StatusNotification').length >= profile.connectors.length, `${CP} to boot`);
  const outcomes = new Map<CsmsAction, string>();
  // Reset last: it may reboot the station.
  const actions = (Object.keys(CSMS_REQUESTS_201) as CsmsAction[]).sort((a, b) => Number(a === 'Reset') - Number(b === 'Reset'));
  for (const action of actions) {
    try {
      await p.call(CP, action, CSMS_REQUESTS_201[action] as object);
      outcomes.set(action, 'answered');
    } catch (e) {
      outcomes.set(action, (e as { rpcErrorCode?: string }).rpcErrorCode ?? String(e));
    }
  }
  expect(p.failures).toEqual([]);
  return outcomes;
}

describe('every CSMS-initiated 2.0.1 action', () => {
  it('a full-featured model answers each one schema-validly', async () => {
    const outcomes = await everyAction(FULL);
    expect(outcomes.size).toBe(Object.keys(CSMS_REQUESTS_201).length);
    for (const [action, outcome] of outcomes) expect([action, outcome]).toEqual([action, 'answered']);
  });

  for (const [what, profile] of [
    ['left out of the device model', WITHOUT_BLOCKS],
    ['not Available', UNAVAILABLE_BLOCKS],
  ] as const) {
    it(`a model whose optional blocks are ${what} answers their actions NotSupported, the rest as before`, async () => {
      const outcomes = await everyAction(profile);
      for (const [action, outcome] of outcomes) {
        const expected = action in BLOCK_OF || LOCAL_CONTROLLER_ONLY.has(action) ? 'NotSupported' : 'answered';
        expect([action, outcome]).toEqual([action, expected]);
      }
    });
  }
});

describe('every CSMS-initiated 2.0.1 action from the embedded CSMS', () => {
  it('reaches a full-featured charge point through the operator API and a schema-valid answer comes back', async () => {
    const csms = await csmsWith();
    fleet = startTestFleet(csms.url, { count: 1, idPrefix: 'ACT', driver: QUIET_DRIVER, profile: FULL });
    await until(() => csms.stats.protocols['ocpp2.0.1']?.booted === 1, `${CP} to boot`);
    const actions = (Object.keys(CSMS_REQUESTS_201) as CsmsAction[]).sort((a, b) => Number(a === 'Reset') - Number(b === 'Reset'));
    for (const action of actions) {
      const { status, json } = await api(csms, 'POST', `/api/charge-points/${CP}/${action}`, CSMS_REQUESTS_201[action]);
      expect([action, status, json.error]).toEqual([action, 200, undefined]);
    }
    expect(csms.stats.invalidResponses).toBe(0);
  });
});
