/**
 * Security extension rules without sockets: CertificateHashData against openssl's own OCSP CertID,
 * the certificate store's Install/Delete/GetInstalledCertificateIds rules, AuthorizationKey values,
 * the bounded security log, our CSR (checked by openssl) and the CertificateSigned chain checks.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateHashData, parseCertificate } from '../../src/features/security/certificate-hash.js';
import { CertificateStore } from '../../src/features/security/certificate-store.js';
import { checkSignedChain } from '../../src/features/security/client-certificate.js';
import { tlsUrl } from '../../src/features/security/connection.js';
import { parseAuthorizationKey } from '../../src/ocpp16/security/authorization-key.js';
import { CERTIFICATE_USE } from '../../src/ocpp16/security/certificate-uses.js';
import { basicAuthorization } from '../../src/protocol/basic-auth.js';
import { createCsr, newKeyPair } from '../../src/features/security/csr.js';
import { formatLogLine, SecurityLog } from '../../src/features/security/security-log.js';
import { TestPki } from '../helpers/test-ca.js';

let pki: TestPki;
const pem: Record<string, string> = {};
const NOW = Date.now();
const rules = { maxLength: 3, additionalRootCheck: false, now: NOW };

beforeAll(() => {
  pki = new TestPki();
  pem.root = pki.root('root');
  pem.other = pki.root('other');
  pem.sub = pki.leaf('sub', 'root', '/O=Test/CN=sub CA', { asCa: true }).cert;
  pem.leaf = pki.leaf('leaf', 'root', '/O=Test/CN=not a CA').cert;
});
afterAll(() => pki.dispose());

/** openssl's OCSP CertID of `cert` issued by `issuer` (files in the PKI folder). */
function opensslCertId(cert: string, issuer: string, alg: 'sha256' | 'sha384' | 'sha512') {
  const text = pki.openssl('ocsp', '-issuer', `${issuer}.pem`, `-${alg}`, '-cert', `${cert}.pem`, '-req_text', '-no_nonce').replace(/\\\n/g, '');
  const field = (name: string) => new RegExp(`${name}: (\\S+)`).exec(text)![1];
  return { issuerNameHash: field('Issuer Name Hash'), issuerKeyHash: field('Issuer Key Hash'), serialNumber: field('Serial Number') };
}

