/**
 * Every runnable built-in device profile against the independent strict ocpp-rpc CSMS at once (issue
 * #12): each model's quirks, connectors, meters and power sharing must produce only schema-valid
 * messages, and each must boot and complete a charging session — the 1.6-speaking models against the
 * 1.6 peer, and every 2.0.1-speaking model (forced to 2.0.1 as `run --ocpp 2.0.1` does) against the
 * 2.0.1 peer, which also asks each for its base report.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { builtinProfiles, loadProfile } from '../../src/profile/load.js';
import { startFleet, type Fleet } from '../../src/scheduler/fleet.js';
import { testFleetConfig, until } from '../helpers/fleet.js';
import { isAbstract } from '../helpers/profile-fixtures.js';
import { StrictPeer } from '../helpers/ocpp-rpc-peer.js';
import { StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';

const fleets: Fleet[] = [];
let peer: StrictPeer | undefined;
let peer201: StrictPeer201 | undefined;
afterAll(async () => {
  await Promise.all(fleets.map((f) => f.stop()));
  await peer?.close();
  await peer201?.close();
});

/** The runnable models that speak `version`. */
function runnable(version: '1.6' | '2.0.1'): { name: string; prefix: string }[] {
  return builtinProfiles()
    .map((p, i) => ({ ...p, prefix: `P${i}-` }))
    .filter((p) => !isAbstract(p.file) && loadProfile(p.name).ocppVersions.includes(version));
}
const runnable16 = () => runnable('1.6');

describe('every built-in 1.6 profile against a strict CSMS', () => {
  it('boots, charges and stops with only schema-valid messages', async () => {
    peer = await StrictPeer.start();
    const models = runnable16();
    expect(models.length).toBeGreaterThanOrEqual(60);
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
        // Only what the model's SupportedFeatureProfiles lists (the others are answered NotSupported).
        const features = loadProfile(m.name).configuration.SupportedFeatureProfiles?.value.split(',') ?? ['SmartCharging', 'RemoteTrigger'];
        if (features.includes('SmartCharging')) await cp.call('GetCompositeSchedule', { connectorId: 1, duration: 3600 });
        if (features.includes('RemoteTrigger')) {
          expect(await cp.call('TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 1 })).toEqual({ status: 'Accepted' });
        }
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

describe('every built-in 2.0.1-speaking profile against a strict 2.0.1 CSMS', () => {
  it('boots, runs a transaction Started…Ended and answers GetBaseReport with only schema-valid messages', async () => {
    peer201 = await StrictPeer201.start();
    const models = runnable('2.0.1');
    expect(models.length).toBeGreaterThanOrEqual(12);
    for (const m of models) {
      const loaded = loadProfile(m.name);
      // 2.0.1 forced as `run --ocpp 2.0.1` does (cli/run.ts speaking()): the list narrowed to it, which the shard binds.
      const profile = { ...loaded, ocppVersions: ['2.0.1'], meterValueSampleInterval: 1, bootJitterS: 0 };
      const base = testFleetConfig(peer201.url, { count: 1, idPrefix: m.prefix, idWidth: 1 });
      fleets.push(startFleet({ ...base, profile }));
    }
    const ended = (m: { prefix: string }) =>
      peer201!.calls(`${m.prefix}1`, 'TransactionEvent').some((c) => c.params.eventType === 'Ended');
    await until(() => models.every(ended), 'an Ended transaction on every model', 20_000).catch(() => {
      throw new Error(`no Ended transaction for: ${models.filter((m) => !ended(m)).map((m) => m.name).join(', ')}`);
    });
    // B07: each model's generated device model reported whole, every part schema-valid.
    await Promise.all(
      models.map(async (m, i) => {
        expect(await peer201!.call(`${m.prefix}1`, 'GetBaseReport', { requestId: 100 + i, reportBase: 'FullInventory' }), m.name).toEqual({
          status: 'Accepted',
        });
      }),
    );
    const lastPart = (m: { prefix: string }, i: number) =>
      peer201!.calls(`${m.prefix}1`, 'NotifyReport').some((c) => c.params.requestId === 100 + i && !c.params.tbc);
    await until(() => models.every(lastPart), 'every base report', 10_000);
    expect(peer201.failures).toEqual([]);
    models.forEach((m, i) => {
      const id = `${m.prefix}1`;
      expect(peer201!.calls(id, 'BootNotification').length, m.name).toBeGreaterThanOrEqual(1);
      // The report describes the model's own outlets: an EVSE component for each of its EVSEs (B07, Part 2 §2.2).
      const parts = peer201!.calls(id, 'NotifyReport').filter((c) => c.params.requestId === 100 + i);
      const evses = new Set(parts.flatMap((c) => c.params.reportData.filter((d: any) => d.component.name === 'EVSE').map((d: any) => d.component.evse.id)));
      expect([...evses].sort(), `${m.name} EVSEs`).toEqual([...new Set(loadProfile(m.name).connectors.map((c) => c.evse))].sort());
      // A whole transaction: Started at seqNo 0 … Ended (another EVSE's may still be open).
      const whole = [...peer201!.transactions.values()]
        .filter((t) => t.identity === id)
        .map((t) => peer201!.events(t.transactionId))
        .some((evs) => evs[0]?.eventType === 'Started' && evs.at(-1)?.eventType === 'Ended');
      expect(whole, `${m.name}: a transaction Started…Ended`).toBe(true);
    });
    // Transactions still open when the run stops are allowed; the finished ones have no gaps.
    expect(peer201.sequenceProblems(true)).toEqual([]);
  });
});
