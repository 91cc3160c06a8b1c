/**
 * Smart Charging end to end over loopback: profiles set, queried and cleared by a CSMS, and the
 * simulated power obeying them in the MeterValues — against the embedded CSMS in strict mode and
 * against the strict ocpp-rpc peer (every message both ways schema-checked).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer } from '../helpers/ocpp-rpc-peer.js';

const CP = 'TEST001';
/** No car arrives by itself; the EV takes the full 22 kW the outlet gives. */
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600, evMaxPowerW: 22_000 };
const SAMPLED = 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Power.Offered,Current.Offered';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function fleetFor(url: string, profile = DEFAULT_PROFILE): Fleet {
  const fleet = startTestFleet(url, { count: 1, driver: QUIET_DRIVER, profile: { ...profile, meterValueSampleInterval: 1, meterValuesSampledData: SAMPLED } });
  // Stopped once, by the test or else after it.
  let stopping: Promise<void> | null = null;
  const stop = fleet.stop.bind(fleet);
  fleet.stop = () => (stopping ??= stop());
  cleanups.push(() => fleet.stop());
  return fleet;
}

/** A 3-phase 230 V TxProfile of `amps`, relative to the transaction's start. */
function txProfile(id: number, periods: [number, number][], extra: object = {}) {
  return {
    chargingProfileId: id,
    stackLevel: 1,
    chargingProfilePurpose: 'TxProfile' as const,
    chargingProfileKind: 'Relative' as const,
    chargingSchedule: { chargingRateUnit: 'A' as const, chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })) },
    ...extra,
  };
}

type Sample = Record<string, number>;
/** A MeterValues payload's readings by measurand (the first value of each). */
function readings(payload: any): Sample {
  const out: Sample = {};
  for (const v of payload.meterValue[0].sampledValue) out[v.measurand ?? 'Energy.Active.Import.Register'] ??= Number(v.value);
  return out;
}

