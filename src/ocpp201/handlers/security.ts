/**
 * OCPP 2.0.1 security (block A) and ISO 15118 certificate management (block M) as the charging station
 * answers them: InstallCertificate (M05), GetInstalledCertificateIds (M03), DeleteCertificate (M04),
 * CertificateSigned (A02/A03). The certificate store, the chain checks and the CSR are shared with 1.6
 * (features/security/); the 2.0.1 specifics live in ../security/.
 */
import {
  certificateHashData,
  parseCertificate,
  sameHashData,
  splitPem,
  type CertificateHashData,
  type HashAlgorithm,
  type ParsedCertificate,
} from '../../features/security/certificate-hash.js';
import { CertificateStore } from '../../features/security/certificate-store.js';
import { securityOf, securityState } from '../../features/security/state.js';
import { verifiesConnection } from '../../features/security/trust.js';
import type { Station } from '../../station/station.js';
import type {
  CertificateHashDataChainType,
  CertificateSignedRequest,
  CertificateSignedResponse,
  DeleteCertificateRequest,
  DeleteCertificateResponse,
  GetCertificateIdUseEnumType,
  GetInstalledCertificateIdsRequest,
  GetInstalledCertificateIdsResponse,
  InstallCertificateRequest,
  InstallCertificateResponse,
} from '../generated/types.gen.js';
import { findVariable } from '../device-model/index.js';
import { modelOf } from '../station-model.js';
import { CERTIFICATE_USE, USE_NAME } from '../security/certificate-uses.js';
import { requestV2gCertificateStatus } from '../security/plug-and-charge.js';
import { dmValue } from '../security/device-values.js';
import { acceptSignedChain, combinedPending } from '../security/signing.js';

/** How many CA certificates the store holds at most: SecurityCtrlr.CertificateEntries' maxLimit. */
export function certificateCapacity(st: Station): number {
  return findVariable(modelOf(st.ctx.profile).dm, 'SecurityCtrlr', 'CertificateEntries')?.characteristics.maxLimit ?? 20;
}

/** SecurityCtrlr.CertificateEntries: the certificates installed now (CA certificates and our own chains). */
export function certificateEntries(st: Station): number {
  const sec = securityState(st);
  if (sec === null) return 0;
  // A combined certificate is one entry for both uses.
  return (sec.store?.entries.length ?? 0) + (sec.ownCertificate ? 1 : 0) + (sec.v2gCertificate && sec.v2gCertificate !== sec.ownCertificate ? 1 : 0);
}

/**
 * M05: the certificate is checked (PEM, a CA certificate, not expired, self-signed or issued by one
 * installed) and stored. Rejected when it is invalid (M05.FR.02); Failed when it cannot be stored
 * because the store is full — CertificateEntries' maxLimit (M05.FR.03: "the installation failed").
 */
export function installCertificate(st: Station, req: InstallCertificateRequest, now: number): InstallCertificateResponse {
  const store = (securityOf(st).store ??= new CertificateStore());
  const capacity = certificateCapacity(st);
  const before = store.entries.length;
  const status = store.install(CERTIFICATE_USE[req.certificateType], req.certificate, {
    maxLength: capacity,
    additionalRootCheck: dmValue(st, 'SecurityCtrlr', 'AdditionalRootCertificateCheck') === 'true',
    now,
  });
  // A05.FR.07: a new CSMS root (what a security profile upgrade needs) is reported as a security event.
  if (status === 'Accepted' && req.certificateType === 'CSMSRootCertificate' && store.entries.length > before) {
    st.ctx.securityEvent(st, 'ReconfigurationOfSecurityParameters', 'CSMSRootCertificate installed', now);
  }
  if (status !== 'Rejected') return { status };
  if (store.lastRejection === 'full') return { status: 'Failed', statusInfo: { reasonCode: 'OutOfStorage', additionalInfo: `the certificate store is full (${capacity} entries)` } };
  return { status, statusInfo: { reasonCode: 'InvalidCertificate', additionalInfo: 'not a valid, unexpired CA certificate of a known hierarchy' } };
}

/**
 * M04: the certificate with this hash data (in the request's hash algorithm, M04.FR.07) is deleted;
 * NotFound when none has it. Failed for our Charging Station certificate (M04.FR.06) and for a CSMS
 * root the open TLS connection was verified with (the station would cut itself off; 1.6's M04.FR.06).
 * Our V2G certificate may go: the CSMS can have a new one signed (A03).
 */
