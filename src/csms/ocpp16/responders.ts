/**
 * The embedded CSMS's answers to charge-point-initiated 1.6 CALLs: one synchronous builder per
 * action, typed so that every `CpAction` has one and each returns that action's response type
 * (DESIGN §10.10). Answers are canned but schema-valid; constant ones are built once and shared.
 * Bookkeeping (stats, transactions, boot state) happens in ledger.ts, on whatever answer is sent.
 */
import type { CpAction, RequestOf, ResponseOf } from '../../ocpp16/generated/actions.gen.js';
import type { AuthorizeResponse } from '../../ocpp16/generated/types.gen.js';
import { isoNow } from '../clock.js';
import type { Connection } from '../connection.js';
import { EMPTY, OWN_VENDOR_ID, heartbeatAnswer, idTagStatus, type TokenStatus } from '../policy.js';
import type { AnyResponder } from '../versions.js';
import { startKey } from './ledger.js';

/** Builds the response to one CALL. May throw an `OcppError` to answer with a CALLERROR. */
export type Responder<A extends CpAction> = (conn: Connection, request: RequestOf<A>) => ResponseOf<A>;

/** A responder for every charge-point-initiated action. */
export type ResponderTable = { readonly [A in CpAction]: Responder<A> };

type IdTagInfo = AuthorizeResponse['idTagInfo'];

const ID_TAG_INFO: Readonly<Record<TokenStatus, IdTagInfo>> = Object.freeze({
  Accepted: Object.freeze({ status: 'Accepted' }),
  Blocked: Object.freeze({ status: 'Blocked' }),
  Expired: Object.freeze({ status: 'Expired' }),
  Invalid: Object.freeze({ status: 'Invalid' }),
});

const AUTHORIZE: Readonly<Record<TokenStatus, AuthorizeResponse>> = Object.freeze({
  Accepted: Object.freeze({ idTagInfo: ID_TAG_INFO.Accepted }),
  Blocked: Object.freeze({ idTagInfo: ID_TAG_INFO.Blocked }),
  Expired: Object.freeze({ idTagInfo: ID_TAG_INFO.Expired }),
  Invalid: Object.freeze({ idTagInfo: ID_TAG_INFO.Invalid }),
});

/** The built-in responders. */
export const RESPONDERS: ResponderTable = {
  BootNotification: (conn) => ({
    status: conn.core.settings.bootStatus,
    currentTime: isoNow(),
    // With Pending or Rejected this is the retry interval (OCPP 1.6 §4.2, §6.3).
    interval: conn.core.settings.heartbeatInterval,
  }),
  Heartbeat: heartbeatAnswer,
  Authorize: (_conn, req) => AUTHORIZE[idTagStatus(req.idTag)],
  StartTransaction: (conn, req) => {
    const ledger = conn.core.ledger16;
    return {
      idTagInfo: ID_TAG_INFO[idTagStatus(req.idTag)],
      // A resent StartTransaction (its answer was lost with the connection) gets the id it was given.
      transactionId: ledger.startedBy.get(startKey(conn.identity, req)) ?? ledger.newTransactionId(),
    };
  },
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

/** The table by action name, for lookups of untrusted strings (no prototype keys). */
export const RESPONDER_MAP: ReadonlyMap<string, AnyResponder> = new Map(Object.entries(RESPONDERS) as [string, AnyResponder][]);
