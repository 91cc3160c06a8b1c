/**
 * 2.0.1 reservation rules over real Connector objects (station/reservation.ts): reservations of any
 * EVSE keep an EVSE free, not a connector (H01.FR.07/H01.FR.20), and a connector kept Reserved with an
 * EV plugged in (G01.FR.09) is not free.
 */
import { describe, expect, it } from 'vitest';
import { Connector } from '../../src/station/connector.js';
import { DEFAULT_PROFILE } from '../../src/station/profile.js';
import { connectorAnswer, freePlaces, reservationForStart, reserveAnswer, type Reservation } from '../../src/station/reservation.js';

/** Connector 0 and connectors on the EVSEs given (e.g. [1, 1, 2]: EVSE 1 has two). */
function connectors(evses: number[]): Connector[] {
  return [new Connector(0, 0), ...evses.map((evse, i) => new Connector(i + 1, 0, { ...DEFAULT_PROFILE.connectors[0], evse }))];
}

/** A reservation of any EVSE (2.0.1: evse 0). */
const anyEvse = (id: number, idTag: string): Reservation => ({ id, connectorId: 0, evse: 0, idTag, parentIdTag: undefined, expiresAt: Infinity, alarm: null });

describe('H01.FR.07/20: reservations of any EVSE count EVSEs', () => {
  it('two connectors of one EVSE are one free place; 1.6 counts them as two', () => {
    const cs = connectors([1, 1, 2]);
    expect(freePlaces(cs, [], true)).toBe(2);
    expect(freePlaces(cs, [], false)).toBe(3);
    cs[2].status = 'Charging'; // one connector of EVSE 1 in use: the EVSE is not free
    expect(freePlaces(cs, [], true)).toBe(1);
    cs[2].status = 'Faulted'; // a faulted connector leaves its EVSE's other one usable
    expect(freePlaces(cs, [], true)).toBe(2);
  });

  it('ReserveNow without evseId: Accepted while a free EVSE is left beyond those promised; a start by another token keeps one free', () => {
    const cs = connectors([1, 1, 2]);
    const one = [anyEvse(1, 'ALICE')];
    expect(reserveAnswer(cs, one, 0, true, true)).toBe('Accepted');
    const two = [...one, anyEvse(2, 'BOB')];
    expect(reserveAnswer(cs, two, 0, true, true)).toBe('Occupied');
    // With one promised, a stranger may take EVSE 1 (EVSE 2 stays free) — on either of its connectors.
    expect(reservationForStart(cs, one, cs[1], 'DAVE', undefined)).toBeNull();
    expect(reservationForStart(cs, two, cs[1], 'DAVE', undefined)).toBe(false);
    expect(reservationForStart(cs, two, cs[3], 'BOB', undefined)).toMatchObject({ id: 2 });
  });

  it('G01.FR.09: a Reserved connector with an EV plugged in is not free', () => {
    const cs = connectors([1, 2]);
    cs[1].status = 'Reserved';
    expect(connectorAnswer(cs[1], [])).toBe('Accepted');
    cs[1].evBatteryWh = 60_000; // the cable went in; the status stayed Reserved
    expect(connectorAnswer(cs[1], [])).toBe('Occupied');
  });
});
