/**
 * OCPP 2.0.1 Smart charging (block K) end to end against the strict ocpp-rpc 2.0.1 CSMS: every call
 * and answer both ways schema-checked, the simulated power obeying the profiles in the
 * TransactionEvents' meter values, exactly at schedule boundaries. Each test ends with zero strict
 * validation failures and coherent transaction sequences.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { loadProfile } from '../../src/profile/load.js';
import { compileScenarioText } from '../../src/scenario/parse.js';
import { programForVersion } from '../../src/scenario/version-check.js';
import { until } from '../helpers/fleet.js';
import type { Received, StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';
import { CP, oneStationPerTest, QUIET_DRIVER } from '../helpers/one-station-201.js';

const SAMPLED = 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Power.Offered';
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'smart-201', ocppVersions: ['2.0.1'], meterValueSampleInterval: 1, meterValuesSampledData: SAMPLED };
/** No car arrives by itself; the EV takes the full 22 kW the outlet gives. */
const EV_TAKES_ALL = { ...QUIET_DRIVER, evMaxPowerW: 22_000 };
const TOKEN = { idToken: 'SMART201', type: 'ISO14443' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The notifications of block K, answered as a CSMS would.
const setupWith = oneStationPerTest(
  { driver: EV_TAKES_ALL, profile: PROFILE_201 },
  { ReportChargingProfiles: () => ({}), NotifyChargingLimit: () => ({}), ClearedChargingLimit: () => ({}), NotifyEVChargingNeeds: () => ({ status: 'Accepted' }), NotifyEVChargingSchedule: () => ({ status: 'Accepted' }) },
);
const setup = (profile: StationProfile = PROFILE_201) => setupWith({ profile });

async function arrives(p: StrictPeer201, method: string, pred: (params: any) => boolean = () => true, since = 0, timeoutMs = 5000): Promise<Received> {
  const find = () => p.received.slice(since).find((r) => r.identity === CP && r.method === method && pred(r.params));
  await until(() => find() !== undefined, `${method} from ${CP}`, timeoutMs);
  return find()!;
}

async function remoteStart(p: StrictPeer201, evseId: number, remoteStartId: number, chargingProfile?: object): Promise<string> {
  const answer = await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId, evseId, ...(chargingProfile ? { chargingProfile } : {}) });
  expect(answer.status).toBe('Accepted');
  const started = await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started' && q.transactionInfo.remoteStartId === remoteStartId);
  return started.params.transactionInfo.transactionId;
}

/** Readings of a 2.0.1 meter value by measurand. */
function readings(mv: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of mv.sampledValue) out[v.measurand ?? 'Energy.Active.Import.Register'] ??= v.value;
  return out;
}

/** The TransactionEvents of a transaction after `since` with a reading `pred` accepts. */
function sampleAfter(p: StrictPeer201, txId: string, since: number, pred: (r: Record<string, number>) => boolean, trigger?: string) {
  return p.received
    .slice(since)
    .find((r) => r.method === 'TransactionEvent' && r.params.transactionInfo.transactionId === txId && r.params.meterValue && (!trigger || r.params.triggerReason === trigger) && pred(readings(r.params.meterValue[0])));
}

async function sample(p: StrictPeer201, txId: string, since: number, pred: (r: Record<string, number>) => boolean, trigger?: string, timeoutMs = 5000) {
  await until(() => sampleAfter(p, txId, since, pred, trigger) !== undefined, `a reading of ${txId}${trigger ? ` (${trigger})` : ''}`, timeoutMs);
  return sampleAfter(p, txId, since, pred, trigger)!;
}

/** A 3-phase TxProfile of `periods` [startPeriod, A], relative to the transaction's start. */
function txProfile(id: number, periods: [number, number][], extra: object = {}) {
  return {
    id,
    stackLevel: 1,
    chargingProfilePurpose: 'TxProfile',
    chargingProfileKind: 'Relative',
    chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })) }],
    ...extra,
  };
}

function absolute(id: number, purpose: string, limit: number, unit = 'W', extra: object = {}) {
  return {
    id,
    stackLevel: 0,
    chargingProfilePurpose: purpose,
    chargingProfileKind: 'Absolute',
    chargingSchedule: [{ id: 1, startSchedule: new Date(Date.now() - 1000).toISOString(), chargingRateUnit: unit, chargingSchedulePeriod: [{ startPeriod: 0, limit }] }],
    ...extra,
  };
}

