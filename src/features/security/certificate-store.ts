/**
 * A charge point's installed CA certificates (Security Whitepaper use cases M03, M04, M05):
 * CentralSystemRootCertificate and ManufacturerRootCertificate, with the rules of InstallCertificate,
 * DeleteCertificate and GetInstalledCertificateIds. Pure logic over parsed certificates; the handlers
 * (handlers/security.ts) supply the configuration values and what the connection is using.
 */
import type { X509Certificate } from 'node:crypto';
import type {
  CertificateHashDataType,
  CertificateUseEnumType,
  DeleteCertificateStatusEnumType,
  HashAlgorithmEnumType,
  InstallCertificateStatusEnumType,
} from '../../ocpp16/generated/types.gen.js';
import { certificateHashData, issuedBy, parseCertificate, sameHashData, type ParsedCertificate } from './certificate-hash.js';

export interface InstalledCertificate {
  type: CertificateUseEnumType;
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
export const REPORTED_HASH: HashAlgorithmEnumType = 'SHA256';

export class CertificateStore {
  readonly entries: InstalledCertificate[] = [];

  /**
   * InstallCertificate (M05): Rejected for a certificate that is invalid or incorrect — not PEM, not a
   * CA certificate, expired, or neither self-signed nor issued by an installed certificate, so it
   * belongs to no hierarchy we can check (M05.FR.06) — and when the store is full (M05.FR.03).
   */
  install(type: CertificateUseEnumType, pem: string, rules: InstallRules): InstallCertificateStatusEnumType {
    let cert: ParsedCertificate;
    try {
      cert = parseCertificate(pem);
    } catch {
      return 'Rejected';
    }
    const { x509 } = cert;
    if (!x509.ca || Date.parse(x509.validTo) < rules.now) return 'Rejected';
    const same = this.entries.find((e) => e.type === type && e.cert.x509.fingerprint256 === x509.fingerprint256);
    if (same) return 'Accepted';
    if (this.entries.length >= rules.maxLength) return 'Rejected';
    const issuer = issuedBy(x509, x509) ? cert : this.entries.find((e) => issuedBy(x509, e.cert.x509))?.cert;
    if (!issuer) return 'Rejected';
    if (rules.additionalRootCheck && type === 'CentralSystemRootCertificate') {
      // One Central System root (plus the previous one as a fallback): the new root must be signed
      // by the one it replaces (M05.FR.08–11).
      const roots = this.entries.filter((e) => e.type === type);
      const current = roots[roots.length - 1];
      if (current && !issuedBy(x509, current.cert.x509)) return 'Rejected';
      for (const old of roots.slice(0, -1)) this.entries.splice(this.entries.indexOf(old), 1);
    }
    this.entries.push({ type, cert, issuer });
    return 'Accepted';
  }

  /**
   * DeleteCertificate (M04): NotFound when no installed certificate has this hash data (computed with
   * the request's algorithm, M04.FR.07); Failed when `inUse` says the connection relies on it
   * (M04.FR.06). The charge point certificate is not in this store, so it cannot be deleted (M04.FR.05).
   */
  remove(hash: CertificateHashDataType, inUse: (e: InstalledCertificate) => boolean): DeleteCertificateStatusEnumType {
    const i = this.entries.findIndex((e) => sameHashData(certificateHashData(e.cert, e.issuer, hash.hashAlgorithm), hash));
    if (i === -1) return 'NotFound';
    if (inUse(this.entries[i])) return 'Failed';
    this.entries.splice(i, 1);
    return 'Accepted';
  }

  /** GetInstalledCertificateIds (M03): the hash data of every certificate of the type. */
  hashData(type: CertificateUseEnumType, hashAlgorithm: HashAlgorithmEnumType = REPORTED_HASH): CertificateHashDataType[] {
    return this.entries.filter((e) => e.type === type).map((e) => certificateHashData(e.cert, e.issuer, hashAlgorithm));
  }

  /** The installed certificates of a type, oldest first. */
  ofType(type: CertificateUseEnumType): X509Certificate[] {
    return this.entries.filter((e) => e.type === type).map((e) => e.cert.x509);
  }
}
