/**
 * OCPP 2.0.1 security (A) and ISO 15118 certificates (M), the rest of issue #12's block A/M on loopback:
 * TriggerMessage SignCombinedCertificate (one CSR for both uses, OCTT TC_A_13) and M02 (the EV's
 * contract certificate Update) against the strict ocpp-rpc 2.0.1 peer; against the embedded CSMS over
 * ws:// and wss://: SecurityCtrlr.SecurityProfile of the run's own connection (1, 2, 3), a renewed
 * client certificate kept on trial (A02.FR.10/28/29), and the scenario step `network: {fail: next}`
 * that makes a security-profile upgrade's new connection fail so the fallback (B10/A05) runs.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { certificateHashData, parseCertificate } from '../../src/features/security/certificate-hash.js';
import { securityState } from '../../src/features/security/state.js';
import { loadScenario } from '../../src/scenario/parse.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer201, type Received } from '../helpers/ocpp-rpc-peer-201.js';
import { TestPki } from '../helpers/test-ca.js';

const CP = 'TEST001';
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'security-gaps-201', ocppVersions: ['2.0.1'], meterValueSampleInterval: 60 };
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const PASSWORD = 'factory-password-0001';

let pki: TestPki;
const pem: Record<string, string> = {};
const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-secgaps201-'));
beforeAll(() => {
  pki = new TestPki();
  pem.ca = pki.root('ca');
  pem.cpo = pki.root('cpo', 'CPO root');
  pem.v2g = pki.root('v2g', 'V2G root');
  pem.v2gSub = pki.leaf('v2gsub', 'v2g', '/CN=V2G Sub-CA', { asCa: true }).cert;
  const server = pki.leaf('server', 'ca', '/CN=127.0.0.1', { ip: '127.0.0.1' });
  pem.server = server.cert;
  pem.serverKey = server.key;
  // The run's own client certificate (--cert/--key), issued by the CSMS's CA.
  const client = pki.leaf('client', 'ca', `/O=ocpp-sim/CN=SIM-${CP}`);
  pem.client = client.cert;
  pem.clientKey = client.key;
});
afterAll(() => {
  pki.dispose();
  rmSync(dir, { recursive: true, force: true });
});

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

async function arrives(peer: StrictPeer201, method: string, pred: (params: any) => boolean = () => true, timeoutMs = 5000): Promise<Received> {
  const find = () => peer.received.find((r) => r.identity === CP && r.method === method && pred(r.params));
  await until(() => find() !== undefined, `${method} from ${CP}`, timeoutMs);
  return find()!;
}

const getVariable = async (peer: StrictPeer201, component: string, variable: string) =>
  (await peer.call(CP, 'GetVariables', { getVariableData: [{ component: { name: component }, variable: { name: variable } }] })).getVariableResult[0];

describe('A02/A03 combined certificate against the strict 2.0.1 peer', () => {
  it('TriggerMessage SignCombinedCertificate → one SignCertificate without certificateType → CertificateSigned under the V2G hierarchy, used for both', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await until(() => peer.calls(CP, 'StatusNotification').length >= 2, `${CP} to boot`);
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'V2GRootCertificate', certificate: pem.v2g })).toEqual({ status: 'Accepted' });
    expect(await peer.call(CP, 'TriggerMessage', { requestedMessage: 'SignCombinedCertificate' })).toEqual({ status: 'Accepted' });
    const sign = await arrives(peer, 'SignCertificate');
    // SignCertificateRequest.certificateType omitted: "to be used for both the 15118 connection and the Charging Station to CSMS connection".
    expect(sign.params.certificateType).toBeUndefined();
    expect(peer.calls(CP, 'SignCertificate')).toHaveLength(1);
    writeFileSync(join(dir, 'combined.csr'), sign.params.csr);
    // TC_A_13: CN is the station's serial number.
    expect(pki.openssl('req', '-in', join(dir, 'combined.csr'), '-noout', '-verify', '-subject')).toMatch(/O\s*=\s*ocpp-sim, CN\s*=\s*SIM-TEST001/);
    const leaf = pki.signCsr('combined', sign.params.csr, 'v2gsub');
    expect(await peer.call(CP, 'CertificateSigned', { certificateChain: leaf + pem.v2gSub })).toEqual({ status: 'Accepted' });
    // Used for ISO 15118: our V2G chain (M03) and its OCSP status (M06).
    await until(() => peer.calls(CP, 'GetCertificateStatus').length === 2, 'GetCertificateStatus for the leaf and the sub-CA');
    const [leafCert, subCert] = [parseCertificate(leaf), parseCertificate(pem.v2gSub)];
    const chain = await peer.call(CP, 'GetInstalledCertificateIds', { certificateType: ['V2GCertificateChain'] });
    expect(chain.certificateHashDataChain[0].certificateHashData).toEqual(certificateHashData(leafCert, subCert, 'SHA256'));
    // And as the Charging Station certificate: it cannot be deleted (M04.FR.06); one entry besides the V2G root.
    expect(await peer.call(CP, 'DeleteCertificate', { certificateHashData: certificateHashData(leafCert, subCert, 'SHA256') })).toMatchObject({ status: 'Failed' });
    expect((await getVariable(peer, 'SecurityCtrlr', 'CertificateEntries')).attributeValue).toBe('2');
    // No CSR outstanding any more.
    expect(await peer.call(CP, 'CertificateSigned', { certificateChain: leaf + pem.v2gSub })).toMatchObject({ status: 'Rejected' });
    expect(peer.failures).toEqual([]);
  });

  it('a station without ISO15118Ctrlr rejects SignCombinedCertificate', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url, { profile: { ...PROFILE_201, deviceModel: { ISO15118Ctrlr: false } as never } });
    await until(() => peer.calls(CP, 'StatusNotification').length >= 2, `${CP} to boot`);
    expect(await peer.call(CP, 'TriggerMessage', { requestedMessage: 'SignCombinedCertificate' })).toMatchObject({ status: 'Rejected' });
    expect(peer.failures).toEqual([]);
  });
});

describe('M02 contract certificate update against the strict 2.0.1 peer', () => {
  it('a scenario EV whose contract certificate is about to expire: Get15118EVCertificate with action Update, then Authorize with its eMAID', async () => {
    const peer = await strictPeer();
    const file = join(dir, 'pnc-update.yaml');
    writeFileSync(file, ['description: a Plug & Charge EV renewing its contract', 'steps:', '  - plug: { contract: NL-TNM-012204530-6, updateContract: true }', '  - start', '  - charge: 1s', '  - stop', ''].join('\n'));
    const profile: StationProfile = {
      ...PROFILE_201,
      connectors: PROFILE_201.connectors.slice(0, 1),
      deviceModel: { ISO15118Ctrlr: { PnCEnabled: true, ContractCertificateInstallationEnabled: true } },
    };
    fleetOn(peer.url, { profile, scenario: loadScenario(file, '2.0.1') });
    const authorize = await arrives(peer, 'Authorize');
    expect(authorize.params.idToken).toEqual({ idToken: 'NL-TNM-012204530-6', type: 'eMAID' });
    const ev = peer.calls(CP, 'Get15118EVCertificate');
    expect(ev).toHaveLength(1);
    expect(ev[0].params).toMatchObject({ action: 'Update', iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef' });
    await arrives(peer, 'TransactionEvent', (p) => p.eventType === 'Ended');
    expect(peer.failures).toEqual([]);
  });

  it('updateContract needs a contract and excludes installContract', () => {
    const file = join(dir, 'pnc-bad.yaml');
    writeFileSync(file, ['steps:', '  - plug: { updateContract: true }', '  - plug: { contract: NL-TNM-012204530-6, installContract: true, updateContract: true }', ''].join('\n'));
    expect(() => loadScenario(file, '2.0.1')).toThrow(/updateContract is true or false, with a contract[\s\S]*one of installContract and updateContract/);
  });

  it("a plug's expect is the answer to its contract: a token or certificate status, and only with a contract", () => {
    const file = join(dir, 'pnc-expect.yaml');
    writeFileSync(file, ['steps:', '  - plug: { expect: Accepted }', '  - plug: { contract: NL-TNM-012204530-6, expect: CertificateRevokd }', '  - plug: { contract: NL-TNM-012204530-6, expect: CertChainError }', ''].join('\n'));
    expect(() => loadScenario(file, '2.0.1')).toThrow(/steps\[0\]\.plug\.expect: expect is the answer to a contract: give contract too[\s\S]*steps\[1\]\.plug\.expect: .*did you mean 'CertificateRevoked'/);
    // 1.6 has no Plug & Charge: the contract (and its certificate status) is a 2.0.1 matter.
    writeFileSync(file, ['description: d', 'steps:', '  - plug: { contract: NL-TNM-012204530-6, expect: CertificateRevoked }', ''].join('\n'));
    expect(() => loadScenario(file, '1.6')).toThrow(/CertificateRevoked/);
  });
});

// ---------------------------------------------------------------- embedded CSMS over ws:// and wss://

async function csmsOn(opts: Parameters<typeof startCsms>[0]): Promise<Csms> {
  const csms = await startCsms({ strict: true, ...opts });
  cleanups.push(() => csms.close());
  return csms;
}

const tlsServer = (requestCert: boolean, ca: string | string[] = pem.ca) => ({ cert: pem.server, key: pem.serverKey, ca, requestCert });

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

describe('SecurityCtrlr.SecurityProfile is the run connection’s from the start', () => {
  it('2 over wss:// with Basic auth; 3 over wss:// with a client certificate', async () => {
    const tls = await csmsOn({ password: PASSWORD, tls: tlsServer(false) });
    fleetOn(tls.url, { password: PASSWORD, tls: { ca: pem.ca } });
    await until(() => tls.stats.booted === 1, 'a profile 2 boot');
    expect(await getVar(tls, 'SecurityCtrlr', 'SecurityProfile')).toBe('2');
    // B09.FR.04: a network profile below it is refused from the first connection on.
    expect(await tls.call(CP, 'SetNetworkProfile', { configurationSlot: 2, connectionData: profileData(tls.url.replace('wss:', 'ws:'), 1) })).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'NoSecurityDowngrade' } });

    const mtls = await csmsOn({ tls: tlsServer(true) });
    const fleet = startTestFleet(mtls.url, { count: 1, driver: QUIET_DRIVER, profile: PROFILE_201, idPrefix: 'MTLS', tls: { ca: pem.ca, cert: pem.client, key: pem.clientKey } });
    cleanups.push(() => fleet.stop());
    const id = fleet.shards![0].stations[0].identity;
    await until(() => mtls.stats.booted === 1, 'a profile 3 boot');
    const res = await mtls.call(id, 'GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'SecurityProfile' } }] });
    expect(res.getVariableResult[0].attributeValue).toBe('3');
  }, 20_000);
});

describe('A02.FR.10/28/29: a renewed client certificate is kept on trial', () => {
  /** A station on security profile 3 with the run's client certificate gets a new one signed by the CPO root. */
  async function renew(mtls: Csms, seen: { action: string; payload: any }[]): Promise<Fleet> {
    const fleet = fleetOn(mtls.url, { tls: { ca: pem.ca, cert: pem.client, key: pem.clientKey } });
    await until(() => mtls.stats.booted === 1, 'a profile 3 boot with the run’s client certificate');
    expect(await getVar(mtls, 'SecurityCtrlr', 'SecurityProfile')).toBe('3');
    expect(await setVar(mtls, 'OCPPCommCtrlr', 'NetworkProfileConnectionAttempts', '2')).toBe('Accepted');
    expect(await mtls.call(CP, 'InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: pem.cpo })).toEqual({ status: 'Accepted' });
    expect(await mtls.call(CP, 'TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' })).toEqual({ status: 'Accepted' });
    await until(() => seen.some((s) => s.action === 'SignCertificate'), 'SignCertificate');
    const signed = pki.signCsr(`renewed-${seen.length}`, seen.find((s) => s.action === 'SignCertificate')!.payload.csr, 'cpo');
    expect(await mtls.call(CP, 'CertificateSigned', { certificateChain: signed, certificateType: 'ChargingStationCertificate' })).toEqual({ status: 'Accepted' });
    return fleet;
  }

  function recorder(csms: Csms): { action: string; payload: any }[] {
    const seen: { action: string; payload: any }[] = [];
    csms.onRequest = (_id, action, payload) => {
      seen.push({ action, payload });
      return action === 'SignCertificate' ? { status: 'Accepted' } : undefined;
    };
    return seen;
  }

  it('A02.FR.08/10: the station reconnects with the new certificate and, once connected, keeps only it', async () => {
    // The CSMS trusts client certificates of both hierarchies.
    const mtls = await csmsOn({ tls: tlsServer(true, [pem.ca, pem.cpo]) });
    const seen = recorder(mtls);
    const fleet = await renew(mtls, seen);
    const st = fleet.shards![0].stations[0];
    // A02.FR.08: a new connection (no reboot: no second boot), presenting the renewed certificate.
    await until(() => (fleet.refresh(), fleet.stats.total('linksOpened')) >= 2 && mtls.connected().includes(CP), 'the reconnect with the renewed certificate', 8000);
    const sec = securityState(st)!;
    expect(new X509Certificate(sec.ownCertificate!.chain).issuer).toContain('CPO root');
    // A02.FR.10: the trial is over, the previous certificate discarded.
    expect(sec.clientTrial).toBeNull();
    expect(seen.filter((s) => s.action === 'SecurityEventNotification').map((s) => s.payload.type)).not.toContain('DiscardedRenewedClientCertificate');
    expect(mtls.stats.booted).toBe(1);
  }, 20_000);

  it('A02.FR.28/29: when every attempt with the new certificate fails, back to the old one, the new one discarded with DiscardedRenewedClientCertificate', async () => {
    // The CSMS trusts only the run's CA for clients: the CPO-signed renewal cannot connect.
    const mtls = await csmsOn({ tls: tlsServer(true, pem.ca) });
    const seen = recorder(mtls);
    const fleet = await renew(mtls, seen);
    const st = fleet.shards![0].stations[0];
    await until(() => seen.some((s) => s.action === 'SecurityEventNotification' && s.payload.type === 'DiscardedRenewedClientCertificate'), 'DiscardedRenewedClientCertificate over the old certificate', 10_000);
    fleet.refresh();
    // NetworkProfileConnectionAttempts (2) refused handshakes with the renewed certificate, then the run's again.
    expect(fleet.stats.total('connectFailures')).toBe(2);
    expect(fleet.stats.problems.some((p) => p.includes('back to the previous one'))).toBe(true);
    expect(securityState(st)!.ownCertificate).toBeNull(); // the run's --cert/--key
    expect(securityState(st)!.clientTrial).toBeNull();
    expect(await getVar(mtls, 'SecurityCtrlr', 'SecurityProfile')).toBe('3');
  }, 20_000);
});

