/**
 * The fleet against hostile CSMSs (small scripted servers on loopback): what a charge point keeps,
 * drops, retries and counts when the CSMS closes sockets, never answers, answers late or refuses with
 * odd error codes. Issue #10: nothing lost in silence, backoff that grows, a floor under retries.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionSummary } from '../../src/metrics/fleet-stats.js';
import type { Fleet, FleetConfig } from '../../src/scheduler/fleet.js';
import { stationLog } from '../../src/station/log.js';
import { DEFAULT_PROFILE } from '../../src/station/profile.js';
import { startTestFleet, testFleetConfig, until } from '../helpers/fleet.js';
import { startScriptedCsms, type ScriptedCsms, type ScriptedCsmsOptions } from '../helpers/scripted-csms.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp(csmsOpts: ScriptedCsmsOptions, fleet: Partial<FleetConfig> = {}): Promise<{ csms: ScriptedCsms; fleet: Fleet }> {
  const csms = await startScriptedCsms(csmsOpts);
  cleanups.push(() => csms.close());
  const f = startTestFleet(csms.url, fleet);
  let stopped = false;
  const stop = f.stop.bind(f);
  f.stop = async () => {
    if (stopped) return;
    stopped = true;
    await stop();
  };
  cleanups.push(() => f.stop());
  return { csms, fleet: f };
}

function action(fleet: Fleet, name: string): ActionSummary | undefined {
  fleet.refresh();
  return fleet.stats.actions().find((a) => a.action === name);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('transaction messages are delivered or counted, never lost in silence', () => {
  it('a CSMS that closes the socket on every StartTransaction: what is left at the end is counted as undelivered', async () => {
    const { fleet } = await setUp({ script: (c) => (c.action === 'StartTransaction' ? 'close' : undefined) }, { count: 2, stopTimeoutMs: 800 });
    await until(() => (action(fleet, 'StartTransaction')?.sent ?? 0) >= 2, 'StartTransactions sent', 8000);
    await sleep(500);
    await fleet.stop();
    fleet.refresh();
    const start = action(fleet, 'StartTransaction')!;
    expect(start.undelivered).toBeGreaterThanOrEqual(1);
    // Nothing was confirmed, so nothing counts as delivered, and the stop says it ran out of time.
    expect(fleet.stats.total('transactionsCompleted')).toBe(0);
    expect(fleet.stats.total('stopUnfinished')).toBeGreaterThanOrEqual(1);
  });

  it('a full queue drops the oldest MeterValues first, counted per action, and keeps Start/StopTransaction', async () => {
    // The CSMS never answers MeterValues: they pile up behind the one outstanding call.
    const { csms, fleet } = await setUp(
      { script: (c) => (c.action === 'MeterValues' ? 'ignore' : undefined) },
      {
        count: 1,
        profile: { ...DEFAULT_PROFILE, meterValueSampleInterval: 1, connectors: DEFAULT_PROFILE.connectors.slice(0, 1) },
        driver: { ...testFleetConfig('').driver, idleMinS: 0.1, idleMaxS: 0.1, sessionMinS: 60, sessionMaxS: 60 },
        options: { ...testFleetConfig('').options, queueLimit: 3, callTimeoutMs: 60_000 },
        stopTimeoutMs: 300,
      },
    );
    await until(() => (action(fleet, 'MeterValues')?.dropped ?? 0) >= 2, 'MeterValues dropped from the full queue', 10_000);
    const st = fleet.shards![0].stations[0];
    expect(st.queue.length).toBeLessThanOrEqual(3);
    expect(action(fleet, 'StartTransaction')?.dropped ?? 0).toBe(0);
    expect(csms.calls.filter((c) => c.action === 'StartTransaction')).toHaveLength(1);
    await fleet.stop();
    // The StopTransaction queued at the end is still there (undelivered), not dropped for a MeterValues.
    expect(action(fleet, 'StopTransaction')?.dropped ?? 0).toBe(0);
    expect(action(fleet, 'StopTransaction')?.undelivered).toBe(1);
  });

  it('MeterValues and StopTransaction of a transaction the CSMS never confirmed are counted as dropped', async () => {
    const { fleet } = await setUp(
      { script: (c) => (c.action === 'StartTransaction' ? { error: 'InternalError' } : undefined) },
      {
        count: 1,
        profile: { ...DEFAULT_PROFILE, meterValueSampleInterval: 1, connectors: DEFAULT_PROFILE.connectors.slice(0, 1), configuration: { TransactionMessageAttempts: { value: '1' } } },
        driver: { ...testFleetConfig('').driver, sessionMinS: 1.5, sessionMaxS: 1.5 },
      },
    );
    await until(() => (action(fleet, 'StopTransaction')?.dropped ?? 0) >= 1, 'the orphaned StopTransaction dropped', 8000);
  });
});

describe('reconnects and retries', () => {
  it('a CSMS that closes every connection at once meets a growing backoff, counted as early closes', async () => {
    const { csms, fleet } = await setUp({ closeOnOpen: true }, { count: 1, options: { ...testFleetConfig('').options, reconnect: { initialMs: 400, maxMs: 10_000 } } });
    await until(() => (csms.opens.get('TEST001')?.length ?? 0) >= 4, 'four connections', 15_000);
    const opens = csms.opens.get('TEST001')!;
    const gaps = opens.slice(1).map((t, i) => t - opens[i]);
    // 400, 800, 1600 ms ± 25 % jitter (plus a handshake each, slower on a loaded machine): each gap
    // clearly longer than the one before.
    for (let i = 1; i < gaps.length; i++) expect(gaps[i], `gaps ${gaps.join(', ')}`).toBeGreaterThan(gaps[i - 1] * 1.2);
    fleet.refresh();
    expect(fleet.stats.total('earlyCloses')).toBeGreaterThanOrEqual(3);
  });

  it('a connection that proved itself (boot accepted) starts the backoff again from its initial delay', async () => {
    let first = true;
    const { csms } = await setUp(
      {
        script: (c) => {
          if (c.action !== 'StatusNotification' || !first) return undefined;
          first = false;
          return 'close'; // one drop after a boot was accepted on the connection
        },
      },
      { count: 1, options: { ...testFleetConfig('').options, reconnect: { initialMs: 100, maxMs: 5000 } } },
    );
    await until(() => (csms.opens.get('TEST001')?.length ?? 0) >= 2, 'a reconnect', 5000);
    const [a, b] = csms.opens.get('TEST001')!;
    expect(b - a).toBeLessThan(1000);
  });

  it('a BootNotification Rejected with interval 0 and a retry interval of 0 is retried at most once a second', async () => {
    const { csms } = await setUp(
      { script: (c) => (c.action === 'BootNotification' ? { result: { status: 'Rejected', currentTime: new Date().toISOString(), interval: 0 } } : undefined) },
      { count: 2, options: { ...testFleetConfig('').options, bootRetryMs: 0 } },
    );
    await sleep(2500);
    const boots = csms.calls.filter((c) => c.action === 'BootNotification' && c.identity === 'TEST001');
    expect(boots.length).toBeGreaterThanOrEqual(2);
    expect(boots.length).toBeLessThanOrEqual(4);
  });

  it('a transaction message whose retry interval is 0 is not retried faster than once a second', async () => {
    const { csms } = await setUp(
      { script: (c) => (c.action === 'StartTransaction' ? { error: 'InternalError' } : undefined) },
      {
        count: 1,
        profile: { ...DEFAULT_PROFILE, connectors: DEFAULT_PROFILE.connectors.slice(0, 1), configuration: { TransactionMessageRetryInterval: { value: '0' }, TransactionMessageAttempts: { value: '5' } } },
      },
    );
    await until(() => csms.calls.some((c) => c.action === 'StartTransaction'), 'a StartTransaction', 5000);
    await sleep(2000);
    expect(csms.calls.filter((c) => c.action === 'StartTransaction').length).toBeLessThanOrEqual(3);
  });
});

describe('what the CSMS answers is counted as what it is', () => {
  it('an answer that comes after the call timed out is a late answer with its latency, not a bad frame', async () => {
    const { fleet } = await setUp(
      { script: (c) => (c.action === 'DataTransfer' ? { result: { status: 'Accepted' }, delayMs: 900 } : undefined) },
      {
        count: 1,
        profile: { ...DEFAULT_PROFILE, bootDataTransfer: { vendorId: 'sim' } },
        options: { ...testFleetConfig('').options, callTimeoutMs: 300 },
      },
    );
    await until(() => (action(fleet, 'DataTransfer')?.lateAnswers ?? 0) >= 1, 'the late DataTransfer answer', 5000);
    const dt = action(fleet, 'DataTransfer')!;
    expect(dt.timeouts).toBe(1);
    expect(dt.maxMs).toBeGreaterThanOrEqual(800);
    expect(fleet.stats.total('badFrames')).toBe(0);
  });

  it('a CALLERROR code outside the OCPP 1.6 table is counted as a protocol violation; a 1.6 code is not', async () => {
    const { fleet } = await setUp(
      {
        script: (c) => (c.action === 'DataTransfer' ? { error: c.identity === 'TEST001' ? 'RpcFrameworkError' : 'FormationViolation' } : undefined),
      },
      { count: 2, profile: { ...DEFAULT_PROFILE, bootDataTransfer: { vendorId: 'sim' } } },
    );
    await until(() => (action(fleet, 'DataTransfer')?.callErrors ?? 0) >= 2, 'both CALLERRORs', 5000);
    expect(action(fleet, 'DataTransfer')!.badErrorCodes).toBe(1);
  });

  it('a notification kept like a transaction message but refused with NotImplemented is not sent again', async () => {
    const { csms } = await setUp(
      { script: (c) => (c.action === 'SecurityEventNotification' ? { error: 'NotImplemented' } : undefined) },
      // SecurityProfile 1: the charge point uses the security extension and reports StartupOfTheDevice.
      { count: 1, password: 'secret-password-1234', profile: { ...DEFAULT_PROFILE, configuration: { SecurityProfile: { value: '1' } } } },
    );
    await until(() => csms.calls.some((c) => c.action === 'SecurityEventNotification'), 'a SecurityEventNotification', 5000);
    await sleep(1500);
    expect(csms.calls.filter((c) => c.action === 'SecurityEventNotification')).toHaveLength(1);
  });

  it('calls of unknown actions are answered NotImplemented, named, and aggregated past a small cap', async () => {
    const { csms, fleet } = await setUp({}, { count: 1 });
    await until(() => csms.calls.some((c) => c.action === 'StatusNotification'), 'the boot', 5000);
    for (let i = 0; i < 30; i++) csms.send('TEST001', JSON.stringify([2, `u${i}`, `NoSuchAction${i}`, {}]));
    await until(() => csms.answers.length >= 30, '30 answers', 5000);
    expect(csms.answers.every((f) => f[0] === 4 && f[2] === 'NotImplemented')).toBe(true);
    fleet.refresh();
    const rows = fleet.stats.actions().filter((a) => a.unknownCalls > 0);
    expect(rows.length).toBeLessThanOrEqual(11);
    expect(rows.reduce((n, a) => n + a.unknownCalls, 0)).toBe(30);
    expect(rows.some((a) => a.action === '(other unknown actions)')).toBe(true);
    expect(fleet.stats.actions().reduce((n, a) => n + a.invalidCalls, 0)).toBe(0);
  });

  it('a triggered MeterValues on a charging connector names its transaction', async () => {
    const { csms } = await setUp(
      {},
      {
        count: 1,
        profile: { ...DEFAULT_PROFILE, connectors: DEFAULT_PROFILE.connectors.slice(0, 1) },
        driver: { ...testFleetConfig('').driver, idleMinS: 0.1, idleMaxS: 0.1, sessionMinS: 30, sessionMaxS: 30 },
      },
    );
    await until(() => csms.calls.some((c) => c.action === 'StartTransaction'), 'a transaction', 5000);
    await sleep(300);
    csms.send('TEST001', JSON.stringify([2, 't1', 'TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 1 }]));
    await until(() => csms.calls.some((c) => c.action === 'MeterValues' && c.payload.meterValue[0].sampledValue[0].context === 'Trigger'), 'the triggered MeterValues', 5000);
    const triggered = csms.calls.find((c) => c.action === 'MeterValues' && c.payload.meterValue[0].sampledValue[0].context === 'Trigger')!;
    const start = csms.calls.find((c) => c.action === 'StartTransaction')!;
    expect(triggered.payload.transactionId).toBeTypeOf('number');
    expect(triggered.payload.connectorId).toBe(1);
    expect(start).toBeDefined();
  });
});

describe('memory', () => {
  it("the charge points' log holds a bounded amount of text however large the CSMS's calls are", async () => {
    const { csms } = await setUp({}, { count: 1 });
    await until(() => csms.calls.some((c) => c.action === 'StatusNotification'), 'the boot', 5000);
    const data = 'd'.repeat(200_000);
    for (let i = 0; i < 300; i++) csms.send('TEST001', JSON.stringify([2, `dt${i}`, 'DataTransfer', { vendorId: 'sim', data }]));
    await until(() => csms.answers.length >= 300, '300 answers', 15_000);
    expect(stationLog.heldChars).toBeLessThanOrEqual(4 * 1024 * 1024);
  });
});

describe('energy', () => {
  it('is counted while it is delivered, not only when a transaction ends', async () => {
    const { fleet } = await setUp(
      {},
      {
        count: 2,
        profile: { ...DEFAULT_PROFILE, meterValueSampleInterval: 1 },
        driver: { ...testFleetConfig('').driver, idleMinS: 0.1, idleMaxS: 0.1, sessionMinS: 60, sessionMaxS: 60 },
      },
    );
    await until(() => {
      fleet.refresh();
      return fleet.stats.total('energyWh') > 0;
    }, 'energy counted', 6000);
    expect(fleet.stats.total('transactionsCompleted')).toBe(0);
  });
});
