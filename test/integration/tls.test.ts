/**
 * Security profiles 2 and 3 over wss:// on loopback: the test makes its own CA, a server certificate
 * for 127.0.0.1 and a client certificate with openssl, then runs the fleet against the embedded CSMS
 * serving TLS — verifying the server with --ca, and presenting a client certificate where the CSMS
 * requires one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_PROFILE } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';

let dir = '';
const pem: Record<string, string> = {};

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, and a server (127.0.0.1) and a client certificate signed by it. */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-tls-'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=ocpp-sim test CA');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, cn, ext] of [['server', '127.0.0.1', 'server.ext'], ['client', 'TEST001', '']]) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', ...(ext ? ['-extfile', ext] : []));
  }
  for (const f of ['ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.key']) pem[f] = readFileSync(join(dir, f), 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tlsCsms(requestCert: boolean): Promise<Csms> {
  const csms = await startCsms({ strict: true, tls: { cert: pem['server.pem'], key: pem['server.key'], ca: pem['ca.pem'], requestCert } });
  cleanups.push(() => csms.close());
  return csms;
}

function fleetFor(csms: Csms, tls: { ca?: string; cert?: string; key?: string }): Fleet {
  const fleet = startTestFleet(csms.url, { count: 1, tls, password: 'secret' });
  cleanups.push(() => fleet.stop());
  return fleet;
}

describe('wss:// (security profiles 2 and 3)', () => {
  it('verifies the CSMS with the given CA and boots (profile 2, with Basic auth)', async () => {
    const csms = await tlsCsms(false);
    expect(csms.url).toMatch(/^wss:\/\//);
    fleetFor(csms, { ca: pem['ca.pem'] });
    await until(() => csms.stats.boots === 1, 'a boot over TLS');
  });

  it('refuses a CSMS whose certificate the CA did not sign', async () => {
    const csms = await tlsCsms(false);
    const fleet = fleetFor(csms, {}); // no --ca: the system store does not know our test CA
    await until(() => (fleet.refresh(), fleet.stats.total('connectFailures')) >= 1, 'a failed TLS handshake');
    expect(csms.stats.boots).toBe(0);
    expect(fleet.stats.problems.join('\n')).toMatch(/self-signed|certificate/i);
  });

  it('presents a client certificate where the CSMS requires one (profile 3)', async () => {
    const csms = await tlsCsms(true);
    fleetFor(csms, { ca: pem['ca.pem'], cert: pem['client.pem'], key: pem['client.key'] });
    await until(() => csms.stats.boots === 1, 'a boot with a client certificate');
  });

  it('a server that offers only TLS 1.1 is refused with an InvalidTLSVersion security event (A00.FR.315)', async () => {
    const server = https.createServer({ cert: pem['server.pem'], key: pem['server.key'], minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' });
    server.on('tlsClientError', () => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const profile = { ...DEFAULT_PROFILE, configuration: { SecurityProfile: { value: '2' } } };
    const fleet = startTestFleet(`wss://127.0.0.1:${(server.address() as { port: number }).port}/ocpp`, { count: 1, profile, tls: { ca: pem['ca.pem'] }, password: 'secret' });
    cleanups.push(() => fleet.stop());
    await until(() => (fleet.refresh(), fleet.stats.total('connectFailures')) >= 2, 'failed handshakes');
    const st = fleet.shards![0].stations[0];
    // Raised once for the outage, kept for delivery once a connection succeeds (A04.FR.02).
    expect(st.security!.log!.list().map((e) => e.type)).toEqual(['InvalidTLSVersion']);
    const queued: string[] = [];
    st.queue.retain((c) => (c.action === 'SecurityEventNotification' && queued.push(String(c.payload.type)), true));
    expect(queued).toEqual(['InvalidTLSVersion']);
  });

  it('cannot connect without a client certificate when the CSMS requires one', async () => {
    const csms = await tlsCsms(true);
    const fleet = fleetFor(csms, { ca: pem['ca.pem'] });
    await until(() => (fleet.refresh(), fleet.stats.total('connectFailures')) >= 1, 'a refused handshake');
    expect(csms.stats.boots).toBe(0);
  });
});
