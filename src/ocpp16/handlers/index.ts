/**
 * The exhaustive registry of CSMS-initiated 1.6 actions. Every action the CSMS may send is listed:
 * either handled, or `null` — recognised but not supported by this charge point, answered with
 * NotSupported (OCPP-J 1.6 §4.2.3). Actions outside the schema set get NotImplemented.
 */
import type { InboundHandler } from '../../station/shard-context.js';
import type { Station } from '../../station/station.js';
import type { CsmsAction, RequestOf, ResponseOf } from '../generated/actions.gen.js';
import * as core from './core.js';
import * as firmware from './firmware.js';
import { triggerMessage } from './remote-trigger.js';
import * as security from './security.js';
import * as localAuth from './local-auth.js';
import * as reservation from './reservation.js';
import * as smartCharging from './smart-charging.js';

/** A handler of action A: the compiler checks it takes A's request and gives A's response. */
type Handler<A extends CsmsAction> = (st: Station, request: RequestOf<A>, now: number) => ResponseOf<A>;

const REGISTRY: { [A in CsmsAction]: Handler<A> | null } = {
  // Core
  ChangeAvailability: core.changeAvailability,
  ChangeConfiguration: core.changeConfiguration,
  ClearCache: core.clearCache,
  DataTransfer: core.dataTransfer,
  GetConfiguration: core.getConfiguration,
  RemoteStartTransaction: core.remoteStartTransaction,
  RemoteStopTransaction: core.remoteStopTransaction,
  Reset: core.reset,
  UnlockConnector: core.unlockConnector,
  // Remote Trigger
  TriggerMessage: triggerMessage,
  // Firmware Management
  GetDiagnostics: firmware.getDiagnostics,
  UpdateFirmware: firmware.updateFirmware,
  // Local Auth List Management
  GetLocalListVersion: localAuth.getLocalListVersion,
  SendLocalList: localAuth.sendLocalList,
  // Reservation
  CancelReservation: reservation.cancelReservation,
  ReserveNow: reservation.reserveNow,
  // Smart Charging
  ClearChargingProfile: smartCharging.clearChargingProfile,
  GetCompositeSchedule: smartCharging.getCompositeSchedule,
  SetChargingProfile: smartCharging.setChargingProfile,
  // Security extension (Security Whitepaper); GetLog and SignedUpdateFirmware: firmware/log feature
  CertificateSigned: security.certificateSigned,
  DeleteCertificate: security.deleteCertificate,
  ExtendedTriggerMessage: security.extendedTriggerMessage,
  GetInstalledCertificateIds: security.getInstalledCertificateIds,
  GetLog: firmware.getLog,
  InstallCertificate: security.installCertificate,
  SignedUpdateFirmware: firmware.signedUpdateFirmware,
};

/** Handlers by action name, for the station's dispatcher (absent = NotSupported / NotImplemented). */
export const handlers16: Readonly<Record<string, InboundHandler | undefined>> = Object.fromEntries(
  Object.entries(REGISTRY).filter(([, h]) => h !== null),
) as Record<string, InboundHandler>;
