/**
 * Tariff and cost (I01–I06): what the CSMS tells a charge point about the price of its driver's
 * charging, kept per transaction (DisplayState.prices) and written to the charge point's own log —
 * the driver's tariff (AuthorizeResponse / TransactionEventResponse idTokenInfo.personalMessage, I01;
 * updatedPersonalMessage, I06), the running total (TransactionEventResponse.totalCost or CostUpdated,
 * I02) and the final total (the answer to the Ended event, I03).
 */
import type { IdTokenInfoType, MessageContentType } from '../generated/types.gen.js';
import { LogKind, stationLog } from '../../station/log.js';
import type { OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import { tariffCostSettings } from './settings.js';
import type { PriceNote } from './state.js';
import { displayOf, displayState } from './store.js';

/** A total as a driver reads it: the number and TariffCostCtrlr.Currency. */
export function money(st: Station, total: number): string {
  const currency = tariffCostSettings(st).currency;
  return currency === '' ? String(total) : `${total} ${currency}`;
}

function logNote(st: Station, note: PriceNote, what: string, now: number): void {
  stationLog.record(st, LogKind.Event, `cost: transaction ${note.transactionId ?? '(not started)'} on connector ${note.connectorId}: ${what}`, now);
}

/**
 * Reads what an answer says of the price (Dialect.readExtras): most answers say nothing, and cost one
 * look at three fields. A charge point whose model has no TariffCostCtrlr keeps nothing.
 */
export function readPriceAnswer(st: Station, call: OutboundCall, payload: Record<string, unknown>, now: number): void {
  const info = payload.idTokenInfo as IdTokenInfoType | undefined;
  const personal = info?.personalMessage;
  const updated = payload.updatedPersonalMessage as MessageContentType | undefined;
  const total = payload.totalCost as number | undefined;
  if (personal === undefined && updated === undefined && total === undefined) {
    // I01: a tariff the connector got before its transaction goes with the transaction's first answered event.
    if (st.display !== null && call.tx !== null && call.tx.id !== null && call.action === 'TransactionEvent') displayState(st)!.adopt(call.tx.id, call.tx.connectorId);
    return;
  }
  if (!tariffCostSettings(st).kept) return;
  if (call.action === 'Authorize') {
    // I01: the driver's tariff, before the transaction exists; the transaction on that connector takes it over.
    // A refused token's text is not a tariff: it is logged, not kept.
    if (personal === undefined) return;
    if (info!.status !== 'Accepted') return stationLog.record(st, LogKind.Event, `tariff: ${info!.status} token, message "${personal.content}"`, now);
    const note = displayOf(st).priceBefore(call.connectorId, now);
    note.personal = personal;
    note.at = now;
    return logNote(st, note, `tariff "${personal.content}"`, now);
  }
  const tx = call.tx;
  if (call.action !== 'TransactionEvent' || tx === null || tx.id === null) return;
  const note = displayOf(st).priceFor(tx.id, tx.connectorId, now);
  note.at = now;
  // I06: an updated message replaces the tariff text; I01: the one for the token the event carried.
  const text = updated ?? personal;
  if (text !== undefined) {
    note.personal = text;
    logNote(st, note, `tariff "${text.content}"`, now);
  }
  if (total !== undefined) {
    // I03: the total answering the Ended event is the final cost; before it, the running cost (I02).
    note.final = call.payload.eventType === 'Ended';
    note.totalCost = total;
    logNote(st, note, `${note.final ? 'final' : 'running'} total ${money(st, total)}`, now);
  }
}

/**
 * CostUpdated (I02): the running total of a transaction of this charge point. The answer is empty
 * whatever the transaction; one the charge point does not know is only logged.
 */
export function noteCostUpdated(st: Station, transactionId: string, totalCost: number, now: number): void {
  if (!tariffCostSettings(st).kept) return;
  const known = displayState(st)?.price(transactionId) ?? null;
  const c = known === null ? st.openTransaction(transactionId) : undefined;
  if (known === null && c === undefined) {
    stationLog.record(st, LogKind.Event, `cost: CostUpdated ${totalCost} for unknown transaction ${transactionId}, ignored`, now);
    return;
  }
  const note = known ?? displayOf(st).priceFor(transactionId, c!.id, now);
  // A running total after the final one is the CSMS's correction of it: it stays final.
  note.totalCost = totalCost;
  note.at = now;
  logNote(st, note, `${note.final ? 'final' : 'running'} total ${money(st, totalCost)}`, now);
}
