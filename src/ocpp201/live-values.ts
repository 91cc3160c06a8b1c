/**
 * The device model's live variables (those the station knows rather than stores): availability of
 * the station, its EVSEs and connectors, its identity and clock.
 */
import type { Station } from '../station/station.js';
import type { LiveValues, VariableDef } from './device-model/index.js';
import { connectorStatus } from './dialect.js';
import { AUTH_CACHE_ENTRY_BYTES } from './device-model/components.js';
import { tidied } from './display/store.js';
import { modelOf } from './station-model.js';
import { SmartCharging201 } from './smart-charging/state.js';
import { certificateEntries } from './handlers/security.js';
import { runSecurityProfile } from './security/run-profile.js';
import { evseTemperature } from './monitoring/temperature.js';

/** The answer to "what is this variable's Actual value" for one charge point, for one request. */
export function liveValues(st: Station): LiveValues {
  return { liveValue: (def) => liveValue(st, def) };
}

function liveValue(st: Station, def: VariableDef): string | undefined {
  switch (def.variable.name) {
    case 'AvailabilityState':
      return availability(st, def);
    case 'Identity':
      return st.identity.slice(0, 48);
    case 'DateTime':
      return new Date(st.ctx.now()).toISOString();
    case 'FirmwareVersion':
      // After an update (L01), the installed version; until then the profile's (the model's default).
      return st.firmware?.version?.slice(0, 50) ?? undefined;
    case 'Problem':
      return problem(st, def);
    case 'Power':
      return power(st, def);
    case 'Temperature':
      return evseTemperature(st, def);
    case 'DisplayMessages':
      // DisplayMessageCtrlr.DisplayMessages: how many are set now (its maxLimit: how many may be).
      return String(tidied(st, st.ctx.now())?.messages.length ?? 0);
    case 'ActiveNetworkProfile':
      return String(st.security?.slot ?? 1);
    case 'SecurityProfile':
      // Until a network profile switch stores one (security/network.ts): the run's connection's.
      return String(runSecurityProfile(st));
    case 'CertificateEntries':
      return String(certificateEntries(st));
    case 'Entries':
      if (def.component.component.name === 'SmartChargingCtrlr') return String(st.smartCharging instanceof SmartCharging201 ? st.smartCharging.profiles.length : 0);
      return def.component.component.name === 'LocalAuthListCtrlr' ? String(st.auth?.list?.size ?? 0) : undefined;
    case 'Storage':
      return def.component.component.name === 'AuthCacheCtrlr' ? String((st.auth?.cache?.size ?? 0) * AUTH_CACHE_ENTRY_BYTES) : undefined;
    default:
      return undefined;
  }
}

/** Referenced Components §2.13.2: the ChargingStation's, an EVSE's or a connector's state. */
function availability(st: Station, def: VariableDef): string | undefined {
  const evse = def.component.component.evse;
  if (evse === undefined) return st.operativeBlocked() ? 'Unavailable' : 'Available';
  const m = modelOf(st.ctx.profile);
  const states: string[] = [];
  for (let i = 1; i < st.connectors.length; i++) {
    if (m.evseOf[i] !== evse.id || (evse.connectorId !== undefined && m.connectorOf[i] !== evse.connectorId)) continue;
    states.push(connectorStatus(st.connectors[i].status));
  }
  if (states.length === 0) return undefined;
  // An EVSE is as busy as its busiest connector.
  for (const s of ['Faulted', 'Occupied', 'Reserved', 'Unavailable']) if (states.includes(s)) return s;
  return 'Available';
}

/** Whether connector i is the station's (no evse), one of an EVSE's, or the one connector a component names. */
function covers(m: ReturnType<typeof modelOf>, def: VariableDef, i: number): boolean {
  const evse = def.component.component.evse;
  return evse === undefined || (m.evseOf[i] === evse.id && (evse.connectorId === undefined || m.connectorOf[i] === evse.connectorId));
}

/** Problem (appendix variables): a connector is Faulted there. */
function problem(st: Station, def: VariableDef): string {
  const m = modelOf(st.ctx.profile);
  for (let i = 1; i < st.connectors.length; i++) if (covers(m, def, i) && st.connectors[i].status === 'Faulted') return 'true';
  return 'false';
}

/**
 * EVSE Power (Referenced Components §2.13): what its connectors draw now, W. Read on every meter
 * sample while a monitor watches it (N07), so it allocates nothing but its answer.
 */
function power(st: Station, def: VariableDef): string | undefined {
  if (def.component.component.name !== 'EVSE') return undefined;
  const m = modelOf(st.ctx.profile);
  let w = 0;
  for (let i = 1; i < st.connectors.length; i++) if (covers(m, def, i)) w += st.connectors[i].powerW;
  return String(Math.round(w));
}
