/**
 * The seam between the station core and an OCPP version. The core decides *when* something is said
 * — it booted, a connector's state changed, a transaction started or ended, a meter sample is due, a
 * token is presented — and the version's dialect decides *how*: which action, which payload, and
 * what the answer means (ocpp16/dialect.ts). No file in station/ names an OCPP action.
 */
import type { IdTagInfo } from './authorization.js';
import type { Connector, ConnectorStatus, Transaction } from './connector.js';
import type { OutboundCall } from './outbound.js';
import type { Station } from './station.js';

/** Why a meter sample is taken (the versions' ReadingContext values the core produces). */
export type SampleContext = 'Sample.Periodic' | 'Sample.Clock' | 'Trigger';

/**
 * Why a transaction ended: the union of OCPP 1.6's Reason and 2.0.1's ReasonEnumType; each dialect
 * says it in its own version's words (a 2.0.1-only cause becomes the closest 1.6 one).
 */
export const STOP_CAUSES = [
  'DeAuthorized',
  'EmergencyStop',
  'EnergyLimitReached',
  'EVDisconnected',
  'GroundFault',
  'HardReset',
  'ImmediateReset',
  'Local',
  'LocalOutOfCredit',
  'MasterPass',
  'Other',
  'OvercurrentFault',
  'PowerLoss',
  'PowerQuality',
  'Reboot',
  'Remote',
  'SOCLimitReached',
  'SoftReset',
  'StoppedByEV',
  'TimeLimitReached',
  'Timeout',
  'UnlockCommand',
] as const;
export type StopCause = (typeof STOP_CAUSES)[number];

/**
 * Where a version's transaction begins and ends relative to the session the core runs (authorized and
 * plugged in, energy flowing): 1.6's is exactly that session; 2.0.1's TxStartPoint and TxStopPoint
 * (E01, E06) may open it at plug-in and keep it open until the EV leaves.
 */
export const enum TxBounds {
  /** Exactly the session. */
  Session = 0,
  /** Opened when the EV is plugged in, before authorization (TxStartPoint EVConnected, ParkingBayOccupancy). */
  StartsAtPlugIn = 1,
  /** Closed only when the EV leaves: a driver's or the CSMS's stop ends the energy, not the transaction (TxStopPoint EVConnected). */
  EndsAtUnplug = 2,
}

/** What a boot's answer says, in the core's terms. */
export interface BootAnswer {
  status: 'Accepted' | 'Pending' | 'Rejected';
  /** Seconds: the heartbeat interval (Accepted) or when to try again (Pending, Rejected); 0 = none given. */
  intervalS: number;
}

/** A limit on the power from outside the OCPP link: an energy management system, the grid operator… */
export interface ExternalLimit {
  /** Who set it, in the version's words where it has them (2.0.1 ChargingLimitSourceEnumType: EMS, SO, Other). */
  source: string;
  watts: number;
}

/** What an EV that speaks ISO 15118 tells the charger it needs (its ChargeParameterDiscoveryReq). */
export interface EvChargingNeeds {
  energyWh: number;
  /** When it wants to leave (ms since the epoch), if it says. */
  departureAt?: number;
}

