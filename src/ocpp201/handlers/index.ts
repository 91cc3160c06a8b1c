/**
 * The exhaustive registry of CSMS-initiated 2.0.1 actions: handled, or `null` — known but not supported
 * yet (part 2 of issue #11's work), answered with the CALLERROR NotSupported, never NotImplemented.
 */
import type { InboundHandler } from '../../station/shard-context.js';
import type { Station } from '../../station/station.js';
import type { CsmsAction, RequestOf, ResponseOf } from '../generated/actions.gen.js';
import * as deviceModel from './device-model.js';
import * as provisioning from './provisioning.js';
import * as security from './security.js';
import * as transactions from './transactions.js';
import { triggerMessage } from './trigger.js';

/** A handler of action A: the compiler checks it takes A's request and gives A's response. */
type Handler<A extends CsmsAction> = (st: Station, request: RequestOf<A>, now: number) => ResponseOf<A>;

const REGISTRY: { [A in CsmsAction]: Handler<A> | null } = {
  // B Provisioning
  GetBaseReport: deviceModel.getBaseReport,
  GetReport: deviceModel.getReport,
  GetVariables: deviceModel.getVariables,
  SetVariables: deviceModel.setVariables,
  Reset: provisioning.reset,
  SetNetworkProfile: provisioning.setNetworkProfile,
  // C Authorization
  ClearCache: provisioning.clearCache,
  // E Transactions, F Remote control
  GetTransactionStatus: transactions.getTransactionStatus,
  RequestStartTransaction: transactions.requestStartTransaction,
  RequestStopTransaction: transactions.requestStopTransaction,
  UnlockConnector: transactions.unlockConnector,
  TriggerMessage: triggerMessage,
  // G Availability
  ChangeAvailability: provisioning.changeAvailability,
  // P DataTransfer
  DataTransfer: provisioning.dataTransfer,
  // Part 2: security, local list, reservation, smart charging, firmware, diagnostics, display, tariff.
  CancelReservation: null,
  CertificateSigned: security.certificateSigned,
  ClearChargingProfile: null,
  ClearDisplayMessage: null,
  ClearVariableMonitoring: null,
  CostUpdated: null,
  CustomerInformation: null,
  DeleteCertificate: security.deleteCertificate,
  GetChargingProfiles: null,
  GetCompositeSchedule: null,
  GetDisplayMessages: null,
  GetInstalledCertificateIds: security.getInstalledCertificateIds,
  GetLocalListVersion: null,
  GetLog: null,
  GetMonitoringReport: null,
  InstallCertificate: security.installCertificate,
  PublishFirmware: null,
  ReserveNow: null,
  SendLocalList: null,
  SetChargingProfile: null,
  SetDisplayMessage: null,
  SetMonitoringBase: null,
  SetMonitoringLevel: null,
  SetVariableMonitoring: null,
  UnpublishFirmware: null,
  UpdateFirmware: null,
};

/** Handlers by action name, for the station's dispatcher (absent = NotSupported / NotImplemented). */
export const handlers201: Readonly<Record<string, InboundHandler | undefined>> = Object.fromEntries(
  Object.entries(REGISTRY).filter(([, h]) => h !== null),
) as Record<string, InboundHandler>;
