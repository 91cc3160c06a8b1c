/**
 * OCPP 1.6 Firmware Management (§5.19 UpdateFirmware, §5.9 GetDiagnostics) and the Security
 * Whitepaper's SignedUpdateFirmware (L01) and GetLog (N01). Each handler checks the request, answers
 * at once and leaves the work to a job on the station's alarms (features/firmware/firmware-update.ts,
 * log-upload.ts), which reports in 1.6's words (../transfer-reporting.ts).
 * The statuses a TriggerMessage / ExtendedTriggerMessage reports are here too.
 */
import { OcppError } from '../../protocol/errors.js';
import type { Station } from '../../station/station.js';
import { judgeSigningCertificate } from '../../features/firmware/signature.js';
import { firmwareBehaviour } from '../../features/firmware/behaviour.js';
import { logFileName } from '../../features/firmware/log-file.js';
import { FirmwareUpdate } from '../../features/firmware/firmware-update.js';
import { intervalMsOf, refusesLocation, retriesOf, timeOf, updateOrderOf, usableLocation } from '../../features/firmware/transfer-request.js';
import type {
  DiagnosticsStatusNotificationRequest,
  FirmwareStatusNotificationRequest,
  GetDiagnosticsRequest,
  GetDiagnosticsResponse,
  GetLogRequest,
  GetLogResponse,
  LogStatusNotificationRequest,
  SignedFirmwareStatusNotificationRequest,
  SignedUpdateFirmwareRequest,
  SignedUpdateFirmwareResponse,
  UpdateFirmwareRequest,
  UpdateFirmwareResponse,
} from '../generated/types.gen.js';
import { LogUpload } from '../../features/firmware/log-upload.js';
import { updateReporting, uploadReporting } from '../transfer-reporting.js';
import { securityEvent } from '../security/events.js';
import { securityOf } from '../../features/security/state.js';
import { triggeredStatus } from '../security/trigger-status.js';

/** UpdateFirmware and GetDiagnostics belong to the Firmware Management profile (§3.3). */
function requireFirmwareManagement(st: Station, action: string): void {
  if (!st.ctx.features.has('FirmwareManagement')) throw new OcppError('NotSupported', `${action}: this charge point does not support Firmware Management`);
}

/**
 * UpdateFirmware (§5.19): answered at once; from retrieveDate on the image is downloaded (retries =
 * attempts after the first), installed and the charge point reboots into it. A model with
 * `signedUpdatesOnly` answers NotSupported, as the Security Whitepaper demands (L01.FR.20).
 */
export function updateFirmware(st: Station, req: UpdateFirmwareRequest, now: number): UpdateFirmwareResponse {
  requireFirmwareManagement(st, 'UpdateFirmware');
  if (firmwareBehaviour(st).signedUpdatesOnly) {
    throw new OcppError('NotSupported', 'this charge point installs signed firmware only (SignedUpdateFirmware, Security Whitepaper L01.FR.20)');
  }
  const retryIntervalMs = intervalMsOf(req.retryInterval);
  const retrieveAt = timeOf(req.retrieveDate, now, 'retrieveDate');
  FirmwareUpdate.begin(st, { location: req.location, retrieveAt, retries: retriesOf(req.retries, req.location), retryIntervalMs, requestId: null, installAt: 0, signature: null, reporting: updateReporting }, now);
  return {};
}

/**
 * SignedUpdateFirmware (Security Whitepaper L01): the signing certificate is checked before the
 * update is accepted (L01.FR.23/24: InvalidCertificate and an InvalidFirmwareSigningCertificate
 * security event, L01.FR.02); an update in progress is cancelled (AcceptedCanceled, L01.FR.26).
 */
export function signedUpdateFirmware(st: Station, req: SignedUpdateFirmwareRequest, now: number): SignedUpdateFirmwareResponse {
  requireFirmwareManagement(st, 'SignedUpdateFirmware');
  securityOf(st); // the CSMS speaks the security extension with this charge point
  const { firmware } = req;
  const cert = judgeSigningCertificate(st, firmware.signingCertificate, now);
  if (!cert.ok) {
    securityEvent(st, 'InvalidFirmwareSigningCertificate', cert.reason, now);
    return { status: cert.revoked ? 'RevokedCertificate' : 'InvalidCertificate' };
  }
  if (refusesLocation(st, firmware.location)) return { status: 'Rejected' };
  const order = updateOrderOf(req, { cert: cert.cert, signature: firmware.signature }, updateReporting, now);
  return { status: FirmwareUpdate.begin(st, order, now) ? 'AcceptedCanceled' : 'Accepted' };
}

