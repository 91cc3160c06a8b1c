/**
 * How a 1.6 charge point reports its firmware updates and log uploads (the jobs are shared:
 * features/firmware/). UpdateFirmware reports with FirmwareStatusNotification (§4.5), the Security
 * Whitepaper's SignedUpdateFirmware with SignedFirmwareStatusNotification and its requestId
 * (L01.FR.10); GetDiagnostics with DiagnosticsStatusNotification (§4.4), GetLog with
 * LogStatusNotification (N01). Each status is remembered for TriggerMessage.
 */
import { firmwareOf } from '../station/firmware-state.js';
import { Kind, OutboundCall } from '../station/outbound.js';
import type { UpdateReporting } from '../features/firmware/firmware-update.js';
import type { UploadReporting } from '../features/firmware/log-upload.js';
import { uploadLogFailure } from '../features/firmware/log-file.js';
import { securityEvent } from './security/events.js';

export const updateReporting: UpdateReporting = {
  status(st, order, status) {
    const fw = firmwareOf(st);
    const requestId = order.requestId;
    if (requestId !== null) {
      fw.lastSignedFirmware = { status, requestId };
      st.enqueue(new OutboundCall(Kind.Kept, 'SignedFirmwareStatusNotification', { status, requestId }));
    } else {
      // Only the statuses 1.6's FirmwareStatus has reach here: an unsigned update without a requestId
      // neither verifies a signature nor schedules its download or install, and it knows no
      // InstallVerificationFailed: that is an InstallationFailed (§4.5).
      const known = status === 'InstallVerificationFailed' ? 'InstallationFailed' : status;
      fw.lastFirmware = { status: known, requestId: null };
      st.enqueue(new OutboundCall(Kind.Kept, 'FirmwareStatusNotification', { status: known as 'Downloaded' }));
    }
  },
  // Raised only by charge points using the security extension (see security/events.ts).
  securityEvent,
  // 1.6: Installed, then the reboot; idle connectors are Unavailable while the install waits (§5.19).
  installedAfterReboot: false,
  allowNewSessions: () => false,
  // SignedFirmwareStatusNotification has DownloadPaused; FirmwareStatusNotification (§7.25) has not: the CSMS goes on hearing Downloading.
  reportsPause: (order) => order.requestId !== null,
};

export const uploadReporting: UploadReporting = {
  status(st, order, status) {
    const getLog = order.getLog;
    if (getLog) st.enqueue(new OutboundCall(Kind.Kept, 'LogStatusNotification', { status: status as 'Uploaded', requestId: getLog.requestId }));
    else st.enqueue(new OutboundCall(Kind.Kept, 'DiagnosticsStatusNotification', { status: status as 'Uploaded' }));
  },
  // GetLog's failure is "as precise as possible" (N01.FR.10); GetDiagnostics knows only UploadFailed.
  failure: (order, reason) => (order.getLog === null ? 'UploadFailed' : reason === null ? 'UploadFailure' : uploadLogFailure(reason)),
};
