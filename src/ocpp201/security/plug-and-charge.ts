/**
 * ISO 15118 Plug & Charge as the charging station relays it (it speaks to a simulated EV; the CSMS
 * side is real OCPP 2.0.1):
 * - M01/M02 Get15118EVCertificate: the EV's CertificateInstallationReq (EXI, base64) forwarded to the
 *   CSMS when ISO15118Ctrlr.ContractCertificateInstallationEnabled is true;
 * - C07 authorization with a contract certificate: Authorize with the eMAID (type eMAID) and the
 *   OCSP request data of the EV's contract certificate chain (iso15118CertificateHashData);
 * - M06 GetCertificateStatus: the OCSP request data of our V2G chain's certificates.
 *
 * The EV is simulated, so its EXI message and its contract certificate are too: the EXI bytes are a
 * deterministic stand-in derived from the eMAID, and the contract certificate is one issued under the
 * installed MO root (or V2G root) — its hash data names that root as issuer and a serial derived from
 * the eMAID; without an installed root, the issuer is a name derived from the eMAID's provider.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { certificateHashData, parseCertificate, splitPem, type ParsedCertificate } from '../../features/security/certificate-hash.js';
import { securityState } from '../../features/security/state.js';
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import type { Get15118EVCertificateRequest, GetCertificateStatusRequest, OCSPRequestDataType } from '../generated/types.gen.js';
import { dmValue } from './device-values.js';

/** ISO 15118-2's schema namespace, what an EV of that edition negotiates. */
export const ISO15118_2_SCHEMA = 'urn:iso:15118:2:2013:MsgDef';
/** The OCSP responder named when a certificate carries none (RFC 6960 needs one; the EV's is simulated). */
const DEFAULT_RESPONDER = 'http://ocsp.ocpp-sim.invalid/';

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The OCSP responder a certificate's Authority Information Access names, else the default. */
function responderOf(x509: X509Certificate): string {
  const m = /OCSP - URI:(\S+)/.exec(x509.infoAccess ?? '');
  return (m?.[1] ?? DEFAULT_RESPONDER).slice(0, 512);
}

function ocspData(cert: ParsedCertificate, issuer: ParsedCertificate): OCSPRequestDataType {
  return { ...certificateHashData(cert, issuer, 'SHA256'), responderURL: responderOf(cert.x509) };
}

/**
 * iso15118CertificateHashData of the EV's contract certificate (C07): at most 4 entries; one here,
 * the contract certificate itself.
 */
export function contractHashData(st: Station, emaid: string): OCSPRequestDataType[] {
  const store = securityState(st)?.store;
  const root = store?.entries.find((e) => e.type === 'MORoot') ?? store?.entries.find((e) => e.type === 'V2GRoot');
  const serialNumber = sha256(`contract:${emaid}`).slice(0, 16).toUpperCase().replace(/^0+(?=.)/, '');
  if (root) {
    const { issuerNameHash, issuerKeyHash } = certificateHashData(root.cert, root.cert, 'SHA256');
    return [{ hashAlgorithm: 'SHA256', issuerNameHash, issuerKeyHash, serialNumber, responderURL: responderOf(root.cert.x509) }];
  }
  const provider = emaid.replace(/-/g, '').slice(0, 5).toUpperCase();
  return [{ hashAlgorithm: 'SHA256', issuerNameHash: sha256(`CN=${provider} MO Sub-CA`), issuerKeyHash: sha256(`key:${provider}`), serialNumber, responderURL: DEFAULT_RESPONDER }];
}

/** Whether this station does Plug & Charge now (ISO15118Ctrlr present, PnCEnabled true). */
export function pncEnabled(st: Station): boolean {
  return st.ctx.features.has('ISO15118Ctrlr') && dmValue(st, 'ISO15118Ctrlr', 'PnCEnabled') === 'true';
}

/**
 * M01/M02: the EV asks for a contract certificate (Install) or a newer one (Update); the station
 * forwards its EXI request. Null when the station does not (no ISO15118Ctrlr, or
 * ContractCertificateInstallationEnabled false: M01.FR.01).
 */
export function evCertificateRequest(st: Station, emaid: string, action: 'Install' | 'Update' = 'Install'): OutboundCall | null {
  if (!st.ctx.features.has('ISO15118Ctrlr') || dmValue(st, 'ISO15118Ctrlr', 'ContractCertificateInstallationEnabled') !== 'true') return null;
  // A stand-in for the EV's EXI-encoded CertificateInstallationReq (bounded: 5600 characters base64).
  const exi = Buffer.concat([Buffer.from([0x80, 0x98, 0x02]), createHash('sha256').update(`${action}:${emaid}`).digest()]);
  const payload: Get15118EVCertificateRequest = { iso15118SchemaVersion: ISO15118_2_SCHEMA, action, exiRequest: exi.toString('base64') };
  return new OutboundCall(Kind.Other, 'Get15118EVCertificate', payload as never);
}

/** How often the station refreshes the OCSP status of its V2G chain (M06: the cached responses age). */
const OCSP_REFRESH_MS = 7 * 24 * 3600 * 1000;

/**
 * M06: GetCertificateStatus for each certificate of our V2G chain but its root (the leaf and the
 * sub-CAs, whose status the station staples for the EV), again every week while the chain is there.
 * Returns how many were asked.
 */
export function requestV2gCertificateStatus(st: Station, now = st.ctx.now()): number {
  const own = securityState(st)?.v2gCertificate;
  st.cancel('v2g-ocsp');
  if (!own) return 0;
  st.later(now + OCSP_REFRESH_MS, 'v2g-ocsp', (s, t) => requestV2gCertificateStatus(s, t));
  const chain = splitPem(own.chain).map((p) => parseCertificate(p));
  const roots = securityState(st)?.store?.ofType('V2GRoot') ?? [];
  let n = 0;
  for (let i = 0; i < chain.length && n < 4; i++) {
    const issuer = chain[i + 1] ?? rootOf(chain[i], roots);
    if (!issuer) continue;
    const payload: GetCertificateStatusRequest = { ocspRequestData: ocspData(chain[i], issuer) };
    st.enqueue(new OutboundCall(Kind.Other, 'GetCertificateStatus', payload as never));
    n++;
  }
  return n;
}

function rootOf(cert: ParsedCertificate, roots: X509Certificate[]): ParsedCertificate | undefined {
  const root = roots.find((r) => cert.x509.checkIssued(r) && cert.x509.verify(r.publicKey));
  return root ? parseCertificate(root.toString()) : undefined;
}
