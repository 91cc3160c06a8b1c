/**
 * OCPP 2.0.1 smart charging, what block K's first pass left out, against the strict ocpp-rpc 2.0.1 CSMS:
 * SmartChargingCtrlr.Enabled false (K01.FR.29: NotSupported), several chargingSchedules (only a TxProfile
 * of an ISO 15118 session; the EV takes the first) and the EV-initiated renegotiation (K17: the scenario's
 * `renegotiate` step → NotifyEVChargingNeeds again → the CSMS's new TxProfile → NotifyEVChargingSchedule).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { compileScenarioText } from '../../src/scenario/parse.js';
import { programForVersion } from '../../src/scenario/version-check.js';
import { until } from '../helpers/fleet.js';
import type { Received, StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';
import { CP, oneStationPerTest, QUIET_DRIVER } from '../helpers/one-station-201.js';

const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'smart-gaps-201', ocppVersions: ['2.0.1'] };
/** No car arrives by itself; the EV takes the full 22 kW the outlet gives. */
const EV_TAKES_ALL = { ...QUIET_DRIVER, evMaxPowerW: 22_000 };
const TOKEN = { idToken: 'SMART201', type: 'ISO14443' };

// The ISO 15118 notifications, answered as a CSMS would (the test peer's default {} lacks their status).
const setup = oneStationPerTest({ driver: EV_TAKES_ALL, profile: PROFILE_201 }, { NotifyEVChargingNeeds: () => ({ status: 'Accepted' }), NotifyEVChargingSchedule: () => ({ status: 'Accepted' }) });

async function arrives(p: StrictPeer201, method: string, pred: (params: any) => boolean = () => true, since = 0, timeoutMs = 5000): Promise<Received> {
  const find = () => p.received.slice(since).find((r) => r.identity === CP && r.method === method && pred(r.params));
  await until(() => find() !== undefined, `${method} from ${CP}`, timeoutMs);
  return find()!;
}

/** A Relative TxProfile with one schedule per entry of `limits` (A, from the transaction's start). */
function txProfile(id: number, limits: number[], extra: object = {}) {
  return {
    id,
    stackLevel: 1,
    chargingProfilePurpose: 'TxProfile',
    chargingProfileKind: 'Relative',
    chargingSchedule: limits.map((limit, i) => ({ id: 10 + i, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] })),
    ...extra,
  };
}

const absoluteDefault = (id: number, schedules: number) => ({
  id,
  stackLevel: 0,
  chargingProfilePurpose: 'TxDefaultProfile',
  chargingProfileKind: 'Absolute',
  chargingSchedule: Array.from({ length: schedules }, (_, i) => ({ id: i + 1, startSchedule: new Date(Date.now() - 1000).toISOString(), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7000 }] })),
});

function isoProgram(steps: string[]) {
  return programForVersion(compileScenarioText('iso.yaml', ['description: an ISO 15118 EV', 'connectors: [1]', 'steps:', ...steps.map((s) => `  - ${s}`)].join('\n')), '2.0.1');
}

describe('K01.FR.29: SmartChargingCtrlr.Enabled false', () => {
  it('every smart-charging call is answered CALLERROR NotSupported while disabled, and works again once enabled', async () => {
    const { p } = await setup();
    const enable = (value: string) =>
      p.call(CP, 'SetVariables', { setVariableData: [{ component: { name: 'SmartChargingCtrlr' }, variable: { name: 'Enabled' }, attributeValue: value }] });
    expect((await enable('false')).setVariableResult[0].attributeStatus).toBe('Accepted');
    const calls: [string, object][] = [
      ['SetChargingProfile', { evseId: 0, chargingProfile: absoluteDefault(1, 1) }],
      ['GetChargingProfiles', { requestId: 1, chargingProfile: {} }],
      ['ClearChargingProfile', {}],
      ['GetCompositeSchedule', { evseId: 1, duration: 60 }],
    ];
    for (const [method, params] of calls) await expect(p.call(CP, method, params)).rejects.toMatchObject({ rpcErrorCode: 'NotSupported' });
    // A remote start's chargingProfile is refused too (the start with it is Rejected).
    expect(await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 1, evseId: 1, chargingProfile: txProfile(2, [16]) })).toMatchObject({
      status: 'Rejected',
      statusInfo: { reasonCode: 'UnsupportedParam' },
    });
    expect((await enable('true')).setVariableResult[0].attributeStatus).toBe('Accepted');
    expect(await p.call(CP, 'SetChargingProfile', { evseId: 0, chargingProfile: absoluteDefault(1, 1) })).toEqual({ status: 'Accepted' });
    expect(p.failures).toEqual([]);
  });
});