export interface Dialect {
  /** The registration a charge point sends after power-up (and when the CSMS asks for it). */
  boot(st: Station): OutboundCall;
  heartbeat(): OutboundCall;
  /** Whether the version lets a connector's reported state change `from` → `to` (1.6 §4.9's table). */
  allowsTransition(connectorId: number, from: ConnectorStatus, to: ConnectorStatus): boolean;
  /**
   * Whether a change of a connector's state from `from` (null: never reported) to `to` is news the
   * version reports: always in 1.6; in 2.0.1 only a change of its coarser connector status.
   */
  reports(from: ConnectorStatus | null, to: ConnectorStatus): boolean;
  /**
   * A connector's state as it is now; `errorCode` overrides the connector's own (LocalListConflict).
   * Null when the version has no report for it (2.0.1 reports no connector 0).
   */
  status(st: Station, c: Connector, now: number, errorCode?: string): OutboundCall | null;
  /**
   * A connector's state changed from `from` (c.status is the new one): a version that reports
   * problems or watches values hears of it (2.0.1 NotifyEvent); absent when the version does not.
   */
  statusChanged?(st: Station, c: Connector, from: ConnectorStatus, now: number): void;
  /** A driver presents a token at a connector. */
  authorize(st: Station, connectorId: number, token: string): OutboundCall;
  /** An ISO 15118 EV asks for its contract certificate, a first one or a new one (2.0.1 M01/M02 Get15118EVCertificate); absent or null: not done. */
  evCertificateRequest?(st: Station, contract: string, action?: 'Install' | 'Update'): OutboundCall | null;
  /** A transaction starts; its connector is about to be `status`. The version may give it its id (2.0.1). */
  txStarted(st: Station, tx: Transaction, status: ConnectorStatus): OutboundCall;
  /**
   * A running transaction's connector changed state (charging, suspended…): the version's update, or
   * null when it has none (1.6 reports it by status only).
   */
  txChanged(st: Station, c: Connector, tx: Transaction, now: number): OutboundCall | null;
  /**
   * The session ended: the transaction's end, or — when it stays open until the EV leaves (TxBounds) —
   * the version's update saying why the energy stopped, with the closing left to {@link txClosed}.
   */
  txEnded(st: Station, tx: Transaction, cause: StopCause): OutboundCall;
  /** Where this charge point's transactions begin and end now (a TxBounds set; it may change at run time). */
  txBounds(st: Station): number;
  /** A transaction opened at plug-in is authorized (2.0.1: Updated, Authorized or RemoteStart). */
  txAuthorized(st: Station, tx: Transaction): OutboundCall | null;
  /** A transaction left open by {@link txEnded} closes now (the EV left, or the run or the power ends); null if none is open. */
  txClosed(st: Station, tx: Transaction, cause: StopCause, now: number): OutboundCall | null;
  /** A meter sample of a connector, part of `tx`'s data when one is given. */
  meterSample(st: Station, c: Connector, tx: Transaction | null, now: number, context: SampleContext): OutboundCall;
  /**
   * A reservation ended unused — it expired, or its connector became Faulted or Unavailable — as the
   * version reports it (2.0.1 ReservationStatusUpdate, H04); absent where the version says nothing (1.6).
   */
  reservationEnded?(st: Station, reservationId: number, how: 'Expired' | 'Removed'): OutboundCall;
  /**
   * An EV plugged into a Reserved connector leaves it Reserved until the reserved token claims it
   * (2.0.1 G01.FR.09, errata 2025-01); absent: the plug-in shows at once (1.6 Reserved → Preparing).
   */
  readonly plugInKeepsReserved?: boolean;
  /**
   * An external limit on the station (`evseId` 0) or one EVSE was set, or (null) released: those of
   * that place, every one when `evseId` < 0 (2.0.1 K12/K13); absent: the version has no such notion.
   */
  externalLimit?(st: Station, evseId: number, limit: ExternalLimit | null, now: number): void;
  /** An EV that speaks ISO 15118 was plugged into `c` (2.0.1 K15); absent: the version ignores it. */
  evPlugged?(st: Station, c: Connector, needs: EvChargingNeeds, now: number): void;
  /** That EV asks for a new schedule with new needs during its transaction (2.0.1 K17); absent: ignored. */
  evRenegotiates?(st: Station, c: Connector, needs: EvChargingNeeds, now: number): void;
  /** The vendor message a model sends after every accepted boot (profile `bootDataTransfer`). */
  vendorMessage(st: Station, message: { vendorId: string; messageId?: string; data?: string }): OutboundCall;

  /**
   * Completes a transaction message's payload as it is sent (1.6: the transactionId the CSMS gave the
   * StartTransaction; 2.0.1: the seqNo). False when it cannot be placed: its transaction was never confirmed.
   */
  beforeSend(call: OutboundCall): boolean;

  readBoot(payload: Record<string, unknown>): BootAnswer;
  /** The token's status as the CSMS answered an authorize, a start or a stop (undefined: not said). */
  readTokenInfo(payload: Record<string, unknown>): IdTagInfo | undefined;
  /** The transaction's id as the CSMS gave it in the answer to a start (1.6); undefined when it does not. */
  readTransactionId(payload: Record<string, unknown>): string | undefined;
  /** A raw `send` step's answer, as one status word for the scenario. */
  readStatus(payload: Record<string, unknown>): string;
  /** Whatever else the version reads in an answer (2.0.1: the tariff and cost for the driver, I01–I06); absent: nothing. */
  readExtras?(st: Station, call: OutboundCall, payload: Record<string, unknown>, now: number): void;
}
