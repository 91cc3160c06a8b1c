/**
 * The pure parts of 2.0.1 smart charging: the shared composite with profiles addressed by EVSE (a
 * `site` per connector) and external constraints (K08: the least of the station's maximum and its
 * external limits), installation without 1.6's same-level replacement (K01.FR.05/06), and the
 * scenario steps that drive external limits and ISO 15118 EVs.
 */
import { describe, expect, it } from 'vitest';
import { compositeSchedule, limitAt, type Electrics, type ScheduleView } from '../../src/features/smart-charging/composite.js';
import { withProfile, type InstalledProfile, type ProfileLimits, type Purpose } from '../../src/features/smart-charging/profiles.js';
import { compileScenarioText } from '../../src/scenario/parse.js';
import { Op } from '../../src/scenario/program.js';
import { programForVersion } from '../../src/scenario/version-check.js';

const T0 = Date.parse('2026-01-05T10:00:00.000Z');
const AC3: Electrics = { voltage: 230, phases: 3, dc: false };
const LIMITS: ProfileLimits = { maxStackLevel: 10, maxPeriods: 24, maxInstalled: 4, allowedUnits: new Set(['A', 'W']) };

function profile(id: number, purpose: Purpose, site: number, limit: number, unit: 'A' | 'W' = 'W', stackLevel = 0): InstalledProfile {
  return {
    id,
    connectorId: site,
    stackLevel,
    purpose,
    kind: 'Absolute',
    recurrenceMs: 0,
    validFrom: -Infinity,
    validTo: Infinity,
    startSchedule: T0,
    durationMs: Infinity,
    unit,
    periods: [{ startS: 0, limit, phases: null }],
    minChargingRate: null,
    transactionId: null,
  };
}

/** Three connectors: 1 and 2 on EVSE 1, 3 on EVSE 2; every one charging since T0. */
function view(profiles: InstalledProfile[], sharing = 1): ScheduleView {
  const sites = [0, 1, 1, 2];
  return { profiles, electrics: () => AC3, txStart: (id) => (id > 0 ? T0 : null), sharing, site: (id) => sites[id] };
}

describe('the composite limit by EVSE, with external constraints (K08)', () => {
  it('a profile on an EVSE binds each of its connectors and no other', () => {
    const v = view([profile(1, 'TxDefault', 1, 16, 'A')]);
    expect([limitAt(v, 1, T0), limitAt(v, 2, T0), limitAt(v, 3, T0)]).toEqual([16 * 690, 16 * 690, Infinity]);
  });

  it('an external limit on the station caps it like its maximum profile; the least wins', () => {
    const v = view([profile(1, 'StationMax', 0, 20_000), profile(-1, 'External', 0, 12_000)], 2);
    expect(limitAt(v, 0, T0)).toBe(12_000);
    expect(limitAt(v, 3, T0)).toBe(6000); // split between the two transactions
    v.profiles[1] = profile(-1, 'External', 0, 30_000);
    expect(limitAt(v, 0, T0)).toBe(20_000);
  });

  it('an external limit on an EVSE caps its transaction under its profiles, and shows in the composite schedule', () => {
    const v = view([profile(1, 'TxDefault', 0, 16, 'A'), profile(-2, 'External', 2, 4000)]);
    expect(limitAt(v, 1, T0)).toBe(16 * 690);
    expect(limitAt(v, 3, T0)).toBe(4000);
    expect(compositeSchedule(v, 3, T0, 60, 'W', 22_000).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 4000 }]);
    expect(compositeSchedule(v, 3, T0, 60, 'A', 22_000).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 5.7, numberPhases: 3 }]);
  });
});

describe('installation without same-level replacement (K01.FR.05/06)', () => {
  it('a same id replaces; a same stack level and purpose is kept beside it (the 2.0.1 rules refuse it first)', () => {
    let list: InstalledProfile[] = [];
    /** Installs into `list` as the station does (withProfile's new list replaces it); false when refused. */
    const installProfile = (l: InstalledProfile[], p: InstalledProfile, limits: ProfileLimits, sameLevel?: boolean): boolean => {
      const next = withProfile(l, p, limits, sameLevel);
      if (next !== null) list = next;
      return next !== null;
    };
    expect(installProfile(list, profile(1, 'TxDefault', 1, 10, 'A'), LIMITS, false)).toBe(true);
    expect(installProfile(list, profile(2, 'TxDefault', 1, 12, 'A'), LIMITS, false)).toBe(true);
    expect(list.map((p) => p.id)).toEqual([1, 2]);
    expect(installProfile(list, profile(1, 'TxDefault', 1, 8, 'A'), LIMITS, false)).toBe(true);
    expect(list.map((p) => [p.id, p.periods[0].limit])).toEqual([
      [2, 12],
      [1, 8],
    ]);
    // 1.6 still replaces by stack level and purpose.
    expect(installProfile(list, profile(3, 'TxDefault', 1, 6, 'A'), LIMITS)).toBe(true);
    expect(list.map((p) => p.id)).toEqual([3]);
  });
});

describe('scenario steps: limit and plug iso15118', () => {
  const compile = (steps: string) => compileScenarioText('s.yaml', `description: d\nsteps:\n${steps}`);

  it('compile into their instructions', () => {
    const p = compile('  - plug: {iso15118: {energyKWh: 30, departure: 4h}}\n  - limit: {source: SO, watts: 7000, evse: 2}\n  - limit: {watts: 0}\n  - limit: clear\n');
    expect(p.instrs.map((i) => [i.op, i.iso15118 ?? i.limit])).toEqual([
      [Op.Plug, { energyWh: 30_000, departureMs: 4 * 3_600_000 }],
      [Op.Limit, { source: 'SO', watts: 7000, evse: 2 }],
      [Op.Limit, { source: 'EMS', watts: 0, evse: 0 }],
      [Op.Limit, { source: '', watts: null, evse: -1 }],
    ]);
  });

  it('say what is wrong', () => {
    const issues = (steps: string) => {
      try {
        compile(steps);
        return [];
      } catch (e) {
        return String((e as Error).message).split('\n');
      }
    };
    expect(issues('  - limit: {source: CSO, watts: 1}\n').join()).toContain("'CSO' is not one of EMS, SO, Other");
    expect(issues('  - limit: {source: EMS}\n').join()).toContain("missing required key 'watts'");
    expect(issues('  - limit: {watts: -5}\n').join()).toContain('watts is a number from 0');
    expect(issues('  - limit: {watts: 5, evse: 1.5}\n').join()).toContain('evse is 0 (the station)');
    expect(issues('  - limit: off\n').join()).toContain('limit is a map of source, watts and evse, or clear');
    expect(issues('  - plug: {iso15118: {energyKWh: 0}}\n').join()).toContain('energyKWh is a number above 0');
    expect(issues('  - plug: {iso15118: {energyKWh: 10, departure: 5}}\n').join()).toContain("'5' has no unit");
  });

  it('are OCPP 2.0.1 steps: a 1.6 charge point cannot run them', () => {
    const p = compile('  - plug: {iso15118: {energyKWh: 30}}\n  - limit: {watts: 7000}\n');
    expect(programForVersion(p, '2.0.1').instrs).toHaveLength(2);
    expect(() => programForVersion(p, '1.6')).toThrow(/3:12: steps\[0\]\.plug\.iso15118: this step is told with NotifyEVChargingNeeds, an OCPP 2\.0\.1 message/);
    expect(() => programForVersion(p, '1.6')).toThrow(/4:5: steps\[1\]\.limit: this step is told with NotifyChargingLimit/);
  });
});
