/** The physical session model: connector limits, EV acceptance taper and the energy register. */
import { describe, expect, it } from 'vitest';
import { Connector } from '../../src/station/connector.js';
import { advanceMeter, connectorLimitW, currentA, evAcceptanceW, splitPower } from '../../src/station/meter.js';
import { DEFAULT_PROFILE, type ConnectorSpec } from '../../src/station/profile.js';

const HOUR = 3_600_000;
/** The default profile's connector: Type 2, 3-phase AC, 230 V, 32 A, 22 kW. */
const AC: ConnectorSpec = DEFAULT_PROFILE.connectors[0];
const DC: ConnectorSpec = { ...AC, type: 'CCS2', current: 'DC', phases: 1, voltage: 400, maxCurrentA: 200, maxPowerW: 150_000 };

function ev(soc: number, batteryWh = 60_000, evMaxPowerW = 11_000, registerWh = 0): Connector {
  const c = new Connector(1, registerWh);
  c.soc = soc;
  c.evBatteryWh = batteryWh;
  c.evMaxPowerW = evMaxPowerW;
  return c;
}

describe('connectorLimitW', () => {
  it.each([
    ['AC 3-phase 32 A 230 V, 22 kW cap', AC, 22_000],
    ['AC 3-phase 32 A 230 V, no cap', { ...AC, maxPowerW: 50_000 }, 22_080],
    ['AC 1-phase 32 A 230 V', { ...AC, phases: 1 as const }, 7_360],
    ['AC 3-phase 16 A 230 V', { ...AC, maxCurrentA: 16 }, 11_040],
    ['DC 400 V 200 A, 150 kW cap', DC, 80_000],
    ['DC 800 V 500 A, 150 kW cap', { ...DC, voltage: 800, maxCurrentA: 500 }, 150_000],
    ['DC ignores phases', { ...DC, phases: 3 as const }, 80_000],
  ])('%s → %i W', (_name, spec, watts) => {
    expect(connectorLimitW(spec)).toBe(watts);
  });

  it('each connector of a mixed profile has its own limit', () => {
    const mixed: ConnectorSpec[] = [{ ...DC, voltage: 500, maxCurrentA: 125, maxPowerW: 50_000 }, { ...AC, evse: 2 }];
    expect(mixed.map(connectorLimitW)).toEqual([50_000, 22_000]);
  });
});

describe('currentA', () => {
  it.each([
    ['3-phase AC', AC, 22_080, 32],
    ['1-phase AC', { ...AC, phases: 1 as const }, 2_300, 10],
    ['DC', DC, 50_000, 125],
    ['DC ignores phases', { ...DC, phases: 3 as const }, 50_000, 125],
    ['no power', AC, 0, 0],
  ])('%s: %i W → %i A per phase', (_name, spec, watts, amps) => {
    expect(currentA(watts, spec)).toBeCloseTo(amps, 9);
  });
});

describe('evAcceptanceW', () => {
  it.each([
    // [soc, dc, expected fraction of evMaxPowerW]
    [0, false, 1],
    [0.5, false, 1],
    [0.8, false, 1], // AC knee
    [0.9, false, 0.5],
    [0.95, false, 0.25],
    [0.6, true, 1], // DC knee
    [0.7, true, 0.75],
    [0.8, true, 0.5],
    [0.8, false, 1], // same SoC, AC has not reached its knee
    [0.999, false, 0], // below 2 % of max: practically full
    [0.995, true, 0],
    [1, false, 0],
    [1, true, 0],
  ])('soc %d dc=%s → %d × max', (soc, dc, fraction) => {
    expect(evAcceptanceW(ev(soc, 60_000, 10_000), dc)).toBeCloseTo(10_000 * fraction, 6);
  });

  it('never increases as the EV fills up', () => {
    for (const dc of [false, true]) {
      let last = Infinity;
      for (let soc = 0; soc <= 1.0001; soc += 0.01) {
        const w = evAcceptanceW(ev(soc), dc);
        expect(w).toBeLessThanOrEqual(last);
        expect(w).toBeGreaterThanOrEqual(0);
        last = w;
      }
    }
  });
});

