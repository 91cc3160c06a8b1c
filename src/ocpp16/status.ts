/**
 * The OCPP 1.6 status transition table (§4.9, the StatusNotification transition table A1…I8): which
 * changes of a connector's status a 1.6 charge point may report.
 */
import type { ConnectorStatus } from '../station/connector.js';

/**
 * Allowed transitions for connectors > 0, from the 1.6 table. Entries absent from a row are marked
 * "–" (impossible) in the specification. Connector 0 only ever reports Available, Unavailable or
 * Faulted (OCPP 1.6 §4.9, "ChargePointStatus" for connectorId 0).
 */
const TRANSITIONS: Readonly<Record<ConnectorStatus, readonly ConnectorStatus[]>> = {
  Available: ['Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Reserved', 'Unavailable', 'Faulted'],
  Preparing: ['Available', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Faulted'],
  Charging: ['Available', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Unavailable', 'Faulted'],
  SuspendedEV: ['Available', 'Charging', 'SuspendedEVSE', 'Finishing', 'Unavailable', 'Faulted'],
  SuspendedEVSE: ['Available', 'Charging', 'SuspendedEV', 'Finishing', 'Unavailable', 'Faulted'],
  Finishing: ['Available', 'Preparing', 'Unavailable', 'Faulted'],
  Reserved: ['Available', 'Preparing', 'Unavailable', 'Faulted'],
  Unavailable: ['Available', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Faulted'],
  Faulted: ['Available', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved', 'Unavailable'],
};

const CONNECTOR_ZERO: readonly ConnectorStatus[] = ['Available', 'Unavailable', 'Faulted'];

/** True when the 1.6 table allows `from → to` on this connector. */
export function canTransition(connectorId: number, from: ConnectorStatus, to: ConnectorStatus): boolean {
  if (connectorId === 0) return CONNECTOR_ZERO.includes(to) && from !== to;
  return TRANSITIONS[from].includes(to);
}
