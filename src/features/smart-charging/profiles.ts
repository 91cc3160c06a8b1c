/**
 * The charging profiles a charge point holds, in a version-neutral shape, with the rules both OCPP
 * versions share: validation (1.6 §3.13, §5.16, §7.8, §7.13–14; 2.0.1 K01), replacement on install
 * (1.6 §5.16, 2.0.1 K01), clearing by criteria (1.6 §5.5, 2.0.1 K10) and the end of a
 * transaction taking its TxProfiles with it (1.6 §3.13.2, 2.0.1 K01). Pure: it sees the charge
 * point only through {@link ChargePointView}, so it is tested without a station. Each version maps its
 * SetChargingProfile payload into a {@link ProfileInput} (ocpp16/smart-charging/profiles.ts).
 */
import { Interner } from '../../util/intern.js';
import { withItem } from '../../util/exact-array.js';

/**
 * What a profile limits, named for what it is: the charge point as a whole (1.6 ChargePointMaxProfile,
 * 2.0.1 ChargingStationMaxProfile), every transaction by default (TxDefaultProfile), one transaction
 * (TxProfile), or a limit from outside the OCPP link (2.0.1 ChargingStationExternalConstraints: an
 * EMS, a grid operator; set by the station itself, never by the CSMS). Each version keeps a map from
 * its own words.
 */
export type Purpose = 'StationMax' | 'TxDefault' | 'Tx' | 'External';
export type RateUnit = 'A' | 'W';
export type ProfileKind = 'Absolute' | 'Recurring' | 'Relative';
/** A transaction as the CSMS names it: 1.6 an integer, 2.0.1 a string. Compared, never computed with. */
export type TransactionRef = number | string;

/** One period as the CSMS sends it (the same fields in 1.6 §7.14 and 2.0.1 ChargingSchedulePeriodType). */
export interface PeriodInput {
  startPeriod: number;
  limit: number;
  numberPhases?: number;
}

/** A profile as the CSMS sends it, in neutral words: what each version's SetChargingProfile maps into. */
export interface ProfileInput {
  id: number;
  stackLevel: number;
  purpose: Purpose;
  kind: ProfileKind;
  recurrency?: 'Daily' | 'Weekly';
  validFrom?: string;
  validTo?: string;
  transactionId?: TransactionRef;
  schedule: {
    startSchedule?: string;
    duration?: number;
    unit: RateUnit;
    periods: readonly PeriodInput[];
    minChargingRate?: number;
  };
}

/** A version's profile, by the field names 1.6 and 2.0.1 share (the schedule: the one enforced). */
export interface VersionProfile {
  stackLevel: number;
  chargingProfileKind: ProfileKind;
  recurrencyKind?: 'Daily' | 'Weekly';
  validFrom?: string;
  validTo?: string;
  transactionId?: TransactionRef;
}
export interface VersionSchedule {
  startSchedule?: string;
  duration?: number;
  chargingRateUnit: RateUnit;
  chargingSchedulePeriod: readonly PeriodInput[];
  minChargingRate?: number;
}

/** A version's profile in neutral words, its optional fields copied only when present (no copy of the periods). */
export function profileInput(id: number, purpose: Purpose, p: VersionProfile, s: VersionSchedule): ProfileInput {
  const input: ProfileInput = { id, stackLevel: p.stackLevel, purpose, kind: p.chargingProfileKind, schedule: { unit: s.chargingRateUnit, periods: s.chargingSchedulePeriod } };
  if (p.recurrencyKind !== undefined) input.recurrency = p.recurrencyKind;
  if (p.validFrom !== undefined) input.validFrom = p.validFrom;
  if (p.validTo !== undefined) input.validTo = p.validTo;
  if (p.transactionId !== undefined) input.transactionId = p.transactionId;
  if (s.startSchedule !== undefined) input.schedule.startSchedule = s.startSchedule;
  if (s.duration !== undefined) input.schedule.duration = s.duration;
  if (s.minChargingRate !== undefined) input.schedule.minChargingRate = s.minChargingRate;
  return input;
}

/** The names a version gives the limits of {@link ProfileLimits}, for the reasons a profile is Rejected. */
export interface LimitNames {
  maxStackLevel: string;
  maxPeriods: string;
  allowedUnits: string;
}

/** The periods of the schedules this worker's charge points hold, shared by equal schedules. */
const SCHEDULES = new Interner<Period[]>(1024);

const NEUTRAL_NAMES: LimitNames = { maxStackLevel: 'the highest stack level', maxPeriods: 'the most periods', allowedUnits: 'the allowed units' };

/** Two transaction references name the same transaction (1.6 compares integers, 2.0.1 strings). */
function sameTransaction(a: TransactionRef, b: TransactionRef | null): boolean {
  return b !== null && String(a) === String(b);
}

/** One period of an installed schedule: from `startS` seconds after the schedule's start. */
export interface Period {
  readonly startS: number;
  readonly limit: number;
  /** numberPhases as given; null = the default of 3 (§7.14). */
  readonly phases: number | null;
}

