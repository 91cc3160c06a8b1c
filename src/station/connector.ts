/**
 * A connector's plain state, its transaction record, and the OCPP 1.6 status transition table
 * (OCPP 1.6 §4.9, the StatusNotification transition table A1…I8), shared by every connector.
 */

export type ConnectorStatus =
  | 'Available'
  | 'Preparing'
  | 'Charging'
  | 'SuspendedEV'
  | 'SuspendedEVSE'
  | 'Finishing'
  | 'Reserved'
  | 'Unavailable'
  | 'Faulted';

/**
 * Allowed transitions for connectors > 0, from the 1.6 table. Entries absent from a row are marked
 * "–" (impossible) in the specification. Connector 0 only ever reports Available, Unavailable or
 * Faulted (OCPP 1.6 §4.9, "ChargePointStatus" for connectorId 0).
 */
const TRANSITIONS: Readonly<Record<ConnectorStatus, readonly ConnectorStatus[]>> = {
  Available: ['Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Reserved', 'Unavailable', 'Faulted'],
  Preparing: ['Available', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Faulted'],
  Charging: ['Available', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Unavailable', 'Faulted'],
  SuspendedEV: ['Available', 'Charging', 'SuspendedEVSE', 'Finishing', 'Unavailable', 'Faulted'],
  SuspendedEVSE: ['Available', 'Charging', 'SuspendedEV', 'Finishing', 'Unavailable', 'Faulted'],
  Finishing: ['Available', 'Preparing', 'Unavailable', 'Faulted'],
  Reserved: ['Available', 'Preparing', 'Unavailable', 'Faulted'],
  Unavailable: ['Available', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Faulted'],
  Faulted: ['Available', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved', 'Unavailable'],
};

const CONNECTOR_ZERO: readonly ConnectorStatus[] = ['Available', 'Unavailable', 'Faulted'];

/** True when the 1.6 table allows `from → to` on this connector. */
export function canTransition(connectorId: number, from: ConnectorStatus, to: ConnectorStatus): boolean {
  if (connectorId === 0) return CONNECTOR_ZERO.includes(to) && from !== to;
  return TRANSITIONS[from].includes(to);
}

import type { ConnectorSpec } from './profile.js';

/** What the (simulated) driver and EV are doing at this connector. */
export const enum Phase {
  /** Nobody here; waiting for the next arrival. */
  Idle,
  /** Cable plugged in, waiting for authorization. */
  Plugged,
  /** Authorize sent, waiting for its answer. */
  Authorizing,
  /** StartTransaction queued, the session is starting or running. */
  Charging,
  /** The session ended; cable still plugged. */
  Finished,
}

/** What a scenario step on this connector is waiting for. */
export const enum Await {
  Nothing,
  Authorize,
  Start,
  Send,
  /** A call from the CSMS (scenario `expect: {call}`), until phaseUntil. */
  Call,
}

/** One charging transaction. Kept until its StopTransaction is confirmed (messages may be queued). */
export class Transaction {
  /** Assigned by the CSMS in StartTransaction.conf; null until then (offline start). */
  transactionId: number | null = null;
  /** The reservation this transaction fulfils (StartTransaction.reservationId, OCPP 1.6 §5.13). */
  reservationId: number | undefined = undefined;
  stopped = false;
  meterStop = 0;
  stoppedAt = 0;
  constructor(
    readonly connectorId: number,
    readonly idTag: string,
    readonly meterStart: number,
    readonly startedAt: number,
  ) {}
}

export class Connector {
  status: ConnectorStatus = 'Available';
  /** The last status the CSMS confirmed receiving; differs while offline. */
  reportedStatus: ConnectorStatus | null = null;
  errorCode = 'NoError';
  /** Operative unless ChangeAvailability made it Inoperative. */
  operative = true;
  /** A ChangeAvailability that answered Scheduled and waits for the transaction to end. */
  scheduledOperative: boolean | null = null;

  phase: Phase = Phase.Idle;
  /** When the driver's current phase ends (absolute ms). */
  phaseUntil = Infinity;
  idTag = '';
  tx: Transaction | null = null;
  /**
   * Cars that have come to this connector so far; the current one's number. The random decisions
   * about a car (its idTag, state of charge, session length, the idle time after it) are keyed by it
   * (util/random.ts), so they do not depend on when answers arrive.
   */
  car = 0;

  // A scenario's program on this connector (src/scenario/interpreter.ts): where it is, its loop
  // registers and draw counters (allocated on first use), and which answer it waits for.
  pc = 0;
  loops: Float64Array | null = null;
  awaiting = Await.Nothing;
  /** The status to return to when a fault clears. */
  statusBeforeFault: ConnectorStatus = 'Available';

  /** Energy register (Wh); only ever grows. */
  energyWh: number;
  /** Present power (W) and the time the register was last brought up to date. */
  powerW = 0;
  meterAt = 0;
  /** The limit (W) smart charging sets now (OCPP 1.6 §3.13; kept by ocpp16/smart-charging); Infinity = none. */
  limitW = Infinity;
  /** This outlet's share of a power cabinet (profile powerSharing; set by Station.sharePower); Infinity = none. */
  shareW = Infinity;
  /** The EV's state of charge (0…1) and battery (Wh), while one is plugged in. */
  soc = 0;
  evBatteryWh = 0;
  evMaxPowerW = 0;

  constructor(
    readonly id: number,
    registerStartWh: number,
    /** The outlet's hardware (shared with every charge point of the model); null for connector 0. */
    readonly spec: ConnectorSpec | null = null,
  ) {
    this.energyWh = registerStartWh;
  }
}
