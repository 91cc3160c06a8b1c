/**
 * Every runnable built-in device profile against the independent strict ocpp-rpc CSMS at once: each
 * model's quirks, connectors, meters and power sharing must produce only schema-valid messages, and
 * each must boot and complete a charging session.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinProfiles, loadProfile } from '../../src/profile/load.js';
import { startFleet, type Fleet } from '../../src/scheduler/fleet.js';
import { testFleetConfig, until } from '../helpers/fleet.js';
import { isAbstract } from '../helpers/profile-fixtures.js';
import { StrictPeer } from '../helpers/ocpp-rpc-peer.js';

const fleets: Fleet[] = [];
let peer: StrictPeer | undefined;
afterAll(async () => {
  await Promise.all(fleets.map((f) => f.stop()));
  await peer?.close();
});

/** The runnable 1.6 models (2.0.1-only profiles are refused by `run`). */
function runnable16(): { name: string; prefix: string }[] {
  return builtinProfiles()
    .map((p, i) => ({ ...p, prefix: `P${i}-` }))
    .filter((p) => !isAbstract(p.file) && loadProfile(p.name).ocppVersions.includes('1.6'));
}

describe('every built-in 1.6 profile against a strict CSMS', () => {
  it('boots, charges and stops with only schema-valid messages', async () => {
    peer = await StrictPeer.start();
    const models = runnable16();
    expect(models.length).toBeGreaterThanOrEqual(30);
    for (const m of models) {
      const profile = loadProfile(m.name);
      // Fast timings: sample every second, no boot jitter; every meter a model has is sampled.
      const base = testFleetConfig(peer.url, { count: 1, idPrefix: m.prefix, idWidth: 1 });
      fleets.push(startFleet({ ...base, profile: { ...profile, meterValueSampleInterval: 1, bootJitterS: 0 } }));
    }
    const done = (m: { prefix: string }) => peer!.calls(`${m.prefix}1`, 'StopTransaction').length >= 1;
    await until(() => models.every(done), 'a finished session on every model', 20_000).catch(() => {
      throw new Error(`no finished session for: ${models.filter((m) => !done(m)).map((m) => m.name).join(', ')}`);
    });
    // Answers too are checked by the strict peer: the full configuration listing, a composite
    // schedule, a triggered meter reading.
    await Promise.all(
      models.map(async (m) => {
        const cp = peer!.client(`${m.prefix}1`);
        const config = await cp.call('GetConfiguration', {});
        expect(config.configurationKey.length, m.name).toBeGreaterThan(20);
        await cp.call('GetCompositeSchedule', { connectorId: 1, duration: 3600 });
        expect(await cp.call('TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 1 })).toEqual({ status: 'Accepted' });
      }),
    );
    expect(peer.failures).toEqual([]);
    for (const m of models) {
      const id = `${m.prefix}1`;
      expect(peer.calls(id, 'BootNotification').length, m.name).toBeGreaterThanOrEqual(1);
      expect(peer.calls(id, 'MeterValues').length, `${m.name} meter values`).toBeGreaterThanOrEqual(1);
    }
  });
});
