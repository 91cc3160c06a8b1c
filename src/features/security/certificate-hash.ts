/**
 * X.509 certificates as the security extension identifies them: PEM parsing and CertificateHashData
 * (Security Whitepaper §6.1, edition 3 wording; RFC 6960 CertID): the issuer's DN hash over the DER
 * of the certificate's issuer field, the issuer's key hash over the value of its subjectPublicKey
 * BIT STRING (without tag, length and the unused-bits octet), and the serial number in hexadecimal
 * without leading zeroes. OCPP 2.0.1 uses the same CertificateHashDataType (A02, M03, M04).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { certificateFields } from './der.js';

/** HashAlgorithmEnumType, the same in the 1.6 Security Whitepaper and 2.0.1. */
export type HashAlgorithm = 'SHA256' | 'SHA384' | 'SHA512';

/** CertificateHashDataType (RFC 6960 CertID), the same in the 1.6 Security Whitepaper and 2.0.1. */
export interface CertificateHashData {
  hashAlgorithm: HashAlgorithm;
  /** Hexadecimal hash of the issuer's distinguished name (DER). */
  issuerNameHash: string;
  /** Hexadecimal hash of the issuer's public key bits. */
  issuerKeyHash: string;
  /** Hexadecimal serial number, no leading zeroes. */
  serialNumber: string;
}

export interface ParsedCertificate {
  pem: string;
  x509: X509Certificate;
  /** DER of the issuer Name. */
  issuerDer: Uint8Array;
  /** The subjectPublicKey BIT STRING's value (key bits only). */
  keyBits: Uint8Array;
  /** Hexadecimal, upper case, no leading zeroes ("FFF" for 4095). */
  serialHex: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The CERTIFICATE blocks of a PEM text, in order. */
export function splitPem(text: string): string[] {
  return text.match(PEM_BLOCK) ?? [];
}

/** Parses one PEM certificate; throws with a readable message when it is not one. */
export function parseCertificate(pem: string): ParsedCertificate {
  const blocks = splitPem(pem);
  if (blocks.length !== 1) throw new Error(blocks.length === 0 ? 'no PEM certificate' : 'more than one certificate');
  const x509 = new X509Certificate(blocks[0]);
  const { issuerDer, keyBits } = certificateFields(new Uint8Array(x509.raw));
  return { pem: blocks[0], x509, issuerDer, keyBits, serialHex: x509.serialNumber.toUpperCase().replace(/^0+(?=.)/, '') };
}

const NODE_HASH: Readonly<Record<HashAlgorithm, string>> = { SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

/** CertificateHashData of `cert`, whose issuer is `issuer` (the certificate itself for a root). */
export function certificateHashData(cert: ParsedCertificate, issuer: ParsedCertificate, hashAlgorithm: HashAlgorithm): CertificateHashData {
  const h = NODE_HASH[hashAlgorithm];
  return {
    hashAlgorithm,
    issuerNameHash: createHash(h).update(cert.issuerDer).digest('hex'),
    issuerKeyHash: createHash(h).update(issuer.keyBits).digest('hex'),
    serialNumber: cert.serialHex,
  };
}

/** Whether two CertificateHashData name the same certificate (CiStrings; serials without leading zeroes). */
export function sameHashData(a: CertificateHashData, b: CertificateHashData): boolean {
  const serial = (s: string) => s.toUpperCase().replace(/^0+(?=.)/, '');
  return (
    a.hashAlgorithm === b.hashAlgorithm &&
    a.issuerNameHash.toLowerCase() === b.issuerNameHash.toLowerCase() &&
    a.issuerKeyHash.toLowerCase() === b.issuerKeyHash.toLowerCase() &&
    serial(a.serialNumber) === serial(b.serialNumber)
  );
}

/** True when `issuer` issued and signed `cert` (names match and the signature verifies). */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}
