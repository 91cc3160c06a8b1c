/**
 * The default behaviour of the people and cars at a charge point: a car arrives after an idle time,
 * plugs in, the driver authorizes, the car charges for a while (its power tapering as it fills),
 * the driver stops and unplugs, and the connector waits for the next car. Issue #4's scenarios
 * replace this with YAML; the protocol side (handlers) stays the same either way.
 *
 * Each connector keeps only a phase and the time it ends; the station's single wake-up calls
 * {@link step} when any connector's phase is due.
 *
 * Every random choice is a decision about one car at one connector, keyed by the car's number
 * (Connector.car): the k-th car of a connector presents the same idTag, brings the same state of
 * charge and stays as long under one seed, however the CSMS's answers are timed (util/random.ts).
 */
import { Setting } from './settings.js';
import { Await, Phase, cableIn, type Connector, type Transaction } from './connector.js';
import { Decision, decideAmong, decideBetween } from '../util/random.js';
import type { Station } from './station.js';
import type { Behaviour } from './shard-context.js';
import { T } from '../metrics/shard-stats.js';
import { decideLocally } from './authorize-locally.js';
import { claim, holderOf, idleStatus, refusedLocally, refusesStart } from './reservation.js';

/** Seconds a rejected driver or a finished car lingers before unplugging. */
const LINGER_MS = 5_000;

/** After (re)boot: every connector starts idle and waits for its first car. */
export function start(st: Station, now: number): void {
  for (let i = 1; i < st.connectors.length; i++) {
    const c = st.connectors[i];
    if (c.phase === Phase.Idle) c.phaseUntil = nextArrival(st, c, now);
  }
}

/** A reboot loses whatever the connector was doing, but not its energy register. */
export function reboot(st: Station, c: Connector): void {
  if (c.id === 0) return;
  c.awaiting = Await.Nothing; // an answer lost in the reboot is never coming
  c.phase = Phase.Idle;
  c.phaseUntil = Infinity;
  if (c.tx && !c.tx.stopped) st.ctx.stats.totals[T.TxActive]--; // lost with the reboot, never ended
  c.tx = null;
  c.powerW = 0;
  c.evBatteryWh = 0; // no EV is known to be plugged in after the reboot (see cableIn)
  c.status = c.operative ? idleStatus(st, c) : 'Unavailable';
}

/** When the next car comes: the idle time after car `c.car` (the same on a retry or after a reboot). */
function nextArrival(st: Station, c: Connector, now: number): number {
  if (st.ctx.stopping) return Infinity;
  const d = st.ctx.driver;
  return now + (decideBetween(st.rng, c.id, Decision.Idle, c.car, d.idleMinS, d.idleMaxS) * 1000) / st.ctx.speed;
}

/** Advances every connector whose phase is due. */
export function step(st: Station, now: number): void {
  for (let i = 1; i < st.connectors.length; i++) {
    const c = st.connectors[i];
    if (c.phaseUntil > now) continue;
    c.phaseUntil = Infinity;
    switch (c.phase) {
      case Phase.Idle:
        arrive(st, c, now);
        break;
      case Phase.Charging:
        // The driver comes back and ends the session at the charge point (reason Local).
        st.endTransaction(c, 'Local', now);
        finish(st, c, now);
        break;
      case Phase.Plugged:
      case Phase.Finished:
        unplug(st, c, now);
        break;
      case Phase.Authorizing:
        break;
    }
  }
}

/** A car plugs in and its driver presents an idTag. */
function arrive(st: Station, c: Connector, now: number): void {
  if (!c.operative || st.operativeBlocked() || (c.status !== 'Available' && c.status !== 'Reserved') || !st.takesSessions()) {
    c.phaseUntil = nextArrival(st, c, now);
    return;
  }
  // Most socket wallboxes see the cable first (Preparing, then Authorize); RFID-first models are
  // authorized before the cable goes in (profile quirk preparingBeforeAuthorize: false).
  if (st.ctx.profile.quirks.preparingBeforeAuthorize) plugIn(st, c, now);
  else c.car++; // the car is here; its cable goes in once the driver is authorized (plugIn keeps the number)
  const drawn = decideAmong(st.rng, c.id, Decision.IdTag, c.car, st.ctx.driver.idTags);
  // At a reserved connector the driver who arrives is the one who reserved it (OCPP 1.6 §5.13).
  authorize(st, c, holderOf(st, c) ?? drawn, now);
}

/** The idTag is presented: decided locally or by Authorize.conf, then {@link authorized} continues. */
export function authorize(st: Station, c: Connector, idTag: string, now: number): void {
  const local = requestAuthorization(st, c, idTag, now);
  if (local !== null) authorized(st, c.id, local, now);
}

/**
 * Presents an idTag at the connector: returns the status when the charge point decides it locally
 * (Local Authorization List / Authorization Cache / offline rules, OCPP 1.6 §3.5), or sends
 * Authorize.req and returns null — its answer then comes through responses.ts.
 */
export function requestAuthorization(st: Station, c: Connector, idTag: string, now: number): string | null {
  c.idTag = idTag;
  c.phase = Phase.Authorizing;
  // Held for someone else (§5.13): refused at the charge point, the CSMS is not asked.
  const local = st.reservations !== null && refusedLocally(st, c, idTag) ? 'Invalid' : decideLocally(st, idTag, now, c.spec?.evse);
  if (local === null) st.enqueue(st.ctx.dialect.authorize(st, c.id, idTag));
  return local;
}

