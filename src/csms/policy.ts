/**
 * What the embedded CSMS decides, the same in every OCPP version: who is authorized, whose
 * DataTransfer is understood, and the shared constant answers. The per-version responders
 * (ocpp16/responders.ts, ocpp201/responders.ts) dress these in their version's types.
 */
import { isoNow } from './clock.js';

/** The vendorId whose DataTransfer requests we accept. */
export const OWN_VENDOR_ID = 'ocpp-sim';

/** The empty answer (StatusNotification, MeterValues, the Notify… actions), one shared object. */
export const EMPTY = Object.freeze({});

/** The authorization statuses the demo backend gives: values of both 1.6's and 2.0.1's enumerations. */
export type TokenStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';

/**
 * The authorization rule of the demo backend: tokens (1.6 idTags, 2.0.1 idToken.idToken values)
 * starting with `BLOCKED`, `EXPIRED` or `INVALID` get that status, every other token is Accepted.
 */
export function idTagStatus(idTag: string): TokenStatus {
  switch (idTag.charCodeAt(0)) {
    case 66 /* B */:
      return idTag.startsWith('BLOCKED') ? 'Blocked' : 'Accepted';
    case 69 /* E */:
      return idTag.startsWith('EXPIRED') ? 'Expired' : 'Accepted';
    case 73 /* I */:
      return idTag.startsWith('INVALID') ? 'Invalid' : 'Accepted';
    default:
      return 'Accepted';
  }
}

/** What the demo backend says of a Plug & Charge contract's certificate (2.0.1 AuthorizeResponse.certificateStatus, C07). */
export type ContractCertificateStatus = 'Accepted' | 'CertificateRevoked' | 'CertificateExpired';

/** eMAIDs starting with `REVOKED` or `EXPIRED` have a certificate that is so; every other one is Accepted. */
export function contractCertificateStatus(emaid: string): ContractCertificateStatus {
  return emaid.startsWith('REVOKED') ? 'CertificateRevoked' : emaid.startsWith('EXPIRED') ? 'CertificateExpired' : 'Accepted';
}

/** The Heartbeat answer, rebuilt when the cached second changes. */
let heartbeat = { currentTime: '' };

/** The answer to a Heartbeat, `{currentTime}` in 1.6 and 2.0.1 alike: one object per second, shared. */
export function heartbeatAnswer(): { currentTime: string } {
  const now = isoNow();
  if (heartbeat.currentTime !== now) heartbeat = { currentTime: now };
  return heartbeat;
}
