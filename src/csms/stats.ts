/**
 * The embedded CSMS's counters: one plain object per server, mutated in place on the hot path and
 * serialised as-is by `GET /api/stats`. Tests compare these with what the simulator reports, so
 * every counter has one exact definition, given on its field.
 */
import type { CpAction } from '../ocpp16/generated/actions.gen.js';
import type { CpAction as CpAction201 } from '../ocpp201/generated/actions.gen.js';
import type { Subprotocol } from './versions.js';

/** Every action a 1.6 charge point may initiate (a Record, so the compiler checks it is complete). */
const CP_ACTION_SET: Readonly<Record<CpAction, true>> = {
  Authorize: true,
  BootNotification: true,
  DataTransfer: true,
  DiagnosticsStatusNotification: true,
  FirmwareStatusNotification: true,
  Heartbeat: true,
  LogStatusNotification: true,
  MeterValues: true,
  SecurityEventNotification: true,
  SignCertificate: true,
  SignedFirmwareStatusNotification: true,
  StartTransaction: true,
  StatusNotification: true,
  StopTransaction: true,
};

/** The keys of {@link CsmsStats.received}: every charge-point-initiated 1.6 action. */
export const CP_ACTIONS = Object.keys(CP_ACTION_SET) as readonly CpAction[];

/** Every action a 2.0.1 charging station may initiate (a Record, so the compiler checks it is complete). */
const CP_ACTION_SET_201: Readonly<Record<CpAction201, true>> = {
  Authorize: true,
  BootNotification: true,
  ClearedChargingLimit: true,
  DataTransfer: true,
  FirmwareStatusNotification: true,
  Get15118EVCertificate: true,
  GetCertificateStatus: true,
  Heartbeat: true,
  LogStatusNotification: true,
  MeterValues: true,
  NotifyChargingLimit: true,
  NotifyCustomerInformation: true,
  NotifyDisplayMessages: true,
  NotifyEVChargingNeeds: true,
  NotifyEVChargingSchedule: true,
  NotifyEvent: true,
  NotifyMonitoringReport: true,
  NotifyReport: true,
  PublishFirmwareStatusNotification: true,
  ReportChargingProfiles: true,
  ReservationStatusUpdate: true,
  SecurityEventNotification: true,
  SignCertificate: true,
  StatusNotification: true,
  TransactionEvent: true,
};

/** The keys of {@link Ocpp201Stats.received}: every charging-station-initiated 2.0.1 action. */
export const CP_ACTIONS_201 = Object.keys(CP_ACTION_SET_201) as readonly CpAction201[];

/** Connections of one subprotocol. */
export interface ProtocolCounts {
  /** Current: registered connections that negotiated this subprotocol. */
  current: number;
  /** Connections accepted with it since start. */
  total: number;
  /** Current: those of {@link current} whose identity is booted (see {@link CsmsStats.booted}). */
  booted: number;
}

/** What the CSMS counts of OCPP 2.0.1 charging stations' own messages (`CsmsStats.ocpp201`). */
export interface Ocpp201Stats {
  /** CALLs received per charging-station-initiated 2.0.1 action, counted on receipt (schema-invalid ones included). */
  received: Record<CpAction201, number>;
  /** TransactionEvents, followed per transaction (identity and transactionId) and seqNo. */
  transactions: {
    /** Transactions started: Started events of a transactionId not seen before. */
    started: number;
    /** Updated events of an open transaction (duplicates not included). */
    updated: number;
    /** Transactions ended: Ended events of an open transaction (duplicates not included). */
    ended: number;
    /** Current: started, not yet ended. */
    active: number;
    /** seqNos skipped within a transaction: events the CSMS never got (a seqNo above the next expected). */
    seqNoGaps: number;
    /** Events whose seqNo was already received for their transaction (resent after a lost answer): answered, not recorded again. */
    seqNoDuplicates: number;
    /** Events flagged `offline: true` (they happened while the station was offline). */
    offline: number;
    /** Updated or Ended events (and events after Ended) of a transaction that is not open here: no Started seen, or already ended. */
    unknown: number;
  };
  /** MeterValues CALLs answered (schema-valid ones). */
  meterValues: number;
  /**
   * Energy in Wh: the sum over ended transactions of the last Energy.Active.Import.Register reading
   * (Ended's, or the last Updated's when Ended has none) minus the first (normally Started's).
   */
  energyWh: number;
}

/**
 * Counters of one embedded CSMS. All fields are totals since start unless they say "current".
 * Connection, frame, boot and CSMS-call counters cover every OCPP version; `received`,
 * `transactions`, `meterValues` and `energyWh` are OCPP 1.6's (this object's original shape), and
 * `ocpp201` holds 2.0.1's counterparts. `protocols` splits the connections by subprotocol.
 */
