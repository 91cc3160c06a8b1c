/**
 * A connector's plain state and its transaction record.
 */

/**
 * What a connector physically is doing: the states the core moves a connector through. They are
 * OCPP 1.6's ChargePointStatus, the finest of the versions; 2.0.1 reports a coarser ConnectorStatus
 * (Preparing, Charging, Suspended* and Finishing are all Occupied) and its chargingState, which its
 * dialect derives from these.
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

import type { StopCause } from './dialect.js';
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

/** One charging transaction. Kept until its end is confirmed by the CSMS (messages may be queued). */
export class Transaction {
  /**
   * Its id: the one the CSMS gives in its answer to the start (OCPP 1.6 StartTransaction.conf) — null
   * until then, e.g. after an offline start — or the one the station makes itself (2.0.1).
   */
  id: string | null = null;
  /** The RequestStartTransaction this transaction answers (2.0.1 remoteStartId), if any. */
  remoteStartId: number | null = null;
  /** The next sequence number of its messages (2.0.1 TransactionEvent seqNo: from 0, without gaps). */
  seqNo = 0;
  /** The charging state its last message reported (2.0.1 chargingState); '' before the first. */
  chargingState = '';
  /** False while a transaction opened at plug-in waits for its driver's authorization (see TxBounds). */
  authorized = true;
  /** Set when its energy session ended but the transaction stays open until the EV leaves (TxBounds.EndsAtUnplug): the cause it ended with. */
  openAfter: StopCause | null = null;
  /** The reservation this transaction fulfils (StartTransaction.reservationId, OCPP 1.6 §5.13). */
  reservationId: number | undefined = undefined;
  stopped = false;
  meterStop = 0;
  stoppedAt = 0;

  /** Not ended yet: running, or kept open after its energy session until the EV leaves (TxBounds.EndsAtUnplug). */
  get open(): boolean {
    return !this.stopped || this.openAfter !== null;
  }
  constructor(
    readonly connectorId: number,
    /** The token that authorized it ('' while a transaction opened at plug-in is not yet authorized). */
    public idTag: string,
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
  /** A remote start's id (2.0.1 remoteStartId) for the transaction about to start here; null when none. */
  remoteStartId: number | null = null;
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
  /** The limit (W) smart charging sets now (OCPP 1.6 §3.13; kept by features/smart-charging); Infinity = none. */
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

/**
 * Whether an EV's cable is in: a connector in use, or one that stayed Reserved (or Available) with an
 * EV plugged in (see Dialect.plugInKeepsReserved) — the EV's battery is known from the plug-in to the unplug.
 */
export function cableIn(c: Connector): boolean {
  return (c.status !== 'Available' && c.status !== 'Reserved') || c.evBatteryWh > 0;
}