describe('CertificateHashData (Whitepaper §6.1, RFC 6960)', () => {
  for (const [alg, name] of [['SHA256', 'sha256'], ['SHA384', 'sha384'], ['SHA512', 'sha512']] as const) {
    it(`matches openssl's OCSP CertID with ${alg}, for a root and for a certificate it issued`, () => {
      const root = parseCertificate(pem.root);
      const sub = parseCertificate(pem.sub);
      for (const [cert, issuer, file, issuerFile] of [[root, root, 'root', 'root'], [sub, root, 'sub', 'root']] as const) {
        const ours = certificateHashData(cert, issuer, alg);
        const theirs = opensslCertId(file, issuerFile, name);
        expect(ours.hashAlgorithm).toBe(alg);
        expect(ours.issuerNameHash.toUpperCase()).toBe(theirs.issuerNameHash);
        expect(ours.issuerKeyHash.toUpperCase()).toBe(theirs.issuerKeyHash);
        expect(ours.serialNumber).toBe(theirs.serialNumber.replace(/^0+/, ''));
      }
    });
  }

  it('writes the serial number in hexadecimal without leading zeroes', () => {
    expect(parseCertificate(pem.sub).serialHex).toBe('1000'); // -set_serial 4096
  });

  it('refuses what is not exactly one PEM certificate', () => {
    expect(() => parseCertificate('hello')).toThrow(/no PEM/);
    expect(() => parseCertificate(pem.root + pem.other)).toThrow(/more than one/);
    expect(() => parseCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow();
  });
});

describe('CertificateStore (M03, M04, M05)', () => {
  // The store speaks neutral certificate uses; 1.6's names map into them.
  const CS_ROOT = CERTIFICATE_USE.CentralSystemRootCertificate;
  const MF_ROOT = CERTIFICATE_USE.ManufacturerRootCertificate;

  it('installs roots and CA certificates issued by installed ones, lists them by type', () => {
    const store = new CertificateStore();
    expect(store.hashData(CS_ROOT)).toEqual([]);
    expect(store.install(CS_ROOT, pem.root, rules)).toBe('Accepted');
    expect(store.install(CS_ROOT, pem.sub, rules)).toBe('Accepted');
    expect(store.install(MF_ROOT, pem.other, rules)).toBe('Accepted');
    expect(store.hashData(CS_ROOT)).toHaveLength(2);
    expect(store.hashData(MF_ROOT)).toEqual([certificateHashData(parseCertificate(pem.other), parseCertificate(pem.other), 'SHA256')]);
    expect(store.ofType(MF_ROOT)[0].fingerprint256).toBe(new X509Certificate(pem.other).fingerprint256);
  });

  it('rejects invalid certificates: not PEM, not a CA, no known issuer (M05.FR.06)', () => {
    const store = new CertificateStore();
    expect(store.install(CS_ROOT, 'garbage', rules)).toBe('Rejected');
    expect(store.install(CS_ROOT, pem.sub, rules)).toBe('Rejected'); // its root is not installed
    expect(store.install(CS_ROOT, pem.root, rules)).toBe('Accepted');
    expect(store.install(CS_ROOT, pem.leaf, rules)).toBe('Rejected'); // CA:FALSE
  });

  it('rejects when CertificateStoreMaxLength certificates are installed (M05.FR.03); a re-install is idempotent', () => {
    const store = new CertificateStore();
    const small = { ...rules, maxLength: 1 };
    expect(store.install(CS_ROOT, pem.root, small)).toBe('Accepted');
    expect(store.install(CS_ROOT, pem.root, small)).toBe('Accepted');
    expect(store.install(MF_ROOT, pem.other, small)).toBe('Rejected');
    expect(store.entries).toHaveLength(1);
  });

  it('with AdditionalRootCertificateCheck, a new Central System root must be signed by the current one (M05.FR.09/10)', () => {
    const store = new CertificateStore();
    const strict = { ...rules, additionalRootCheck: true };
    expect(store.install(CS_ROOT, pem.root, strict)).toBe('Accepted');
    expect(store.install(CS_ROOT, pem.other, strict)).toBe('Rejected');
    expect(store.install(CS_ROOT, pem.sub, strict)).toBe('Accepted'); // signed by root; root kept as fallback
    expect(store.hashData(CS_ROOT)).toHaveLength(2);
  });

  it('deletes by hash data in any algorithm, NotFound otherwise, Failed when in use (M04)', () => {
    const store = new CertificateStore();
    store.install(CS_ROOT, pem.root, rules);
    store.install(MF_ROOT, pem.other, rules);
    const other = parseCertificate(pem.other);
    const root = parseCertificate(pem.root);
    expect(store.remove(certificateHashData(root, root, 'SHA512'), () => true)).toBe('Failed');
    const h = certificateHashData(other, other, 'SHA384');
    const shouting = { ...h, issuerKeyHash: h.issuerKeyHash.toUpperCase(), serialNumber: `00${h.serialNumber}` };
    expect(store.remove(shouting, () => false)).toBe('Accepted');
    expect(store.remove(h, () => false)).toBe('NotFound');
    expect(store.hashData(MF_ROOT)).toEqual([]);
    expect(store.hashData(CS_ROOT)).toHaveLength(1);
  });
});

describe('AuthorizationKey and connection settings', () => {
  it('takes 16 to 20 bytes in hexadecimal (A00.FR.205)', () => {
    const key = Buffer.from('OCA_OCTT_admin_test').toString('hex');
    expect(parseAuthorizationKey(key)?.toString()).toBe('OCA_OCTT_admin_test');
    expect(parseAuthorizationKey('00'.repeat(16))).toHaveLength(16);
    expect(parseAuthorizationKey('ab'.repeat(20))).toHaveLength(20);
    for (const bad of ['00'.repeat(15), 'ab'.repeat(21), 'not hex at all, not hex at all!!', '0'.repeat(33), '']) expect(parseAuthorizationKey(bad)).toBeNull();
  });

  it('sends identity and password octets in the Basic header; TLS URL for ws://', () => {
    expect(basicAuthorization('CP1', Buffer.from([0xff, 0x00]))).toBe('Basic ' + Buffer.from([0x43, 0x50, 0x31, 0x3a, 0xff, 0x00]).toString('base64'));
    expect(basicAuthorization('CP1', 'secret')).toBe('Basic ' + Buffer.from('CP1:secret').toString('base64'));
    expect(tlsUrl('ws://host:9000/ocpp/CP1')).toBe('wss://host:9000/ocpp/CP1');
    expect(tlsUrl('wss://host/ocpp/CP1')).toBe('wss://host/ocpp/CP1');
  });
});

describe('security log', () => {
  it('keeps the latest events in a bounded ring, oldest first', () => {
    const log = new SecurityLog(3);
    for (let i = 1; i <= 5; i++) log.add({ at: Date.UTC(2025, 0, 1, 0, 0, i), type: `E${i}`, techInfo: i === 5 ? 'why' : undefined });
    expect(log.size).toBe(3);
    expect(log.list().map((e) => e.type)).toEqual(['E3', 'E4', 'E5']);
    expect(formatLogLine(log.list()[2])).toBe('2025-01-01T00:00:05.000Z E5 why');
    log.clear();
    expect(log.list()).toEqual([]);
  });
});

describe('CSR and CertificateSigned checks (A02)', () => {
  it('makes a PKCS #10 request openssl verifies, with O = CpoName and CN = serial number', async () => {
    const { privateKey, publicKey } = newKeyPair();
    const csr = await createCsr(privateKey, publicKey, 'Test CPO', 'SER-0001');
    pki.write('cp.csr', csr);
    const text = pki.openssl('req', '-in', 'cp.csr', '-noout', '-verify', '-subject');
    expect(text).toMatch(/subject=O = Test CPO, CN = SER-0001/);
    // A CA signs it, and the signed certificate passes our checks against the root.
    const signed = pki.signCsr('cp', csr, 'root');
    const want = { key: privateKey, subject: { o: 'Test CPO', cn: 'SER-0001' }, roots: [new X509Certificate(pem.root)], maxChainSize: 10000, now: Date.now() };
    const x = new X509Certificate(signed);
    expect(checkSignedChain(signed, want)).toEqual({ ok: true, notBefore: Date.parse(x.validFrom), notAfter: Date.parse(x.validTo) });
    // With its sub CA in the chain it still chains to the root.
    const viaSub = pki.signCsr('cp2', csr, 'sub');
    expect(checkSignedChain(viaSub + pem.sub, want).ok).toBe(true);
    expect(checkSignedChain(viaSub, want)).toEqual({ ok: false, reason: 'not issued under a trusted Central System root' });
    // Someone else's key, another CPO, a foreign root, too long, not PEM.
    expect(checkSignedChain(signed, { ...want, key: newKeyPair().privateKey })).toMatchObject({ ok: false, reason: /key of our CSR/ });
    expect(checkSignedChain(signed, { ...want, subject: { o: 'Other CPO', cn: 'SER-0001' } })).toMatchObject({ ok: false, reason: /CpoName/ });
    expect(checkSignedChain(signed, { ...want, roots: [new X509Certificate(pem.other)] })).toMatchObject({ ok: false });
    expect(checkSignedChain(signed, { ...want, maxChainSize: 100 })).toMatchObject({ ok: false, reason: /MaxChainSize/ });
    expect(checkSignedChain('nothing', want)).toMatchObject({ ok: false, reason: /no PEM/ });
    expect(checkSignedChain(signed, { ...want, roots: [] }).ok).toBe(true); // no roots known: no hierarchy to check
  });
});
