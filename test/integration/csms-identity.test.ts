/**
 * The embedded CSMS and charge point identities from hostile clients: identities outside the OCPP
 * rule (OCPP 2.0.1 Part 4 §3.1.1) are refused at the handshake with 400, and what the CSMS logs
 * about a charge point cannot forge lines or colour the terminal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCsms, type Csms, type CsmsOptions } from '../../src/csms/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function csmsWith(opts: CsmsOptions = {}): Promise<Csms> {
  const csms = await startCsms({ strict: true, ...opts });
  cleanups.push(() => csms.close());
  return csms;
}

/** Opens `<csms.url>/<rawPath>` (sent as written) and resolves with the HTTP status, 101 when accepted. */
function handshake(csms: Csms, rawPath: string): Promise<{ status: number; body: string; ws?: WebSocket }> {
  const ws = new WebSocket(`${csms.url}/${rawPath}`, ['ocpp1.6'], { perMessageDeflate: false });
  cleanups.push(() => ws.terminate());
  return new Promise((resolve, reject) => {
    ws.on('error', () => {}); // also emitted after a refused handshake, once settled
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.once('open', () => resolve({ status: 101, body: '', ws }));
    setTimeout(() => reject(new Error(`no answer to the handshake of ${rawPath.slice(0, 40)}`)), 10_000).unref();
  });
}

describe('identity rule at the handshake', () => {
  it('Refused_with_400__control_characters_path_escapes_colon_space_and_too_long', async () => {
    const csms = await csmsWith();
    const refused: [string, string][] = [
      ['CP%0A1', 'U+000A'], // a newline: would forge a log line
      ['CP%1B%5B31m', 'U+001B'], // ESC [31m: would colour the terminal
      ['..%2F..%2Fetc', 'U+002F'], // '/' after decoding
      ['CP%3A1', 'U+003A'], // ':' is the Basic auth separator
      ['CP%20one', 'U+0020'],
      ['x'.repeat(49), 'is 49 characters long'],
      ['x'.repeat(10 * 1024), 'is 10240 characters long'],
    ];
    for (const [path, reason] of refused) {
      const res = await handshake(csms, path);
      expect([path.slice(0, 20), res.status], res.body).toEqual([path.slice(0, 20), 400]);
      expect(res.body).toContain(reason);
      expect(res.body).toContain('OCPP 2.0.1 Part 4 §3.1.1');
    }
    expect(csms.connected()).toEqual([]);
    expect(csms.stats.connections.rejected).toBe(refused.length);
  });

  it('Accepted__48_characters_and_every_allowed_symbol_percent-encoded_or_not', async () => {
    const csms = await csmsWith();
    const long = 'x'.repeat(48);
    expect((await handshake(csms, long)).status).toBe(101);
    expect((await handshake(csms, 'A*b-c_d%3De%2Bf%7Cg%40h.i')).status).toBe(101);
    expect(csms.connected().sort()).toEqual(['A*b-c_d=e+f|g@h.i', long]);
  });
});

describe('log lines', () => {
  it('What_a_charge_point_sends_is_escaped__no_forged_lines_or_terminal_escapes', async () => {
    const lines: string[] = [];
    const csms = await csmsWith({ log: (line) => lines.push(line) });
    const { ws } = await handshake(csms, 'CP001');
    const answered = new Promise((resolve) => ws!.once('message', resolve));
    ws!.send(JSON.stringify([2, '1', 'BootNotification', { chargePointVendor: 'evil\ncsms: boot', chargePointModel: '\u001b[31mred' }]));
    await answered;
    expect(lines).toContain('csms: boot Accepted CP001 (evil\\ncsms: boot \\x1b[31mred)');
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('operator API', () => {
  it('An_identity_outside_the_rule__400_BadIdentity', async () => {
    const csms = await csmsWith();
    const res = await fetch(`http://127.0.0.1:${csms.port}/api/charge-points/CP%0A1/Reset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${csms.apiToken}` },
      body: '{"type":"Soft"}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toMatchObject({ code: 'BadIdentity', description: expect.stringContaining('U+000A') });
  });
});