describe('ChargingProfileType.chargingSchedule: several schedules only for a TxProfile of an ISO 15118 session', () => {
  it('Rejected for another purpose and for a session without ISO 15118; accepted for a 15118 EV, which takes the first (enforced, named in NotifyEVChargingSchedule)', async () => {
    const { p, f } = await setup({ scenario: isoProgram(['wait: 300ms', 'plug: {iso15118: {energyKWh: 30}}', 'start: {idTag: HLC00001}', 'charge: 1h']) });
    expect(await p.call(CP, 'SetChargingProfile', { evseId: 0, chargingProfile: absoluteDefault(1, 2) })).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'InvalidSchedule' } });
    // EVSE 2: a transaction without ISO 15118.
    const plain = await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 5, evseId: 2 });
    expect(plain.status).toBe('Accepted');
    const plainTx = (await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started' && q.evse?.id === 2)).params.transactionInfo.transactionId;
    expect(await p.call(CP, 'SetChargingProfile', { evseId: 2, chargingProfile: txProfile(3, [16, 10], { transactionId: plainTx }) })).toMatchObject({
      status: 'Rejected',
      statusInfo: { reasonCode: 'InvalidSchedule' },
    });
    // EVSE 1: the ISO 15118 EV, told its needs.
    const started = await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started' && q.evse?.id === 1);
    await arrives(p, 'NotifyEVChargingNeeds');
    const mark = p.received.length;
    const txId = started.params.transactionInfo.transactionId;
    expect(await p.call(CP, 'SetChargingProfile', { evseId: 1, chargingProfile: txProfile(4, [16, 10, 6], { transactionId: txId }) })).toEqual({ status: 'Accepted' });
    const schedule = await arrives(p, 'NotifyEVChargingSchedule', () => true, mark);
    expect(schedule.params).toMatchObject({ evseId: 1, chargingSchedule: { id: 10, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] } });
    f.refresh();
    expect(f.shards![0].stations[0].connectors[1].limitW).toBe(16 * 230 * 3);
    // A fourth schedule is beyond the schema (maxItems 3): the strict CSMS cannot even send it.
    await expect(p.call(CP, 'SetChargingProfile', { evseId: 1, chargingProfile: txProfile(5, [16, 10, 6, 4], { transactionId: txId }) })).rejects.toBeDefined();
    expect(p.failures).toEqual([expect.objectContaining({ method: 'SetChargingProfile', outbound: true })]); // the peer's own refusal to send it
  });
});

describe('K17: the EV renegotiates', () => {
  it('renegotiate: the EV tells new needs (NotifyEVChargingNeeds again, no schedule of the old profile); the new TxProfile is answered with NotifyEVChargingSchedule', { timeout: 15_000 }, async () => {
    const program = isoProgram(['plug: {iso15118: {energyKWh: 30, departure: 4h}}', 'start: {idTag: HLC00001}', 'charge: 1500ms', 'renegotiate: {energyKWh: 12, departure: 1h}', 'charge: 1h']);
    const { p, f } = await setup({ scenario: program });
    const started = await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started');
    const txId = started.params.transactionInfo.transactionId;
    const first = await arrives(p, 'NotifyEVChargingNeeds');
    expect(first.params.chargingNeeds.acChargingParameters.energyAmount).toBe(30_000);
    expect(await p.call(CP, 'SetChargingProfile', { evseId: 1, chargingProfile: txProfile(6, [16], { transactionId: txId }) })).toEqual({ status: 'Accepted' });
    await arrives(p, 'NotifyEVChargingSchedule');

    // The renegotiation, 1.5 s into the session.
    const again = await arrives(p, 'NotifyEVChargingNeeds', (q) => q.chargingNeeds.acChargingParameters.energyAmount === 12_000);
    const renegotiatedAt = p.received.indexOf(again);
    expect(Math.abs(Date.parse(again.params.chargingNeeds.departureTime) - (again.at + 3_600_000))).toBeLessThan(2000);
    expect(again.params.evseId).toBe(1);
    // The EV waits for the CSMS's answer: no schedule of the old profile goes out.
    await new Promise((r) => setTimeout(r, 300));
    expect(p.received.slice(renegotiatedAt).filter((r) => r.method === 'NotifyEVChargingSchedule')).toEqual([]);
    expect(await p.call(CP, 'SetChargingProfile', { evseId: 1, chargingProfile: txProfile(6, [10], { transactionId: txId }) })).toEqual({ status: 'Accepted' });
    const schedule = await arrives(p, 'NotifyEVChargingSchedule', () => true, renegotiatedAt);
    expect(schedule.params).toMatchObject({ evseId: 1, chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] } });
    expect(schedule.params.chargingSchedule.duration).toBeLessThanOrEqual(3600);
    expect(p.calls(CP, 'NotifyEVChargingNeeds')).toHaveLength(2);
    f.refresh();
    expect(f.stats.problems).toEqual([]);
    expect(p.sequenceProblems(true)).toEqual([]); // the transaction still runs
    expect(p.failures).toEqual([]);
  });

  it('a scenario with renegotiate is refused for OCPP 1.6 (NotifyEVChargingNeeds is a 2.0.1 message)', () => {
    const text = ['description: x', 'steps:', '  - plug', '  - start', '  - renegotiate: {energyKWh: 12}'].join('\n');
    expect(() => programForVersion(compileScenarioText('x.yaml', text), '1.6')).toThrow(/NotifyEVChargingNeeds/);
  });
});
