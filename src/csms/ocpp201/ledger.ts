/**
 * The 2.0.1 bookkeeping on each answered CALL: boot state (per identity), TransactionEvent
 * sequences and energy, meter values. Like the 1.6 ledger it runs on the answer actually sent, just
 * before it is sent. The figures are `CsmsStats.ocpp201`.
 *
 * A 2.0.1 transaction is a sequence of TransactionEvents, Started → Updated* → Ended, with an id the
 * charging station chose (unique within that station, 2.0.1 Part 2 E01) and a `seqNo` that grows by
 * one per event of the transaction, so the CSMS can tell whether it got them all (TransactionEventRequest
 * .seqNo). The first event seen of a transaction sets the base; after it a seqNo above the next
 * expected one is a gap (events lost), one below it an event received before (a resend whose answer
 * was lost, OCPP-J §4.1.1 / E13): counted once, as a duplicate, and recorded no further.
 */
import type { MeterValueType, TransactionEventRequest, UnitOfMeasureType } from '../../ocpp201/generated/types.gen.js';
import { recordBoot } from '../boot.js';
import type { Connection } from '../connection.js';

/** One transaction as the CSMS follows it: plain numbers, no references. */
interface Tx {
  /** The seqNo the next event should carry. */
  nextSeqNo: number;
  /** The first and the latest Energy.Active.Import.Register reading (Wh), NaN until there is one. */
  firstWh: number;
  lastWh: number;
  /** Ended: kept until the station starts another transaction, so a resent Ended is known as one. */
  ended: boolean;
}

/** One CSMS's 2.0.1 transactions. */
export class Ledger201 {
  /**
   * Transactions by identity, then transactionId (two lookups, no key string built per event): each
   * identity's open ones, and its ended ones until its next Started.
   */
  readonly byIdentity = new Map<string, Map<string, Tx>>();
}

/** Records the effects of answering `action` with `response`. Cheap for every other action. */
export function recordAnswer201(conn: Connection, action: string, request: any, response: any): void {
  switch (action) {
    case 'BootNotification':
      recordBoot(conn, response.status, request.chargingStation.vendorName, request.chargingStation.model);
      break;
    case 'TransactionEvent':
      recordTransactionEvent(conn, request);
      break;
    case 'MeterValues':
      conn.core.stats.ocpp201.meterValues++;
      break;
  }
}

function recordTransactionEvent(conn: Connection, request: TransactionEventRequest): void {
  const core = conn.core;
  const figures = core.stats.ocpp201;
  const counts = figures.transactions;
  if (request.offline === true) counts.offline++;
  const transactionId = request.transactionInfo.transactionId;
  let own = core.ledger201.byIdentity.get(conn.identity);
  const tx = own?.get(transactionId);
  const wh = energyRegisterWh(request.meterValue);
  if (tx === undefined) {
    if (request.eventType !== 'Started') {
      counts.unknown++;
      return;
    }
    if (own === undefined) {
      own = new Map();
      core.ledger201.byIdentity.set(conn.identity, own);
    } else {
      forgetEnded(own);
    }
    own.set(transactionId, { nextSeqNo: request.seqNo + 1, firstWh: wh, lastWh: wh, ended: false });
    counts.started++;
    counts.active++;
    return;
  }
  if (request.seqNo < tx.nextSeqNo) {
    counts.seqNoDuplicates++;
    return;
  }
  if (request.seqNo > tx.nextSeqNo) counts.seqNoGaps += request.seqNo - tx.nextSeqNo;
  tx.nextSeqNo = request.seqNo + 1;
  if (tx.ended) {
    counts.unknown++; // a new event of a transaction that has ended
    return;
  }
  if (!Number.isNaN(wh)) {
    if (Number.isNaN(tx.firstWh)) tx.firstWh = wh;
    tx.lastWh = wh;
  }
  if (request.eventType === 'Ended') {
    tx.ended = true;
    counts.ended++;
    counts.active--;
    // Energy of the transaction: from its first reading (normally Started's Transaction.Begin) to its
    // last (Ended's Transaction.End, or the last Updated when Ended has none).
    if (!Number.isNaN(tx.firstWh)) figures.energyWh += tx.lastWh - tx.firstWh;
  } else {
    counts.updated++; // Updated, or a Started again under a higher seqNo: the transaction goes on
  }
}

/**
 * The energy (Wh) of the transaction an event belongs to, up to that event, as the ledger knows it
 * before recording it: from its first register reading to this event's (or the latest one); NaN while
 * there is no reading.
 */
export function transactionEnergyWh(conn: Connection, request: TransactionEventRequest): number {
  const tx = conn.core.ledger201.byIdentity.get(conn.identity)?.get(request.transactionInfo.transactionId);
  const wh = energyRegisterWh(request.meterValue);
  if (tx === undefined) return Number.isNaN(wh) ? NaN : 0;
  const first = Number.isNaN(tx.firstWh) ? wh : tx.firstWh;
  return (Number.isNaN(wh) ? tx.lastWh : wh) - first;
}

/** Drops the ended transactions of one identity (a new one starts: no resend of theirs can follow). */
function forgetEnded(own: Map<string, Tx>): void {
  for (const [id, tx] of own) if (tx.ended) own.delete(id);
}

const REGISTER = 'Energy.Active.Import.Register';

/**
 * The Energy.Active.Import.Register reading of a TransactionEvent's meter values in Wh: the last one
 * of the whole register (no `phase`), or NaN when there is none. The measurand defaults to the
 * register and the unit to Wh (2.0.1 SampledValueType, UnitOfMeasureType); kWh and a multiplier
 * (a power of ten) are converted.
 */
export function energyRegisterWh(meterValues: readonly MeterValueType[] | undefined): number {
  let wh = NaN;
  if (meterValues === undefined) return wh;
  for (const meterValue of meterValues) {
    for (const sample of meterValue.sampledValue) {
      if ((sample.measurand ?? REGISTER) !== REGISTER || sample.phase !== undefined) continue;
      const scale = whPerUnit(sample.unitOfMeasure);
      if (!Number.isNaN(scale)) wh = sample.value * scale;
    }
  }
  return wh;
}

/** Wh per unit of a register sample: 1 for Wh (the default), 1000 for kWh, times 10^multiplier; NaN for another unit. */
function whPerUnit(unit: UnitOfMeasureType | undefined): number {
  if (unit === undefined) return 1;
  const base = unit.unit === undefined || unit.unit === 'Wh' ? 1 : unit.unit === 'kWh' ? 1000 : NaN;
  return unit.multiplier === undefined ? base : base * 10 ** unit.multiplier;
}
