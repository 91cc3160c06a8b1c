/**
 * OCPP 2.0.1's words for smart charging (K01–K10): its ChargingProfileType mapped into the neutral
 * profile of features/smart-charging, addressed by EVSE (the neutral connectorId of a 2.0.1 profile
 * is its evseId, 0 = the station), the rules 2.0.1 adds to the shared ones (K01.FR.03/06/22/31/38–41),
 * and the SmartChargingCtrlr variables that bound what may be installed.
 */
import type { Station } from '../../station/station.js';
import {
  checkProfile,
  profileInput,
  withProfile,
  type ChargePointView,
  type InstalledProfile,
  type LimitNames,
  type ProfileInput,
  type ProfileLimits,
  type Purpose,
  type RateUnit,
  type TransactionRef,
} from '../../features/smart-charging/profiles.js';
import { findVariable, slotOf, type DeviceModel } from '../device-model/index.js';
import type { ChargingLimitSourceEnumType, ChargingProfilePurposeEnumType, ChargingProfileType, StatusInfoType } from '../generated/types.gen.js';
import { memberList } from '../meter-values.js';
import { Interner } from '../../util/intern.js';
import { modelOf, variable } from '../station-model.js';

/** The neutral purpose of each 2.0.1 chargingProfilePurpose. */
export const PURPOSE: Readonly<Record<ChargingProfilePurposeEnumType, Purpose>> = {
  ChargingStationMaxProfile: 'StationMax',
  TxDefaultProfile: 'TxDefault',
  TxProfile: 'Tx',
  ChargingStationExternalConstraints: 'External',
};

/** The SmartChargingCtrlr variables behind ProfileLimits, named in the reason a profile is Rejected. */
const LIMIT_NAMES: LimitNames = {
  maxStackLevel: 'SmartChargingCtrlr.ProfileStackLevel',
  maxPeriods: 'SmartChargingCtrlr.PeriodsPerSchedule',
  allowedUnits: 'SmartChargingCtrlr.RateUnit',
};

/** Where a profile came from: the CSMS's are CSO's; an external limit names its source (K09, K12). */
const sources = new WeakMap<InstalledProfile, ChargingLimitSourceEnumType>();
/** The profile as the CSMS sent it, for GetChargingProfiles (K09): kept beside the parsed one, freed with it. */
const originals = new WeakMap<InstalledProfile, ChargingProfileType>();

export function sourceOf(p: InstalledProfile): ChargingLimitSourceEnumType {
  return sources.get(p) ?? 'CSO';
}

/** The ChargingProfileType of an installed profile: as sent, with the transaction it now belongs to (K05). */
export function originalOf(p: InstalledProfile): ChargingProfileType | undefined {
  const o = originals.get(p);
  if (o !== undefined && p.purpose === 'Tx' && o.transactionId === undefined && p.transactionId !== null) return { ...o, transactionId: String(p.transactionId) };
  return o;
}

/** The profiles as sent, shared by the charge points that were sent the same one (read-only: see originalOf). */
const ORIGINALS = new Interner<ChargingProfileType>(1024);

export function remember(p: InstalledProfile, original: ChargingProfileType, source: ChargingLimitSourceEnumType = 'CSO'): InstalledProfile {
  originals.set(p, ORIGINALS.share(JSON.stringify(original), original));
  if (source !== 'CSO') sources.set(p, source);
  return p;
}

/** A 2.0.1 chargingProfile in neutral words: its first schedule (more than one only for ISO 15118 price levels). */
function toInput(p: ChargingProfileType): ProfileInput {
  return profileInput(p.id, PURPOSE[p.chargingProfilePurpose], p, p.chargingSchedule[0]);
}

/** The charge point by EVSE, as the shared profile rules see it (connector n of the rules = EVSE n). */
export function evseView(st: Station): ChargePointView {
  const m = modelOf(st.ctx.profile);
  let evses = 0;
  for (let i = 1; i < m.evseOf.length; i++) if (m.evseOf[i] > evses) evses = m.evseOf[i];
  return {
    connectorCount: evses,
    transaction(evseId: number): { transactionId: TransactionRef | null; startedAt: number } | null {
      for (let i = 1; i < st.connectors.length; i++) {
        const tx = st.connectors[i].tx;
        if (m.evseOf[i] === evseId && tx !== null && !tx.stopped) return { transactionId: tx.id, startedAt: tx.startedAt };
      }
      return null;
    },
  };
}

/** Why a profile is Rejected: statusInfo's reasonCode (≤ 20 characters) and the rule broken. */
export type Refusal = StatusInfoType;

function refuse(reasonCode: string, additionalInfo: string): Refusal {
  return { reasonCode, additionalInfo: additionalInfo.slice(0, 512) };
}

/**
 * Checks a SetChargingProfile's (or, `forRemoteStart`, a RequestStartTransaction's) profile for an EVSE
 * (0: the station) received at `now`, against the shared rules and 2.0.1's own; a {@link Refusal}
 * says why it is Rejected.
 */
