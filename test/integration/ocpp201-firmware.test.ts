/**
 * OCPP 2.0.1 Firmware Management (L01–L04) and GetLog (N01) end to end on loopback: the test serves
 * firmware images and receives log uploads itself over HTTP, the charging station really downloads
 * and uploads, and ocpp-rpc's strict 2.0.1 peer validates every message both ways (zero strict
 * failures in every test). Requirement ids in the names.
 */
import { constants, createHash, randomBytes, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compileScenarioText } from '../../src/scenario/parse.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_FIRMWARE, DEFAULT_PROFILE, type FirmwareBehaviour, type StationProfile } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';
import { StrictPeer } from '../helpers/ocpp-rpc-peer.js';

const CP = 'TEST001';
/** No car arrives by itself: the tests decide when a session runs. */
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const FAST: FirmwareBehaviour = { ...DEFAULT_FIRMWARE, installMs: 150 };
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'fw-201', ocppVersions: ['2.0.1'], firmware: FAST };
const IMAGE = randomBytes(64 * 1024 + 17);
const TOKEN = { idToken: 'TAG201', type: 'ISO14443' };

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-fw201-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const soon = () => new Date().toISOString();

// ------------------------------------------------------------------ a file server of our own

interface Seen {
  method: string;
  url: string;
  body: Buffer;
}

/** GET /fw/<name> serves IMAGE; PUT to /hang/ never gets an answer, to /deny/ a 403; other PUTs are stored (201). */
async function fileServer(): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body: Buffer.concat(chunks) });
      if (req.method === 'GET' && req.url!.startsWith('/fw/')) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(IMAGE);
      else if (req.method === 'GET' && req.url!.startsWith('/slow/')) trickle(res);
      else if (req.url!.startsWith('/hang/')) return; // answered when the server closes
      else if (req.url!.startsWith('/deny/')) res.writeHead(403).end();
      else if (req.method === 'PUT' || req.method === 'POST') res.writeHead(201).end();
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => {
    server.closeAllConnections();
    server.close(r);
  }));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

/** Sends IMAGE 4 KiB every 100 ms (about 1.6 s): a download long enough to cut. */
function trickle(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  let at = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(IMAGE.subarray(at, (at += 4096)));
    if (at >= IMAGE.length) {
      clearInterval(timer);
      res.end();
    }
  }, 100);
  res.on('close', () => clearInterval(timer));
}

// ------------------------------------------------------------------ the strict peer and one station

async function setup(overrides: Parameters<typeof startTestFleet>[1] = {}): Promise<{ peer: StrictPeer201; fleet: Fleet }> {
  const peer = await StrictPeer201.start();
  cleanups.push(() => peer.close());
  peer.respond('PublishFirmwareStatusNotification', () => ({}));
  const fleet = startTestFleet(peer.url, { count: 1, driver: QUIET_DRIVER, profile: PROFILE_201, ...overrides });
  cleanups.push(() => fleet.stop());
  await until(() => peer.calls(CP, 'StatusNotification').length >= 2, 'the charging station to boot');
  return { peer, fleet };
}

/** What the station sent with `method`, in order (params). */
function sent(peer: StrictPeer201, method: string): any[] {
  return peer.calls(CP, method).map((c) => c.params);
}

const statuses = (peer: StrictPeer201, method = 'FirmwareStatusNotification') => sent(peer, method).map((p) => p.status);

/** Every check a test ends with: nothing invalid either way, no problem in the fleet. */
function clean(peer: StrictPeer201, fleet: Fleet): void {
  expect(peer.failures).toEqual([]);
  fleet.refresh();
  expect(fleet.stats.problems).toEqual([]);
}

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A firmware signing key and its self-signed certificate, made with openssl. */
function signingPair(): { key: string; cert: string } {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'sign.key', '-out', 'sign.pem', '-days', '1', '-subj', '/CN=ocpp-sim firmware signing');
  return { key: readFileSync(join(dir, 'sign.key'), 'utf8'), cert: readFileSync(join(dir, 'sign.pem'), 'utf8') };
}

const pss = (key: string, data: Buffer) => sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');

// ------------------------------------------------------------------ UpdateFirmware

