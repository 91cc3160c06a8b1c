/**
 * Just enough DER (ITU-T X.690) to find two fields in an X.509 certificate: the issuer Name and the
 * subjectPublicKey bits (RFC 5280 §4.1), for CertificateHashData. Node's X509Certificate gives
 * neither as DER, and a full ASN.1 library costs every worker thread ~11 MiB to load for a feature
 * most charge points never use.
 */

/** One DER element: its tag, and where it starts, its contents start and it ends in the buffer. */
interface Element {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

function element(der: Uint8Array, at: number): Element {
  if (at + 2 > der.length) throw new Error('truncated DER');
  const tag = der[at];
  let length = der[at + 1];
  let p = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[p++];
  }
  if (p + length > der.length) throw new Error('truncated DER');
  return { tag, start: at, contentStart: p, end: p + length };
}

function children(der: Uint8Array, parent: Element): Element[] {
  const out: Element[] = [];
  for (let p = parent.contentStart; p < parent.end; ) {
    const child = element(der, p);
    out.push(child);
    p = child.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const BIT_STRING = 0x03;
/** [0] EXPLICIT version, present from X.509 v2 on. */
const VERSION_TAG = 0xa0;

/** The issuer Name (whole DER element) and the subjectPublicKey BIT STRING's key bits of a certificate. */
export function certificateFields(der: Uint8Array): { issuerDer: Uint8Array; keyBits: Uint8Array } {
  const certificate = element(der, 0);
  const [tbs] = children(der, certificate);
  if (certificate.tag !== SEQUENCE || tbs?.tag !== SEQUENCE) throw new Error('not an X.509 certificate');
  const fields = children(der, tbs);
  // tbsCertificate: [version], serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo…
  const first = fields[0]?.tag === VERSION_TAG ? 1 : 0;
  const issuer = fields[first + 2];
  const spki = fields[first + 5];
  if (issuer?.tag !== SEQUENCE || spki?.tag !== SEQUENCE) throw new Error('not an X.509 certificate');
  const key = children(der, spki)[1];
  if (key?.tag !== BIT_STRING) throw new Error('no subjectPublicKey');
  // The BIT STRING's first content octet counts the unused bits; the key bits follow it.
  return { issuerDer: der.subarray(issuer.start, issuer.end), keyBits: der.subarray(key.contentStart + 1, key.end) };
}
