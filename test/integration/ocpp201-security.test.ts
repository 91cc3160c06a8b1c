/**
 * OCPP 2.0.1 security (block A) and ISO 15118 certificate management (block M) end to end on
 * loopback. Against the strict ocpp-rpc 2.0.1 peer (every message both ways validated against the
 * official schemas): the certificate store (M03–M05), CSRs signed by a test CA (A02/A03, for the
 * Charging Station and the V2G certificate) with their retries, BasicAuthPassword being write-only,
 * security events, and a Plug & Charge session (C07, M01, M06). Against the embedded CSMS over
 * ws:// and wss://: BasicAuthPassword rotation, and security profile 1 → 2 → 3 upgrades through
 * SetNetworkProfile + NetworkConfigurationPriority + Reset, with a fallback when the new profile fails.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { certificateHashData, parseCertificate } from '../../src/features/security/certificate-hash.js';
import { loadScenario } from '../../src/scenario/parse.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer201, type Received } from '../helpers/ocpp-rpc-peer-201.js';
import { TestPki } from '../helpers/test-ca.js';

const CP = 'TEST001';
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'security-201', ocppVersions: ['2.0.1'], meterValueSampleInterval: 60 };
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const PASSWORD = 'factory-password-0001';

let pki: TestPki;
const pem: Record<string, string> = {};
const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-sec201-'));
beforeAll(() => {
  pki = new TestPki();
  pem.ca = pki.root('ca');
  pem.cpo = pki.root('cpo', 'CPO root');
  pem.maker = pki.root('maker', 'Manufacturer root');
  pem.v2g = pki.root('v2g', 'V2G root');
  pem.mo = pki.root('mo', 'MO root');
  pem.v2gSub = pki.leaf('v2gsub', 'v2g', '/CN=V2G Sub-CA', { asCa: true }).cert;
  const server = pki.leaf('server', 'ca', '/CN=127.0.0.1', { ip: '127.0.0.1' });
  pem.server = server.cert;
  pem.serverKey = server.key;
  pem.client = pki.leaf('client', 'ca', `/O=ocpp-sim/CN=SIM-${CP}`).cert;
});
afterAll(() => {
  pki.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Signs a CSR with CA `ca`, valid only from a future date (openssl ca: x509 -req cannot set the start). */
