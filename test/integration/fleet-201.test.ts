/**
 * OCPP 2.0.1 charge points on the same engine, against the embedded CSMS in strict mode (which
 * validates every message against the official 2.0.1 schemas and follows each transaction's
 * TransactionEvents by seqNo): boot, status per EVSE and connector, Authorize with an idToken,
 * Started…Ended with no gaps, energy that adds up, nothing lost across a dropped connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Csms } from '../../src/csms/server.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { embeddedCsmsAndFleet, testFleetConfig, until } from '../helpers/fleet.js';

/** Every TransactionEvent the CSMS received, per transaction id, in arrival order. */
function recordEvents(csms: Csms): Map<string, any[]> {
  const byTx = new Map<string, any[]>();
  csms.onRequest = (_identity, action, payload) => {
    if (action === 'TransactionEvent') {
      const id = payload.transactionInfo.transactionId;
      byTx.set(id, [...(byTx.get(id) ?? []), payload]);
    }
    return undefined; // the CSMS answers as it would
  };
  return byTx;
}

const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'test-201', ocppVersions: ['2.0.1'], meterValueSampleInterval: 1 };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function csmsAndFleet(count: number, overrides = {}): Promise<{ csms: Csms; fleet: Fleet }> {
  return embeddedCsmsAndFleet(cleanups, count, { profile: PROFILE_201, ...overrides });
}

