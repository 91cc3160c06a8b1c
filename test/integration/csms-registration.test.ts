/**
 * The embedded CSMS keeps a charge point's registration (boot accepted, vendor, model) per identity,
 * not per connection: an OCPP 1.6 charge point sends no new BootNotification after a reconnect
 * (OCPP-J 1.6 §5.4), and must stay booted for the stats, the list and `*` broadcasts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCsms, type Csms } from '../../src/csms/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function csms(): Promise<Csms> {
  const c = await startCsms({ strict: true });
  cleanups.push(() => c.close());
  return c;
}

/** A raw charge point that answers TriggerMessage with Accepted and can send CALLs. */
async function chargePoint(csms: Csms, identity: string): Promise<{ ws: WebSocket; call(action: string, payload: object): Promise<any> }> {
  const ws = new WebSocket(`${csms.url}/${identity}`, ['ocpp1.6'], { perMessageDeflate: false });
  cleanups.push(() => ws.terminate());
  const waiting = new Map<string, (payload: any) => void>();
  let next = 0;
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame[0] === 2 && frame[2] === 'TriggerMessage') ws.send(JSON.stringify([3, frame[1], { status: 'Accepted' }]));
    if (frame[0] === 3) waiting.get(frame[1])?.(frame[2]);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws,
    call: (action, payload) => {
      const id = String(++next);
      ws.send(JSON.stringify([2, id, action, payload]));
      return new Promise((resolve) => waiting.set(id, resolve));
    },
  };
}

async function close(ws: WebSocket, csms: Csms, identity: string): Promise<void> {
  ws.close(1000);
  const end = Date.now() + 10_000;
  while (csms.connected().includes(identity) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

async function api(csms: Csms, method: string, path: string, body?: object): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${csms.port}${path}`, {
    method,
    headers: { authorization: `Bearer ${csms.apiToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, path).toBe(200);
  return res.json();
}

const BOOT = { chargePointVendor: 'ocpp-sim', chargePointModel: 'Virtual-1' };

describe('registration per identity', () => {
  it('Reconnect_without_a_new_boot__still_booted_listed_and_reached_by_a_broadcast', async () => {
    const c = await csms();
    const first = await chargePoint(c, 'CP001');
    expect((await first.call('BootNotification', BOOT)).status).toBe('Accepted');
    expect(c.stats.booted).toBe(1);
    await close(first.ws, c, 'CP001');
    expect(c.stats.booted).toBe(0); // not connected: not counted

    await chargePoint(c, 'CP001'); // OCPP-J 1.6 §5.4: no BootNotification after a reconnect
    expect(c.stats.booted).toBe(1);
    expect((await api(c, 'GET', '/api/stats')).booted).toBe(1);
    expect(await api(c, 'GET', '/api/charge-points')).toEqual([
      { identity: 'CP001', protocol: 'ocpp1.6', booted: true, connectedAt: expect.any(String), vendor: 'ocpp-sim', model: 'Virtual-1' },
    ]);
    const broadcast = await api(c, 'POST', '/api/charge-points/*/TriggerMessage', { requestedMessage: 'Heartbeat' });
    expect(broadcast).toEqual({ ok: 1, failed: 0, results: { CP001: { result: { status: 'Accepted' } } } });
  });

  it('A_replacing_connection_inherits_the_registration__counted_once', async () => {
    const c = await csms();
    const first = await chargePoint(c, 'CP001');
    await first.call('BootNotification', BOOT);
    const replaced = new Promise((resolve) => first.ws.once('close', resolve));
    await chargePoint(c, 'CP001');
    await replaced;
    expect(c.stats.booted).toBe(1);
    expect(c.stats.connections).toMatchObject({ current: 1, replaced: 1 });
  });

  it('A_later_boot_that_is_not_accepted__no_longer_booted', async () => {
    const c = await csms();
    const cp = await chargePoint(c, 'CP001');
    await cp.call('BootNotification', BOOT);
    c.onRequest = (_id, action) => (action === 'BootNotification' ? { status: 'Pending', currentTime: new Date().toISOString(), interval: 5 } : undefined);
    await cp.call('BootNotification', BOOT);
    expect(c.stats.booted).toBe(0);
    await close(cp.ws, c, 'CP001');
    await chargePoint(c, 'CP001');
    expect(c.stats.booted).toBe(0);
    expect((await api(c, 'GET', '/api/charge-points'))[0].booted).toBe(false);
  });
});
