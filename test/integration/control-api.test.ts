/**
 * The control API over real sockets: a fleet in a worker thread (so requests cross the worker
 * routing) against the embedded CSMS; each action through REST changes what the CSMS receives, in
 * OCPP 1.6 and 2.0.1; globs; the guard; the event stream; manual actions counted.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startControlServer, type ControlServer } from '../../src/control/server.js';
import type { Csms } from '../../src/csms/server.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { embeddedCsmsAndFleet, until } from '../helpers/fleet.js';
import { compileScenarioText } from '../../src/scenario/parse.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'test-201', ocppVersions: ['2.0.1'], meterValueSampleInterval: 1 };
/** Nobody arrives by themselves within a test: what the CSMS sees comes from the API. */
const STILL_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600 };

interface Received {
  identity: string;
  action: string;
  payload: any;
}

async function setUp(profile: StationProfile = DEFAULT_PROFILE, count = 3): Promise<{ csms: Csms; fleet: Fleet; server: ControlServer; received: Received[] }> {
  const { csms, fleet } = await embeddedCsmsAndFleet(cleanups, count, { workers: 1, profile, driver: STILL_DRIVER });
  const received: Received[] = [];
  csms.onRequest = (identity, action, payload) => {
    received.push({ identity, action, payload });
    return undefined;
  };
  const t0 = Date.now();
  const server = await startControlServer({ fleet, port: 0, fleetSizes: [count], startedAt: () => t0 });
  cleanups.push(() => server.close());
  await until(() => csms.stats.booted === count, `${count} booted charge points`, 8000);
  // Their first status reports are in: what follows comes from the API.
  await until(() => received.filter((r) => r.action === 'StatusNotification').length >= count * 2, 'the boot statuses', 5000);
  return { csms, fleet, server, received };
}

async function api(server: ControlServer, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** Subscribes to the event stream; `events` fills as they come (after the shards have heard of the subscriber). */
async function subscribe(server: ControlServer, query: string): Promise<{ res: Response; events: any[]; stop: () => Promise<void> }> {
  const ctrl = new AbortController();
  const res = await fetch(`${server.url}/api/events?${query}`, { headers: { authorization: `Bearer ${server.token}` }, signal: ctrl.signal });
  const reader = res.body!.getReader();
  const events: any[] = [];
  const reading = (async () => {
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += new TextDecoder().decode(value);
      let i;
      while ((i = text.indexOf('\n\n')) >= 0) {
        const chunk = text.slice(0, i);
        text = text.slice(i + 2);
        if (chunk.startsWith('data: ')) events.push(JSON.parse(chunk.slice(6)));
      }
    }
  })().catch(() => {});
  await new Promise((r) => setTimeout(r, 200)); // the shards have heard of the subscriber
  return {
    res,
    events,
    stop: async () => {
      ctrl.abort();
      await reading;
    },
  };
}

/** A raw request with chosen headers (fetch does not let a test set Host). */
function raw(server: ControlServer, path: string, headers: Record<string, string>): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function from(received: Received[], identity: string, action: string): any[] {
  return received.filter((r) => r.identity === identity && r.action === action).map((r) => r.payload);
}

