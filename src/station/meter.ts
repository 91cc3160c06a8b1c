/**
 * The physical model of a charging session. Energy is computed analytically when a sample is due —
 * power × elapsed time — not by ticking every second. Power is the smallest of the connector's
 * limit, the profile's power and what the EV accepts at its state of charge (constant power, then a
 * linear taper above the knee, as a CC-CV battery does). The register never goes backwards.
 */
import type { Connector } from './connector.js';
import type { ConnectorSpec } from './profile.js';

/** State of charge above which the EV starts tapering its power: later for AC, earlier for DC. */
const KNEE_AC = 0.8;
const KNEE_DC = 0.6;
/** Below this fraction of its maximum the EV is "full" for practical purposes and stops drawing. */
const MIN_TAPER = 0.02;

/** The connector's power limit (W) from the hardware alone. */
export function connectorLimitW(spec: ConnectorSpec): number {
  const byCurrent = spec.current === 'AC' ? spec.voltage * spec.maxCurrentA * spec.phases : spec.voltage * spec.maxCurrentA;
  return Math.min(spec.maxPowerW, byCurrent);
}

/**
 * The power limit in force at a connector (W): the hardware's, under whatever smart charging allows
 * (Connector.limitW) and the outlet's share of a power cabinet (Connector.shareW).
 */
export function powerLimitW(c: Connector): number {
  return Math.min(connectorLimitW(c.spec!), c.limitW, c.shareW);
}

/**
 * Splits a cabinet's power among the outlets that want some (`demandW`; returns their allocations):
 * each gets what it asks for, up to an equal share of what the smaller demands left over
 * ("water-filling"), so a tapering EV frees power for the others.
 */
export function splitPower(demandW: number[], cabinetW: number): number[] {
  const order = demandW.map((_, i) => i).sort((a, b) => demandW[a] - demandW[b]);
  let left = cabinetW;
  const out = new Array<number>(demandW.length);
  order.forEach((i, k) => {
    out[i] = Math.min(demandW[i], left / (order.length - k));
    left -= out[i];
  });
  return out;
}

/** What the EV draws at this state of charge (W); 0 when full. */
export function evAcceptanceW(c: Connector, dc: boolean): number {
  const knee = dc ? KNEE_DC : KNEE_AC;
  if (c.soc >= 1) return 0;
  if (c.soc <= knee) return c.evMaxPowerW;
  const taper = (1 - c.soc) / (1 - knee);
  return taper < MIN_TAPER ? 0 : c.evMaxPowerW * taper;
}

/**
 * Brings the connector's register up to `now`: adds power × time since the last update, moves the
 * EV's state of charge, and sets the power for the next interval. `limitW` is the hardware (or,
 * later, smart-charging) limit; `speed` compresses time (--speed: an hour of charging in a minute at 60).
 * Returns the energy added (Wh).
 */
export function advanceMeter(c: Connector, now: number, limitW: number, dc: boolean, speed = 1): number {
  const hours = ((now - c.meterAt) / 3_600_000) * speed;
  c.meterAt = now;
  let added = 0;
  if (hours > 0 && c.powerW > 0) {
    added = c.powerW * hours;
    if (c.evBatteryWh > 0) {
      const room = (1 - c.soc) * c.evBatteryWh;
      if (added > room) added = room;
      c.soc += added / c.evBatteryWh;
    }
    c.energyWh += added;
  }
  c.powerW = Math.min(limitW, evAcceptanceW(c, dc));
  return added;
}

/** Current per phase (A) for a power (W). */
export function currentA(powerW: number, spec: ConnectorSpec): number {
  const phases = spec.current === 'AC' ? spec.phases : 1;
  return powerW / (spec.voltage * phases);
}
