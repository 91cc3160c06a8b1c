/**
 * Reservation (H01 ReserveNow, H02 CancelReservation). The reservations' rules and life — Reserved
 * status, expiry, use by the reserved token or its group, end on Faulted / Unavailable — are the
 * version-neutral ones of station/reservation.ts; a reservation for no EVSE is its "any connector" one.
 * Their unused end is reported by the dialect (H04 ReservationStatusUpdate).
 */
import { tokenOf } from '../../station/id-token.js';
import { cancelReservation as cancel, connectorAnswer, reserve } from '../../station/reservation.js';
import { Setting } from '../../station/settings.js';
import type { Station } from '../../station/station.js';
import { CONNECTOR_TYPES, slotOf } from '../device-model/index.js';
import type { CancelReservationRequest, CancelReservationResponse, ReserveNowRequest, ReserveNowResponse } from '../generated/types.gen.js';
import { modelOf, variable } from '../station-model.js';

/** H01.FR.01: reservations need ReservationCtrlr, Enabled. */
function enabled(st: Station): boolean {
  const { dm } = modelOf(st.ctx.profile);
  return st.ctx.features.has('ReservationCtrlr') && variable(st, slotOf(dm, 'ReservationCtrlr', 'Enabled')) === 'true';
}

function rejected(additionalInfo: string, reasonCode = 'InvalidValue'): ReserveNowResponse {
  return { status: 'Rejected', statusInfo: { reasonCode, additionalInfo } };
}

/** The core's connectors of an EVSE (all EVSEs: undefined) with the connector type asked for (any: undefined). */
function connectorsFor(st: Station, evseId: number | undefined, connectorType: string | undefined): number[] {
  const m = modelOf(st.ctx.profile);
  const specs = st.ctx.profile.connectors;
  const out: number[] = [];
  for (let i = 1; i < m.evseOf.length; i++) {
    if (evseId !== undefined && m.evseOf[i] !== evseId) continue;
    if (connectorType !== undefined && CONNECTOR_TYPES[specs[i - 1].type].type !== connectorType) continue;
    out.push(i);
  }
  return out;
}

/**
 * H01: the EVSE asked for, or — without evseId, when ReservationCtrlr.NonEvseSpecific is true — any
 * EVSE (H01.FR.19: Rejected otherwise); with connectorType, a connector of that type (Rejected when
 * there is none). Accepted makes the EVSE's connectors Reserved until expiryDateTime; Occupied,
 * Faulted, Unavailable follow the EVSE's or station's state; a known id replaces that reservation.
 */
export function reserveNow(st: Station, req: ReserveNowRequest, now: number): ReserveNowResponse {
  if (!enabled(st)) return rejected('reservations are not enabled (ReservationCtrlr.Enabled)', 'UnsupportedRequest');
  if (req.evseId === undefined && !st.settingOn(Setting.ReserveConnectorZero)) return rejected('an evseId is required (ReservationCtrlr.NonEvseSpecific is false)', 'MissingParam');
  const candidates = connectorsFor(st, req.evseId, req.connectorType);
  if (candidates.length === 0) {
    const what = req.connectorType === undefined ? `no EVSE ${req.evseId}` : `no connector of type ${req.connectorType}${req.evseId === undefined ? '' : ` on EVSE ${req.evseId}`}`;
    return rejected(what, req.evseId !== undefined && connectorsFor(st, req.evseId, undefined).length === 0 ? 'UnknownEvse' : 'UnknownConnectorType');
  }
  // No EVSE: any (0). An EVSE: all its connectors (H01.FR.23), answered for the first free one of the
  // type asked for (or the first, whose state then answers).
  const items = st.reservations?.items ?? [];
  const connectorId = req.evseId === undefined ? 0 : (candidates.find((i) => connectorAnswer(st.connectors[i], items) === 'Accepted') ?? candidates[0]);
  const status = reserve(
    st,
    {
      connectorId,
      // 0: any EVSE, whose last free ones then show Reserved (H01.FR.20).
      evse: req.evseId ?? 0,
      expiryDate: req.expiryDateTime,
      idTag: tokenOf(req.idToken.idToken, req.idToken.type),
      // H01.FR.23/24 use the group as 1.6 uses parentIdTag: its value, as the dialect reads groupIdToken.
      parentIdTag: req.groupIdToken?.idToken,
      reservationId: req.id,
    },
    now,
  );
  return { status };
}

/** H02: Accepted when the reservation exists (its EVSE is Available again, H02.FR.03/04), else Rejected. */
export function cancelReservation(st: Station, req: CancelReservationRequest, now: number): CancelReservationResponse {
  if (!enabled(st)) return { status: 'Rejected', statusInfo: { reasonCode: 'UnsupportedRequest', additionalInfo: 'reservations are not enabled' } };
  return { status: cancel(st, req.reservationId, now) ? 'Accepted' : 'Rejected' };
}
