/**
 * A charge point's installed CA certificates (1.6 Security Whitepaper and 2.0.1 use cases M03, M04,
 * M05), with the rules of InstallCertificate, DeleteCertificate and GetInstalledCertificateIds. Pure
 * logic over parsed certificates; each version's handlers supply the configuration values, what the
 * connection is using, and their own names for the certificate uses (a map into {@link CertificateUse}).
 */
import type { X509Certificate } from 'node:crypto';
import { certificateHashData, issuedBy, parseCertificate, sameHashData, type CertificateHashData, type HashAlgorithm, type ParsedCertificate } from './certificate-hash.js';

/**
 * What an installed CA certificate is for, named neutrally: the CSMS's root (1.6
 * CentralSystemRootCertificate, 2.0.1 CSMSRootCertificate), the manufacturer's (firmware signing),
 * and 2.0.1's ISO 15118 roots (V2GRootCertificate, MORootCertificate).
 */
export type CertificateUse = 'CsmsRoot' | 'ManufacturerRoot' | 'V2GRoot' | 'MORoot';
/** InstallCertificateStatusEnumType: the same words in 1.6 and 2.0.1. */
export type InstallStatus = 'Accepted' | 'Rejected' | 'Failed';
/** DeleteCertificateStatusEnumType: the same words in 1.6 and 2.0.1. */
export type DeleteStatus = 'Accepted' | 'Failed' | 'NotFound';

export interface InstalledCertificate {
  type: CertificateUse;
  cert: ParsedCertificate;
  /** Who issued it: itself for a root, else the installed certificate that signed it. */
  issuer: ParsedCertificate;
}

export interface InstallRules {
  /** CertificateStoreMaxLength: root/CA certificates of both types together (§7.4). */
  maxLength: number;
  /** AdditionalRootCertificateCheck (§7.1, M05.FR.08–11). */
  additionalRootCheck: boolean;
  now: number;
}

/** The hash algorithm we report installed certificates with (A00.FR.506: SHA256 SHOULD be used). */
export const REPORTED_HASH: HashAlgorithm = 'SHA256';

export class CertificateStore {
  readonly entries: InstalledCertificate[] = [];
  /** Why the last install was Rejected: the store was full (2.0.1 answers Failed then, M05.FR.03), or the certificate. */
  lastRejection: 'full' | 'invalid' | null = null;

  /**
   * InstallCertificate (M05): Rejected for a certificate that is invalid or incorrect — not PEM, not a
   * CA certificate, expired, or neither self-signed nor issued by an installed certificate, so it
   * belongs to no hierarchy we can check (M05.FR.06) — and when the store is full (M05.FR.03).
   */
  install(type: CertificateUse, pem: string, rules: InstallRules): InstallStatus {
    this.lastRejection = 'invalid';
    let cert: ParsedCertificate;
    try {
      cert = parseCertificate(pem);
    } catch {
      return 'Rejected';
    }
    const { x509 } = cert;
    if (!x509.ca || Date.parse(x509.validTo) < rules.now) return 'Rejected';
    const same = this.entries.find((e) => e.type === type && e.cert.x509.fingerprint256 === x509.fingerprint256);
    if (same) return (this.lastRejection = null), 'Accepted';
    if (this.entries.length >= rules.maxLength) return (this.lastRejection = 'full'), 'Rejected';
    const issuer = issuedBy(x509, x509) ? cert : this.entries.find((e) => issuedBy(x509, e.cert.x509))?.cert;
    if (!issuer) return 'Rejected';
    if (rules.additionalRootCheck && type === 'CsmsRoot') {
      // One CSMS root (plus the previous one as a fallback): the new root must be signed
      // by the one it replaces (M05.FR.08–11).
      const roots = this.entries.filter((e) => e.type === type);
      const current = roots[roots.length - 1];
      if (current && !issuedBy(x509, current.cert.x509)) return 'Rejected';
      for (const old of roots.slice(0, -1)) this.entries.splice(this.entries.indexOf(old), 1);
    }
    this.entries.push({ type, cert, issuer });
    this.lastRejection = null;
    return 'Accepted';
  }

  /**
   * DeleteCertificate (M04): NotFound when no installed certificate has this hash data (computed with
   * the request's algorithm, M04.FR.07); Failed when `inUse` says the connection relies on it
   * (M04.FR.06). The charge point certificate is not in this store, so it cannot be deleted (M04.FR.05).
   */
  remove(hash: CertificateHashData, inUse: (e: InstalledCertificate) => boolean): DeleteStatus {
    const i = this.entries.findIndex((e) => sameHashData(certificateHashData(e.cert, e.issuer, hash.hashAlgorithm), hash));
    if (i === -1) return 'NotFound';
    if (inUse(this.entries[i])) return 'Failed';
    this.entries.splice(i, 1);
    return 'Accepted';
  }

  /** GetInstalledCertificateIds (M03): the hash data of every certificate of the type. */
  hashData(type: CertificateUse, hashAlgorithm: HashAlgorithm = REPORTED_HASH): CertificateHashData[] {
    return this.entries.filter((e) => e.type === type).map((e) => certificateHashData(e.cert, e.issuer, hashAlgorithm));
  }

  /** The installed certificates of a type, oldest first. */
  ofType(type: CertificateUse): X509Certificate[] {
    return this.entries.filter((e) => e.type === type).map((e) => e.cert.x509);
  }
}