/** The cable goes in: the EV arrives with a random state of charge. */
export function plugIn(st: Station, c: Connector, now: number): void {
  const d = st.ctx.driver;
  // A new car, unless it is the one whose driver badged before plugging in (see arrive).
  if (c.phase !== Phase.Authorizing) c.car++;
  c.evBatteryWh = d.batteryWh;
  c.evMaxPowerW = c.spec?.current === 'DC' ? d.evMaxDcPowerW : d.evMaxPowerW;
  c.soc = decideBetween(st.rng, c.id, Decision.Soc, c.car, d.socMin, d.socMax);
  c.phase = Phase.Plugged;
  // 2.0.1 G01.FR.09: a Reserved connector stays Reserved until the reserved token claims it (startSession).
  if (c.status !== 'Reserved' || !st.ctx.dialect.plugInKeepsReserved) st.setStatus(c, 'Preparing', now);
  st.evConnected(c, now);
}

/** Authorize.conf arrived for the driver at this connector. */
export function authorized(st: Station, connectorId: number, status: string, now: number): void {
  const c = st.connectors[connectorId];
  if (c.phase !== Phase.Authorizing) return;
  // A connector held for another idTag refuses this one (§5.13), as Blocked, Expired or Invalid do.
  // Nor does a connector made Inoperative meanwhile (ChangeAvailability, §5.2) start a transaction.
  if (status !== 'Accepted' || !st.takesSessions() || refusesStart(st, c, c.idTag) || !c.operative || st.operativeBlocked()) {
    // Refused: the driver gives up and unplugs.
    c.phase = Phase.Finished;
    c.phaseUntil = now + LINGER_MS / st.ctx.speed;
    st.arm(now);
    return;
  }
  startSession(st, c, c.idTag, now); // authorized first: the cable goes in there
}


/** Starts a transaction and plans its end after the driver's dwell time. */
export function startSession(st: Station, c: Connector, idTag: string, now: number): Transaction {
  const d = st.ctx.driver;
  c.idTag = idTag;
  // A reservation this idTag holds here ends with the start, and StartTransaction names it (§5.13) —
  // claimed before the cable goes in when the token came first (2.0.1 H03 S1: Reserved → Available → Occupied).
  const reservationId = st.reservations === null ? undefined : claim(st, c, idTag, now);
  if (!cableIn(c)) plugIn(st, c, now); // authorized first (or a scenario's start): now the cable goes in
  c.phase = Phase.Charging;
  const tx = st.beginTransaction(c, idTag, now, reservationId);
  c.phaseUntil = now + (decideBetween(st.rng, c.id, Decision.Session, c.car, d.sessionMinS, d.sessionMaxS) * 1000) / st.ctx.speed;
  st.arm(now);
  return tx;
}

/** The transaction has ended; the cable is still in. */
export function finish(st: Station, c: Connector, now: number): void {
  c.phase = Phase.Finished;
  c.phaseUntil = now + LINGER_MS / st.ctx.speed;
  st.setStatus(c, 'Finishing', now);
  st.arm(now);
}

/** The cable comes out; the connector is free (or unavailable, if that was scheduled). */
export function unplug(st: Station, c: Connector, now: number): void {
  st.evGone(c, 'EVDisconnected', now);
  c.phase = Phase.Idle;
  c.evBatteryWh = 0;
  c.soc = 0;
  c.remoteStartId = null; // a remote start that never became a transaction
  c.tx = c.tx && !c.tx.stopped ? c.tx : null;
  const idle = c.operative ? idleStatus(st, c) : 'Unavailable';
  // Still reserved (the holder was refused): Preparing → Reserved is no 1.6 transition (§4.9), so
  // the connector is Available first, then Reserved again.
  if (idle === 'Reserved' && (c.status === 'Preparing' || c.status === 'Finishing')) st.setStatus(c, 'Available', now);
  // Likewise Preparing → Unavailable (made Inoperative while a driver was there).
  if (idle === 'Unavailable' && c.status === 'Preparing') st.setStatus(c, 'Available', now);
  st.setStatus(c, idle, now);
  c.phaseUntil = nextArrival(st, c, now);
}

/**
 * The CSMS refused the transaction's idTag (StartTransaction.conf not Accepted): with
 * StopTransactionOnInvalidId the charge point stops it (reason DeAuthorized, OCPP 1.6 §5.17),
 * otherwise it keeps the transaction but stops delivering energy (SuspendedEVSE).
 */
export function transactionRefused(st: Station, tx: Transaction, now: number): void {
  const c = st.connectors[tx.connectorId];
  if (c.tx !== tx || tx.stopped) return;
  if (st.settingOn(Setting.StopTxOnInvalidId)) {
    st.endTransaction(c, 'DeAuthorized', now);
    finish(st, c, now);
  } else {
    c.evMaxPowerW = 0;
    st.setStatus(c, 'SuspendedEVSE', now);
  }
}

/** After a meter sample: a full battery suspends the session (SuspendedEV), as real EVs do. */
export function onSample(st: Station, c: Connector, now: number): void {
  if (c.status === 'Charging' && c.powerW === 0 && st.ctx.profile.quirks.suspendedEVWhenFull) st.setStatus(c, 'SuspendedEV', now);
}

/** The default behaviour: cars arrive, charge and leave at random (see the top of this file). */
export const defaultBehaviour: Behaviour = {
  start,
  step,
  // The default driver never waits on an answer through Connector.awaiting.
  resume() {},
};