/** A profile as installed: the CSMS's fields, times parsed once (ms since the epoch). */
export interface InstalledProfile {
  readonly id: number;
  readonly connectorId: number;
  readonly stackLevel: number;
  readonly purpose: Purpose;
  readonly kind: ProfileKind;
  /** Recurrence period (ms) of a Recurring profile: a day or a week; 0 otherwise. */
  readonly recurrenceMs: number;
  readonly validFrom: number;
  readonly validTo: number;
  /** Absolute / Recurring start; null = relative to the transaction's start. */
  readonly startSchedule: number | null;
  /** Schedule length (ms); Infinity when absent (the last period goes on). */
  readonly durationMs: number;
  readonly unit: RateUnit;
  readonly periods: readonly Period[];
  readonly minChargingRate: number | null;
  /** The transaction a TxProfile belongs to, once known (a RemoteStart profile learns it later). */
  transactionId: TransactionRef | null;
}

/** What the profile rules need to know about the charge point. */
export interface ChargePointView {
  /** Connectors 1…n exist; 0 is the charge point as a whole. */
  readonly connectorCount: number;
  /** The connector's running transaction, or null: its id (null until the CSMS gave one) and start (ms). */
  transaction(connectorId: number): { transactionId: TransactionRef | null; startedAt: number } | null;
}

/** The settings that bound what may be installed (1.6 §9.4 keys, 2.0.1 SmartChargingCtrlr variables). */
export interface ProfileLimits {
  /** The highest stackLevel (1.6 ChargeProfileMaxStackLevel, 2.0.1 ProfileStackLevel). */
  maxStackLevel: number;
  /** Periods per schedule (1.6 ChargingScheduleMaxPeriods, 2.0.1 PeriodsPerSchedule). */
  maxPeriods: number;
  /** Profiles installed at once (1.6 MaxChargingProfilesInstalled, 2.0.1 Entries of ChargingProfiles). */
  maxInstalled: number;
  /** The rate units a schedule may use (1.6 ChargingScheduleAllowedChargingRateUnit, 2.0.1 RateUnit). */
  allowedUnits: ReadonlySet<RateUnit>;
}

const DAY_MS = 86_400_000;

/**
 * Checks a profile for a connector (0: the charge point as a whole; 2.0.1's evseId) and parses it,
 * received at `now`; a string says why it is Rejected, naming the limits with the version's `names`.
 * `forRemoteStart` skips the transaction checks: a remote start's profile belongs to the transaction it
 * starts (1.6 §5.11, 2.0.1 F01).
 */
