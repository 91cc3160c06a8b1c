/**
 * OCPP 1.6 Smart Charging rules without a station: SetChargingProfile validation and replacement
 * (§5.16), ClearChargingProfile filters (§5.5), stacking and combining into the composite limit
 * (§3.13), and GetCompositeSchedule's periods (§5.7).
 */
import { describe, expect, it } from 'vitest';
import { meterValues } from '../../src/ocpp16/dialect.js';
import { Connector } from '../../src/station/connector.js';
import { DEFAULT_PROFILE, DEFAULT_QUIRKS } from '../../src/station/profile.js';
import { compositeSchedule, limitAt, nextChangeAt, type Electrics, type ScheduleView } from '../../src/features/smart-charging/composite.js';
import { withProfile, removeTxProfiles, type ChargePointView, type InstalledProfile, type ProfileLimits } from '../../src/features/smart-charging/profiles.js';
import { allowedUnits, clearProfiles, parseProfile, type ChargingProfile } from '../../src/ocpp16/smart-charging/profiles.js';

const T0 = Date.parse('2026-01-05T10:00:00.000Z');
const S = 1000;
const AC3: Electrics = { voltage: 230, phases: 3, dc: false };
const DC: Electrics = { voltage: 400, phases: 1, dc: true };
const LIMITS: ProfileLimits = { maxStackLevel: 10, maxPeriods: 5, maxInstalled: 4, allowedUnits: allowedUnits('Current,Power') };

/** Two connectors; connector 1 has transaction 42 started at T0. */
function cp(tx: Record<number, { transactionId: number | null; startedAt: number }> = { 1: { transactionId: 42, startedAt: T0 } }): ChargePointView {
  return { connectorCount: 2, transaction: (id) => tx[id] ?? null };
}

function profile(over: Partial<ChargingProfile> & { periods?: [number, number, number?][]; unit?: 'A' | 'W'; duration?: number; startSchedule?: string } = {}): ChargingProfile {
  const { periods = [[0, 16]], unit = 'A', duration, startSchedule, ...rest } = over;
  const chargingSchedule: ChargingProfile['chargingSchedule'] = {
    chargingRateUnit: unit,
    chargingSchedulePeriod: periods.map(([startPeriod, limit, numberPhases]) => (numberPhases === undefined ? { startPeriod, limit } : { startPeriod, limit, numberPhases })),
  };
  if (duration !== undefined) chargingSchedule.duration = duration;
  if (startSchedule !== undefined) chargingSchedule.startSchedule = startSchedule;
  return { chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule, ...rest };
}