describe('Smart Charging against the embedded CSMS (strict)', () => {
  async function setup(profile = DEFAULT_PROFILE) {
    const csms = await startCsms({ strict: true, heartbeatInterval: 60 });
    cleanups.push(() => csms.close());
    const seen: { action: string; payload: any; at: number }[] = [];
    csms.onRequest = (identity, action, payload) => {
      if (identity === CP) seen.push({ action, payload, at: Date.now() });
      return undefined;
    };
    const fleet = fleetFor(csms.url, profile);
    await until(() => csms.connected().includes(CP) && seen.some((s) => s.action === 'BootNotification'), 'boot');
    await until(() => seen.filter((s) => s.action === 'StatusNotification').length >= 3, 'initial statuses');
    return { csms, fleet, seen };
  }

  /** The first MeterValues of connector 1 that arrives after `mark` messages and satisfies `pred`. */
  async function meterAfter(seen: { action: string; payload: any }[], mark: number, pred: (s: Sample) => boolean): Promise<Sample> {
    const find = () => seen.slice(mark).find((s) => s.action === 'MeterValues' && s.payload.connectorId === 1 && pred(readings(s.payload)));
    await until(() => find() !== undefined, 'a matching MeterValues');
    return readings(find()!.payload);
  }

  async function charging(csms: Csms, fleet: Fleet): Promise<number> {
    expect(await csms.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'SMART01' })).toEqual({ status: 'Accepted' });
    const tx = () => fleet.shards![0].stations[0].connectors[1].tx;
    await until(() => tx()?.id != null, 'the transaction id');
    return Number(tx()!.id);
  }

  it('a 6 A TxProfile limits the power in MeterValues; GetCompositeSchedule shows it; clearing restores full power', async () => {
    const { csms, fleet, seen } = await setup();
    const transactionId = await charging(csms, fleet);
    const full = await meterAfter(seen, 0, (s) => s['Power.Active.Import'] > 0);
    expect(full['Power.Active.Import']).toBe(22_000);
    expect(full['Power.Offered']).toBe(22_000);

    let mark = seen.length;
    const c = fleet.shards![0].stations[0].connectors[1];
    expect(await csms.call(CP, 'SetChargingProfile', { connectorId: 1, csChargingProfiles: txProfile(7, [[0, 6]], { transactionId }) })).toEqual({ status: 'Accepted' });
    // The register was brought up to the moment of the change at the old power: 22 kW since the start.
    const [e0, m0] = [c.energyWh, c.meterAt];
    expect(e0).toBeCloseTo((22_000 * (m0 - c.tx!.startedAt)) / 3_600_000, 6);
    const limited = await meterAfter(seen, mark, () => true);
    expect(limited['Power.Active.Import']).toBeCloseTo(4140, 1); // 6 A × 230 V × 3 phases, not the 22 kW hardware
    expect(limited['Current.Import']).toBeCloseTo(6, 2);
    expect(limited['Power.Offered']).toBe(4140);
    expect(limited['Current.Offered']).toBe(6);

    const composite = await csms.call(CP, 'GetCompositeSchedule', { connectorId: 1, duration: 600, chargingRateUnit: 'W' });
    expect(composite).toMatchObject({ status: 'Accepted', connectorId: 1, chargingSchedule: { duration: 600, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 4140 }] } });
    expect(Math.abs(Date.parse(composite.scheduleStart!) - Date.now())).toBeLessThan(2000);
    const inAmps = await csms.call(CP, 'GetCompositeSchedule', { connectorId: 1, duration: 600 });
    expect(inAmps.chargingSchedule).toEqual({ duration: 600, startSchedule: inAmps.scheduleStart, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6, numberPhases: 3 }] });
    // Connector 0 (the grid connection) has no ChargePointMaxProfile: both outlets' hardware.
    expect((await csms.call(CP, 'GetCompositeSchedule', { connectorId: 0, duration: 60, chargingRateUnit: 'W' })).chargingSchedule!.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 44_000 }]);
    expect(await csms.call(CP, 'GetCompositeSchedule', { connectorId: 3, duration: 60 })).toEqual({ status: 'Rejected' });

    // And at 4140 W from then on.
    expect(c.powerW).toBe(4140);
    expect(c.meterAt).toBeGreaterThan(m0);
    expect(c.energyWh - e0).toBeCloseTo((4140 * (c.meterAt - m0)) / 3_600_000, 6);

    mark = seen.length;
    expect(await csms.call(CP, 'ClearChargingProfile', { id: 7 })).toEqual({ status: 'Accepted' });
    expect(await csms.call(CP, 'ClearChargingProfile', { id: 7 })).toEqual({ status: 'Unknown' });
    const restored = await meterAfter(seen, mark, () => true);
    expect(restored['Power.Active.Import']).toBe(22_000);
    expect(restored['Current.Offered']).toBe(32);
    expect(fleet.shards![0].stations[0].smartCharging).toBeNull(); // nothing left: the state is gone

    await fleet.stop();
    expect(csms.stats.callErrorsSent).toBe(0);
    expect(csms.stats.invalidResponses).toBe(0);
    expect(fleet.stats.problems).toEqual([]);
  });

  it('rejects what breaks a rule or a configured limit, and TxProfiles end with their transaction', async () => {
    const limited = { ...DEFAULT_PROFILE, configuration: { MaxChargingProfilesInstalled: { value: '2', readonly: true } } };
    const { csms, fleet } = await setup(limited);
    const set = (connectorId: number, p: object) => csms.call(CP, 'SetChargingProfile', { connectorId, csChargingProfiles: p as any });
    // No transaction on connector 1 yet: a TxProfile is discarded.
    expect(await set(1, txProfile(1, [[0, 10]]))).toEqual({ status: 'Rejected' });
    const transactionId = await charging(csms, fleet);
    expect(await set(1, txProfile(1, [[0, 10]], { transactionId: transactionId + 1 }))).toEqual({ status: 'Rejected' });
    expect(await set(1, txProfile(1, [[0, 10]], { stackLevel: 11 }))).toEqual({ status: 'Rejected' }); // ChargeProfileMaxStackLevel 10
    const periods: [number, number][] = Array.from({ length: 25 }, (_, i) => [i * 60, 10]);
    expect(await set(1, txProfile(1, periods))).toEqual({ status: 'Rejected' }); // ChargingScheduleMaxPeriods 24
    expect(await set(1, { ...txProfile(1, [[0, 10]]), chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute' })).toEqual({ status: 'Rejected' });
    expect(await set(9, { ...txProfile(1, [[0, 10]]), chargingProfilePurpose: 'TxDefaultProfile' })).toEqual({ status: 'Rejected' });

    expect(await set(1, txProfile(1, [[0, 10]]))).toEqual({ status: 'Accepted' });
    expect(await set(0, { ...txProfile(2, [[0, 16]]), chargingProfilePurpose: 'TxDefaultProfile' })).toEqual({ status: 'Accepted' });
    expect(await set(2, { ...txProfile(3, [[0, 16]]), chargingProfilePurpose: 'TxDefaultProfile' })).toEqual({ status: 'Rejected' }); // MaxChargingProfilesInstalled 2
    // Same stackLevel and purpose on the same connector: replaces profile 1, so it fits.
    expect(await set(1, txProfile(4, [[0, 8]]))).toEqual({ status: 'Accepted' });
    const station = fleet.shards![0].stations[0];
    expect(station.connectors[1].limitW).toBe(8 * 690);

    expect(await csms.call(CP, 'RemoteStopTransaction', { transactionId })).toEqual({ status: 'Accepted' });
    await until(() => csms.stats.transactions.active === 0, 'the stop');
    // The TxProfile went with the transaction; the TxDefaultProfile stays.
    expect(await csms.call(CP, 'ClearChargingProfile', { chargingProfilePurpose: 'TxProfile' })).toEqual({ status: 'Unknown' });
    expect(await csms.call(CP, 'ClearChargingProfile', { connectorId: 0, chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 1 })).toEqual({ status: 'Accepted' });

    await fleet.stop();
    expect(csms.stats.callErrorsSent).toBe(0);
    expect(csms.stats.invalidResponses).toBe(0);
    expect(fleet.stats.problems).toEqual([]);
  });

  it('a TxDefaultProfile applies from the transaction start; a ChargePointMaxProfile is split between charging connectors', async () => {
    const { csms, fleet, seen } = await setup();
    const station = fleet.shards![0].stations[0];
    const statuses = (connectorId: number) => seen.filter((s) => s.action === 'StatusNotification' && s.payload.connectorId === connectorId).map((s) => s.payload.status);
    // Every connector: nothing for the first 2 s of a transaction, then 16 A.
    const txDefault = { ...txProfile(1, [[0, 0], [2, 16]]), chargingProfilePurpose: 'TxDefaultProfile' as const };
    expect(await csms.call(CP, 'SetChargingProfile', { connectorId: 0, csChargingProfiles: txDefault })).toEqual({ status: 'Accepted' });
    await charging(csms, fleet);
    await until(() => statuses(1).includes('Charging'), 'Charging after the 0 A period', 5000);
    expect(statuses(1)).toEqual(['Available', 'Preparing', 'SuspendedEVSE', 'Charging']);
    expect(station.connectors[1].powerW).toBe(16 * 690);
    let mark = seen.length;
    await meterAfter(seen, mark, (r) => r['Power.Active.Import'] === 16 * 690);

    expect(
      await csms.call(CP, 'SetChargingProfile', {
        connectorId: 0,
        csChargingProfiles: { chargingProfileId: 2, stackLevel: 0, chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 14_000 }] } },
      }),
    ).toEqual({ status: 'Accepted' });
    expect(station.connectors[1].powerW).toBe(16 * 690); // 11,040 W is below the 14 kW maximum
    expect(await csms.call(CP, 'RemoteStartTransaction', { connectorId: 2, idTag: 'SMART03' })).toEqual({ status: 'Accepted' });
    await until(() => station.connectors[2].tx?.id != null, 'the second transaction');
    await until(() => statuses(2).includes('Charging'), 'connector 2 charging', 5000);
    // Two transactions share the 14 kW: 7 kW each.
    expect([station.connectors[1].powerW, station.connectors[2].powerW]).toEqual([7000, 7000]);
    mark = seen.length;
    await meterAfter(seen, mark, (r) => r['Power.Active.Import'] === 7000);
    expect((await csms.call(CP, 'GetCompositeSchedule', { connectorId: 1, duration: 60, chargingRateUnit: 'W' })).chargingSchedule!.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 7000 }]);
    expect((await csms.call(CP, 'GetCompositeSchedule', { connectorId: 0, duration: 60, chargingRateUnit: 'W' })).chargingSchedule!.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 14_000 }]);

    // Connector 2 stops: connector 1 may take its 16 A again.
    expect(await csms.call(CP, 'RemoteStopTransaction', { transactionId: Number(station.connectors[2].tx!.id) })).toEqual({ status: 'Accepted' });
    expect(station.connectors[1].powerW).toBe(16 * 690);

    await fleet.stop();
    expect(csms.stats.callErrorsSent).toBe(0);
    expect(csms.stats.invalidResponses).toBe(0);
    expect(fleet.stats.problems).toEqual([]);
  });

  it('answers NotSupported when the model does not support Smart Charging', async () => {
    const noSmart = { ...DEFAULT_PROFILE, configuration: { SupportedFeatureProfiles: { value: 'Core,RemoteTrigger', readonly: true } } };
    const { csms } = await setup(noSmart);
    for (const [action, payload] of [
      ['SetChargingProfile', { connectorId: 0, csChargingProfiles: { ...txProfile(1, [[0, 10]]), chargingProfilePurpose: 'TxDefaultProfile' } }],
      ['ClearChargingProfile', {}],
      ['GetCompositeSchedule', { connectorId: 1, duration: 60 }],
    ] as const) {
      await expect(csms.call(CP, action, payload as any)).rejects.toMatchObject({ code: 'NotSupported' });
    }
  });
});