describe('scenario `network: {fail: next}`: a security-profile upgrade whose new connection fails', () => {
  it('the next network profile is unreachable: after NetworkProfileConnectionAttempts the station falls back (B10.FR.03, A05); the step is then spent', async () => {
    const plain = await csmsOn({ password: PASSWORD });
    const file = join(dir, 'upgrade-fails.yaml');
    writeFileSync(file, ['description: the CSMS of the upgraded profile is unreachable', 'connectors: [1]', 'steps:', '  - network: { fail: next }', '  - wait: 1h', ''].join('\n'));
    const fleet = fleetOn(plain.url, { password: PASSWORD, scenario: loadScenario(file, '2.0.1') });
    await until(() => plain.stats.booted === 1, 'a boot over ws://');
    expect(await setVar(plain, 'OCPPCommCtrlr', 'NetworkProfileConnectionAttempts', '2')).toBe('Accepted');
    // A reachable new profile (the same CSMS, so only the scenario makes it fail).
    expect(await plain.call(CP, 'SetNetworkProfile', { configurationSlot: 2, connectionData: profileData(plain.url, 1) })).toEqual({ status: 'Accepted' });
    expect(await setVar(plain, 'OCPPCommCtrlr', 'NetworkConfigurationPriority', '2,1')).toBe('RebootRequired');
    expect(await plain.call(CP, 'Reset', { type: 'Immediate' })).toEqual({ status: 'Accepted' });
    await until(() => plain.stats.boots === 2, 'a boot through slot 1 after the fallback', 10_000);
    fleet.refresh();
    expect(fleet.stats.total('connectFailures')).toBe(2);
    expect(fleet.stats.connectErrors()).toEqual([expect.objectContaining({ cause: 'scenario-unreachable', count: 2 })]);
    expect(await getVar(plain, 'OCPPCommCtrlr', 'ActiveNetworkProfile')).toBe('1');
    // Spent: the CSMS changes the profile and resets again; this time the station gets through with it.
    expect(await plain.call(CP, 'SetNetworkProfile', { configurationSlot: 2, connectionData: { ...profileData(plain.url, 1), messageTimeout: 31 } })).toEqual({ status: 'Accepted' });
    expect(await plain.call(CP, 'Reset', { type: 'Immediate' })).toEqual({ status: 'Accepted' });
    await until(() => plain.stats.boots === 3, 'a boot through slot 2', 10_000);
    expect(await getVar(plain, 'OCPPCommCtrlr', 'ActiveNetworkProfile')).toBe('2');
    fleet.refresh();
    expect(fleet.stats.total('connectFailures')).toBe(2);
  }, 30_000);

  it('OCPP 1.6 too: a SecurityProfile upgrade (A05) whose attempts fail falls back to the previous profile after 3 (A05.FR.08)', async () => {
    const plain = await csmsOn({ password: PASSWORD });
    const file = join(dir, 'upgrade-fails-16.yaml');
    writeFileSync(file, ['description: the upgraded profile cannot connect', 'connectors: [1]', 'steps:', '  - network: { fail: next }', '  - wait: 1h', ''].join('\n'));
    const profile: StationProfile = { ...DEFAULT_PROFILE, configuration: { ...DEFAULT_PROFILE.configuration, SecurityProfile: { value: '1' } } };
    const fleet = fleetOn(plain.url, { password: PASSWORD, tls: { ca: pem.ca }, profile, scenario: loadScenario(file, '1.6') });
    await until(() => plain.stats.booted === 1, 'a 1.6 boot over ws://');
    expect(await plain.call(CP, 'ChangeConfiguration', { key: 'SecurityProfile', value: '2' })).toEqual({ status: 'Accepted' });
    await until(() => plain.stats.connections.total === 2 && plain.connected().includes(CP), 'a reconnect over ws:// with the old profile', 10_000);
    fleet.refresh();
    expect(fleet.stats.connectErrors()).toEqual([expect.objectContaining({ cause: 'scenario-unreachable', count: 3 })]);
    const conf = await plain.call(CP, 'GetConfiguration', { key: ['SecurityProfile'] });
    expect(conf.configurationKey).toEqual([{ key: 'SecurityProfile', readonly: false, value: '1' }]);
  }, 20_000);

  it('network takes fail: next or none; the editor schema knows the step and updateContract', () => {
    const file = join(dir, 'network-bad.yaml');
    writeFileSync(file, ['steps:', '  - network: { fail: always }', ''].join('\n'));
    expect(() => loadScenario(file, '2.0.1')).toThrow(/next|none/);
    const Ajv = createRequire(import.meta.url)('ajv') as typeof import('ajv').default;
    const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(JSON.parse(readFileSync('scenarios/scenario.schema.json', 'utf8')));
    const good = 'description: d\nsteps:\n  - network: {fail: next}\n  - plug: {contract: NL-TNM-012204530-6, updateContract: true}\n  - network: {fail: none}\n';
    expect(validate(parseYaml(good)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(parseYaml('description: d\nsteps:\n  - network: {fail: always}\n'))).toBe(false);
  });
});
