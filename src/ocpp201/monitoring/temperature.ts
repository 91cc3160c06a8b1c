/**
 * EVSE Temperature (a Measured variable, Celsius): what a real EVSE's sensor reads, computed when read
 * or sampled, never ticked — no state and no timer per charge point.
 * - ambient: 15–25 °C, fixed per charge point and seed (util/random.ts Decision.Ambient);
 * - heating: up to HEATING_AT_RATED °C above ambient in proportion to the power drawn against the
 *   EVSE's rating (steady state: the power electronics and cable warm with the current);
 * - overheating: a connector of the EVSE Faulted with HighTemperature (scenario `fault: {errorCode:
 *   HighTemperature}`) reads OVERHEAT °C above ambient, so a temperature monitor sees it cross.
 */
import type { Station } from '../../station/station.js';
import { decideBetween, Decision } from '../../util/random.js';
import type { VariableDef } from '../device-model/index.js';
import { modelOf } from '../station-model.js';

export const AMBIENT_MIN_C = 15;
export const AMBIENT_MAX_C = 25;
/** Degrees above ambient at the EVSE's rated power. */
export const HEATING_AT_RATED = 25;
/** Degrees above ambient while overheated (a HighTemperature fault). */
export const OVERHEAT = 70;

export function ambientOf(st: Station): number {
  return decideBetween(st.rng, 0, Decision.Ambient, 0, AMBIENT_MIN_C, AMBIENT_MAX_C);
}

/** The EVSE's temperature now, °C to one decimal (undefined: not an EVSE). */
export function evseTemperature(st: Station, def: VariableDef): string | undefined {
  const evse = def.component.component.evse;
  if (def.component.component.name !== 'EVSE' || evse === undefined) return undefined;
  const m = modelOf(st.ctx.profile);
  let watts = 0;
  let overheated = false;
  for (let i = 1; i < st.connectors.length; i++) {
    if (m.evseOf[i] !== evse.id) continue;
    const c = st.connectors[i];
    watts += c.powerW;
    if (c.status === 'Faulted' && c.errorCode === 'HighTemperature') overheated = true;
  }
  const rated = def.component.variables.find((v) => v.variable.name === 'Power')?.characteristics.maxLimit ?? 0;
  const load = rated > 0 ? Math.min(1, Math.max(0, watts / rated)) : 0;
  const t = ambientOf(st) + (overheated ? OVERHEAT : HEATING_AT_RATED * load);
  return (Math.round(t * 10) / 10).toFixed(1);
}
