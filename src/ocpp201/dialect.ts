/**
 * The station core's events in OCPP 2.0.1 words (station/dialect.ts): BootNotification with its reason
 * (B01), StatusNotification per EVSE and connector with the coarse ConnectorStatus (G01), Authorize with
 * an IdToken (C01), and a transaction as TransactionEvent Started / Updated / Ended (E01–E07) with the
 * station's own transaction id, trigger reasons, chargingState, meter values and a seqNo per transaction.
 */
import { randomUUID } from 'node:crypto';
import type { IdTagInfo } from '../station/authorization.js';
import type { Connector, ConnectorStatus, Transaction } from '../station/connector.js';
import { TxBounds, type BootAnswer, type Dialect, type SampleContext, type StopCause } from '../station/dialect.js';
import { parseToken } from '../station/id-token.js';
import { Kind, OutboundCall } from '../station/outbound.js';
import { expandTemplate } from '../station/profile.js';
import { Boot, Link, type RebootCause, type Station } from '../station/station.js';
import type {
  AuthorizeRequest,
  AuthorizeResponse,
  BootNotificationRequest,
  BootReasonEnumType,
  ChargingStateEnumType,
  ConnectorStatusEnumType,
  IdTokenInfoType,
  IdTokenType,
  MeterValueType,
  ReasonEnumType,
  StatusNotificationRequest,
  TransactionEventRequest,
  TriggerReasonEnumType,
} from './generated/types.gen.js';
import { readPriceAnswer } from './display/cost.js';
import { energyReading, memberList, reading } from './meter-values.js';
import { connectorStatusChanged } from './monitoring/events.js';
import { modelOf, variable } from './station-model.js';
import { externalLimit } from './smart-charging/external-limits.js';
import { evPlugged, evRenegotiates } from './smart-charging/iso15118.js';
import { contractHashData, evCertificateRequest, pncEnabled } from './security/plug-and-charge.js';
import { isoTime } from '../util/iso-time.js';

type Payload = Record<string, unknown>;

/** G01: 2.0.1 reports whether a connector is free, not what happens on it (that is chargingState). */
export function connectorStatus(s: ConnectorStatus): ConnectorStatusEnumType {
  switch (s) {
    case 'Available':
    case 'Reserved':
    case 'Unavailable':
    case 'Faulted':
      return s;
    default:
      return 'Occupied';
  }
}

/** E02: the transaction's charging state, from the connector's state. */
export function chargingState(s: ConnectorStatus): ChargingStateEnumType {
  switch (s) {
    case 'Charging':
    case 'SuspendedEV':
    case 'SuspendedEVSE':
      return s;
    case 'Preparing':
    case 'Finishing':
    // A transaction at a Reserved connector has its EV plugged in (G01.FR.09 kept the status, H03 S1 #2).
    case 'Reserved':
      return 'EVConnected';
    default:
      return 'Idle';
  }
}

/** Why the station boots (B01): a Reset it was asked for (at once or once idle), new firmware, or power-up. */
const BOOT_REASON: Record<RebootCause, BootReasonEnumType> = {
  PowerUp: 'PowerUp',
  Reset: 'RemoteReset',
  ScheduledReset: 'ScheduledReset',
  FirmwareUpdate: 'FirmwareUpdate',
};

/** The boot payload: the profile's identity, templates expanded, cut to 2.0.1's field lengths. */
export function bootPayload(st: Station, reason: BootReasonEnumType = BOOT_REASON[st.lastReboot]): BootNotificationRequest {
  const { profile } = st.ctx;
  const n = st.ctx.idStart + st.index;
  const expand = (t: string | undefined, max: number) => (t ? expandTemplate(t, n, st.identity).slice(0, max) : undefined);
  const chargingStation: BootNotificationRequest['chargingStation'] = {
    model: profile.model.slice(0, 20),
    vendorName: profile.vendor.slice(0, 50),
    serialNumber: expand(profile.serial, 25),
    firmwareVersion: (st.firmware?.version ?? profile.firmwareVersion).slice(0, 50),
  };
  const iccid = expand(profile.iccid, 20);
  const imsi = expand(profile.imsi, 20);
  if (iccid || imsi) chargingStation.modem = { ...(iccid ? { iccid } : {}), ...(imsi ? { imsi } : {}) };
  return { reason, chargingStation };
}

/** The IdTokenType of a neutral token (station/id-token.ts). */
export function idToken(token: string): IdTokenType {
  const { value, type } = parseToken(token);
  return { idToken: value, type };
}

