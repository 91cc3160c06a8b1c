/**
 * Secure firmware update checks (OCPP 1.6 Security Whitepaper, use case L01): the firmware signing
 * certificate before the update is accepted (L01.FR.23–25), and the signature over the whole image
 * once it is downloaded (L01.FR.04, L01.FR.12).
 *
 * L01.FR.04 names RSA-PSS or ECSchnorr with SHA-256. Node has no EC-Schnorr, so an EC key is checked
 * with ECDSA/SHA-256 (what OCPP 2.0.1's errata and real signing tools use); an RSA key accepts PSS
 * and, for images signed with PKCS#1 v1.5 as many manufacturers still do, that padding too.
 */
import { constants, createVerify, X509Certificate, type Verify } from 'node:crypto';
import type { Station } from '../../station/station.js';
import { securityState } from '../security/state.js';
import { firmwareBehaviour } from './behaviour.js';

export type CertificateCheck = { ok: true; cert: X509Certificate } | { ok: false; reason: string; revoked?: true };

/**
 * The signing certificate: PEM, parseable, valid now, and — when the charge point has Manufacturer
 * root certificates installed — issued and signed by one of them (the manufacturer uses no
 * intermediates for firmware signing, L01 remarks).
 */
export function checkSigningCertificate(pem: string, now: number, roots: readonly X509Certificate[]): CertificateCheck {
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(pem)) return { ok: false, reason: 'signingCertificate is not a PEM certificate' };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (e) {
    return { ok: false, reason: `signingCertificate cannot be parsed: ${(e as Error).message}` };
  }
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
    return { ok: false, reason: `signingCertificate is not valid now (${cert.validFrom} – ${cert.validTo})` };
  }
  if (!cert.publicKey.asymmetricKeyType || !['rsa', 'rsa-pss', 'ec'].includes(cert.publicKey.asymmetricKeyType)) {
    return { ok: false, reason: `signingCertificate has a ${cert.publicKey.asymmetricKeyType} key (RSA or EC needed)` };
  }
  if (roots.length > 0 && !roots.some((root) => cert.checkIssued(root) && cert.verify(root.publicKey))) {
    return { ok: false, reason: 'signingCertificate is not signed by an installed ManufacturerRootCertificate' };
  }
  return { ok: true, cert };
}

/**
 * The signing certificate as this charge point judges it: {@link checkSigningCertificate} against its
 * Manufacturer roots; and revoked when a scenario says so (`firmware: {certificate: revoked}`) — a
 * simulated charge point has no CRL or OCSP responder to learn it from. Either way the CSMS hears of it
 * with the security event InvalidFirmwareSigningCertificate (L01.FR.02).
 */
export function judgeSigningCertificate(st: Station, pem: string, now: number): CertificateCheck {
  const check = checkSigningCertificate(pem, now, manufacturerRoots(st));
  if (check.ok && firmwareBehaviour(st).signingCertificateRevoked) return { ok: false, revoked: true, reason: 'signingCertificate is revoked' };
  return check;
}

/**
 * The charge point's installed ManufacturerRootCertificates (InstallCertificate): a signing
 * certificate must chain to one of them; with none installed there is nothing to chain to.
 */
export function manufacturerRoots(st: Station): X509Certificate[] {
  const entries = securityState(st)?.store?.entries ?? [];
  return entries.filter((e) => e.type === 'ManufacturerRoot').map((e) => e.cert.x509);
}

/** The signature check of an image, fed chunk by chunk as it downloads. */
export class ImageSignature {
  private readonly checks: { verify: Verify; padding?: number }[] = [];

  constructor(private readonly cert: X509Certificate) {
    const type = cert.publicKey.asymmetricKeyType;
    if (type === 'rsa' || type === 'rsa-pss') this.checks.push({ verify: createVerify('sha256'), padding: constants.RSA_PKCS1_PSS_PADDING });
    if (type === 'rsa') this.checks.push({ verify: createVerify('sha256'), padding: constants.RSA_PKCS1_PADDING });
    if (type === 'ec') this.checks.push({ verify: createVerify('sha256') });
  }

  update(chunk: Buffer): void {
    for (const c of this.checks) c.verify.update(chunk);
  }

  /** True when `signatureBase64` is a valid signature of everything fed in. Call once. */
  verify(signatureBase64: string): boolean {
    const signature = Buffer.from(signatureBase64, 'base64');
    if (signature.length === 0) return false;
    const key = this.cert.publicKey;
    return this.checks.some(({ verify, padding }) => {
      try {
        return padding === undefined
          ? verify.verify(key, signature)
          : verify.verify({ key, padding, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature);
      } catch {
        return false; // a malformed signature is an invalid one
      }
    });
  }
}