export function parseProfile(
  st: Station,
  evseId: number,
  p: ChargingProfileType,
  installed: readonly InstalledProfile[],
  limits: ProfileLimits,
  now: number,
  forRemoteStart = false,
): InstalledProfile | Refusal {
  const purpose = p.chargingProfilePurpose;
  // K01.FR.22: external constraints are the station's own business, never the CSMS's.
  if (purpose === 'ChargingStationExternalConstraints') return refuse('InvalidValue', 'ChargingStationExternalConstraints cannot be set by the CSMS (K01.FR.22)');
  // K01.FR.38: the station's maximum has no transaction to be relative to.
  if (purpose === 'ChargingStationMaxProfile' && p.chargingProfileKind === 'Relative') return refuse('InvalidValue', 'a ChargingStationMaxProfile cannot be Relative (K01.FR.38)');
  // Every schedule offered (an ISO 15118 EV may pick any: see the handler) follows the rules.
  for (const schedule of p.chargingSchedule) {
    // K01.FR.40/41: Absolute and Recurring schedules start at startSchedule; Relative ones have none.
    if (p.chargingProfileKind !== 'Relative' && schedule.startSchedule === undefined) return refuse('InvalidSchedule', `a ${p.chargingProfileKind} profile needs startSchedule (K01.FR.40)`);
    if (p.chargingProfileKind === 'Relative' && schedule.startSchedule !== undefined) return refuse('InvalidSchedule', 'a Relative profile has no startSchedule (K01.FR.41)');
    // K01.FR.31: the first period starts the schedule.
    if (schedule.chargingSchedulePeriod[0].startPeriod !== 0) return refuse('InvalidSchedule', 'the first startPeriod must be 0 (K01.FR.31)');
  }
  // K01.FR.03: a TxProfile names its transaction (a remote start's has none yet: K05).
  if (purpose === 'TxProfile' && !forRemoteStart && p.transactionId === undefined) return refuse('MissingParam', 'a TxProfile needs a transactionId (K01.FR.03)');
  const view = evseView(st);
  if (evseId > view.connectorCount) return refuse('UnknownEvse', `no EVSE ${evseId}`);
  const parsed = checkProfile(evseId, toInput(p), view, limits, now, forRemoteStart, LIMIT_NAMES);
  if (typeof parsed === 'string') return refuse(purpose === 'TxProfile' && parsed.includes('transaction') ? 'TxNotFound' : 'InvalidProfile', `${parsed} (K01)`);
  // K01.FR.06: another profile of this purpose and stack level on this EVSE, valid at the same time, is
  // refused rather than replaced (K01.FR.39: for TxProfiles, of the same transaction); a same id replaces it (K01.FR.05).
  for (const q of installed) {
    if (q.id === parsed.id || q.purpose !== parsed.purpose || q.stackLevel !== parsed.stackLevel || q.connectorId !== parsed.connectorId) continue;
    if (q.validFrom < parsed.validTo && parsed.validFrom < q.validTo) return refuse('DuplicateProfile', `profile ${q.id} has this stackLevel and purpose on EVSE ${evseId} (K01.FR.06)`);
  }
  return remember(shared(parsed, p), p);
}

/** Installed profiles the CSMS sent many charge points alike, held once per worker. */
const PROFILES = new Interner<InstalledProfile>(1024);

/**
 * The shared copy of `p` when another charge point was sent the same profile for the same EVSE; a
 * TxProfile stays each one's own (it learns its transaction later, K05). Nothing else changes an
 * installed profile.
 */
function shared(p: InstalledProfile, original: ChargingProfileType): InstalledProfile {
  if (p.purpose === 'Tx') return p;
  const fields = [p.id, p.connectorId, p.stackLevel, p.purpose, p.kind, p.recurrenceMs, p.validFrom, p.validTo, p.startSchedule, p.durationMs, p.unit, p.minChargingRate];
  return PROFILES.share(`${fields.join(' ')} ${JSON.stringify(p.periods)} ${JSON.stringify(original)}`, p);
}

/** The list with a parsed profile installed (K01.FR.05: a same id replaces); null when Entries[ChargingProfiles] is full. */
export function install(list: readonly InstalledProfile[], p: InstalledProfile, limits: ProfileLimits): InstalledProfile[] | null {
  return withProfile(list, p, limits, false);
}

/** Where the SmartChargingCtrlr limits live in a model (found once per model). */
interface LimitSlots {
  stackLevel: number;
  periods: number;
  units: number;
  entries: number;
}
const slotCache = new WeakMap<DeviceModel, LimitSlots>();

function limitSlots(dm: DeviceModel): LimitSlots {
  let s = slotCache.get(dm);
  if (s === undefined) {
    const entries = findVariable(dm, 'SmartChargingCtrlr', { name: 'Entries', instance: 'ChargingProfiles' });
    s = {
      stackLevel: slotOf(dm, 'SmartChargingCtrlr', 'ProfileStackLevel'),
      periods: slotOf(dm, 'SmartChargingCtrlr', 'PeriodsPerSchedule'),
      units: slotOf(dm, 'SmartChargingCtrlr', 'RateUnit'),
      entries: entries?.characteristics.maxLimit ?? 20,
    };
    slotCache.set(dm, s);
  }
  return s;
}

function intOr(v: string | undefined, fallback: number): number {
  const n = v === undefined ? NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : fallback;
}

/** The SmartChargingCtrlr variables that bound SetChargingProfile (Referenced Components §2.9). */
export function profileLimits(st: Station): ProfileLimits {
  const s = limitSlots(modelOf(st.ctx.profile).dm);
  const units = new Set<RateUnit>();
  for (const u of memberList(variable(st, s.units) ?? 'A,W')) if (u === 'A' || u === 'W') units.add(u);
  return {
    maxStackLevel: intOr(variable(st, s.stackLevel), 10),
    maxPeriods: intOr(variable(st, s.periods), 24),
    maxInstalled: s.entries,
    allowedUnits: units,
  };
}
