/**
 * K Smart charging: SetChargingProfile (K01), GetCompositeSchedule (K08), GetChargingProfiles (K09,
 * the ReportChargingProfiles parts follow the answer), ClearChargingProfile (K10), and the TxProfile of
 * a RequestStartTransaction (F01, K05). A model without SmartChargingCtrlr answers NotSupported.
 */
import { OcppError } from '../../protocol/errors.js';
import { connectorLimitW } from '../../station/meter.js';
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import { compositeSchedule } from '../../features/smart-charging/composite.js';
import { clearMatching, type InstalledProfile } from '../../features/smart-charging/profiles.js';
import type {
  ChargingLimitSourceEnumType,
  ChargingProfileType,
  ClearChargingProfileRequest,
  ClearChargingProfileResponse,
  GetChargingProfilesRequest,
  GetChargingProfilesResponse,
  GetCompositeScheduleRequest,
  GetCompositeScheduleResponse,
  ReportChargingProfilesRequest,
  SetChargingProfileRequest,
  SetChargingProfileResponse,
  StatusInfoType,
} from '../generated/types.gen.js';
import { slotOf } from '../device-model/index.js';
import { modelOf, variable } from '../station-model.js';
import { evseView, install, originalOf, parseProfile, PURPOSE, profileLimits, sourceOf } from '../smart-charging/profiles.js';
import { evSchedule } from '../smart-charging/iso15118.js';
import { newSmartCharging201, SmartCharging201, smartCharging201Of, smartChargingEnabled } from '../smart-charging/state.js';

export function supportsSmartCharging(st: Station): boolean {
  return st.ctx.features.has('SmartChargingCtrlr');
}

/**
 * K01.FR.29: a station without smart charging answers a CALLERROR NotSupported — also while
 * SmartChargingCtrlr.Enabled is false ("whether smart charging is enabled"): it does none then.
 */
function requireFeature(st: Station, action: string): void {
  if (!supportsSmartCharging(st)) throw new OcppError('NotSupported', `${action}: this charging station has no SmartChargingCtrlr`);
  if (!smartChargingEnabled(st)) throw new OcppError('NotSupported', `${action}: smart charging is disabled (SmartChargingCtrlr.Enabled is false)`);
}

/**
 * ChargingProfileType.chargingSchedule: "Having multiple chargingSchedules is only allowed for charging
 * profiles of purpose TxProfile in the context of an ISO 15118 charging session" (at most 3, the
 * schema's maxItems: the SAScheduleTuples offered to the EV). The simulated EV picks the first, which
 * is the one enforced and named in NotifyEVChargingSchedule (K15). Null when the count is fine.
 */
function schedulesRefusal(st: Station, evseId: number, profile: ChargingProfileType): StatusInfoType | null {
  const n = profile.chargingSchedule.length;
  if (n === 1) return null;
  if (profile.chargingProfilePurpose !== 'TxProfile') return { reasonCode: 'InvalidSchedule', additionalInfo: `${n} chargingSchedules: more than one only for a TxProfile of an ISO 15118 session` };
  const evs = stateOf(st)?.evs;
  if (evs == null || !connectorsOf(st, evseId).some((i) => evs.has(i))) return { reasonCode: 'InvalidSchedule', additionalInfo: `${n} chargingSchedules: EVSE ${evseId} has no ISO 15118 EV to choose one` };
  return null;
}

/** The state if there is one (without creating it). */
function stateOf(st: Station): SmartCharging201 | null {
  return st.smartCharging instanceof SmartCharging201 ? st.smartCharging : null;
}

/** The connectors of an EVSE (core numbering). */
function connectorsOf(st: Station, evseId: number): number[] {
  const m = modelOf(st.ctx.profile);
  const out: number[] = [];
  for (let i = 1; i < m.evseOf.length; i++) if (m.evseOf[i] === evseId) out.push(i);
  return out;
}

