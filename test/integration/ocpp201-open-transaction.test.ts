/**
 * A 2.0.1 transaction kept open after its energy session (TxStopPoint EVConnected, E06): the driver's
 * stop ends the energy, the transaction ends when the EV leaves. Until then it is ongoing for the
 * CSMS too — GetTransactionStatus says so (E14) and RequestStopTransaction is Accepted (F03) without
 * ending it early — against ocpp-rpc's strict 2.0.1 server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/parse.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';

const CP = 'OPEN1';
const PROFILE: StationProfile = {
  ...DEFAULT_PROFILE,
  name: 'open-201',
  ocppVersions: ['2.0.1'],
  connectors: DEFAULT_PROFILE.connectors.slice(0, 1),
  deviceModel: { TxCtrlr: { TxStopPoint: ['EVConnected'] } },
};

let peer: StrictPeer201 | null = null;
let fleet: Fleet | null = null;
let dir: string | null = null;
afterEach(async () => {
  await fleet?.stop();
  await peer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  fleet = peer = dir = null;
});

describe('a transaction kept open until the EV leaves (TxStopPoint EVConnected)', () => {
  it('is ongoing for GetTransactionStatus (E14); RequestStopTransaction is Accepted and it still ends only when the EV leaves (F03, E06)', async () => {
    const p = (peer = await StrictPeer201.start());
    dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-open-'));
    const file = join(dir, 'open.yaml');
    writeFileSync(file, ['description: the driver stops, the EV stays plugged in a while', 'steps:', '  - plug', '  - start', '  - charge: 1s', '  - stop', '  - wait: 3s', '  - unplug', '  - wait: 1h', ''].join('\n'));
    fleet = startTestFleet(p.url, { count: 1, idPrefix: 'OPEN', idWidth: 1, driver: DEFAULT_DRIVER, profile: PROFILE, scenario: loadScenario(file, '2.0.1') });
    const events = () => p.calls(CP, 'TransactionEvent').map((c) => c.params);
    await until(() => events().some((e) => e.triggerReason === 'StopAuthorized'), 'the driver stop', 10_000);
    const id: string = events()[0].transactionInfo.transactionId;
    expect(events().some((e) => e.eventType === 'Ended')).toBe(false);
    expect(await p.call(CP, 'GetTransactionStatus', { transactionId: id })).toMatchObject({ ongoingIndicator: true });
    expect(await p.call(CP, 'RequestStopTransaction', { transactionId: id })).toEqual({ status: 'Accepted' });
    expect(events().some((e) => e.eventType === 'Ended')).toBe(false);
    await until(() => events().some((e) => e.eventType === 'Ended'), 'the EV leaving', 10_000);
    const ended = events().find((e) => e.eventType === 'Ended');
    expect(ended.transactionInfo.stoppedReason).toBe('EVDisconnected');
    expect(await p.call(CP, 'GetTransactionStatus', { transactionId: id })).toMatchObject({ ongoingIndicator: false });
    expect(await p.call(CP, 'RequestStopTransaction', { transactionId: id })).toEqual({ status: 'Rejected' });
    expect(events().map((e) => e.seqNo)).toEqual(events().map((_, i) => i));
    expect(p.failures).toEqual([]);
  }, 30_000);
});
