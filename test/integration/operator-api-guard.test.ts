/**
 * The operator API's guard over real loopback HTTP: a bearer token (401 without it or with a wrong
 * one), a Host header that names this machine (403 otherwise: DNS rebinding) and no foreign Origin
 * (403: CSRF from a web page in a browser on this machine).
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { apiTokenProblem, isLocalName } from '../../src/csms/api-guard.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function csmsWith(opts: Parameters<typeof startCsms>[0] = {}): Promise<Csms> {
  const csms = await startCsms({ strict: true, ...opts });
  cleanups.push(() => csms.close());
  return csms;
}

/** A request with exactly these headers (node:http lets a test set Host, which fetch does not). */
function request(csms: Csms, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: csms.port, method, path, headers, setHost: !('host' in headers) }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const bearer = (csms: Csms) => ({ authorization: `Bearer ${csms.apiToken}` });

describe('operator API token', () => {
  it('Missing_or_wrong__401_with_WWW-Authenticate; the_right_one__200', async () => {
    const csms = await csmsWith();
    const none = await request(csms, 'GET', '/api/stats', {});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="ocpp-sim operator API"');
    expect(none.json.error).toMatchObject({ code: 'Unauthorized', description: expect.stringContaining('Authorization: Bearer <token>') });
    expect((await request(csms, 'GET', '/api/stats', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await request(csms, 'GET', '/api/stats', { authorization: `Basic ${Buffer.from(`x:${csms.apiToken}`).toString('base64')}` })).status).toBe(401);
    expect((await request(csms, 'GET', '/api/stats', { authorization: `Bearer ${csms.apiToken}x` })).status).toBe(401);
    expect((await request(csms, 'GET', '/api/stats', bearer(csms))).status).toBe(200);
    expect((await request(csms, 'GET', '/api/stats', { authorization: `bearer ${csms.apiToken}` })).status).toBe(200);
    // Refused before anything is sent to a charge point.
    const post = await request(csms, 'POST', '/api/charge-points/*/Reset', { 'content-type': 'application/json' }, '{"type":"Hard"}');
    expect(post.status).toBe(401);
  });

  it('Generated_per_server_or_given', async () => {
    const a = await csmsWith();
    const b = await csmsWith();
    expect(a.apiToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.apiToken).not.toBe(b.apiToken);
    expect((await request(a, 'GET', '/api/stats', bearer(b))).status).toBe(401);
    const given = await csmsWith({ apiToken: 'my-own-operator-token-1' });
    expect(given.apiToken).toBe('my-own-operator-token-1');
    expect((await request(given, 'GET', '/api/stats', { authorization: 'Bearer my-own-operator-token-1' })).status).toBe(200);
    await expect(startCsms({ apiToken: 'short' })).rejects.toThrow('apiToken must be 16 to 256 characters');
  });

  it('Token_rule__RFC_6750_b64token_of_16_to_256', () => {
    expect(apiTokenProblem('abcdefghijklmnop')).toBeNull();
    expect(apiTokenProblem('A-._~+/0123456789==')).toBeNull();
    for (const bad of ['', 'short', 'has a space in it ok', 'x'.repeat(257), 'line\nbreak-0123456789', 'ünïcödé-0123456789']) {
      expect(apiTokenProblem(bad), bad).not.toBeNull();
    }
  });
});

describe('Host and Origin', () => {
  it('Host_not_naming_this_machine__403_even_with_the_token (DNS rebinding)', async () => {
    const csms = await csmsWith();
    for (const host of [`evil.example:${csms.port}`, 'evil.example', `localhost.evil.example:${csms.port}`, `127.0.0.1.nip.io:${csms.port}`, `10.0.0.1:${csms.port}`]) {
      const res = await request(csms, 'GET', '/api/stats', { ...bearer(csms), host });
      expect([host, res.status]).toEqual([host, 403]);
      expect(res.json.error.code).toBe('Forbidden');
    }
    for (const host of [`127.0.0.1:${csms.port}`, `localhost:${csms.port}`, `LOCALHOST:${csms.port}`, `[::1]:${csms.port}`, '127.0.0.2']) {
      expect([host, (await request(csms, 'GET', '/api/stats', { ...bearer(csms), host })).status]).toEqual([host, 200]);
    }
  });

  it('Foreign_Origin__403_even_with_the_token (CSRF); its_own__200', async () => {
    const csms = await csmsWith();
    const foreign = ['https://evil.example', 'null', `http://evil.example:${csms.port}`, `http://127.0.0.1:${csms.port + 1}`, `https://127.0.0.1:${csms.port}`, 'file://'];
    for (const origin of foreign) {
      const res = await request(csms, 'POST', '/api/charge-points/*/Reset', { ...bearer(csms), origin, 'content-type': 'application/json' }, '{"type":"Hard"}');
      expect([origin, res.status]).toEqual([origin, 403]);
    }
    for (const origin of [`http://127.0.0.1:${csms.port}`, `http://localhost:${csms.port}`]) {
      expect([origin, (await request(csms, 'GET', '/api/stats', { ...bearer(csms), origin })).status]).toEqual([origin, 200]);
    }
    expect(csms.stats.callsSent).toBe(0);
  });

  it('Local_names__localhost_loopback_and_the_bound_name_unless_a_wildcard', () => {
    expect(isLocalName('localhost', '127.0.0.1')).toBe(true);
    expect(isLocalName('127.0.1.1', '0.0.0.0')).toBe(true);
    expect(isLocalName('::1', '::')).toBe(true);
    expect(isLocalName('vm', 'vm')).toBe(true); // --host vm, where /etc/hosts maps vm to loopback
    expect(isLocalName('vm', 'VM')).toBe(true);
    expect(isLocalName('0.0.0.0', '0.0.0.0')).toBe(false);
    expect(isLocalName('::', '::')).toBe(false);
    expect(isLocalName('evil.example', '127.0.0.1')).toBe(false);
    expect(isLocalName('127.0.0.1.evil.example', '127.0.0.1')).toBe(false);
    expect(isLocalName(null, '127.0.0.1')).toBe(false);
  });
});