/**
 * GetDiagnostics (§5.9): answers the file name at once and uploads this charge point's recent log
 * (see features/firmware/log-upload.ts) to the location. No fileName when the period asked for is empty: "not present
 * when no diagnostic information is available" (§6.26).
 */
export function getDiagnostics(st: Station, req: GetDiagnosticsRequest, now: number): GetDiagnosticsResponse {
  requireFirmwareManagement(st, 'GetDiagnostics');
  const from = timeOf(req.startTime, -Infinity, 'startTime');
  const to = timeOf(req.stopTime, Infinity, 'stopTime');
  if (from > to || from > now) return {};
  const fileName = logFileName(st.identity, 'diagnostics', now);
  LogUpload.begin(st, { location: req.location, retries: retriesOf(req.retries, req.location), retryIntervalMs: intervalMsOf(req.retryInterval), from, to, getLog: null, reporting: uploadReporting }, fileName, now);
  return { fileName };
}

/**
 * GetLog (Security Whitepaper N01): DiagnosticsLog (as GetDiagnostics) or SecurityLog; an upload in
 * progress is cancelled (AcceptedCanceled); a location we cannot use is Rejected.
 */
export function getLog(st: Station, req: GetLogRequest, now: number): GetLogResponse {
  securityOf(st);
  if (!usableLocation(req.log.remoteLocation)) return { status: 'Rejected' };
  const from = timeOf(req.log.oldestTimestamp, -Infinity, 'log.oldestTimestamp');
  const to = timeOf(req.log.latestTimestamp, Infinity, 'log.latestTimestamp');
  const filename = logFileName(st.identity, req.logType === 'SecurityLog' ? 'security' : 'diagnostics', now);
  const order = {
    location: req.log.remoteLocation,
    retries: retriesOf(req.retries),
    retryIntervalMs: intervalMsOf(req.retryInterval),
    from,
    to,
    getLog: { requestId: req.requestId, logType: req.logType },
    reporting: uploadReporting,
  };
  return { status: LogUpload.begin(st, order, filename, now) ? 'AcceptedCanceled' : 'Accepted', filename };
}

// ------------------------------------------------------------------ triggered statuses

/**
 * TriggerMessage(FirmwareStatusNotification): the status of the UpdateFirmware under way; Idle when
 * none is — "only … when it is not busy downloading/installing firmware" (§4.5) — and after
 * Installed, which is not repeated (as the Whitepaper's L01.FR.28 says for the signed path).
 */
export function firmwareStatusNow(st: Station): FirmwareStatusNotificationRequest['status'] {
  const job = st.firmware?.update;
  const last = st.firmware?.lastFirmware;
  if (!(job instanceof FirmwareUpdate) || job.order.requestId !== null || !job.busy || !last || last.status === 'Installed') return 'Idle';
  return last.status as FirmwareStatusNotificationRequest['status'];
}

/** TriggerMessage(DiagnosticsStatusNotification): Uploading while a GetDiagnostics upload runs, else Idle (§4.4). */
export function diagnosticsStatusNow(st: Station): DiagnosticsStatusNotificationRequest['status'] {
  const job = st.firmware?.upload;
  return job instanceof LogUpload && !job.isGetLog && job.busy ? 'Uploading' : 'Idle';
}

/** ExtendedTriggerMessage(FirmwareStatusNotification): the last status sent, Idle after Installed or none (L01.FR.28/29). */
export function signedFirmwareStatusNow(st: Station): SignedFirmwareStatusNotificationRequest {
  const last = st.firmware?.lastSignedFirmware;
  if (!last || last.status === 'Installed' || last.requestId === null) return { status: 'Idle' };
  return { status: last.status as SignedFirmwareStatusNotificationRequest['status'], requestId: last.requestId };
}

/** ExtendedTriggerMessage(LogStatusNotification): Uploading with the requestId while a GetLog upload runs, else Idle. */
export function logStatusNow(st: Station): LogStatusNotificationRequest {
  const job = st.firmware?.upload;
  if (job instanceof LogUpload && job.busy && job.order.getLog) return { status: 'Uploading', requestId: job.order.getLog.requestId };
  return { status: 'Idle' };
}

// The security extension's ExtendedTriggerMessage asks these (src/ocpp16/security/trigger-status.ts).
triggeredStatus.signedFirmware = signedFirmwareStatusNow;
triggeredStatus.log = logStatusNow;