/** K01: Accepted and in force at once, or Rejected with the rule it breaks. */
export function setChargingProfile(st: Station, req: SetChargingProfileRequest, now: number): SetChargingProfileResponse {
  requireFeature(st, 'SetChargingProfile');
  const several = schedulesRefusal(st, req.evseId, req.chargingProfile);
  if (several !== null) return { status: 'Rejected', statusInfo: several };
  const existing = stateOf(st);
  const limits = profileLimits(st);
  const parsed = parseProfile(st, req.evseId, req.chargingProfile, existing?.profiles ?? [], limits, now);
  if (!('id' in parsed)) return { status: 'Rejected', statusInfo: parsed };
  const state = existing ?? newSmartCharging201(st);
  const profiles = install(state.profiles, parsed, limits);
  if (profiles === null) {
    return { status: 'Rejected', statusInfo: { reasonCode: 'MaxProfiles', additionalInfo: `SmartChargingCtrlr.Entries[ChargingProfiles] maxLimit ${limits.maxInstalled} reached` } };
  }
  state.profiles = profiles;
  st.smartCharging = state;
  state.reapply(now);
  // K15: an ISO 15118 EV answers a TxProfile with its charging schedule.
  if (parsed.purpose === 'Tx') for (const i of connectorsOf(st, req.evseId)) if (st.connectors[i].tx && !st.connectors[i].tx!.stopped) evSchedule(st, st.connectors[i], now);
  return { status: 'Accepted' };
}

/**
 * F01/K05: a RequestStartTransaction's chargingProfile must be a TxProfile without a transactionId
 * (the transaction does not exist yet) that this station could install; it is installed when that
 * transaction starts on `evseId`, for the token asked for. Null when it is acceptable, else why not.
 */
export function acceptRemoteStartProfile(st: Station, evseId: number, token: string, profile: ChargingProfileType, now: number): StatusInfoType | null {
  if (!supportsSmartCharging(st)) return { reasonCode: 'UnsupportedParam', additionalInfo: 'this charging station has no SmartChargingCtrlr' };
  if (!smartChargingEnabled(st)) return { reasonCode: 'UnsupportedParam', additionalInfo: 'smart charging is disabled (SmartChargingCtrlr.Enabled is false)' };
  const several = schedulesRefusal(st, evseId, profile);
  if (several !== null) return several;
  if (profile.chargingProfilePurpose !== 'TxProfile') return { reasonCode: 'InvalidProfile', additionalInfo: 'the chargingProfile of a RequestStartTransaction must be a TxProfile (F01)' };
  if (profile.transactionId !== undefined) return { reasonCode: 'InvalidProfile', additionalInfo: 'the transaction does not exist yet: no transactionId (K05)' };
  const existing = stateOf(st);
  const limits = profileLimits(st);
  const parsed = parseProfile(st, evseId, profile, existing?.profiles ?? [], limits, now, true);
  if (!('id' in parsed)) return parsed;
  if (install(existing?.profiles ?? [], parsed, limits) === null) return { reasonCode: 'MaxProfiles', additionalInfo: 'SmartChargingCtrlr.Entries[ChargingProfiles] is full' };
  smartCharging201Of(st).pending = { connectorId: evseId, idTag: token, profile: parsed };
  return null;
}

/**
 * K10: by chargingProfileId, else by the criteria given (none: every profile); Accepted when one went,
 * Unknown when none matched. External constraints are the station's, never cleared by the CSMS (K10.FR.04).
 */
export function clearChargingProfile(st: Station, req: ClearChargingProfileRequest, now: number): ClearChargingProfileResponse {
  requireFeature(st, 'ClearChargingProfile');
  const state = stateOf(st);
  const c = req.chargingProfileCriteria;
  if (state === null || c?.chargingProfilePurpose === 'ChargingStationExternalConstraints') return { status: 'Unknown' };
  const own = state.profiles.filter((p) => p.purpose !== 'External');
  const external = state.profiles.filter((p) => p.purpose === 'External');
  const purpose = c?.chargingProfilePurpose === undefined ? undefined : PURPOSE[c.chargingProfilePurpose];
  const cleared = clearMatching(own, { id: req.chargingProfileId, connectorId: c?.evseId, purpose, stackLevel: c?.stackLevel });
  if (cleared === 0) return { status: 'Unknown' };
  state.profiles = own.concat(external);
  state.reapply(now);
  return { status: 'Accepted' };
}

/**
 * K09: the installed profiles that match every criterion given (an evseId, a purpose, a stack level,
 * ids, sources), reported after the answer in ReportChargingProfiles parts, one per EVSE and source,
 * all but the last with tbc; NoProfiles when none match. The parts are bounded by
 * Entries[ChargingProfiles] (at most that many profiles are installed).
 */
