/**
 * Scenarios run by the interpreter against the embedded CSMS (strict) over loopback: each step's
 * effect on the wire, expectations that pass and fail with file:line, offline queueing, faults,
 * raw sends, and that CSMS calls are still answered while a scenario runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { NO_REPLY, startCsms, type Csms } from '../../src/csms/server.js';
import type { Fleet, FleetConfig } from '../../src/scheduler/fleet.js';
import { loadScenario } from '../../src/scenario/parse.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Seen {
  id: string;
  action: string;
  payload: any;
}

/**
 * The embedded CSMS recording every call, and a fleet running `yaml` as its scenario: one charge point
 * with one connector sampling every second, unless `profile` (merged over that) or `fleet` say otherwise.
 */
async function run(
  yaml: string,
  opts: { profile?: Partial<StationProfile>; fleet?: Partial<FleetConfig> } = {},
): Promise<{ csms: Csms; fleet: Fleet; seen: Seen[]; file: string }> {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const csms = await startCsms({ strict: true, heartbeatInterval: 30 });
  cleanups.push(() => csms.close());
  const seen: Seen[] = [];
  csms.onRequest = (id, action, payload) => {
    seen.push({ id, action, payload });
    return undefined;
  };
  const fleet = startTestFleet(csms.url, {
    count: 1,
    profile: { ...DEFAULT_PROFILE, connectors: DEFAULT_PROFILE.connectors.slice(0, 1), meterValueSampleInterval: 1, ...opts.profile },
    scenario: loadScenario(file),
    ...opts.fleet,
  });
  cleanups.push(() => fleet.stop());
  return { csms, fleet, seen, file };
}

const actions = (seen: Seen[], skip = ['Heartbeat', 'MeterValues']) => seen.filter((s) => !skip.includes(s.action)).map((s) => s.action);

