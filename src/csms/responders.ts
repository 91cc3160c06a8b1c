/**
 * The embedded CSMS's answers to charge-point-initiated 1.6 CALLs: one synchronous builder per
 * action, typed so that every `CpAction` has one and each returns that action's response type
 * (DESIGN §10.10). Answers are canned but schema-valid; constant ones are built once and shared.
 * Bookkeeping (stats, transactions, boot state) happens in ledger.ts, on whatever answer is sent.
 */
import { startKey } from './core.js';
import type { CpAction, RequestOf, ResponseOf } from '../ocpp16/generated/actions.gen.js';
import type { AuthorizeResponse } from '../ocpp16/generated/types.gen.js';
import { isoNow } from './clock.js';
import type { Connection } from './connection.js';

/** Builds the response to one CALL. May throw an `OcppError` to answer with a CALLERROR. */
export type Responder<A extends CpAction> = (conn: Connection, request: RequestOf<A>) => ResponseOf<A>;

/** A responder for every charge-point-initiated action. */
export type ResponderTable = { readonly [A in CpAction]: Responder<A> };

type IdTagInfo = AuthorizeResponse['idTagInfo'];
type IdTagStatus = IdTagInfo['status'];

/** The vendorId whose DataTransfer requests we accept. */
export const OWN_VENDOR_ID = 'ocpp-sim';

const EMPTY = Object.freeze({});

const ID_TAG_INFO: Readonly<Record<IdTagStatus, IdTagInfo>> = Object.freeze({
  Accepted: Object.freeze({ status: 'Accepted' }),
  Blocked: Object.freeze({ status: 'Blocked' }),
  Expired: Object.freeze({ status: 'Expired' }),
  Invalid: Object.freeze({ status: 'Invalid' }),
  ConcurrentTx: Object.freeze({ status: 'ConcurrentTx' }),
});

const AUTHORIZE: Readonly<Record<IdTagStatus, AuthorizeResponse>> = Object.freeze({
  Accepted: Object.freeze({ idTagInfo: ID_TAG_INFO.Accepted }),
  Blocked: Object.freeze({ idTagInfo: ID_TAG_INFO.Blocked }),
  Expired: Object.freeze({ idTagInfo: ID_TAG_INFO.Expired }),
  Invalid: Object.freeze({ idTagInfo: ID_TAG_INFO.Invalid }),
  ConcurrentTx: Object.freeze({ idTagInfo: ID_TAG_INFO.ConcurrentTx }),
});

/**
 * The authorization rule of the demo backend: idTags starting with `BLOCKED`, `EXPIRED` or
 * `INVALID` get that status, every other idTag is Accepted.
 */
export function idTagStatus(idTag: string): IdTagStatus {
  switch (idTag.charCodeAt(0)) {
    case 66 /* B */:
      return idTag.startsWith('BLOCKED') ? 'Blocked' : 'Accepted';
    case 69 /* E */:
      return idTag.startsWith('EXPIRED') ? 'Expired' : 'Accepted';
    case 73 /* I */:
      return idTag.startsWith('INVALID') ? 'Invalid' : 'Accepted';
    default:
      return 'Accepted';
  }
}

/** The Heartbeat answer, rebuilt when the cached second changes. */
let heartbeat: ResponseOf<'Heartbeat'> = { currentTime: '' };

/** The built-in responders. */
export const RESPONDERS: ResponderTable = {
  BootNotification: (conn) => ({
    status: conn.core.settings.bootStatus,
    currentTime: isoNow(),
    // With Pending or Rejected this is the retry interval (OCPP 1.6 §4.2, §6.3).
    interval: conn.core.settings.heartbeatInterval,
  }),
  Heartbeat: () => {
    const now = isoNow();
    if (heartbeat.currentTime !== now) heartbeat = { currentTime: now };
    return heartbeat;
  },
  Authorize: (_conn, req) => AUTHORIZE[idTagStatus(req.idTag)],
  StartTransaction: (conn, req) => ({
    idTagInfo: ID_TAG_INFO[idTagStatus(req.idTag)],
    // A resent StartTransaction (its answer was lost with the connection) gets the id it was given.
    transactionId: conn.core.startedBy.get(startKey(conn.identity, req)) ?? conn.core.nextTransactionId++,
  }),
  // idTagInfo is optional here (OCPP 1.6 §6.47); we send it, as most central systems do.
  StopTransaction: () => AUTHORIZE.Accepted,
  StatusNotification: () => EMPTY,
  MeterValues: () => EMPTY,
  DiagnosticsStatusNotification: () => EMPTY,
  FirmwareStatusNotification: () => EMPTY,
  SecurityEventNotification: () => EMPTY,
  LogStatusNotification: () => EMPTY,
  SignedFirmwareStatusNotification: () => EMPTY,
  DataTransfer: (_conn, req) => ({ status: req.vendorId === OWN_VENDOR_ID ? 'Accepted' : 'UnknownVendorId' }),
  // We run no certificate authority (OCPP 1.6 Security Whitepaper, A02/A03 use cases).
  SignCertificate: () => ({ status: 'Rejected' }),
};

type AnyResponder = (conn: Connection, request: any) => object;

/** The table by action name, for lookups of untrusted strings (no prototype keys). */
export const RESPONDER_MAP: ReadonlyMap<string, AnyResponder> = new Map(
  Object.entries(RESPONDERS) as [string, AnyResponder][],
);