describe('GetCompositeSchedule against the strict ocpp-rpc CSMS', () => {
  it('an idle connector shows a relative TxDefaultProfile from now; a one-phase maximum keeps its numberPhases', async () => {
    const p = await StrictPeer.start();
    cleanups.push(() => p.close());
    const fleet = fleetFor(p.url);
    await until(() => p.calls(CP, 'StatusNotification').length >= 3, 'boot and statuses');
    const composite = async (connectorId: number, duration: number, chargingRateUnit?: 'A' | 'W') => {
      const r = await p.call(CP, 'GetCompositeSchedule', { connectorId, duration, ...(chargingRateUnit ? { chargingRateUnit } : {}) });
      expect(r).toMatchObject({ status: 'Accepted', connectorId, chargingSchedule: { duration, startSchedule: r.scheduleStart } });
      expect(Math.abs(Date.parse(r.scheduleStart) - Date.now())).toBeLessThan(2000);
      for (const period of r.chargingSchedule.chargingSchedulePeriod) expect(period.startPeriod).toBeLessThan(duration);
      return r.chargingSchedule.chargingSchedulePeriod;
    };

    // 16 A for the first 2 minutes of every transaction, then 8 A. No transaction runs: the schedule
    // is what one starting now would get.
    const txDefault = { ...txProfile(1, [[0, 16], [120, 8]]), chargingProfilePurpose: 'TxDefaultProfile' };
    expect(await p.call(CP, 'SetChargingProfile', { connectorId: 0, csChargingProfiles: txDefault })).toEqual({ status: 'Accepted' });
    expect(await composite(1, 300)).toEqual([
      { startPeriod: 0, limit: 16, numberPhases: 3 },
      { startPeriod: 120, limit: 8, numberPhases: 3 },
    ]);
    expect(await composite(2, 300, 'W')).toEqual([
      { startPeriod: 0, limit: 11_040 },
      { startPeriod: 120, limit: 5520 },
    ]);

    // A 10 A single-phase maximum (2300 W) binds everywhere and is reported as such.
    const max = {
      chargingProfileId: 2,
      stackLevel: 0,
      chargingProfilePurpose: 'ChargePointMaxProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: { startSchedule: new Date(Date.now() - 1000).toISOString(), chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10, numberPhases: 1 }] },
    };
    expect(await p.call(CP, 'SetChargingProfile', { connectorId: 0, csChargingProfiles: max })).toEqual({ status: 'Accepted' });
    expect(await composite(0, 60)).toEqual([{ startPeriod: 0, limit: 10, numberPhases: 1 }]);
    expect(await composite(0, 60, 'W')).toEqual([{ startPeriod: 0, limit: 2300 }]);
    expect(await composite(1, 300)).toEqual([{ startPeriod: 0, limit: 10, numberPhases: 1 }]);

    await fleet.stop();
    expect(fleet.stats.problems).toEqual([]);
    expect(p.failures).toEqual([]);
  });
});

