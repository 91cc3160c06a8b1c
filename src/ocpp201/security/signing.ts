/**
 * The charging station's own certificates (A02/A03, and A03 for ISO 15118 with certificateType
 * V2GCertificate): a new key pair and its CSR in SignCertificate, repeated while no CertificateSigned
 * comes (SecurityCtrlr.CertSigningWaitMinimum, doubled each time, at most CertSigningRepeatTimes;
 * A02.FR.17–19), and the signed chain checked and kept (A02.FR.06–08).
 *
 * A combined certificate (TriggerMessage SignCombinedCertificate, OCTT TC_A_13): one CSR in a
 * SignCertificate without certificateType — "the certificate is to be used for both the 15118
 * connection and the Charging Station to CSMS connection" (SignCertificateRequest.certificateType) —
 * signed under the CSMS's or the V2G hierarchy, and then used as both.
 *
 * Subjects (as libocpp and the OCA test tool expect them): the Charging Station certificate has
 * O = SecurityCtrlr.OrganizationName and CN = the serial number (A00.FR.511); the V2G certificate
 * O = ISO15118Ctrlr.OrganizationName and CN = ISO15118Ctrlr.SeccId (ISO 15118-2 SECC certificate),
 * each falling back to the station's own values when unset.
 */
import type { KeyObject } from 'node:crypto';
import { checkSignedChain } from '../../features/security/client-certificate.js';
import { createCsr, newKeyPair } from '../../features/security/csr.js';
import { securityOf, securityProfile, type OwnCertificate } from '../../features/security/state.js';
import { reconnectAt, trustedRoots } from '../../features/security/trust.js';
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import type { CertificateSigningUseEnumType } from '../generated/types.gen.js';
import { bootPayload } from '../dialect.js';
import { tryClientCertificate } from './client-certificate-trial.js';
import { dmValue } from './device-values.js';
import { securityEvent201 } from './events.js';

/** What a CSR is for: one of 2.0.1's certificate types, or both at once (certificateType omitted). */
export type SigningUse = CertificateSigningUseEnumType | 'Combined';

/** The subject a CSR of this use asks for. */
function subjectFor(st: Station, use: SigningUse): { o: string; cn: string } {
  const org = dmValue(st, 'SecurityCtrlr', 'OrganizationName') ?? '';
  if (use === 'V2GCertificate') {
    return { o: dmValue(st, 'ISO15118Ctrlr', 'OrganizationName') || org, cn: dmValue(st, 'ISO15118Ctrlr', 'SeccId') || st.identity };
  }
  const serial = bootPayload(st).chargingStation.serialNumber;
  return { o: org, cn: serial || st.identity };
}

const retryTag = (use: SigningUse) => `cert-signing-${use}`;

/**
 * Sends SignCertificate for `use` with a new key's CSR (A02.FR.02/03). `triggered`: asked for by
 * TriggerMessage, so it may go while the boot is Pending. `attempt` counts the repeats (A02.FR.17).
 */
export function requestCertificate(st: Station, use: SigningUse, triggered: boolean, now: number, attempt = 0): void {
  const sec = securityOf(st);
  const { privateKey, publicKey } = newKeyPair();
  const subject = subjectFor(st, use);
  if (use === 'V2GCertificate') sec.pendingV2g = { key: privateKey, subject };
  else {
    sec.pendingKey = privateKey;
    sec.pendingSubject = subject;
    // Combined: the one key is pending for both uses (combinedPending tells it by that).
    if (use === 'Combined') sec.pendingV2g = { key: privateKey, subject };
  }
  createCsr(privateKey, publicKey, subject.o, subject.cn).then(
    (csr) => {
      if (pendingKey(st, use) !== privateKey) return; // a newer request replaced this one
      const call = new OutboundCall(Kind.Other, 'SignCertificate', use === 'Combined' ? { csr } : { csr, certificateType: use });
      call.triggered = triggered;
      st.enqueue(call);
    },
    (err: Error) => st.ctx.stats.problem(`${st.identity}: cannot build a CSR: ${err.message}`),
  );
  // A02.FR.17–19: no CertificateSigned within CertSigningWaitMinimum (doubled per repeat): ask again.
  const waitS = Number(dmValue(st, 'SecurityCtrlr', 'CertSigningWaitMinimum') ?? 0);
  const repeats = Number(dmValue(st, 'SecurityCtrlr', 'CertSigningRepeatTimes') ?? 0);
  st.cancel(retryTag(use));
  if (waitS > 0 && attempt < repeats) {
    st.later(now + waitS * 1000 * 2 ** attempt, retryTag(use), (s, t) => {
      if (pendingKey(s, use) === privateKey) requestCertificate(s, use, triggered, t, attempt + 1);
    });
  }
}