export function getChargingProfiles(st: Station, req: GetChargingProfilesRequest): GetChargingProfilesResponse {
  requireFeature(st, 'GetChargingProfiles');
  const state = stateOf(st);
  const k = req.chargingProfile;
  const purpose = k.chargingProfilePurpose === undefined ? undefined : PURPOSE[k.chargingProfilePurpose];
  const matches = (p: InstalledProfile): boolean =>
    (req.evseId === undefined || p.connectorId === req.evseId) &&
    (purpose === undefined || p.purpose === purpose) &&
    (k.stackLevel === undefined || p.stackLevel === k.stackLevel) &&
    (k.chargingProfileId === undefined || k.chargingProfileId.includes(p.id)) &&
    (k.chargingLimitSource === undefined || k.chargingLimitSource.includes(sourceOf(p)));
  const groups = new Map<string, { evseId: number; source: ChargingLimitSourceEnumType; profiles: ChargingProfileType[] }>();
  const view = evseView(st);
  for (const p of state?.profiles ?? []) {
    // A remote start's TxProfile learns its transaction's id once that is given (K05).
    if (p.purpose === 'Tx' && p.transactionId === null) p.transactionId = view.transaction(p.connectorId)?.transactionId ?? null;
    const original = originalOf(p);
    if (original === undefined || !matches(p)) continue;
    const source = sourceOf(p);
    const key = `${p.connectorId}/${source}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { evseId: p.connectorId, source, profiles: [] }));
    g.profiles.push(original);
  }
  if (groups.size === 0) return { status: 'NoProfiles' };
  let left = groups.size;
  for (const g of groups.values()) {
    const part: ReportChargingProfilesRequest = { requestId: req.requestId, chargingLimitSource: g.source, evseId: g.evseId, chargingProfile: g.profiles };
    if (--left > 0) part.tbc = true;
    // Kept, like a report's parts: the CSMS waits for the last one. Part of the use case it started,
    // so it goes out while the boot is Pending too.
    st.enqueue(new OutboundCall(Kind.Kept, 'ReportChargingProfiles', part as never).asTriggered());
  }
  return { status: 'Accepted' };
}

/**
 * K08: what an EVSE (0: the grid connection) will be allowed from now for `duration` seconds, the
 * profiles' and external limits' least under the hardware's, as the meter applies it. Without
 * chargingRateUnit: A for AC, W for DC; a unit the station does not support (RateUnit) is Rejected.
 */
export function getCompositeSchedule(st: Station, req: GetCompositeScheduleRequest, now: number): GetCompositeScheduleResponse {
  requireFeature(st, 'GetCompositeSchedule');
  const { evseId, duration } = req;
  const ids = evseId === 0 ? [] : connectorsOf(st, evseId);
  if (evseId < 0 || (evseId > 0 && ids.length === 0)) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEvse', additionalInfo: `no EVSE ${evseId}` } };
  const limits = profileLimits(st);
  if (req.chargingRateUnit !== undefined && !limits.allowedUnits.has(req.chargingRateUnit)) {
    return { status: 'Rejected', statusInfo: { reasonCode: 'UnsupportedRateUnit', additionalInfo: `chargingRateUnit ${req.chargingRateUnit} is not in SmartChargingCtrlr.RateUnit` } };
  }
  // The EVSE's connector in use, else its first; the grid connection is connector 0.
  const connectorId = ids.find((i) => st.connectors[i].tx !== null && !st.connectors[i].tx!.stopped) ?? ids[0] ?? 0;
  const state = stateOf(st) ?? newSmartCharging201(st);
  const dc = state.electrics(connectorId).dc;
  const unit = req.chargingRateUnit ?? (dc ? 'W' : 'A');
  // The hardware: the connector's, or for the grid connection each EVSE's largest outlet.
  let capW = 0;
  if (connectorId > 0) capW = connectorLimitW(st.connectors[connectorId].spec!);
  else {
    const m = modelOf(st.ctx.profile);
    const perEvse = new Map<number, number>();
    for (let i = 1; i < st.connectors.length; i++) perEvse.set(m.evseOf[i], Math.max(perEvse.get(m.evseOf[i]) ?? 0, connectorLimitW(st.connectors[i].spec!)));
    for (const w of perEvse.values()) capW += w;
  }
  const schedule = compositeSchedule(state, connectorId, now, duration, unit, capW);
  return {
    status: 'Accepted',
    schedule: { evseId, duration, scheduleStart: new Date(now).toISOString(), chargingRateUnit: schedule.chargingRateUnit, chargingSchedulePeriod: schedule.chargingSchedulePeriod },
  };
}
