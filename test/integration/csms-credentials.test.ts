/**
 * Per-identity credentials on the embedded CSMS (HTTP Basic auth, security profile 1: the user name
 * is the identity, OCPP 1.6 Security Whitepaper A00.FR.204): with them, a client that only knows a
 * connected charge point's identity cannot take over its session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCsms, type Csms } from '../../src/csms/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function connect(csms: Csms, identity: string, password?: string): Promise<{ status: number; ws: WebSocket }> {
  const headers = password === undefined ? {} : { authorization: `Basic ${Buffer.from(`${identity}:${password}`).toString('base64')}` };
  const ws = new WebSocket(`${csms.url}/${identity}`, ['ocpp1.6'], { headers, perMessageDeflate: false });
  cleanups.push(() => ws.terminate());
  return new Promise((resolve) => {
    ws.on('error', () => {});
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      resolve({ status: res.statusCode ?? 0, ws });
    });
    ws.once('open', () => resolve({ status: 101, ws }));
  });
}

describe('credentials', () => {
  it('Spoofed_identity__refused_with_401_and_the_real_session_stays', async () => {
    const csms = await startCsms({ strict: true, passwords: { CP001: 'correct-horse-battery' } });
    cleanups.push(() => csms.close());
    const real = await connect(csms, 'CP001', 'correct-horse-battery');
    expect(real.status).toBe(101);
    expect((await connect(csms, 'CP001')).status).toBe(401);
    expect((await connect(csms, 'CP001', 'guess')).status).toBe(401);
    expect(csms.connected()).toEqual(['CP001']);
    expect(csms.stats.connections).toMatchObject({ current: 1, total: 1, replaced: 0, rejected: 2 });
    // The real charge point still gets the CSMS's calls.
    real.ws.on('message', (data) => {
      const [, id] = JSON.parse(String(data));
      real.ws.send(JSON.stringify([3, id, { status: 'Accepted' }]));
    });
    await expect(csms.call('CP001', 'Reset', { type: 'Soft' })).resolves.toEqual({ status: 'Accepted' });
  });

  it('Without_credentials__whoever_connects_with_the_identity_replaces_the_session', async () => {
    // What the README warns about: the embedded CSMS then trusts whoever connects.
    const csms = await startCsms({ strict: true });
    cleanups.push(() => csms.close());
    const real = await connect(csms, 'CP001');
    const closed = new Promise<number>((resolve) => real.ws.once('close', resolve));
    expect((await connect(csms, 'CP001')).status).toBe(101);
    expect(await closed).toBe(4000);
    expect(csms.stats.connections.replaced).toBe(1);
  });
});