describe('K01/K08/K10 SetChargingProfile, GetCompositeSchedule, ClearChargingProfile', () => {
  it('a TxProfile limits the transaction (ChargingRateChanged, meter values), the composite shows it, clearing restores full power', async () => {
    const { p, station } = await setup();
    const txId = await remoteStart(p, 1, 1);
    await sample(p, txId, 0, (r) => r['Power.Active.Import'] === 22_000);

    let mark = p.received.length;
    expect(await p.call(CP, 'SetChargingProfile', { evseId: 1, chargingProfile: txProfile(7, [[0, 6]], { transactionId: txId }) })).toEqual({ status: 'Accepted' });
    // E02: the rate moved: an Updated event with the reading at the new rate.
    const changed = await sample(p, txId, mark, () => true, 'ChargingRateChanged');
    expect(changed.params.eventType).toBe('Updated');
    expect(readings(changed.params.meterValue[0])['Power.Active.Import']).toBe(4140); // 6 A × 230 V × 3
    await sample(p, txId, mark, (r) => r['Power.Active.Import'] === 4140 && r['Power.Offered'] === 4140, 'MeterValuePeriodic');
    expect(station.connectors[1].powerW).toBe(4140);

    // K08: the composite schedule of EVSE 1 in W and in A; the grid connection; an unknown EVSE.
    const w = await p.call(CP, 'GetCompositeSchedule', { evseId: 1, duration: 600, chargingRateUnit: 'W' });
    expect(w).toMatchObject({ status: 'Accepted', schedule: { evseId: 1, duration: 600, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 4140 }] } });
    expect(Math.abs(Date.parse(w.schedule.scheduleStart) - Date.now())).toBeLessThan(2000);
    const a = await p.call(CP, 'GetCompositeSchedule', { evseId: 1, duration: 600 });
    expect(a.schedule).toMatchObject({ chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6, numberPhases: 3 }] });
    expect((await p.call(CP, 'GetCompositeSchedule', { evseId: 0, duration: 60, chargingRateUnit: 'W' })).schedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 44_000 }]);
    expect(await p.call(CP, 'GetCompositeSchedule', { evseId: 9, duration: 60 })).toMatchObject({ status: 'Rejected' });

    // The device model counts the installed profiles (Entries[ChargingProfiles]).
    const entries = await p.call(CP, 'GetVariables', { getVariableData: [{ component: { name: 'SmartChargingCtrlr' }, variable: { name: 'Entries', instance: 'ChargingProfiles' } }] });
    expect(entries.getVariableResult[0].attributeValue).toBe('1');

    // K10: by id, then Unknown; the power comes back.
    mark = p.received.length;
    expect(await p.call(CP, 'ClearChargingProfile', { chargingProfileId: 7 })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'ClearChargingProfile', { chargingProfileId: 7 })).toEqual({ status: 'Unknown' });
    expect(readings((await sample(p, txId, mark, () => true, 'ChargingRateChanged')).params.meterValue[0])['Power.Active.Import']).toBe(22_000);
    expect(station.smartCharging).toBeNull(); // nothing left: the station pays nothing for the feature

    expect(await p.call(CP, 'RequestStopTransaction', { transactionId: txId })).toEqual({ status: 'Accepted' });
    await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Ended');
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  it('K01 rules: transactionId needed and must run there (FR.03/09), EVSE 0 (FR.16), external constraints (FR.22), FR.05/06 replacement, FR.31/38/40/41, SmartChargingCtrlr limits', async () => {
    const { p, station } = await setup();
    const txId = await remoteStart(p, 1, 2);
    const set = (evseId: number, chargingProfile: object) => p.call(CP, 'SetChargingProfile', { evseId, chargingProfile });
    const rejected = async (evseId: number, profile: object, reasonCode: string) => {
      const answer = await set(evseId, profile);
      expect([answer.status, answer.statusInfo?.reasonCode]).toEqual(['Rejected', reasonCode]);
    };
    await rejected(1, txProfile(1, [[0, 10]]), 'MissingParam'); // K01.FR.03
    await rejected(1, txProfile(1, [[0, 10]], { transactionId: 'not-this-one' }), 'TxNotFound'); // K01.FR.09
    await rejected(2, txProfile(1, [[0, 10]], { transactionId: txId }), 'TxNotFound'); // not on EVSE 2
    await rejected(0, txProfile(1, [[0, 10]], { transactionId: txId }), 'InvalidProfile'); // K01.FR.16
    await rejected(0, absolute(1, 'ChargingStationExternalConstraints', 5000), 'InvalidValue'); // K01.FR.22
    await rejected(1, absolute(1, 'ChargingStationMaxProfile', 5000), 'InvalidProfile'); // EVSE 0 only
    await rejected(0, { ...txProfile(1, [[0, 10]]), chargingProfilePurpose: 'ChargingStationMaxProfile' }, 'InvalidValue'); // K01.FR.38
    await rejected(0, { ...absolute(1, 'TxDefaultProfile', 5000), chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1 }] }] }, 'InvalidSchedule'); // K01.FR.40
    await rejected(0, { ...absolute(1, 'TxDefaultProfile', 5000), chargingProfileKind: 'Relative' }, 'InvalidSchedule'); // K01.FR.41
    await rejected(1, txProfile(1, [[5, 10]], { transactionId: txId }), 'InvalidSchedule'); // K01.FR.31
    await rejected(1, txProfile(1, [[0, 10]], { transactionId: txId, stackLevel: 11 }), 'InvalidProfile'); // ProfileStackLevel 10
    const periods = Array.from({ length: 25 }, (_, i) => [i * 10, 10] as [number, number]);
    await rejected(1, txProfile(1, periods, { transactionId: txId }), 'InvalidProfile'); // PeriodsPerSchedule 24
    await rejected(9, absolute(1, 'TxDefaultProfile', 5000), 'UnknownEvse');

    expect(await set(1, txProfile(1, [[0, 10]], { transactionId: txId }))).toEqual({ status: 'Accepted' });
    // K01.FR.06 (and FR.39 for a transaction): another id with the same stackLevel and purpose is refused…
    await rejected(1, txProfile(2, [[0, 8]], { transactionId: txId }), 'DuplicateProfile');
    // …the same id replaces it (K01.FR.05).
    expect(await set(1, txProfile(1, [[0, 8]], { transactionId: txId }))).toEqual({ status: 'Accepted' });
    expect(station.connectors[1].limitW).toBe(8 * 690);
    expect(await set(0, absolute(3, 'TxDefaultProfile', 16, 'A'))).toEqual({ status: 'Accepted' });
    expect(await set(2, absolute(4, 'TxDefaultProfile', 16, 'A'))).toEqual({ status: 'Accepted' });

    // The transaction ends: its TxProfile goes with it; the defaults stay.
    expect(await p.call(CP, 'RequestStopTransaction', { transactionId: txId })).toEqual({ status: 'Accepted' });
    await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Ended');
    expect(await p.call(CP, 'ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'TxProfile' } })).toEqual({ status: 'Unknown' });
    expect(await p.call(CP, 'ClearChargingProfile', { chargingProfileCriteria: { evseId: 2 } })).toEqual({ status: 'Accepted' });
    expect(await p.call(CP, 'ClearChargingProfile', { chargingProfileCriteria: { evseId: 0, chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 0 } })).toEqual({ status: 'Accepted' });
    expect(station.smartCharging).toBeNull();
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  it('a ChargingStationMaxProfile caps the station and is split between the transactions; a TxDefaultProfile applies from the start', async () => {
    const { p, station } = await setup();
    expect(await p.call(CP, 'SetChargingProfile', { evseId: 0, chargingProfile: { ...txProfile(1, [[0, 16]]), chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 0 } })).toEqual({ status: 'Accepted' });
    const a = await remoteStart(p, 1, 3);
    // The Started event already has the limited power's first reading; the periodic ones follow at 16 A.
    await sample(p, a, 0, (r) => r['Power.Active.Import'] === 16 * 690, 'MeterValuePeriodic');
    expect(await p.call(CP, 'SetChargingProfile', { evseId: 0, chargingProfile: absolute(2, 'ChargingStationMaxProfile', 14_000) })).toEqual({ status: 'Accepted' });
    expect(station.connectors[1].powerW).toBe(16 * 690); // 11,040 W is under the 14 kW maximum
    const b = await remoteStart(p, 2, 4);
    await until(() => station.connectors[2].powerW > 0, 'EVSE 2 charging');
    expect([station.connectors[1].powerW, station.connectors[2].powerW]).toEqual([7000, 7000]);
    const mark = p.received.length;
    await sample(p, a, mark, (r) => r['Power.Active.Import'] === 7000, 'MeterValuePeriodic');
    expect((await p.call(CP, 'GetCompositeSchedule', { evseId: 0, duration: 60, chargingRateUnit: 'W' })).schedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 14_000 }]);
    expect((await p.call(CP, 'GetCompositeSchedule', { evseId: 2, duration: 60, chargingRateUnit: 'W' })).schedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 7000 }]);
    for (const id of [a, b]) {
      expect(await p.call(CP, 'RequestStopTransaction', { transactionId: id })).toEqual({ status: 'Accepted' });
    }
    await until(() => p.calls(CP, 'TransactionEvent').filter((c) => c.params.eventType === 'Ended').length === 2, 'both ended');
    expect(await p.call(CP, 'ClearChargingProfile', {})).toEqual({ status: 'Accepted' });
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  });
});

