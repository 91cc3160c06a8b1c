/**
 * Message ids per model (profile `messageIds`, OCPP-J 1.6 §4.1.3): the frames a charge point sends
 * over a real socket carry the style of its model — counters for Alfen, RFC 4122 version 4 UUIDs for
 * the KEBA P40, random decimal numbers for the Wallbox Pulsar Plus — each unique and at most 36
 * characters. A bare `ws` server on loopback records the ids as they arrive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profile/load.js';
import { startBareCsms } from '../helpers/bare-csms.js';
import { startTestFleet, until } from '../helpers/fleet.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The ids of the first `n` CALLs one charge point of the built-in `profile` sends. */
async function idsOf(profile: string, n = 20): Promise<string[]> {
  const csms = await startBareCsms();
  cleanups.push(() => csms.close());
  // Sessions one after another (--speed 10: the driver lingers 0.5 s, not 5 s); no power-up delay.
  const fleet = startTestFleet(csms.url, { count: 1, speed: 10, profile: { ...loadProfile(profile), bootJitterS: 0, meterValueSampleInterval: 1 } });
  cleanups.push(() => fleet.stop());
  await until(() => csms.ids.length >= n, `${n} calls from ${profile}`, 15_000);
  expect(csms.calls.map(([action]) => action)).toEqual(expect.arrayContaining(['BootNotification', 'StatusNotification', 'Authorize', 'StartTransaction']));
  return csms.ids.slice(0, n);
}

describe('message ids follow the model (profile messageIds)', () => {
  it('counter (Alfen Eve): 1, 2, 3, …', async () => {
    const ids = await idsOf('alfen-eve-single-pro-line');
    expect(ids).toEqual(ids.map((_, i) => String(i + 1)));
  });

  it('uuid (KEBA KeContact P40): RFC 4122 version 4, all different', async () => {
    const ids = await idsOf('keba-kecontact-p40');
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('random (Wallbox Pulsar Plus): decimal numbers of up to 10 digits, all different, not a sequence', async () => {
    const ids = await idsOf('wallbox-pulsar-plus');
    for (const id of ids) expect(id).toMatch(/^\d{1,10}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const steps = ids.slice(1).map((id, i) => Number(id) - Number(ids[i]));
    expect(steps.filter((d) => d === 1).length).toBeLessThan(2);
  });
});
