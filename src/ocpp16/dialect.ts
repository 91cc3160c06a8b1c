/**
 * OCPP 1.6 payloads for what a charge point reports: boot, status, authorization, transactions and
 * meter values. The station core decides *when*; this file decides *what the 1.6 frame says*.
 */
import type { IdTagInfo } from '../station/authorization.js';
import type { Connector, ConnectorStatus, Transaction } from '../station/connector.js';
import { TxBounds, type BootAnswer, type Dialect, type SampleContext, type StopCause } from '../station/dialect.js';
import { currentA } from '../station/meter.js';
import { Kind, OutboundCall } from '../station/outbound.js';
import { expandTemplate, type ConnectorSpec, type Quirks, type StationProfile } from '../station/profile.js';
import type { Station } from '../station/station.js';
import { tokenValue } from '../station/id-token.js';
import { canTransition } from './status.js';
import type {
  BootNotificationRequest,
  MeterValuesRequest,
  StartTransactionRequest,
  StatusNotificationRequest,
  StopTransactionRequest,
} from './generated/types.gen.js';

type MeterValue = MeterValuesRequest['meterValue'][number];
type SampledValue = MeterValue['sampledValue'][number];
type ReadingContext = NonNullable<SampledValue['context']>;
export type StopReason = NonNullable<StopTransactionRequest['reason']>;

/** `firmwareVersion`: the version installed by a firmware update, if any (else the profile's). */
export function bootNotification(profile: StationProfile, serial: string, iccid?: string, imsi?: string, firmwareVersion?: string | null): BootNotificationRequest {
  const req: BootNotificationRequest = {
    chargePointVendor: profile.vendor,
    chargePointModel: profile.model,
    chargePointSerialNumber: serial,
    chargeBoxSerialNumber: serial,
    firmwareVersion: firmwareVersion ?? profile.firmwareVersion,
  };
  if (iccid) req.iccid = iccid;
  if (imsi) req.imsi = imsi;
  return req;
}

export function statusNotification(c: Connector, now: number): StatusNotificationRequest {
  return {
    connectorId: c.id,
    status: c.status as StatusNotificationRequest['status'],
    errorCode: c.errorCode as StatusNotificationRequest['errorCode'],
    timestamp: new Date(now).toISOString(),
  };
}

export function startTransaction(tx: Transaction): StartTransactionRequest {
  const req: StartTransactionRequest = {
    connectorId: tx.connectorId,
    idTag: tokenValue(tx.idTag),
    meterStart: tx.meterStart,
    timestamp: new Date(tx.startedAt).toISOString(),
  };
  // The reservation this transaction ends, so the CSMS knows it is over (OCPP 1.6 §5.13).
  if (tx.reservationId !== undefined) req.reservationId = tx.reservationId;
  return req;
}

/** transactionId is filled in when the message is sent (see station/outbound.ts). */
export function stopTransaction(tx: Transaction, reason: StopReason, stopData: string, quirks: Quirks): Omit<StopTransactionRequest, 'transactionId'> {
  const req: Omit<StopTransactionRequest, 'transactionId'> = {
    idTag: tokenValue(tx.idTag),
    meterStop: tx.meterStop,
    timestamp: new Date(tx.stoppedAt).toISOString(),
    reason,
  };
  if (quirks.transactionBeginEndMeterValues && stopData.includes('Energy.Active.Import.Register')) {
    // StopTxnSampledData: the register at the start and the end of the transaction (OCPP 1.6 §9.1.29).
    req.transactionData = [
      { timestamp: new Date(tx.startedAt).toISOString(), sampledValue: [energy(tx.meterStart, 'Transaction.Begin')] },
      { timestamp: new Date(tx.stoppedAt).toISOString(), sampledValue: [energy(tx.meterStop, 'Transaction.End')] },
    ];
  }
  return req;
}