export interface CsmsStats {
  connections: {
    /** Current: identities with an open, registered connection (what `connected()` lists). */
    current: number;
    /** WebSocket connections accepted since start (replacements included). */
    total: number;
    /** Upgrades refused: bad path, no supported subprotocol, or failed authentication. */
    rejected: number;
    /** Older connections closed because the same identity connected again. */
    replaced: number;
  };
  /**
   * Current: connected identities whose latest BootNotification — on this connection or an earlier
   * one, as a charge point sends none after a reconnect (OCPP-J 1.6 §5.4) — was answered Accepted.
   */
  booted: number;
  /** BootNotifications (of any version) answered with status Accepted. */
  boots: number;
  /** Frames received from charge points, of any kind, including bad ones. */
  messagesIn: number;
  /** Frames sent to charge points (CALLRESULT, CALLERROR and CALL). */
  messagesOut: number;
  /**
   * CALLs received per charge-point-initiated 1.6 action, counted on receipt (schema-invalid ones
   * included). Unknown or CSMS-only actions are not counted here; they get a CALLERROR.
   */
  received: Record<CpAction, number>;
  /** CALLERRORs sent, for any reason (bad frames, schema violations, unknown actions). */
  callErrorsSent: number;
  /** Frames that could not be decoded as OCPP-J RPC frames (see protocol/frame.ts). */
  badFrames: number;
  /** OCPP 1.6 transactions (StartTransaction/StopTransaction). */
  transactions: {
    /** Transactions started: StartTransactions answered with a new transactionId (whatever its idTagInfo); one sent again gets the same id and counts under `resent`. */
    started: number;
    /** StopTransactions answered. */
    stopped: number;
    /** Current: started transactions not yet stopped. */
    active: number;
    /** StopTransactions whose transactionId this CSMS never issued (or already stopped). */
    unknownStops: number;
    /** StartTransactions sent again for a transaction already open (their answer was lost): the same transaction. */
    resent: number;
  };
  /** OCPP 1.6 MeterValues CALLs answered (schema-valid ones). */
  meterValues: number;
  /**
   * OCPP 1.6 energy in Wh: the sum over answered StopTransactions of meterStop − meterStart of the
   * transaction this CSMS started (stops of unknown transactions add nothing).
   */
  energyWh: number;
  /** CSMS-initiated CALLs sent to charge points. */
  callsSent: number;
  /** CALLRESULTs received for our CALLs (valid or not). */
  callResults: number;
  /** CALLERRORs received for our CALLs. */
  callErrorsReceived: number;
  /** Our CALLs that got no answer in time. */
  callTimeouts: number;
  /** CALLRESULTs for our CALLs that failed the response schema (a finding about the charge point). */
  invalidResponses: number;
  /** CALLRESULT/CALLERROR frames whose id matched no CALL of ours in flight. */
  unexpectedResponses: number;
  /** Connections per negotiated subprotocol (both keys always present). */
  protocols: Record<Subprotocol, ProtocolCounts>;
  /** OCPP 2.0.1 charging stations' messages and transactions. */
  ocpp201: Ocpp201Stats;
}

/** A zeroed {@link CsmsStats}, every key present from the start (stable object shapes). */
export function createStats(): CsmsStats {
  const received = {} as Record<CpAction, number>;
  for (const action of CP_ACTIONS) received[action] = 0;
  const received201 = {} as Record<CpAction201, number>;
  for (const action of CP_ACTIONS_201) received201[action] = 0;
  return {
    connections: { current: 0, total: 0, rejected: 0, replaced: 0 },
    booted: 0,
    boots: 0,
    messagesIn: 0,
    messagesOut: 0,
    received,
    callErrorsSent: 0,
    badFrames: 0,
    transactions: { started: 0, stopped: 0, active: 0, unknownStops: 0, resent: 0 },
    meterValues: 0,
    energyWh: 0,
    callsSent: 0,
    callResults: 0,
    callErrorsReceived: 0,
    callTimeouts: 0,
    invalidResponses: 0,
    unexpectedResponses: 0,
    protocols: {
      'ocpp1.6': { current: 0, total: 0, booted: 0 },
      'ocpp2.0.1': { current: 0, total: 0, booted: 0 },
    },
    ocpp201: {
      received: received201,
      transactions: { started: 0, updated: 0, ended: 0, active: 0, seqNoGaps: 0, seqNoDuplicates: 0, offline: 0, unknown: 0 },
      meterValues: 0,
      energyWh: 0,
    },
  };
}