describe('scenario interpreter', () => {
  it('runs a charging session step by step, twice, with passing expectations', async () => {
    const { csms, fleet, seen } = await run(`description: two sessions
steps:
  - repeat:
      times: 2
      steps:
        - plug
        - authorize: {idTag: "TAG\${n:03}", expect: Accepted}
        - start: {expect: Accepted}
        - charge: 1500ms
        - stop: {reason: EVDisconnected}
        - unplug
        - wait: 200ms
`);
    // Two sessions, each ending with the cable out: Available after boot and after each unplug.
    const available = () => seen.filter((x) => x.action === 'StatusNotification' && x.payload.connectorId === 1 && x.payload.status === 'Available').length;
    await until(() => csms.stats.transactions.stopped === 2 && available() === 3, 'two sessions', 10_000);
    fleet.refresh();
    expect(fleet.stats.total('expectationsPassed')).toBe(4);
    expect(fleet.stats.total('expectationsFailed')).toBe(0);
    const flow = actions(seen).filter((a) => a !== 'BootNotification');
    const session = ['StatusNotification', 'Authorize', 'StartTransaction', 'StatusNotification', 'StopTransaction', 'StatusNotification', 'StatusNotification'];
    // After boot: statuses of connectors 0 and 1, then the session twice (Preparing, Charging, Finishing, Available).
    expect(flow).toEqual(['StatusNotification', 'StatusNotification', ...session, ...session]);
    const starts = seen.filter((s) => s.action === 'StartTransaction');
    expect(starts.map((s) => s.payload.idTag)).toEqual(['TAG001', 'TAG001']);
    const stops = seen.filter((s) => s.action === 'StopTransaction');
    expect(stops.map((s) => s.payload.reason)).toEqual(['EVDisconnected', 'EVDisconnected']);
    expect(seen.some((s) => s.action === 'MeterValues' && s.payload.transactionId !== undefined)).toBe(true);
  });

  it('records a failed expectation with the charge point, connector, file:line and expected vs got', async () => {
    const { fleet, file } = await run(`description: blocked tags
steps:
  - authorize: {idTag: BLOCKED-1, expect: Blocked}
  - authorize: {idTag: BLOCKED-2, expect: Accepted}
`);
    await until(() => (fleet.refresh(), fleet.stats.total('expectationsPassed') + fleet.stats.total('expectationsFailed')) === 2, 'both expectations');
    expect(fleet.stats.total('expectationsPassed')).toBe(1);
    expect(fleet.stats.total('expectationsFailed')).toBe(1);
    expect(fleet.stats.problems).toContainEqual(`TEST001 connector 1: ${relative(process.cwd(), file)}:4:5: authorize: expected Accepted, got Blocked`);
  });

  it('goes offline while charging, queues the transaction messages and delivers them on reconnect', async () => {
    const { csms, fleet, seen } = await run(`description: offline while charging
steps:
  - plug
  - start
  - charge: 500ms
  - disconnect: 2s
  - stop
  - unplug
`);
    await until(() => csms.stats.transactions.stopped === 1, 'the stop after reconnecting', 10_000);
    fleet.refresh();
    expect(fleet.stats.total('reconnects')).toBe(1);
    expect(csms.stats.boots).toBe(1); // a reconnect, not a reboot
    const txMeter = seen.filter((s) => s.action === 'MeterValues' && s.payload.transactionId !== undefined);
    // Samples every second: those taken while offline arrive after the reconnect, none lost.
    expect(txMeter.length).toBeGreaterThanOrEqual(2);
    const stop = seen.find((s) => s.action === 'StopTransaction')!;
    expect(stop.payload.meterStop).toBeGreaterThan(0);
  });

  it('with disconnect wait: false, a whole session happens offline and is delivered in order on reconnect', async () => {
    const { csms, seen } = await run(`description: offline session
steps:
  - disconnect: {for: 2s, wait: false}
  - plug
  - start: {idTag: OFFLINE1}
  - charge: 1200ms
  - stop: {reason: Local}
  - unplug
`);
    await until(() => csms.stats.transactions.stopped === 1, 'the offline session after reconnecting', 10_000);
    const tx = seen.filter((s) => ['StartTransaction', 'MeterValues', 'StopTransaction'].includes(s.action) && (s.action !== 'MeterValues' || s.payload.transactionId !== undefined));
    // StartTransaction first, its MeterValues, then StopTransaction: the order in which they happened.
    expect(tx[0].action).toBe('StartTransaction');
    expect(tx.at(-1)!.action).toBe('StopTransaction');
    const start = tx[0].payload;
    const stop = tx.at(-1)!.payload;
    expect(start.idTag).toBe('OFFLINE1');
    // Timestamps are when things happened (offline), not when they were delivered.
    const took = Date.parse(stop.timestamp) - Date.parse(start.timestamp);
    expect(took).toBeGreaterThanOrEqual(1100);
    expect(took).toBeLessThan(2000);
  });

  it('--speed compresses the local side: waits and charging run faster and energy follows simulated time', async () => {
    // The EV's power for 60 simulated seconds at 60× speed: a second of wall-clock time, a minute's energy.
    const { csms, seen } = await run(
      `description: an hour of charging
steps:
  - plug
  - start
  - charge: 60s
  - stop
`,
      { profile: { meterValueSampleInterval: 0 }, fleet: { speed: 60 } },
    );
    const t0 = Date.now();
    await until(() => csms.stats.transactions.stopped === 1, 'the compressed session', 10_000);
    expect(Date.now() - t0).toBeLessThan(5000);
    const start = seen.find((s) => s.action === 'StartTransaction')!.payload;
    const stop = seen.find((s) => s.action === 'StopTransaction')!.payload;
    const minuteWh = Math.min(DEFAULT_PROFILE.connectors[0].maxPowerW, DEFAULT_DRIVER.evMaxPowerW) / 60;
    expect(stop.meterStop - start.meterStart).toBeGreaterThan(minuteWh * 0.9);
    expect(stop.meterStop - start.meterStart).toBeLessThan(minuteWh * 1.1);
  });

  it('answers CSMS calls as the scenario says: a payload, a CALLERROR, late, or not at all', async () => {
    const { csms, fleet } = await run(`description: fault injection
connectors: [1]
steps:
  - respond: {action: RemoteStartTransaction, with: {status: Rejected}}
  - respond: {action: ClearCache, error: GenericError}
  - respond: {action: DataTransfer, delay: 700ms, default: true}
  - respond: {action: UnlockConnector, timeout: true}
  - wait: 1h
`);
    await until(() => csms.stats.booted === 1, 'the boot');
    await new Promise((r) => setTimeout(r, 100)); // the rules are set right after the boot
    expect(await csms.call('TEST001', 'RemoteStartTransaction', { idTag: 'X', connectorId: 1 })).toEqual({ status: 'Rejected' });
    expect(fleet.shards![0].stations[0].connectors[1].tx).toBeNull(); // answered, not acted on
    await expect(csms.call('TEST001', 'ClearCache', {})).rejects.toMatchObject({ code: 'GenericError' });
    const t0 = Date.now();
    expect(await csms.call('TEST001', 'DataTransfer', { vendorId: 'ocpp-sim' })).toEqual({ status: 'Accepted' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(650);
    await expect(csms.call('TEST001', 'UnlockConnector', { connectorId: 1 }, 800)).rejects.toMatchObject({ code: 'Timeout' });
  });

  it('a delayed answer still goes first: what the call makes the charge point send follows it', async () => {
    const { csms } = await run(`description: slow trigger
connectors: [1]
steps:
  - respond: {action: TriggerMessage, delay: 500ms, default: true}
  - wait: 1h
`);
    await until(() => csms.stats.booted === 1, 'the boot');
    await new Promise((r) => setTimeout(r, 100));
    let heartbeatAt = 0;
    csms.onRequest = (_id, action) => void (action === 'Heartbeat' && (heartbeatAt ||= Date.now()));
    const t0 = Date.now();
    expect(await csms.call('TEST001', 'TriggerMessage', { requestedMessage: 'Heartbeat' })).toEqual({ status: 'Accepted' });
    await until(() => heartbeatAt > 0, 'the triggered Heartbeat');
    // Not sent while the answer was held back: it follows the answer, 500 ms after the call.
    expect(heartbeatAt - t0).toBeGreaterThanOrEqual(450);
  });

  it('expects a call from the CSMS within a time: passes when it comes, fails when it does not', async () => {
    const { csms, fleet, file } = await run(`description: expect calls
connectors: [1]
steps:
  - expect: {call: GetConfiguration, within: 5s}
  - expect: {call: SetChargingProfile, within: 500ms}
  - wait: 1h
`);
    await until(() => csms.stats.booted === 1, 'the boot');
    await csms.call('TEST001', 'GetConfiguration', { key: ['HeartbeatInterval'] });
    await until(() => (fleet.refresh(), fleet.stats.total('expectationsFailed')) === 1, 'the missed SetChargingProfile');
    expect(fleet.stats.total('expectationsPassed')).toBe(1);
    expect(fleet.stats.problems).toContainEqual(`TEST001 connector 1: ${relative(process.cwd(), file)}:5:5: expect: no SetChargingProfile from the CSMS within 0.5 s`);
  });

  it('what a connector still waits for at the stop is pending: a CSMS call, an answer', async () => {
    const { csms, fleet, file } = await run(
      `description: waiting at the end
connectors: [1, 2]
steps:
  - expect: {call: GetConfiguration, within: 10m}
  - authorize: {idTag: "TAG-\${connector}", expect: Accepted}
  - wait: 1h
`,
      { profile: { connectors: DEFAULT_PROFILE.connectors } },
    );
    await until(() => csms.stats.booted === 1, 'the boot');
    fleet.refresh();
    expect(fleet.stats.total('expectationsPending')).toBe(0);
    // Both connectors wait for the same call, so one GetConfiguration passes both; then both wait
    // for an Authorize answer: one in flight that the CSMS never answers, one queued behind it.
    csms.onRequest = (_id, action) => (action === 'Authorize' ? NO_REPLY : undefined);
    await csms.call('TEST001', 'GetConfiguration', { key: ['HeartbeatInterval'] });
    await until(() => csms.stats.received.Authorize === 1, 'the first Authorize');
    await fleet.stop(); // before the 2 s call timeout would fail it
    const named = relative(process.cwd(), file);
    expect(fleet.stats.total('expectationsPassed')).toBe(2);
    expect(fleet.stats.total('expectationsFailed')).toBe(0);
    expect(fleet.stats.total('expectationsPending')).toBe(2);
    expect(fleet.stats.expectationSites()).toEqual([
      { site: `${named}:4:5`, label: 'expect call GetConfiguration within 600s', passed: 2, failed: 0, pending: 0 },
      { site: `${named}:5:5`, label: 'authorize expect Accepted', passed: 0, failed: 0, pending: 2 },
    ]);
  });

  it('a connector still waiting for a CSMS call at the stop is pending at that site', async () => {
    const { csms, fleet, file } = await run(`description: never called
connectors: [1]
steps:
  - expect: {call: RemoteStartTransaction, within: 10m}
  - wait: 1h
`);
    await until(() => csms.stats.booted === 1, 'the boot');
    await fleet.stop();
    expect(fleet.stats.total('expectationsPending')).toBe(1);
    expect(fleet.stats.expectationSites()).toEqual([
      { site: `${relative(process.cwd(), file)}:4:5`, label: 'expect call RemoteStartTransaction within 600s', passed: 0, failed: 0, pending: 1 },
    ]);
  });

  it('the built-in remote-start-stop scenario: the CSMS starts and stops a waiting EV', async () => {
    const csms = await startCsms({ strict: true, heartbeatInterval: 30 });
    cleanups.push(() => csms.close());
    const fleet = startTestFleet(csms.url, { count: 1, scenario: loadScenario('remote-start-stop') });
    cleanups.push(() => fleet.stop());
    const plugged = () => fleet.shards![0].stations[0].connectors[1].status === 'Preparing';
    await until(() => csms.stats.booted === 1 && plugged(), 'the EV waiting');
    expect(await csms.call('TEST001', 'RemoteStartTransaction', { idTag: 'APP-1', connectorId: 1 })).toEqual({ status: 'Accepted' });
    await until(() => csms.stats.transactions.active === 1, 'the remote start');
    const tx = fleet.shards![0].stations[0].connectors[1].tx!;
    await until(() => tx.id !== null, 'its transactionId');
    expect(await csms.call('TEST001', 'RemoteStopTransaction', { transactionId: Number(tx.id) })).toEqual({ status: 'Accepted' });
    await until(() => csms.stats.transactions.stopped === 1, 'the remote stop');
    fleet.refresh();
    expect(fleet.stats.total('expectationsPassed')).toBe(2);
    expect(fleet.stats.total('expectationsFailed')).toBe(0);
  });

  it('picks idTags from a file next to the scenario', async () => {
    writeFileSync(join(dir, 'tags.txt'), '# fleet cards\nCARD-A\n\nCARD-B\n');
    const { csms, seen } = await run(`description: tags from a file
connectors: [1]
steps:
  - repeat:
      times: 6
      steps:
        - authorize: {idTagsFile: tags.txt, expect: Accepted}
  - wait: 1h
`);
    await until(() => seen.filter((x) => x.action === 'Authorize').length === 6, 'six authorizations');
    const tags = new Set(seen.filter((x) => x.action === 'Authorize').map((x) => x.payload.idTag));
    for (const t of tags) expect(['CARD-A', 'CARD-B']).toContain(t);
    expect(csms.stats.received.Authorize).toBe(6);
  });

  it('faults and recovers, sends raw messages, and still answers the CSMS meanwhile', async () => {
    const { csms, fleet, seen } = await run(`description: fault and raw send
steps:
  - fault: {errorCode: GroundFailure}
  - send: {action: DataTransfer, payload: {vendorId: "acme-\${id}"}, expect: UnknownVendorId}
  - wait: 1s
  - recover
  - wait: 1h
`);
    await until(() => seen.some((s) => s.action === 'DataTransfer'), 'the raw DataTransfer');
    const faulted = seen.find((s) => s.action === 'StatusNotification' && s.payload.status === 'Faulted')!;
    expect(faulted.payload).toMatchObject({ connectorId: 1, errorCode: 'GroundFailure' });
    expect(seen.find((s) => s.action === 'DataTransfer')!.payload).toEqual({ vendorId: 'acme-TEST001' });
    // A remote start on the faulted connector is refused; the scenario does not disable the protocol.
    expect(await csms.call('TEST001', 'RemoteStartTransaction', { idTag: 'X', connectorId: 1 })).toEqual({ status: 'Rejected' });
    await until(() => seen.filter((s) => s.action === 'StatusNotification' && s.payload.connectorId === 1).length >= 3, 'the recovery');
    expect(seen.filter((s) => s.action === 'StatusNotification' && s.payload.connectorId === 1).at(-1)!.payload).toMatchObject({ status: 'Available', errorCode: 'NoError' });
    fleet.refresh();
    expect(fleet.stats.total('expectationsPassed')).toBe(1);
  });
});

describe('scenario reboot (power loss)', () => {
  // Regression: the power loss sent StopTransaction and dropped the link before its answer, so the
  // same StopTransaction went out again after the reboot. A charge point without power sends
  // nothing: the StopTransaction (PowerLoss) follows the new BootNotification, once.
  it('sends StopTransaction PowerLoss once, after the reboot and its BootNotification', async () => {
    const { csms, seen } = await run(`description: power loss while charging
steps:
  - plug
  - start: {expect: Accepted}
  - charge: 300ms
  - reboot
  - wait: 1h
`);
    await until(() => csms.stats.transactions.stopped === 1 && seen.filter((s) => s.action === 'BootNotification').length === 2, 'the stop after the reboot', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    const flow = actions(seen);
    const stops = seen.filter((s) => s.action === 'StopTransaction');
    expect(stops).toHaveLength(1);
    expect(stops[0].payload.reason).toBe('PowerLoss');
    expect(flow.indexOf('StopTransaction')).toBeGreaterThan(flow.lastIndexOf('BootNotification'));
  });
});

describe('scenario unplug with StopTransactionOnEVSideDisconnect false', () => {
  // Regression: the unplug left the transaction open but reported the connector Available (and
  // idle), a state no CSMS can place: an open transaction on a free connector.
  it('keeps the transaction open as SuspendedEV without energy, resumes on plug, stops on request', async () => {
    const { csms, seen } = await run(
      `description: cable out mid-session
steps:
  - plug
  - start: {expect: Accepted}
  - charge: 300ms
  - unplug
  - wait: 1500ms
  - plug
  - charge: 300ms
  - stop: {reason: Local}
  - unplug
  - wait: 1h
`,
      { profile: { configuration: { ...DEFAULT_PROFILE.configuration, StopTransactionOnEVSideDisconnect: { value: 'false', readonly: false } } } },
    );
    await until(() => csms.stats.transactions.stopped === 1, 'the stop', 10_000);
    await until(() => seen.filter((s) => s.action === 'StatusNotification' && s.payload.connectorId === 1).at(-1)?.payload.status === 'Available', 'the final unplug');
    const statuses = seen.filter((s) => s.action === 'StatusNotification' && s.payload.connectorId === 1).map((s) => s.payload.status);
    expect(statuses).toEqual(['Available', 'Preparing', 'Charging', 'SuspendedEV', 'Charging', 'Finishing', 'Available']);
    const stop = seen.find((s) => s.action === 'StopTransaction')!;
    expect(stop.payload.reason).toBe('Local');
    // No energy while the EV was away: the samples taken meanwhile show no power.
    const suspendedAt = seen.findIndex((s) => s.action === 'StatusNotification' && s.payload.status === 'SuspendedEV');
    const resumedAt = seen.findIndex((s, i) => i > suspendedAt && s.action === 'StatusNotification' && s.payload.status === 'Charging');
    const away = seen.slice(suspendedAt + 1, resumedAt).filter((s) => s.action === 'MeterValues' && s.payload.transactionId !== undefined);
    expect(away.length).toBeGreaterThan(0);
    for (const m of away) {
      const power = m.payload.meterValue[0].sampledValue.find((v: any) => v.measurand === 'Power.Active.Import');
      expect(Number(power.value)).toBe(0);
    }
  });
});

describe('scenario calls the strict charge point refuses to send', () => {
  // Regression: with --strict an invalid message was refused but nobody was told, so the step that
  // made it (a raw send, an authorize with a too-long expanded idTag) waited forever.
  it('a refused send or authorize fails its step, and the scenario goes on', async () => {
    const { fleet, seen } = await run(`description: invalid messages under --strict
steps:
  - send: {action: Authorize, payload: {idTag: "AN-IDTAG-FAR-TOO-LONG-FOR-OCPP"}, expect: Failed}
  - authorize: {idTag: "\${id}-WITH-A-LONG-SUFFIX", expect: Accepted}
  - send: {action: DataTransfer, payload: {vendorId: "after"}, expect: UnknownVendorId}
  - wait: 1h
`);
    await until(() => seen.some((s) => s.action === 'DataTransfer'), 'the step after the refused ones');
    expect(seen.filter((s) => s.action === 'Authorize')).toEqual([]);
    await until(() => (fleet.refresh(), fleet.stats.total('expectationsPassed') + fleet.stats.total('expectationsFailed')) === 3, 'all three expectations');
    expect(fleet.stats.total('expectationsPassed')).toBe(2);
    expect(fleet.stats.total('expectationsFailed')).toBe(1); // the authorize: expected Accepted, got Failed
    expect(fleet.stats.problems.some((p) => p.includes('authorize: expected Accepted, got Failed'))).toBe(true);
  });
});

describe('scenario fault during a transaction', () => {
  // Regression: a connector kept delivering energy while Faulted ("not available for energy delivery", §7.7).
  it('no energy flows while Faulted; it resumes on recover', async () => {
    const { csms, seen } = await run(`description: fault mid-session
steps:
  - plug
  - start: {expect: Accepted}
  - charge: 500ms
  - fault: {errorCode: OverCurrentFailure}
  - wait: 2500ms
  - recover
  - charge: 1500ms
  - stop
  - wait: 1h
`);
    await until(() => csms.stats.transactions.stopped === 1, 'the stop', 10_000);
    const at = (status: string) => seen.findIndex((s) => s.action === 'StatusNotification' && s.payload.connectorId === 1 && s.payload.status === status);
    const faulted = at('Faulted');
    const recovered = seen.findIndex((s, i) => i > faulted && s.action === 'StatusNotification' && s.payload.status === 'Charging');
    expect(seen[faulted].payload.errorCode).toBe('OverCurrentFailure');
    const reading = (s: Seen, m: string) => Number(s.payload.meterValue[0].sampledValue.find((v: any) => v.measurand === m).value);
    const during = seen.slice(faulted + 1, recovered).filter((s) => s.action === 'MeterValues' && s.payload.transactionId !== undefined);
    expect(during.length).toBeGreaterThanOrEqual(1);
    for (const m of during) expect(reading(m, 'Power.Active.Import')).toBe(0);
    expect(new Set(during.map((m) => reading(m, 'Energy.Active.Import.Register'))).size).toBe(1);
    const after = seen.slice(recovered + 1).filter((s) => s.action === 'MeterValues' && s.payload.transactionId !== undefined);
    expect(after.some((m) => reading(m, 'Power.Active.Import') > 0)).toBe(true);
  });
});
