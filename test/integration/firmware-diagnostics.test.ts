/**
 * Firmware Management and log uploads end to end on loopback: the test serves firmware images and
 * receives uploads itself (HTTP, and FTP with ftp-srv), the charge point really downloads and
 * uploads, and the CSMS — the embedded one in strict mode, or ocpp-rpc's strict peer — sees the
 * statuses in order and, after an update, a BootNotification with the new firmwareVersion.
 */
import { constants, randomBytes, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import FtpSrv from 'ftp-srv';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { compileScenarioText } from '../../src/scenario/parse.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_FIRMWARE, DEFAULT_PROFILE, type FirmwareBehaviour } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer } from '../helpers/ocpp-rpc-peer.js';

const CP = 'TEST001';
/** No car arrives by itself: the tests decide when a session runs. */
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const FAST: FirmwareBehaviour = { ...DEFAULT_FIRMWARE, installMs: 150 };
const IMAGE = randomBytes(256 * 1024 + 17);

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-fw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// ------------------------------------------------------------------ a file server of our own

interface Seen {
  method: string;
  url: string;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

/** GET /fw/<name> serves IMAGE; PUT and POST are stored; anything else is 404. Counts cut downloads. */
async function fileServer(): Promise<{ base: string; seen: Seen[]; cut: { count: number } }> {
  const seen: Seen[] = [];
  const cut = { count: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body: Buffer.concat(chunks), headers: req.headers });
      res.on('close', () => {
        if (!res.writableFinished) cut.count++;
      });
      if (req.method === 'GET' && req.url!.startsWith('/fw/')) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(IMAGE);
      else if (req.method === 'GET' && req.url!.startsWith('/slow/')) trickle(res);
      else if (req.method === 'PUT' || req.method === 'POST') res.writeHead(201).end();
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, cut };
}

/** Sends IMAGE 8 KiB every 100 ms (about 3 s): a download long enough to cut. */
function trickle(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  let at = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(IMAGE.subarray(at, (at += 8192)));
    if (at >= IMAGE.length) {
      clearInterval(timer);
      res.end();
    }
  }, 100);
  res.on('close', () => clearInterval(timer));
}

/** An FTP server on loopback (user u / password p) whose root is a fresh folder. */
async function ftpServer(): Promise<{ base: string; root: string }> {
  const root = mkdtempSync(join(dir, 'ftp-'));
  const quiet: any = { child: () => quiet, info() {}, debug() {}, trace() {}, warn() {}, error() {}, fatal() {} };
  const pasvMin = 50_000 + Math.floor(Math.random() * 10_000);
  const srv = new FtpSrv({ url: 'ftp://127.0.0.1:0', pasv_url: '127.0.0.1', pasv_min: pasvMin, pasv_max: pasvMin + 200, anonymous: false, log: quiet });
  srv.on('login', ({ username, password }: any, resolve: any, reject: any) =>
    username === 'u' && password === 'p' ? resolve({ root }) : reject(new Error('bad login')),
  );
  await srv.listen();
  cleanups.push(() => srv.close());
  return { base: `ftp://u:p@127.0.0.1:${(srv as any).server.address().port}`, root };
}

// ------------------------------------------------------------------ CSMS + fleet

/** The embedded CSMS (strict), recording every charge point CALL in order, and one quiet charge point. */
async function embedded(
  firmware: FirmwareBehaviour = FAST,
  overrides: Parameters<typeof startTestFleet>[1] = {},
): Promise<{ csms: Csms; fleet: Fleet; calls: { action: string; payload: any; at: number }[] }> {
  const csms = await startCsms({ strict: true, heartbeatInterval: 60 });
  cleanups.push(() => csms.close());
  const calls: { action: string; payload: any; at: number }[] = [];
  csms.onRequest = (_identity, action, payload) => {
    calls.push({ action, payload, at: Date.now() });
    return undefined;
  };
  const fleet = startTestFleet(csms.url, { count: 1, driver: QUIET_DRIVER, profile: { ...DEFAULT_PROFILE, firmware }, ...overrides });
  cleanups.push(() => fleet.stop());
  await until(() => csms.stats.booted === 1 && calls.filter((c) => c.action === 'StatusNotification').length >= 3, 'the charge point to boot');
  return { csms, fleet, calls };
}

function statusesOf(calls: { action: string; payload: any }[], action: string): string[] {
  return calls.filter((c) => c.action === action).map((c) => c.payload.status);
}

function boots(calls: { action: string; payload: any }[]): any[] {
  return calls.filter((c) => c.action === 'BootNotification').map((c) => c.payload);
}

function noProblems(fleet: Fleet): void {
  fleet.refresh();
  expect(fleet.stats.problems).toEqual([]);
}

const soon = () => new Date().toISOString();