describe('2.0.1 fleet against the embedded CSMS', () => {
  it('boots, charges and stops: TransactionEvents Started…Ended without seqNo gaps, counts agree', async () => {
    const { csms, fleet } = await csmsAndFleet(4);
    const tx = csms.stats.ocpp201.transactions;
    await until(() => tx.ended >= 6, 'six ended transactions', 15_000);
    await fleet.stop();
    const s = csms.stats;
    expect(s.protocols['ocpp2.0.1'].total).toBe(4);
    expect(s.callErrorsSent).toBe(0);
    expect(s.badFrames).toBe(0);
    expect(tx.seqNoGaps).toBe(0);
    expect(tx.unknown).toBe(0);
    expect(tx.active).toBe(0);
    expect(tx.started).toBe(tx.ended);
    expect(tx.updated).toBeGreaterThan(0);
    const byAction = Object.fromEntries(fleet.stats.actions().map((a) => [a.action, a]));
    for (const action of ['BootNotification', 'StatusNotification', 'Authorize', 'TransactionEvent', 'Heartbeat'] as const) {
      expect(byAction[action]?.sent, action).toBe(s.ocpp201.received[action]);
      expect(byAction[action]?.errors, action).toBe(0);
    }
    expect(fleet.stats.total('transactionsStarted')).toBe(tx.started);
    expect(fleet.stats.total('transactionsCompleted')).toBe(tx.ended);
    expect(fleet.stats.total('energyWh')).toBe(s.ocpp201.energyWh);
    expect(fleet.stats.total('energyWh')).toBeGreaterThan(0);
    expect(fleet.stats.total('badFrames')).toBe(0);
  }, 30_000);

  it('TxStartPoint EVConnected, TxStopPoint EVConnected: opened at plug-in, authorized by an Updated, closed when the EV leaves (E01, E06)', async () => {
    const profile: StationProfile = { ...PROFILE_201, deviceModel: { TxCtrlr: { TxStartPoint: ['EVConnected'], TxStopPoint: ['EVConnected'] } } };
    const { csms, fleet } = await csmsAndFleet(2, { profile });
    const events = recordEvents(csms);
    const tx = csms.stats.ocpp201.transactions;
    await until(() => tx.ended >= 3, 'three ended transactions', 15_000);
    await fleet.stop();
    expect(tx.seqNoGaps).toBe(0);
    expect(tx.unknown).toBe(0);
    const complete = [...events.values()].filter((list) => list.some((e) => e.eventType === 'Ended'));
    expect(complete.length).toBeGreaterThanOrEqual(3);
    for (const list of complete) {
      const [started] = list;
      expect(started.eventType).toBe('Started');
      // Opened by the cable, before any token: no idToken, chargingState EVConnected.
      expect(started.triggerReason).toBe('CablePluggedIn');
      expect(started.idToken).toBeUndefined();
      expect(started.transactionInfo.chargingState).toBe('EVConnected');
      const authorized = list.find((e) => e.triggerReason === 'Authorized');
      expect(authorized?.idToken?.idToken).toMatch(/^TAG/);
      const stopAuthorized = list.find((e) => e.triggerReason === 'StopAuthorized');
      const end = list[list.length - 1];
      expect(end.eventType).toBe('Ended');
      if (stopAuthorized) {
        // The driver's stop ends the energy; the transaction stays open until the EV leaves — or
        // until the run ends, which closes what is still open (stoppedReason Other).
        expect(stopAuthorized.eventType).toBe('Updated');
        expect(stopAuthorized.transactionInfo.chargingState).toBe('EVConnected');
        const closedBy = end.transactionInfo.stoppedReason === 'Other' ? 'AbnormalCondition' : 'EVCommunicationLost';
        expect(end.triggerReason).toBe(closedBy);
        expect(['EVDisconnected', 'Other']).toContain(end.transactionInfo.stoppedReason);
      }
      expect(list.map((e) => e.seqNo)).toEqual(list.map((_, i) => i));
    }
    const leftByEv = complete.filter((list) => list[list.length - 1].transactionInfo.stoppedReason === 'EVDisconnected');
    expect(leftByEv.length).toBeGreaterThan(0);
  }, 30_000);

  it('a CSMS that refuses the token in its answer to the authorizing Updated event ends the transaction (E05, StopTxOnInvalidId)', async () => {
    const profile: StationProfile = { ...PROFILE_201, deviceModel: { TxCtrlr: { TxStartPoint: ['EVConnected'] } } };
    const { csms, fleet } = await csmsAndFleet(1, { profile });
    const ended: any[] = [];
    csms.onRequest = (_identity, action, payload) => {
      if (action !== 'TransactionEvent') return undefined;
      if (payload.eventType === 'Ended') ended.push(payload);
      return payload.triggerReason === 'Authorized' ? { idTokenInfo: { status: 'Invalid' } } : undefined;
    };
    await until(() => ended.length >= 1, 'an Ended event', 15_000);
    await fleet.stop();
    expect(ended[0]).toMatchObject({ triggerReason: 'Deauthorized', transactionInfo: { stoppedReason: 'DeAuthorized' } });
    expect(fleet.stats.total('transactionsRejected')).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('reconnects after the CSMS drops it: nothing lost, seqNo continuous, events of the outage offline: true (E12)', async () => {
    const { csms, fleet } = await csmsAndFleet(3, { options: { ...testFleetConfig('').options, reconnect: { initialMs: 1500, maxMs: 1500 } } });
    const events = recordEvents(csms);
    const tx = csms.stats.ocpp201.transactions;
    await until(() => tx.active >= 2, 'two transactions', 10_000);
    for (const id of csms.connected()) csms.disconnect(id, 1012);
    await until(() => (fleet.refresh(), fleet.stats.total('reconnects')) >= 3, 'three reconnects', 10_000);
    await until(() => csms.connected().length === 3, 'all reconnected', 10_000);
    await until(() => tx.offline > 0, 'events that happened offline', 10_000);
    await until(() => tx.ended >= 4, 'more ended transactions', 15_000);
    await fleet.stop();
    expect(csms.stats.boots).toBe(3); // a reconnect is not a reboot
    expect(tx.seqNoGaps).toBe(0);
    expect(tx.unknown).toBe(0);
    expect(tx.active).toBe(0);
    expect(fleet.stats.total('transactionsStarted')).toBe(tx.started);
    expect(fleet.stats.total('transactionsCompleted')).toBe(tx.ended);
    for (const list of events.values()) {
      // Delivered in order, each number once (a resend after a lost answer is answered, not recorded twice).
      const seqNos = [...new Set(list.map((e) => e.seqNo))];
      expect(seqNos).toEqual(seqNos.map((_, i) => i));
    }
    const offline = [...events.values()].flat().filter((e) => e.offline === true);
    expect(offline.length).toBe(tx.offline);
  }, 40_000);

  it('Reset OnIdle during a session: Scheduled, no new session meanwhile, then the boot says ScheduledReset (B11, B12.FR.01)', async () => {
    // Two connectors, cars arriving at once and staying 1–14 s (the seed makes one stay much longer than
    // the other): without the rule the freed connector's next car (5 s of lingering later) would start
    // a new session while the reset waits for the other's to end.
    const { csms, fleet } = await csmsAndFleet(1, { driver: { ...testFleetConfig('').driver, idleMinS: 0, idleMaxS: 0.05, sessionMinS: 1, sessionMaxS: 14 } });
    const boots: string[] = [];
    const started: number[] = [];
    csms.onRequest = (_id, action, payload) => {
      if (action === 'BootNotification') boots.push(payload.reason);
      if (action === 'TransactionEvent' && payload.eventType === 'Started') started.push(Date.parse(payload.timestamp)); // when it began, not when it arrived
      return undefined;
    };
    await until(() => csms.stats.ocpp201.transactions.active >= 1, 'a session', 10_000);
    const [id] = csms.connected();
    const answeredAt = Date.now();
    expect(await csms.call(id, 'Reset', { type: 'OnIdle' })).toEqual({ status: 'Scheduled' });
    await until(() => boots.length === 2, 'the boot after the reset', 20_000);
    const rebootedAt = Date.now();
    await fleet.stop();
    expect(boots).toEqual(['PowerUp', 'ScheduledReset']);
    expect(started.filter((t) => t > answeredAt && t < rebootedAt)).toEqual([]);
    expect(csms.stats.ocpp201.transactions.seqNoGaps).toBe(0);
  }, 40_000);
});