describe('F01/K05 RequestStartTransaction with a TxProfile; schedule boundaries', () => {
  it('the profile is installed for the new transaction: 6 A for 3 s then 0 A, switched exactly at the boundary', async () => {
    const { p, station } = await setup();
    // Only a TxProfile without a transactionId (F01, K05).
    const bad = await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 9, evseId: 1, chargingProfile: { ...txProfile(5, [[0, 6]]), chargingProfilePurpose: 'TxDefaultProfile' } });
    expect(bad.status).toBe('Rejected');
    const withTx = await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 9, evseId: 1, chargingProfile: txProfile(5, [[0, 6]], { transactionId: 'x' }) });
    expect(withTx.status).toBe('Rejected');

    const txId = await remoteStart(p, 1, 10, txProfile(5, [[0, 6], [3, 0]]));
    const started = p.events(txId)[0];
    await sample(p, txId, 0, (r) => r['Power.Active.Import'] === 4140, 'MeterValuePeriodic');
    // At the boundary the rate moves to 0: ChargingRateChanged, then SuspendedEVSE.
    const zero = await sample(p, txId, 0, (r) => r['Power.Active.Import'] === 0, 'ChargingRateChanged', 6000);
    const at = Date.parse(zero.params.timestamp) - Date.parse(started.timestamp);
    expect(at).toBeGreaterThanOrEqual(3000);
    expect(at).toBeLessThan(3300);
    await until(() => p.events(txId).some((e) => e.transactionInfo.chargingState === 'SuspendedEVSE'), 'SuspendedEVSE');
    // Exactly 4140 W for 3 s, though the timer wheel woke the station a tick after the boundary.
    expect(station.connectors[1].energyWh).toBeCloseTo((4140 * 3) / 3600, 6);

    // K09: the profile is reported with the transaction it now belongs to.
    const mark = p.received.length;
    expect(await p.call(CP, 'GetChargingProfiles', { requestId: 1, chargingProfile: { chargingProfilePurpose: 'TxProfile' } })).toEqual({ status: 'Accepted' });
    const report = await arrives(p, 'ReportChargingProfiles', () => true, mark);
    expect(report.params).toMatchObject({ requestId: 1, chargingLimitSource: 'CSO', evseId: 1, chargingProfile: [{ id: 5, transactionId: txId }] });
    expect(report.params.tbc).toBeUndefined();

    expect(await p.call(CP, 'RequestStopTransaction', { transactionId: txId })).toEqual({ status: 'Accepted' });
    await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Ended');
    expect(station.smartCharging).toBeNull();
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  });
});

