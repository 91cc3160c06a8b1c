/**
 * What one 2.0.1 charge point has to show its driver: the display messages the CSMS set (O01–O06) and
 * what the CSMS said about the price of its transactions (I01–I06). Created on first use
 * (Station.display), so charge points whose CSMS uses neither pay one null field.
 *
 * Both lists are bounded. Messages: DisplayMessageCtrlr.DisplayMessages' maxLimit; a new one beyond it
 * is refused (SetDisplayMessage Rejected), a replacement of a stored id always fits (O06). Expired
 * messages — past their endDateTime (O01), or bound to a transaction that has ended (O02) — are dropped
 * when the store is next looked at, never by a timer. Prices: {@link MAX_PRICES} entries, the oldest
 * forgotten first.
 */
import type { MessageContentType, MessageInfoType } from '../generated/types.gen.js';
import { keptItems, puttingItem } from '../../util/exact-array.js';

/** A stored message with its validity window as numbers (ms; ±Infinity when open). */
export interface StoredMessage {
  readonly info: MessageInfoType;
  readonly from: number;
  readonly until: number;
}

/** What the CSMS said about one transaction's price (or, before it has one, about a driver's tariff at a connector). */
export interface PriceNote {
  /** Null while the tariff came with an Authorize answer and no transaction is known yet (I01). */
  transactionId: string | null;
  /** The core's connector number. */
  readonly connectorId: number;
  /** The running total (I02) or, once `final`, the total after Ended (I03); null until the CSMS gives one. */
  totalCost: number | null;
  final: boolean;
  /** The driver's tariff or cost text (I01 personalMessage, I06 updatedPersonalMessage); null when none. */
  personal: MessageContentType | null;
  /** When it last changed (ms). */
  at: number;
}

/**
 * Price notes kept per charge point: a running and a just-ended transaction per connector on any
 * ordinary charger. Beyond that the oldest note goes.
 */
export const MAX_PRICES = 8;

export class DisplayState {
  /**
   * In the order set (a replacement keeps its place), found by id: an array of exactly them
   * (util/exact-array.ts), as a charge point shows a handful; a Map's smallest table is 152 bytes.
   */
  messages: StoredMessage[] = [];
  /** Oldest first. */
  readonly prices: PriceNote[] = [];

  /**
   * Drops what can never be shown again: messages past their end, and those of a transaction that is
   * no longer open (`open` says whether it is).
   */
  purge(now: number, open: (transactionId: string) => boolean): void {
    this.messages = keptItems(this.messages, (m) => m.until > now && (m.info.transactionId === undefined || open(m.info.transactionId)));
  }

  has(id: number): boolean {
    return this.messages.some((m) => m.info.id === id);
  }

  /** Stores a message, replacing the one with its id in its place. */
  set(m: StoredMessage): void {
    this.messages = puttingItem(this.messages, m, (x) => x.info.id === m.info.id);
  }

  /** Removes the message with this id; false when there is none. */
  remove(id: number): boolean {
    const before = this.messages.length;
    this.messages = keptItems(this.messages, (m) => m.info.id !== id);
    return this.messages.length < before;
  }

  /** The note of a transaction, or null. */
  price(transactionId: string): PriceNote | null {
    for (const p of this.prices) if (p.transactionId === transactionId) return p;
    return null;
  }

  /** The note of a transaction on `connectorId`: its own, else the one the connector had from before it (I01: the tariff goes with the transaction), or null. */
  adopt(transactionId: string, connectorId: number): PriceNote | null {
    const known = this.price(transactionId);
    if (known !== null) return known;
    const early = this.prices.find((p) => p.transactionId === null && p.connectorId === connectorId);
    if (early === undefined) return null;
    early.transactionId = transactionId;
    return early;
  }

  /** As {@link adopt}, or a new note. */
  priceFor(transactionId: string, connectorId: number, now: number): PriceNote {
    return this.adopt(transactionId, connectorId) ?? this.add({ transactionId, connectorId, totalCost: null, final: false, personal: null, at: now });
  }

  /** The note of a connector before its transaction is known (a tariff given with an Authorize answer): one per connector. */
  priceBefore(connectorId: number, now: number): PriceNote {
    const early = this.prices.find((p) => p.transactionId === null && p.connectorId === connectorId);
    return early ?? this.add({ transactionId: null, connectorId, totalCost: null, final: false, personal: null, at: now });
  }

  private add(note: PriceNote): PriceNote {
    if (this.prices.length >= MAX_PRICES) this.prices.shift();
    this.prices.push(note);
    return note;
  }
}

/** A message's validity window (O01: startDateTime, endDateTime), ms; an absent bound is open. */
export function windowOf(info: MessageInfoType): { from: number; until: number } {
  const from = info.startDateTime === undefined ? -Infinity : Date.parse(info.startDateTime);
  const until = info.endDateTime === undefined ? Infinity : Date.parse(info.endDateTime);
  return { from: Number.isNaN(from) ? -Infinity : from, until: Number.isNaN(until) ? Infinity : until };
}
