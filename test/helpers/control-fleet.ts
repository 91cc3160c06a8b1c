/**
 * Test helper for the control API's clients (ctl, mcp, the page): an embedded strict CSMS that records
 * every CALL it receives, a small in-process test fleet against it, and the fleet's control server on
 * a free loopback port with a known token.
 */
import { startCsms, type Csms } from '../../src/csms/server.js';
import { startControlServer, type ControlServer } from '../../src/control/server.js';
import type { Fleet, FleetConfig } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER } from '../../src/station/profile.js';
import { startTestFleet, until } from './fleet.js';

export interface Received {
  identity: string;
  action: string;
  payload: Record<string, unknown>;
}

export interface ControlledFleet {
  csms: Csms;
  fleet: Fleet;
  control: ControlServer;
  /** Every CALL the CSMS received, in order. */
  received: Received[];
  /** Answers the CSMS gives instead of its own, by action (e.g. a DataTransfer answer). */
  answers: Map<string, object>;
  close(): Promise<void>;
}

export const TEST_CONTROL_TOKEN = 'test-control-token-0123456789';

/**
 * A fleet of `count` (identities TEST001…) with a control port, resolved once every charge point booted.
 * Its drivers idle for an hour, so connectors change only when a test acts on them.
 */
export async function controlledFleet(count: number, overrides: Partial<FleetConfig> = {}): Promise<ControlledFleet> {
  const csms = await startCsms({ strict: true, heartbeatInterval: 30 });
  const received: Received[] = [];
  const answers = new Map<string, object>();
  csms.onRequest = (identity, action, payload) => {
    received.push({ identity, action, payload });
    return answers.get(action);
  };
  const fleet = startTestFleet(csms.url, { count, driver: { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600 }, ...overrides });
  const started = Date.now();
  const control = await startControlServer({ fleet, port: 0, token: TEST_CONTROL_TOKEN, fleetSizes: [count], startedAt: () => started });
  await until(() => new Set(received.filter((r) => r.action === 'BootNotification').map((r) => r.identity)).size === count, `${count} boots`, 10_000);
  return {
    csms,
    fleet,
    control,
    received,
    answers,
    async close() {
      await control.close().catch(() => {});
      await fleet.stop().catch(() => {});
      await csms.close().catch(() => {});
    },
  };
}