describe('K09 GetChargingProfiles', () => {
  it('reports by criteria in one part per EVSE and source (tbc on all but the last); NoProfiles when none match', async () => {
    const { p } = await setup();
    const set = (evseId: number, chargingProfile: object) => p.call(CP, 'SetChargingProfile', { evseId, chargingProfile });
    expect(await set(0, absolute(1, 'ChargingStationMaxProfile', 30_000))).toEqual({ status: 'Accepted' });
    expect(await set(0, absolute(2, 'TxDefaultProfile', 16, 'A'))).toEqual({ status: 'Accepted' });
    expect(await set(2, absolute(3, 'TxDefaultProfile', 10, 'A'))).toEqual({ status: 'Accepted' });

    let mark = p.received.length;
    expect(await p.call(CP, 'GetChargingProfiles', { requestId: 7, chargingProfile: {} })).toEqual({ status: 'Accepted' });
    await until(() => p.received.slice(mark).filter((r) => r.method === 'ReportChargingProfiles').length === 2, 'two parts');
    const parts = p.received.slice(mark).filter((r) => r.method === 'ReportChargingProfiles').map((r) => r.params);
    expect(parts.map((x) => [x.evseId, x.chargingProfile.map((c: any) => c.id).sort(), x.tbc ?? false])).toEqual([
      [0, [1, 2], true],
      [2, [3], false],
    ]);
    expect(parts[0].chargingProfile.find((c: any) => c.id === 1)).toMatchObject({
      chargingProfilePurpose: 'ChargingStationMaxProfile',
      chargingSchedule: [{ chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 30_000 }] }],
    });

    mark = p.received.length;
    expect(await p.call(CP, 'GetChargingProfiles', { requestId: 8, evseId: 2, chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' } })).toEqual({ status: 'Accepted' });
    expect((await arrives(p, 'ReportChargingProfiles', () => true, mark)).params).toMatchObject({ requestId: 8, evseId: 2, chargingProfile: [{ id: 3 }] });
    mark = p.received.length;
    expect(await p.call(CP, 'GetChargingProfiles', { requestId: 9, chargingProfile: { chargingProfileId: [2, 3], stackLevel: 0 } })).toEqual({ status: 'Accepted' });
    await until(() => p.received.slice(mark).filter((r) => r.method === 'ReportChargingProfiles').length === 2, 'ids 2 and 3');
    expect(await p.call(CP, 'GetChargingProfiles', { requestId: 10, chargingProfile: { chargingLimitSource: ['EMS'] } })).toEqual({ status: 'NoProfiles' });
    expect(await p.call(CP, 'GetChargingProfiles', { requestId: 11, evseId: 1, chargingProfile: {} })).toEqual({ status: 'NoProfiles' });
    expect(await p.call(CP, 'GetChargingProfiles', { requestId: 12, chargingProfile: { stackLevel: 3 } })).toEqual({ status: 'NoProfiles' });
    await sleep(200);
    expect(p.failures).toEqual([]);
  });
});

describe('K12/K13 external limits and K15 ISO 15118, driven by a scenario', () => {
  it('an EMS limit caps the transaction (NotifyChargingLimit, ChargingRateChanged, composite, K09 report) and its release restores it; the 15118 EV tells its needs and schedule', { timeout: 20_000 }, async () => {
    const program = programForVersion(
      compileScenarioText(
        'limits.yaml',
        [
          'description: An EMS limit for a while, on an ISO 15118 EV',
          'connectors: [1]',
          'steps:',
          '  - plug: {iso15118: {energyKWh: 30, departure: 4h}}',
          '  - start: {idTag: HLC00001}',
          '  - charge: 1500ms',
          '  - limit: {source: EMS, watts: 7000}',
          '  - charge: 2500ms',
          '  - limit: clear',
          '  - charge: 1h',
        ].join('\n'),
      ),
      '2.0.1',
    );
    const { p, station } = await setupWith({ scenario: program });
    const started = await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started');
    const txId = started.params.transactionInfo.transactionId;
    const plugInAt = Date.parse(p.calls(CP, 'StatusNotification').find((c) => c.params.connectorStatus === 'Occupied')!.params.timestamp);

    // K15: the EV's needs once its transaction runs, after the Started event.
    const needs = await arrives(p, 'NotifyEVChargingNeeds');
    expect(p.received.indexOf(needs)).toBeGreaterThan(p.received.indexOf(started));
    expect(needs.params).toMatchObject({ evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', acChargingParameters: { energyAmount: 30_000, evMaxCurrent: 32, evMaxVoltage: 230 } } });
    expect(Math.abs(Date.parse(needs.params.chargingNeeds.departureTime) - (plugInAt + 4 * 3_600_000))).toBeLessThan(2000);

    // K12: the EMS limit.
    const notified = await arrives(p, 'NotifyChargingLimit');
    expect(notified.params).toEqual({ chargingLimit: { chargingLimitSource: 'EMS' } });
    const capped = await sample(p, txId, 0, () => true, 'ChargingRateChanged');
    expect(readings(capped.params.meterValue[0])['Power.Active.Import']).toBe(7000);
    expect(station.connectors[1].powerW).toBe(7000);
    expect((await p.call(CP, 'GetCompositeSchedule', { evseId: 0, duration: 60, chargingRateUnit: 'W' })).schedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 7000 }]);
    expect((await p.call(CP, 'GetCompositeSchedule', { evseId: 1, duration: 60, chargingRateUnit: 'W' })).schedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 7000 }]);
    let mark = p.received.length;
    expect(await p.call(CP, 'GetChargingProfiles', { requestId: 3, chargingProfile: { chargingLimitSource: ['EMS'] } })).toEqual({ status: 'Accepted' });
    expect((await arrives(p, 'ReportChargingProfiles', () => true, mark)).params).toMatchObject({
      requestId: 3,
      chargingLimitSource: 'EMS',
      evseId: 0,
      chargingProfile: [{ chargingProfilePurpose: 'ChargingStationExternalConstraints', chargingSchedule: [{ chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7000 }] }] }],
    });
    // K10.FR.04: the CSMS cannot clear it.
    expect(await p.call(CP, 'ClearChargingProfile', {})).toEqual({ status: 'Unknown' });
    expect(await p.call(CP, 'ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'ChargingStationExternalConstraints' } })).toEqual({ status: 'Unknown' });

    // K13: released.
    mark = p.received.length;
    expect((await arrives(p, 'ClearedChargingLimit', () => true, mark)).params).toEqual({ chargingLimitSource: 'EMS' });
    expect(readings((await sample(p, txId, mark, () => true, 'ChargingRateChanged')).params.meterValue[0])['Power.Active.Import']).toBe(22_000);

    // K15: a TxProfile for the 15118 EV: it answers with its charging schedule.
    mark = p.received.length;
    expect(await p.call(CP, 'SetChargingProfile', { evseId: 1, chargingProfile: txProfile(8, [[0, 16], [600, 10]], { transactionId: txId }) })).toEqual({ status: 'Accepted' });
    const schedule = await arrives(p, 'NotifyEVChargingSchedule', () => true, mark);
    expect(schedule.params).toMatchObject({ evseId: 1, chargingSchedule: { id: 1, chargingRateUnit: 'A' } });
    // From timeBase (now): 16 A until 600 s after the transaction's start, then 10 A.
    const timeBase = Date.parse(schedule.params.timeBase);
    expect(Math.abs(timeBase - Date.now())).toBeLessThan(2000);
    const [first, second] = schedule.params.chargingSchedule.chargingSchedulePeriod;
    expect(first).toEqual({ startPeriod: 0, limit: 16, numberPhases: 3 });
    expect(second.limit).toBe(10);
    expect(Math.abs(second.startPeriod - (600 - (timeBase - Date.parse(started.params.timestamp)) / 1000))).toBeLessThanOrEqual(1);

    expect(await p.call(CP, 'RequestStopTransaction', { transactionId: txId })).toEqual({ status: 'Accepted' });
    await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Ended');
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  });
});

