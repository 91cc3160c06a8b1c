/**
 * Reservation rules of OCPP 1.6 §5.13 over real Connector objects (station/reservation.ts): the
 * ReserveNow answer from the charge point's and connector's state, and which starts a reservation
 * allows, fulfils or refuses.
 */
import { describe, expect, it } from 'vitest';
import { startTransaction } from '../../src/ocpp16/dialect.js';
import { validator16 } from '../../src/ocpp16/schemas.js';
import { Connector, Phase, Transaction } from '../../src/station/connector.js';
import { matches, reservationForStart, reserveAnswer, type Reservation } from '../../src/station/reservation.js';

function connectors(n = 2): Connector[] {
  return Array.from({ length: n + 1 }, (_, i) => new Connector(i, 0));
}

function res(id: number, connectorId: number, idTag: string, parentIdTag?: string): Reservation {
  return { id, connectorId, idTag, parentIdTag, expiresAt: Infinity, alarm: null };
}

describe('ReserveNow answers (§5.13)', () => {
  it('a free connector is Accepted; a faulted, unavailable, busy or reserved one says so', () => {
    const cs = connectors();
    expect(reserveAnswer(cs, [], 1, false)).toBe('Accepted');
    cs[1].status = 'Faulted';
    expect(reserveAnswer(cs, [], 1, false)).toBe('Faulted');
    cs[1].status = 'Unavailable';
    expect(reserveAnswer(cs, [], 1, false)).toBe('Unavailable');
    cs[1].status = 'Available';
    cs[1].operative = false;
    expect(reserveAnswer(cs, [], 1, false)).toBe('Unavailable');
    cs[1].operative = true;
    for (const busy of ['Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing'] as const) {
      cs[1].status = busy;
      expect(reserveAnswer(cs, [], 1, false), busy).toBe('Occupied');
    }
    cs[1].status = 'Available';
    cs[1].phase = Phase.Authorizing; // a driver is presenting a card
    expect(reserveAnswer(cs, [], 1, false)).toBe('Occupied');
    cs[1].phase = Phase.Idle;
    // Reserved already, for the same or another idTag: Occupied.
    expect(reserveAnswer(cs, [res(1, 1, 'A')], 1, false)).toBe('Occupied');
  });

  it('the charge point as a whole comes first: faulted or unavailable connector 0', () => {
    const cs = connectors();
    cs[0].status = 'Faulted';
    expect(reserveAnswer(cs, [], 1, true)).toBe('Faulted');
    cs[0].status = 'Unavailable';
    expect(reserveAnswer(cs, [], 2, true)).toBe('Unavailable');
  });

  it('a connector whose Reserved status belongs to the reservation being replaced can be reserved again', () => {
    const cs = connectors();
    cs[1].status = 'Reserved';
    expect(reserveAnswer(cs, [], 1, false)).toBe('Accepted');
  });

  it('connector 0 needs ReserveConnectorZeroSupported and a free connector beyond those already promised', () => {
    const cs = connectors();
    expect(reserveAnswer(cs, [], 0, false)).toBe('Rejected');
    expect(reserveAnswer(cs, [], 0, true)).toBe('Accepted');
    expect(reserveAnswer(cs, [res(1, 0, 'A')], 0, true)).toBe('Accepted');
    expect(reserveAnswer(cs, [res(1, 0, 'A'), res(2, 0, 'B')], 0, true)).toBe('Occupied');
    cs[1].status = 'Charging';
    expect(reserveAnswer(cs, [res(1, 0, 'A')], 0, true)).toBe('Occupied');
    cs[1].status = 'Faulted';
    cs[2].status = 'Faulted';
    expect(reserveAnswer(cs, [], 0, true)).toBe('Faulted');
    cs[1].status = 'Unavailable';
    cs[2].status = 'Unavailable';
    expect(reserveAnswer(cs, [], 0, true)).toBe('Unavailable');
  });

  it('a connector is not reserved away from under a connector-0 reservation', () => {
    const cs = connectors();
    // Connector 0 is promised to A: one of the two connectors may still go to B, not both.
    expect(reserveAnswer(cs, [res(1, 0, 'A')], 1, true)).toBe('Accepted');
    expect(reserveAnswer(cs, [res(1, 0, 'A'), res(2, 1, 'B')], 2, true)).toBe('Occupied');
    // Being replaced, its own reservation does not count (the caller leaves it out of `items`).
    cs[1].status = 'Reserved';
    expect(reserveAnswer(cs, [res(1, 0, 'A')], 1, true)).toBe('Accepted');
  });

  it('an unknown connector is Rejected', () => {
    expect(reserveAnswer(connectors(), [], 3, true)).toBe('Rejected');
    // A negative id is no connector either (it used to pass for connector 0 and be Accepted).
    expect(reserveAnswer(connectors(), [], -1, true)).toBe('Rejected');
  });
});

