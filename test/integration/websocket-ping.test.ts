/**
 * WebSocketPingInterval (OCPP 1.6 §9.1, OCPP-J §5): the charge point pings the CSMS at that interval,
 * and drops and re-opens a link whose ping goes unanswered. A bare `ws` server on loopback plays the
 * CSMS (test/helpers/bare-csms.ts), so the test sees the WebSocket control frames themselves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/station/profile.js';
import { startBareCsms, type BareCsms } from '../helpers/bare-csms.js';
import { startTestFleet, until } from '../helpers/fleet.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function bareCsms(autoPong: boolean): Promise<BareCsms> {
  const csms = await startBareCsms({ autoPong });
  cleanups.push(() => csms.close());
  return csms;
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
