/**
 * OCPP 2.0.1 Firmware Management (block L: UpdateFirmware L01/L02, PublishFirmware L03,
 * UnpublishFirmware L04) and GetLog (N01). Each handler checks the request, answers at once and
 * leaves the work to a job on the station's alarms — the firmware update and log upload jobs are
 * shared with 1.6 (features/firmware/) and report in 2.0.1's words (../transfer-reporting.ts); the
 * Local Controller's publication is 2.0.1's own (../firmware-publication.ts).
 * The statuses TriggerMessage reports are here too.
 */
import { OcppError } from '../../protocol/errors.js';
import type { Station } from '../../station/station.js';
import { firmwareBehaviour } from '../../features/firmware/behaviour.js';
import { FirmwareUpdate, type UpdateOrder } from '../../features/firmware/firmware-update.js';
import { logFileName } from '../../features/firmware/log-file.js';
import { LogUpload } from '../../features/firmware/log-upload.js';
import { judgeSigningCertificate, type CertificateCheck } from '../../features/firmware/signature.js';
import { intervalMsOf, refusesLocation, retriesOf, timeOf, updateOrderOf, usableLocation } from '../../features/firmware/transfer-request.js';
import { recordSecurityEvent } from '../../features/security/events.js';
import { firmwareOf } from '../../station/firmware-state.js';
import { FirmwarePublication } from '../firmware-publication.js';
import { updateReporting201, uploadReporting201 } from '../transfer-reporting.js';
import type {
  FirmwareStatusNotificationRequest,
  GetLogRequest,
  GetLogResponse,
  LogStatusNotificationRequest,
  PublishFirmwareRequest,
  PublishFirmwareResponse,
  PublishFirmwareStatusNotificationRequest,
  UnpublishFirmwareRequest,
  UnpublishFirmwareResponse,
  UpdateFirmwareRequest,
  UpdateFirmwareResponse,
} from '../generated/types.gen.js';

/** A StatusInfoType: reasonCode is a CiString20, additionalInfo a CiString512. */
const info = (reasonCode: string, additionalInfo: string) => ({ reasonCode: reasonCode.slice(0, 20), additionalInfo: additionalInfo.slice(0, 512) });

/**
 * UpdateFirmware (L01 signed, L02 unsigned). A signing certificate is checked before the request is
 * accepted (L01.FR.21/22: InvalidCertificate, or RevokedCertificate, and the security event
 * InvalidFirmwareSigningCertificate, L01.FR.02); a signature without one has nothing to be checked with, and is refused alike. A
 * certificate without a signature is accepted and ends in InvalidSignature ("the signature is missing
 * completely", L01). An update under way is cancelled: AcceptedCanceled (L01.FR.24, L02.FR.15).
 */
export function updateFirmware(st: Station, req: UpdateFirmwareRequest, now: number): UpdateFirmwareResponse {
  const { firmware } = req;
  let signature: UpdateOrder['signature'] = null;
  if (firmware.signingCertificate !== undefined || firmware.signature !== undefined) {
    const cert: CertificateCheck =
      firmware.signingCertificate === undefined ? { ok: false, reason: 'a signature without a signingCertificate' } : judgeSigningCertificate(st, firmware.signingCertificate, now);
    if (!cert.ok) {
      recordSecurityEvent(st, 'InvalidFirmwareSigningCertificate', cert.reason, now);
      const status = cert.revoked ? 'RevokedCertificate' : 'InvalidCertificate';
      return { status, statusInfo: info(status, cert.reason) };
    }
    signature = { cert: cert.cert, signature: firmware.signature ?? '' };
  } else if (firmwareBehaviour(st).signedUpdatesOnly) {
    // This model installs signed firmware only (the CSMS SHALL sign it, L01.FR.11).
    return { status: 'Rejected', statusInfo: info('UnsignedFirmware', 'this charging station installs signed firmware only (L01)') };
  }
  if (refusesLocation(st, firmware.location)) return { status: 'Rejected', statusInfo: info('InvalidURL', `not an HTTP, HTTPS or FTP location: ${firmware.location}`) };
  const order = updateOrderOf(req, signature, updateReporting201, now);
  return { status: FirmwareUpdate.begin(st, order, now) ? 'AcceptedCanceled' : 'Accepted' };
}

/**
 * GetLog (N01): DiagnosticsLog or SecurityLog (N01.FR.03/04), really uploaded to the remote location;
 * an upload in progress is cancelled (AcceptedCanceled); a location we cannot use is Rejected.
 */