describe('starting on reserved connectors', () => {
  it('the reserving idTag or its group (parentIdTag) matches; others do not', () => {
    const r = res(7, 1, 'ALICE', 'FAMILY');
    expect(matches(r, 'ALICE', undefined)).toBe(true);
    expect(matches(r, 'BOB', 'FAMILY')).toBe(true);
    expect(matches(r, 'BOB', undefined)).toBe(false);
    expect(matches(r, 'BOB', 'OTHER')).toBe(false);
    expect(matches(res(8, 1, 'FAMILY'), 'BOB', 'FAMILY')).toBe(true); // the parent reserved it itself
    // §5.13: "the incoming idTag or the parent idTag match the idTag or parent idTag of the reservation".
    expect(matches(r, 'FAMILY', undefined)).toBe(true); // the group's own tag presented
  });

  it('a connector reservation is used by its idTag and refuses any other', () => {
    const cs = connectors();
    const r = res(7, 1, 'ALICE');
    expect(reservationForStart(cs, [r], cs[1], 'ALICE', undefined)).toBe(r);
    expect(reservationForStart(cs, [r], cs[1], 'BOB', undefined)).toBe(false);
    expect(reservationForStart(cs, [r], cs[2], 'BOB', undefined)).toBeNull(); // another connector is free to use
  });

  it('connector-0 reservations: the holder may use any connector; others only while one stays free for it', () => {
    const cs = connectors();
    const r = res(9, 0, 'ALICE');
    expect(reservationForStart(cs, [r], cs[2], 'ALICE', undefined)).toBe(r);
    expect(reservationForStart(cs, [r], cs[1], 'BOB', undefined)).toBeNull(); // connector 2 stays free
    cs[2].status = 'Charging';
    expect(reservationForStart(cs, [r], cs[1], 'BOB', undefined)).toBe(false); // the last free connector is held
    expect(reservationForStart(cs, [r], cs[1], 'ALICE', undefined)).toBe(r);
  });

  it('no reservations: nothing applies', () => {
    const cs = connectors();
    expect(reservationForStart(cs, [], cs[1], 'ANY', undefined)).toBeNull();
  });
});

describe('StartTransaction of a reserved start', () => {
  it('carries the reservationId it ends, and only then; both forms are schema-valid', () => {
    const v = validator16();
    const plain = new Transaction(1, 'ALICE', 0, Date.parse('2026-01-01T12:00:00Z'));
    expect(startTransaction(plain)).not.toHaveProperty('reservationId');
    const reserved = new Transaction(1, 'ALICE', 0, Date.parse('2026-01-01T12:00:00Z'));
    reserved.reservationId = 42;
    expect(startTransaction(reserved)).toMatchObject({ connectorId: 1, idTag: 'ALICE', reservationId: 42 });
    expect(v.request('StartTransaction', startTransaction(plain) as never)).toBeNull();
    expect(v.request('StartTransaction', startTransaction(reserved) as never)).toBeNull();
  });
});