describe('control API, OCPP 1.6 fleet in a worker', () => {
  it('lists, shows and drives charge points; the CSMS receives what each action does', async () => {
    const { csms, server, received } = await setUp();

    const list = await api(server, 'GET', '/api/charge-points?q=TEST00*&limit=2');
    expect(list.status).toBe(200);
    expect(list.json.total).toBe(3);
    expect(list.json.items.map((c: any) => c.identity)).toEqual(['TEST001', 'TEST002']);
    expect(list.json.items[0]).toMatchObject({ ocpp: '1.6', state: 'booted', connectors: [{ id: 1, status: 'Available' }, { id: 2, status: 'Available' }] });
    const page2 = await api(server, 'GET', '/api/charge-points?offset=2&limit=5');
    expect(page2.json.items.map((c: any) => c.identity)).toEqual(['TEST003']);
    // Unfiltered, the window is computed without the shards' ranking; a glob that keeps them all is ranked: the same page.
    const window = await api(server, 'GET', '/api/charge-points?offset=1&limit=1');
    const rankedWindow = await api(server, 'GET', '/api/charge-points?q=TEST*&offset=1&limit=1');
    expect(window.json).toEqual(rankedWindow.json);
    expect(window.json).toMatchObject({ total: 3, offset: 1, items: [{ identity: 'TEST002' }] });
    expect((await api(server, 'GET', '/api/charge-points?state=nonsense')).status).toBe(400);

    // fault → StatusNotification Faulted with that error code.
    const fault = await api(server, 'POST', '/api/charge-points/TEST001/fault', { connector: 2, errorCode: 'GroundFailure' });
    expect(fault).toEqual({ status: 200, json: { matched: 1, results: [{ identity: 'TEST001', ok: true }] } });
    await until(() => from(received, 'TEST001', 'StatusNotification').some((p) => p.connectorId === 2 && p.status === 'Faulted' && p.errorCode === 'GroundFailure'), 'Faulted GroundFailure');
    const recover = await api(server, 'POST', '/api/charge-points/TEST001/recover', { connector: 2 });
    expect(recover.status).toBe(200);
    await until(() => from(received, 'TEST001', 'StatusNotification').some((p) => p.connectorId === 2 && p.status === 'Available' && p.errorCode === 'NoError'), 'recovered');
    // Not Faulted any more: recover again is a conflict.
    const again = await api(server, 'POST', '/api/charge-points/TEST001/recover', { connector: 2 });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('Conflict');

    // plug → Preparing; start → Authorize + StartTransaction; stop → StopTransaction; unplug → Available.
    expect((await api(server, 'POST', '/api/charge-points/TEST002/plug', { soc: 20 })).status).toBe(200);
    await until(() => from(received, 'TEST002', 'StatusNotification').some((p) => p.connectorId === 1 && p.status === 'Preparing'), 'Preparing');
    expect((await api(server, 'POST', '/api/charge-points/TEST002/start', { idTag: 'MANUAL01' })).status).toBe(200);
    await until(() => from(received, 'TEST002', 'StartTransaction').some((p) => p.idTag === 'MANUAL01' && p.connectorId === 1), 'StartTransaction');
    expect(from(received, 'TEST002', 'Authorize').map((p) => p.idTag)).toContain('MANUAL01');
    const detail = await api(server, 'GET', '/api/charge-points/TEST002');
    expect(detail.json.connectors[0]).toMatchObject({ status: 'Charging', paused: true, soc: expect.any(Number) });
    expect(detail.json.frames.some((f: any) => f.dir === 'out' && f.text.includes('StartTransaction'))).toBe(true);
    expect((await api(server, 'POST', '/api/charge-points/TEST002/start', {})).status).toBe(409);
    expect((await api(server, 'POST', '/api/charge-points/TEST002/stop', { reason: 'EmergencyStop' })).status).toBe(200);
    await until(() => from(received, 'TEST002', 'StopTransaction').some((p) => p.reason === 'EmergencyStop'), 'StopTransaction');
    expect((await api(server, 'POST', '/api/charge-points/TEST002/unplug', {})).status).toBe(200);
    await until(() => from(received, 'TEST002', 'StatusNotification').at(-1)?.status === 'Available', 'Available after unplug');
    expect((await api(server, 'POST', '/api/charge-points/TEST002/resume', {})).status).toBe(200);
    expect(csms.stats.transactions.active).toBe(0);

    // send: validated first, then the CSMS's answer comes back.
    const bad = await api(server, 'POST', '/api/charge-points/TEST003/send', { action: 'DataTransfer', payload: { data: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.json.description).toMatch(/vendorId/);
    const sent = await api(server, 'POST', '/api/charge-points/TEST003/send', { action: 'DataTransfer', payload: { vendorId: 'com.example', data: 'x' } });
    expect(sent).toEqual({ status: 200, json: { matched: 1, results: [{ identity: 'TEST003', ok: true, answer: { status: 'UnknownVendorId' } }] } });
    expect(from(received, 'TEST003', 'DataTransfer')).toEqual([{ vendorId: 'com.example', data: 'x' }]);
    expect((await api(server, 'POST', '/api/charge-points/TEST00*/send', { action: 'Heartbeat', payload: {} })).status).toBe(400);
    expect((await api(server, 'POST', '/api/charge-points/NOPE/fault', {})).status).toBe(404);
    expect((await api(server, 'POST', '/api/charge-points/TEST001/nonsense', {})).status).toBe(404);
    expect((await api(server, 'GET', '/api/charge-points/NOPE')).status).toBe(404);

    // A glob acts on every match.
    // `?` would start the query: a glob in the path is percent-encoded.
    const all = await api(server, 'POST', `/api/charge-points/${encodeURIComponent('TEST00?')}/fault`, { errorCode: 'HighTemperature' });
    expect(all.json.matched).toBe(3);
    expect(all.json.results.map((r: any) => r.identity)).toEqual(['TEST001', 'TEST002', 'TEST003']);
    await until(() => ['TEST001', 'TEST002', 'TEST003'].every((id) => from(received, id, 'StatusNotification').some((p) => p.errorCode === 'HighTemperature')), 'three faults');

    // The worker reports its counters every second.
    let fleet = await api(server, 'GET', '/api/fleet');
    for (let i = 0; i < 30 && fleet.json.manualActions?.fault !== 4; i++) {
      await new Promise((r) => setTimeout(r, 100));
      fleet = await api(server, 'GET', '/api/fleet');
    }
    expect(fleet.status).toBe(200);
    expect(fleet.json).toMatchObject({ total: 3, booted: 3, online: 3, ocpp: ['1.6'], connectors: { Faulted: 3, Available: 3 } });
    expect(fleet.json.manualActions).toEqual({ fault: 4, plug: 1, recover: 1, resume: 1, send: 1, start: 1, stop: 1, unplug: 1 });
  });

  it('disconnect drops the link and it comes back; reset-link reconnects', async () => {
    const { csms, server } = await setUp(DEFAULT_PROFILE, 2);
    const before = csms.stats.connections.total;
    expect((await api(server, 'POST', '/api/charge-points/TEST001/disconnect', { forMs: 800 })).status).toBe(200);
    await until(() => !csms.connected().includes('TEST001'), 'TEST001 gone');
    await until(() => csms.connected().includes('TEST001'), 'TEST001 back', 5000);
    expect((await api(server, 'POST', '/api/charge-points/TEST002/reset-link', {})).status).toBe(200);
    await until(() => csms.connected().includes('TEST002') && csms.stats.connections.total >= before + 2, 'TEST002 reconnected', 5000);
    // reboot: a power loss, then a new boot.
    const boots = csms.stats.boots;
    expect((await api(server, 'POST', '/api/charge-points/TEST001/reboot', {})).status).toBe(200);
    await until(() => csms.stats.boots === boots + 1 && csms.connected().includes('TEST001'), 'TEST001 booted again', 5000);
  });

  it('authorize presents a token; demand changes what a charging EV draws', async () => {
    const { server, received } = await setUp(DEFAULT_PROFILE, 1);
    expect((await api(server, 'POST', '/api/charge-points/TEST001/authorize', { idTag: 'BADGE42' })).status).toBe(200);
    await until(() => from(received, 'TEST001', 'Authorize').some((p) => p.idTag === 'BADGE42'), 'Authorize BADGE42');
    expect((await api(server, 'POST', '/api/charge-points/TEST001/demand', { powerW: 1000 })).status).toBe(409); // no EV
    expect((await api(server, 'POST', '/api/charge-points/TEST001/start', {})).status).toBe(200);
    await until(() => from(received, 'TEST001', 'StartTransaction').length === 1, 'StartTransaction');
    expect((await api(server, 'POST', '/api/charge-points/TEST001/demand', { powerW: 0 })).status).toBe(200);
    await until(() => from(received, 'TEST001', 'StatusNotification').at(-1)?.status === 'SuspendedEV', 'SuspendedEV at no demand');
    expect((await api(server, 'POST', '/api/charge-points/TEST001/demand', { powerW: 3000, soc: 50 })).status).toBe(200);
    await until(() => from(received, 'TEST001', 'StatusNotification').at(-1)?.status === 'Charging', 'Charging again');
    const detail = await api(server, 'GET', '/api/charge-points/TEST001');
    expect(detail.json.connectors[0]).toMatchObject({ status: 'Charging', powerW: 3000, soc: 50 });
    expect((await api(server, 'POST', '/api/charge-points/TEST001/demand', {})).status).toBe(400);
    expect((await api(server, 'POST', '/api/charge-points/TEST001/fault', { errorCode: 'NotACode' })).status).toBe(400);
  });

  it('refuses requests without the token, from foreign hosts and origins', async () => {
    const { server } = await setUp(DEFAULT_PROFILE, 1);
    const path = '/api/fleet';
    const host = new URL(server.url).host;
    expect((await raw(server, path, { host })).status).toBe(401);
    expect((await raw(server, path, { host, authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
    const foreignHost = await raw(server, path, { host: 'evil.example:80', authorization: `Bearer ${server.token}` });
    expect(foreignHost).toMatchObject({ status: 403, json: { error: 'Forbidden' } });
    expect((await raw(server, path, { host, origin: 'http://evil.example', authorization: `Bearer ${server.token}` })).status).toBe(403);
    expect((await raw(server, path, { host, origin: server.url, authorization: `Bearer ${server.token}` })).status).toBe(200);
    // The page needs no token and is never cached.
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${server.url}/assets/../../server.ts`)).status).toBe(404);
  });

  it('streams the fault status event to a subscriber, filtered by identity and type', async () => {
    const { server } = await setUp(DEFAULT_PROFILE, 2);
    const { res, events, stop } = await subscribe(server, 'q=TEST002&types=status,action');
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    await api(server, 'POST', '/api/charge-points/TEST00*/fault', { errorCode: 'WeakSignal' });
    await until(() => events.some((e) => e.type === 'status' && e.status === 'Faulted'), 'the status event');
    expect(events.filter((e) => e.type === 'status')).toEqual([
      expect.objectContaining({ type: 'status', identity: 'TEST002', connector: 1, status: 'Faulted', from: 'Available', errorCode: 'WeakSignal', at: expect.any(Number) }),
    ]);
    expect(events.some((e) => e.type === 'action' && e.identity === 'TEST002' && e.action === 'fault')).toBe(true);
    expect(events.some((e) => e.identity === 'TEST001')).toBe(false);
    await stop();
  });

  it('streams the routine frames too (Heartbeats), which the charge point’s own log leaves out', async () => {
    const { server } = await setUp(DEFAULT_PROFILE, 1);
    const { events, stop } = await subscribe(server, 'q=TEST001&types=call,answer');
    // The test CSMS asks for a Heartbeat every second.
    await until(() => events.some((e) => e.type === 'call' && e.dir === 'out' && /"Heartbeat"/.test(e.text)), 'a Heartbeat call event', 5000);
    const heartbeat = events.find((e) => e.type === 'call' && /"Heartbeat"/.test(e.text));
    const id = JSON.parse(heartbeat.text)[1];
    await until(() => events.some((e) => e.type === 'answer' && e.dir === 'in' && JSON.parse(e.text)[1] === id), 'its answer event', 5000);
    const detail = await api(server, 'GET', '/api/charge-points/TEST001');
    expect(detail.json.frames.some((f: any) => /"Heartbeat"/.test(f.text))).toBe(false);
    await stop();
  });
});

describe('control API, OCPP 2.0.1 fleet in a worker', () => {
  it('fault, send, plug/start/stop/unplug reach the CSMS as 2.0.1 messages', async () => {
    const { fleet, server, received } = await setUp(PROFILE_201, 2);
    expect((await api(server, 'POST', '/api/charge-points/TEST001/fault', { connector: 1 })).status).toBe(200);
    await until(() => from(received, 'TEST001', 'StatusNotification').some((p) => p.connectorStatus === 'Faulted' && p.evseId === 1), 'Faulted');
    expect((await api(server, 'POST', '/api/charge-points/TEST001/recover', { connector: 1 })).status).toBe(200);
    await until(() => from(received, 'TEST001', 'StatusNotification').at(-1)?.connectorStatus === 'Available', 'Available again');

    const sent = await api(server, 'POST', '/api/charge-points/TEST002/send', { action: 'Heartbeat', payload: {} });
    expect(sent.status).toBe(200);
    expect(sent.json.results[0]).toEqual({ identity: 'TEST002', ok: true, answer: { currentTime: expect.any(String) } });
    // A 1.6 call is not a 2.0.1 one.
    expect((await api(server, 'POST', '/api/charge-points/TEST002/send', { action: 'StartTransaction', payload: {} })).status).toBe(400);

    expect((await api(server, 'POST', '/api/charge-points/TEST002/plug', {})).status).toBe(200);
    expect((await api(server, 'POST', '/api/charge-points/TEST002/start', { idTag: 'MANUAL01' })).status).toBe(200);
    await until(() => from(received, 'TEST002', 'TransactionEvent').some((p) => p.idToken?.idToken === 'MANUAL01'), 'the transaction with the token');
    expect((await api(server, 'POST', '/api/charge-points/TEST002/stop', {})).status).toBe(200);
    expect((await api(server, 'POST', '/api/charge-points/TEST002/unplug', {})).status).toBe(200);
    await until(() => from(received, 'TEST002', 'TransactionEvent').some((p) => p.eventType === 'Ended'), 'Ended');
    const events = from(received, 'TEST002', 'TransactionEvent');
    expect(events[0].eventType).toBe('Started');

    await fleet.stop();
    fleet.refresh();
    expect(fleet.stats.manualActions()).toEqual({ fault: 1, plug: 1, recover: 1, send: 1, start: 1, stop: 1, unplug: 1 });
  });
});

describe('a manual action and the connector\'s scenario', () => {
  it('pauses the scenario on that connector until resume; the other connector goes on', async () => {
    const scenario = compileScenarioText('pause.yaml', ['description: pause test', 'steps:', '  - wait: 400ms', '  - plug', '  - start', '  - charge: 300ms', '  - stop', '  - unplug', ''].join('\n'));
    const { csms, fleet } = await embeddedCsmsAndFleet(cleanups, 1, { workers: 0, scenario, driver: STILL_DRIVER });
    const received: Received[] = [];
    csms.onRequest = (identity, action, payload) => {
      received.push({ identity, action, payload });
      return undefined;
    };
    const server = await startControlServer({ fleet, port: 0, fleetSizes: [1], startedAt: () => Date.now() });
    cleanups.push(() => server.close());
    await until(() => csms.stats.booted === 1, 'booted');
    // Connector 1 faulted (and so paused) while its scenario waits; connector 2 runs its session.
    expect((await api(server, 'POST', '/api/charge-points/TEST001/fault', { connector: 1 })).status).toBe(200);
    await until(() => from(received, 'TEST001', 'StopTransaction').length === 1, 'connector 2 session over', 5000);
    expect(from(received, 'TEST001', 'StartTransaction').map((p) => p.connectorId)).toEqual([2]);
    expect((await api(server, 'GET', '/api/charge-points/TEST001')).json.connectors[0]).toMatchObject({ status: 'Faulted', paused: true });
    expect((await api(server, 'POST', '/api/charge-points/TEST001/recover', { connector: 1 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 600));
    expect(from(received, 'TEST001', 'StartTransaction')).toHaveLength(1); // still paused after recover
    expect((await api(server, 'POST', '/api/charge-points/TEST001/resume', { connector: 1 })).status).toBe(200);
    await until(() => from(received, 'TEST001', 'StopTransaction').length === 2, 'connector 1 session after the resume', 5000);
    expect(from(received, 'TEST001', 'StartTransaction').map((p) => p.connectorId)).toEqual([2, 1]);
    expect((await api(server, 'POST', '/api/charge-points/TEST001/resume', { connector: 1 })).status).toBe(409);
  });
});
