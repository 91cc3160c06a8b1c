/**
 * What the CSMS can make a charge point do, in the core's terms, for every version's handlers: start a
 * session at a free connector, and change connectors' availability (OCPP 1.6 §5.2, §5.11; 2.0.1 F01,
 * G03–G04).
 */
import { Phase, type Connector } from './connector.js';
import * as driver from './driver.js';
import { idleStatus, refusesStart } from './reservation.js';
import { Boot, type Station } from './station.js';

/** Free for `idTag`: idle or plugged, operative, and not held for someone else (a reservation). */
export function isFreeFor(st: Station, c: Connector, idTag: string): boolean {
  return (
    c.id > 0 &&
    c.operative &&
    !st.operativeBlocked() &&
    // A transaction opened at plug-in that waits for authorization may be started remotely (2.0.1 F02).
    (c.tx === null || c.tx.stopped || !c.tx.authorized) &&
    (c.status === 'Available' || c.status === 'Preparing' || c.status === 'Reserved') &&
    c.phase !== Phase.Charging &&
    !refusesStart(st, c, idTag)
  );
}

/** Whether the charge point takes remote starts now: booted (not Pending), and no reset under way or waiting (2.0.1 B12.FR.01). */
export function acceptsRemoteStart(st: Station): boolean {
  return st.boot === Boot.Accepted && st.takesSessions();
}

/**
 * A remote start at `c`: the EV is (or gets) plugged in and the session starts — after an
 * authorization of the token first when the version's setting asks for it.
 */
export function startRemotely(st: Station, c: Connector, idTag: string, authorizeFirst: boolean, now: number): void {
  if (c.phase === Phase.Idle) driver.plugIn(st, c, now);
  if (authorizeFirst) driver.authorize(st, c, idTag, now);
  else driver.startSession(st, c, idTag, now);
}

/**
 * Makes `targets` operative or not. A connector with a running transaction becomes inoperative only
 * when it ends (answered Scheduled); the rest change now and report it.
 */
export function changeAvailability(st: Station, targets: readonly Connector[], operative: boolean, now: number): 'Accepted' | 'Scheduled' {
  let scheduled = false;
  for (const c of targets) {
    if (c.id > 0 && c.tx && !c.tx.stopped && !operative) {
      c.scheduledOperative = operative;
      scheduled = true;
      continue;
    }
    c.scheduledOperative = null;
    c.operative = operative;
    if (c.id === 0 || c.phase === Phase.Idle) {
      st.setStatus(c, operative ? idleStatus(st, c) : 'Unavailable', now);
    }
  }
  return scheduled ? 'Scheduled' : 'Accepted';
}
