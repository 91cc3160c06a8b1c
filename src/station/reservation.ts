/**
 * Reservations (OCPP 1.6 §3.11, §5.13 ReserveNow, §5.1 CancelReservation; 2.0.1 H01–H04): a
 * connector (2.0.1: an EVSE's connectors) — or, with ReserveConnectorZeroSupported / NonEvseSpecific,
 * any connector — held for one idTag (or its group, the parentIdTag / groupIdToken) until expiryDate.
 * A reserved connector shows Reserved; the reservation ends when that idTag starts a transaction
 * (whose start then carries its reservationId), when it expires (back to Available), when it is
 * cancelled, or when its connector or the charge point becomes Faulted or Unavailable; the versions
 * that report an unused end do so through the dialect (2.0.1 ReservationStatusUpdate).
 *
 * The rules over connectors and reservations are pure functions (unit-tested); the Station-facing
 * operations below them keep the state in `st.reservations`, null while nothing is reserved.
 */
import { Setting } from './settings.js';
import { Phase, cableIn, type Connector, type ConnectorStatus } from './connector.js';
import type { Alarm, Station } from './station.js';
import { parentOf } from './authorize-locally.js';

export interface Reservation {
  readonly id: number;
  /** 0 = any connector of the charge point. */
  readonly connectorId: number;
  /**
   * 2.0.1: the EVSE reserved, whose every connector the reservation holds (H01.FR.23), or 0 for any
   * EVSE (whose last free ones then show Reserved, see {@link showSpares}); undefined: it holds
   * `connectorId` alone, and connector 0 shows nothing (1.6).
   */
  readonly evse?: number;
  readonly idTag: string;
  readonly parentIdTag: string | undefined;
  readonly expiresAt: number;
  /** The expiry alarm on the station's wheel entry. */
  alarm: Alarm | null;
}

export interface ReservationState {
  items: Reservation[];
  /** parentIdTags learnt from the CSMS's IdTagInfo while reservations are held (§5.13), by idTag. */
  parents: Map<string, string> | null;
}

export type ReserveStatus = 'Accepted' | 'Faulted' | 'Occupied' | 'Rejected' | 'Unavailable';

/**
 * §5.13: "except when the incoming idTag or the parent idTag match the idTag or parent idTag of the
 * reservation" — any of the four pairs.
 */
export function matches(r: Reservation, idTag: string, parent: string | undefined): boolean {
  if (idTag === r.idTag || idTag === r.parentIdTag) return true;
  if (parent === undefined) return false;
  return parent === r.parentIdTag || parent === r.idTag;
}

/** Whether `r` holds connector `c`: its own connector, or any connector of the EVSE it reserves. */
export function holds(r: Reservation, c: Connector): boolean {
  return r.connectorId > 0 && (r.connectorId === c.id || (r.evse !== undefined && c.spec?.evse === r.evse));
}

/** How one connector would answer a reservation. A Reserved status without a reservation in `items` is the one being replaced. */
export function connectorAnswer(c: Connector, items: readonly Reservation[]): ReserveStatus {
  if (c.status === 'Faulted') return 'Faulted';
  if (!c.operative || c.status === 'Unavailable') return 'Unavailable';
  // In use (a cable in, a driver authorizing, a session) or already reserved, for any idTag: Occupied.
  if (items.some((r) => holds(r, c))) return 'Occupied';
  if (cableIn(c) || c.phase === Phase.Authorizing) return 'Occupied';
  return 'Accepted';
}

/**
 * The free places besides `except`'s, for reservations of any connector / EVSE: free connectors (1.6
 * §5.13 "one connector remains available"), or with `byEvse` free EVSEs (2.0.1 H01.FR.07/H01.FR.20: an
 * EVSE is what is kept available) — an EVSE with a free connector and none in use.
 */
export function freePlaces(connectors: readonly Connector[], items: readonly Reservation[], byEvse: boolean, except?: Connector): number {
  let free = 0;
  if (!byEvse) {
    for (let i = 1; i < connectors.length; i++) if (connectors[i] !== except && connectorAnswer(connectors[i], items) === 'Accepted') free++;
    return free;
  }
  // EVSE ids are small: one pass per EVSE seen, no allocation.
  const skip = except?.spec?.evse;
  for (let i = 1; i < connectors.length; i++) {
    const evse = connectors[i].spec?.evse;
    if (evse === skip || firstOf(connectors, i) !== i) continue;
    let anyFree = false;
    let busy = false;
    for (let j = i; j < connectors.length; j++) {
      if (connectors[j].spec?.evse !== evse) continue;
      const a = connectorAnswer(connectors[j], items);
      if (a === 'Accepted') anyFree = true;
      else if (a === 'Occupied') busy = true;
    }
    if (anyFree && !busy) free++;
  }
  return free;
}

