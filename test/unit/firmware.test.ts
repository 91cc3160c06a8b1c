/**
 * The pure parts of Firmware Management and log uploads: the version an image installs, the station
 * log ring, file names and locations, the signing-certificate and signature checks, the profile's
 * `firmware:` section and the scenario's `firmware` step.
 */
import { execFileSync } from 'node:child_process';
import { constants, generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { checkSigningCertificate, ImageSignature } from '../../src/features/firmware/signature.js';
import { logFileName, uploadLogFailure } from '../../src/features/firmware/log-file.js';
import { versionFromLocation } from '../../src/features/firmware/version-name.js';
import { loadProfile } from '../../src/profile/load.js';
import { compileScenarioText } from '../../src/scenario/parse.js';
import { Op } from '../../src/scenario/program.js';
import { download, parseLocation, TransferError, upload } from '../../src/station/file-transfer.js';
import { LogKind, MAX_ENTRY_CHARS, StationLog } from '../../src/station/log.js';
import { DEFAULT_FIRMWARE } from '../../src/station/profile.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-fw-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

describe('versionFromLocation', () => {
  it.each([
    ['https://cdn.example/fw/fw-2.1.0.bin', '2.1.0'],
    ['ftp://u:p@host/images/Terra_AC_1.8.33.tar.gz', '1.8.33'],
    ['http://host/update-1.2.3-rc1.img', '1.2.3-rc1'],
    ['http://host/v10.4.swu?token=abc', '10.4'],
    ['http://host/firmware.bin', '1.0.0-updated'],
    ['http://host/download', '1.0.0-updated'],
  ])('%s → %s', (location, version) => {
    expect(versionFromLocation(location, '1.0.0')).toBe(version);
  });

  it('stays within the 50 characters of firmwareVersion', () => {
    expect(versionFromLocation('http://h/x.bin', 'v'.repeat(50))).toHaveLength(50);
    expect(versionFromLocation(`http://h/1.${'2'.repeat(80)}.bin`, '1')).toHaveLength(50);
  });
});

describe('StationLog', () => {
  it('keeps the last entries of each station, oldest first, within a period', () => {
    const log = new StationLog(16);
    const a = {};
    const b = {};
    for (let i = 0; i < 20; i++) log.record(i % 2 === 0 ? a : b, i % 3 === 0 ? LogKind.In : LogKind.Out, `m${i}`, 1000 * i);
    log.record(a, LogKind.Event, 'firmware: Installed', 20_000);
    expect(log.capacity).toBe(16);
    const lines = log.lines(a, 'CP1');
    // 21 entries in a ring of 16: entries 5…20 remain; a's are the even ones and the event.
    expect(lines.map((l) => l.split(' ').slice(3).join(' '))).toEqual(['m6', 'm8', 'm10', 'm12', 'm14', 'm16', 'm18', 'firmware: Installed']);
    expect(lines[0]).toBe('1970-01-01T00:00:06.000Z CP1 < m6');
    expect(lines[1]).toBe('1970-01-01T00:00:08.000Z CP1 > m8');
    expect(lines.at(-1)).toBe('1970-01-01T00:00:20.000Z CP1 * firmware: Installed');
    expect(log.lines(a, 'CP1', 10_000, 14_000).length).toBe(3);
    expect(log.lines({}, 'nobody')).toEqual([]);
  });

  it('hides the value of an AuthorizationKey a frame sets (Whitepaper A01.FR.12), and only that', () => {
    const log = new StationLog(16);
    const who = {};
    const key = '4f43415f4f4354545f61646d696e5f74657374';
    log.record(who, LogKind.In, `[2,"7","ChangeConfiguration",{"key":"AuthorizationKey","value":"${key}"}]`, 1000);
    log.record(who, LogKind.In, '[2,"8","ChangeConfiguration",{"key":"HeartbeatInterval","value":"60"}]', 2000);
    const lines = log.lines(who, 'CP1');
    expect(lines[0]).toBe('1970-01-01T00:00:01.000Z CP1 < [2,"7","ChangeConfiguration",{"key":"AuthorizationKey","value":"(hidden)"}]');
    expect(lines[1]).toContain('"value":"60"');
  });

  it('rounds its size up to a power of two', () => {
    expect(new StationLog(1000).capacity).toBe(1024);
  });

  it('is bounded in characters too: the oldest entries go when the text would exceed the bound', () => {
    const log = new StationLog(1024, 1000);
    const who = {};
    for (let i = 0; i < 30; i++) log.record(who, LogKind.In, `${i}`.padEnd(100, '.'), i);
    expect(log.heldChars).toBeLessThanOrEqual(1000);
    const lines = log.lines(who, 'CP1');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toContain(' < 20.');
  });

  it('keeps a long frame cut, as a copy of its head', () => {
    const log = new StationLog(16);
    const who = {};
    log.record(who, LogKind.In, 'x'.repeat(MAX_ENTRY_CHARS + 5000), 0);
    expect(log.heldChars).toBeLessThan(MAX_ENTRY_CHARS + 100);
    expect(log.lines(who, 'CP1')[0]).toMatch(/x… \(5000 more characters not kept\)$/);
  });
});

describe('file names and locations', () => {
  it('names a log after the charge point and the time, safe for any file system', () => {
    const at = Date.parse('2026-11-23T23:57:01.123Z');
    expect(logFileName('CP001', 'diagnostics', at)).toBe('CP001-diagnostics-20261123T235701Z.log');
    expect(logFileName('a/b c', 'security', at)).toBe('a_b_c-security-20261123T235701Z.log');
  });

  it('takes http, https and ftp locations only', () => {
    expect(parseLocation('ftp://u:p@127.0.0.1:2121/x/').protocol).toBe('ftp:');
    expect(() => parseLocation('sftp://host/x')).toThrow(new TransferError('sftp is not a supported file transfer protocol (HTTP, HTTPS, FTP)'));
    expect(() => parseLocation('no url')).toThrow(TransferError);
  });
});

describe('transfers against misbehaving servers end in an error, never hang', () => {
  const servers: (http.Server | net.Server)[] = [];
  afterAll(() => servers.forEach((s) => (s instanceof http.Server && s.closeAllConnections(), s.close())));
  async function listen<T extends http.Server | net.Server>(server: T): Promise<number> {
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as { port: number }).port;
  }
  const opts = () => ({ signal: new AbortController().signal, timeoutMs: 300 });

  it('a server that never answers, or stops sending mid-body: the idle timeout fails the transfer', async () => {
    const silent = await listen(http.createServer(() => {}));
    await expect(download(`http://127.0.0.1:${silent}/fw.bin`, opts())).rejects.toThrow(/no data from/);
    await expect(upload(`http://127.0.0.1:${silent}/d/`, 'f.log', Buffer.from('x'), opts())).rejects.toThrow(/no answer from/);
    const stalls = await listen(http.createServer((_req, res) => void res.writeHead(200).write('part of an image')));
    await expect(download(`http://127.0.0.1:${stalls}/fw.bin`, opts())).rejects.toThrow();
  });

  it('follows a redirect, but not forever', async () => {
    const port = await listen(
      http.createServer((req, res) => {
        if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
        else if (req.url === '/old') res.writeHead(301, { location: '/new' }).end();
        else res.writeHead(200).end('image');
      }),
    );
    expect((await download(`http://127.0.0.1:${port}/old`, opts())).bytes).toBe(5);
    await expect(download(`http://127.0.0.1:${port}/loop`, opts())).rejects.toThrow(new TransferError('more than 5 redirects'));
  });

  it('a failed GetLog upload is classified for LogStatusNotification (N01.FR.10)', () => {
    expect(uploadLogFailure('HTTP 401 from h:1')).toBe('PermissionDenied');
    expect(uploadLogFailure('FTP 127.0.0.1:2121: 530 Login incorrect')).toBe('PermissionDenied');
    expect(uploadLogFailure('HTTP 405 from h:1')).toBe('NotSupportedOperation');
    expect(uploadLogFailure('FTP h: 502 Command not implemented')).toBe('NotSupportedOperation');
    expect(uploadLogFailure('HTTP 500 from h:1')).toBe('UploadFailure');
    expect(uploadLogFailure('connect ECONNREFUSED 127.0.0.1:9')).toBe('UploadFailure');
  });

  it('an FTP server that refuses the login, or never greets: a TransferError', async () => {
    const refusing = await listen(
      net.createServer((c) => {
        c.write('220 ready\r\n');
        c.on('data', (d) => c.write(d.toString().startsWith('USER') ? '331 password please\r\n' : '530 Login incorrect\r\n'));
      }),
    );
    await expect(download(`ftp://u:p@127.0.0.1:${refusing}/fw.bin`, opts())).rejects.toThrow(/530 Login incorrect/);
    await expect(upload(`ftp://127.0.0.1:${refusing}/d/`, 'f.log', Buffer.from('x'), opts())).rejects.toThrow(/530 Login incorrect/);
    const mute = await listen(net.createServer(() => {}));
    await expect(download(`ftp://127.0.0.1:${mute}/fw.bin`, opts())).rejects.toThrow(/Timeout/);
  });
});

