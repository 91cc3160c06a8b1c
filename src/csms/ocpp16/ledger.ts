/**
 * The 1.6 bookkeeping on each answered CALL: boot state (per identity), transactions and energy,
 * meter values. It runs on the answer actually sent (a test hook may have replaced the built-in one),
 * just before it is sent, so the counters are up to date by the time the charge point reads its answer.
 * The figures are the top level of `CsmsStats` (its 1.6 shape).
 */
import { recordBoot } from '../boot.js';
import type { Connection } from '../connection.js';

/** One CSMS's 1.6 transactions. */
export class Ledger16 {
  /** Each started, not yet stopped transaction by transactionId: its meterStart (Wh) and its start key. */
  readonly transactions = new Map<number, { meterStart: number; key: string }>();
  /**
   * The transactionId given to each open transaction's StartTransaction, by {@link startKey}: a charge
   * point that resends a StartTransaction whose answer it never got (the connection dropped) is given
   * the same transaction again, not a second one that would stay open forever.
   */
  readonly startedBy = new Map<string, number>();
  nextTransactionId = 1;
  /**
   * Between two ids this CSMS issues: N when it is one of N processes (cluster/), each starting at its
   * own 1..N, so a transactionId is unique over the whole CSMS.
   */
  transactionIdStep = 1;

  /** A transactionId no transaction of this CSMS had. */
  newTransactionId(): number {
    const id = this.nextTransactionId;
    this.nextTransactionId += this.transactionIdStep;
    return id;
  }
}

/** What identifies one StartTransaction however often it is sent: who, which connector, when (OCPP 1.6 §4.7 retries). */
export function startKey(identity: string, request: { connectorId: number; timestamp: string }): string {
  return `${identity}\u0000${request.connectorId}\u0000${request.timestamp}`;
}

/** Records the effects of answering `action` with `response`. Cheap for every other action. */
export function recordAnswer16(conn: Connection, action: string, request: any, response: any): void {
  switch (action) {
    case 'BootNotification':
      recordBoot(conn, response.status, request.chargePointVendor, request.chargePointModel);
      break;
    case 'StartTransaction':
      recordStart(conn, request, response);
      break;
    case 'StopTransaction':
      recordStop(conn, request);
      break;
    case 'MeterValues':
      conn.core.stats.meterValues++;
      break;
  }
}

function recordStart(conn: Connection, request: any, response: any): void {
  const ledger = conn.core.ledger16;
  const tx = conn.core.stats.transactions;
  const id = response.transactionId;
  if (typeof id !== 'number' || !ledger.transactions.has(id)) tx.started++;
  else tx.resent++; // the same StartTransaction again: the same transaction
  if (typeof id === 'number') {
    const key = startKey(conn.identity, request);
    ledger.transactions.set(id, { meterStart: request.meterStart, key });
    ledger.startedBy.set(key, id);
  }
  tx.active = ledger.transactions.size;
}

function recordStop(conn: Connection, request: any): void {
  const core = conn.core;
  const ledger = core.ledger16;
  const tx = core.stats.transactions;
  tx.stopped++;
  const open = ledger.transactions.get(request.transactionId);
  if (open === undefined) {
    tx.unknownStops++;
  } else {
    ledger.transactions.delete(request.transactionId);
    ledger.startedBy.delete(open.key);
    core.stats.energyWh += request.meterStop - open.meterStart;
  }
  tx.active = ledger.transactions.size;
}
