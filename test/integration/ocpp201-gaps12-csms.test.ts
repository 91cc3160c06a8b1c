/**
 * The embedded CSMS answers certificate requests as a CSMS with a CA (A02/A03, M02): SignCertificate
 * Accepted, then CertificateSigned with a chain its own test CA signed (leaf from the CSR, then the
 * sub-CA); Get15118EVCertificate Accepted with a (placeholder) EXI response. Against ocpp-rpc's strict
 * 2.0.1 client and a simulated 2.0.1 charge point that checks and installs the chain.
 */
import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCsr, newKeyPair } from '../../src/features/security/csr.js';
import { securityState } from '../../src/features/security/state.js';
import { splitPem } from '../../src/features/security/certificate-hash.js';
import type { Station } from '../../src/station/station.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE } from '../../src/station/profile.js';
import { csmsWith, rpcClient } from '../helpers/csms-clients.js';
import { embeddedCsmsAndFleet, until } from '../helpers/fleet.js';
import { REQUESTS_201 } from '../helpers/requests-201.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('A02/A03: SignCertificate → CertificateSigned from the CSMS’s own CA', () => {
  it('a simulated 2.0.1 charge point gets a chain it accepts: its CSR’s subject and key, issued by the sub-CA', { timeout: 15_000 }, async () => {
    const { csms, fleet } = await embeddedCsmsAndFleet(cleanups, 1, {
      profile: { ...DEFAULT_PROFILE, name: 'gaps12-201', ocppVersions: ['2.0.1'] },
      driver: { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600 },
    });
    await until(() => csms.connected().includes('TEST001') && csms.stats.ocpp201.received.StatusNotification >= 2, 'boot');
    const st = fleet.shards![0].stations[0] as Station;
    expect(await csms.call('TEST001', 'TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' })).toEqual({ status: 'Accepted' });
    await until(() => securityState(st)?.ownCertificate != null, 'the signed certificate installed', 8000);
    const [leaf, sub] = splitPem(securityState(st)!.ownCertificate!.chain).map((p) => new X509Certificate(p));
    expect(leaf.subject).toMatch(/CN=SIM-TEST001/);
    expect(leaf.checkIssued(sub)).toBe(true);
    expect(leaf.verify(sub.publicKey)).toBe(true);
    expect(sub.ca).toBe(true);
    expect(sub.subject).toMatch(/CN=ocpp-sim CSMS test sub-CA/);
    expect(csms.stats.ocpp201.received.SignCertificate).toBe(1);
    expect(csms.stats.callErrorsSent).toBe(0);
  });

  it('strict client: a real CSR is Accepted and CertificateSigned follows with its type; a malformed one is Rejected; Get15118EVCertificate Accepted with an exiResponse', async () => {
    const csms = await csmsWith();
    const cs = await rpcClient(csms, 'CS001', ['ocpp2.0.1']);
    const signed: any[] = [];
    cs.handle('CertificateSigned', ({ params }: any) => {
      signed.push(params);
      return { status: 'Accepted' };
    });
    await cs.call('BootNotification', REQUESTS_201.BootNotification);
    expect(await cs.call('SignCertificate', { csr: '-----BEGIN CERTIFICATE REQUEST-----' })).toMatchObject({ status: 'Rejected' });
    const { privateKey, publicKey } = newKeyPair();
    const csr = await createCsr(privateKey, publicKey, 'ACME CPO', 'SERIAL-42');
    expect(await cs.call('SignCertificate', { csr, certificateType: 'V2GCertificate' })).toEqual({ status: 'Accepted' });
    await until(() => signed.length === 1, 'CertificateSigned');
    expect(signed[0].certificateType).toBe('V2GCertificate');
    const chain = splitPem(signed[0].certificateChain).map((p) => new X509Certificate(p));
    expect(chain).toHaveLength(2);
    expect(chain[0].checkPrivateKey(privateKey)).toBe(true);
    expect(chain[0].subject).toBe('O=ACME CPO\nCN=SERIAL-42');
    expect(chain[0].verify(chain[1].publicKey)).toBe(true);
    const ev = await cs.call('Get15118EVCertificate', REQUESTS_201.Get15118EVCertificate);
    expect(ev.status).toBe('Accepted');
    expect(Buffer.from(ev.exiResponse, 'base64').length).toBeGreaterThan(0);
    expect(await cs.call('Get15118EVCertificate', { ...REQUESTS_201.Get15118EVCertificate, exiRequest: 'not base64!' })).toMatchObject({ status: 'Failed' });
    expect(cs.failures).toEqual([]);
  });
});