describe('signing certificate and image signature', () => {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '1', '-subj', '/CN=manufacturer root');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'sign.key', '-out', 'sign.csr', '-subj', '/CN=firmware signing');
  openssl('x509', '-req', '-in', 'sign.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'sign.pem', '-days', '1');
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ec.key', '-out', 'ec.pem', '-days', '1', '-subj', '/CN=ec signing');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const root = new X509Certificate(read('root.pem'));
  const image = Buffer.from('firmware image '.repeat(1000));
  const now = Date.now();

  it('refuses what is not a valid PEM certificate', () => {
    expect(checkSigningCertificate('hello', now, [])).toEqual({ ok: false, reason: 'signingCertificate is not a PEM certificate' });
    const broken = checkSigningCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', now, []);
    expect(broken.ok).toBe(false);
    const expired = checkSigningCertificate(read('sign.pem'), now + 3 * 86_400_000, []);
    expect(expired.ok).toBe(false);
  });

  it('checks the chain only when Manufacturer roots are installed', () => {
    expect(checkSigningCertificate(read('sign.pem'), now, []).ok).toBe(true);
    expect(checkSigningCertificate(read('sign.pem'), now, [root]).ok).toBe(true);
    const other = checkSigningCertificate(read('ec.pem'), now, [root]);
    expect(other).toEqual({ ok: false, reason: 'signingCertificate is not signed by an installed ManufacturerRootCertificate' });
  });

  it('verifies RSA-PSS, RSA PKCS#1 v1.5 and ECDSA signatures over the image fed in chunks', () => {
    const cases = [
      ['sign.pem', sign('sha256', image, { key: read('sign.key'), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })],
      ['sign.pem', sign('sha256', image, read('sign.key'))],
      ['ec.pem', sign('sha256', image, read('ec.key'))],
    ] as const;
    for (const [certFile, signature] of cases) {
      const check = checkSigningCertificate(read(certFile), now, []);
      if (!check.ok) throw new Error(check.reason);
      const good = new ImageSignature(check.cert);
      for (let i = 0; i < image.length; i += 4096) good.update(image.subarray(i, i + 4096));
      expect(good.verify(signature.toString('base64'))).toBe(true);
      const tampered = new ImageSignature(check.cert);
      tampered.update(Buffer.concat([image, Buffer.from('!')]));
      expect(tampered.verify(signature.toString('base64'))).toBe(false);
    }
    const check = checkSigningCertificate(read('sign.pem'), now, []);
    if (!check.ok) throw new Error(check.reason);
    const empty = new ImageSignature(check.cert);
    empty.update(image);
    expect(empty.verify('')).toBe(false);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const foreign = new ImageSignature(check.cert);
    foreign.update(image);
    expect(foreign.verify(sign('sha256', image, other).toString('base64'))).toBe(false);
  });
});

