/**
 * OCPP 1.6's words for smart charging (§3.13): its ChargingProfile payload mapped into the neutral
 * profile of features/smart-charging, its purposes, its ClearChargingProfile filter, and the
 * configuration keys that bound what may be installed (§9.4). The rules themselves are shared.
 */
import type { Station } from '../../station/station.js';
import {
  checkProfile,
  profileInput,
  clearMatching,
  type ChargePointView,
  type InstalledProfile,
  type LimitNames,
  type ProfileInput,
  type ProfileLimits,
  type Purpose,
  type RateUnit,
} from '../../features/smart-charging/profiles.js';
import type { ClearChargingProfileRequest, SetChargingProfileRequest } from '../generated/types.gen.js';

export type ChargingProfile = SetChargingProfileRequest['csChargingProfiles'];
type ChargingProfilePurposeType = ChargingProfile['chargingProfilePurpose'];

/** The neutral purpose of each 1.6 chargingProfilePurpose. */
const PURPOSE: Readonly<Record<ChargingProfilePurposeType, Purpose>> = {
  ChargePointMaxProfile: 'StationMax',
  TxDefaultProfile: 'TxDefault',
  TxProfile: 'Tx',
};

/** The configuration keys behind ProfileLimits, named in the reason a profile is Rejected. */
const LIMIT_NAMES: LimitNames = {
  maxStackLevel: 'ChargeProfileMaxStackLevel',
  maxPeriods: 'ChargingScheduleMaxPeriods',
  allowedUnits: 'ChargingScheduleAllowedChargingRateUnit',
};

/** A 1.6 csChargingProfiles in neutral words (no copy of the periods). */
function toInput(p: ChargingProfile): ProfileInput {
  return profileInput(p.chargingProfileId, PURPOSE[p.chargingProfilePurpose], p, p.chargingSchedule);
}

/**
 * Checks a SetChargingProfile's (or a RemoteStartTransaction's, `forRemoteStart`) profile for a
 * connector and parses it, received at `now`; a string says why it is Rejected (§5.16).
 */
export function parseProfile(
  connectorId: number,
  p: ChargingProfile,
  view: ChargePointView,
  limits: ProfileLimits,
  now: number,
  forRemoteStart = false,
): InstalledProfile | string {
  return checkProfile(connectorId, toInput(p), view, limits, now, forRemoteStart, LIMIT_NAMES);
}

/** ClearChargingProfile (§5.5): see clearMatching. Returns how many profiles went. */
export function clearProfiles(list: InstalledProfile[], req: ClearChargingProfileRequest): number {
  const { id, connectorId, chargingProfilePurpose, stackLevel } = req;
  return clearMatching(list, { id, connectorId, purpose: chargingProfilePurpose === undefined ? undefined : PURPOSE[chargingProfilePurpose], stackLevel });
}

/** ChargingScheduleAllowedChargingRateUnit ("Current,Power") as rate units. */
export function allowedUnits(csl: string): Set<RateUnit> {
  const out = new Set<RateUnit>();
  for (const item of csl.split(',')) {
    const v = item.trim();
    if (v === 'Current') out.add('A');
    else if (v === 'Power') out.add('W');
  }
  return out;
}

/** The Smart Charging configuration keys that bound SetChargingProfile (§9.4). */
export function profileLimits(st: Station): ProfileLimits {
  return {
    maxStackLevel: st.configInt('ChargeProfileMaxStackLevel'),
    maxPeriods: st.configInt('ChargingScheduleMaxPeriods'),
    maxInstalled: st.configInt('MaxChargingProfilesInstalled'),
    allowedUnits: allowedUnits(st.getConfig('ChargingScheduleAllowedChargingRateUnit') ?? ''),
  };
}
