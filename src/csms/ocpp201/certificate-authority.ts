/**
 * The embedded CSMS's own test certificate authority (A02/A03: the CSMS forwards a charge point's CSR
 * to a CA and sends the signed chain in CertificateSigned). A root and a sub-CA, made on first use with
 * ECDSA P-256/SHA-256 (A00.FR.503/506) and kept for the life of the CSMS; a CSR is checked (PKCS #10
 * signature) and its subject and key become the leaf's, issued by the sub-CA. The chain sent is the
 * leaf then the sub-CA, as CertificateSignedRequest.certificateChain orders it (from the leaf up, the
 * root left out: the charge point trusts it or not). Test material only: the keys never leave memory.
 *
 * pkijs builds and signs the certificates over WebCrypto; it is loaded on the first CSR only.
 */
import { webcrypto } from 'node:crypto';
import type * as Asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const DAY_MS = 86_400_000;
/** Leaf validity: a year, as a CPO's CA commonly issues charge point certificates. */
const LEAF_DAYS = 365;
const CA_DAYS = 10 * 365;
/** X.509 extension and attribute OIDs (RFC 5280). */
const OID = { cn: '2.5.4.3', o: '2.5.4.10', basicConstraints: '2.5.29.19', keyUsage: '2.5.29.15', extKeyUsage: '2.5.29.37', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

interface Libraries {
  asn1js: typeof Asn1js;
  pkijs: typeof Pkijs;
  engine: Pkijs.CryptoEngine;
}

interface Issuer {
  cert: Pkijs.Certificate;
  key: CryptoKey;
}

export interface TestCa {
  /** The root's PEM: what a charge point would install (InstallCertificate CSMSRootCertificate) to check chains against. */
  readonly rootPem: string;
  /** The chain for a PEM CSR (leaf, then the sub-CA), or a reason it cannot be signed. */
  sign(csrPem: string): Promise<{ ok: true; chain: string } | { ok: false; reason: string }>;
}

let libraries: Promise<Libraries> | null = null;

function load(): Promise<Libraries> {
  return (libraries ??= Promise.all([import('asn1js'), import('pkijs')]).then(([asn1js, pkijs]) => ({
    asn1js,
    pkijs,
    engine: new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }),
  })));
}

/** A new CA (root and sub-CA); about 10 ms. */
export async function createTestCa(name = 'ocpp-sim CSMS'): Promise<TestCa> {
  const lib = await load();
  let serial = 1;
  const rootKeys = await generate();
  const root = await issue(lib, { subject: [[OID.o, name], [OID.cn, `${name} test root CA`]], publicKey: rootKeys.publicKey, issuer: null, signingKey: rootKeys.privateKey, ca: true, days: CA_DAYS, serial: serial++ });
  const subKeys = await generate();
  const sub = await issue(lib, { subject: [[OID.o, name], [OID.cn, `${name} test sub-CA`]], publicKey: subKeys.publicKey, issuer: root, signingKey: rootKeys.privateKey, ca: true, days: CA_DAYS, serial: serial++ });
  const subCa: Issuer = { cert: sub, key: subKeys.privateKey };
  const subPem = pem('CERTIFICATE', sub.toSchema().toBER(false));
  return {
    rootPem: pem('CERTIFICATE', root.toSchema().toBER(false)),
    async sign(csrPem) {
      const der = derOf(csrPem, 'CERTIFICATE REQUEST');
      if (der === null) return { ok: false, reason: 'not a PEM certificate request' };
      let csr: Pkijs.CertificationRequest;
      try {
        csr = lib.pkijs.CertificationRequest.fromBER(der);
        if (!(await csr.verify(lib.engine))) return { ok: false, reason: 'the CSR’s signature does not verify' };
      } catch (e) {
        return { ok: false, reason: `unreadable CSR: ${(e as Error).message}` };
      }
      const leaf = await issue(lib, { subjectOf: csr, issuer: sub, signingKey: subCa.key, ca: false, days: LEAF_DAYS, serial: serial++ });
      return { ok: true, chain: pem('CERTIFICATE', leaf.toSchema().toBER(false)) + subPem };
    },
  };
}

async function generate(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

interface IssueOrder {
  /** A CA's own subject and key … */
  subject?: [string, string][];
  publicKey?: CryptoKey;
  /** … or a leaf's, taken from its CSR. */
  subjectOf?: Pkijs.CertificationRequest;
  /** null: self-signed. */
  issuer: Pkijs.Certificate | null;
  signingKey: CryptoKey;
  ca: boolean;
  days: number;
  serial: number;
}

async function issue({ asn1js, pkijs, engine }: Libraries, o: IssueOrder): Promise<Pkijs.Certificate> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: o.serial });
  const subject = o.subjectOf
    ? pkijs.RelativeDistinguishedNames.fromBER(o.subjectOf.subject.toSchema().toBER(false))
    : new pkijs.RelativeDistinguishedNames({ typesAndValues: o.subject!.map(([type, value]) => new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) })) });
  cert.subject = subject;
  cert.issuer = o.issuer ? pkijs.RelativeDistinguishedNames.fromBER(o.issuer.subject.toSchema().toBER(false)) : pkijs.RelativeDistinguishedNames.fromBER(subject.toSchema().toBER(false));
  const now = Date.now();
  cert.notBefore.value = new Date(now - 60_000); // a minute back: clocks differ a little
  cert.notAfter.value = new Date(now + o.days * DAY_MS);
  if (o.subjectOf) cert.subjectPublicKeyInfo = o.subjectOf.subjectPublicKeyInfo;
  else await cert.subjectPublicKeyInfo.importKey(o.publicKey!, engine);
  const basic = new pkijs.BasicConstraints({ cA: o.ca });
  // keyCertSign|cRLSign for a CA; digitalSignature|keyAgreement for a TLS client key (bits 0 and 4).
  const usage = new asn1js.BitString({ valueHex: new Uint8Array(o.ca ? [0x06] : [0x88]).buffer, unusedBits: o.ca ? 1 : 3 });
  cert.extensions = [
    new pkijs.Extension({ extnID: OID.basicConstraints, critical: true, extnValue: basic.toSchema().toBER(false), parsedValue: basic }),
    new pkijs.Extension({ extnID: OID.keyUsage, critical: true, extnValue: usage.toBER(false) }),
  ];
  if (!o.ca) {
    const eku = new pkijs.ExtKeyUsage({ keyPurposes: [OID.clientAuth] });
    cert.extensions.push(new pkijs.Extension({ extnID: OID.extKeyUsage, extnValue: eku.toSchema().toBER(false), parsedValue: eku }));
  }
  await cert.sign(o.signingKey, 'SHA-256', engine);
  return cert;
}

function derOf(text: string, label: string): ArrayBuffer | null {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(text);
  if (!m) return null;
  const buf = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  return buf.length === 0 ? null : buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Whether `text` holds one PEM certificate request (what is checked before SignCertificate is Accepted). */
export function looksLikeCsr(text: string): boolean {
  return derOf(text, 'CERTIFICATE REQUEST') !== null;
}