export function getLog(st: Station, req: GetLogRequest, now: number): GetLogResponse {
  const location = req.log.remoteLocation;
  if (!usableLocation(location)) return { status: 'Rejected', statusInfo: info('InvalidURL', `not an HTTP, HTTPS or FTP location: ${location}`) };
  const filename = logFileName(st.identity, req.logType === 'SecurityLog' ? 'security' : 'diagnostics', now);
  const order = {
    location,
    retries: retriesOf(req.retries),
    retryIntervalMs: intervalMsOf(req.retryInterval),
    from: timeOf(req.log.oldestTimestamp, -Infinity, 'log.oldestTimestamp'),
    to: timeOf(req.log.latestTimestamp, Infinity, 'log.latestTimestamp'),
    getLog: { requestId: req.requestId, logType: req.logType },
    reporting: uploadReporting201,
  };
  return { status: LogUpload.begin(st, order, filename, now) ? 'AcceptedCanceled' : 'Accepted', filename };
}

/** L03/L04 are a Local Controller's: a profile says whether this station is one. */
function localController(st: Station): boolean {
  return firmwareBehaviour(st).localController === true;
}

/** A station that is no Local Controller does not support L03/L04: CALLERROR NotSupported. */
function requireLocalController(st: Station, action: string): void {
  if (!localController(st)) throw new OcppError('NotSupported', `${action}: this charging station is not a Local Controller`);
}

/** PublishFirmware (L03): a Local Controller downloads the image, checks its MD5 and publishes it. */
export function publishFirmware(st: Station, req: PublishFirmwareRequest, now: number): PublishFirmwareResponse {
  requireLocalController(st, 'PublishFirmware');
  if (!/^[0-9a-fA-F]{32}$/.test(req.checksum)) return { status: 'Rejected', statusInfo: info('InvalidChecksum', 'checksum is not an MD5 in hexadecimal (32 digits)') };
  if (!usableLocation(req.location)) return { status: 'Rejected', statusInfo: info('InvalidURL', `not an HTTP, HTTPS or FTP location: ${req.location}`) };
  const order = { location: req.location, checksum: req.checksum.toLowerCase(), requestId: req.requestId, retries: retriesOf(req.retries), retryIntervalMs: intervalMsOf(req.retryInterval) };
  FirmwarePublication.begin(st, order, now);
  return { status: 'Accepted' };
}

/** UnpublishFirmware (L04): DownloadOngoing while downloading (L04.FR.04), NoFirmware when none with that checksum is published (L04.FR.03), else Unpublished (L04.FR.02). */
export function unpublishFirmware(st: Station, req: UnpublishFirmwareRequest, _now: number): UnpublishFirmwareResponse {
  requireLocalController(st, 'UnpublishFirmware');
  const job = publicationOf(st);
  if (job?.downloading) return { status: 'DownloadOngoing' };
  if (!job?.published || job.order.checksum !== req.checksum.toLowerCase()) return { status: 'NoFirmware' };
  firmwareOf(st).publication = null; // L04.FR.01: no longer published
  return { status: 'Unpublished' };
}

function publicationOf(st: Station): FirmwarePublication | null {
  const job = st.firmware?.publication;
  return job instanceof FirmwarePublication ? job : null;
}

// ------------------------------------------------------------------ triggered statuses

/** TriggerMessage(FirmwareStatusNotification): Idle after Installed or before any update (L01.FR.25), else the last status with its requestId (L01.FR.26). */
export function firmwareStatusNow(st: Station): FirmwareStatusNotificationRequest {
  const last = st.firmware?.lastFirmware;
  if (!last || last.status === 'Installed' || last.requestId === null) return { status: 'Idle' }; // L01.FR.20: no requestId with Idle
  return { status: last.status as FirmwareStatusNotificationRequest['status'], requestId: last.requestId };
}

/** TriggerMessage(LogStatusNotification): Uploading with the requestId while a GetLog upload runs, else Idle. */
export function logStatusNow(st: Station): LogStatusNotificationRequest {
  const job = st.firmware?.upload;
  if (job instanceof LogUpload && job.busy && job.order.getLog) return { status: 'Uploading', requestId: job.order.getLog.requestId };
  return { status: 'Idle' };
}

/** TriggerMessage(PublishFirmwareStatusNotification): null when this is no Local Controller (L03.FR.10/11 otherwise). */
export function publishStatusNow(st: Station): PublishFirmwareStatusNotificationRequest | null {
  if (!localController(st)) return null;
  return publicationOf(st)?.triggered() ?? { status: 'Idle' };
}