/** E06's trigger of a transaction's end, by the core's cause. */
const STOP_TRIGGER: Record<StopCause, TriggerReasonEnumType> = {
  DeAuthorized: 'Deauthorized',
  EmergencyStop: 'AbnormalCondition',
  EnergyLimitReached: 'EnergyLimitReached',
  EVDisconnected: 'EVCommunicationLost',
  GroundFault: 'AbnormalCondition',
  HardReset: 'ResetCommand',
  ImmediateReset: 'ResetCommand',
  Local: 'StopAuthorized',
  LocalOutOfCredit: 'Deauthorized',
  MasterPass: 'StopAuthorized',
  Other: 'AbnormalCondition',
  OvercurrentFault: 'AbnormalCondition',
  PowerLoss: 'AbnormalCondition',
  PowerQuality: 'AbnormalCondition',
  Reboot: 'ResetCommand',
  Remote: 'RemoteStop',
  SOCLimitReached: 'EnergyLimitReached',
  SoftReset: 'ResetCommand',
  StoppedByEV: 'EVCommunicationLost',
  TimeLimitReached: 'TimeLimitReached',
  Timeout: 'EVConnectTimeout',
  UnlockCommand: 'UnlockCommand',
};

/** The stoppedReason of a 1.6-only cause (ReasonEnumType has the rest under the same names). */
const STOPPED_REASON: Partial<Record<StopCause, ReasonEnumType>> = {
  HardReset: 'ImmediateReset',
  SoftReset: 'ImmediateReset',
  UnlockCommand: 'Other',
};

/** An event is `offline` when it happened while the station could not reach the CSMS (E12). */
function offline(st: Station): boolean {
  return st.link !== Link.Open || st.boot !== Boot.Accepted;
}

/** A TransactionEvent of `tx`; seqNo is given when it is first sent (see beforeSend). */
function transactionEvent(
  st: Station,
  tx: Transaction,
  eventType: TransactionEventRequest['eventType'],
  at: number,
  triggerReason: TriggerReasonEnumType,
  meterValue: MeterValueType | null,
): Omit<TransactionEventRequest, 'seqNo'> {
  const m = modelOf(st.ctx.profile);
  const event: Omit<TransactionEventRequest, 'seqNo'> = {
    eventType,
    timestamp: isoTime(at),
    triggerReason,
    transactionInfo: { transactionId: tx.id!, chargingState: tx.chargingState as ChargingStateEnumType },
    evse: m.evseRefs[tx.connectorId],
  };
  if (meterValue !== null) event.meterValue = [meterValue];
  if (offline(st)) event.offline = true;
  return event;
}

function txCall(kind: Kind, event: object, tx: Transaction): OutboundCall {
  return new OutboundCall(kind, 'TransactionEvent', event as Payload, tx, tx.connectorId);
}

/**
 * E01: where transactions begin and end. TxStartPoint EVConnected (or ParkingBayOccupancy) opens one at
 * plug-in; a TxStopPoint without Authorized, PowerPathClosed or EnergyTransfer keeps it open until the
 * EV leaves (E06: "the transaction ends when any of the TxStopPoint conditions is no longer true").
 */
function txBounds(st: Station): number {
  const { slots } = modelOf(st.ctx.profile);
  const start = memberList(variable(st, slots.txStartPoint));
  const stop = memberList(variable(st, slots.txStopPoint));
  let bounds = TxBounds.Session;
  if (start.includes('EVConnected') || start.includes('ParkingBayOccupancy')) bounds |= TxBounds.StartsAtPlugIn;
  if (stop.length > 0 && !stop.some((p) => p === 'Authorized' || p === 'PowerPathClosed' || p === 'EnergyTransfer')) bounds |= TxBounds.EndsAtUnplug;
  return bounds;
}

/**
 * The start's trigger (E01–E03): the plug-in that opened it, a remote start, the authorization when
 * TxStartPoint is Authorized, the energy when it is EnergyTransfer, else whichever came last of plug-in
 * and authorization (PowerPathClosed).
 */
function startTrigger(st: Station, tx: Transaction): TriggerReasonEnumType {
  if (!tx.authorized) return 'CablePluggedIn';
  if (tx.remoteStartId !== null) return 'RemoteStart';
  const start = memberList(variable(st, modelOf(st.ctx.profile).slots.txStartPoint));
  if (start.includes('Authorized')) return 'Authorized';
  if (start.length === 1 && start[0] === 'EnergyTransfer') return 'ChargingStateChanged';
  return st.ctx.profile.quirks.preparingBeforeAuthorize ? 'Authorized' : 'CablePluggedIn';
}

/** Causes that end a driver's authorization, not the EV's connection: with TxBounds.EndsAtUnplug the transaction stays open. */
const AUTHORIZATION_ENDS: ReadonlySet<StopCause> = new Set(['Local', 'Remote', 'DeAuthorized', 'MasterPass', 'LocalOutOfCredit']);