function signFromTheFuture(csr: string, ca: string): string {
  pki.write('future.csr', csr);
  pki.write('index.txt', '');
  pki.write('serial.txt', '5000\n');
  pki.write(
    'future.cnf',
    ['[ca]', 'default_ca = d', '[d]', 'database = index.txt', 'new_certs_dir = .', 'serial = serial.txt', 'default_md = sha256', 'policy = p', 'preserve = yes', '[p]', 'organizationName = optional', 'commonName = supplied', ''].join('\n'),
  );
  pki.openssl('ca', '-batch', '-config', 'future.cnf', '-cert', `${ca}.pem`, '-keyfile', `${ca}.key`, '-in', 'future.csr', '-out', 'future.pem', '-startdate', '20990101000000Z', '-enddate', '20991231000000Z', '-notext');
  return pki.read('future.pem');
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function fleetOn(url: string, overrides: Parameters<typeof startTestFleet>[1] = {}): Fleet {
  const fleet = startTestFleet(url, { count: 1, driver: QUIET_DRIVER, profile: PROFILE_201, ...overrides });
  cleanups.push(() => fleet.stop());
  return fleet;
}

// ---------------------------------------------------------------- strict ocpp-rpc 2.0.1 peer

async function strictPeer(): Promise<StrictPeer201> {
  const peer = await StrictPeer201.start();
  cleanups.push(() => peer.close());
  peer.respond('SignCertificate', () => ({ status: 'Accepted' }));
  peer.respond('GetCertificateStatus', () => ({ status: 'Accepted', ocspResult: Buffer.from('ocsp-good').toString('base64') }));
  peer.respond('Get15118EVCertificate', () => ({ status: 'Accepted', exiResponse: Buffer.from('exi-response').toString('base64') }));
  return peer;
}

async function booted(peer: StrictPeer201): Promise<void> {
  await until(() => peer.calls(CP, 'StatusNotification').length >= 2, `${CP} to boot`);
}

async function arrives(peer: StrictPeer201, method: string, pred: (params: any) => boolean = () => true, since = 0, timeoutMs = 5000): Promise<Received> {
  const find = () => peer.received.slice(since).find((r) => r.identity === CP && r.method === method && pred(r.params));
  await until(() => find() !== undefined, `${method} from ${CP}`, timeoutMs);
  return find()!;
}

const setVariable = (peer: StrictPeer201, component: string, variable: string, attributeValue: string) =>
  peer.call(CP, 'SetVariables', { setVariableData: [{ component: { name: component }, variable: { name: variable }, attributeValue }] });
const getVariable = async (peer: StrictPeer201, component: string, variable: string) =>
  (await peer.call(CP, 'GetVariables', { getVariableData: [{ component: { name: component }, variable: { name: variable } }] })).getVariableResult[0];

describe('M certificate management against the strict 2.0.1 peer', () => {
  it('M05 InstallCertificate of each type, M03 GetInstalledCertificateIds with and without a filter, M04 DeleteCertificate; CertificateEntries counts them', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await booted(peer);
    expect(await peer.call(CP, 'GetInstalledCertificateIds', {})).toEqual({ status: 'NotFound' });
    for (const [certificateType, certificate] of [
      ['CSMSRootCertificate', pem.cpo],
      ['ManufacturerRootCertificate', pem.maker],
      ['V2GRootCertificate', pem.v2g],
      ['MORootCertificate', pem.mo],
    ]) {
      expect(await peer.call(CP, 'InstallCertificate', { certificateType, certificate })).toEqual({ status: 'Accepted' });
    }
    // Not PEM, and not a CA certificate: Rejected (M05.FR.06).
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'V2GRootCertificate', certificate: 'garbage' })).toMatchObject({ status: 'Rejected' });
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: pem.client })).toMatchObject({ status: 'Rejected' });
    // A sub-CA under an installed V2G root is accepted.
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'V2GRootCertificate', certificate: pem.v2gSub })).toEqual({ status: 'Accepted' });
    expect((await getVariable(peer, 'SecurityCtrlr', 'CertificateEntries')).attributeValue).toBe('5');
    await arrives(peer, 'SecurityEventNotification', (p) => p.type === 'ReconfigurationOfSecurityParameters' && p.techInfo === 'CSMSRootCertificate installed');

    const all = await peer.call(CP, 'GetInstalledCertificateIds', {});
    expect(all.status).toBe('Accepted');
    expect(all.certificateHashDataChain.map((c: any) => c.certificateType).sort()).toEqual(
      ['CSMSRootCertificate', 'MORootCertificate', 'ManufacturerRootCertificate', 'V2GRootCertificate', 'V2GRootCertificate'].sort(),
    );
    const cpo = parseCertificate(pem.cpo);
    const onlyCsms = await peer.call(CP, 'GetInstalledCertificateIds', { certificateType: ['CSMSRootCertificate'] });
    expect(onlyCsms).toEqual({ status: 'Accepted', certificateHashDataChain: [{ certificateType: 'CSMSRootCertificate', certificateHashData: certificateHashData(cpo, cpo, 'SHA256') }] });
    // The sub-CA's hash data names its issuer, the V2G root.
    const v2g = parseCertificate(pem.v2g);
    const sub = parseCertificate(pem.v2gSub);
    const v2gList = await peer.call(CP, 'GetInstalledCertificateIds', { certificateType: ['V2GRootCertificate'] });
    expect(v2gList.certificateHashDataChain.map((c: any) => c.certificateHashData)).toEqual([certificateHashData(v2g, v2g, 'SHA256'), certificateHashData(sub, v2g, 'SHA256')]);
    expect(await peer.call(CP, 'GetInstalledCertificateIds', { certificateType: ['V2GCertificateChain'] })).toEqual({ status: 'NotFound' });

    // M04: by the CSMS's hash algorithm (M04.FR.07); a second time NotFound.
    expect(await peer.call(CP, 'DeleteCertificate', { certificateHashData: certificateHashData(cpo, cpo, 'SHA384') })).toEqual({ status: 'Accepted' });
    expect(await peer.call(CP, 'DeleteCertificate', { certificateHashData: certificateHashData(cpo, cpo, 'SHA256') })).toEqual({ status: 'NotFound' });
    expect(await peer.call(CP, 'GetInstalledCertificateIds', { certificateType: ['CSMSRootCertificate'] })).toEqual({ status: 'NotFound' });
    expect((await getVariable(peer, 'SecurityCtrlr', 'CertificateEntries')).attributeValue).toBe('4');
    expect(peer.failures).toEqual([]);
  });

  it('M05.FR.03: a full store (CertificateEntries maxLimit) fails to install another certificate', async () => {
    const peer = await strictPeer();
    const profile: StationProfile = { ...PROFILE_201, deviceModel: { SecurityCtrlr: { CertificateEntries: { value: '0', maxLimit: 2 } } } as never };
    fleetOn(peer.url, { profile });
    await booted(peer);
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: pem.cpo })).toEqual({ status: 'Accepted' });
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'MORootCertificate', certificate: pem.mo })).toEqual({ status: 'Accepted' });
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'V2GRootCertificate', certificate: pem.v2g })).toMatchObject({ status: 'Failed', statusInfo: { reasonCode: 'OutOfStorage' } });
    // The same certificate again is no new entry: Accepted.
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'MORootCertificate', certificate: pem.mo })).toEqual({ status: 'Accepted' });
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'MORootCertificate', certificate: 'garbage' })).toMatchObject({ status: 'Rejected' });
    expect(peer.failures).toEqual([]);
  });
});