/** The first connector of connector `i`'s EVSE. */
function firstOf(connectors: readonly Connector[], i: number): number {
  const evse = connectors[i].spec?.evse;
  for (let j = 1; j < i; j++) if (connectors[j].spec?.evse === evse) return j;
  return i;
}

/** 2.0.1's reservations (which name their EVSE, 0 for any) count EVSEs; 1.6's count connectors. */
function byEvse(items: readonly Reservation[]): boolean {
  return items.some((r) => r.evse !== undefined);
}

/**
 * The answer to ReserveNow for `connectorId` given the other reservations `items` (§5.13): the
 * charge point's own state first, then the connector's; for connector 0, Accepted only while a free
 * connector is left besides those already promised to other connector-0 reservations.
 */
export function reserveAnswer(connectors: readonly Connector[], items: readonly Reservation[], connectorId: number, zeroSupported: boolean, evses = byEvse(items)): ReserveStatus {
  // No such connector (a negative id would otherwise pass for connector 0): nothing to reserve.
  if (connectorId < 0 || connectorId >= connectors.length || (connectorId === 0 && !zeroSupported)) return 'Rejected';
  const cp = connectors[0];
  if (cp.status === 'Faulted') return 'Faulted';
  if (!cp.operative || cp.status === 'Unavailable') return 'Unavailable';
  const promised = items.reduce((n, r) => (r.connectorId === 0 ? n + 1 : n), 0);
  if (connectorId > 0) {
    const answer = connectorAnswer(connectors[connectorId], items);
    if (answer !== 'Accepted' || promised === 0) return answer;
    // The connector-0 reservations must keep a free connector each (§5.13 "one connector remains
    // available for the reserved idTag"): this one may be taken only if enough others stay free.
    return freePlaces(connectors, items, evses, connectors[connectorId]) >= promised ? 'Accepted' : 'Occupied';
  }
  const free = freePlaces(connectors, items, evses);
  let occupied = 0;
  let faulted = 0;
  for (let i = 1; i < connectors.length; i++) {
    const a = connectorAnswer(connectors[i], items);
    if (a === 'Occupied') occupied++;
    else if (a === 'Faulted') faulted++;
  }
  if (free > promised) return 'Accepted';
  if (occupied > 0 || promised > 0) return 'Occupied';
  return faulted > 0 ? 'Faulted' : 'Unavailable';
}

/**
 * Which reservation a start by `idTag` (group `parent`) on `c` uses: the connector's own, or a
 * connector-0 one held for this idTag; null when none applies and the start may go ahead; false
 * when the charge point must refuse (§5.13 "refuse charging for all incoming idTags on the reserved
 * connector", and connector 0: "one connector remains available for the reserved idTag").
 */
export function reservationForStart(
  connectors: readonly Connector[],
  items: readonly Reservation[],
  c: Connector,
  idTag: string,
  parent: string | undefined,
): Reservation | null | false {
  let anyConnector = 0;
  for (const r of items) {
    if (holds(r, c)) return matches(r, idTag, parent) ? r : false;
    if (r.connectorId === 0) anyConnector++;
  }
  if (anyConnector === 0) return null;
  for (const r of items) if (r.connectorId === 0 && matches(r, idTag, parent)) return r;
  // Someone else may use this connector only if enough others stay free for the connector-0 reservations.
  return freePlaces(connectors, items, byEvse(items), c) >= anyConnector ? null : false;
}

// ---------------------------------------------------------------- the station's reservations

/**
 * ReserveNow (§5.13): a reservation with a known reservationId replaces that one. With `evse` (2.0.1)
 * it holds every connector of that EVSE, `connectorId` being one of them: one in use makes it Occupied.
 */
