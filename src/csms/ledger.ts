/**
 * Bookkeeping on each answered CALL: boot state (per identity), transactions and energy, meter values. It runs on
 * the answer actually sent (a test hook may have replaced the built-in one), just before it is sent,
 * so the counters are up to date by the time the charge point reads its answer.
 */
import type { Connection } from './connection.js';
import { startKey } from './core.js';

/** Records the effects of answering `action` with `response`. Cheap for every other action. */
export function recordAnswer(conn: Connection, action: string, request: any, response: any): void {
  switch (action) {
    case 'BootNotification':
      recordBoot(conn, request, response);
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

/**
 * The boot goes into the identity's registration, which outlives the connection (OCPP-J 1.6 §5.4).
 * A connection already replaced by a newer one with the same identity changes nothing there.
 */
function recordBoot(conn: Connection, request: any, response: any): void {
  const core = conn.core;
  const accepted = response.status === 'Accepted';
  if (accepted) core.stats.boots++;
  if (conn.registered) {
    const registration = core.registrationOf(conn);
    registration.vendor = request.chargePointVendor;
    registration.model = request.chargePointModel;
    if (accepted !== registration.booted) {
      registration.booted = accepted;
      core.stats.booted += accepted ? 1 : -1;
    }
  }
  if (conn.logged) core.logger.booted(conn, response.status, request.chargePointVendor, request.chargePointModel);
}

function recordStart(conn: Connection, request: any, response: any): void {
  const core = conn.core;
  const tx = core.stats.transactions;
  const id = response.transactionId;
  if (typeof id !== 'number' || !core.transactions.has(id)) tx.started++;
  else tx.resent++; // the same StartTransaction again: the same transaction
  if (typeof id === 'number') {
    const key = startKey(conn.identity, request);
    core.transactions.set(id, { meterStart: request.meterStart, key });
    core.startedBy.set(key, id);
  }
  tx.active = core.transactions.size;
}

function recordStop(conn: Connection, request: any): void {
  const core = conn.core;
  const tx = core.stats.transactions;
  tx.stopped++;
  const open = core.transactions.get(request.transactionId);
  if (open === undefined) {
    tx.unknownStops++;
  } else {
    core.transactions.delete(request.transactionId);
    core.startedBy.delete(open.key);
    core.stats.energyWh += request.meterStop - open.meterStart;
  }
  tx.active = core.transactions.size;
}
