/**
 * What ExtendedTriggerMessage reports for the firmware and log features, which live elsewhere: the
 * firmware update and GetLog code set these once when their modules load. Until then a charge point
 * reports Idle, which the Whitepaper allows only for triggered messages — exactly this case
 * (§6.8 FirmwareStatusEnumType, §6.19 UploadLogStatusEnumType).
 */
import type { Station } from '../../station/station.js';
import type { LogStatusNotificationRequest, SignedFirmwareStatusNotificationRequest } from '../generated/types.gen.js';

export const triggeredStatus = {
  /**
   * ExtendedTriggerMessage(FirmwareStatusNotification) → SignedFirmwareStatusNotification: the last
   * status sent, or Idle after Installed or when no signed update ran (L01.FR.28/29); requestId
   * only while an update is ongoing (§5.19).
   */
  signedFirmware(_st: Station): SignedFirmwareStatusNotificationRequest {
    return { status: 'Idle' };
  },
  /** ExtendedTriggerMessage(LogStatusNotification): the upload's status, Idle when none runs (N01.FR.12). */
  log(_st: Station): LogStatusNotificationRequest {
    return { status: 'Idle' };
  },
};
