/**
 * The embedded CSMS's answers to a charge point's certificate requests, as a CSMS with a CA answers:
 * - SignCertificate (A02/A03): Accepted when the CSR is a PEM certificate request (Rejected otherwise),
 *   then the CSR goes to this CSMS's own test CA (certificate-authority.ts) and the chain comes back
 *   in a CertificateSigned CALL with the same certificateType. A CSR whose signature fails is not
 *   signed (logged): the charge point's own wait for CertificateSigned and its retry then apply.
 * - Get15118EVCertificate (M02): Accepted with an exiResponse. We run no ISO 15118 contract
 *   certificate pool: the EXI CertificateInstallationRes/CertificateUpdateRes is a base64 placeholder
 *   (valid base64, not a real EXI document), enough for the charge point's side of the flow.
 */
import type { Get15118EVCertificateRequest, Get15118EVCertificateResponse, SignCertificateRequest, SignCertificateResponse, CertificateSignedRequest } from '../../ocpp201/generated/types.gen.js';
import type { Connection } from '../connection.js';
import type { CsmsCore } from '../core.js';
import { startCall } from '../outbound.js';
import { createTestCa, looksLikeCsr, type TestCa } from './certificate-authority.js';

/** One CA per CSMS, made on the first CSR. */
const cas = new WeakMap<CsmsCore, Promise<TestCa>>();

/** This CSMS's test CA (its root is what a charge point installs to check our chains). */
export function testCaOf(core: CsmsCore): Promise<TestCa> {
  let ca = cas.get(core);
  if (ca === undefined) cas.set(core, (ca = createTestCa()));
  return ca;
}

const ACCEPTED = Object.freeze({ status: 'Accepted' as const });
const REJECTED = Object.freeze({ status: 'Rejected' as const, statusInfo: Object.freeze({ reasonCode: 'InvalidCSR', additionalInfo: 'csr is not a PEM certificate request' }) });

export function signCertificate(conn: Connection, req: SignCertificateRequest): SignCertificateResponse {
  if (!looksLikeCsr(req.csr)) return REJECTED;
  // After the answer (the CA is asynchronous, so this runs after the CALLRESULT is sent).
  void issueAndSend(conn, req);
  return ACCEPTED;
}

async function issueAndSend(conn: Connection, req: SignCertificateRequest): Promise<void> {
  const core = conn.core;
  try {
    const signed = await (await testCaOf(core)).sign(req.csr);
    if (!signed.ok) {
      core.logger.line(`csms: SignCertificate from ${conn.identity} not signed: ${signed.reason}`);
      return;
    }
    const payload: CertificateSignedRequest = { certificateChain: signed.chain };
    if (req.certificateType !== undefined) payload.certificateType = req.certificateType;
    await startCall(conn, 'CertificateSigned', payload, core.settings.callTimeoutMs);
  } catch (e) {
    core.logger.line(`csms: CertificateSigned to ${conn.identity} failed: ${(e as Error).message}`);
  }
}

/** base64 of a marker: what stands in for the EXI-encoded ISO 15118 response (M02). */
const EXI_PLACEHOLDER = Buffer.from('ocpp-sim: EXI CertificateInstallationRes placeholder').toString('base64');

export function get15118EVCertificate(_conn: Connection, req: Get15118EVCertificateRequest): Get15118EVCertificateResponse {
  // exiRequest is the EV's base64 EXI request: an empty or non-base64 one cannot be forwarded.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(req.exiRequest)) return { status: 'Failed', statusInfo: { reasonCode: 'InvalidValue', additionalInfo: 'exiRequest is not base64' }, exiResponse: '' };
  return { status: 'Accepted', exiResponse: EXI_PLACEHOLDER };
}