export function reserve(
  st: Station,
  req: { connectorId: number; evse?: number; expiryDate: string; idTag: string; parentIdTag?: string; reservationId: number },
  now: number,
): ReserveStatus {
  const expiresAt = Date.parse(req.expiryDate);
  if (!(expiresAt > now)) return 'Rejected'; // already expired: nothing to hold
  const items = st.reservations?.items ?? [];
  const old = items.find((r) => r.id === req.reservationId);
  const others = old === undefined ? items : items.filter((r) => r !== old);
  const answer = reserveAnswer(st.connectors, others, req.connectorId, st.settingOn(Setting.ReserveConnectorZero), req.evse !== undefined);
  if (answer !== 'Accepted') return answer;
  const r: Reservation = {
    id: req.reservationId,
    connectorId: req.connectorId,
    idTag: req.idTag,
    parentIdTag: req.parentIdTag,
    expiresAt,
    alarm: null,
    ...(req.evse === undefined ? {} : { evse: req.evse }),
  };
  // An EVSE with one of its other connectors in use cannot be promised (2.0.1 H01: Occupied).
  for (const k of st.connectors) if (k.id !== r.connectorId && holds(r, k) && connectorAnswer(k, others) === 'Occupied') return 'Occupied';
  // A replaced reservation releases its connectors unless the new one holds the same.
  if (old !== undefined) remove(st, old, now, old.connectorId === r.connectorId && old.evse === r.evse ? 'none' : 'all');
  r.alarm = st.later(expiresAt, 'reservation', (s, at) => {
    remove(s, r, at, 'all');
    reportEnded(s, r, 'Expired');
  });
  (st.reservations ??= { items: [], parents: null }).items.push(r);
  if (r.connectorId > 0) st.setStatus(st.connectors[r.connectorId], 'Reserved', now);
  // The EVSE's other connectors that are free show Reserved too (a faulted one stays as it is).
  for (const k of st.connectors) if (k.id !== r.connectorId && holds(r, k) && k.status === 'Available' && k.operative) st.setStatus(k, 'Reserved', now);
  showSpares(st, now, old !== undefined && old.connectorId === 0 && old.evse !== undefined);
  return 'Accepted';
}

/** CancelReservation (§5.1): true when the reservation existed (its connector is Available again). */
export function cancelReservation(st: Station, reservationId: number, now: number): boolean {
  const r = st.reservations?.items.find((x) => x.id === reservationId);
  if (r === undefined) return false;
  remove(st, r, now, 'all');
  return true;
}

/** True when a start by `idTag` on `c` must be refused because of someone else's reservation. */
export function refusesStart(st: Station, c: Connector, idTag: string): boolean {
  const items = st.reservations?.items;
  return items !== undefined && reservationForStart(st.connectors, items, c, idTag, parentOf(st, idTag)) === false;
}

/**
 * True when `idTag` is refused at `c` without asking the CSMS (OCTT TC_046_1_CS: no Authorize.req):
 * a reservation holds it for someone else and what the CSMS could say of the idTag's parent would
 * not change that — §5.13 asks for an Authorize.req only to learn the parent for a reservation
 * that has a parentIdTag.
 */
export function refusedLocally(st: Station, c: Connector, idTag: string): boolean {
  const items = st.reservations?.items;
  if (items === undefined) return false;
  const parent = parentOf(st, idTag);
  if (reservationForStart(st.connectors, items, c, idTag, parent) !== false) return false;
  return parent !== undefined || !items.some((r) => r.parentIdTag !== undefined && (r.connectorId === c.id || r.connectorId === 0));
}

/**
 * A transaction by `idTag` starts on `c`: the reservation it fulfils ends (§5.13 termination (1)) and
 * its id is returned for StartTransaction.reservationId; undefined when none applies.
 */
export function claim(st: Station, c: Connector, idTag: string, now: number): number | undefined {
  const items = st.reservations?.items;
  if (items === undefined) return undefined;
  const r = reservationForStart(st.connectors, items, c, idTag, parentOf(st, idTag));
  if (!r) return undefined;
  remove(st, r, now, c); // the session's own status follows; the EVSE's other connectors are free again
  // 2.0.1 H03 S1 (errata 2025-01): the token came before the cable: consumed, the connector is Available
  // until the cable goes in. With the cable in (G01.FR.09 kept it Reserved) it becomes Occupied at once.
  if (st.ctx.dialect.plugInKeepsReserved && c.status === 'Reserved' && !cableIn(c)) st.setStatus(c, 'Available', now);
  return r.id;
}

/** The idTag holding `c` (a connector-specific reservation), if any: who the arriving driver is. */
export function holderOf(st: Station, c: Connector): string | undefined {
  return st.reservations?.items.find((r) => holds(r, c))?.idTag;
}

/**
 * The status an idle, operative connector shows: Reserved while held for someone — or kept free for
 * reservations of any EVSE, see {@link showSpares} — else Available.
 */