describe('UpdateFirmware against the embedded CSMS', () => {
  it('downloads the image over HTTP, installs it and boots again with the new version', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded();
    expect(boots(calls)[0].firmwareVersion).toBe('1.0.0');
    const res = await csms.call(CP, 'UpdateFirmware', { location: `${files.base}/fw/fw-2.1.0.bin`, retrieveDate: soon() });
    expect(res).toEqual({});
    await until(() => boots(calls).length === 2, 'the reboot into the new firmware', 8000);
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    expect(boots(calls)[1].firmwareVersion).toBe('2.1.0');
    // Installed came before the reboot's BootNotification.
    const order = calls.map((c) => (c.action === 'BootNotification' ? 'Boot' : c.payload.status === 'Installed' ? 'Installed' : '')).filter(Boolean);
    expect(order).toEqual(['Boot', 'Installed', 'Boot']);
    expect(files.seen.filter((s) => s.method === 'GET').map((s) => s.url)).toEqual(['/fw/fw-2.1.0.bin']);
    // The version is flash: a later plain reset boots with it too; a trigger now says Idle (§4.5).
    await csms.call(CP, 'Reset', { type: 'Soft' });
    await until(() => boots(calls).length === 3, 'a boot after Reset', 8000);
    expect(boots(calls)[2].firmwareVersion).toBe('2.1.0');
    await until(() => csms.stats.booted === 1 && calls.at(-1)!.action === 'StatusNotification', 'statuses after the boot');
    await csms.call(CP, 'TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
    await until(() => statusesOf(calls, 'FirmwareStatusNotification').length === 5, 'the triggered status');
    expect(statusesOf(calls, 'FirmwareStatusNotification').at(-1)).toBe('Idle');
    expect(csms.stats.callErrorsSent).toBe(0);
    noProblems(fleet);
  });

  it('a missing image (404) ends in DownloadFailed once the retries are spent; no reboot', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded();
    await csms.call(CP, 'UpdateFirmware', { location: `${files.base}/missing/fw-9.bin`, retrieveDate: soon(), retries: 2, retryInterval: 0 });
    await until(() => statusesOf(calls, 'FirmwareStatusNotification').includes('DownloadFailed'), 'DownloadFailed', 5000);
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'DownloadFailed']);
    expect(files.seen.map((s) => `${s.method} ${s.url}`)).toEqual(Array(3).fill('GET /missing/fw-9.bin'));
    await new Promise((r) => setTimeout(r, 600));
    expect(boots(calls)).toHaveLength(1);
    noProblems(fleet);
  });

  it('an installation that fails reports InstallationFailed and keeps the old version', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded({ ...FAST, installFails: true });
    await csms.call(CP, 'UpdateFirmware', { location: `${files.base}/fw/fw-3.0.0.bin`, retrieveDate: soon() });
    await until(() => statusesOf(calls, 'FirmwareStatusNotification').includes('InstallationFailed'), 'InstallationFailed', 5000);
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'Downloaded', 'Installing', 'InstallationFailed']);
    await new Promise((r) => setTimeout(r, 600));
    expect(boots(calls)).toHaveLength(1);
    expect(fleet.shards![0].stations[0].firmware!.version).toBeNull();
    noProblems(fleet);
  });

  it('waits for the running transaction to end before installing, with the idle connector Unavailable', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded();
    await csms.call(CP, 'RemoteStartTransaction', { idTag: 'TAG1', connectorId: 1 });
    const st = fleet.shards![0].stations[0];
    await until(() => st.connectors[1].tx?.id != null, 'the transaction to start');
    await csms.call(CP, 'UpdateFirmware', { location: `${files.base}/fw/fw-4.0.0.bin`, retrieveDate: soon() });
    await until(() => statusesOf(calls, 'FirmwareStatusNotification').includes('Downloaded'), 'Downloaded');
    await new Promise((r) => setTimeout(r, 1500));
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'Downloaded']);
    expect(st.connectors[2].status).toBe('Unavailable');
    await csms.call(CP, 'RemoteStopTransaction', { transactionId: Number(st.connectors[1].tx!.id) });
    await until(() => boots(calls).length === 2, 'the reboot after the install', 10_000);
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    expect(boots(calls)[1].firmwareVersion).toBe('4.0.0');
    await until(() => st.connectors[2].reportedStatus === 'Available', 'connector 2 available again after the reboot');
    noProblems(fleet);
  });
});

describe('bad requests', () => {
  it('a location we cannot use: UpdateFirmware and GetDiagnostics are still answered (§5.19, §5.9) and fail at once; GetLog is Rejected', async () => {
    const { csms, fleet, calls } = await embedded();
    // retries asked for, but retrying an unusable location cannot help: the failure comes at once.
    expect(await csms.call(CP, 'UpdateFirmware', { location: 'sftp://127.0.0.1/fw.bin', retrieveDate: soon(), retries: 3, retryInterval: 60 })).toEqual({});
    const diag = await csms.call(CP, 'GetDiagnostics', { location: 'mailto:someone@example.com', retries: 3, retryInterval: 60 });
    expect(diag.fileName).toMatch(/^TEST001-diagnostics-\d{8}T\d{6}Z\.log$/);
    expect(await csms.call(CP, 'GetLog', { logType: 'DiagnosticsLog', requestId: 1, log: { remoteLocation: 'gopher://127.0.0.1/' } })).toEqual({ status: 'Rejected' });
    await until(() => statusesOf(calls, 'FirmwareStatusNotification').length === 2 && statusesOf(calls, 'DiagnosticsStatusNotification').length === 2, 'the failures');
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'DownloadFailed']);
    expect(statusesOf(calls, 'DiagnosticsStatusNotification')).toEqual(['Uploading', 'UploadFailed']);
    expect(calls.filter((c) => c.action === 'LogStatusNotification')).toEqual([]);
    const st = fleet.shards![0].stations[0];
    expect(st.firmware!.update).toBeNull();
    expect(st.firmware!.upload).toBeNull();
    expect(boots(calls)).toHaveLength(1);
    noProblems(fleet);
  });

  it('a model without the FirmwareManagement profile answers NotSupported', async () => {
    const profile = { ...DEFAULT_PROFILE, configuration: { SupportedFeatureProfiles: { value: 'Core,RemoteTrigger', readonly: true } } };
    const { csms } = await embedded(FAST, { profile });
    await expect(csms.call(CP, 'UpdateFirmware', { location: 'http://127.0.0.1/fw.bin', retrieveDate: soon() })).rejects.toMatchObject({ code: 'NotSupported' });
    await expect(csms.call(CP, 'GetDiagnostics', { location: 'http://127.0.0.1/' })).rejects.toMatchObject({ code: 'NotSupported' });
  });
});