export function deleteCertificate(st: Station, req: DeleteCertificateRequest): DeleteCertificateResponse {
  const sec = securityState(st);
  const hash = req.certificateHashData;
  const isLeafOf = (chain: string | undefined) => {
    const leaf = chain === undefined ? null : chainHashData(st, chain, hash.hashAlgorithm)?.[0];
    return leaf != null && sameHashData(leaf, hash);
  };
  if (isLeafOf(sec?.ownCertificate?.chain)) return { status: 'Failed', statusInfo: { reasonCode: 'NotSupported', additionalInfo: 'the Charging Station certificate cannot be deleted' } };
  if (isLeafOf(sec?.v2gCertificate?.chain)) {
    sec!.v2gCertificate = null;
    return { status: 'Accepted' };
  }
  const store = sec?.store;
  if (!store) return { status: 'NotFound' };
  const status = store.remove(hash, (e) => verifiesConnection(st, e));
  return status === 'Failed' ? { status, statusInfo: { reasonCode: 'InUse', additionalInfo: 'the CSMS root certificate of the current connection' } } : { status };
}

/**
 * M03: the hash data of the installed certificates of the types asked for (all when none is given);
 * V2GCertificateChain is our own V2G certificate with its sub-CAs as childCertificateHashData
 * (at most 4). NotFound when there is none (M03.FR.02).
 */
export function getInstalledCertificateIds(st: Station, req: GetInstalledCertificateIdsRequest): GetInstalledCertificateIdsResponse {
  const types: GetCertificateIdUseEnumType[] = req.certificateType ?? ['V2GRootCertificate', 'MORootCertificate', 'CSMSRootCertificate', 'V2GCertificateChain', 'ManufacturerRootCertificate'];
  const sec = securityState(st);
  const out: CertificateHashDataChainType[] = [];
  for (const e of sec?.store?.entries ?? []) {
    const certificateType = USE_NAME[e.type];
    if (types.includes(certificateType)) out.push({ certificateType, certificateHashData: certificateHashData(e.cert, e.issuer, 'SHA256') });
  }
  if (types.includes('V2GCertificateChain') && sec?.v2gCertificate) {
    const chain = v2gChainHashData(st, sec.v2gCertificate.chain);
    if (chain) out.push(chain);
  }
  return out.length > 0 ? { status: 'Accepted', certificateHashDataChain: out } : { status: 'NotFound' };
}

/** The hash data of each certificate of one of our chains, leaf first: each issued by the next, the last by an installed root. */
function chainHashData(st: Station, chainPem: string, algorithm: HashAlgorithm = 'SHA256'): CertificateHashData[] | null {
  let chain: ParsedCertificate[];
  try {
    chain = splitPem(chainPem).map((p) => parseCertificate(p));
  } catch {
    return null;
  }
  const roots = securityState(st)?.store?.entries ?? [];
  const issuerOf = (i: number): ParsedCertificate => chain[i + 1] ?? roots.find((r) => chain[i].x509.checkIssued(r.cert.x509))?.cert ?? chain[i];
  return chain.map((c, i) => certificateHashData(c, issuerOf(i), algorithm));
}

function v2gChainHashData(st: Station, chainPem: string): CertificateHashDataChainType | null {
  const hashes = chainHashData(st, chainPem);
  if (!hashes?.length) return null;
  const [leaf, ...subCas] = hashes;
  return subCas.length > 0 ? { certificateType: 'V2GCertificateChain', certificateHashData: leaf, childCertificateHashData: subCas.slice(0, 4) } : { certificateType: 'V2GCertificateChain', certificateHashData: leaf };
}

/**
 * A02/A03: see acceptSignedChain (security/signing.ts). Without certificateType it is the certificate
 * of a combined CSR when one is outstanding (for both uses), else the Charging Station certificate.
 * A V2G (or combined) chain is then checked for revocation (M06).
 */
export function certificateSigned(st: Station, req: CertificateSignedRequest, now: number): CertificateSignedResponse {
  const use = req.certificateType ?? (combinedPending(st) ? 'Combined' : 'ChargingStationCertificate');
  const result = acceptSignedChain(st, use, req.certificateChain, now);
  if (!result.ok) return { status: 'Rejected', statusInfo: { reasonCode: 'InvalidCertificate', additionalInfo: result.reason.slice(0, 512) } };
  if (use !== 'ChargingStationCertificate') requestV2gCertificateStatus(st, now);
  return { status: 'Accepted' };
}
