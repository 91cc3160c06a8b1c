/**
 * OCPP 1.6 Smart Charging profile (§3.13): SetChargingProfile (§5.16), ClearChargingProfile (§5.5),
 * GetCompositeSchedule (§5.7), and the TxProfile a RemoteStartTransaction may carry (§5.11). A model
 * without SmartCharging in SupportedFeatureProfiles answers these actions with NotSupported.
 */
import { OcppError } from '../../protocol/errors.js';
import { connectorLimitW } from '../../station/meter.js';
import type { Station } from '../../station/station.js';
import type {
  ClearChargingProfileRequest,
  ClearChargingProfileResponse,
  GetCompositeScheduleRequest,
  GetCompositeScheduleResponse,
  RemoteStartTransactionRequest,
  SetChargingProfileRequest,
  SetChargingProfileResponse,
} from '../generated/types.gen.js';
import { compositeSchedule } from '../../features/smart-charging/composite.js';
import { withProfile } from '../../features/smart-charging/profiles.js';
import { smartChargingOf, StationSmartCharging } from '../../features/smart-charging/station-state.js';
import { clearProfiles, parseProfile, profileLimits } from '../smart-charging/profiles.js';

function requireFeature(st: Station, action: string): void {
  if (!st.ctx.features.has('SmartCharging')) throw new OcppError('NotSupported', `${action}: this charge point does not support Smart Charging`);
}

/** SetChargingProfile (§5.16): Rejected when the profile breaks a rule or a configured limit (§9.4). */
export function setChargingProfile(st: Station, req: SetChargingProfileRequest, now: number): SetChargingProfileResponse {
  requireFeature(st, 'SetChargingProfile');
  const existing = st.smartCharging as StationSmartCharging | null;
  const state = existing ?? new StationSmartCharging(st, profileLimits);
  const limits = profileLimits(st);
  const parsed = parseProfile(req.connectorId, req.csChargingProfiles, state, limits, now);
  const profiles = typeof parsed === 'string' ? null : withProfile(state.profiles, parsed, limits);
  if (profiles === null) return { status: 'Rejected' };
  state.profiles = profiles;
  st.smartCharging = state;
  state.reapply(now);
  return { status: 'Accepted' };
}

/** ClearChargingProfile (§5.5): Accepted when a profile was cleared, Unknown when none matched. */
export function clearChargingProfile(st: Station, req: ClearChargingProfileRequest, now: number): ClearChargingProfileResponse {
  requireFeature(st, 'ClearChargingProfile');
  const state = st.smartCharging as StationSmartCharging | null;
  if (!state || clearProfiles(state.profiles, req) === 0) return { status: 'Unknown' };
  state.reapply(now);
  return { status: 'Accepted' };
}

/**
 * GetCompositeSchedule (§5.7): what this connector (0: the whole charge point) will be allowed from
 * now for `duration` seconds — the profiles' limit under the hardware's, as the meter applies it.
 * Without chargingRateUnit the schedule is in A for an AC outlet and W for DC.
 */
export function getCompositeSchedule(st: Station, req: GetCompositeScheduleRequest, now: number): GetCompositeScheduleResponse {
  requireFeature(st, 'GetCompositeSchedule');
  const { connectorId, duration } = req;
  if (connectorId < 0 || connectorId >= st.connectors.length || duration < 0) return { status: 'Rejected' };
  const state = (st.smartCharging as StationSmartCharging | null) ?? new StationSmartCharging(st, profileLimits);
  const dc = state.electrics(connectorId).dc;
  const unit = req.chargingRateUnit ?? (dc ? 'W' : 'A');
  let capW = 0;
  if (connectorId > 0) capW = connectorLimitW(st.connectors[connectorId].spec!);
  else for (let i = 1; i < st.connectors.length; i++) capW += connectorLimitW(st.connectors[i].spec!);
  const { chargingRateUnit, chargingSchedulePeriod } = compositeSchedule(state, connectorId, now, duration, unit, capW);
  const scheduleStart = new Date(now).toISOString();
  // The periods are relative to scheduleStart; the schedule names that start too (the compliance
  // test TC_059_CS checks chargingSchedule.startSchedule against the current time).
  return { status: 'Accepted', connectorId, scheduleStart, chargingSchedule: { duration, startSchedule: scheduleStart, chargingRateUnit, chargingSchedulePeriod } };
}

/**
 * The charging profile of a RemoteStartTransaction (§5.11): it must be a TxProfile without a
 * transactionId (the transaction does not exist yet) that this charge point could install; it is
 * installed when the transaction starts. Returns false when the request must be Rejected. A model
 * without Smart Charging ignores the profile.
 */
export function acceptRemoteStartProfile(st: Station, connectorId: number, req: RemoteStartTransactionRequest, now: number): boolean {
  const profile = req.chargingProfile;
  if (!profile || !st.ctx.features.has('SmartCharging')) return true;
  if (profile.chargingProfilePurpose !== 'TxProfile' || profile.transactionId !== undefined) return false;
  const state = smartChargingOf(st, profileLimits);
  const limits = profileLimits(st);
  const parsed = parseProfile(connectorId, profile, state, limits, now, true);
  if (typeof parsed === 'string' || withProfile(state.profiles, parsed, limits) === null) {
    if (state.profiles.length === 0 && state.pending === null) st.smartCharging = null;
    return false;
  }
  state.pending = { connectorId, idTag: req.idTag, profile: parsed };
  return true;
}