describe('a DC station (generic-201-dc): W by default, an external limit on one EVSE, DC charging needs', () => {
  it('K08 in W, K12 on EVSE 1 only, K15 dcChargingParameters', { timeout: 20_000 }, async () => {
    const dc = { ...loadProfile('generic-201-dc'), meterValueSampleInterval: 1, meterValuesSampledData: SAMPLED };
    const program = programForVersion(
      compileScenarioText(
        'dc.yaml',
        ['description: A DC session under an EVSE limit', 'connectors: [1]', 'steps:', '  - plug: {ev: {soc: 40%, batteryKWh: 80}, iso15118: {energyKWh: 40}}', '  - start: {idTag: HLC00002}', '  - limit: {source: SO, watts: 50000, evse: 1}', '  - charge: 1h'].join('\n'),
      ),
      '2.0.1',
    );
    const { p, station } = await setupWith({ profile: dc, scenario: program });
    const needs = await arrives(p, 'NotifyEVChargingNeeds');
    expect(needs.params).toMatchObject({ evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC', dcChargingParameters: { energyAmount: 40_000, evMaxVoltage: 920, stateOfCharge: 40, evEnergyCapacity: 80_000 } } });
    expect(needs.params.chargingNeeds.departureTime).toBeUndefined();
    expect((await arrives(p, 'NotifyChargingLimit')).params).toEqual({ chargingLimit: { chargingLimitSource: 'SO' }, evseId: 1 });
    await until(() => station.connectors[1].powerW === 50_000, 'EVSE 1 at the SO limit');
    const one = await p.call(CP, 'GetCompositeSchedule', { evseId: 1, duration: 60 });
    expect(one.schedule).toMatchObject({ chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 50_000 }] });
    const two = await p.call(CP, 'GetCompositeSchedule', { evseId: 2, duration: 60 });
    expect(two.schedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 150_000 }]);
    const txId = p.calls(CP, 'TransactionEvent')[0].params.transactionInfo.transactionId;
    expect(await p.call(CP, 'RequestStopTransaction', { transactionId: txId })).toEqual({ status: 'Accepted' });
    await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Ended');
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  });
});