describe('A02/A03 certificates signed by a test CA, against the strict 2.0.1 peer', () => {
  it('TriggerMessage SignChargingStationCertificate → SignCertificate with a real CSR → CertificateSigned Accepted; a bad chain is Rejected with InvalidChargingStationCertificate', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await booted(peer);
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: pem.cpo })).toEqual({ status: 'Accepted' });
    // Nothing asked yet: no CSR outstanding.
    expect(await peer.call(CP, 'CertificateSigned', { certificateChain: pem.client })).toMatchObject({ status: 'Rejected' });
    expect(await peer.call(CP, 'TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' })).toEqual({ status: 'Accepted' });
    const sign = await arrives(peer, 'SignCertificate');
    expect(sign.params.certificateType).toBe('ChargingStationCertificate');
    writeFileSync(join(dir, 'cs.csr'), sign.params.csr);
    // openssl checks the CSR's signature and reads its subject (O = OrganizationName, CN = serial number).
    const subject = pki.openssl('req', '-in', join(dir, 'cs.csr'), '-noout', '-verify', '-subject');
    expect(subject).toMatch(/O\s*=\s*ocpp-sim, CN\s*=\s*SIM-TEST001/);
    // Signed by a CA the station does not trust (the CSMS root installed is the CPO's): Rejected.
    const wrong = pki.signCsr('cs-wrong', sign.params.csr, 'ca');
    expect(await peer.call(CP, 'CertificateSigned', { certificateChain: wrong })).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'InvalidCertificate' } });
    await arrives(peer, 'SecurityEventNotification', (p) => p.type === 'InvalidChargingStationCertificate' && /trusted/.test(p.techInfo));
    // A02.FR.06 (errata 2025-01): valid only from a future date: Rejected too.
    const future = signFromTheFuture(sign.params.csr, 'cpo');
    expect(new X509Certificate(future).validFrom).toMatch(/2099/);
    expect(await peer.call(CP, 'CertificateSigned', { certificateChain: future })).toMatchObject({ status: 'Rejected' });
    await arrives(peer, 'SecurityEventNotification', (p) => p.type === 'InvalidChargingStationCertificate' && /not yet valid/.test(p.techInfo));
    const signed = pki.signCsr('cs-signed', sign.params.csr, 'cpo');
    expect(await peer.call(CP, 'CertificateSigned', { certificateChain: signed, certificateType: 'ChargingStationCertificate' })).toEqual({ status: 'Accepted' });
    expect((await getVariable(peer, 'SecurityCtrlr', 'CertificateEntries')).attributeValue).toBe('2');
    // M04.FR.06: our Charging Station certificate cannot be deleted.
    const own = certificateHashData(parseCertificate(signed), parseCertificate(pem.cpo), 'SHA256');
    expect(await peer.call(CP, 'DeleteCertificate', { certificateHashData: own })).toMatchObject({ status: 'Failed' });
    expect(peer.failures).toEqual([]);
  });

  it('TriggerMessage SignV2GCertificate → CertificateSigned(V2GCertificate) with its sub-CA: GetCertificateStatus of the chain (M06) and V2GCertificateChain in M03', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await booted(peer);
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'V2GRootCertificate', certificate: pem.v2g })).toEqual({ status: 'Accepted' });
    expect(await peer.call(CP, 'TriggerMessage', { requestedMessage: 'SignV2GCertificate' })).toEqual({ status: 'Accepted' });
    const sign = await arrives(peer, 'SignCertificate');
    expect(sign.params.certificateType).toBe('V2GCertificate');
    const leaf = pki.signCsr('secc', sign.params.csr, 'v2gsub');
    expect(new X509Certificate(leaf).subject).toContain(`CN=${CP}`);
    expect(await peer.call(CP, 'CertificateSigned', { certificateChain: leaf + pem.v2gSub, certificateType: 'V2GCertificate' })).toEqual({ status: 'Accepted' });
    await until(() => peer.calls(CP, 'GetCertificateStatus').length === 2, 'GetCertificateStatus for the leaf and the sub-CA');
    const [leafCert, subCert, root] = [parseCertificate(leaf), parseCertificate(pem.v2gSub), parseCertificate(pem.v2g)];
    expect(peer.calls(CP, 'GetCertificateStatus').map((c) => c.params.ocspRequestData.serialNumber)).toEqual([leafCert.serialHex, subCert.serialHex]);
    expect(peer.calls(CP, 'GetCertificateStatus')[1].params.ocspRequestData).toMatchObject(certificateHashData(subCert, root, 'SHA256'));
    const chain = await peer.call(CP, 'GetInstalledCertificateIds', { certificateType: ['V2GCertificateChain'] });
    expect(chain).toEqual({
      status: 'Accepted',
      certificateHashDataChain: [{ certificateType: 'V2GCertificateChain', certificateHashData: certificateHashData(leafCert, subCert, 'SHA256'), childCertificateHashData: [certificateHashData(subCert, root, 'SHA256')] }],
    });
    // Our V2G certificate may be deleted (a new one can be signed, A03).
    expect(await peer.call(CP, 'DeleteCertificate', { certificateHashData: certificateHashData(leafCert, subCert, 'SHA256') })).toEqual({ status: 'Accepted' });
    expect(await peer.call(CP, 'GetInstalledCertificateIds', { certificateType: ['V2GCertificateChain'] })).toEqual({ status: 'NotFound' });
    expect(peer.failures).toEqual([]);
  });

  it('A02.FR.17: without a CertificateSigned, SignCertificate is repeated after CertSigningWaitMinimum, doubling, CertSigningRepeatTimes times', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await booted(peer);
    expect((await setVariable(peer, 'SecurityCtrlr', 'CertSigningWaitMinimum', '1')).setVariableResult[0].attributeStatus).toBe('Accepted');
    expect((await setVariable(peer, 'SecurityCtrlr', 'CertSigningRepeatTimes', '2')).setVariableResult[0].attributeStatus).toBe('Accepted');
    expect(await peer.call(CP, 'TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' })).toEqual({ status: 'Accepted' });
    await until(() => peer.calls(CP, 'SignCertificate').length === 3, 'the first SignCertificate and two repeats', 6000);
    const at = peer.calls(CP, 'SignCertificate').map((c) => c.at);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(900);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(1900);
    // Each repeat is a new key: a new CSR.
    expect(new Set(peer.calls(CP, 'SignCertificate').map((c) => c.params.csr)).size).toBe(3);
    await new Promise((r) => setTimeout(r, 1500));
    expect(peer.calls(CP, 'SignCertificate')).toHaveLength(3);
    expect(peer.failures).toEqual([]);
  }, 12_000);
});