describe('HTTPS and scenario failure modes', () => {
  it('downloads over HTTPS, trusting the fleet\'s CA', async () => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=ocpp-sim test CA');
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'server.ext');
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    const got: string[] = [];
    const server = https.createServer({ key: read('server.key'), cert: read('server.pem') }, (req, res) => {
      got.push(req.url!);
      res.writeHead(200).end(IMAGE);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const { csms, fleet, calls } = await embedded(FAST, { tls: { ca: read('ca.pem') } });
    await csms.call(CP, 'UpdateFirmware', { location: `https://127.0.0.1:${(server.address() as { port: number }).port}/fw-2.2.0.bin`, retrieveDate: soon() });
    await until(() => boots(calls).length === 2, 'the reboot after an HTTPS update', 8000);
    expect(got).toEqual(['/fw-2.2.0.bin']);
    expect(boots(calls)[1].firmwareVersion).toBe('2.2.0');
    noProblems(fleet);
  });

  it('an HTTPS server whose certificate the charge point does not trust: DownloadFailed, then UploadFailed, and no reboot', async () => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'untrusted.key', '-out', 'untrusted.pem', '-days', '1', '-subj', '/CN=127.0.0.1');
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    let requests = 0;
    const server = https.createServer({ key: read('untrusted.key'), cert: read('untrusted.pem') }, (_req, res) => (requests++, res.writeHead(200).end(IMAGE)));
    server.on('tlsClientError', () => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { csms, fleet, calls } = await embedded();
    await csms.call(CP, 'UpdateFirmware', { location: `${base}/fw-2.3.0.bin`, retrieveDate: soon(), retries: 1, retryInterval: 0 });
    await until(() => statusesOf(calls, 'FirmwareStatusNotification').includes('DownloadFailed'), 'DownloadFailed');
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'DownloadFailed']);
    await csms.call(CP, 'GetDiagnostics', { location: `${base}/diag/`, retries: 0 });
    await until(() => statusesOf(calls, 'DiagnosticsStatusNotification').includes('UploadFailed'), 'UploadFailed');
    expect(requests).toBe(0);
    expect(boots(calls)).toHaveLength(1);
    noProblems(fleet);
  });

  it('a scenario\'s `firmware: {download: fail}` makes every attempt fail without reaching the server', async () => {
    const files = await fileServer();
    const scenario = compileScenarioText('fw.yaml', 'description: failing downloads\nconnectors: [1]\nsteps:\n  - firmware: {download: fail}\n  - expect: {call: UpdateFirmware, within: 10s}\n  - wait: 1h\n');
    const { csms, fleet, calls } = await embedded(FAST, { scenario });
    await csms.call(CP, 'UpdateFirmware', { location: `${files.base}/fw/fw-2.0.0.bin`, retrieveDate: soon(), retries: 1, retryInterval: 0 });
    await until(() => statusesOf(calls, 'FirmwareStatusNotification').includes('DownloadFailed'), 'DownloadFailed');
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'DownloadFailed']);
    expect(files.seen).toEqual([]);
    fleet.refresh();
    expect(fleet.stats.total('expectationsPassed')).toBe(1);
    noProblems(fleet);
  });
});

