/**
 * The device model's live variables (those the station knows rather than stores): availability of
 * the station, its EVSEs and connectors, its identity and clock.
 */
import type { Station } from '../station/station.js';
import type { LiveValues, VariableDef } from './device-model/index.js';
import { connectorStatus } from './dialect.js';
import { modelOf } from './station-model.js';
import { certificateEntries } from './handlers/security.js';

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
    case 'ActiveNetworkProfile':
      return String(st.security?.slot ?? 1);
    case 'CertificateEntries':
      return String(certificateEntries(st));
    case 'Entries':
      return def.component.component.name === 'LocalAuthListCtrlr' ? String(st.auth?.list?.size ?? 0) : undefined;
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