describe('A security settings and events against the strict 2.0.1 peer', () => {
  it('BasicAuthPassword is write-only: set Accepted, never read back nor reported; the change is a security event and a reconnect (A01)', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await booted(peer);
    expect((await setVariable(peer, 'SecurityCtrlr', 'BasicAuthPassword', 'short')).setVariableResult[0].attributeStatus).toBe('Rejected');
    expect((await setVariable(peer, 'SecurityCtrlr', 'BasicAuthPassword', 'new-password-00001')).setVariableResult[0].attributeStatus).toBe('Accepted');
    const read = await getVariable(peer, 'SecurityCtrlr', 'BasicAuthPassword');
    expect(read.attributeStatus).toBe('Rejected');
    expect(read.attributeValue).toBeUndefined();
    await arrives(peer, 'SecurityEventNotification', (p) => p.type === 'ReconfigurationOfSecurityParameters');
    await until(() => (peer.connections.get(CP)?.length ?? 0) === 2, 'a reconnect with the new password');
    const mark = peer.received.length;
    expect(await peer.call(CP, 'GetBaseReport', { requestId: 3, reportBase: 'FullInventory' })).toEqual({ status: 'Accepted' });
    await until(() => peer.received.slice(mark).some((r) => r.method === 'NotifyReport' && !r.params.tbc), 'the full report');
    const reported = peer.received
      .slice(mark)
      .filter((r) => r.method === 'NotifyReport')
      .flatMap((r) => r.params.reportData)
      .filter((d: any) => d.variable.name === 'BasicAuthPassword');
    expect(reported).toHaveLength(1);
    expect(reported[0].variableAttribute.every((a: any) => a.value === undefined && a.mutability === 'WriteOnly')).toBe(true);
    expect(JSON.stringify(peer.received)).not.toContain('new-password-00001');
    expect(peer.failures).toEqual([]);
  });

  it('A04: StartupOfTheDevice, InvalidMessages for a malformed CSMS message, ResetOrReboot — each a SecurityEventNotification', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await booted(peer);
    await arrives(peer, 'SecurityEventNotification', (p) => p.type === 'StartupOfTheDevice');
    peer.client(CP).sendRaw('[2,"x1","GetVariables",{"getVariableData":"nope"}]');
    await arrives(peer, 'SecurityEventNotification', (p) => p.type === 'InvalidMessages');
    expect(await peer.call(CP, 'Reset', { type: 'Immediate' })).toEqual({ status: 'Accepted' });
    await arrives(peer, 'SecurityEventNotification', (p) => p.type === 'ResetOrReboot');
    await until(() => peer.calls(CP, 'SecurityEventNotification').filter((c) => c.params.type === 'StartupOfTheDevice').length === 2, 'StartupOfTheDevice after the reboot');
    expect(peer.failures).toEqual([]);
  });
});