function energy(wh: number, context: ReadingContext): SampledValue {
  return { value: String(Math.floor(wh)), context, measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' };
}

/**
 * One MeterValues sample of the configured measurands (MeterValuesSampledData) for a connector.
 * Per-phase values (Current.Import, Voltage) carry the phase for 3-phase AC. The transactionId is
 * set by the sender when the sample belongs to a transaction.
 */
export function meterValues(
  c: Connector,
  spec: ConnectorSpec,
  quirks: Quirks,
  measurands: readonly string[],
  now: number,
  context: ReadingContext,
): MeterValuesRequest {
  const sampled: SampledValue[] = [];
  const ac = spec.current === 'AC';
  const threePhase = ac && spec.phases === 3 && quirks.meterValuesPerPhase;
  const amps = currentA(c.powerW, spec);
  for (const m of measurands) {
    switch (m) {
      case 'Energy.Active.Import.Register':
        sampled.push(energy(c.energyWh, context));
        break;
      case 'Power.Active.Import':
        sampled.push({ value: c.powerW.toFixed(1), context, measurand: m, location: 'Outlet', unit: 'W' });
        break;
      // What the charge point offers the EV: the rating, or less under a smart-charging limit (§3.13)
      // or the outlet's share of a power cabinet.
      case 'Power.Offered': {
        const offeredW = Math.min(c.limitW, c.shareW);
        sampled.push({ value: String(offeredW < spec.maxPowerW ? tenth(offeredW) : spec.maxPowerW), context, measurand: m, location: 'Outlet', unit: 'W' });
        break;
      }
      case 'Current.Offered': {
        const limitA = currentA(Math.min(c.limitW, c.shareW), spec);
        sampled.push({ value: String(limitA < spec.maxCurrentA ? tenth(limitA) : spec.maxCurrentA), context, measurand: m, location: 'Outlet', unit: 'A' });
        break;
      }
      case 'Current.Import':
        if (threePhase) {
          for (const phase of ['L1', 'L2', 'L3'] as const) {
            sampled.push({ value: amps.toFixed(2), context, measurand: m, phase, location: 'Outlet', unit: 'A' });
          }
        } else {
          sampled.push({ value: amps.toFixed(2), context, measurand: m, location: 'Outlet', unit: 'A' });
        }
        break;
      case 'Voltage':
        if (threePhase) {
          for (const phase of ['L1-N', 'L2-N', 'L3-N'] as const) {
            sampled.push({ value: spec.voltage.toFixed(1), context, measurand: m, phase, location: 'Outlet', unit: 'V' });
          }
        } else {
          sampled.push({ value: spec.voltage.toFixed(1), context, measurand: m, location: 'Outlet', unit: 'V' });
        }
        break;
      case 'SoC':
        // Only a DC charger talks to the EV's battery management and knows its state of charge.
        if (!ac && quirks.socInMeterValues && c.evBatteryWh > 0) {
          sampled.push({ value: String(Math.round(c.soc * 100)), context, measurand: m, location: 'EV', unit: 'Percent' });
        }
        break;
      case 'Temperature':
        sampled.push({ value: (25 + c.powerW / 2000).toFixed(1), context, measurand: m, location: 'Body', unit: 'Celsius' });
        break;
    }
  }
  return { connectorId: c.id, meterValue: [{ timestamp: new Date(now).toISOString(), sampledValue: sampled }] };
}

/**
 * A reading of connector 0 (OCPP 1.6 §4.7: connectorId 0 "is associated with the entire Charge
 * Point", its energy "SHOULD be taken from the main energy meter"): everything delivered, at the inlet.
 */
export function mainMeterValues(energyWh: number, now: number, context: ReadingContext): MeterValuesRequest {
  const sampled: SampledValue = { value: String(Math.floor(energyWh)), context, measurand: 'Energy.Active.Import.Register', location: 'Inlet', unit: 'Wh' };
  return { connectorId: 0, meterValue: [{ timestamp: new Date(now).toISOString(), sampledValue: [sampled] }] };
}

function tenth(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The status a connector with a running transaction shows, given what the EV draws. */
export function chargingStatus(powerW: number): ConnectorStatus {
  return powerW > 0 ? 'Charging' : 'SuspendedEV';
}

/**
 * 1.6 says a 2.0.1-only stop cause as the closest 1.6 Reason (OCPP 1.6 §7.35); the rest are 1.6's own.
 */
const REASON_16: Partial<Record<StopCause, StopReason>> = {
  ImmediateReset: 'HardReset',
  StoppedByEV: 'EVDisconnected',
  EnergyLimitReached: 'Local',
  SOCLimitReached: 'Local',
  TimeLimitReached: 'Local',
  LocalOutOfCredit: 'DeAuthorized',
  MasterPass: 'Local',
  GroundFault: 'EmergencyStop',
  OvercurrentFault: 'EmergencyStop',
  PowerQuality: 'PowerLoss',
  Timeout: 'Other',
};

/** Parsed measurand lists (a CSL configuration value), shared by every charge point of the worker. */
const measurandLists = new Map<string, string[]>();
function measurands(csl: string): string[] {
  let list = measurandLists.get(csl);
  if (!list) {
    list = csl.split(',').map((m) => m.trim()).filter(Boolean);
    measurandLists.set(csl, list);
  }
  return list;
}

/** The boot payload of a charge point: its profile's identity, templates expanded for it. */
export function bootPayload(st: Station): BootNotificationRequest {
  const { profile } = st.ctx;
  const n = st.ctx.idStart + st.index;
  // Cut to the 1.6 field lengths: a long identity in `${id}` must not make the boot invalid.
  const expand = (t: string | undefined, max: number) => (t ? expandTemplate(t, n, st.identity).slice(0, max) : undefined);
  const installed = st.firmware?.version; // after a firmware update (features/firmware/firmware-update.ts)
  return bootNotification(profile, expand(profile.serial, 25)!, expand(profile.iccid, 20), expand(profile.imsi, 20), installed);
}

/** A meter sample of a connector in the measurands its configuration asks for (§9.1: MeterValuesSampledData / MeterValuesAlignedData). */
export function samplePayload(st: Station, c: Connector, now: number, context: SampleContext): MeterValuesRequest {
  const list = measurands(st.getConfig(context === 'Sample.Clock' ? 'MeterValuesAlignedData' : 'MeterValuesSampledData') ?? '');
  return meterValues(c, c.spec!, st.ctx.profile.quirks, list, now, context);
}

type Payload = Record<string, unknown>;

/** The station core's events in OCPP 1.6 words (station/dialect.ts). */
export const dialect16: Dialect = {
  allowsTransition: canTransition,
  // Every change of a connector's state is reported (§4.9); charging and suspension are statuses.
  reports: () => true,
  txChanged: () => null,
  // A 1.6 transaction is the session itself (§4.7: StartTransaction once authorized and plugged in).
  txBounds: () => TxBounds.Session,
  txAuthorized: () => null,
  txClosed: () => null,
  boot: (st) => new OutboundCall(Kind.Boot, 'BootNotification', bootPayload(st) as never),
  heartbeat: () => new OutboundCall(Kind.Heartbeat, 'Heartbeat', {}),
  status(_st, c, now, errorCode) {
    const payload = statusNotification(c, now);
    if (errorCode !== undefined) payload.errorCode = errorCode as StatusNotificationRequest['errorCode'];
    return new OutboundCall(Kind.Status, 'StatusNotification', payload as never, null, c.id, c.status);
  },
  authorize: (_st, connectorId, token) => new OutboundCall(Kind.Authorize, 'Authorize', { idTag: tokenValue(token) }, null, connectorId, token),
  txStarted: (_st, tx, _status) => new OutboundCall(Kind.StartTx, 'StartTransaction', startTransaction(tx) as never, tx, tx.connectorId),
  txEnded(st, tx, cause) {
    const reason = REASON_16[cause] ?? (cause as StopReason);
    const payload = stopTransaction(tx, reason, st.getConfig('StopTxnSampledData') ?? '', st.ctx.profile.quirks);
    return new OutboundCall(Kind.StopTx, 'StopTransaction', payload as never, tx, tx.connectorId);
  },
  meterSample: (st, c, tx, now, context) => new OutboundCall(Kind.MeterValues, 'MeterValues', samplePayload(st, c, now, context) as never, tx, c.id),
  vendorMessage: (_st, message) => new OutboundCall(Kind.Other, 'DataTransfer', { ...message }),

  beforeSend(call) {
    // A transaction's messages after its StartTransaction name the id the CSMS gave it (§4.7).
    if (call.tx === null || call.kind === Kind.StartTx) return true;
    if (call.tx.id === null) return false;
    call.payload.transactionId = Number(call.tx.id);
    return true;
  },

  readBoot: (payload) => ({ status: payload.status as BootAnswer['status'], intervalS: (payload.interval as number) > 0 ? (payload.interval as number) : 0 }),
  readTokenInfo: (payload) => payload.idTagInfo as IdTagInfo | undefined,
  // 1.6 transaction ids are integers the CSMS gives; the core keeps every version's id as a string.
  readTransactionId: (payload) => (typeof payload.transactionId === 'number' ? String(payload.transactionId) : undefined),
  // `status`, or idTagInfo.status (Authorize, Start/StopTransaction); Accepted for an answer without either.
  readStatus: (payload: Payload) => (typeof payload.status === 'string' ? payload.status : ((payload.idTagInfo as IdTagInfo | undefined)?.status ?? 'Accepted')),
};
