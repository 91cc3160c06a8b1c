/**
 * Key pairs and PKCS #10 certificate signing requests for SignCertificate (Security Whitepaper
 * A02.FR.02/03, A03): an ECDSA P-256 key (A00.FR.503: ≥ 224 bits for elliptic curves) generated with
 * Node's crypto, and a CSR signed with SHA-256 (A00.FR.506), PEM encoded. Node can make keys but not
 * CSRs; pkijs builds and signs the request over WebCrypto. It is loaded on the first request only:
 * most charge points never make one, and loading it costs each worker thread ~11 MiB.
 *
 * Subject: O = CpoName (A02.FR.13), CN = the charge point's serial number (A00.FR.511), each in its
 * own RDN (pkijs would put both into one multi-valued RDN, so the Name is encoded here).
 */
import { generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import type * as Asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const OID_ORGANIZATION = '2.5.4.10';
const OID_COMMON_NAME = '2.5.4.3';

let libraries: { asn1js: typeof Asn1js; pkijs: typeof Pkijs; engine: Pkijs.CryptoEngine } | null = null;

async function load(): Promise<NonNullable<typeof libraries>> {
  if (!libraries) {
    const [asn1js, pkijs] = await Promise.all([import('asn1js'), import('pkijs')]);
    libraries = { asn1js, pkijs, engine: new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }) };
  }
  return libraries;
}

/** A new key pair (synchronous, about a millisecond): only ever made on demand, never at boot. */
export function newKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

/** A PEM PKCS #10 request for the public key, signed with the private key. */
export async function createCsr(privateKey: KeyObject, publicKey: KeyObject, organization: string, commonName: string): Promise<string> {
  const { asn1js, pkijs, engine } = await load();
  const signingKey = await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), EC_KEY, false, ['sign']);
  const csr = new pkijs.CertificationRequest();
  const name = nameDer(asn1js, pkijs, [
    [OID_ORGANIZATION, organization],
    [OID_COMMON_NAME, commonName],
  ]);
  csr.subject = new pkijs.RelativeDistinguishedNames({ valueBeforeDecode: name });
  csr.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(publicKey.export({ type: 'spki', format: 'der' }));
  await csr.sign(signingKey as never, 'SHA-256', engine);
  return toPem('CERTIFICATE REQUEST', csr.toSchema().toBER(false));
}

/** DER of an X.501 Name with one attribute per RDN, in order (UTF8String values). */
function nameDer(asn1js: typeof Asn1js, pkijs: typeof Pkijs, attributes: [string, string][]): ArrayBuffer {
  const rdns = attributes.map(
    ([type, value]) => new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }).toSchema()] }),
  );
  return new asn1js.Sequence({ value: rdns }).toBER(false);
}

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