describe('UpdateFirmware (L01, L02)', () => {
  it('L02: an unsigned image is downloaded and installed; InstallRebooting, the boot with reason FirmwareUpdate and the new version, then Installed (L02.FR.21) and FirmwareUpdated (L01.FR.31)', async () => {
    const files = await fileServer();
    const { peer, fleet } = await setup();
    expect(sent(peer, 'BootNotification')[0].chargingStation.firmwareVersion).toBe('1.0.0');
    const res = await peer.call(CP, 'UpdateFirmware', { requestId: 7, firmware: { location: `${files.base}/fw/fw-2.1.0.bin`, retrieveDateTime: soon() } });
    expect(res).toEqual({ status: 'Accepted' });
    await until(() => statuses(peer).includes('Installed'), 'Installed after the reboot', 8000);
    expect(statuses(peer)).toEqual(['Downloading', 'Downloaded', 'Installing', 'InstallRebooting', 'Installed']);
    // L02.FR.06 / L01.FR.20: every status carries the request's id.
    expect(sent(peer, 'FirmwareStatusNotification').every((p) => p.requestId === 7)).toBe(true);
    const boots = sent(peer, 'BootNotification');
    expect(boots).toHaveLength(2);
    expect(boots[1]).toMatchObject({ reason: 'FirmwareUpdate', chargingStation: { firmwareVersion: '2.1.0' } });
    // Installed comes from the new firmware: after the second boot, not before it.
    const order = peer.calls(CP).map((c) => (c.method === 'FirmwareStatusNotification' ? c.params.status : c.method));
    expect(order.indexOf('InstallRebooting')).toBeLessThan(order.lastIndexOf('BootNotification'));
    expect(order.indexOf('Installed')).toBeGreaterThan(order.lastIndexOf('BootNotification'));
    const event = sent(peer, 'SecurityEventNotification').find((e) => e.type === 'FirmwareUpdated');
    expect(event?.techInfo).toBe('1.0.0 -> 2.1.0');
    expect(files.seen.filter((s) => s.method === 'GET')).toHaveLength(1);
    // The device model knows the new version too.
    const get = await peer.call(CP, 'GetVariables', { getVariableData: [{ component: { name: 'ChargingStation' }, variable: { name: 'FirmwareVersion' } }] });
    expect(get.getVariableResult[0]).toMatchObject({ attributeStatus: 'Accepted', attributeValue: '2.1.0' });
    // L01.FR.25: after Installed a triggered FirmwareStatusNotification is Idle, without a requestId.
    const mark = peer.received.length;
    expect(await peer.call(CP, 'TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' })).toEqual({ status: 'Accepted' });
    await until(() => peer.received.slice(mark).some((c) => c.method === 'FirmwareStatusNotification'), 'the triggered status');
    expect(peer.received.slice(mark).find((c) => c.method === 'FirmwareStatusNotification')!.params).toEqual({ status: 'Idle' });
    clean(peer, fleet);
  });

  it('L01: a signed image is verified (SignatureVerified) and installed; a bad signature is InvalidSignature with the security event InvalidFirmwareSignature (L01.FR.03)', async () => {
    const files = await fileServer();
    const { peer, fleet } = await setup();
    const { key, cert } = signingPair();
    const bad = await peer.call(CP, 'UpdateFirmware', {
      requestId: 1,
      firmware: { location: `${files.base}/fw/fw-3.0.0.bin`, retrieveDateTime: soon(), signingCertificate: cert, signature: pss(key, Buffer.from('another image')) },
    });
    expect(bad).toEqual({ status: 'Accepted' });
    await until(() => statuses(peer).includes('InvalidSignature'), 'InvalidSignature');
    await until(() => sent(peer, 'SecurityEventNotification').some((e) => e.type === 'InvalidFirmwareSignature'), 'the security event');
    expect(statuses(peer)).toEqual(['Downloading', 'Downloaded', 'InvalidSignature']);
    const good = await peer.call(CP, 'UpdateFirmware', {
      requestId: 2,
      firmware: { location: `${files.base}/fw/fw-3.0.0.bin`, retrieveDateTime: soon(), signingCertificate: cert, signature: pss(key, IMAGE) },
    });
    expect(good).toEqual({ status: 'Accepted' });
    await until(() => statuses(peer).includes('Installed'), 'Installed', 8000);
    expect(sent(peer, 'FirmwareStatusNotification').filter((p) => p.requestId === 2).map((p) => p.status)).toEqual([
      'Downloading',
      'Downloaded',
      'SignatureVerified',
      'Installing',
      'InstallRebooting',
      'Installed',
    ]);
    expect(sent(peer, 'BootNotification')[1]).toMatchObject({ reason: 'FirmwareUpdate', chargingStation: { firmwareVersion: '3.0.0' } });
    clean(peer, fleet);
  });

  it('L01.FR.02/L01.FR.22: an invalid signing certificate is InvalidCertificate with the security event InvalidFirmwareSigningCertificate; nothing is downloaded', async () => {
    const files = await fileServer();
    const { peer, fleet } = await setup();
    const res = await peer.call(CP, 'UpdateFirmware', {
      requestId: 3,
      firmware: { location: `${files.base}/fw/fw-4.0.0.bin`, retrieveDateTime: soon(), signingCertificate: 'not a certificate', signature: 'AAAA' },
    });
    expect(res.status).toBe('InvalidCertificate');
    await until(() => sent(peer, 'SecurityEventNotification').some((e) => e.type === 'InvalidFirmwareSigningCertificate'), 'the security event');
    // A signature without any certificate cannot be checked either.
    const noCert = await peer.call(CP, 'UpdateFirmware', { requestId: 4, firmware: { location: `${files.base}/fw/fw-4.0.0.bin`, retrieveDateTime: soon(), signature: 'AAAA' } });
    expect(noCert.status).toBe('InvalidCertificate');
    // A location that cannot be used is Rejected when no update is under way.
    const nowhere = await peer.call(CP, 'UpdateFirmware', { requestId: 5, firmware: { location: 'nowhere', retrieveDateTime: soon() } });
    expect(nowhere.status).toBe('Rejected');
    await new Promise((r) => setTimeout(r, 300));
    expect(statuses(peer)).toEqual([]);
    expect(files.seen).toEqual([]);
    clean(peer, fleet);
  });

  it('L01.FR.13: a retrieveDateTime to come is DownloadScheduled (and so triggered, L01.FR.26); a new request cancels it: AcceptedCanceled (L01.FR.24)', async () => {
    const files = await fileServer();
    const { peer, fleet } = await setup();
    const later = new Date(Date.now() + 3600_000).toISOString();
    expect(await peer.call(CP, 'UpdateFirmware', { requestId: 10, firmware: { location: `${files.base}/fw/fw-5.0.0.bin`, retrieveDateTime: later } })).toEqual({ status: 'Accepted' });
    await until(() => statuses(peer).includes('DownloadScheduled'), 'DownloadScheduled');
    const mark = peer.received.length;
    await peer.call(CP, 'TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
    await until(() => peer.received.slice(mark).some((c) => c.method === 'FirmwareStatusNotification'), 'the triggered status');
    expect(peer.received.slice(mark).find((c) => c.method === 'FirmwareStatusNotification')!.params).toEqual({ status: 'DownloadScheduled', requestId: 10 });
    const second = await peer.call(CP, 'UpdateFirmware', { requestId: 11, firmware: { location: `${files.base}/fw/fw-5.1.0.bin`, retrieveDateTime: soon() } });
    expect(second).toEqual({ status: 'AcceptedCanceled' });
    await until(() => statuses(peer).includes('Installed'), 'the second update Installed', 8000);
    expect(sent(peer, 'FirmwareStatusNotification').filter((p) => p.requestId === 10).map((p) => p.status)).toEqual(['DownloadScheduled', 'DownloadScheduled']);
    expect(sent(peer, 'BootNotification')[1].chargingStation.firmwareVersion).toBe('5.1.0');
    clean(peer, fleet);
  });

  it('a Reset mid-download cuts it: DownloadFailed with the requestId after the boot; triggered, the last status (L01.FR.26)', async () => {
    const files = await fileServer();
    const { peer, fleet } = await setup();
    await peer.call(CP, 'UpdateFirmware', { requestId: 12, retries: 0, firmware: { location: `${files.base}/slow/fw-5.2.0.bin`, retrieveDateTime: soon() } });
    await until(() => statuses(peer).includes('Downloading'), 'Downloading');
    expect(await peer.call(CP, 'Reset', { type: 'Immediate' })).toEqual({ status: 'Accepted' });
    await until(() => statuses(peer).includes('DownloadFailed'), 'DownloadFailed after the boot', 5000);
    const order = peer.calls(CP).map((c) => (c.method === 'FirmwareStatusNotification' ? c.params.status : c.method));
    expect(order.indexOf('DownloadFailed')).toBeGreaterThan(order.lastIndexOf('BootNotification'));
    expect(sent(peer, 'FirmwareStatusNotification').at(-1)).toEqual({ status: 'DownloadFailed', requestId: 12 });
    expect(sent(peer, 'BootNotification').at(-1)).toMatchObject({ reason: 'RemoteReset', chargingStation: { firmwareVersion: '1.0.0' } });
    const mark = peer.received.length;
    await peer.call(CP, 'TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
    await until(() => peer.received.slice(mark).some((c) => c.method === 'FirmwareStatusNotification'), 'the triggered status');
    expect(peer.received.slice(mark).find((c) => c.method === 'FirmwareStatusNotification')!.params).toEqual({ status: 'DownloadFailed', requestId: 12 });
    clean(peer, fleet);
  });

  it('L01.FR.16: an installDateTime to come is InstallScheduled after the download; the install starts then', async () => {
    const files = await fileServer();
    const { peer, fleet } = await setup();
    const installAt = Date.now() + 1500;
    await peer.call(CP, 'UpdateFirmware', { requestId: 15, firmware: { location: `${files.base}/fw/fw-5.5.0.bin`, retrieveDateTime: soon(), installDateTime: new Date(installAt).toISOString() } });
    await until(() => statuses(peer).includes('Installed'), 'Installed', 8000);
    expect(statuses(peer)).toEqual(['Downloading', 'Downloaded', 'InstallScheduled', 'Installing', 'InstallRebooting', 'Installed']);
    const installing = peer.calls(CP, 'FirmwareStatusNotification').find((c) => c.params.status === 'Installing')!;
    expect(installing.at).toBeGreaterThanOrEqual(installAt - 50);
    clean(peer, fleet);
  });

  it('L01.FR.06/07: the install waits for the transaction (InstallScheduled), the idle EVSE Unavailable meanwhile; with AllowNewSessionsPendingFirmwareUpdate it stays Available', async () => {
    const files = await fileServer();
    const { peer, fleet } = await setup();
    const run = async (requestId: number, version: string): Promise<string> => {
      const mark = peer.received.length;
      expect((await peer.call(CP, 'RequestStartTransaction', { idToken: TOKEN, remoteStartId: requestId, evseId: 1 })).status).toBe('Accepted');
      await until(() => peer.received.slice(mark).some((c) => c.method === 'TransactionEvent' && c.params.eventType === 'Started'), 'the transaction');
      const txId = peer.received.slice(mark).find((c) => c.method === 'TransactionEvent')!.params.transactionInfo.transactionId;
      await peer.call(CP, 'UpdateFirmware', { requestId, firmware: { location: `${files.base}/fw/fw-${version}.bin`, retrieveDateTime: soon() } });
      const mine = () => peer.received.slice(mark).filter((c) => c.method === 'FirmwareStatusNotification' && c.params.requestId === requestId).map((c) => c.params.status);
      await until(() => mine().includes('InstallScheduled'), 'InstallScheduled');
      await new Promise((r) => setTimeout(r, 300));
      expect(mine()).toEqual(['Downloading', 'Downloaded', 'InstallScheduled']);
      const evse2 = peer.received.slice(mark).filter((c) => c.method === 'StatusNotification' && c.params.evseId === 2).map((c) => c.params.connectorStatus);
      expect(await peer.call(CP, 'RequestStopTransaction', { transactionId: txId })).toEqual({ status: 'Accepted' });
      await until(() => mine().includes('Installed'), 'Installed', 10_000);
      expect(mine()).toEqual(['Downloading', 'Downloaded', 'InstallScheduled', 'Installing', 'InstallRebooting', 'Installed']);
      return evse2.join(',');
    };
    // Without the variable (false): no new sessions while waiting (L01.FR.07).
    expect(await run(20, '6.0.0')).toBe('Unavailable');
    await until(() => peer.calls(CP, 'StatusNotification').filter((c) => c.params.connectorStatus === 'Available').length >= 4, 'the connectors back');
    const set = await peer.call(CP, 'SetVariables', {
      setVariableData: [{ component: { name: 'ChargingStation' }, variable: { name: 'AllowNewSessionsPendingFirmwareUpdate' }, attributeValue: 'true' }],
    });
    expect(set.setVariableResult[0].attributeStatus).toBe('Accepted');
    expect(await run(21, '6.1.0')).toBe('');
    expect(sent(peer, 'BootNotification').at(-1).chargingStation.firmwareVersion).toBe('6.1.0');
    clean(peer, fleet);
  });
});

// ------------------------------------------------------------------ failures at each stage (scenario)

describe('a scenario\'s `firmware:` step makes each stage fail on a 2.0.1 station', () => {
  it.each([
    ['download', false, ['Downloading', 'DownloadFailed']],
    ['signature', true, ['Downloading', 'Downloaded', 'InvalidSignature']],
    ['install', false, ['Downloading', 'Downloaded', 'Installing', 'InstallationFailed']],
    ['verify', false, ['Downloading', 'Downloaded', 'Installing', 'InstallVerificationFailed']],
  ])('%s: fail', async (stage, signed, expected) => {
    const files = await fileServer();
    const scenario = compileScenarioText('fw.yaml', `description: failing ${stage}\nconnectors: [1]\nsteps:\n  - firmware: {${stage}: fail}\n  - wait: 1h\n`);
    const { peer, fleet } = await setup({ scenario });
    const { key, cert } = signed ? signingPair() : { key: '', cert: '' };
    const firmware = { location: `${files.base}/fw/fw-9.0.0.bin`, retrieveDateTime: soon(), ...(signed ? { signingCertificate: cert, signature: pss(key, IMAGE) } : {}) };
    expect(await peer.call(CP, 'UpdateFirmware', { requestId: 30, retries: 0, firmware })).toEqual({ status: 'Accepted' });
    const last = expected.at(-1)!;
    await until(() => statuses(peer).includes(last), last);
    await new Promise((r) => setTimeout(r, 300));
    expect(statuses(peer)).toEqual(expected);
    // The old firmware stays, and there is no reboot.
    expect(sent(peer, 'BootNotification')).toHaveLength(1);
    if (stage === 'signature') expect(sent(peer, 'SecurityEventNotification').map((e) => e.type)).toContain('InvalidFirmwareSignature');
    // L01.FR.26: a trigger repeats the last status with its requestId.
    const mark = peer.received.length;
    await peer.call(CP, 'TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
    await until(() => peer.received.slice(mark).some((c) => c.method === 'FirmwareStatusNotification'), 'the triggered status');
    expect(peer.received.slice(mark).find((c) => c.method === 'FirmwareStatusNotification')!.params).toEqual({ status: last, requestId: 30 });
    // The connectors the install blocked are given back after a failed install.
    if (stage === 'install' || stage === 'verify') {
      await until(() => sent(peer, 'StatusNotification').at(-1).connectorStatus === 'Available', 'the connectors back');
    }
    clean(peer, fleet);
  });
});

describe('a paused download and a revoked signing certificate (scenario firmware: {download: pause}, {certificate: revoked})', () => {
  const SCENARIO = [
    'description: the backhaul drops mid-download, then the signing certificate is revoked',
    'connectors: [1]',
    'steps:',
    '  - expect: {call: UpdateFirmware, within: 10s}',
    '  - wait: 500ms',
    '  - firmware: {download: pause}',
    '  - wait: 1s',
    '  - firmware: {download: ok, certificate: revoked}',
    '  - wait: 1h',
    '',
  ].join('\n');

  it('2.0.1: DownloadPaused, then Downloading again from the start and installed; a revoked signing certificate is RevokedCertificate with InvalidFirmwareSigningCertificate (L01.FR.02)', async () => {
    const files = await fileServer();
    const { peer, fleet } = await setup({ scenario: compileScenarioText('pause.yaml', SCENARIO) });
    await peer.call(CP, 'UpdateFirmware', { requestId: 30, firmware: { location: `${files.base}/slow/fw-6.0.0.bin`, retrieveDateTime: soon() } });
    await until(() => statuses(peer).includes('Installed'), 'Installed', 10_000);
    expect(statuses(peer)).toEqual(['Downloading', 'DownloadPaused', 'Downloading', 'Downloaded', 'Installing', 'InstallRebooting', 'Installed']);
    expect(sent(peer, 'FirmwareStatusNotification').every((p) => p.requestId === 30)).toBe(true);
    // The paused transfer was cut and the image fetched again, whole.
    expect(files.seen.filter((x) => x.method === 'GET')).toHaveLength(2);
    expect(sent(peer, 'BootNotification').at(-1).chargingStation.firmwareVersion).toBe('6.0.0');
    const { key, cert } = signingPair();
    const revoked = await peer.call(CP, 'UpdateFirmware', { requestId: 31, firmware: { location: `${files.base}/fw/fw-7.0.0.bin`, retrieveDateTime: soon(), signingCertificate: cert, signature: pss(key, IMAGE) } });
    expect(revoked).toMatchObject({ status: 'RevokedCertificate', statusInfo: { reasonCode: 'RevokedCertificate' } });
    await until(() => sent(peer, 'SecurityEventNotification').some((e) => e.type === 'InvalidFirmwareSigningCertificate'), 'the security event');
    expect(files.seen.filter((x) => x.method === 'GET')).toHaveLength(2);
    clean(peer, fleet);
  });

  it('1.6: UpdateFirmware has no word for a pause: one Downloading, the image fetched again; SignedUpdateFirmware with a revoked certificate is RevokedCertificate', async () => {
    const files = await fileServer();
    const peer = await StrictPeer.start();
    cleanups.push(() => peer.close());
    const fleet = startTestFleet(peer.url, { count: 1, driver: QUIET_DRIVER, profile: { ...DEFAULT_PROFILE, firmware: FAST }, scenario: compileScenarioText('pause16.yaml', SCENARIO) });
    cleanups.push(() => fleet.stop());
    await until(() => peer.calls(CP, 'StatusNotification').length >= 2, 'the charge point to boot');
    const fsn = () => peer.calls(CP, 'FirmwareStatusNotification').map((c) => c.params.status);
    await peer.call(CP, 'UpdateFirmware', { location: `${files.base}/slow/fw-6.0.0.bin`, retrieveDate: soon() });
    await until(() => peer.calls(CP, 'BootNotification').length === 2, 'the reboot into 6.0.0', 10_000);
    expect(fsn()).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    expect(files.seen.filter((x) => x.method === 'GET')).toHaveLength(2);
    const { key, cert } = signingPair();
    const revoked = await peer.call(CP, 'SignedUpdateFirmware', { requestId: 5, firmware: { location: `${files.base}/fw/fw-7.0.0.bin`, retrieveDateTime: soon(), signingCertificate: cert, signature: pss(key, IMAGE) } });
    expect(revoked).toEqual({ status: 'RevokedCertificate' });
    expect(peer.failures).toEqual([]);
  });
});

describe('the shared job on a 1.6 charge point', () => {
  it('1.6 UpdateFirmware knows no InstallVerificationFailed nor InstallRebooting: a failed verification is InstallationFailed; Installed comes before the reboot', async () => {
    const files = await fileServer();
    const peer = await StrictPeer.start();
    cleanups.push(() => peer.close());
    const scenario = compileScenarioText('fw.yaml', 'description: failing verification\nconnectors: [1]\nsteps:\n  - firmware: {verify: fail}\n  - wait: 2s\n  - firmware: {verify: ok}\n  - wait: 1h\n');
    const fleet = startTestFleet(peer.url, { count: 1, driver: QUIET_DRIVER, profile: { ...DEFAULT_PROFILE, firmware: FAST }, scenario });
    cleanups.push(() => fleet.stop());
    await until(() => peer.calls(CP, 'StatusNotification').length >= 2, 'the charge point to boot');
    const fsn = () => peer.calls(CP, 'FirmwareStatusNotification').map((c) => c.params.status);
    await peer.call(CP, 'UpdateFirmware', { location: `${files.base}/fw/fw-2.0.0.bin`, retrieveDate: soon() });
    await until(() => fsn().includes('InstallationFailed'), 'InstallationFailed');
    expect(fsn()).toEqual(['Downloading', 'Downloaded', 'Installing', 'InstallationFailed']);
    await new Promise((r) => setTimeout(r, 2000)); // the scenario switches verification back on
    await peer.call(CP, 'UpdateFirmware', { location: `${files.base}/fw/fw-2.0.1.bin`, retrieveDate: soon() });
    await until(() => peer.calls(CP, 'BootNotification').length === 2, 'the reboot', 8000);
    expect(fsn().slice(4)).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    expect(peer.calls(CP, 'BootNotification')[1].params.firmwareVersion).toBe('2.0.1');
    expect(peer.failures).toEqual([]);
  });
});

// ------------------------------------------------------------------ GetLog

describe('GetLog (N01)', () => {
  it('DiagnosticsLog and SecurityLog are uploaded: Uploading, Uploaded with the requestId (N01.FR.07–09); an unusable location is Rejected', async () => {
    const files = await fileServer();
    const { peer, fleet } = await setup();
    const diag = await peer.call(CP, 'GetLog', { logType: 'DiagnosticsLog', requestId: 40, log: { remoteLocation: `${files.base}/logs/` } });
    expect(diag.status).toBe('Accepted');
    expect(diag.filename).toMatch(/^TEST001-diagnostics-.*\.log$/);
    await until(() => statuses(peer, 'LogStatusNotification').includes('Uploaded'), 'Uploaded');
    expect(sent(peer, 'LogStatusNotification')).toEqual([
      { status: 'Uploading', requestId: 40 },
      { status: 'Uploaded', requestId: 40 },
    ]);
    const put = files.seen.find((s) => s.method === 'PUT')!;
    expect(put.url).toBe(`/logs/${diag.filename}`);
    expect(put.body.toString()).toContain('BootNotification');
    // A security event first, so the security log has a line.
    await peer.call(CP, 'UpdateFirmware', { requestId: 41, firmware: { location: `${files.base}/fw/x.bin`, retrieveDateTime: soon(), signingCertificate: 'bad', signature: 'AAAA' } });
    const sec = await peer.call(CP, 'GetLog', { logType: 'SecurityLog', requestId: 42, log: { remoteLocation: `${files.base}/logs/` } });
    expect(sec.status).toBe('Accepted');
    await until(() => sent(peer, 'LogStatusNotification').some((p) => p.requestId === 42 && p.status === 'Uploaded'), 'the security log');
    const secPut = files.seen.find((s) => s.method === 'PUT' && s.url.endsWith(sec.filename))!;
    expect(secPut.body.toString()).toContain('InvalidFirmwareSigningCertificate');
    expect(await peer.call(CP, 'GetLog', { logType: 'DiagnosticsLog', requestId: 43, log: { remoteLocation: 'nowhere' } })).toMatchObject({ status: 'Rejected' });
    clean(peer, fleet);
  });

  it('an upload under way is triggered as Uploading, cancelled by a new GetLog (AcceptedCanceled); a refused upload is PermissionDenied (N01.FR.10)', async () => {
    const files = await fileServer();
    const { peer, fleet } = await setup();
    expect((await peer.call(CP, 'GetLog', { logType: 'DiagnosticsLog', requestId: 50, log: { remoteLocation: `${files.base}/hang/` } })).status).toBe('Accepted');
    await until(() => statuses(peer, 'LogStatusNotification').includes('Uploading'), 'Uploading');
    const mark = peer.received.length;
    await peer.call(CP, 'TriggerMessage', { requestedMessage: 'LogStatusNotification' });
    await until(() => peer.received.length > mark, 'the triggered status');
    expect(peer.received.slice(mark).find((c) => c.method === 'LogStatusNotification')!.params).toEqual({ status: 'Uploading', requestId: 50 });
    const second = await peer.call(CP, 'GetLog', { logType: 'DiagnosticsLog', requestId: 51, retries: 0, log: { remoteLocation: `${files.base}/deny/` } });
    expect(second.status).toBe('AcceptedCanceled');
    await until(() => sent(peer, 'LogStatusNotification').some((p) => p.requestId === 51 && p.status === 'PermissionDenied'), 'PermissionDenied');
    expect(sent(peer, 'LogStatusNotification').filter((p) => p.requestId === 51).map((p) => p.status)).toEqual(['Uploading', 'PermissionDenied']);
    // The cancelled request's last word (after its own Uploading and the triggered one).
    expect(sent(peer, 'LogStatusNotification').filter((p) => p.requestId === 50).map((p) => p.status)).toEqual(['Uploading', 'Uploading', 'AcceptedCanceled']);
    // Nothing uploading: Idle, without a requestId.
    const idle = peer.received.length;
    await peer.call(CP, 'TriggerMessage', { requestedMessage: 'LogStatusNotification' });
    await until(() => peer.received.length > idle, 'the triggered status');
    expect(peer.received.slice(idle).find((c) => c.method === 'LogStatusNotification')!.params).toEqual({ status: 'Idle' });
    clean(peer, fleet);
  });
});

// ------------------------------------------------------------------ PublishFirmware / UnpublishFirmware

describe('PublishFirmware, UnpublishFirmware (L03, L04)', () => {
  const md5 = createHash('md5').update(IMAGE).digest('hex');

  it('a Local Controller downloads, checks the MD5 and publishes (L03.FR.01–09); Unpublish (L04); a trigger is Idle after Published (L03.FR.10)', async () => {
    const files = await fileServer();
    const { peer, fleet } = await setup({ profile: { ...PROFILE_201, firmware: { ...FAST, localController: true } } });
    const location = `${files.base}/fw/fw-7.0.0.bin`;
    expect(await peer.call(CP, 'PublishFirmware', { location, checksum: md5, requestId: 60 })).toEqual({ status: 'Accepted' });
    await until(() => statuses(peer, 'PublishFirmwareStatusNotification').includes('Published'), 'Published');
    expect(sent(peer, 'PublishFirmwareStatusNotification')).toEqual([
      { status: 'Downloading', requestId: 60 },
      { status: 'Downloaded', requestId: 60 },
      { status: 'ChecksumVerified', requestId: 60 },
      { status: 'Published', requestId: 60, location: [location] },
    ]);
    const mark = peer.received.length;
    expect(await peer.call(CP, 'TriggerMessage', { requestedMessage: 'PublishFirmwareStatusNotification' })).toEqual({ status: 'Accepted' });
    await until(() => peer.received.length > mark, 'the triggered status');
    expect(peer.received.slice(mark).find((c) => c.method === 'PublishFirmwareStatusNotification')!.params).toEqual({ status: 'Idle' });
    expect(await peer.call(CP, 'UnpublishFirmware', { checksum: md5 })).toEqual({ status: 'Unpublished' });
    expect(await peer.call(CP, 'UnpublishFirmware', { checksum: md5 })).toEqual({ status: 'NoFirmware' });
    // A checksum that does not match the image: InvalidChecksum (L03.FR.07).
    expect(await peer.call(CP, 'PublishFirmware', { location, checksum: '0'.repeat(32), requestId: 61 })).toEqual({ status: 'Accepted' });
    await until(() => sent(peer, 'PublishFirmwareStatusNotification').some((p) => p.requestId === 61 && p.status === 'InvalidChecksum'), 'InvalidChecksum');
    expect(await peer.call(CP, 'UnpublishFirmware', { checksum: '0'.repeat(32) })).toEqual({ status: 'NoFirmware' });
    clean(peer, fleet);
  });

  it('a station that is no Local Controller answers NotSupported', async () => {
    const { peer, fleet } = await setup();
    await expect(peer.call(CP, 'PublishFirmware', { location: 'http://127.0.0.1:1/fw.bin', checksum: md5, requestId: 1 })).rejects.toMatchObject({ rpcErrorCode: 'NotSupported' });
    await expect(peer.call(CP, 'UnpublishFirmware', { checksum: md5 })).rejects.toMatchObject({ rpcErrorCode: 'NotSupported' });
    expect(await peer.call(CP, 'TriggerMessage', { requestedMessage: 'PublishFirmwareStatusNotification' })).toEqual({ status: 'NotImplemented' });
    clean(peer, fleet);
  });
});
