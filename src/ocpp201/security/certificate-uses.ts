/**
 * 2.0.1's names for the certificate uses (InstallCertificateUseEnumType, GetCertificateIdUseEnumType)
 * in the shared certificate store's neutral words (features/security/certificate-store.ts).
 */
import type { CertificateUse } from '../../features/security/certificate-store.js';
import type { GetCertificateIdUseEnumType, InstallCertificateUseEnumType } from '../generated/types.gen.js';

export const CERTIFICATE_USE: Readonly<Record<InstallCertificateUseEnumType, CertificateUse>> = {
  CSMSRootCertificate: 'CsmsRoot',
  ManufacturerRootCertificate: 'ManufacturerRoot',
  V2GRootCertificate: 'V2GRoot',
  MORootCertificate: 'MORoot',
};

/** The installable types, by neutral use (for GetInstalledCertificateIds). */
export const USE_NAME: Readonly<Record<CertificateUse, Exclude<GetCertificateIdUseEnumType, 'V2GCertificateChain'>>> = {
  CsmsRoot: 'CSMSRootCertificate',
  ManufacturerRoot: 'ManufacturerRootCertificate',
  V2GRoot: 'V2GRootCertificate',
  MORoot: 'MORootCertificate',
};
