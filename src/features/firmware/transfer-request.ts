/**
 * The fields a firmware or log transfer request shares in both versions (1.6 UpdateFirmware,
 * GetDiagnostics, SignedUpdateFirmware, GetLog; 2.0.1 UpdateFirmware, GetLog, PublishFirmware):
 * the location, the retries and their interval, the dates.
 */
import { OcppError } from '../../protocol/errors.js';
import { parseLocation } from '../../station/file-transfer.js';
import { atLeastRetryFloor } from '../../station/retry.js';
import type { Station } from '../../station/station.js';
import { DEFAULT_RETRIES, DEFAULT_RETRY_INTERVAL_S, type UpdateOrder, type UpdateReporting } from './firmware-update.js';

/** True for a location we can transfer from/to (HTTP, HTTPS, FTP). */
export function usableLocation(location: string): boolean {
  try {
    parseLocation(location);
    return true;
  } catch {
    return false;
  }
}

/**
 * The retries of a transfer. UpdateFirmware and GetDiagnostics are answered with their .conf whatever
 * the location (§5.19, §5.9: the Charge Point SHALL respond with the .conf); one we cannot use fails
 * its first attempt, and retrying it cannot help: DownloadFailed / UploadFailed follow at once.
 */
export function retriesOf(retries: number | undefined, location = ''): number {
  if (location !== '' && !usableLocation(location)) return 0;
  return retries === undefined ? DEFAULT_RETRIES : Math.max(0, Math.floor(retries));
}

/** The CSMS's retryInterval (s), never below the floor every retry has (a retryInterval of 0 must not hammer the server). */
export function intervalMsOf(retryInterval: number | undefined): number {
  return atLeastRetryFloor((retryInterval ?? DEFAULT_RETRY_INTERVAL_S) * 1000);
}

/** A date-time field as ms (`fallback` when absent); a CALLERROR when it is not a date. */
export function timeOf(iso: string | undefined, fallback: number, field: string): number {
  if (iso === undefined) return fallback;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new OcppError('PropertyConstraintViolation', `${field}: '${iso}' is not a date-time`);
  return t;
}

/**
 * A location we cannot use refuses an update request — unless an update is under way: a new request
 * cancels it whatever its file (Whitepaper L01.FR.26, 2.0.1 L01.FR.24 note: the station SHOULD NOT
 * first check that the new file exists, so the CSMS can cancel an update); that request then fails at once.
 */
export function refusesLocation(st: Station, location: string): boolean {
  const underWay = st.firmware?.update != null && !st.firmware.update.awaitingReboot;
  return !usableLocation(location) && !underWay;
}

/** An update request with a requestId, as 1.6's SignedUpdateFirmware and 2.0.1's UpdateFirmware both name its fields. */
interface UpdateRequest {
  requestId: number;
  retries?: number;
  retryInterval?: number;
  firmware: { location: string; retrieveDateTime: string; installDateTime?: string };
}

/** The job's order for such a request. */
export function updateOrderOf(req: UpdateRequest, signature: UpdateOrder['signature'], reporting: UpdateReporting, now: number): UpdateOrder {
  const { firmware } = req;
  return {
    location: firmware.location,
    retrieveAt: timeOf(firmware.retrieveDateTime, now, 'firmware.retrieveDateTime'),
    retries: retriesOf(req.retries, firmware.location),
    retryIntervalMs: intervalMsOf(req.retryInterval),
    requestId: req.requestId,
    installAt: timeOf(firmware.installDateTime, 0, 'firmware.installDateTime'),
    signature,
    reporting,
  };
}
