/**
 * Security events raised from the connection and dispatch layers (Security Whitepaper §8): a
 * schema-invalid CSMS call is answered with a CALLERROR and reported as InvalidMessages; a CSMS that
 * refuses the credentials (HTTP 401) is reported as FailedToAuthenticateAtCentralSystem once the
 * charge point gets through. Only charge points that use the extension (SecurityProfile ≥ 1) do so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCsms } from '../../src/csms/server.js';
import { DEFAULT_PROFILE } from '../../src/station/profile.js';
import { startBareCsms } from '../helpers/bare-csms.js';
import { startTestFleet, until } from '../helpers/fleet.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const secured = { ...DEFAULT_PROFILE, configuration: { SecurityProfile: { value: '1' } } };

describe('security events of the link and the dispatcher', () => {
  it('a schema-invalid CSMS call: CALLERROR, and SecurityEventNotification InvalidMessages', async () => {
    const csms = await startBareCsms();
    cleanups.push(() => csms.close());
    const fleet = startTestFleet(csms.url, { count: 1, profile: secured, password: 'secret-secret' });
    cleanups.push(() => fleet.stop());
    await until(() => csms.calls.some(([a]) => a === 'StatusNotification'), 'the boot');
    csms.sendRaw(JSON.stringify([2, 'bad-1', 'Reset', { type: 'Sideways' }]));
    await until(() => csms.calls.some(([a, p]) => a === 'SecurityEventNotification' && p.type === 'InvalidMessages'), 'the InvalidMessages event');
    const event = csms.calls.find(([a, p]) => a === 'SecurityEventNotification' && p.type === 'InvalidMessages')![1];
    expect(event.techInfo).toMatch(/^Reset: /);
  });

  it('a malformed frame is an InvalidMessages security event too', async () => {
    const csms = await startBareCsms();
    cleanups.push(() => csms.close());
    const fleet = startTestFleet(csms.url, { count: 1, profile: secured, password: 'secret-secret' });
    cleanups.push(() => fleet.stop());
    await until(() => csms.calls.some(([a]) => a === 'StatusNotification'), 'the boot');
    csms.sendRaw('this is not JSON');
    csms.sendRaw(JSON.stringify([2, 'short']));
    const invalid = () => csms.calls.filter(([a, p]) => a === 'SecurityEventNotification' && p.type === 'InvalidMessages');
    await until(() => invalid().length === 2, 'two InvalidMessages events');
    for (const [, p] of invalid()) expect(typeof p.techInfo).toBe('string');
  });

  it('a plain 1.6 charge point raises no security event', async () => {
    const csms = await startBareCsms();
    cleanups.push(() => csms.close());
    const fleet = startTestFleet(csms.url, { count: 1 });
    cleanups.push(() => fleet.stop());
    await until(() => csms.calls.some(([a]) => a === 'StatusNotification'), 'the boot');
    csms.sendRaw(JSON.stringify([2, 'bad-1', 'Reset', { type: 'Sideways' }]));
    csms.sendRaw('this is not JSON');
    await new Promise((r) => setTimeout(r, 500));
    expect(csms.calls.filter(([a]) => a === 'SecurityEventNotification')).toEqual([]);
  });

  it('HTTP 401: FailedToAuthenticateAtCentralSystem, delivered once the credentials are accepted', async () => {
    // The CSMS knows the charge point only under another password at first (it reads the map on
    // every handshake, so changing it below lets the next attempt in).
    const passwords = { TEST001: 'not-this-one' };
    const csms = await startCsms({ strict: true, passwords });
    cleanups.push(() => csms.close());
    const fleet = startTestFleet(csms.url, { count: 1, profile: secured, password: 'the-right-one' });
    cleanups.push(() => fleet.stop());
    await until(() => (fleet.refresh(), fleet.stats.problems.some((p) => p.includes('HTTP 401'))), 'a refused handshake');
    const events: string[] = [];
    csms.onRequest = (_id, action, payload: any) => void (action === 'SecurityEventNotification' && events.push(payload.type));
    passwords.TEST001 = 'the-right-one';
    await until(() => events.includes('FailedToAuthenticateAtCentralSystem'), 'the event after the reconnect', 8000);
    expect(events.filter((e) => e === 'FailedToAuthenticateAtCentralSystem')).toHaveLength(1);
  });

  it('HTTP 401 after a connection that worked (a new AuthorizationKey the CSMS does not know yet): raised once for that outage too', async () => {
    const passwords: Record<string, string> = { TEST001: 'factory-password' };
    const csms = await startCsms({ strict: true, passwords });
    cleanups.push(() => csms.close());
    const events: string[] = [];
    csms.onRequest = (_id, action, payload: any) => void (action === 'SecurityEventNotification' && events.push(payload.type));
    const fleet = startTestFleet(csms.url, { count: 1, profile: secured, password: 'factory-password' });
    cleanups.push(() => fleet.stop());
    await until(() => csms.stats.booted === 1, 'the boot');
    const key = Buffer.from('rotated-secret-0002').toString('hex');
    expect(await csms.call('TEST001', 'ChangeConfiguration', { key: 'AuthorizationKey', value: key })).toEqual({ status: 'Accepted' });
    // The CSMS still knows only the old password: the reconnects are refused.
    await until(() => (fleet.refresh(), (fleet.stats.connectErrors().find((e) => e.cause === 'HTTP 401')?.count ?? 0) >= 2), 'refused reconnects', 8000);
    passwords.TEST001 = 'rotated-secret-0002';
    await until(() => events.includes('FailedToAuthenticateAtCentralSystem'), 'the event after the reconnect', 8000);
    expect(events.filter((e) => e === 'FailedToAuthenticateAtCentralSystem')).toHaveLength(1);
  });
});
