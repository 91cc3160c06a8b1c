/**
 * The embedded CSMS's answers to charging-station-initiated 2.0.1 CALLs: one synchronous builder per
 * action, typed so that every 2.0.1 `CpAction` has one and each returns that action's response type
 * (DESIGN §10.10). Answers are canned but schema-valid; constant ones are built once and shared.
 * Bookkeeping (stats, transactions, boot state) happens in ledger.ts, on whatever answer is sent.
 */
import type { CpAction, RequestOf, ResponseOf } from '../../ocpp201/generated/actions.gen.js';
import type { AuthorizeResponse, IdTokenInfoType, TransactionEventRequest, TransactionEventResponse } from '../../ocpp201/generated/types.gen.js';
import { isoNow } from '../clock.js';
import type { Connection } from '../connection.js';
import { EMPTY, OWN_VENDOR_ID, contractCertificateStatus, heartbeatAnswer, idTagStatus, type TokenStatus } from '../policy.js';
import type { AnyResponder } from '../versions.js';
import { transactionEnergyWh } from './ledger.js';
import { get15118EVCertificate, signCertificate } from './certificates.js';

/** Builds the response to one CALL. May throw an `OcppError` to answer with a CALLERROR. */
export type Responder<A extends CpAction> = (conn: Connection, request: RequestOf<A>) => ResponseOf<A>;

/** A responder for every charging-station-initiated action. */
export type ResponderTable = { readonly [A in CpAction]: Responder<A> };

/** One frozen object per status, shared by every answer that carries it. */
function perStatus<T>(make: (status: TokenStatus) => T): Readonly<Record<TokenStatus, T>> {
  return Object.freeze({
    Accepted: Object.freeze(make('Accepted')),
    Blocked: Object.freeze(make('Blocked')),
    Expired: Object.freeze(make('Expired')),
    Invalid: Object.freeze(make('Invalid')),
  });
}

const ID_TOKEN_INFO = perStatus<IdTokenInfoType>((status) => ({ status }));
const AUTHORIZE = perStatus<AuthorizeResponse>((status) => ({ idTokenInfo: ID_TOKEN_INFO[status] }));
const TRANSACTION_EVENT = perStatus<TransactionEventResponse>((status) => ({ idTokenInfo: ID_TOKEN_INFO[status] }));

const DATA_ACCEPTED = Object.freeze({ status: 'Accepted' as const });
const DATA_UNKNOWN_VENDOR = Object.freeze({ status: 'UnknownVendorId' as const });

/**
 * With a price per kWh (CsmsSettings.pricePerKWh), an Updated event's answer carries the transaction's
 * cost so far and an Ended event's its final cost (totalCost, I02/I03), rounded to cents: the energy
 * from its first register reading to the latest. Without a reading yet, no cost is named.
 */
function withCost(conn: Connection, req: TransactionEventRequest, answer: TransactionEventResponse): TransactionEventResponse {
  const price = conn.core.settings.pricePerKWh ?? null;
  if (price === null || req.eventType === 'Started') return answer;
  const wh = transactionEnergyWh(conn, req);
  if (Number.isNaN(wh)) return answer;
  return { ...answer, totalCost: Math.round((Math.max(0, wh) / 1000) * price * 100) / 100 };
}

/** The built-in responders. */
export const RESPONDERS: ResponderTable = {
  BootNotification: (conn) => ({
    currentTime: isoNow(),
    // With Pending or Rejected this is when to try again (2.0.1 Part 2 B02.FR.01, B03.FR.01).
    interval: conn.core.settings.heartbeatInterval,
    status: conn.core.settings.bootStatus,
  }),
  Heartbeat: heartbeatAnswer,
  StatusNotification: () => EMPTY,
  // C07: a contract's OCSP data (Plug & Charge) is answered with its certificate's status too.
  Authorize: (_conn, req) => {
    const answer = AUTHORIZE[idTagStatus(req.idToken.idToken)];
    return req.iso15118CertificateHashData === undefined ? answer : { ...answer, certificateStatus: contractCertificateStatus(req.idToken.idToken) };
  },
  // idTokenInfo is the CSMS's verdict on the idToken an event carries (2.0.1 Part 2 TransactionEventResponse:
  // required when the request contained an idToken); without one there is nothing to judge.
  TransactionEvent: (conn, req) => withCost(conn, req, req.idToken === undefined ? EMPTY : TRANSACTION_EVENT[idTagStatus(req.idToken.idToken)]),
  MeterValues: () => EMPTY,
  NotifyReport: () => EMPTY,
  NotifyEvent: () => EMPTY,
  NotifyMonitoringReport: () => EMPTY,
  SecurityEventNotification: () => EMPTY,
  FirmwareStatusNotification: () => EMPTY,
  LogStatusNotification: () => EMPTY,
  PublishFirmwareStatusNotification: () => EMPTY,
  DataTransfer: (_conn, req) => (req.vendorId === OWN_VENDOR_ID ? DATA_ACCEPTED : DATA_UNKNOWN_VENDOR),
  NotifyChargingLimit: () => EMPTY,
  ClearedChargingLimit: () => EMPTY,
  ReportChargingProfiles: () => EMPTY,
  // Accepted would promise a charging schedule for the EV (K15); the demo backend computes none.
  NotifyEVChargingNeeds: () => ({ status: 'Rejected' }),
  NotifyEVChargingSchedule: () => ({ status: 'Accepted' }),
  NotifyDisplayMessages: () => EMPTY,
  NotifyCustomerInformation: () => EMPTY,
  ReservationStatusUpdate: () => EMPTY,
  // A02/A03: Accepted for a PEM CSR, whose signed chain follows in CertificateSigned (certificates.ts);
  // M02: an EXI placeholder. Tests wanting the refusals answer through Csms.onRequest.
  SignCertificate: signCertificate,
  Get15118EVCertificate: get15118EVCertificate,
  // No OCSP responder (M06): the status cannot be had, validly said.
  GetCertificateStatus: () => ({ status: 'Failed' }),
};

/** The table by action name, for lookups of untrusted strings (no prototype keys). */
export const RESPONDER_MAP: ReadonlyMap<string, AnyResponder> = new Map(Object.entries(RESPONDERS) as [string, AnyResponder][]);
