/**
 * WebSocketPingInterval (OCPP 1.6 §9.1, OCPP-J §5): the charge point pings the CSMS at that interval,
 * and drops and re-opens a link whose ping goes unanswered. A bare `ws` server on loopback plays the
 * CSMS, so the test sees the WebSocket control frames themselves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEFAULT_PROFILE } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A minimal CSMS: accepts the boot and answers every other call with an empty (valid) payload. */
async function bareCsms(autoPong: boolean): Promise<{ url: string; pings: () => number; connections: () => number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong, handleProtocols: () => 'ocpp1.6' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  cleanups.push(() => new Promise<void>((r) => {
    for (const c of wss.clients) c.terminate();
    wss.close(() => r());
  }));
  let pings = 0;
  let connections = 0;
  wss.on('connection', (ws: WebSocket) => {
    connections++;
    ws.on('ping', () => pings++);
    ws.on('message', (data) => {
      const [type, id, action] = JSON.parse(String(data));
      if (type !== 2) return;
      const payload = action === 'BootNotification' ? { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 } : action === 'Heartbeat' ? { currentTime: new Date().toISOString() } : {};
      ws.send(JSON.stringify([3, id, payload]));
    });
  });
  const { port } = wss.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}/ocpp`, pings: () => pings, connections: () => connections };
}

const pinging = { ...DEFAULT_PROFILE, configuration: { WebSocketPingInterval: { value: '1' } } };

describe('WebSocketPingInterval', () => {
  it('pings the CSMS every interval and keeps a live link', async () => {
    const csms = await bareCsms(true);
    const fleet = startTestFleet(csms.url, { count: 1, profile: pinging });
    cleanups.push(() => fleet.stop());
    await until(() => csms.pings() >= 2, 'two pings', 5000);
    expect(csms.connections()).toBe(1);
  });

  it('drops a link whose ping is not answered, and reconnects', async () => {
    const csms = await bareCsms(false);
    const fleet = startTestFleet(csms.url, { count: 1, profile: pinging });
    cleanups.push(() => fleet.stop());
    await until(() => csms.connections() >= 2, 'a reconnect after an unanswered ping', 8000);
    fleet.refresh();
    expect(fleet.stats.problems.some((p) => p.includes('no WebSocket pong'))).toBe(true);
  });

  it('does not ping when the interval is 0 (the default)', async () => {
    const csms = await bareCsms(true);
    const fleet = startTestFleet(csms.url, { count: 1 });
    cleanups.push(() => fleet.stop());
    await until(() => csms.connections() === 1, 'the connection');
    await new Promise((r) => setTimeout(r, 1500));
    expect(csms.pings()).toBe(0);
  });
});
