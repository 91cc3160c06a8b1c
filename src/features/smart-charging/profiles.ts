/**
 * The charging profiles a charge point holds (OCPP 1.6 §3.13 Smart Charging), their validation and
 * the install / clear rules of SetChargingProfile (§5.16) and ClearChargingProfile (§5.5). Pure: it
 * sees the charge point only through {@link ChargePointView}, so it is tested without a station.
 */
import type { ClearChargingProfileRequest, SetChargingProfileRequest } from '../../ocpp16/generated/types.gen.js';

export type ChargingProfile = SetChargingProfileRequest['csChargingProfiles'];
export type Purpose = ChargingProfile['chargingProfilePurpose'];
export type RateUnit = 'A' | 'W';

/** One period of an installed schedule: from `startS` seconds after the schedule's start. */
export interface Period {
  startS: number;
  limit: number;
  /** numberPhases as given; null = the default of 3 (§7.14). */
  phases: number | null;
}

/** A profile as installed: the CSMS's fields, times parsed once (ms since the epoch). */
export interface InstalledProfile {
  readonly id: number;
  readonly connectorId: number;
  readonly stackLevel: number;
  readonly purpose: Purpose;
  readonly kind: ChargingProfile['chargingProfileKind'];
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
  transactionId: number | null;
}

/** What the profile rules need to know about the charge point. */
export interface ChargePointView {
  /** Connectors 1…n exist; 0 is the charge point as a whole. */
  readonly connectorCount: number;
  /** The connector's running transaction, or null: its id (null until the CSMS gave one) and start (ms). */
  transaction(connectorId: number): { transactionId: number | null; startedAt: number } | null;
}

/** The Smart Charging configuration keys that bound what may be installed (§9.4). */
export interface ProfileLimits {
  /** ChargeProfileMaxStackLevel. */
  maxStackLevel: number;
  /** ChargingScheduleMaxPeriods. */
  maxPeriods: number;
  /** MaxChargingProfilesInstalled. */
  maxInstalled: number;
  /** ChargingScheduleAllowedChargingRateUnit: Current → A, Power → W. */
  allowedUnits: ReadonlySet<RateUnit>;
}

const DAY_MS = 86_400_000;

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

/**
 * Checks a profile for a connector and parses it, received at `now`; a string says why it is
 * Rejected. `forRemoteStart` skips the transaction checks: a RemoteStartTransaction profile belongs
 * to the transaction it starts.
 */
