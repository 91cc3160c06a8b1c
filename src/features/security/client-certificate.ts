/**
 * The checks a charge point makes on its signed certificate in CertificateSigned (Security Whitepaper
 * A02.FR.06, A03.FR.06): the chain fits CertificateSignedMaxChainSize, every certificate parses, the
 * first one is ours (matches the key of our CSR and the subject we asked for, A00.FR.509/511), it is
 * not expired, each certificate is signed by the next, and the chain ends under a trusted Central
 * System root (the Charge Point Operator hierarchy, §2.6.2) when the charge point has any.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { issuedBy, splitPem } from './certificate-hash.js';

export type ChainCheck = { ok: true; notBefore: number; notAfter: number } | { ok: false; reason: string };

export interface ChainExpectations {
  key: KeyObject;
  subject: { o: string; cn: string };
  /** Trusted Central System roots (installed and the fleet's CA); none = no hierarchy to check. */
  roots: X509Certificate[];
  maxChainSize: number;
  now: number;
}

export function checkSignedChain(chainPem: string, want: ChainExpectations): ChainCheck {
  if (want.maxChainSize > 0 && chainPem.length > want.maxChainSize) return { ok: false, reason: 'certificate chain exceeds CertificateSignedMaxChainSize' };
  const blocks = splitPem(chainPem);
  if (blocks.length === 0) return { ok: false, reason: 'no PEM certificate' };
  let chain: X509Certificate[];
  try {
    chain = blocks.map((b) => new X509Certificate(b));
  } catch (err) {
    return { ok: false, reason: `unparsable certificate: ${(err as Error).message}` };
  }
  const leaf = chain[0];
  if (!leaf.checkPrivateKey(want.key)) return { ok: false, reason: 'certificate does not match the key of our CSR' };
  const subject = subjectFields(leaf.subject);
  if (subject.get('CN') !== want.subject.cn) return { ok: false, reason: `CN is not our serial number ${want.subject.cn}` };
  if (want.subject.o && subject.get('O') !== want.subject.o) return { ok: false, reason: `O is not CpoName ${want.subject.o}` };
  const notBefore = Date.parse(leaf.validFrom);
  const notAfter = Date.parse(leaf.validTo);
  if (notAfter < want.now) return { ok: false, reason: 'certificate expired' };
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!issuedBy(chain[i], chain[i + 1])) return { ok: false, reason: `certificate ${i + 1} of the chain is not signed by the next` };
  }
  const top = chain[chain.length - 1];
  if (want.roots.length > 0 && !want.roots.some((r) => r.fingerprint256 === top.fingerprint256 || issuedBy(top, r))) {
    return { ok: false, reason: 'not issued under a trusted Central System root' };
  }
  return { ok: true, notBefore, notAfter };
}

/** Node's subject string ("O=Acme\nCN=SER-1") as a map of the first value per attribute. */
function subjectFields(subject: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of subject.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !out.has(line.slice(0, eq))) out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}
