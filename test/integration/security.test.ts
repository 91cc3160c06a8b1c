/**
 * The OCPP 1.6 security extension end to end on loopback. Tests make their own CAs with openssl
 * (test/helpers/test-ca.ts). Against the strict ocpp-rpc peer (plain ws://): certificate management,
 * ExtendedTriggerMessage, the security ChangeConfiguration rules and SignCertificate with a CSR
 * openssl verifies — with zero strict validation failures. Against the embedded CSMS (strict):
 * AuthorizationKey rotation with a reconnect under the new password, and over wss:// a security
 * profile 3 charge point that gets its certificate signed and connects with it next time.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NO_REPLY, startCsms } from '../../src/csms/server.js';
import { certificateHashData, parseCertificate } from '../../src/features/security/certificate-hash.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer, type Received } from '../helpers/ocpp-rpc-peer.js';
import { TestPki } from '../helpers/test-ca.js';

const CP = 'TEST001';
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const hex = (s: string) => Buffer.from(s).toString('hex');

let pki: TestPki;
const pem: Record<string, string> = {};
beforeAll(() => {
  pki = new TestPki();
  pem.ca = pki.root('ca');
  pem.cpoCa = pki.root('cpo', 'CPO root');
  pem.maker = pki.root('maker', 'Manufacturer root');
  const server = pki.leaf('server', 'ca', '/CN=127.0.0.1', { ip: '127.0.0.1' });
  pem.server = server.cert;
  pem.serverKey = server.key;
  const client = pki.leaf('client', 'ca', `/O=Test CPO/CN=${CP}`);
  pem.client = client.cert;
  pem.clientKey = client.key;
});
afterAll(() => pki.dispose());

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function profileWith(configuration: Record<string, string>): StationProfile {
  const conf = Object.fromEntries(Object.entries(configuration).map(([k, value]) => [k, { value }]));
  return { ...DEFAULT_PROFILE, meterValueSampleInterval: 60, configuration: { ...DEFAULT_PROFILE.configuration, ...conf } };
}

function fleetOn(url: string, overrides: Parameters<typeof startTestFleet>[1] = {}): Fleet {
  const fleet = startTestFleet(url, { count: 1, driver: QUIET_DRIVER, ...overrides });
  cleanups.push(() => fleet.stop());
  return fleet;
}

// ---------------------------------------------------------------- strict ocpp-rpc peer

async function strictPeer(): Promise<StrictPeer> {
  const peer = await StrictPeer.start();
  cleanups.push(() => peer.close());
  for (const m of ['SecurityEventNotification', 'LogStatusNotification', 'SignedFirmwareStatusNotification']) peer.respond(m, () => ({}));
  peer.respond('SignCertificate', () => ({ status: 'Accepted' }));
  return peer;
}

async function bootedOn(peer: StrictPeer): Promise<void> {
  await until(() => peer.calls(CP, 'StatusNotification').length >= 3, `${CP} to boot`);
}

async function arrives(peer: StrictPeer, method: string, pred: (params: any) => boolean = () => true, since = 0): Promise<Received> {
  const find = () => peer.received.slice(since).find((r) => r.identity === CP && r.method === method && pred(r.params));
  await until(() => find() !== undefined, `${method} from ${CP}`);
  return find()!;
}

describe('security extension against the strict ocpp-rpc peer', () => {
  it('InstallCertificate, GetInstalledCertificateIds and DeleteCertificate round trip (M03–M05)', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await bootedOn(peer);
    expect(await peer.call(CP, 'GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' })).toEqual({ status: 'NotFound' });
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: pem.cpoCa })).toEqual({ status: 'Accepted' });
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: pem.maker })).toEqual({ status: 'Accepted' });
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: 'not a certificate' })).toEqual({ status: 'Rejected' });
    expect(await peer.call(CP, 'InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: pem.client })).toEqual({ status: 'Rejected' }); // not a CA

    const cpo = parseCertificate(pem.cpoCa);
    const listed = await peer.call(CP, 'GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' });
    expect(listed).toEqual({ status: 'Accepted', certificateHashData: [certificateHashData(cpo, cpo, 'SHA256')] });
    // Deleting with another algorithm than the one reported works too (M04.FR.07: the CSMS's choice).
    expect(await peer.call(CP, 'DeleteCertificate', { certificateHashData: certificateHashData(cpo, cpo, 'SHA512') })).toEqual({ status: 'Accepted' });
    expect(await peer.call(CP, 'DeleteCertificate', { certificateHashData: listed.certificateHashData[0] })).toEqual({ status: 'NotFound' });
    expect(await peer.call(CP, 'GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' })).toEqual({ status: 'NotFound' });
    expect((await peer.call(CP, 'GetInstalledCertificateIds', { certificateType: 'ManufacturerRootCertificate' })).certificateHashData).toHaveLength(1);
    expect(peer.failures).toEqual([]);
  });

  it('ExtendedTriggerMessage: core messages, SignedFirmwareStatusNotification, LogStatusNotification, Rejected connector', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await bootedOn(peer);
    let mark = peer.received.length;
    expect(await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'Heartbeat' })).toEqual({ status: 'Accepted' });
    await arrives(peer, 'Heartbeat', undefined, mark);
    mark = peer.received.length;
    expect(await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 2 })).toEqual({ status: 'Accepted' });
    await arrives(peer, 'StatusNotification', (p) => p.connectorId === 2, mark);
    expect(await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'MeterValues', connectorId: 1 })).toEqual({ status: 'Accepted' });
    await arrives(peer, 'MeterValues', (p) => p.connectorId === 1 && p.meterValue[0].sampledValue[0].context === 'Trigger', mark);
    expect(await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'FirmwareStatusNotification' })).toEqual({ status: 'Accepted' });
    expect((await arrives(peer, 'SignedFirmwareStatusNotification', undefined, mark)).params).toEqual({ status: 'Idle' });
    expect(await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'LogStatusNotification' })).toEqual({ status: 'Accepted' });
    expect((await arrives(peer, 'LogStatusNotification', undefined, mark)).params).toEqual({ status: 'Idle' });
    expect(await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 9 })).toEqual({ status: 'Rejected' });
    expect(await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'MeterValues', connectorId: 0 })).toEqual({ status: 'Rejected' });
    // A02's prerequisite: no CpoName, no CSR.
    expect(await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' })).toEqual({ status: 'Rejected' });
    expect(peer.failures).toEqual([]);
  });

  it('ExtendedTriggerMessage(FirmwareStatusNotification) on a model without Firmware Management: NotImplemented, nothing sent', async () => {
    const peer = await strictPeer();
    const profile = { ...DEFAULT_PROFILE, configuration: { ...DEFAULT_PROFILE.configuration, SupportedFeatureProfiles: { value: 'Core,RemoteTrigger', readonly: true } } };
    fleetOn(peer.url, { profile });
    await bootedOn(peer);
    expect(await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'FirmwareStatusNotification' })).toEqual({ status: 'NotImplemented' });
    // GetLog is the security extension's, not Firmware Management's: its status is still there.
    expect(await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'LogStatusNotification' })).toEqual({ status: 'Accepted' });
    expect((await arrives(peer, 'LogStatusNotification')).params).toEqual({ status: 'Idle' });
    expect(peer.calls(CP, 'SignedFirmwareStatusNotification')).toEqual([]);
    expect(peer.failures).toEqual([]);
  });

  it('SignChargePointCertificate: a new key and a CSR openssl verifies (O = CpoName, CN = serial number), on demand only', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await bootedOn(peer);
    const serial = peer.calls(CP, 'BootNotification')[0].params.chargePointSerialNumber;
    expect(await peer.call(CP, 'ChangeConfiguration', { key: 'CpoName', value: 'Test CPO' })).toEqual({ status: 'Accepted' });
    const mark = peer.received.length;
    const res = await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' });
    expect(res).toEqual({ status: 'Accepted' });
    const { params } = await arrives(peer, 'SignCertificate', undefined, mark);
    pki.write('peer.csr', params.csr);
    expect(pki.openssl('req', '-in', 'peer.csr', '-noout', '-verify', '-subject')).toContain(`subject=O = Test CPO, CN = ${serial}`);
    // Asked twice, a fresh key each time (A02.FR.02).
    await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' });
    const second = await arrives(peer, 'SignCertificate', (p) => p.csr !== params.csr, mark);
    pki.write('peer2.csr', second.params.csr);
    const key = (f: string) => pki.openssl('req', '-in', f, '-noout', '-pubkey');
    expect(key('peer2.csr')).not.toBe(key('peer.csr'));
    // A certificate for a key we never asked about is refused, with a security event (A02.FR.07).
    const stranger = pki.leaf('stranger', 'ca', `/O=Test CPO/CN=${serial}`).cert;
    const m2 = peer.received.length;
    expect(await peer.call(CP, 'CertificateSigned', { certificateChain: stranger })).toEqual({ status: 'Rejected' });
    const ev = await arrives(peer, 'SecurityEventNotification', (p) => p.type === 'InvalidChargePointCertificate', m2);
    expect(ev.params.techInfo).toMatch(/key of our CSR/);
    expect(peer.failures).toEqual([]);
  });

  it('ChangeConfiguration of security keys: AuthorizationKey format, SecurityProfile only upwards and with its prerequisites', async () => {
    const peer = await strictPeer();
    fleetOn(peer.url);
    await bootedOn(peer);
    const change = (key: string, value: string) => peer.call(CP, 'ChangeConfiguration', { key, value });
    const reconnected = (n: number) =>
      until(() => (peer.connections.get(CP)?.length ?? 0) >= n && peer.client(CP).state === 1, `connection ${n} to open`);
    expect(await change('AuthorizationKey', 'short')).toEqual({ status: 'Rejected' });
    expect(await change('AuthorizationKey', hex('fifteen-bytes!!'))).toEqual({ status: 'Rejected' });
    expect(await change('AuthorizationKey', hex('this-is-too-long-a-password'))).toEqual({ status: 'Rejected' });
    expect(await change('SecurityProfile', '1')).toEqual({ status: 'Rejected' }); // no password yet (A05.FR.02)
    expect(await change('SecurityProfile', 'x')).toEqual({ status: 'Rejected' });
    const mark = peer.received.length;
    expect(await change('AuthorizationKey', hex('sixteen-byte-key'))).toEqual({ status: 'Accepted' });
    const ev = await arrives(peer, 'SecurityEventNotification', (p) => p.type === 'ReconfigurationOfSecurityParameters', mark);
    expect(ev.params.techInfo).not.toContain('sixteen'); // A01.FR.12: the key is not disclosed
    // It reconnects with the new password: Basic auth appears on the next connection.
    await reconnected(2);
    const auth = peer.connections.get(CP)![1].handshake.headers.authorization;
    expect(Buffer.from(auth.slice(6), 'base64').toString()).toBe(`${CP}:sixteen-byte-key`);
    // The key is write-only: GetConfiguration lists it without a value.
    const conf = await peer.call(CP, 'GetConfiguration', { key: ['AuthorizationKey'] });
    expect(conf.configurationKey).toEqual([{ key: 'AuthorizationKey', readonly: false }]);
    expect(await change('SecurityProfile', '1')).toEqual({ status: 'Accepted' });
    await reconnected(3); // A05.FR.06/07: it reconnects with the new profile
    expect(await change('SecurityProfile', '1')).toEqual({ status: 'Rejected' }); // not higher (A05.FR.01)
    expect(await change('SecurityProfile', '0')).toEqual({ status: 'Rejected' });
    expect(await change('SecurityProfile', '2')).toEqual({ status: 'Rejected' }); // no Central System root (A05.FR.03)
    expect(await change('SecurityProfile', '3')).toEqual({ status: 'Rejected' });
    expect(peer.failures).toEqual([]);
  });
});

// ---------------------------------------------------------------- embedded CSMS

describe('security extension against the embedded CSMS', () => {
  it('AuthorizationKey rotation: the charge point reconnects with the new password the CSMS now demands (A01)', async () => {
    const passwords: Record<string, string> = { [CP]: 'factory-password-1' };
    const csms = await startCsms({ strict: true, passwords });
    cleanups.push(() => csms.close());
    const events: any[] = [];
    csms.onRequest = (_id, action, payload) => (action === 'SecurityEventNotification' && events.push(payload), undefined);
    const fleet = fleetOn(csms.url, { password: 'factory-password-1' });
    await until(() => csms.stats.booted === 1, 'a boot with the factory password');
    expect(await csms.call(CP, 'ChangeConfiguration', { key: 'AuthorizationKey', value: 'zz'.repeat(16) })).toEqual({ status: 'Rejected' });
    expect(await csms.call(CP, 'ChangeConfiguration', { key: 'AuthorizationKey', value: hex('rotated-secret-0001') })).toEqual({ status: 'Accepted' });
    passwords[CP] = 'rotated-secret-0001'; // A01.FR.03: the old credentials are no longer accepted
    await until(() => csms.stats.connections.total === 2 && csms.connected().includes(CP), 'a reconnect with the rotated password');
    expect(csms.stats.connections.rejected).toBe(0);
    await until(() => events.some((e) => e.type === 'ReconfigurationOfSecurityParameters'), 'the security event');
    // Still the same session: a reconnect is not a reboot.
    expect(csms.stats.boots).toBe(1);
    fleet.refresh();
    expect(fleet.stats.problems).toEqual([]);
  });

  it('while the boot is Pending, what ExtendedTriggerMessage asks for still goes out: SignCertificate, the status notifications (A00.FR.806)', async () => {
    const csms = await startCsms({ strict: true });
    cleanups.push(() => csms.close());
    const calls: { action: string; payload: any }[] = [];
    // The CSMS keeps the charge point Pending while it updates its credentials.
    csms.onRequest = (_id, action, payload) => {
      calls.push({ action, payload });
      if (action === 'BootNotification') return { status: 'Pending', currentTime: new Date().toISOString(), interval: 60 };
      return action === 'SignCertificate' ? { status: 'Accepted' } : undefined;
    };
    fleetOn(csms.url, { profile: profileWith({ CpoName: 'Test CPO' }) });
    await until(() => calls.some((c) => c.action === 'BootNotification'), 'a Pending boot');
    for (const requestedMessage of ['SignChargePointCertificate', 'FirmwareStatusNotification', 'LogStatusNotification']) {
      expect(await csms.call(CP, 'ExtendedTriggerMessage', { requestedMessage })).toEqual({ status: 'Accepted' });
    }
    await until(() => ['SignCertificate', 'SignedFirmwareStatusNotification', 'LogStatusNotification'].every((a) => calls.some((c) => c.action === a)), 'the triggered messages');
    expect(calls.find((c) => c.action === 'SignCertificate')!.payload.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(calls.find((c) => c.action === 'SignedFirmwareStatusNotification')!.payload).toEqual({ status: 'Idle' });
    expect(calls.find((c) => c.action === 'LogStatusNotification')!.payload).toEqual({ status: 'Idle' });
    // Nothing else: no StatusNotification before the boot is accepted (§4.2.1).
    expect(calls.filter((c) => c.action === 'StatusNotification')).toEqual([]);
  });

  it('security profile 3 over wss://: SignCertificate → CertificateSigned, and the next connection presents the new certificate (A02)', async () => {
    const tlsServer = (clientCa: string) => ({ cert: pem.server, key: pem.serverKey, ca: clientCa, requestCert: true });
    const first = await startCsms({ strict: true, tls: tlsServer(pem.ca) });
    let firstOpen = true;
    cleanups.push(async () => firstOpen && first.close());
    const seen: { action: string; payload: any }[] = [];
    first.onRequest = (_id, action, payload) => {
      seen.push({ action, payload });
      return action === 'SignCertificate' ? { status: 'Accepted' } : undefined;
    };
    const profile = profileWith({ SecurityProfile: '3', CpoName: 'Test CPO' });
    const fleet = fleetOn(first.url, { profile, tls: { ca: pem.ca, cert: pem.client, key: pem.clientKey } });
    await until(() => first.stats.booted === 1, 'a profile 3 boot with the factory client certificate');
    await until(() => seen.some((s) => s.action === 'SecurityEventNotification' && s.payload.type === 'StartupOfTheDevice'), 'StartupOfTheDevice');

    // The CPO's CA becomes a trusted root, then signs our CSR.
    expect(await first.call(CP, 'InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: pem.cpoCa })).toEqual({ status: 'Accepted' });
    expect(await first.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' })).toEqual({ status: 'Accepted' });
    await until(() => seen.some((s) => s.action === 'SignCertificate'), 'SignCertificate');
    const csr = seen.find((s) => s.action === 'SignCertificate')!.payload.csr;
    const signed = pki.signCsr('cp-signed', csr, 'cpo');
    expect(new X509Certificate(signed).subject).toContain('O=Test CPO');
    // The root that verified this connection's server certificate cannot be deleted while in use (M04.FR.06).
    expect(await first.call(CP, 'InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: pem.ca })).toEqual({ status: 'Accepted' });
    const ca = parseCertificate(pem.ca);
    expect(await first.call(CP, 'DeleteCertificate', { certificateHashData: certificateHashData(ca, ca, 'SHA256') })).toEqual({ status: 'Failed' });
    expect(await first.call(CP, 'CertificateSigned', { certificateChain: signed })).toEqual({ status: 'Accepted' });

    // The charge point reconnects with the new certificate, which this CSMS does not trust…
    fleet.refresh();
    const failuresBefore = fleet.stats.total('connectFailures');
    await until(() => (fleet.refresh(), fleet.stats.total('connectFailures')) > failuresBefore, 'a refused handshake with the new certificate', 8000);
    const port = first.port;
    firstOpen = false;
    await first.close();
    // …and a CSMS that trusts only the CPO's CA for clients accepts it.
    const second = await startCsms({ strict: true, port, tls: tlsServer(pem.cpoCa) });
    cleanups.push(() => second.close());
    await until(() => second.connected().includes(CP), 'a connection with the signed certificate', 8000);
    expect(await second.call(CP, 'GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' })).toMatchObject({ status: 'Accepted' });
  });

  it('critical security events are delivered even across a dropped connection; Reset raises ResetOrReboot (A04.FR.02)', async () => {
    const csms = await startCsms({ strict: true, password: 'factory-password-1' });
    cleanups.push(() => csms.close());
    const events: any[] = [];
    let swallow = true;
    csms.onRequest = (_id, action, payload) => {
      if (action !== 'SecurityEventNotification') return undefined;
      events.push(payload);
      if (swallow) {
        // The first notification is never answered: the connection drops under it.
        swallow = false;
        setTimeout(() => csms.disconnect(CP), 50);
        return NO_REPLY;
      }
      return undefined;
    };
    fleetOn(csms.url, { password: 'factory-password-1', profile: profileWith({ SecurityProfile: '1' }) });
    await until(() => events.filter((e) => e.type === 'StartupOfTheDevice').length === 2, 'StartupOfTheDevice, again after the reconnect');
    const [a, b] = events.filter((e) => e.type === 'StartupOfTheDevice');
    expect(b).toEqual(a); // the same event, resent
    expect(csms.stats.connections.total).toBe(2);
    expect(await csms.call(CP, 'Reset', { type: 'Soft' })).toEqual({ status: 'Accepted' });
    await until(() => events.some((e) => e.type === 'ResetOrReboot' && e.techInfo === 'Soft reset'), 'ResetOrReboot');
    await until(() => events.filter((e) => e.type === 'StartupOfTheDevice').length === 3, 'StartupOfTheDevice after the reboot');
  });

  it('SecurityProfile upgrade 1 → 2 reconnects over wss:// to the same host and port (A05)', async () => {
    const plain = await startCsms({ strict: true, password: 'factory-password-1' });
    let plainOpen = true;
    cleanups.push(async () => plainOpen && plain.close());
    const fleet = fleetOn(plain.url, { password: 'factory-password-1', tls: { ca: pem.ca }, profile: profileWith({ SecurityProfile: '1' }) });
    await until(() => plain.stats.booted === 1, 'a boot over ws://');
    expect(await plain.call(CP, 'ChangeConfiguration', { key: 'SecurityProfile', value: '3' })).toEqual({ status: 'Rejected' }); // no client certificate
    expect(await plain.call(CP, 'ChangeConfiguration', { key: 'SecurityProfile', value: '2' })).toEqual({ status: 'Accepted' });
    fleet.refresh();
    const failures = fleet.stats.total('connectFailures');
    await until(() => (fleet.refresh(), fleet.stats.total('connectFailures')) > failures, 'a TLS attempt at the plain server', 8000);
    const port = plain.port;
    plainOpen = false;
    await plain.close();
    const secure = await startCsms({ strict: true, port, password: 'factory-password-1', tls: { cert: pem.server, key: pem.serverKey } });
    cleanups.push(() => secure.close());
    await until(() => secure.connected().includes(CP), 'a connection over wss://', 8000);
    const conf = await secure.call(CP, 'GetConfiguration', { key: ['SecurityProfile'] });
    expect(conf.configurationKey).toEqual([{ key: 'SecurityProfile', readonly: false, value: '2' }]);
  });

  it('SecurityProfile upgrade the charge point cannot connect with: after 3 failed attempts it falls back to the previous profile (A05.FR.08)', async () => {
    const plain = await startCsms({ strict: true, password: 'factory-password-1' });
    cleanups.push(() => plain.close());
    const fleet = fleetOn(plain.url, { password: 'factory-password-1', tls: { ca: pem.ca }, profile: profileWith({ SecurityProfile: '1' }) });
    await until(() => plain.stats.booted === 1, 'a boot over ws://');
    expect(await plain.call(CP, 'ChangeConfiguration', { key: 'SecurityProfile', value: '2' })).toEqual({ status: 'Accepted' });
    // Nobody serves wss:// on that port: the TLS attempts fail, then the charge point comes back over ws://.
    await until(() => plain.stats.connections.total === 2 && plain.connected().includes(CP), 'a reconnect over ws:// with the old profile', 10_000);
    fleet.refresh();
    expect(fleet.stats.total('connectFailures')).toBe(3);
    expect(fleet.stats.problems.some((p) => p.includes('back to 1'))).toBe(true);
    const conf = await plain.call(CP, 'GetConfiguration', { key: ['SecurityProfile'] });
    expect(conf.configurationKey).toEqual([{ key: 'SecurityProfile', readonly: false, value: '1' }]);
    expect(plain.stats.boots).toBe(1); // a reconnect, not a reboot
  });
});
