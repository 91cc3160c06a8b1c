/**
 * Test helpers: a small fleet configuration with fast timings, run in-process (workers: 0) so tests
 * drive real sockets without worker threads, and a poll-until helper.
 */
import { startCsms, type Csms } from '../../src/csms/server.js';
import { startFleet, type Fleet, type FleetConfig } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE } from '../../src/station/profile.js';
import { DEFAULT_QUEUE_LIMIT } from '../../src/station/outbound.js';

export function testFleetConfig(csmsUrl: string, overrides: Partial<FleetConfig> = {}): FleetConfig {
  return {
    csmsUrl,
    idPrefix: 'TEST',
    idStart: 1,
    idWidth: 3,
    count: 3,
    workers: 0,
    profile: { ...DEFAULT_PROFILE, meterValueSampleInterval: 1 },
    driver: { ...DEFAULT_DRIVER, idleMinS: 0.2, idleMaxS: 0.5, sessionMinS: 1.5, sessionMaxS: 2 },
    options: {
      callTimeoutMs: 2000,
      connectTimeoutMs: 2000,
      strict: true,
      reconnect: { initialMs: 100, maxMs: 500 },
      bootRetryMs: 300,
      softResetDrainMs: 300,
      queueLimit: DEFAULT_QUEUE_LIMIT,
      rebootDelayMs: 200,
    },
    seed: 7,
    rampPerSec: 0,
    stopTimeoutMs: 3000,
    ...overrides,
  };
}

export function startTestFleet(csmsUrl: string, overrides: Partial<FleetConfig> = {}): Fleet {
  return startFleet(testFleetConfig(csmsUrl, overrides));
}

/** Polls `check` every 20 ms until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * An embedded CSMS (strict, heartbeat 1 s) and a test fleet against it, both stopped after the test by
 * the caller's `cleanups` (run them in afterEach, last first). `fleet.stop()` may be awaited in the test.
 */
export async function embeddedCsmsAndFleet(
  cleanups: (() => Promise<unknown>)[],
  count: number,
  overrides: Partial<FleetConfig> = {},
): Promise<{ csms: Csms; fleet: Fleet }> {
  const csms = await startCsms({ strict: true, heartbeatInterval: 1 });
  cleanups.push(() => csms.close());
  const fleet = startTestFleet(csms.url, { count, ...overrides });
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await fleet.stop();
  });
  const stop = fleet.stop.bind(fleet);
  fleet.stop = async () => {
    stopped = true;
    await stop();
  };
  return { csms, fleet };
}
