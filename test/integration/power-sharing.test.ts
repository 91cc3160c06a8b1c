/**
 * DC power sharing (profile `powerSharing`) over real sockets against the embedded CSMS: two outlets
 * of an ABB Terra 184 charging at once split its 180 kW, and when one session ends the other takes
 * what its EV accepts — as the MeterValues a CSMS receives show.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCsms } from '../../src/csms/server.js';
import { loadProfile } from '../../src/profile/load.js';
import { loadScenario } from '../../src/scenario/parse.js';
import { startTestFleet, until } from '../helpers/fleet.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-sharing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Reading {
  connectorId: number;
  transactionId?: number;
  powerW: number;
}

describe('power sharing', () => {
  it('two Terra 184 outlets split 180 kW; alone, one takes what its EV accepts', async () => {
    const csms = await startCsms({ strict: true, heartbeatInterval: 30 });
    cleanups.push(() => csms.close());
    const readings: Reading[] = [];
    csms.onRequest = (_id, action, payload: any) => {
      if (action !== 'MeterValues' || payload.transactionId === undefined) return undefined;
      for (const mv of payload.meterValue) {
        const p = mv.sampledValue.find((s: any) => s.measurand === 'Power.Active.Import');
        if (p && mv.sampledValue[0].context === 'Sample.Periodic') readings.push({ connectorId: payload.connectorId, transactionId: payload.transactionId, powerW: Number(p.value) });
      }
      return undefined;
    };
    const file = join(dir, 'both.yaml');
    writeFileSync(file, `description: both outlets charge a big battery
connectors: all
steps:
  - plug: {ev: {batteryKWh: 100, soc: 0.1, maxPowerKW: 150}}
  - start
  - charge: 1h
`);
    const profile = loadProfile('abb-terra-184');
    const fleet = startTestFleet(csms.url, {
      count: 1,
      profile: { ...profile, meterValueSampleInterval: 1, bootJitterS: 0 },
      scenario: loadScenario(file),
    });
    cleanups.push(() => fleet.stop());

    await until(() => readings.filter((r) => r.connectorId === 2).length >= 2 && readings.filter((r) => r.connectorId === 1).length >= 2, 'both outlets sampled', 10_000);
    const both = readings.slice(-2);
    expect(both.map((r) => r.powerW)).toEqual([90_000, 90_000]);

    // Connector 2's session ends: connector 1 gets its EV's 150 kW (under the outlet's 180 kW).
    const tx2 = readings.find((r) => r.connectorId === 2)!.transactionId!;
    expect(await csms.call('TEST001', 'RemoteStopTransaction', { transactionId: tx2 })).toEqual({ status: 'Accepted' });
    const mark = readings.length;
    await until(() => readings.slice(mark).some((r) => r.connectorId === 1), 'a reading of connector 1 after the stop', 5000);
    expect(readings.slice(mark).find((r) => r.connectorId === 1)!.powerW).toBe(150_000);
  });
});