/** E06: a transaction's Ended event at `at`, with its end reading and reason; the token when it was stopped with one (E07). */
function ended(st: Station, tx: Transaction, cause: StopCause, at: number, trigger: TriggerReasonEnumType): OutboundCall {
  const { slots } = modelOf(st.ctx.profile);
  const c = st.connectors[tx.connectorId];
  // The cable is still in unless the EV went.
  tx.chargingState = cause === 'EVDisconnected' || cause === 'StoppedByEV' ? 'Idle' : 'EVConnected';
  const list = measurands(st, slots.txEndedMeasurands);
  const end =
    list.length === 1 && list[0] === 'Energy.Active.Import.Register'
      ? energyReading(tx.meterStop, at, 'Transaction.End')
      : reading(c, st.ctx.profile.quirks, list, at, 'Transaction.End');
  const event = transactionEvent(st, tx, 'Ended', at, trigger, end);
  event.transactionInfo.stoppedReason = STOPPED_REASON[cause] ?? (cause as ReasonEnumType);
  if (trigger === 'StopAuthorized' && tx.authorized) event.idToken = idToken(tx.idTag);
  return txCall(Kind.StopTx, event, tx);
}

function measurands(st: Station, slot: number): readonly string[] {
  return memberList(variable(st, slot));
}

/** A TransactionEvent Updated for `tx` now (a sample, a trigger, a state change). */
export function txUpdated(st: Station, c: Connector, tx: Transaction, now: number, trigger: TriggerReasonEnumType, meterValue: MeterValueType | null): OutboundCall {
  return txCall(Kind.MeterValues, transactionEvent(st, tx, 'Updated', now, trigger, meterValue), tx);
}

/** A reading of a connector for a sample `context`: sampled (TxUpdatedMeasurands) or clock-aligned (AlignedDataCtrlr.Measurands). */
export function sampleReading(st: Station, c: Connector, now: number, context: SampleContext): MeterValueType {
  const { slots } = modelOf(st.ctx.profile);
  return reading(c, st.ctx.profile.quirks, measurands(st, context === 'Sample.Clock' ? slots.alignedMeasurands : slots.txUpdatedMeasurands), now, context);
}

