/**
 * OCPP 1.6 Reservation profile: ReserveNow (§5.13) and CancelReservation (§5.1). The rules and the
 * reservations' life (expiry, use, faults) are in station/reservation.ts.
 */
import { OcppError } from '../../protocol/errors.js';
import { cancelReservation as cancel, reserve } from '../../station/reservation.js';
import type { Station } from '../../station/station.js';
import type {
  CancelReservationRequest,
  CancelReservationResponse,
  ReserveNowRequest,
  ReserveNowResponse,
} from '../generated/types.gen.js';

/** A model without the Reservation profile does not know these actions (OCPP-J 1.6 §4.2.3 NotSupported). */
function supported(st: Station, action: string): void {
  if (!st.ctx.features.has('Reservation')) throw new OcppError('NotSupported', `${action} is not supported by this charge point (no Reservation profile)`);
}

/**
 * ReserveNow (§5.13): Accepted (the connector turns Reserved until expiryDate), or Faulted,
 * Occupied or Unavailable from the state of the charge point or connector, or Rejected — for
 * connector 0 without ReserveConnectorZeroSupported, an unknown connector, or an expiryDate passed.
 */
export function reserveNow(st: Station, req: ReserveNowRequest, now: number): ReserveNowResponse {
  supported(st, 'ReserveNow');
  return { status: reserve(st, req, now) };
}

/** CancelReservation (§5.1): Accepted when the reservation exists (its connector is Available again), else Rejected. */
export function cancelReservation(st: Station, req: CancelReservationRequest, now: number): CancelReservationResponse {
  supported(st, 'CancelReservation');
  return { status: cancel(st, req.reservationId, now) ? 'Accepted' : 'Rejected' };
}