export function parseProfile(
  connectorId: number,
  p: ChargingProfile,
  view: ChargePointView,
  limits: ProfileLimits,
  now: number,
  forRemoteStart = false,
): InstalledProfile | string {
  if (!Number.isInteger(connectorId) || connectorId < 0 || connectorId > view.connectorCount) return `no connector ${connectorId}`;
  if (p.stackLevel < 0 || p.stackLevel > limits.maxStackLevel) return `stackLevel ${p.stackLevel} outside 0…${limits.maxStackLevel} (ChargeProfileMaxStackLevel)`;
  const s = p.chargingSchedule;
  if (!limits.allowedUnits.has(s.chargingRateUnit)) return `chargingRateUnit ${s.chargingRateUnit} not allowed (ChargingScheduleAllowedChargingRateUnit)`;
  const n = s.chargingSchedulePeriod.length;
  if (n === 0) return 'chargingSchedulePeriod is empty';
  if (n > limits.maxPeriods) return `${n} periods, more than ChargingScheduleMaxPeriods (${limits.maxPeriods})`;
  const periods: Period[] = [];
  for (let i = 0; i < n; i++) {
    const { startPeriod, limit, numberPhases } = s.chargingSchedulePeriod[i];
    // Each startPeriod also ends the period before it (§7.14), so they must increase.
    if (startPeriod < 0 || (i > 0 && startPeriod <= periods[i - 1].startS)) return 'startPeriod values must be ≥ 0 and increasing';
    if (!(limit >= 0)) return `negative limit ${limit}`;
    if (numberPhases !== undefined && (numberPhases < 1 || numberPhases > 3)) return `numberPhases ${numberPhases} is not 1…3`;
    periods.push({ startS: startPeriod, limit, phases: numberPhases ?? null });
  }
  if (s.duration !== undefined && s.duration < 0) return 'negative duration';
  if (s.minChargingRate !== undefined && s.minChargingRate < 0) return 'negative minChargingRate';

  const validFrom = p.validFrom === undefined ? -Infinity : Date.parse(p.validFrom);
  const validTo = p.validTo === undefined ? Infinity : Date.parse(p.validTo);
  if (validTo <= validFrom) return 'validTo is not after validFrom';
  let startSchedule = s.startSchedule === undefined ? null : Date.parse(s.startSchedule);
  const purpose = p.chargingProfilePurpose;
  // Without startSchedule a schedule runs from the start of charging (§7.13); the charge point as a
  // whole has no such moment, so its ChargePointMaxProfile runs from when it was received.
  if (p.chargingProfileKind === 'Relative') startSchedule = null;
  if (startSchedule === null && purpose === 'ChargePointMaxProfile') startSchedule = now;
  let recurrenceMs = 0;
  if (p.chargingProfileKind === 'Recurring') {
    // A recurring schedule repeats from its startSchedule, daily or weekly (§7.8, §7.13).
    if (p.recurrencyKind === undefined || s.startSchedule === undefined) return 'a Recurring profile needs recurrencyKind and startSchedule';
    recurrenceMs = p.recurrencyKind === 'Daily' ? DAY_MS : 7 * DAY_MS;
  }

  // transactionId "only valid if ChargingProfilePurpose is set to TxProfile" (§7.8).
  if (p.transactionId !== undefined && purpose !== 'TxProfile') return 'transactionId is only valid in a TxProfile';
  if (purpose === 'ChargePointMaxProfile' && connectorId !== 0) return 'ChargePointMaxProfile can only be set on connector 0';
  if (purpose === 'TxProfile') {
    if (connectorId === 0) return 'a TxProfile needs a connector';
    if (!forRemoteStart) {
      // Without a transaction on the connector the profile is discarded and Rejected (§3.13.2, §5.16).
      const tx = view.transaction(connectorId);
      if (!tx) return `no transaction on connector ${connectorId}`;
      if (p.transactionId !== undefined && p.transactionId !== tx.transactionId) return `transaction ${p.transactionId} is not the one on connector ${connectorId}`;
    }
  }
  return {
    id: p.chargingProfileId,
    connectorId,
    stackLevel: p.stackLevel,
    purpose,
    kind: p.chargingProfileKind,
    recurrenceMs,
    validFrom,
    validTo,
    startSchedule,
    durationMs: s.duration === undefined ? Infinity : s.duration * 1000,
    unit: s.chargingRateUnit,
    periods,
    minChargingRate: s.minChargingRate ?? null,
    transactionId: purpose === 'TxProfile' ? (p.transactionId ?? view.transaction(connectorId)?.transactionId ?? null) : null,
  };
}

/**
 * Installs a parsed profile: one with the same chargingProfileId, or the same stackLevel and purpose
 * on the same connector, is replaced (§5.16 "Setting a charging profile during a transaction").
 * Returns false, leaving the list as it was, when MaxChargingProfilesInstalled would be exceeded.
 */
export function installProfile(list: InstalledProfile[], p: InstalledProfile, limits: ProfileLimits): boolean {
  const replaced = (q: InstalledProfile) =>
    q.id === p.id || (q.stackLevel === p.stackLevel && q.purpose === p.purpose && q.connectorId === p.connectorId);
  let kept = 0;
  for (const q of list) if (!replaced(q)) kept++;
  if (kept + 1 > limits.maxInstalled) return false;
  for (let i = list.length - 1; i >= 0; i--) if (replaced(list[i])) list.splice(i, 1);
  list.push(p);
  return true;
}

/**
 * ClearChargingProfile (§5.5): an id clears that profile whatever the other fields say; otherwise
 * every profile matching all the criteria given is cleared (none given: all). Returns how many went.
 */
export function clearProfiles(list: InstalledProfile[], req: ClearChargingProfileRequest): number {
  const matches = (q: InstalledProfile): boolean => {
    if (req.id !== undefined) return q.id === req.id;
    return (
      (req.connectorId === undefined || q.connectorId === req.connectorId) &&
      (req.chargingProfilePurpose === undefined || q.purpose === req.chargingProfilePurpose) &&
      (req.stackLevel === undefined || q.stackLevel === req.stackLevel)
    );
  };
  const before = list.length;
  for (let i = list.length - 1; i >= 0; i--) if (matches(list[i])) list.splice(i, 1);
  return before - list.length;
}

/** A transaction ended: its TxProfiles go with it (§3.13.2). Returns how many were removed. */
export function removeTxProfiles(list: InstalledProfile[], connectorId: number): number {
  const before = list.length;
  for (let i = list.length - 1; i >= 0; i--) if (list[i].purpose === 'TxProfile' && list[i].connectorId === connectorId) list.splice(i, 1);
  return before - list.length;
}
