/**
 * What a 2.0.1 charge point of one profile shares with every other of it: its device model, the value
 * slots of the settings the station core reads (station/settings.ts), and where each connector sits
 * (EVSE id, connector id within it). Built once per profile object and kept beside it; a charge point
 * keeps only the values the CSMS changed (Station.variables).
 */
import { Setting } from '../station/settings.js';
import type { StationProfile } from '../station/profile.js';
import type { Station } from '../station/station.js';
import { buildDeviceModel, deviceModelInputOf, readSlot, slotOf, type DeviceModel } from './device-model/index.js';
import { runSecurityProfile } from './security/run-profile.js';

/** The component, variable and instance behind each setting (Part 2, Referenced Components §2). */
const VARIABLES: Record<Setting, readonly [component: string, variable: string, instance?: string]> = {
  [Setting.HeartbeatInterval]: ['OCPPCommCtrlr', 'HeartbeatInterval'],
  [Setting.MeterSampleInterval]: ['SampledDataCtrlr', 'TxUpdatedInterval'],
  [Setting.ClockAlignedInterval]: ['AlignedDataCtrlr', 'Interval'],
  [Setting.PingInterval]: ['OCPPCommCtrlr', 'WebSocketPingInterval'],
  [Setting.TxMessageAttempts]: ['OCPPCommCtrlr', 'MessageAttempts', 'TransactionEvent'],
  [Setting.TxMessageRetryInterval]: ['OCPPCommCtrlr', 'MessageAttemptInterval', 'TransactionEvent'],
  [Setting.LocalAuthListEnabled]: ['LocalAuthListCtrlr', 'Enabled'],
  [Setting.AuthCacheEnabled]: ['AuthCacheCtrlr', 'Enabled'],
  [Setting.LocalPreAuthorize]: ['AuthCtrlr', 'LocalPreAuthorize'],
  [Setting.LocalAuthorizeOffline]: ['AuthCtrlr', 'LocalAuthorizeOffline'],
  [Setting.OfflineTxForUnknownId]: ['AuthCtrlr', 'OfflineTxForUnknownIdEnabled'],
  [Setting.StopTxOnInvalidId]: ['TxCtrlr', 'StopTxOnInvalidId'],
  [Setting.StopTxOnEVSideDisconnect]: ['TxCtrlr', 'StopTxOnEVSideDisconnect'],
  [Setting.ReserveConnectorZero]: ['ReservationCtrlr', 'NonEvseSpecific'],
  [Setting.SecurityProfile]: ['SecurityCtrlr', 'SecurityProfile'],
  [Setting.AuthCacheLifeTime]: ['AuthCacheCtrlr', 'LifeTime'],
  [Setting.ListDisablePostAuthorize]: ['LocalAuthListCtrlr', 'DisablePostAuthorize'],
  [Setting.CacheDisablePostAuthorize]: ['AuthCacheCtrlr', 'DisablePostAuthorize'],
  [Setting.AuthorizationEnabled]: ['AuthCtrlr', 'Enabled'],
  [Setting.DisableRemoteAuthorization]: ['AuthCtrlr', 'DisableRemoteAuthorization'],
  [Setting.COUNT]: ['', ''],
};

/** Each setting as 2.0.1 names it: `Component.Variable[instance]`. */
export const SETTINGS_201: readonly string[] = Array.from({ length: Setting.COUNT }, (_, s) => {
  const [component, variable, instance] = VARIABLES[s as Setting];
  return `${component}.${variable}${instance ? `[${instance}]` : ''}`;
});

/** Further variables the 2.0.1 dialect and handlers read. */
export interface Slots {
  readonly txStartedMeasurands: number;
  readonly txUpdatedMeasurands: number;
  readonly txEndedMeasurands: number;
  readonly alignedMeasurands: number;
  readonly authorizeRemoteStart: number;
  readonly txStartPoint: number;
  readonly txStopPoint: number;
  readonly authCtrlrEnabled: number;
}