describe('a download in flight', () => {
  it('takes as long as the profile\'s link speed says', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded({ ...FAST, downloadBytesPerSecond: 128 * 1024 });
    await csms.call(CP, 'UpdateFirmware', { location: `${files.base}/fw/fw-6.0.0.bin`, retrieveDate: soon() });
    await until(() => statusesOf(calls, 'FirmwareStatusNotification').includes('Downloaded'), 'Downloaded', 6000);
    const at = (status: string) => calls.find((c) => c.action === 'FirmwareStatusNotification' && c.payload.status === status)!.at;
    // 256 KiB at 128 KiB/s: about 2 s (the first chunk goes without waiting).
    expect(at('Downloaded') - at('Downloading')).toBeGreaterThan(1500);
    noProblems(fleet);
  });

  it('is reported by TriggerMessage; a reboot aborts it and DownloadFailed follows the boot', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded();
    await csms.call(CP, 'UpdateFirmware', { location: `${files.base}/slow/fw-6.0.0.bin`, retrieveDate: soon(), retries: 0 });
    await until(() => files.seen.length === 1, 'the download to start');
    await csms.call(CP, 'TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
    await until(() => statusesOf(calls, 'FirmwareStatusNotification').length === 2, 'the triggered status');
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'Downloading']);
    await csms.call(CP, 'Reset', { type: 'Hard' });
    await until(() => statusesOf(calls, 'FirmwareStatusNotification').includes('DownloadFailed'), 'DownloadFailed after the reboot', 5000);
    expect(files.cut.count).toBe(1);
    const actions = calls.map((c) => c.action);
    expect(actions.lastIndexOf('BootNotification')).toBeLessThan(actions.lastIndexOf('FirmwareStatusNotification'));
    const st = fleet.shards![0].stations[0];
    expect(st.firmware!.update).toBeNull();
    expect(st.firmware!.version).toBeNull();
    noProblems(fleet);
  });

  it('after the reboot, DownloadFailed waits while the boot is Pending and follows its acceptance', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded();
    let pendingBoots = 0;
    csms.onRequest = (_identity, action, payload) => {
      calls.push({ action, payload, at: Date.now() });
      // The boot after the reboot is held Pending twice (OCPP 1.6 §4.2.1: nothing else may be sent meanwhile).
      if (action === 'BootNotification' && boots(calls).length > 1 && pendingBoots < 2) {
        pendingBoots++;
        return { status: 'Pending', currentTime: new Date().toISOString(), interval: 1 };
      }
      return undefined;
    };
    await csms.call(CP, 'UpdateFirmware', { location: `${files.base}/slow/fw-6.2.0.bin`, retrieveDate: soon(), retries: 0 });
    await until(() => files.seen.length === 1, 'the download to start');
    await csms.call(CP, 'Reset', { type: 'Soft' });
    await until(() => statusesOf(calls, 'FirmwareStatusNotification').includes('DownloadFailed'), 'DownloadFailed after the accepted boot', 8000);
    const after = calls.slice(calls.findIndex((c) => c.action === 'BootNotification' && c !== calls[0]));
    // Boot (Pending), Boot (Pending), Boot (Accepted), then the rest — DownloadFailed among it.
    expect(after.slice(0, 3).map((c) => c.action)).toEqual(['BootNotification', 'BootNotification', 'BootNotification']);
    expect(after.slice(3).map((c) => c.action)).toContain('FirmwareStatusNotification');
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'DownloadFailed']);
    noProblems(fleet);
  });

  it('survives a dropped connection: the download goes on and every status reaches the CSMS', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded();
    await csms.call(CP, 'UpdateFirmware', { location: `${files.base}/slow/fw-6.1.0.bin`, retrieveDate: soon() });
    await until(() => files.seen.length === 1, 'the download to start');
    expect(csms.disconnect(CP)).toBe(true);
    await until(() => boots(calls).length === 2, 'the reboot into the new firmware', 10_000);
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    expect(files.cut.count).toBe(0);
    expect(boots(calls)[1].firmwareVersion).toBe('6.1.0');
    noProblems(fleet);
  });

  it('a new UpdateFirmware right after Installed: the reboot into the installed firmware goes ahead, the new download follows it', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded();
    let second: Promise<unknown> | null = null;
    csms.onRequest = (_identity, action, payload) => {
      calls.push({ action, payload, at: Date.now() });
      // The CSMS sends the next update the moment it hears Installed, before the charge point reboots.
      if (action === 'FirmwareStatusNotification' && payload.status === 'Installed' && !second) {
        second = csms.call(CP, 'UpdateFirmware', { location: `${files.base}/slow/fw-3.0.0.bin`, retrieveDate: soon(), retries: 0 });
      }
      return undefined;
    };
    await csms.call(CP, 'UpdateFirmware', { location: `${files.base}/fw/fw-2.0.0.bin`, retrieveDate: soon() });
    await until(() => boots(calls).length === 3, 'two reboots, one per update', 12_000);
    expect(await second).toEqual({});
    expect(boots(calls).map((b) => b.firmwareVersion)).toEqual(['1.0.0', '2.0.0', '3.0.0']);
    // The second download was not cut by the first update's reboot: it started after that boot.
    expect(files.cut.count).toBe(0);
    const order = calls
      .filter((c) => c.action === 'BootNotification' || c.action === 'FirmwareStatusNotification')
      .map((c) => (c.action === 'BootNotification' ? 'Boot' : c.payload.status));
    expect(order).toEqual(['Boot', 'Downloading', 'Downloaded', 'Installing', 'Installed', 'Boot', 'Downloading', 'Downloaded', 'Installing', 'Installed', 'Boot']);
    const st = fleet.shards![0].stations[0];
    await until(() => st.connectors[1].reportedStatus === 'Available' && st.connectors[2].reportedStatus === 'Available', 'both connectors available');
    noProblems(fleet);
  });

  it('is aborted when the run stops', async () => {
    const files = await fileServer();
    const { csms, fleet } = await embedded();
    await csms.call(CP, 'UpdateFirmware', { location: `${files.base}/slow/fw-6.0.0.bin`, retrieveDate: soon() });
    await until(() => files.seen.length === 1, 'the download to start');
    await fleet.stop();
    await until(() => files.cut.count === 1, 'the server to see the request cut');
    expect(fleet.shards![0].stations[0].firmware!.update).toBeNull();
  });
});

