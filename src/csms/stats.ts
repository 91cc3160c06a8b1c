/**
 * The embedded CSMS's counters: one plain object per server, mutated in place on the hot path and
 * serialised as-is by `GET /api/stats`. Tests compare these with what the simulator reports, so
 * every counter has one exact definition, given on its field.
 */
import type { CpAction } from '../ocpp16/generated/actions.gen.js';

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

/** Counters of one embedded CSMS. All fields are totals since start unless they say "current". */
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
   * one, as a 1.6 charge point sends none after a reconnect (OCPP-J 1.6 §5.4) — was answered Accepted.
   */
  booted: number;
  /** BootNotifications answered with status Accepted. */
  boots: number;
  /** Frames received from charge points, of any kind, including bad ones. */
  messagesIn: number;
  /** Frames sent to charge points (CALLRESULT, CALLERROR and CALL). */
  messagesOut: number;
  /**
   * CALLs received per charge-point-initiated action, counted on receipt (schema-invalid ones
   * included). Unknown or CSMS-only actions are not counted here; they get a CALLERROR.
   */
  received: Record<CpAction, number>;
  /** CALLERRORs sent, for any reason (bad frames, schema violations, unknown actions). */
  callErrorsSent: number;
  /** Frames that could not be decoded as OCPP-J RPC frames (see protocol/frame.ts). */
  badFrames: number;
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
  /** MeterValues CALLs answered (schema-valid ones). */
  meterValues: number;
  /**
   * Energy in Wh: the sum over answered StopTransactions of meterStop − meterStart of the
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
}

/** A zeroed {@link CsmsStats}, every key present from the start (stable object shapes). */
export function createStats(): CsmsStats {
  const received = {} as Record<CpAction, number>;
  for (const action of CP_ACTIONS) received[action] = 0;
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
  };
}