export const dialect201: Dialect = {
  // 2.0.1 has no transition table like 1.6 §4.9; the core's own transitions are the physical ones.
  allowsTransition: () => true,
  reports: (from, to) => from === null || connectorStatus(from) !== connectorStatus(to),
  // G01.FR.09 (errata 2025-01): a cable into a Reserved connector changes nothing until the reserved token comes.
  plugInKeepsReserved: true,
  boot: (st) => new OutboundCall(Kind.Boot, 'BootNotification', bootPayload(st) as never),
  heartbeat: () => new OutboundCall(Kind.Heartbeat, 'Heartbeat', {}),

  status(st, c, now) {
    // The station as a whole has no connector status in 2.0.1 (G01: per EVSE and connector).
    if (c.id === 0) return null;
    const m = modelOf(st.ctx.profile);
    const payload: StatusNotificationRequest = {
      timestamp: new Date(now).toISOString(),
      connectorStatus: connectorStatus(c.status),
      evseId: m.evseOf[c.id],
      connectorId: m.connectorOf[c.id],
    };
    return new OutboundCall(Kind.Status, 'StatusNotification', payload as never, null, c.id, c.status);
  },

  // N07: a fault is a hard-wired NotifyEvent; monitors watching the connector's state look again.
  statusChanged: connectorStatusChanged,

  authorize(st, connectorId, token) {
    const payload: AuthorizeRequest = { idToken: idToken(token) };
    // C07: an eMAID at a Plug & Charge station is the EV's contract: with its certificate's OCSP data.
    if (payload.idToken.type === 'eMAID' && pncEnabled(st)) payload.iso15118CertificateHashData = contractHashData(st, payload.idToken.idToken);
    return new OutboundCall(Kind.Authorize, 'Authorize', payload as never, null, connectorId, token);
  },
  evCertificateRequest: evCertificateRequest,

  txStarted(st, tx, status) {
    // The station names its transactions (E01.FR.16: unique per station; a UUID is unique everywhere).
    tx.id = randomUUID();
    tx.chargingState = chargingState(status);
    const { slots } = modelOf(st.ctx.profile);
    const begin = reading(st.connectors[tx.connectorId], st.ctx.profile.quirks, measurands(st, slots.txStartedMeasurands), tx.startedAt, 'Transaction.Begin');
    const event = transactionEvent(st, tx, 'Started', tx.startedAt, startTrigger(st, tx), begin);
    // The token that authorized it (none yet when opened at plug-in: it follows in an Updated event).
    if (tx.authorized) event.idToken = idToken(tx.idTag);
    if (tx.remoteStartId !== null) event.transactionInfo.remoteStartId = tx.remoteStartId;
    if (tx.reservationId !== undefined) event.reservationId = tx.reservationId;
    return txCall(Kind.StartTx, event, tx);
  },

  txChanged(st, c, tx, now) {
    const state = chargingState(c.status);
    if (state === tx.chargingState) return null;
    tx.chargingState = state;
    return txUpdated(st, c, tx, now, 'ChargingStateChanged', null);
  },

  txEnded(st, tx, cause) {
    if (tx.authorized && AUTHORIZATION_ENDS.has(cause) && (txBounds(st) & TxBounds.EndsAtUnplug) !== 0) {
      // The energy stops but the transaction goes on until the EV leaves (E06 with TxStopPoint EVConnected).
      tx.openAfter = cause;
      tx.chargingState = 'EVConnected';
      const trigger = STOP_TRIGGER[cause];
      const event = transactionEvent(st, tx, 'Updated', tx.stoppedAt, trigger, null);
      if (trigger === 'StopAuthorized') event.idToken = idToken(tx.idTag);
      return txCall(Kind.MeterValues, event, tx);
    }
    return ended(st, tx, cause, tx.stoppedAt, STOP_TRIGGER[cause]);
  },

  txBounds,

  txAuthorized(st, tx) {
    const event = transactionEvent(st, tx, 'Updated', st.ctx.now(), tx.remoteStartId !== null ? 'RemoteStart' : 'Authorized', null);
    event.idToken = idToken(tx.idTag);
    if (tx.remoteStartId !== null) event.transactionInfo.remoteStartId = tx.remoteStartId;
    if (tx.reservationId !== undefined) event.reservationId = tx.reservationId;
    return txCall(Kind.MeterValues, event, tx);
  },

  txClosed(st, tx, cause, now) {
    // Open after its session (TxBounds.EndsAtUnplug): the EV leaving ends it (EVDisconnected), or the run or power does.
    return ended(st, tx, cause, now, STOP_TRIGGER[cause]);
  },

  meterSample(st, c, tx, now, context) {
    const value = sampleReading(st, c, now, context);
    // During a transaction its readings are TransactionEvent Updated (E02); otherwise MeterValues (J01, J02).
    if (tx !== null && !tx.stopped && context !== 'Trigger') {
      return txUpdated(st, c, tx, now, context === 'Sample.Clock' ? 'MeterValueClock' : 'MeterValuePeriodic', value);
    }
    return new OutboundCall(Kind.MeterValues, 'MeterValues', { evseId: modelOf(st.ctx.profile).evseOf[c.id], meterValue: [value] }, null, c.id);
  },

  // K12/K13 external limits, K15 ISO 15118 EVs (smart-charging/state.ts).
  externalLimit: (st, evseId, limit, now) => externalLimit(st, evseId, limit, now),
  evPlugged: (st, c, needs, now) => evPlugged(st, c, needs, now),
  evRenegotiates: (st, c, needs, now) => evRenegotiates(st, c, needs, now),

  vendorMessage: (_st, message) => new OutboundCall(Kind.Other, 'DataTransfer', { ...message }),

  // H04: the CSMS learns that a reservation ended unused; kept until delivered, like a transaction message.
  reservationEnded: (_st, reservationId, how) => new OutboundCall(Kind.Kept, 'ReservationStatusUpdate', { reservationId, reservationUpdateStatus: how }),

  beforeSend(call) {
    // seqNo counts the transaction's messages as they go out, so a message
    // the queue had to drop leaves no gap; a resent or retried message keeps its number.
    if (call.tx !== null && call.action === 'TransactionEvent' && call.payload.seqNo === undefined) call.payload.seqNo = call.tx.seqNo++;
    return true;
  },

  readBoot: (payload) => ({ status: payload.status as BootAnswer['status'], intervalS: (payload.interval as number) > 0 ? (payload.interval as number) : 0 }),
  readTokenInfo(payload) {
    const info = payload.idTokenInfo as IdTokenInfoType | undefined;
    if (info === undefined) return undefined;
    const out: IdTagInfo = { status: info.status };
    if (info.cacheExpiryDateTime !== undefined) out.expiryDate = info.cacheExpiryDateTime;
    if (info.groupIdToken !== undefined) out.parentIdTag = info.groupIdToken.idToken;
    if (info.evseId !== undefined) out.evseIds = info.evseId;
    const certificate = payload.certificateStatus as AuthorizeResponse['certificateStatus'];
    if (certificate !== undefined && certificate !== 'Accepted') out.certificateStatus = certificate;
    return out;
  },
  // The station gives transaction ids in 2.0.1 (txStarted); the CSMS never does.
  readTransactionId: () => undefined,
  readStatus: (payload) => (typeof payload.status === 'string' ? payload.status : ((payload.idTokenInfo as IdTokenInfoType | undefined)?.status ?? 'Accepted')),
  // I01–I06: the driver's tariff and the transaction's running and final cost.
  readExtras: readPriceAnswer,
};
