/**
 * 1.6's names for the certificate uses (Security Whitepaper CertificateUseEnumType) in the shared
 * certificate store's neutral words (features/security/certificate-store.ts).
 */
import type { CertificateUse } from '../../features/security/certificate-store.js';
import type { CertificateUseEnumType } from '../generated/types.gen.js';

export const CERTIFICATE_USE: Readonly<Record<CertificateUseEnumType, CertificateUse>> = {
  CentralSystemRootCertificate: 'CsmsRoot',
  ManufacturerRootCertificate: 'ManufacturerRoot',
};