// ---------------------------------------------------------------- Plug & Charge

describe('Plug & Charge (C07, M01) against the strict 2.0.1 peer', () => {
  it('a scenario EV with a contract: Get15118EVCertificate, Authorize with the eMAID and its OCSP data, a transaction started with it', async () => {
    const peer = await strictPeer();
    const file = join(dir, 'pnc.yaml');
    writeFileSync(file, ['description: a Plug & Charge EV', 'steps:', '  - plug: { contract: NL-TNM-012204530-6, installContract: true }', '  - start', '  - charge: 1s', '  - stop', ''].join('\n'));
    const profile: StationProfile = {
      ...PROFILE_201,
      connectors: PROFILE_201.connectors.slice(0, 1),
      deviceModel: { ISO15118Ctrlr: { PnCEnabled: true, ContractCertificateInstallationEnabled: true } },
    };
    fleetOn(peer.url, { profile, scenario: loadScenario(file, '2.0.1') });
    const authorize = await arrives(peer, 'Authorize');
    expect(authorize.params.idToken).toEqual({ idToken: 'NL-TNM-012204530-6', type: 'eMAID' });
    expect(authorize.params.iso15118CertificateHashData).toHaveLength(1);
    expect(authorize.params.iso15118CertificateHashData[0]).toMatchObject({ hashAlgorithm: 'SHA256', responderURL: expect.any(String) });
    const ev = peer.calls(CP, 'Get15118EVCertificate');
    expect(ev).toHaveLength(1);
    expect(ev[0].params).toMatchObject({ action: 'Install', iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef' });
    const started = await arrives(peer, 'TransactionEvent', (p) => p.eventType === 'Started');
    expect(started.params.idToken).toEqual({ idToken: 'NL-TNM-012204530-6', type: 'eMAID' });
    await arrives(peer, 'TransactionEvent', (p) => p.eventType === 'Ended');
    expect(peer.failures).toEqual([]);
  });

  it('a contract whose certificate the CSMS refuses (C07 certificateStatus) authorizes nothing and is not remembered', async () => {
    const peer = await strictPeer();
    // The token itself is fine; its contract certificate is revoked.
    peer.respond('Authorize', () => ({ idTokenInfo: { status: 'Accepted' }, certificateStatus: 'CertificateRevoked' }));
    const file = join(dir, 'pnc-revoked.yaml');
    const plug = '  - plug: { contract: NL-TNM-012204530-6, expect: CertificateRevoked }';
    writeFileSync(file, ['description: a Plug & Charge EV with a revoked contract, twice', 'steps:', plug, '  - unplug', '  - wait: 1s', plug, '  - unplug', ''].join('\n'));
    // With the cache and LocalPreAuthorize on, a remembered Accepted would answer the second plug locally.
    const profile: StationProfile = {
      ...PROFILE_201,
      connectors: PROFILE_201.connectors.slice(0, 1),
      deviceModel: { ISO15118Ctrlr: { PnCEnabled: true }, AuthCacheCtrlr: { Enabled: true }, AuthCtrlr: { LocalPreAuthorize: true } },
    };
    const fleet = fleetOn(peer.url, { profile, scenario: loadScenario(file, '2.0.1') });
    await until(() => (fleet.refresh(), fleet.stats.total('expectationsPassed') + fleet.stats.total('expectationsFailed') === 2), 'both plugs answered', 8000);
    expect(fleet.stats.total('expectationsFailed')).toBe(0);
    expect(peer.calls(CP, 'Authorize')).toHaveLength(2);
    expect(peer.calls(CP, 'TransactionEvent').filter((c) => c.params.idToken !== undefined)).toEqual([]);
    expect(peer.failures).toEqual([]);
  });

  it('with an MO root installed, the contract OCSP data names it as the issuer; PnCEnabled false sends none', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await booted(peer);
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'MORootCertificate', certificate: pem.mo })).toEqual({ status: 'Accepted' });
    const mo = parseCertificate(pem.mo);
    const { issuerNameHash, issuerKeyHash } = certificateHashData(mo, mo, 'SHA256');
    peer.respond('Authorize', () => ({ idTokenInfo: { status: 'Accepted' }, certificateStatus: 'Accepted' }));
    // RequestStartTransaction with an eMAID and AuthorizeRemoteStart: the station authorizes it first.
    expect((await setVariable(peer, 'AuthCtrlr', 'AuthorizeRemoteStart', 'true')).setVariableResult[0].attributeStatus).toBe('Accepted');
    // PnCEnabled false (the default): an eMAID like any other token.
    expect(await peer.call(CP, 'RequestStartTransaction', { idToken: { idToken: 'DE-8EO-ABC123456-7', type: 'eMAID' }, remoteStartId: 4, evseId: 2 })).toMatchObject({ status: 'Accepted' });
    const plain = await arrives(peer, 'Authorize');
    expect(plain.params).toEqual({ idToken: { idToken: 'DE-8EO-ABC123456-7', type: 'eMAID' } });
    expect((await setVariable(peer, 'ISO15118Ctrlr', 'PnCEnabled', 'true')).setVariableResult[0].attributeStatus).toBe('Accepted');
    const mark = peer.received.length;
    expect(await peer.call(CP, 'RequestStartTransaction', { idToken: { idToken: 'DE-8EO-ABC123456-7', type: 'eMAID' }, remoteStartId: 5, evseId: 1 })).toMatchObject({ status: 'Accepted' });
    const authorize = await arrives(peer, 'Authorize', undefined, mark);
    expect(authorize.params.iso15118CertificateHashData[0]).toMatchObject({ issuerNameHash, issuerKeyHash });
    expect(peer.failures).toEqual([]);
  });
});