describe('GetDiagnostics and GetLog', () => {
  it('uploads this charge point’s own log by HTTP PUT and reports Uploading, Uploaded', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded();
    const res = await csms.call(CP, 'GetDiagnostics', { location: `${files.base}/diag/` });
    expect(res.fileName).toMatch(/^TEST001-diagnostics-\d{8}T\d{6}Z\.log$/);
    await until(() => statusesOf(calls, 'DiagnosticsStatusNotification').includes('Uploaded'), 'Uploaded');
    expect(statusesOf(calls, 'DiagnosticsStatusNotification')).toEqual(['Uploading', 'Uploaded']);
    const put = files.seen.find((s) => s.method === 'PUT')!;
    expect(put.url).toBe(`/diag/${res.fileName}`);
    const text = put.body.toString('utf8');
    expect(text).toContain('# ocpp-sim diagnostics of TEST001');
    expect(text).toMatch(/^\S+Z TEST001 > \[2,"\d+","BootNotification",/m);
    expect(text).toMatch(/^\S+Z TEST001 < \[2,"[^"]+","GetDiagnostics",/m);
    // Only this charge point's lines.
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toContain(' TEST001 ');
    await csms.call(CP, 'TriggerMessage', { requestedMessage: 'DiagnosticsStatusNotification' });
    await until(() => statusesOf(calls, 'DiagnosticsStatusNotification').length === 3, 'the triggered status');
    expect(statusesOf(calls, 'DiagnosticsStatusNotification')[2]).toBe('Idle');
    noProblems(fleet);
  });

  it('never discloses an AuthorizationKey the CSMS set (Security Whitepaper A01.FR.12)', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded();
    const key = Buffer.from('very-secret-key-0001').toString('hex');
    expect(await csms.call(CP, 'ChangeConfiguration', { key: 'AuthorizationKey', value: key })).toEqual({ status: 'Accepted' });
    await until(() => csms.stats.connections.total === 2 && csms.connected().includes(CP), 'the reconnect with the new key');
    const res = await csms.call(CP, 'GetDiagnostics', { location: `${files.base}/diag/` });
    await until(() => statusesOf(calls, 'DiagnosticsStatusNotification').includes('Uploaded'), 'Uploaded');
    const text = files.seen.find((s) => s.url === `/diag/${res.fileName}`)!.body.toString('utf8');
    expect(text).toMatch(/"ChangeConfiguration",\{"key":"AuthorizationKey","value":"\(hidden\)"\}/);
    expect(text.toLowerCase()).not.toContain(key);
    noProblems(fleet);
  });

  it('honours startTime/stopTime: a period in the future has no diagnostics (no fileName, no upload)', async () => {
    const files = await fileServer();
    const { csms, fleet } = await embedded();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await csms.call(CP, 'GetDiagnostics', { location: `${files.base}/diag/`, startTime: future })).toEqual({});
    await new Promise((r) => setTimeout(r, 300));
    expect(files.seen).toEqual([]);
    noProblems(fleet);
  });

  it('a refused upload is retried, then UploadFailed', async () => {
    const { csms, fleet, calls } = await embedded();
    // A port nobody listens on.
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    await csms.call(CP, 'GetDiagnostics', { location: `http://127.0.0.1:${port}/diag/`, retries: 1, retryInterval: 0 });
    await until(() => statusesOf(calls, 'DiagnosticsStatusNotification').includes('UploadFailed'), 'UploadFailed');
    expect(statusesOf(calls, 'DiagnosticsStatusNotification')).toEqual(['Uploading', 'UploadFailed']);
    noProblems(fleet);
  });

  it('GetDiagnostics during a soft reset: the upload waits for the reboot instead of being cut by it', async () => {
    // An upload endpoint that takes its time to answer: an upload started before the reboot would die in it.
    const puts: string[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => (puts.push(req.url!), res.writeHead(201).end()), 800));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
    const { csms, fleet, calls } = await embedded();
    await csms.call(CP, 'Reset', { type: 'Soft' });
    const res = await csms.call(CP, 'GetDiagnostics', { location: `http://127.0.0.1:${(server.address() as { port: number }).port}/diag/`, retries: 0 });
    await until(() => statusesOf(calls, 'DiagnosticsStatusNotification').length === 2, 'the upload', 8000);
    expect(statusesOf(calls, 'DiagnosticsStatusNotification')).toEqual(['Uploading', 'Uploaded']);
    expect(puts).toEqual([`/diag/${res.fileName}`]);
    // Both statuses came after the reboot's BootNotification.
    const actions = calls.map((c) => c.action);
    expect(actions.lastIndexOf('BootNotification')).toBeLessThan(actions.indexOf('DiagnosticsStatusNotification'));
    noProblems(fleet);
  });

  it('GetLog that fails says why as precisely as it can (N01.FR.10): PermissionDenied, NotSupportedOperation, UploadFailure', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(req.url!.startsWith('/denied') ? 403 : req.url!.startsWith('/nope') ? 405 : 500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { csms, fleet, calls } = await embedded();
    const logStatuses = () => calls.filter((c) => c.action === 'LogStatusNotification').map((c) => c.payload);
    let requestId = 30;
    for (const path of ['/denied/', '/nope/', '/broken/']) {
      expect((await csms.call(CP, 'GetLog', { logType: 'SecurityLog', requestId: ++requestId, retries: 0, log: { remoteLocation: `${base}${path}` } })).status).toBe('Accepted');
      await until(() => logStatuses().length === 2 * (requestId - 30), `the end of upload ${requestId}`);
    }
    expect(logStatuses()).toEqual([
      { status: 'Uploading', requestId: 31 },
      { status: 'PermissionDenied', requestId: 31 },
      { status: 'Uploading', requestId: 32 },
      { status: 'NotSupportedOperation', requestId: 32 },
      { status: 'Uploading', requestId: 33 },
      { status: 'UploadFailure', requestId: 33 },
    ]);
    noProblems(fleet);
  });

  it('GetLog posts the log as multipart/form-data and reports with the requestId', async () => {
    const files = await fileServer();
    const { csms, fleet, calls } = await embedded();
    const res = await csms.call(CP, 'GetLog', { logType: 'DiagnosticsLog', requestId: 42, log: { remoteLocation: `${files.base}/upload` } });
    expect(res.status).toBe('Accepted');
    await until(() => statusesOf(calls, 'LogStatusNotification').includes('Uploaded'), 'Uploaded');
    expect(calls.filter((c) => c.action === 'LogStatusNotification').map((c) => c.payload)).toEqual([
      { status: 'Uploading', requestId: 42 },
      { status: 'Uploaded', requestId: 42 },
    ]);
    const post = files.seen.find((s) => s.method === 'POST')!;
    expect(post.url).toBe('/upload');
    expect(post.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(post.body.toString()).toContain(`filename="${res.filename}"`);
    expect(post.body.toString()).toContain('"GetLog"');
    noProblems(fleet);
  });
});