describe('profile firmware section and the scenario step', () => {
  it('loads firmware: with defaults for what is left out', () => {
    const file = join(dir, 'fw-profile.yaml');
    writeFileSync(file, 'description: slow updates\nextends: generic-16-ac\nfirmware:\n  installTime: 2m\n  installFails: true\n  downloadBytesPerSecond: 1000\n');
    expect(loadProfile(file).firmware).toEqual({ ...DEFAULT_FIRMWARE, installMs: 120_000, installFails: true, downloadBytesPerSecond: 1000 });
    expect(loadProfile('generic-16-ac').firmware).toEqual(DEFAULT_FIRMWARE);
  });

  it('rejects unknown firmware keys', () => {
    const file = join(dir, 'fw-typo.yaml');
    writeFileSync(file, 'description: typo\nextends: generic-16-ac\nfirmware:\n  instalFails: true\n');
    expect(() => loadProfile(file)).toThrow(ConfigError);
  });

  it('compiles `firmware: {download: fail, install: ok}`, `{download: pause, certificate: revoked}`, and refuses other modes', () => {
    const prog = compileScenarioText('inline.yaml', 'description: d\nsteps:\n  - firmware: {download: fail, install: ok}\n  - wait: 1h\n');
    expect(prog.instrs[0]).toMatchObject({ op: Op.Firmware, firmware: { downloadFails: true, downloadPaused: false, installFails: false } });
    const paused = compileScenarioText('inline.yaml', 'description: d\nsteps:\n  - firmware: {download: pause, certificate: revoked}\n');
    expect(paused.instrs[0]).toMatchObject({ firmware: { downloadFails: false, downloadPaused: true, signingCertificateRevoked: true } });
    expect(() => compileScenarioText('inline.yaml', 'description: d\nsteps:\n  - firmware: {download: broken}\n')).toThrow(/'broken' is not one of fail, pause, ok/);
    expect(() => compileScenarioText('inline.yaml', 'description: d\nsteps:\n  - firmware: {install: pause}\n')).toThrow(/'pause' is not one of fail, ok/);
    expect(() => compileScenarioText('inline.yaml', 'description: d\nsteps:\n  - firmware: {certificate: fail}\n')).toThrow(/'fail' is not one of revoked, ok/);
    expect(() => compileScenarioText('inline.yaml', 'description: d\nsteps:\n  - firmware: {}\n')).toThrow(ConfigError);
  });
});