function pendingKey(st: Station, use: SigningUse): KeyObject | null {
  const sec = securityOf(st);
  return use === 'V2GCertificate' ? (sec.pendingV2g?.key ?? null) : sec.pendingKey;
}

/** A combined CSR is waiting for its certificate: one key pending for both uses. */
export function combinedPending(st: Station): boolean {
  const sec = securityOf(st);
  return sec.pendingKey !== null && sec.pendingV2g?.key === sec.pendingKey;
}

/** How long before its certificate expires a station renews it (A03: "will expire in one month"). */
const RENEW_BEFORE_EXPIRY_MS = 30 * 24 * 3600 * 1000;

/**
 * CertificateSigned (A02.FR.06–08, A03): the chain must be ours — our pending CSR's key and subject —
 * within MaxCertificateChainSize, valid, each certificate signed by the next, and under a trusted
 * root (CSMS roots for the Charging Station certificate, V2G roots for the V2G one). A bad one is
 * Rejected with an InvalidChargingStationCertificate security event; a good one is kept, and with
 * security profile 3 the station reconnects to present it (A02.FR.08).
 */
export function acceptSignedChain(st: Station, use: SigningUse, chainPem: string, now: number): { ok: true } | { ok: false; reason: string } {
  const sec = securityOf(st);
  const pending = use === 'V2GCertificate' ? sec.pendingV2g : sec.pendingKey ? { key: sec.pendingKey, subject: sec.pendingSubject! } : null;
  const v2gRoots = sec.store?.ofType('V2GRoot') ?? [];
  // A combined certificate comes from either hierarchy (TC_A_13: the V2G root or a sub-CA of it).
  const roots = use === 'V2GCertificate' ? v2gRoots : use === 'Combined' ? [...trustedRoots(st), ...v2gRoots] : trustedRoots(st);
  const check = pending
    ? checkSignedChain(chainPem, { key: pending.key, subject: pending.subject, roots, maxChainSize: Number(dmValue(st, 'SecurityCtrlr', 'MaxCertificateChainSize') ?? 0), now })
    : ({ ok: false, reason: 'no certificate signing request outstanding' } as const);
  if (!check.ok || check.notBefore > now) {
    // A02.FR.06 (errata 2025-01): the current date within the validity period — not a future one either.
    const reason = check.ok ? 'certificate not yet valid' : check.reason;
    securityEvent201(st, 'InvalidChargingStationCertificate', `${use}: ${reason}`, now);
    return { ok: false, reason };
  }
  st.cancel(retryTag(use));
  const own: OwnCertificate = { chain: chainPem, key: pending!.key.export({ type: 'pkcs8', format: 'pem' }) as string, notBefore: check.notBefore };
  if (use !== 'ChargingStationCertificate') {
    sec.v2gCertificate = own;
    sec.pendingV2g = null;
  }
  if (use !== 'V2GCertificate') {
    sec.pendingKey = null;
    sec.pendingSubject = null;
    if (securityProfile(st) === 3) {
      // A02.FR.08: with profile 3 the station reconnects to present it — keeping the old one until
      // it has connected (A02.FR.10/28, client-certificate-trial.ts).
      tryClientCertificate(st, own, now);
      reconnectAt(st, now, 'new client certificate');
    } else sec.ownCertificate = own;
  }
  // A03.FR.02: a month before it expires, the station asks for a new one by itself.
  const renewAt = check.notAfter - RENEW_BEFORE_EXPIRY_MS;
  st.cancel(`cert-renew-${use}`);
  if (renewAt > now) st.later(renewAt, `cert-renew-${use}`, (s, t) => requestCertificate(s, use, false, t));
  return { ok: true };
}