describe('advanceMeter', () => {
  it('sets the power for the next interval without adding energy on the first call', () => {
    const c = ev(0.2);
    c.meterAt = 1_000;
    expect(advanceMeter(c, 1_000, connectorLimitW(AC), false)).toBe(0);
    expect(c.energyWh).toBe(0);
    expect(c.powerW).toBe(11_000); // the EV limits below the 22 kW connector
  });

  it.each([
    ['EV-limited, 1 h', 11_000, 22_000, HOUR, 11_000],
    ['connector-limited, 30 min', 11_000, 7_360, HOUR / 2, 3_680],
    ['EV-limited, 1 min', 11_000, 22_000, 60_000, 11_000 / 60],
  ])('energy = power × time (%s)', (_name, evMax, limit, dt, wh) => {
    const c = ev(0.1, 100_000, evMax, 500);
    advanceMeter(c, 0, limit, false);
    const added = advanceMeter(c, dt, limit, false);
    expect(added).toBeCloseTo(wh, 6);
    expect(c.energyWh).toBeCloseTo(500 + wh, 6);
    expect(c.soc).toBeCloseTo(0.1 + wh / 100_000, 9);
    expect(c.meterAt).toBe(dt);
  });

  it('the register never decreases, even if the clock goes backwards', () => {
    const c = ev(0.2);
    advanceMeter(c, 0, 22_000, false);
    advanceMeter(c, 60_000, 22_000, false);
    const reading = c.energyWh;
    expect(advanceMeter(c, 30_000, 22_000, false)).toBe(0);
    expect(c.energyWh).toBe(reading);
    advanceMeter(c, 30_000, 22_000, false);
    expect(c.energyWh).toBe(reading);
  });

  it.each([false, true])('over a long session (dc=%s) SoC grows to 1 and stops; power tapers to 0', (dc) => {
    const c = ev(0.3, 40_000, 50_000, 1_000);
    const limit = dc ? connectorLimitW(DC) : connectorLimitW(AC);
    advanceMeter(c, 0, limit, dc);
    let lastEnergy = c.energyWh;
    let lastSoc = c.soc;
    let lastPower = c.powerW;
    let charged = 0;
    for (let t = 60_000; t <= 10 * HOUR; t += 60_000) {
      charged += advanceMeter(c, t, limit, dc);
      expect(c.energyWh).toBeGreaterThanOrEqual(lastEnergy);
      expect(c.soc).toBeGreaterThanOrEqual(lastSoc);
      expect(c.soc).toBeLessThanOrEqual(1 + 1e-12);
      expect(c.powerW).toBeLessThanOrEqual(lastPower);
      lastEnergy = c.energyWh;
      lastSoc = c.soc;
      lastPower = c.powerW;
    }
    expect(c.powerW).toBe(0);
    expect(c.soc).toBeGreaterThan(0.99);
    // Energy added is what the battery had room for, no more.
    expect(charged).toBeLessThanOrEqual(0.7 * 40_000 + 1e-6);
    expect(c.energyWh - 1_000).toBeCloseTo(charged, 6);
  });

  it('caps the energy added by the room left in the battery', () => {
    const c = ev(0.5, 10_000, 11_000);
    advanceMeter(c, 0, 22_000, false);
    const added = advanceMeter(c, 2 * HOUR, 22_000, false); // 22 kWh at full power, but only 5 kWh of room
    expect(added).toBeCloseTo(5_000, 6);
    expect(c.soc).toBeCloseTo(1, 12);
    expect(c.powerW).toBe(0);
    expect(advanceMeter(c, 3 * HOUR, 22_000, false)).toBe(0);
  });

  it('without an EV battery (evBatteryWh 0) energy is still counted and SoC is untouched', () => {
    const c = new Connector(1, 0);
    c.powerW = 3_000;
    expect(advanceMeter(c, HOUR, 22_000, false)).toBeCloseTo(3_000, 6);
    expect(c.soc).toBe(0);
    expect(c.powerW).toBe(0); // evMaxPowerW 0: nobody draws afterwards
  });

  it('the limit caps the power for the next interval', () => {
    const c = ev(0.2, 60_000, 50_000);
    advanceMeter(c, 0, 7_000, true);
    expect(c.powerW).toBe(7_000);
    advanceMeter(c, 60_000, 3_000, true);
    expect(c.energyWh).toBeCloseTo(7_000 / 60, 6);
    expect(c.powerW).toBe(3_000);
  });
});

describe('splitPower (a power cabinet shared by its outlets)', () => {
  it('gives each outlet its demand when the cabinet covers them all', () => {
    expect(splitPower([50_000, 60_000], 180_000)).toEqual([50_000, 60_000]);
  });

  it('splits equally between outlets that each want more than half', () => {
    expect(splitPower([150_000, 150_000], 180_000)).toEqual([90_000, 90_000]);
  });

  it('hands what a tapering EV leaves to the others (water-filling), never more than the cabinet', () => {
    const alloc = splitPower([150_000, 30_000, 150_000], 180_000);
    expect(alloc).toEqual([75_000, 30_000, 75_000]);
    expect(alloc.reduce((a, b) => a + b)).toBe(180_000);
  });

  it('an outlet that wants nothing gets nothing', () => {
    expect(splitPower([0, 200_000], 180_000)).toEqual([0, 180_000]);
  });
});