// ---------------------------------------------------------------- embedded CSMS: passwords and security profiles

async function csmsOn(opts: Parameters<typeof startCsms>[0]): Promise<Csms> {
  const csms = await startCsms({ strict: true, ...opts });
  let open = true;
  const close = csms.close.bind(csms);
  csms.close = async () => {
    if (open) await close();
    open = false;
  };
  cleanups.push(() => csms.close());
  return csms;
}

const tlsServer = (requestCert: boolean, ca = pem.ca) => ({ cert: pem.server, key: pem.serverKey, ca, requestCert });

function profileData(url: string, securityProfile: number) {
  return { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: url, messageTimeout: 30, securityProfile, ocppInterface: 'Wired0' } as const;
}

async function setVar(csms: Csms, component: string, variable: string, attributeValue: string): Promise<string> {
  const res = await csms.call(CP, 'SetVariables', { setVariableData: [{ component: { name: component }, variable: { name: variable }, attributeValue }] });
  return res.setVariableResult[0].attributeStatus;
}

async function getVar(csms: Csms, component: string, variable: string): Promise<string | undefined> {
  const res = await csms.call(CP, 'GetVariables', { getVariableData: [{ component: { name: component }, variable: { name: variable } }] });
  return res.getVariableResult[0].attributeValue;
}

