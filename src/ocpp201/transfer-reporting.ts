/**
 * How a 2.0.1 charge point reports its firmware updates and log uploads (the jobs are shared:
 * features/firmware/). UpdateFirmware reports with FirmwareStatusNotification and its requestId
 * (L01.FR.01, L01.FR.10/L01.FR.20), GetLog with LogStatusNotification and its requestId (N01.FR.07).
 * Each firmware status is remembered for TriggerMessage (L01.FR.25/26).
 */
import { firmwareOf } from '../station/firmware-state.js';
import { Kind, OutboundCall } from '../station/outbound.js';
import type { Station } from '../station/station.js';
import type { UpdateReporting } from '../features/firmware/firmware-update.js';
import type { UploadReporting } from '../features/firmware/log-upload.js';
import { uploadLogFailure } from '../features/firmware/log-file.js';
import { recordSecurityEvent } from '../features/security/events.js';
import { slotOf } from './device-model/index.js';
import { modelOf, variable } from './station-model.js';
import type { FirmwareStatusNotificationRequest, LogStatusNotificationRequest } from './generated/types.gen.js';

/** ChargingStation.AllowNewSessionsPendingFirmwareUpdate (L01.FR.07, L02.FR.04): false or absent = no new sessions. */
function allowNewSessions(st: Station): boolean {
  const slot = slotOf(modelOf(st.ctx.profile).dm, 'ChargingStation', 'AllowNewSessionsPendingFirmwareUpdate');
  return variable(st, slot) === 'true';
}

export const updateReporting201: UpdateReporting = {
  status(st, order, status) {
    // Every 2.0.1 UpdateFirmware has a requestId; each status carries it (L01.FR.10, L02.FR.06).
    const requestId = order.requestId ?? 0;
    firmwareOf(st).lastFirmware = { status, requestId };
    const payload: FirmwareStatusNotificationRequest = { status, requestId };
    st.enqueue(new OutboundCall(Kind.Kept, 'FirmwareStatusNotification', payload as never));
  },
  /**
   * L01.FR.03 (InvalidFirmwareSignature) and L01.FR.31 (FirmwareUpdated) name their events: sent
   * whether or not the appendix marks them critical, and kept in the security log (GetLog SecurityLog).
   */
  securityEvent: (st, type, techInfo, now) => recordSecurityEvent(st, type, techInfo, now),
  installedAfterReboot: true,
  allowNewSessions,
  reportsPause: () => true,
};

export const uploadReporting201: UploadReporting = {
  status(st, order, status) {
    const payload: LogStatusNotificationRequest = { status: status as LogStatusNotificationRequest['status'], requestId: order.getLog?.requestId ?? 0 };
    st.enqueue(new OutboundCall(Kind.Kept, 'LogStatusNotification', payload as never));
  },
  // N01.FR.10: a failure "as precise as possible"; the power going is an UploadFailure.
  failure: (_order, reason) => (reason === null ? 'UploadFailure' : uploadLogFailure(reason)),
  // The cancelled upload's request gets its last word (UploadLogStatusEnumType AcceptedCanceled).
  cancelled(st, order) {
    this.status(st, order, 'AcceptedCanceled');
  },
};