describe('FTP', () => {
  it('downloads firmware and stores diagnostics on an FTP server', async () => {
    const ftp = await ftpServer();
    mkdirSync(join(ftp.root, 'images'));
    writeFileSync(join(ftp.root, 'images', 'fw-5.2.0.bin'), IMAGE);
    mkdirSync(join(ftp.root, 'diag'));
    const { csms, fleet, calls } = await embedded();
    await csms.call(CP, 'UpdateFirmware', { location: `${ftp.base}/images/fw-5.2.0.bin`, retrieveDate: soon() });
    await until(() => boots(calls).length === 2, 'the reboot after an FTP update', 8000);
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    expect(boots(calls)[1].firmwareVersion).toBe('5.2.0');
    await until(() => csms.stats.booted === 1, 'booted again');
    const res = await csms.call(CP, 'GetDiagnostics', { location: `${ftp.base}/diag/` });
    await until(() => statusesOf(calls, 'DiagnosticsStatusNotification').includes('Uploaded'), 'Uploaded over FTP');
    expect(readdirSync(join(ftp.root, 'diag'))).toEqual([res.fileName]);
    const text = readFileSync(join(ftp.root, 'diag', res.fileName!), 'utf8');
    expect(text).toContain('firmware 5.2.0');
    expect(text).toContain('TEST001 * firmware: Installed');
    noProblems(fleet);
  });

  it('an FTP server that refuses the login: DownloadFailed and UploadFailed, nothing stuck', async () => {
    const ftp = await ftpServer();
    const wrong = ftp.base.replace('ftp://u:p@', 'ftp://u:wrong@');
    const { csms, fleet, calls } = await embedded();
    await csms.call(CP, 'UpdateFirmware', { location: `${wrong}/fw-5.3.0.bin`, retrieveDate: soon(), retries: 1, retryInterval: 0 });
    await csms.call(CP, 'GetDiagnostics', { location: `${wrong}/diag/`, retries: 0 });
    await until(
      () => statusesOf(calls, 'FirmwareStatusNotification').includes('DownloadFailed') && statusesOf(calls, 'DiagnosticsStatusNotification').includes('UploadFailed'),
      'both failures',
      8000,
    );
    expect(statusesOf(calls, 'FirmwareStatusNotification')).toEqual(['Downloading', 'DownloadFailed']);
    expect(statusesOf(calls, 'DiagnosticsStatusNotification')).toEqual(['Uploading', 'UploadFailed']);
    const st = fleet.shards![0].stations[0];
    expect(st.firmware!.update).toBeNull();
    expect(st.firmware!.upload).toBeNull();
    noProblems(fleet);
  });
});

// ------------------------------------------------------------------ signed updates, strict ocpp-rpc peer

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A firmware signing key and its self-signed certificate, made with openssl. */
function signingPair(): { key: string; cert: string } {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'sign.key', '-out', 'sign.pem', '-days', '1', '-subj', '/CN=ocpp-sim firmware signing');
  return { key: readFileSync(join(dir, 'sign.key'), 'utf8'), cert: readFileSync(join(dir, 'sign.pem'), 'utf8') };
}

async function strictPeer(): Promise<{ peer: StrictPeer; fleet: Fleet }> {
  const peer = await StrictPeer.start();
  cleanups.push(() => peer.close());
  // The security extension's notifications: our peer accepts them.
  for (const m of ['SignedFirmwareStatusNotification', 'LogStatusNotification', 'SecurityEventNotification']) peer.respond(m, () => ({}));
  const fleet = startTestFleet(peer.url, { count: 1, driver: QUIET_DRIVER, profile: { ...DEFAULT_PROFILE, firmware: FAST } });
  cleanups.push(() => fleet.stop());
  await until(() => peer.calls(CP, 'StatusNotification').length >= 3, 'the charge point to boot');
  return { peer, fleet };
}

