/**
 * The simulator against our own embedded CSMS in strict mode, over real loopback sockets: what the
 * fleet counts must equal what the CSMS received, operator calls go through the HTTP API, a dropped
 * connection loses no transaction, and the worker-thread path (piscina) aggregates across shards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_PROFILE } from '../../src/station/profile.js';
import { embeddedCsmsAndFleet, startTestFleet, until } from '../helpers/fleet.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function csmsAndFleet(count: number, overrides = {}): Promise<{ csms: Csms; fleet: Fleet }> {
  return embeddedCsmsAndFleet(cleanups, count, { ...overrides });
}

async function api(csms: Csms, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const base = csms.url.replace(/^ws/, 'http').replace(/\/ocpp$/, '');
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${csms.apiToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe('fleet against the embedded CSMS', () => {
  it('boots, charges and stops; fleet counts equal what the CSMS received', async () => {
    const { csms, fleet } = await csmsAndFleet(5);
    await until(() => csms.stats.transactions.stopped >= 5, 'five completed transactions', 10_000);
    await fleet.stop();
    const s = csms.stats;
    expect(s.boots).toBe(5);
    expect(s.transactions.active).toBe(0);
    expect(s.callErrorsSent).toBe(0);
    const byAction = Object.fromEntries(fleet.stats.actions().map((a) => [a.action, a]));
    for (const action of ['BootNotification', 'StatusNotification', 'Authorize', 'StartTransaction', 'MeterValues', 'StopTransaction', 'Heartbeat'] as const) {
      expect(byAction[action]?.sent, action).toBe(s.received[action]);
      expect(byAction[action]?.errors, action).toBe(0);
    }
    expect(fleet.stats.total('transactionsStarted')).toBe(s.transactions.started);
    expect(fleet.stats.total('transactionsCompleted')).toBe(s.transactions.stopped);
    expect(fleet.stats.total('energyWh')).toBe(s.energyWh);
    expect(fleet.stats.total('energyWh')).toBeGreaterThan(0);
    expect(fleet.stats.problems).toEqual([]);
  });

  it('answers operator calls sent through the HTTP API', async () => {
    const { csms, fleet } = await csmsAndFleet(2, { driver: { ...quietDriver() } });
    await until(() => csms.stats.booted === 2, 'two booted charge points');
    const list = await api(csms, 'GET', '/api/charge-points');
    expect(list.json.map((c: { identity: string }) => c.identity).sort()).toEqual(['TEST001', 'TEST002']);

    const start = await api(csms, 'POST', '/api/charge-points/TEST001/RemoteStartTransaction', { idTag: 'OPERATOR', connectorId: 2 });
    expect(start).toEqual({ status: 200, json: { result: { status: 'Accepted' } } });
    await until(() => csms.stats.transactions.active === 1, 'the remote-started transaction');
    const tx = fleet.shards![0].stations[0].connectors[2].tx!;
    await until(() => tx.id !== null, 'its transactionId');

    const config = await api(csms, 'POST', '/api/charge-points/TEST001/GetConfiguration', { key: ['MeterValueSampleInterval', 'Nope'] });
    expect(config.json.result).toEqual({ configurationKey: [{ key: 'MeterValueSampleInterval', readonly: false, value: '1' }], unknownKey: ['Nope'] });

    const stop = await api(csms, 'POST', '/api/charge-points/TEST001/RemoteStopTransaction', { transactionId: Number(tx.id) });
    expect(stop.json.result).toEqual({ status: 'Accepted' });
    await until(() => csms.stats.transactions.active === 0, 'the remote stop');

    // A CALLERROR from the charge point (listVersion 0 is reserved, OCPP 1.6 errata v4.0) answers 502.
    const refused = await api(csms, 'POST', '/api/charge-points/TEST002/SendLocalList', { listVersion: 0, updateType: 'Full' });
    expect(refused.status).toBe(502);
    expect(refused.json.error.code).toBe('PropertyConstraintViolation');
  });

  it('reconnects after the CSMS drops it and loses no transaction message', async () => {
    const { csms, fleet } = await csmsAndFleet(3);
    await until(() => csms.stats.transactions.active >= 2, 'two charging sessions', 8000);
    for (const id of csms.connected()) csms.disconnect(id, 1012);
    fleet.refresh();
    await until(() => (fleet.refresh(), fleet.stats.total('reconnects')) >= 3, 'three reconnects', 8000);
    await until(() => csms.connected().length === 3, 'all reconnected');
    await until(() => csms.stats.transactions.stopped >= 4, 'more completed sessions', 8000);
    await fleet.stop();
    expect(csms.stats.boots).toBe(3); // a reconnect is not a reboot (OCPP 1.6 §4.2)
    expect(csms.stats.transactions.active).toBe(0);
    expect(csms.stats.transactions.unknownStops).toBe(0);
    expect(fleet.stats.total('transactionsStarted')).toBe(csms.stats.transactions.started);
    expect(fleet.stats.total('transactionsCompleted')).toBe(csms.stats.transactions.stopped);
  });

  it('a StartTransaction whose answer was lost with the connection is resent, and the CSMS gives it the same transaction', async () => {
    const { csms, fleet } = await csmsAndFleet(1);
    let dropped = false;
    csms.onRequest = (identity, action) => {
      // The CSMS takes the StartTransaction, then the connection drops before its answer goes out.
      if (action === 'StartTransaction' && !dropped) {
        dropped = true;
        csms.disconnect(identity, 1012);
      }
      return undefined;
    };
    await until(() => dropped && csms.stats.transactions.resent === 1, 'the StartTransaction sent again', 8000);
    await until(() => csms.stats.transactions.stopped >= 1, 'its StopTransaction', 8000);
    await fleet.stop();
    expect(csms.stats.transactions.active).toBe(0);
    expect(csms.stats.transactions.unknownStops).toBe(0);
    expect(fleet.stats.total('transactionsStarted')).toBe(csms.stats.transactions.started);
  });

  it('shards the fleet over worker threads and aggregates their counters', async () => {
    const { csms, fleet } = await csmsAndFleet(12, { workers: 2 });
    await until(() => csms.stats.boots === 12, 'twelve boots', 10_000);
    await until(() => fleet.stats.total('chargePointsBooted') === 12, 'both workers reporting', 5000);
    await fleet.stop();
    expect(fleet.errors).toEqual([]);
    expect(fleet.stats.states().stopped).toBe(12);
    const boots = fleet.stats.actions().find((a) => a.action === 'BootNotification')!;
    expect(boots.sent).toBe(12);
    expect(boots.p50Ms).toBeGreaterThan(0);
    expect(fleet.stats.total('transactionsStarted')).toBe(csms.stats.transactions.started);
    expect(csms.stats.transactions.active).toBe(0);
  });
});

describe('fleet edge cases', () => {
  it('sends clock-aligned readings when ClockAlignedDataInterval is set, and authorizes remote starts when told to', async () => {
    const { csms, fleet } = await csmsAndFleet(1, { driver: quietDriver() });
    const seen: { action: string; payload: any; at: number }[] = [];
    csms.onRequest = (_id, action, payload) => {
      seen.push({ action, payload, at: Date.now() });
      return undefined;
    };
    await until(() => csms.stats.booted === 1, 'the boot');
    const change = (key: string, value: string) => api(csms, 'POST', '/api/charge-points/TEST001/ChangeConfiguration', { key, value });
    expect((await change('ClockAlignedDataInterval', '1')).json.result).toEqual({ status: 'Accepted' });
    await until(() => seen.filter((s) => s.action === 'MeterValues').length >= 4, 'two rounds of clock-aligned readings');
    const clock = seen.filter((s) => s.action === 'MeterValues');
    for (const m of clock) {
      const [value] = m.payload.meterValue;
      expect(value.sampledValue[0].context).toBe('Sample.Clock');
      // On the second: aligned to the interval, not to when the key was set.
      expect(new Date(value.timestamp).getUTCMilliseconds()).toBeLessThan(100);
    }
    await change('ClockAlignedDataInterval', '0');

    expect((await change('AuthorizeRemoteTxRequests', 'true')).json.result).toEqual({ status: 'Accepted' });
    seen.length = 0;
    await api(csms, 'POST', '/api/charge-points/TEST001/RemoteStartTransaction', { idTag: 'REMOTE1', connectorId: 1 });
    await until(() => seen.some((s) => s.action === 'StartTransaction'), 'the StartTransaction');
    const order = seen.filter((s) => s.action === 'Authorize' || s.action === 'StartTransaction');
    expect(order.map((s) => [s.action, s.payload.idTag])).toEqual([
      ['Authorize', 'REMOTE1'],
      ['StartTransaction', 'REMOTE1'],
    ]);
    await fleet.stop();
  });

  it('sends the profile\'s DataTransfer after every boot', async () => {
    const { csms, fleet } = await csmsAndFleet(3, {
      profile: { ...testProfile(), bootDataTransfer: { vendorId: 'ocpp-sim', messageId: 'echo', data: 'hello' } },
    });
    await until(() => csms.stats.received.DataTransfer === 3, 'three DataTransfers');
    await fleet.stop();
    expect(fleet.stats.actions().find((a) => a.action === 'DataTransfer')).toMatchObject({ sent: 3, errors: 0 });
  });

  it('a crashed worker is reported, its charge points counted as lost, and the fleet does not hang', async () => {
    const csms = await startCsms({ heartbeatInterval: 1 });
    cleanups.push(() => csms.close());
    // A profile the shard cannot build (a fractional connector count) throws inside both workers.
    const fleet = startTestFleet(csms.url, { count: 4, workers: 2, profile: { ...testProfile(), connectors: 1.5 as never } });
    await fleet.done;
    expect(fleet.errors).toHaveLength(2);
    expect(fleet.errors[0]).toMatch(/worker \d crashed: .*RangeError/s);
    expect(fleet.stats.lost).toBe(4);
    await fleet.stop(); // stopping an ended fleet returns at once
  });
});

function testProfile() {
  return { ...DEFAULT_PROFILE, meterValueSampleInterval: 1 };
}

/** Drivers that never arrive on their own, so only operator calls start sessions. */
function quietDriver() {
  return { idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600, idTags: ['T'], batteryWh: 60_000, evMaxPowerW: 11_000, socMin: 0.2, socMax: 0.5 };
}
