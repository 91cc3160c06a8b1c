/**
 * OCPP 2.0.1 SmartChargingCtrlr.Enabled against the strict ocpp-rpc 2.0.1 CSMS: installed charging
 * profiles stop limiting a running transaction once the CSMS sets it false, and limit it again once it
 * is set true (K01/K08; E02 ChargingRateChanged each time the rate moves), the profiles kept meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { until } from '../helpers/fleet.js';
import type { Received, StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';
import { CP, oneStationPerTest, QUIET_DRIVER } from '../helpers/one-station-201.js';

const SAMPLED = 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Power.Offered';
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'sc-enabled-201', ocppVersions: ['2.0.1'], meterValueSampleInterval: 1, meterValuesSampledData: SAMPLED };
/** No car arrives by itself; the EV takes the full 22 kW the outlet gives. */
const EV_TAKES_ALL = { ...QUIET_DRIVER, evMaxPowerW: 22_000 };
const TOKEN = { idToken: 'SCENABLED', type: 'ISO14443' };

const setup = oneStationPerTest({ driver: EV_TAKES_ALL, profile: PROFILE_201 }, { ReportChargingProfiles: () => ({}), NotifyChargingLimit: () => ({}), ClearedChargingLimit: () => ({}) });

function readings(mv: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of mv.sampledValue) out[v.measurand ?? 'Energy.Active.Import.Register'] ??= v.value;
  return out;
}

/** The first TransactionEvent of `txId` after `since` with `trigger` and a reading `pred` accepts. */
async function event(p: StrictPeer201, txId: string, since: number, trigger: string, pred: (r: Record<string, number>) => boolean = () => true): Promise<Received> {
  const find = () =>
    p.received
      .slice(since)
      .find((r) => r.method === 'TransactionEvent' && r.params.transactionInfo.transactionId === txId && r.params.triggerReason === trigger && r.params.meterValue && pred(readings(r.params.meterValue[0])));
  await until(() => find() !== undefined, `${trigger} of ${txId}`, 5000);
  return find()!;
}

const setEnabled = (p: StrictPeer201, value: string) =>
  p.call(CP, 'SetVariables', { setVariableData: [{ component: { name: 'SmartChargingCtrlr' }, variable: { name: 'Enabled' }, attributeValue: value }] });

describe('SmartChargingCtrlr.Enabled switches the installed profiles off and on', () => {
  it('a TxDefaultProfile stops limiting while Enabled is false and limits again once it is true', async () => {
    const { p, station } = await setup();
    // A station-wide TxDefaultProfile of 6 A (3 phases × 230 V = 4140 W), then a transaction under it.
    const profile = {
      id: 5,
      stackLevel: 0,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: [{ id: 1, startSchedule: new Date(Date.now() - 1000).toISOString(), chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] }],
    };
    expect(await p.call(CP, 'SetChargingProfile', { evseId: 0, chargingProfile: profile })).toEqual({ status: 'Accepted' });
    expect((await p.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: 1, evseId: 1 })).status).toBe('Accepted');
    await until(() => p.calls(CP, 'TransactionEvent').some((c) => c.params.eventType === 'Started'), 'Started');
    const txId: string = p.calls(CP, 'TransactionEvent').find((c) => c.params.eventType === 'Started')!.params.transactionInfo.transactionId;
    await event(p, txId, 0, 'MeterValuePeriodic', (r) => r['Power.Active.Import'] === 4140);

    // Disabled: the outlet's full 22 kW, told at once (E02 ChargingRateChanged), and in the samples after it.
    let mark = p.received.length;
    expect((await setEnabled(p, 'false')).setVariableResult[0].attributeStatus).toBe('Accepted');
    expect(readings((await event(p, txId, mark, 'ChargingRateChanged')).params.meterValue[0])['Power.Active.Import']).toBe(22_000);
    await event(p, txId, mark, 'MeterValuePeriodic', (r) => r['Power.Active.Import'] === 22_000 && r['Power.Offered'] === 22_000);
    expect(station.connectors[1].powerW).toBe(22_000);
    // The profile is still installed (counted in Entries[ChargingProfiles]).
    const entries = await p.call(CP, 'GetVariables', { getVariableData: [{ component: { name: 'SmartChargingCtrlr' }, variable: { name: 'Entries', instance: 'ChargingProfiles' } }] });
    expect(entries.getVariableResult[0].attributeValue).toBe('1');

    // Enabled again: the profile limits again.
    mark = p.received.length;
    expect((await setEnabled(p, 'true')).setVariableResult[0].attributeStatus).toBe('Accepted');
    expect(readings((await event(p, txId, mark, 'ChargingRateChanged')).params.meterValue[0])['Power.Active.Import']).toBe(4140);
    await event(p, txId, mark, 'MeterValuePeriodic', (r) => r['Power.Active.Import'] === 4140 && r['Power.Offered'] === 4140);
    expect((await p.call(CP, 'GetCompositeSchedule', { evseId: 1, duration: 60, chargingRateUnit: 'W' })).schedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 4140 }]);

    expect(await p.call(CP, 'RequestStopTransaction', { transactionId: txId })).toEqual({ status: 'Accepted' });
    await until(() => p.calls(CP, 'TransactionEvent').some((c) => c.params.eventType === 'Ended'), 'Ended');
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
  });
});