export interface StationModel {
  readonly dm: DeviceModel;
  /** The value slot of each setting; -1 when the model lacks the variable (an optional controller left out). */
  readonly settingSlots: Int32Array;
  readonly slots: Slots;
  /** By the core's connector number (1…n): its EVSE id and its connector id within that EVSE. */
  readonly evseOf: readonly number[];
  readonly connectorOf: readonly number[];
  /** By connector: its EVSEType ({ id, connectorId }), frozen and shared by every message that names it. */
  readonly evseRefs: readonly Readonly<{ id: number; connectorId: number }>[];
}

const models = new WeakMap<StationProfile, StationModel>();

/** The shared model of a profile (built on first use; a worker's charge points share its profile object). */
export function modelOf(profile: StationProfile): StationModel {
  let m = models.get(profile);
  if (m === undefined) {
    m = build(profile);
    models.set(profile, m);
  }
  return m;
}

function build(profile: StationProfile): StationModel {
  const dm = buildDeviceModel({ ...deviceModelInputOf(profile), overrides: profile.deviceModel });
  const settingSlots = new Int32Array(Setting.COUNT);
  for (let s = 0; s < Setting.COUNT; s++) {
    const [component, variable, instance] = VARIABLES[s as Setting];
    settingSlots[s] = slotOf(dm, component, { name: variable, instance });
  }
  const slot = (component: string, variable: string) => slotOf(dm, component, variable);
  const evseOf = [0];
  const connectorOf = [0];
  const perEvse = new Map<number, number>();
  for (const spec of profile.connectors) {
    const n = (perEvse.get(spec.evse) ?? 0) + 1;
    perEvse.set(spec.evse, n);
    evseOf.push(spec.evse);
    connectorOf.push(n);
  }
  return {
    dm,
    settingSlots,
    slots: {
      txStartedMeasurands: slot('SampledDataCtrlr', 'TxStartedMeasurands'),
      txUpdatedMeasurands: slot('SampledDataCtrlr', 'TxUpdatedMeasurands'),
      txEndedMeasurands: slot('SampledDataCtrlr', 'TxEndedMeasurands'),
      alignedMeasurands: slot('AlignedDataCtrlr', 'Measurands'),
      authorizeRemoteStart: slot('AuthCtrlr', 'AuthorizeRemoteStart'),
      txStartPoint: slot('TxCtrlr', 'TxStartPoint'),
      txStopPoint: slot('TxCtrlr', 'TxStopPoint'),
      authCtrlrEnabled: slot('AuthCtrlr', 'Enabled'),
    },
    evseOf,
    connectorOf,
    evseRefs: evseOf.map((id, i) => Object.freeze({ id, connectorId: connectorOf[i] })),
  };
}

/** A variable's value for this charge point by slot (undefined when unset or the slot is -1). */
export function variable(st: Station, slot: number): string | undefined {
  return slot < 0 ? undefined : readSlot(modelOf(st.ctx.profile).dm, st.variables, slot);
}

export function readSetting(st: Station, s: Setting): string | undefined {
  const slot = modelOf(st.ctx.profile).settingSlots[s];
  // SecurityProfile: stored once the station switched network profile, else its run's connection's.
  if (s === Setting.SecurityProfile && slot >= 0 && !st.variables?.has(slot)) return String(runSecurityProfile(st));
  return variable(st, slot);
}

export function writeSetting(st: Station, s: Setting, value: string): void {
  const slot = modelOf(st.ctx.profile).settingSlots[s];
  if (slot >= 0) (st.variables ??= new Map()).set(slot, value);
}

/** The connector of the core numbered by EVSE and connector id (2.0.1 addressing); undefined when there is none. */
export function connectorAt(st: Station, evseId: number, connectorId = 1): number | undefined {
  const m = modelOf(st.ctx.profile);
  for (let i = 1; i < m.evseOf.length; i++) if (m.evseOf[i] === evseId && m.connectorOf[i] === connectorId) return i;
  return undefined;
}
