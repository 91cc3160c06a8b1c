/**
 * Remote control of transactions (F01–F03, F05, E14): RequestStartTransaction,
 * RequestStopTransaction, UnlockConnector, GetTransactionStatus.
 */
import * as driver from '../../station/driver.js';
import { tokenOf } from '../../station/id-token.js';
import { acceptsRemoteStart, isFreeFor, startRemotely } from '../../station/remote-control.js';
import { Boot, type Station } from '../../station/station.js';
import type {
  GetTransactionStatusRequest,
  GetTransactionStatusResponse,
  RequestStartTransactionRequest,
  RequestStartTransactionResponse,
  RequestStopTransactionRequest,
  RequestStopTransactionResponse,
  UnlockConnectorRequest,
  UnlockConnectorResponse,
} from '../generated/types.gen.js';
import { connectorAt, modelOf, variable } from '../station-model.js';
import { acceptRemoteStartProfile } from './smart-charging.js';

/**
 * F01/F02: on the EVSE asked for, or the first free one. The transaction starts when the EV is
 * plugged in — after an Authorize of the token when AuthCtrlr.AuthorizeRemoteStart is true
 * (F01.FR.02) — and its Started event carries remoteStartId (F01.FR.25) and triggerReason RemoteStart.
 */
export function requestStartTransaction(st: Station, req: RequestStartTransactionRequest, now: number): RequestStartTransactionResponse {
  // A Reset OnIdle waits for the transactions to end (B12.FR.01): a new one would put it off.
  if (!acceptsRemoteStart(st)) return { status: 'Rejected' };
  const token = tokenOf(req.idToken.idToken, req.idToken.type);
  const c =
    req.evseId !== undefined
      ? st.connectors[connectorAt(st, req.evseId) ?? -1]
      : st.connectors.find((k) => isFreeFor(st, k, token));
  if (!c || !isFreeFor(st, c, token)) return { status: 'Rejected' };
  // F01/K05: a TxProfile for the transaction it starts, installed when that transaction starts.
  if (req.chargingProfile !== undefined) {
    const refused = acceptRemoteStartProfile(st, modelOf(st.ctx.profile).evseOf[c.id], token, req.chargingProfile, now);
    if (refused !== null) return { status: 'Rejected', statusInfo: refused };
  }
  c.remoteStartId = req.remoteStartId;
  startRemotely(st, c, token, variable(st, modelOf(st.ctx.profile).slots.authorizeRemoteStart) === 'true', now);
  // A transaction already started for it (the EV was plugged in) is named in the answer.
  const tx = c.tx;
  return tx !== null && !tx.stopped && tx.id !== null ? { status: 'Accepted', transactionId: tx.id } : { status: 'Accepted' };
}

/**
 * F03: Accepted when the transaction is ongoing here; it then ends with stoppedReason Remote (F03.FR.02).
 * One kept open after its energy session (TxStopPoint EVConnected) has nothing left to stop: it ends
 * at its stop point, when the EV leaves (E06).
 */
export function requestStopTransaction(st: Station, req: RequestStopTransactionRequest, now: number): RequestStopTransactionResponse {
  const c = st.boot === Boot.Accepted ? st.openTransaction(req.transactionId) : undefined;
  if (!c) return { status: 'Rejected' };
  if (c.tx!.stopped) return { status: 'Accepted' };
  st.endTransaction(c, 'Remote', now);
  driver.finish(st, c, now);
  return { status: 'Accepted' };
}

/** F05: a connector with an authorized transaction stays locked (F05.FR.02); otherwise it unlocks. */
export function unlockConnector(st: Station, req: UnlockConnectorRequest): UnlockConnectorResponse {
  const id = connectorAt(st, req.evseId, req.connectorId);
  if (id === undefined) return { status: 'UnknownConnector' };
  const c = st.connectors[id];
  if (c.tx !== null && !c.tx.stopped) return { status: 'OngoingAuthorizedTransaction' };
  return { status: 'Unlocked' };
}

/**
 * E14: whether the transaction is still ongoing, and whether messages of it (or of any transaction,
 * without an id) are still waiting to be delivered.
 */
export function getTransactionStatus(st: Station, req: GetTransactionStatusRequest): GetTransactionStatusResponse {
  let messagesInQueue = false;
  const waiting = (call: { tx: { id: string | null } | null; isTransactional: boolean }) =>
    call.isTransactional && call.tx !== null && (req.transactionId === undefined || call.tx.id === req.transactionId);
  st.queue.forEach((call) => (messagesInQueue ||= waiting(call)));
  if (st.pending !== null && waiting(st.pending)) messagesInQueue = true;
  if (req.transactionId === undefined) return { messagesInQueue };
  return { ongoingIndicator: st.openTransaction(req.transactionId) !== undefined, messagesInQueue };
}