function peerStatuses(peer: StrictPeer, method: string): any[] {
  return peer.calls(CP, method).map((c) => c.params);
}

describe('against the strict ocpp-rpc peer', () => {
  it('UpdateFirmware and GetDiagnostics: statuses in order, every message schema-valid', async () => {
    const files = await fileServer();
    const { peer, fleet } = await strictPeer();
    await peer.call(CP, 'UpdateFirmware', { location: `${files.base}/fw/update-1.2.3-rc1.img`, retrieveDate: soon() });
    await until(() => peer.calls(CP, 'BootNotification').length === 2, 'the reboot', 8000);
    expect(peerStatuses(peer, 'FirmwareStatusNotification').map((p) => p.status)).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    expect(peer.calls(CP, 'BootNotification')[1].params.firmwareVersion).toBe('1.2.3-rc1');
    await until(() => peer.calls(CP, 'StatusNotification').length >= 6, 'statuses after the reboot');
    const res = await peer.call(CP, 'GetDiagnostics', { location: `${files.base}/d/` });
    await until(() => peer.calls(CP, 'DiagnosticsStatusNotification').length === 2, 'the upload');
    expect(peerStatuses(peer, 'DiagnosticsStatusNotification').map((p) => p.status)).toEqual(['Uploading', 'Uploaded']);
    expect(files.seen.find((s) => s.method === 'PUT')!.url).toBe(`/d/${res.fileName}`);
    expect(peer.failures).toEqual([]);
    noProblems(fleet);
  });

  it('SignedUpdateFirmware with a location that cannot be used: cancels the update under way (L01.FR.26), else Rejected', async () => {
    const files = await fileServer();
    const { cert } = signingPair();
    const { peer, fleet } = await strictPeer();
    const signature = Buffer.from('not checked: the download never happens').toString('base64');
    const later = new Date(Date.now() + 1000).toISOString();
    const first = { location: `${files.base}/fw/fw-20.0.0.bin`, retrieveDateTime: later, signingCertificate: cert, signature };
    expect(await peer.call(CP, 'SignedUpdateFirmware', { requestId: 20, firmware: first })).toEqual({ status: 'Accepted' });
    const cancel = { location: 'cancel', retrieveDateTime: soon(), signingCertificate: cert, signature };
    expect(await peer.call(CP, 'SignedUpdateFirmware', { requestId: 21, retries: 2, firmware: cancel })).toEqual({ status: 'AcceptedCanceled' });
    await until(() => peerStatuses(peer, 'SignedFirmwareStatusNotification').some((p) => p.status === 'DownloadFailed'), 'DownloadFailed of the cancelling request');
    await new Promise((r) => setTimeout(r, 1500)); // past the first request's retrieveDateTime
    expect(peerStatuses(peer, 'SignedFirmwareStatusNotification')).toEqual([
      { status: 'DownloadScheduled', requestId: 20 },
      { status: 'Downloading', requestId: 21 },
      { status: 'DownloadFailed', requestId: 21 },
    ]);
    expect(files.seen).toEqual([]);
    // Nothing under way now: such a request is Rejected.
    expect(await peer.call(CP, 'SignedUpdateFirmware', { requestId: 22, firmware: cancel })).toEqual({ status: 'Rejected' });
    expect(peer.failures).toEqual([]);
    noProblems(fleet);
  });

  it('SignedUpdateFirmware: a valid signature is verified and installed, a bad one is InvalidSignature', async () => {
    const files = await fileServer();
    const { key, cert } = signingPair();
    const { peer, fleet } = await strictPeer();
    const good = sign('sha256', IMAGE, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');
    const bad = sign('sha256', Buffer.from('another image'), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');

    const wrong = await peer.call(CP, 'SignedUpdateFirmware', {
      requestId: 7,
      firmware: { location: `${files.base}/fw/fw-7.0.0.bin`, retrieveDateTime: soon(), signingCertificate: cert, signature: bad },
    });
    expect(wrong).toEqual({ status: 'Accepted' });
    await until(() => peerStatuses(peer, 'SignedFirmwareStatusNotification').some((p) => p.status === 'InvalidSignature'), 'InvalidSignature');
    expect(peerStatuses(peer, 'SignedFirmwareStatusNotification')).toEqual([
      { status: 'Downloading', requestId: 7 },
      { status: 'Downloaded', requestId: 7 },
      { status: 'InvalidSignature', requestId: 7 },
    ]);
    await until(() => peer.calls(CP, 'SecurityEventNotification').length === 1, 'the InvalidFirmwareSignature security event');
    expect(peer.calls(CP, 'SecurityEventNotification')[0].params.type).toBe('InvalidFirmwareSignature');
    // ExtendedTriggerMessage repeats the last status sent (L01.FR.29).
    await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
    await until(() => peerStatuses(peer, 'SignedFirmwareStatusNotification').length === 4, 'the triggered status');
    expect(peerStatuses(peer, 'SignedFirmwareStatusNotification')[3]).toEqual({ status: 'InvalidSignature', requestId: 7 });

    const ok = await peer.call(CP, 'SignedUpdateFirmware', {
      requestId: 8,
      retries: 0,
      firmware: { location: `${files.base}/fw/fw-8.0.0.bin`, retrieveDateTime: soon(), signingCertificate: cert, signature: good },
    });
    expect(ok).toEqual({ status: 'Accepted' });
    await until(() => peer.calls(CP, 'BootNotification').length === 2, 'the reboot into the signed firmware', 8000);
    expect(peerStatuses(peer, 'SignedFirmwareStatusNotification').filter((p) => p.requestId === 8).map((p) => p.status)).toEqual([
      'Downloading',
      'Downloaded',
      'SignatureVerified',
      'Installing',
      'Installed',
    ]);
    expect(peer.calls(CP, 'BootNotification')[1].params.firmwareVersion).toBe('8.0.0');
    await until(() => peer.calls(CP, 'SecurityEventNotification').some((c) => c.params.type === 'FirmwareUpdated'), 'FirmwareUpdated');
    // …but not Installed: Idle then (L01.FR.28). No log upload runs: LogStatusNotification Idle.
    const sent = peerStatuses(peer, 'SignedFirmwareStatusNotification').length;
    await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
    await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'LogStatusNotification' });
    await until(() => peerStatuses(peer, 'SignedFirmwareStatusNotification').length === sent + 1 && peer.calls(CP, 'LogStatusNotification').length === 1, 'the triggered statuses');
    expect(peerStatuses(peer, 'SignedFirmwareStatusNotification').at(-1)).toEqual({ status: 'Idle' });
    expect(peerStatuses(peer, 'LogStatusNotification')).toEqual([{ status: 'Idle' }]);

    // A retrieveDateTime still to come: DownloadScheduled at once (L01.FR.13), which a trigger repeats (L01.FR.29).
    const later = new Date(Date.now() + 1500).toISOString();
    const scheduled = await peer.call(CP, 'SignedUpdateFirmware', {
      requestId: 12,
      retries: 0,
      firmware: { location: `${files.base}/fw/fw-12.0.0.bin`, retrieveDateTime: later, signingCertificate: cert, signature: bad },
    });
    expect(scheduled).toEqual({ status: 'Accepted' });
    await until(() => peerStatuses(peer, 'SignedFirmwareStatusNotification').some((p) => p.requestId === 12), 'DownloadScheduled');
    await peer.call(CP, 'ExtendedTriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
    await until(() => peerStatuses(peer, 'SignedFirmwareStatusNotification').filter((p) => p.requestId === 12).length === 2, 'the triggered status');
    expect(files.seen.some((f) => f.url === '/fw/fw-12.0.0.bin')).toBe(false);
    await until(() => peerStatuses(peer, 'SignedFirmwareStatusNotification').some((p) => p.requestId === 12 && p.status === 'InvalidSignature'), 'the download at its time', 5000);
    expect(peerStatuses(peer, 'SignedFirmwareStatusNotification').filter((p) => p.requestId === 12).map((p) => p.status)).toEqual([
      'DownloadScheduled',
      'DownloadScheduled',
      'Downloading',
      'Downloaded',
      'InvalidSignature',
    ]);

    // A certificate that is not one is refused before anything is downloaded (L01.FR.24).
    const gets = files.seen.length;
    const refused = await peer.call(CP, 'SignedUpdateFirmware', {
      requestId: 9,
      firmware: { location: `${files.base}/fw/fw-9.0.0.bin`, retrieveDateTime: soon(), signingCertificate: 'not a certificate', signature: good },
    });
    expect(refused).toEqual({ status: 'InvalidCertificate' });
    await until(() => peer.calls(CP, 'SecurityEventNotification').some((c) => c.params.type === 'InvalidFirmwareSigningCertificate'), 'the certificate event');
    expect(files.seen.length).toBe(gets);

    // With a ManufacturerRootCertificate installed, a signing certificate it did not issue is refused.
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'maker.key', '-out', 'maker.pem', '-days', '1', '-subj', '/CN=manufacturer root');
    const install = await peer.call(CP, 'InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: readFileSync(join(dir, 'maker.pem'), 'utf8') });
    expect(install).toEqual({ status: 'Accepted' });
    const unchained = await peer.call(CP, 'SignedUpdateFirmware', {
      requestId: 10,
      firmware: { location: `${files.base}/fw/fw-10.0.0.bin`, retrieveDateTime: soon(), signingCertificate: cert, signature: good },
    });
    expect(unchained).toEqual({ status: 'InvalidCertificate' });

    // The security log has the events: GetLog(SecurityLog) uploads them.
    const log = await peer.call(CP, 'GetLog', { logType: 'SecurityLog', requestId: 11, log: { remoteLocation: `${files.base}/sec/` } });
    expect(log.status).toBe('Accepted');
    await until(() => peer.calls(CP, 'LogStatusNotification').some((c) => c.params.status === 'Uploaded'), 'the security log upload');
    const text = files.seen.find((f) => f.url === `/sec/${log.filename}`)!.body.toString();
    expect(text).toContain('# ocpp-sim security log of TEST001');
    expect(text).toMatch(/^\S+Z InvalidFirmwareSignature /m);
    expect(text).toMatch(/^\S+Z FirmwareUpdated /m);
    expect(peer.failures).toEqual([]);
    noProblems(fleet);
  });
});