describe('A01/A05/B09/B10 against the embedded CSMS', () => {
  it('A01: a new BasicAuthPassword is used at once: the old CSMS refuses it (FailedToAuthenticateAtCsms), one with the new password accepts it', async () => {
    const first = await csmsOn({ password: PASSWORD });
    const events: string[] = [];
    first.onRequest = (_id, action, payload: any) => void (action === 'SecurityEventNotification' && events.push(payload.type));
    const fleet = fleetOn(first.url, { password: PASSWORD });
    await until(() => first.stats.booted === 1, 'a boot with the factory password');
    expect(await setVar(first, 'SecurityCtrlr', 'BasicAuthPassword', 'rotated-password-01')).toBe('Accepted');
    await until(() => (fleet.refresh(), fleet.stats.total('connectFailures')) >= 1, 'a refused reconnect (HTTP 401)', 5000);
    const st = fleet.shards![0].stations[0];
    expect(st.security!.log!.list().map((e) => e.type)).toContain('FailedToAuthenticateAtCsms');
    const port = first.port;
    await first.close();
    const second = await csmsOn({ port, password: 'rotated-password-01' });
    second.onRequest = (_id, action, payload: any) => void (action === 'SecurityEventNotification' && events.push(payload.type));
    await until(() => second.connected().includes(CP), 'a connection with the new password', 8000);
    await until(() => events.includes('FailedToAuthenticateAtCsms') && events.includes('ReconfigurationOfSecurityParameters'), 'the kept security events delivered');
  });

  it('A04: a CSMS certificate the station cannot verify is an InvalidCsmsCertificate event, logged once per outage and kept for delivery', async () => {
    const csms = await csmsOn({ password: PASSWORD, tls: tlsServer(false) });
    const fleet = fleetOn(csms.url, { password: PASSWORD }); // no --ca: the test CA is unknown
    await until(() => (fleet.refresh(), fleet.stats.total('connectFailures')) >= 2, 'refused TLS handshakes');
    const st = fleet.shards![0].stations[0];
    expect(st.security!.log!.list().map((e) => e.type)).toEqual(['InvalidCsmsCertificate']);
    const queued: string[] = [];
    st.queue.forEach((c) => void (c.action === 'SecurityEventNotification' && queued.push(String(c.payload.type))));
    expect(queued).toEqual(['InvalidCsmsCertificate']);
    expect(csms.stats.boots).toBe(0);
  });

  it('profile 1 → 2 → 3: SetNetworkProfile, NetworkConfigurationPriority and Reset move the station to wss:// and then to mTLS with a certificate the CSMS signed', async () => {
    const plain = await csmsOn({ password: PASSWORD });
    const tls = await csmsOn({ password: PASSWORD, tls: tlsServer(false) });
    const mtls = await csmsOn({ tls: tlsServer(true, pem.cpo) });
    const seen: { action: string; payload: any }[] = [];
    mtls.onRequest = tls.onRequest = plain.onRequest = (_id, action, payload) => {
      seen.push({ action, payload });
      return action === 'SignCertificate' ? { status: 'Accepted' } : undefined;
    };
    fleetOn(plain.url, { password: PASSWORD, tls: { ca: pem.ca } });
    await until(() => plain.stats.booted === 1, 'a profile 1 boot over ws://');
    expect(await getVar(plain, 'SecurityCtrlr', 'SecurityProfile')).toBe('1');

    // 1 → 2
    expect(await plain.call(CP, 'SetNetworkProfile', { configurationSlot: 2, connectionData: profileData(tls.url, 2) })).toEqual({ status: 'Accepted' });
    expect(await setVar(plain, 'OCPPCommCtrlr', 'NetworkConfigurationPriority', '2,1')).toBe('RebootRequired');
    expect(await plain.call(CP, 'Reset', { type: 'Immediate' })).toEqual({ status: 'Accepted' });
    await until(() => tls.stats.booted === 1, 'a profile 2 boot over wss://', 8000);
    expect(await getVar(tls, 'SecurityCtrlr', 'SecurityProfile')).toBe('2');

    expect(await getVar(tls, 'OCPPCommCtrlr', 'ActiveNetworkProfile')).toBe('2');
    // 2 → 3: not before the station has a client certificate (A05.FR.03).
    expect(await tls.call(CP, 'SetNetworkProfile', { configurationSlot: 1, connectionData: profileData(mtls.url, 3) })).toMatchObject({ status: 'Accepted' });
    const early = await tls.call(CP, 'SetVariables', { setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' }, attributeValue: '1,2' }] });
    expect(early.setVariableResult[0]).toMatchObject({ attributeStatus: 'Rejected', attributeStatusInfo: { reasonCode: 'NoCertificate' } });
    // The CPO's CA (trusted by the mTLS CSMS for clients) signs our CSR.
    expect(await tls.call(CP, 'InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: pem.cpo })).toEqual({ status: 'Accepted' });
    expect(await tls.call(CP, 'TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' })).toEqual({ status: 'Accepted' });
    await until(() => seen.some((s) => s.action === 'SignCertificate'), 'SignCertificate');
    const signed = pki.signCsr('cs-mtls', seen.find((s) => s.action === 'SignCertificate')!.payload.csr, 'cpo');
    // The chain ends at the CPO root, which the station trusts (installed) besides the run's CA.
    expect(await tls.call(CP, 'CertificateSigned', { certificateChain: signed })).toEqual({ status: 'Accepted' });
    expect(await setVar(tls, 'OCPPCommCtrlr', 'NetworkConfigurationPriority', '1,2')).toBe('RebootRequired');
    expect(await tls.call(CP, 'Reset', { type: 'Immediate' })).toEqual({ status: 'Accepted' });
    await until(() => mtls.stats.booted === 1, 'a profile 3 boot with the signed client certificate', 8000);
    expect(await getVar(mtls, 'SecurityCtrlr', 'SecurityProfile')).toBe('3');
    // B09.FR.04: no way back down; B09.FR.05: only the slots NetworkConfigurationPriority knows.
    expect(await mtls.call(CP, 'SetNetworkProfile', { configurationSlot: 2, connectionData: profileData(tls.url, 2) })).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'NoSecurityDowngrade' } });
    expect(await mtls.call(CP, 'SetNetworkProfile', { configurationSlot: 9, connectionData: profileData(mtls.url, 3) })).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'InvalidConfSlot' } });
    expect(seen.filter((s) => s.action === 'SecurityEventNotification').map((s) => s.payload.type)).toContain('ReconfigurationOfSecurityParameters');
  }, 30_000);

  it('B10/A05: a new profile the station cannot connect with: after NetworkProfileConnectionAttempts failures it falls back to the previous one', async () => {
    const plain = await csmsOn({ password: PASSWORD });
    const fleet = fleetOn(plain.url, { password: PASSWORD, tls: { ca: pem.ca } });
    await until(() => plain.stats.booted === 1, 'a boot over ws://');
    expect(await setVar(plain, 'OCPPCommCtrlr', 'NetworkProfileConnectionAttempts', '2')).toBe('Accepted');
    // Nobody serves wss:// there: the plain CSMS's port speaks no TLS.
    const broken = plain.url.replace('ws://', 'wss://');
    expect(await plain.call(CP, 'SetNetworkProfile', { configurationSlot: 3, connectionData: profileData(broken, 2) })).toEqual({ status: 'Accepted' });
    expect(await setVar(plain, 'OCPPCommCtrlr', 'NetworkConfigurationPriority', '3,1')).toBe('RebootRequired');
    expect(await plain.call(CP, 'Reset', { type: 'Immediate' })).toEqual({ status: 'Accepted' });
    await until(() => plain.stats.boots === 2, 'a boot over ws:// again after the fallback', 10_000);
    fleet.refresh();
    expect(fleet.stats.total('connectFailures')).toBe(2);
    expect(fleet.stats.problems.some((p) => p.includes('back to 1'))).toBe(true);
    expect(await getVar(plain, 'SecurityCtrlr', 'SecurityProfile')).toBe('1');
    expect(await getVar(plain, 'OCPPCommCtrlr', 'ActiveNetworkProfile')).toBe('1');
  }, 20_000);

  it('B10.FR.03: when the first entry of the priority fails, the station moves on to the next one', async () => {
    const plain = await csmsOn({ password: PASSWORD });
    fleetOn(plain.url, { password: PASSWORD, tls: { ca: pem.ca } });
    await until(() => plain.stats.booted === 1, 'a boot over ws://');
    expect(await setVar(plain, 'OCPPCommCtrlr', 'NetworkProfileConnectionAttempts', '1')).toBe('Accepted');
    expect(await plain.call(CP, 'SetNetworkProfile', { configurationSlot: 3, connectionData: profileData(plain.url.replace('ws://', 'wss://'), 2) })).toEqual({ status: 'Accepted' });
    expect(await plain.call(CP, 'SetNetworkProfile', { configurationSlot: 2, connectionData: profileData(plain.url, 1) })).toEqual({ status: 'Accepted' });
    expect(await setVar(plain, 'OCPPCommCtrlr', 'NetworkConfigurationPriority', '3,2,1')).toBe('RebootRequired');
    expect(await plain.call(CP, 'Reset', { type: 'Immediate' })).toEqual({ status: 'Accepted' });
    await until(() => plain.stats.boots === 2, 'a boot through slot 2', 10_000);
    expect(await getVar(plain, 'OCPPCommCtrlr', 'ActiveNetworkProfile')).toBe('2');
  }, 20_000);
});