export function checkProfile(
  connectorId: number,
  p: ProfileInput,
  view: ChargePointView,
  limits: ProfileLimits,
  now: number,
  forRemoteStart = false,
  names: LimitNames = NEUTRAL_NAMES,
): InstalledProfile | string {
  if (!Number.isInteger(connectorId) || connectorId < 0 || connectorId > view.connectorCount) return `no connector ${connectorId}`;
  if (p.stackLevel < 0 || p.stackLevel > limits.maxStackLevel) return `stackLevel ${p.stackLevel} outside 0…${limits.maxStackLevel} (${names.maxStackLevel})`;
  const s = p.schedule;
  if (!limits.allowedUnits.has(s.unit)) return `chargingRateUnit ${s.unit} not allowed (${names.allowedUnits})`;
  const n = s.periods.length;
  if (n === 0) return 'chargingSchedulePeriod is empty';
  if (n > limits.maxPeriods) return `${n} periods, more than ${names.maxPeriods} (${limits.maxPeriods})`;
  let periods: Period[] = [];
  let key = '';
  for (let i = 0; i < n; i++) {
    const { startPeriod, limit, numberPhases } = s.periods[i];
    // Each startPeriod also ends the period before it (1.6 §7.14), so they must increase.
    if (startPeriod < 0 || (i > 0 && startPeriod <= periods[i - 1].startS)) return 'startPeriod values must be ≥ 0 and increasing';
    if (!(limit >= 0)) return `negative limit ${limit}`;
    if (numberPhases !== undefined && (numberPhases < 1 || numberPhases > 3)) return `numberPhases ${numberPhases} is not 1…3`;
    periods.push({ startS: startPeriod, limit, phases: numberPhases ?? null });
    key += `${startPeriod}:${limit}:${numberPhases ?? ''};`;
  }
  // Read-only from here on: charge points sent the same schedule share one copy.
  periods = SCHEDULES.share(key, periods);
  if (s.duration !== undefined && s.duration < 0) return 'negative duration';
  if (s.minChargingRate !== undefined && s.minChargingRate < 0) return 'negative minChargingRate';

  const validFrom = p.validFrom === undefined ? -Infinity : Date.parse(p.validFrom);
  const validTo = p.validTo === undefined ? Infinity : Date.parse(p.validTo);
  if (validTo <= validFrom) return 'validTo is not after validFrom';
  let startSchedule = s.startSchedule === undefined ? null : Date.parse(s.startSchedule);
  const purpose = p.purpose;
  // Without startSchedule a schedule runs from the start of charging (1.6 §7.13); the charge point as
  // a whole has no such moment, so its station-wide maximum runs from when it was received.
  if (p.kind === 'Relative') startSchedule = null;
  if (startSchedule === null && purpose === 'StationMax') startSchedule = now;
  let recurrenceMs = 0;
  if (p.kind === 'Recurring') {
    // A recurring schedule repeats from its startSchedule, daily or weekly (1.6 §7.8, §7.13).
    if (p.recurrency === undefined || s.startSchedule === undefined) return 'a Recurring profile needs recurrencyKind and startSchedule';
    recurrenceMs = p.recurrency === 'Daily' ? DAY_MS : 7 * DAY_MS;
  }

  // transactionId "only valid if ChargingProfilePurpose is set to TxProfile" (1.6 §7.8, 2.0.1 K01).
  if (p.transactionId !== undefined && purpose !== 'Tx') return 'transactionId is only valid in a TxProfile';
  if (purpose === 'StationMax' && connectorId !== 0) return 'a charge point maximum profile can only be set on connector 0';
  if (purpose === 'Tx') {
    if (connectorId === 0) return 'a TxProfile needs a connector';
    if (!forRemoteStart) {
      // Without a transaction on the connector the profile is discarded and Rejected (1.6 §3.13.2, §5.16).
      const tx = view.transaction(connectorId);
      if (!tx) return `no transaction on connector ${connectorId}`;
      if (p.transactionId !== undefined && !sameTransaction(p.transactionId, tx.transactionId)) return `transaction ${p.transactionId} is not the one on connector ${connectorId}`;
    }
  }
  return {
    id: p.id,
    connectorId,
    stackLevel: p.stackLevel,
    purpose,
    kind: p.kind,
    recurrenceMs,
    validFrom,
    validTo,
    startSchedule,
    durationMs: s.duration === undefined ? Infinity : s.duration * 1000,
    unit: s.unit,
    periods,
    minChargingRate: s.minChargingRate ?? null,
    transactionId: purpose === 'Tx' ? (p.transactionId ?? view.transaction(connectorId)?.transactionId ?? null) : null,
  };
}

/**
 * The list with a parsed profile installed: one with the same chargingProfileId, or (`sameLevelReplaces`,
 * 1.6) the same stackLevel and purpose on the same connector, is replaced (1.6 §5.16 "Setting a
 * charging profile during a transaction", 2.0.1 K01.FR.05; 2.0.1 refuses the second instead,
 * K01.FR.06). Null when `maxInstalled` would be exceeded. A new array of exactly the profiles
 * (util/exact-array.ts): a charge point holds one or two.
 */
export function withProfile(list: readonly InstalledProfile[], p: InstalledProfile, limits: ProfileLimits, sameLevelReplaces = true): InstalledProfile[] | null {
  const replaced = (q: InstalledProfile) =>
    q.id === p.id || (sameLevelReplaces && q.stackLevel === p.stackLevel && q.purpose === p.purpose && q.connectorId === p.connectorId);
  const kept = list.filter((q) => !replaced(q));
  if (kept.length + 1 > limits.maxInstalled) return null;
  return withItem(kept, p);
}

/** Which profiles a clear names (1.6 ClearChargingProfile.req, 2.0.1 chargingProfileId + chargingProfileCriteria). */
export interface ClearCriteria {
  id?: number;
  connectorId?: number;
  purpose?: Purpose;
  stackLevel?: number;
}

/**
 * Clears profiles (1.6 §5.5, 2.0.1 K10): an id clears that profile whatever the other criteria say;
 * otherwise every profile matching all the criteria given is cleared (none given: all). Returns how
 * many went.
 */
export function clearMatching(list: InstalledProfile[], c: ClearCriteria): number {
  const matches = (q: InstalledProfile): boolean => {
    if (c.id !== undefined) return q.id === c.id;
    return (
      (c.connectorId === undefined || q.connectorId === c.connectorId) &&
      (c.purpose === undefined || q.purpose === c.purpose) &&
      (c.stackLevel === undefined || q.stackLevel === c.stackLevel)
    );
  };
  const before = list.length;
  for (let i = list.length - 1; i >= 0; i--) if (matches(list[i])) list.splice(i, 1);
  return before - list.length;
}

/** A transaction ended: its TxProfiles go with it (1.6 §3.13.2, 2.0.1 K01). Returns how many were removed. */
export function removeTxProfiles(list: InstalledProfile[], connectorId: number): number {
  const before = list.length;
  for (let i = list.length - 1; i >= 0; i--) if (list[i].purpose === 'Tx' && list[i].connectorId === connectorId) list.splice(i, 1);
  return before - list.length;
}