describe('Smart Charging against the strict ocpp-rpc CSMS', () => {
  it('RemoteStart with a TxProfile, schedule boundaries, SuspendedEVSE at 0 A and back', async () => {
    const p = await StrictPeer.start();
    cleanups.push(() => p.close());
    const fleet = fleetFor(p.url);
    await until(() => p.calls(CP, 'StatusNotification').length >= 3, 'boot and statuses');
    const meter = (since: number, pred: (s: Sample) => boolean) => p.received.slice(since).find((r) => r.method === 'MeterValues' && r.params.connectorId === 1 && pred(readings(r.params)));
    const status = (since: number, s: string) => p.received.slice(since).find((r) => r.method === 'StatusNotification' && r.params.connectorId === 1 && r.params.status === s);

    // A RemoteStartTransaction profile must be a TxProfile (§5.11).
    const bad = { ...txProfile(1, [[0, 6]]), chargingProfilePurpose: 'TxDefaultProfile' };
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'SMART02', chargingProfile: bad })).toEqual({ status: 'Rejected' });

    // 6 A for the first 3 s of the transaction, then 0 A: the connector suspends at the boundary.
    let mark = p.received.length;
    expect(await p.call(CP, 'RemoteStartTransaction', { connectorId: 1, idTag: 'SMART02', chargingProfile: txProfile(5, [[0, 6], [3, 0]]) })).toEqual({ status: 'Accepted' });
    await until(() => meter(mark, () => true) !== undefined, 'a first sample');
    expect(readings(meter(mark, () => true)!.params)['Power.Active.Import']).toBeCloseTo(4140, 1);
    const start = p.calls(CP, 'StartTransaction')[0];
    await until(() => status(mark, 'SuspendedEVSE') !== undefined, 'SuspendedEVSE at the 0 A period', 6000);
    const suspendedAt = Date.parse(status(mark, 'SuspendedEVSE')!.params.timestamp);
    expect(suspendedAt - Date.parse(start.params.timestamp)).toBeGreaterThanOrEqual(3000);
    expect(suspendedAt - Date.parse(start.params.timestamp)).toBeLessThan(3300);
    const zero = p.received.length;
    await until(() => meter(zero, () => true) !== undefined, 'a sample while suspended');
    expect(readings(meter(zero, () => true)!.params)['Power.Active.Import']).toBe(0);

    // Exactly 4140 W for 3 s, though the timer wheel woke the station a tick after the boundary.
    const c = fleet.shards![0].stations[0].connectors[1];
    expect(c.energyWh).toBeCloseTo((4140 * 3) / 3600, 6);

    const composite = await p.call(CP, 'GetCompositeSchedule', { connectorId: 1, duration: 300 });
    expect(composite).toMatchObject({ status: 'Accepted', connectorId: 1, chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 0, numberPhases: 3 }] } });

    // Clearing it gives the power back: Charging again, at full power.
    mark = p.received.length;
    expect(await p.call(CP, 'ClearChargingProfile', { connectorId: 1, chargingProfilePurpose: 'TxProfile' })).toEqual({ status: 'Accepted' });
    await until(() => status(mark, 'Charging') !== undefined, 'Charging again');
    await until(() => meter(mark, (s) => s['Power.Active.Import'] === 22_000) !== undefined, 'full power again');

    // A ChargePointMaxProfile of 11 kW caps it; a limit above the hardware changes nothing.
    mark = p.received.length;
    const max = (limit: number) => ({
      chargingProfileId: 20,
      stackLevel: 0,
      chargingProfilePurpose: 'ChargePointMaxProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: { startSchedule: new Date(Date.now() - 1000).toISOString(), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
    });
    expect(await p.call(CP, 'SetChargingProfile', { connectorId: 0, csChargingProfiles: max(11_000) })).toEqual({ status: 'Accepted' });
    await until(() => meter(mark, (s) => s['Power.Active.Import'] === 11_000) !== undefined, 'the charge point maximum');
    expect(await p.call(CP, 'GetCompositeSchedule', { connectorId: 0, duration: 60, chargingRateUnit: 'W' })).toMatchObject({
      chargingSchedule: { chargingSchedulePeriod: [{ startPeriod: 0, limit: 11_000 }] },
    });
    mark = p.received.length;
    expect(await p.call(CP, 'SetChargingProfile', { connectorId: 0, csChargingProfiles: max(50_000) })).toEqual({ status: 'Accepted' });
    await until(() => meter(mark, (s) => s['Power.Active.Import'] === 22_000) !== undefined, 'the hardware limit');
    expect(await p.call(CP, 'ClearChargingProfile', {})).toEqual({ status: 'Accepted' });

    await fleet.stop();
    expect(fleet.stats.problems).toEqual([]);
    expect(p.failures).toEqual([]);
  });
});
