/**
 * The exhaustive registry of CSMS-initiated 2.0.1 actions: handled, or `null` — known but not supported
 * yet, answered with the CALLERROR NotSupported, never NotImplemented. The actions of an optional
 * functional block answer NotSupported too on a model that lacks the block (blocks.ts).
 */
import type { InboundHandler } from '../../station/shard-context.js';
import type { Station } from '../../station/station.js';
import type { CsmsAction, RequestOf, ResponseOf } from '../generated/actions.gen.js';
import * as deviceModel from './device-model.js';
import * as display from './display.js';
import * as firmware from './firmware.js';
import * as localList from './local-list.js';
import * as monitoring from './monitoring.js';
import * as provisioning from './provisioning.js';
import * as reservation from './reservation.js';
import * as security from './security.js';
import * as smartCharging from './smart-charging.js';
import { costUpdated } from './tariff.js';
import * as transactions from './transactions.js';
import { triggerMessage } from './trigger.js';
import { BLOCK_OF, requireBlockOf } from './blocks.js';

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
  CancelReservation: reservation.cancelReservation,
  CertificateSigned: security.certificateSigned,
  ClearChargingProfile: smartCharging.clearChargingProfile,
  ClearDisplayMessage: display.clearDisplayMessage,
  ClearVariableMonitoring: monitoring.clearVariableMonitoring,
  CostUpdated: costUpdated,
  CustomerInformation: monitoring.customerInformation,
  DeleteCertificate: security.deleteCertificate,
  GetChargingProfiles: smartCharging.getChargingProfiles,
  GetCompositeSchedule: smartCharging.getCompositeSchedule,
  GetDisplayMessages: display.getDisplayMessages,
  GetInstalledCertificateIds: security.getInstalledCertificateIds,
  GetLocalListVersion: localList.getLocalListVersion,
  GetLog: firmware.getLog,
  GetMonitoringReport: monitoring.getMonitoringReport,
  InstallCertificate: security.installCertificate,
  PublishFirmware: firmware.publishFirmware,
  ReserveNow: reservation.reserveNow,
  SendLocalList: localList.sendLocalList,
  SetChargingProfile: smartCharging.setChargingProfile,
  SetDisplayMessage: display.setDisplayMessage,
  SetMonitoringBase: monitoring.setMonitoringBase,
  SetMonitoringLevel: monitoring.setMonitoringLevel,
  SetVariableMonitoring: monitoring.setVariableMonitoring,
  UnpublishFirmware: firmware.unpublishFirmware,
  UpdateFirmware: firmware.updateFirmware,
};

/** Handlers by action name, for the station's dispatcher (absent = NotSupported / NotImplemented). */
export const handlers201: Readonly<Record<string, InboundHandler | undefined>> = Object.fromEntries(
  Object.entries(REGISTRY)
    .filter(([, h]) => h !== null)
    .map(([action, h]) => [action, action in BLOCK_OF ? ofBlock(action as CsmsAction, h as InboundHandler) : h]),
) as Record<string, InboundHandler>;

/** A block's handler, answering NotSupported on a model without the block. */
function ofBlock(action: CsmsAction, handle: InboundHandler): InboundHandler {
  return (st, request, now) => {
    requireBlockOf(st, action);
    return handle(st, request, now);
  };
}