export function idleStatus(st: Station, c: Connector): ConnectorStatus {
  const items = st.reservations?.items;
  if (c.id === 0 || items === undefined) return 'Available';
  if (items.some((r) => holds(r, c))) return 'Reserved';
  return spares(st.connectors, items) !== null && connectorAnswer(c, items) === 'Accepted' ? 'Reserved' : 'Available';
}

/** Reservations of any EVSE that show it (2.0.1), and whether the free connectors left are all needed for them. */
function spares(connectors: readonly Connector[], items: readonly Reservation[]): Connector[] | null {
  let promised = 0;
  for (const r of items) if (r.connectorId === 0 && r.evse !== undefined) promised++;
  if (promised === 0) return null;
  if (freePlaces(connectors, items, true) > promised) return null;
  return connectors.filter((k) => k.id > 0 && connectorAnswer(k, items) === 'Accepted');
}

let showing = false;

/**
 * 2.0.1 H01.FR.20 (errata 2025-01): when the EVSEs still free are no more than the reservations of any
 * EVSE, each shows Reserved — and Available again once one more is free. Re-evaluated when a status
 * or a reservation changes; `released`: a reservation of any EVSE has just ended (its Reserved
 * connectors may have to come back even with no reservation left).
 */
function showSpares(st: Station, now: number, released: boolean): void {
  const items = st.reservations?.items ?? [];
  if (showing || (!released && !items.some((r) => r.connectorId === 0 && r.evse !== undefined))) return;
  showing = true;
  try {
    const keptForAny = items.some((r) => r.connectorId === 0 && r.evse !== undefined);
    for (let i = 1; i < st.connectors.length; i++) {
      const k = st.connectors[i];
      // G01.FR.09 kept an EV plugged into a spare Reserved; once no reservation needs it, the cable shows.
      if (k.status === 'Reserved' && k.phase !== Phase.Idle && k.operative && cableIn(k) && !keptForAny && !items.some((r) => holds(r, k))) {
        st.setStatus(k, 'Preparing', now);
        continue;
      }
      if (k.phase !== Phase.Idle || !k.operative || (k.status !== 'Available' && k.status !== 'Reserved')) continue;
      const want = idleStatus(st, k);
      if (k.status !== want) st.setStatus(k, want, now);
    }
  } finally {
    showing = false;
  }
}

/** A connector's status changed while reservations are held (see Station.setStatus). */
export function reservationsSeeStatus(st: Station, c: Connector, status: ConnectorStatus, now: number): void {
  if (status === 'Faulted' || status === 'Unavailable') endOnUnavailable(st, c, now);
  showSpares(st, now, false);
}

/**
 * The connector (or, for connector 0, the charge point) became Faulted or Unavailable: its
 * reservations end (§5.13 termination (3)). A fault does not bring a Reserved status back when it clears.
 */
export function endOnUnavailable(st: Station, c: Connector, now: number): void {
  for (const r of st.reservations?.items.slice() ?? []) {
    if (c.id !== 0 && !holds(r, c)) continue;
    remove(st, r, now, c.id === 0 ? 'none' : c);
    reportEnded(st, r, 'Removed');
  }
  for (const k of c.id === 0 ? st.connectors : [c]) if (k.statusBeforeFault === 'Reserved') k.statusBeforeFault = 'Available';
}

/** A reservation ended unused: the versions that report it do (2.0.1 H04 ReservationStatusUpdate). */
function reportEnded(st: Station, r: Reservation, how: 'Expired' | 'Removed'): void {
  const report = st.ctx.dialect.reservationEnded;
  if (report !== undefined) st.enqueue(report(st, r.id, how));
}

/**
 * Drops a reservation; `release` puts its still Reserved connectors back to Available (and reports
 * them): 'all', 'none', or all but one connector whose own status follows (a start, a fault).
 */
function remove(st: Station, r: Reservation, now: number, release: 'all' | 'none' | Connector): void {
  const state = st.reservations;
  if (state === null) return;
  const i = state.items.indexOf(r);
  if (i < 0) return;
  state.items.splice(i, 1);
  if (r.alarm !== null) st.cancel(r.alarm);
  r.alarm = null;
  if (state.items.length === 0) st.reservations = null;
  if (release === 'none') return;
  // §5.13: "make the connector available" and "send a status notification" when a reservation expires.
  // An EV plugged in meanwhile (2.0.1 G01.FR.09 kept it Reserved) makes it Occupied now.
  for (const k of st.connectors) if (k !== release && k.status === 'Reserved' && holds(r, k)) st.setStatus(k, cableIn(k) ? 'Preparing' : 'Available', now);
  if (r.connectorId === 0 && r.evse !== undefined) showSpares(st, now, true);
}