function parsed(connectorId: number, p: ChargingProfile, view = cp()): InstalledProfile {
  const r = parseProfile(connectorId, p, view, LIMITS, T0);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

function scheduleView(profiles: InstalledProfile[], txStarts: Record<number, number> = { 1: T0 }, sharing = 1, e: Electrics = AC3): ScheduleView {
  return { profiles, electrics: () => e, txStart: (id) => txStarts[id] ?? null, sharing };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('SetChargingProfile validation (§5.16, §9.4)', () => {
  it('ChargePointMaxProfile only on connector 0; TxDefaultProfile on 0 or a connector', () => {
    const max = profile({ chargingProfilePurpose: 'ChargePointMaxProfile', startSchedule: iso(T0) });
    expect(typeof parseProfile(0, max, cp(), LIMITS, T0)).toBe('object');
    expect(parseProfile(1, max, cp(), LIMITS, T0)).toMatch(/connector 0/);
    expect(typeof parseProfile(0, profile(), cp(), LIMITS, T0)).toBe('object');
    expect(typeof parseProfile(2, profile(), cp(), LIMITS, T0)).toBe('object');
    expect(parseProfile(3, profile(), cp(), LIMITS, T0)).toMatch(/no connector 3/);
  });

  it('TxProfile only on a connector with a running transaction, and only for that transaction', () => {
    const tx = (transactionId?: number) => profile({ chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', ...(transactionId === undefined ? {} : { transactionId }) });
    expect(parsed(1, tx()).transactionId).toBe(42);
    expect(parsed(1, tx(42)).transactionId).toBe(42);
    expect(parseProfile(1, tx(41), cp(), LIMITS, T0)).toMatch(/not the one/);
    expect(parseProfile(2, tx(), cp(), LIMITS, T0)).toMatch(/no transaction on connector 2/);
    expect(parseProfile(0, tx(), cp(), LIMITS, T0)).toMatch(/needs a connector/);
    // A transaction whose StartTransaction is not yet confirmed has no id the CSMS could name.
    expect(parseProfile(1, tx(42), cp({ 1: { transactionId: null, startedAt: T0 } }), LIMITS, T0)).toMatch(/not the one/);
    // RemoteStartTransaction's profile belongs to the transaction it is about to start.
    expect(typeof parseProfile(2, tx(), cp(), LIMITS, T0, true)).toBe('object');
    // transactionId is only valid in a TxProfile (§7.8).
    expect(parseProfile(1, profile({ transactionId: 42 }), cp(), LIMITS, T0)).toMatch(/only valid in a TxProfile/);
  });

  it('enforces ChargeProfileMaxStackLevel, ChargingScheduleMaxPeriods and ChargingScheduleAllowedChargingRateUnit', () => {
    expect(typeof parseProfile(1, profile({ stackLevel: 10 }), cp(), LIMITS, T0)).toBe('object');
    expect(parseProfile(1, profile({ stackLevel: 11 }), cp(), LIMITS, T0)).toMatch(/ChargeProfileMaxStackLevel/);
    expect(parseProfile(1, profile({ stackLevel: -1 }), cp(), LIMITS, T0)).toMatch(/stackLevel/);
    const six: [number, number][] = [[0, 6], [60, 7], [120, 8], [180, 9], [240, 10], [300, 11]];
    expect(parseProfile(1, profile({ periods: six }), cp(), LIMITS, T0)).toMatch(/ChargingScheduleMaxPeriods/);
    expect(typeof parseProfile(1, profile({ periods: six.slice(0, 5) }), cp(), LIMITS, T0)).toBe('object');
    const currentOnly = { ...LIMITS, allowedUnits: allowedUnits('Current') };
    expect(parseProfile(1, profile({ unit: 'W', periods: [[0, 4000]] }), cp(), currentOnly, T0)).toMatch(/ChargingScheduleAllowedChargingRateUnit/);
    expect(typeof parseProfile(1, profile({ unit: 'A' }), cp(), currentOnly, T0)).toBe('object');
  });

  it('rejects malformed schedules', () => {
    expect(parseProfile(1, profile({ periods: [] }), cp(), LIMITS, T0)).toMatch(/empty/);
    expect(parseProfile(1, profile({ periods: [[0, 10], [0, 12]] }), cp(), LIMITS, T0)).toMatch(/increasing/);
    expect(parseProfile(1, profile({ periods: [[0, -1]] }), cp(), LIMITS, T0)).toMatch(/negative limit/);
    expect(parseProfile(1, profile({ periods: [[0, 10, 4]] }), cp(), LIMITS, T0)).toMatch(/numberPhases/);
    expect(parseProfile(1, profile({ chargingProfileKind: 'Recurring' }), cp(), LIMITS, T0)).toMatch(/recurrencyKind and startSchedule/);
    expect(parseProfile(1, profile({ validFrom: iso(T0), validTo: iso(T0) }), cp(), LIMITS, T0)).toMatch(/validTo/);
  });

  it('replaces a profile with the same id, or the same stackLevel and purpose on the same connector', () => {
    let list: InstalledProfile[] = [];
    /** Installs into `list` as the station does (withProfile's new list replaces it); false when refused. */
    const installProfile = (l: InstalledProfile[], p: InstalledProfile, limits: ProfileLimits, sameLevel?: boolean): boolean => {
      const next = withProfile(l, p, limits, sameLevel);
      if (next !== null) list = next;
      return next !== null;
    };
    expect(installProfile(list, parsed(1, profile({ chargingProfileId: 1, stackLevel: 0 })), LIMITS)).toBe(true);
    expect(installProfile(list, parsed(2, profile({ chargingProfileId: 2, stackLevel: 0 })), LIMITS)).toBe(true); // other connector: added
    expect(installProfile(list, parsed(1, profile({ chargingProfileId: 3, stackLevel: 0, periods: [[0, 10]] })), LIMITS)).toBe(true); // replaces 1
    expect(list.map((p) => p.id)).toEqual([2, 3]);
    expect(installProfile(list, parsed(1, profile({ chargingProfileId: 2, stackLevel: 5 })), LIMITS)).toBe(true); // same id: replaces 2
    expect(list.map((p) => [p.id, p.connectorId, p.stackLevel])).toEqual([
      [3, 1, 0],
      [2, 1, 5],
    ]);
  });

  it('enforces MaxChargingProfilesInstalled, counting what a new profile replaces', () => {
    let list: InstalledProfile[] = [];
    /** Installs into `list` as the station does (withProfile's new list replaces it); false when refused. */
    const installProfile = (l: InstalledProfile[], p: InstalledProfile, limits: ProfileLimits, sameLevel?: boolean): boolean => {
      const next = withProfile(l, p, limits, sameLevel);
      if (next !== null) list = next;
      return next !== null;
    };
    for (let i = 1; i <= 4; i++) expect(installProfile(list, parsed(1, profile({ chargingProfileId: i, stackLevel: i })), LIMITS)).toBe(true);
    expect(installProfile(list, parsed(1, profile({ chargingProfileId: 5, stackLevel: 5 })), LIMITS)).toBe(false);
    expect(list).toHaveLength(4);
    expect(installProfile(list, parsed(1, profile({ chargingProfileId: 9, stackLevel: 4 })), LIMITS)).toBe(true); // replaces stackLevel 4
    expect(list.map((p) => p.id)).toEqual([1, 2, 3, 9]);
  });
});

describe('ClearChargingProfile (§5.5)', () => {
  function four(): InstalledProfile[] {
    const view = cp({ 1: { transactionId: 42, startedAt: T0 }, 2: { transactionId: 43, startedAt: T0 } });
    return [
      parsed(0, profile({ chargingProfileId: 1, chargingProfilePurpose: 'ChargePointMaxProfile', startSchedule: iso(T0) }), view),
      parsed(0, profile({ chargingProfileId: 2, stackLevel: 1 }), view),
      parsed(1, profile({ chargingProfileId: 3, stackLevel: 1, chargingProfilePurpose: 'TxProfile' }), view),
      parsed(2, profile({ chargingProfileId: 4, stackLevel: 2, chargingProfilePurpose: 'TxProfile' }), view),
    ];
  }
  const ids = (l: InstalledProfile[]) => l.map((p) => p.id);

  it('by id (other criteria ignored), connector, purpose, stackLevel, or all', () => {
    let l = four();
    expect(clearProfiles(l, { id: 3, connectorId: 2 })).toBe(1);
    expect(ids(l)).toEqual([1, 2, 4]);
    expect(clearProfiles(l, { id: 99 })).toBe(0);
    l = four();
    expect(clearProfiles(l, { connectorId: 0 })).toBe(2);
    expect(ids(l)).toEqual([3, 4]);
    l = four();
    expect(clearProfiles(l, { chargingProfilePurpose: 'TxProfile', stackLevel: 2 })).toBe(1);
    expect(ids(l)).toEqual([1, 2, 3]);
    l = four();
    expect(clearProfiles(l, { stackLevel: 1 })).toBe(2);
    expect(clearProfiles(l, { connectorId: 1 })).toBe(0);
    l = four();
    expect(clearProfiles(l, {})).toBe(4);
  });

  it('a transaction that ends takes its TxProfiles with it (§3.13.2)', () => {
    const l = four();
    expect(removeTxProfiles(l, 1)).toBe(1);
    expect(ids(l)).toEqual([1, 2, 4]);
  });
});

describe('composite limit (§3.13.4, §3.13.5)', () => {
  it('is Infinity without profiles, and converts A to W with the voltage and phases', () => {
    expect(limitAt(scheduleView([]), 1, T0)).toBe(Infinity);
    expect(nextChangeAt(scheduleView([]), 1, T0)).toBe(Infinity);
    const tx = parsed(1, profile({ chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', periods: [[0, 6]] }));
    expect(limitAt(scheduleView([tx]), 1, T0 + 5 * S)).toBe(6 * 230 * 3);
    const onePhase = parsed(1, profile({ chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', periods: [[0, 16, 1]] }));
    expect(limitAt(scheduleView([onePhase]), 1, T0)).toBe(16 * 230);
    expect(limitAt(scheduleView([tx], { 1: T0 }, 1, DC), 1, T0)).toBe(6 * 400);
    const watts = parsed(1, profile({ chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', unit: 'W', periods: [[0, 7400]] }));
    expect(limitAt(scheduleView([watts]), 1, T0)).toBe(7400);
  });

  it('follows an Absolute schedule period by period, within its duration', () => {
    const p = parsed(1, profile({ startSchedule: iso(T0), periods: [[0, 10], [600, 20]], duration: 1800 }));
    const v = scheduleView([p]);
    expect(limitAt(v, 1, T0 - 1)).toBe(Infinity);
    expect(nextChangeAt(v, 1, T0 - 1)).toBe(T0);
    expect(limitAt(v, 1, T0)).toBe(10 * 690);
    expect(nextChangeAt(v, 1, T0)).toBe(T0 + 600 * S);
    expect(limitAt(v, 1, T0 + 600 * S)).toBe(20 * 690);
    expect(nextChangeAt(v, 1, T0 + 600 * S)).toBe(T0 + 1800 * S);
    expect(limitAt(v, 1, T0 + 1800 * S)).toBe(Infinity);
    expect(nextChangeAt(v, 1, T0 + 1800 * S)).toBe(Infinity);
  });

  it('runs a Relative profile from the transaction start, and not without a transaction', () => {
    const p = parsed(0, profile({ chargingProfileKind: 'Relative', periods: [[0, 8], [3600, 32]] }));
    const v = scheduleView([p], { 1: T0 });
    expect(limitAt(v, 1, T0 + 10 * S)).toBe(8 * 690);
    expect(limitAt(v, 1, T0 + 3600 * S)).toBe(32 * 690);
    expect(limitAt(v, 2, T0 + 10 * S)).toBe(Infinity); // connector 2 has no transaction
  });

  it('repeats a Recurring Daily schedule from its startSchedule', () => {
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const p = parsed(0, profile({ chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', startSchedule: iso(start), periods: [[0, 6], [8 * 3600, 32]] }));
    const v = scheduleView([p]);
    const day5 = start + 4 * 86_400 * S;
    expect(limitAt(v, 1, day5 + 3600 * S)).toBe(6 * 690);
    expect(limitAt(v, 1, day5 + 9 * 3600 * S)).toBe(32 * 690);
    expect(nextChangeAt(v, 1, day5 + 9 * 3600 * S)).toBe(day5 + 86_400 * S);
    expect(limitAt(v, 1, start - 1)).toBe(Infinity);
    const weekly = parsed(0, profile({ chargingProfileKind: 'Recurring', recurrencyKind: 'Weekly', startSchedule: iso(start), periods: [[0, 10]], duration: 86_400 }));
    const w = scheduleView([weekly]);
    expect(limitAt(w, 1, start + 7 * 86_400 * S + 5 * S)).toBe(10 * 690);
    expect(limitAt(w, 1, start + 8 * 86_400 * S + 5 * S)).toBe(Infinity);
    expect(nextChangeAt(w, 1, start + 8 * 86_400 * S)).toBe(start + 14 * 86_400 * S);
  });

  it('a ChargePointMaxProfile without startSchedule runs from its receipt; a TxDefaultProfile from the transaction start', () => {
    const max = parseProfile(0, profile({ chargingProfilePurpose: 'ChargePointMaxProfile', periods: [[0, 10], [60, 20]] }), cp(), LIMITS, T0 + 500 * S) as InstalledProfile;
    expect(limitAt(scheduleView([max], {}), 0, T0 + 500 * S)).toBe(6900);
    expect(limitAt(scheduleView([max], {}), 2, T0 + 560 * S)).toBe(20 * 690);
    const def = parsed(0, profile({ periods: [[0, 10], [60, 20]] }));
    expect(limitAt(scheduleView([def], { 1: T0 + 500 * S }), 1, T0 + 560 * S)).toBe(20 * 690);
    expect(limitAt(scheduleView([def], {}), 1, T0 + 560 * S)).toBe(Infinity);
  });

  it('honours validFrom and validTo', () => {
    const p = parsed(1, profile({ validFrom: iso(T0 + 60 * S), validTo: iso(T0 + 120 * S), startSchedule: iso(T0), periods: [[0, 10]] }));
    const v = scheduleView([p]);
    expect(limitAt(v, 1, T0)).toBe(Infinity);
    expect(nextChangeAt(v, 1, T0)).toBe(T0 + 60 * S);
    expect(limitAt(v, 1, T0 + 60 * S)).toBe(6900);
    expect(nextChangeAt(v, 1, T0 + 60 * S)).toBe(T0 + 120 * S);
    expect(limitAt(v, 1, T0 + 120 * S)).toBe(Infinity);
  });

  it('the highest stackLevel in force wins within a purpose; a lower one applies where it is not', () => {
    const low = parsed(1, profile({ chargingProfileId: 1, stackLevel: 0, startSchedule: iso(T0), periods: [[0, 20]] }));
    const high = parsed(1, profile({ chargingProfileId: 2, stackLevel: 3, startSchedule: iso(T0), periods: [[0, 10]], duration: 600 }));
    const v = scheduleView([high, low]);
    expect(limitAt(v, 1, T0 + 10 * S)).toBe(10 * 690);
    expect(limitAt(v, 1, T0 + 600 * S)).toBe(20 * 690);
    // A higher stackLevel may also raise the limit: it is precedence, not a minimum.
    const raise = parsed(1, profile({ chargingProfileId: 3, stackLevel: 5, startSchedule: iso(T0), periods: [[0, 30]] }));
    expect(limitAt(scheduleView([low, raise]), 1, T0)).toBe(30 * 690);
  });

  it('TxProfile overrules TxDefaultProfile; ChargePointMaxProfile caps both, split between charging connectors', () => {
    const def0 = parsed(0, profile({ chargingProfileId: 1, startSchedule: iso(T0), periods: [[0, 20]] }));
    const def1 = parsed(1, profile({ chargingProfileId: 2, startSchedule: iso(T0), periods: [[0, 12]] }));
    const tx = parsed(1, profile({ chargingProfileId: 3, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', periods: [[0, 25]] }));
    const max = parsed(0, profile({ chargingProfileId: 4, chargingProfilePurpose: 'ChargePointMaxProfile', startSchedule: iso(T0), unit: 'W', periods: [[0, 16_000]] }));
    // Connector-specific default beats connector 0's at the same stackLevel; connector 2 gets connector 0's.
    expect(limitAt(scheduleView([def0, def1]), 1, T0)).toBe(12 * 690);
    expect(limitAt(scheduleView([def0, def1]), 2, T0)).toBe(20 * 690);
    expect(limitAt(scheduleView([def0, def1, tx]), 1, T0)).toBe(25 * 690);
    expect(limitAt(scheduleView([def0, def1, tx, max]), 1, T0)).toBe(16_000);
    expect(limitAt(scheduleView([def0, def1, tx, max], { 1: T0, 2: T0 }, 2), 1, T0)).toBe(8000);
    expect(limitAt(scheduleView([def0, max]), 0, T0)).toBe(16_000);
  });
});

describe('GetCompositeSchedule periods (§5.7)', () => {
  const now = T0 + 100 * S + 300; // not on a whole second
  const tx = () => parsed(1, profile({ chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', periods: [[0, 6], [400, 10], [500, 10.5]] }));
  const max = () => parsed(0, profile({ chargingProfileId: 9, chargingProfilePurpose: 'ChargePointMaxProfile', startSchedule: iso(T0), periods: [[0, 10]] }));

  it('relative to now, min of the layers, merged, capped by the hardware, in A or W', () => {
    const v = scheduleView([tx(), max()]);
    expect(compositeSchedule(v, 1, now, 1000, 'A', 22_080)).toEqual({
      duration: 1000,
      chargingRateUnit: 'A',
      // 10.5 A from 500 s is capped by the 10 A charge point maximum: one period from 300 s on.
      chargingSchedulePeriod: [
        { startPeriod: 0, limit: 6, numberPhases: 3 },
        { startPeriod: 300, limit: 10, numberPhases: 3 },
      ],
    });
    expect(compositeSchedule(v, 1, now, 1000, 'W', 22_080).chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 4140 },
      { startPeriod: 300, limit: 6900 },
    ]);
    // The hardware caps what no profile limits; connector 0 shows the ChargePointMaxProfile.
    expect(compositeSchedule(scheduleView([]), 1, now, 60, 'W', 22_080).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 22_080 }]);
    expect(compositeSchedule(v, 0, now, 60, 'A', 44_160).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 10, numberPhases: 3 }]);
  });

  it('ends the schedule at the requested duration and rounds limits down to 0.1', () => {
    const watts = parsed(1, profile({ chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', unit: 'W', periods: [[0, 11_000], [3600, 5000]] }));
    const r = compositeSchedule(scheduleView([watts]), 1, T0, 600, 'A', 22_080);
    expect(r.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 15.9, numberPhases: 3 }]);
  });

  it('reports a limit in A with the phases of the profile that sets it', () => {
    const oneRow = parsed(0, profile({ chargingProfileId: 9, chargingProfilePurpose: 'ChargePointMaxProfile', startSchedule: iso(T0), periods: [[0, 10, 1]] }));
    // 10 A on one phase stays 10 A × 1 — not the same 2300 W shown as 3.3 A × 3.
    expect(compositeSchedule(scheduleView([oneRow]), 0, now, 60, 'A', 44_160).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 10, numberPhases: 1 }]);
    // Under a 6 A × 3 TxProfile (4140 W) the 2300 W maximum binds; under a 32 A × 1 one (7360 W) the TxProfile does.
    expect(compositeSchedule(scheduleView([oneRow, tx()]), 1, now, 60, 'A', 22_080).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 10, numberPhases: 1 }]);
    const wide = parsed(0, profile({ chargingProfileId: 9, chargingProfilePurpose: 'ChargePointMaxProfile', startSchedule: iso(T0), periods: [[0, 32, 1]] }));
    expect(compositeSchedule(scheduleView([wide, tx()]), 1, now, 60, 'A', 22_080).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 6, numberPhases: 3 }]);
    expect(compositeSchedule(scheduleView([oneRow]), 1, now, 60, 'A', 22_080).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 10, numberPhases: 1 }]);
    expect(compositeSchedule(scheduleView([oneRow]), 1, now, 60, 'W', 22_080).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 2300 }]);
  });

  it('has no period starting at or after the end of the schedule', () => {
    // A boundary 0.3 s before the end would round up to startPeriod = duration.
    const abs = parsed(1, profile({ startSchedule: iso(T0), periods: [[0, 10], [160, 8]] }));
    expect(compositeSchedule(scheduleView([abs]), 1, now, 60, 'A', 22_080).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 10, numberPhases: 3 }]);
    expect(compositeSchedule(scheduleView([abs]), 1, now, 61, 'A', 22_080).chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 10, numberPhases: 3 },
      { startPeriod: 60, limit: 8, numberPhases: 3 },
    ]);
  });

  it('an idle connector shows what a transaction starting now would get from a relative TxDefaultProfile', () => {
    const rel = parsed(0, profile({ chargingProfileKind: 'Relative', periods: [[0, 10], [60, 8]] }));
    // Connector 2 has no transaction: the profile runs from the request.
    expect(compositeSchedule(scheduleView([rel]), 2, now, 600, 'A', 22_080).chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 10, numberPhases: 3 },
      { startPeriod: 60, limit: 8, numberPhases: 3 },
    ]);
    // Connector 1's transaction started at T0, 100.3 s ago: it is in its second period.
    expect(compositeSchedule(scheduleView([rel]), 1, now, 600, 'A', 22_080).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 8, numberPhases: 3 }]);
    // The limit the meter applies is unaffected: no transaction, no limit in force.
    expect(limitAt(scheduleView([rel]), 2, now)).toBe(Infinity);
  });

  it('stays bounded for recurring schedules over a very long duration', () => {
    // 20 daily profiles of 24 hourly periods, all 10 A: 480 boundaries a day that merge into one period.
    const many = { ...LIMITS, maxPeriods: 24, maxInstalled: 20 };
    const profiles = Array.from({ length: 20 }, (_, k) => {
      const periods = Array.from({ length: 24 }, (_, i) => [i * 3600 + k, 10] as [number, number]);
      const p = profile({ chargingProfileId: k, stackLevel: k % 11, chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', startSchedule: iso(T0 + k * S), periods });
      return parseProfile(1, p, cp(), many, T0) as InstalledProfile;
    });
    const started = Date.now();
    // ~63 years asked for: evaluated boundary by boundary this took 17 s, the worker's charge points frozen meanwhile.
    const r = compositeSchedule(scheduleView(profiles), 1, now, 2_000_000_000, 'A', 22_080);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(r.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 10, numberPhases: 3 }]);
  });
});

describe('MeterValues under a limit', () => {
  it('Power.Offered and Current.Offered show the smart-charging limit, the rating without one', () => {
    const spec = DEFAULT_PROFILE.connectors[0];
    const c = new Connector(1, 0, spec);
    const offered = () =>
      meterValues(c, spec, DEFAULT_QUIRKS, ['Power.Offered', 'Current.Offered'], T0, 'Sample.Periodic').meterValue[0].sampledValue.map((v) => v.value);
    expect(offered()).toEqual(['22000', '32']);
    c.limitW = 4140;
    expect(offered()).toEqual(['4140', '6']);
    c.limitW = 0;
    expect(offered()).toEqual(['0', '0']);
  });
});
