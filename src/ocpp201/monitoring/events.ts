/**
 * NotifyEvent (N07, N08): what monitors see, and the station's own hard-wired notifications.
 * - A connector that faults or recovers raises a HardWiredNotification on its Problem variable
 *   (cleared: true on recovery), monitors or not.
 * - Threshold and delta monitors are evaluated when the values they watch may have changed: a
 *   connector's state (dialect statusChanged) and the meters' periodic samples (Station.monitoring).
 * - Periodic monitors ride on one station alarm set for the earliest of them (no timer per monitor).
 * Events go out only while MonitoringCtrlr.Enabled is true, only up to ActiveMonitoringLevel (N05),
 * and while offline only up to OfflineQueuingSeverity (N08); hard-wired notifications always go.
 * Events found together go in one NotifyEvent, split in parts (seqNo, tbc) of EVENTS_PER_MESSAGE.
 */
import type { Connector, ConnectorStatus, Transaction } from '../../station/connector.js';
import { Kind, OutboundCall } from '../../station/outbound.js';
import { Boot, Link, type Station } from '../../station/station.js';
import { valueOf, type VariableDef } from '../device-model/index.js';
import type { EventDataType, EventTriggerEnumType, NotifyEventRequest } from '../generated/types.gen.js';
import { liveValues } from '../live-values.js';
import { modelOf, variable } from '../station-model.js';
import { evaluate, isPeriodic, nextDue, type Monitor } from './monitor.js';
import { monitoringNumber, monitoringOf, monitoringSlots, type MonitoringState } from './state.js';
import { declaresMonitors } from './presets.js';

/** NotifyEvent has no size variable in 2.0.1: this many events a part at most. */
export const EVENTS_PER_MESSAGE = 20;
/** EventDataType.actualValue is at most 2500 characters. */
const VALUE_SIZE = 2500;
const ALARM_TAG = 'monitoring';

/** An event and the severity it is filtered by (hard-wired notifications: -1, never filtered). */
interface Pending {
  event: EventDataType;
  severity: number;
}

/** The transaction running where a component is (any connector for the station, its own for an EVSE or connector). */
function transactionAt(st: Station, def: VariableDef): Transaction | null {
  const evse = def.component.component.evse;
  const m = modelOf(st.ctx.profile);
  for (let i = 1; i < st.connectors.length; i++) {
    if (evse !== undefined && (m.evseOf[i] !== evse.id || (evse.connectorId !== undefined && m.connectorOf[i] !== evse.connectorId))) continue;
    const tx = st.connectors[i].tx;
    if (tx !== null && !tx.stopped) return tx;
  }
  return null;
}

function monitorEvent(state: MonitoringState, m: Monitor, trigger: EventTriggerEnumType, cleared: boolean, value: string, tx: Transaction | null, now: number): Pending {
  const event: EventDataType = {
    eventId: state.nextEventId++,
    timestamp: new Date(now).toISOString(),
    trigger,
    // A write-only value is never shown.
    actualValue: m.def.attributes[0]?.mutability === 'WriteOnly' ? '' : value.slice(0, VALUE_SIZE),
    component: m.def.component.component,
    variable: m.def.variable,
    variableMonitoringId: m.id,
    eventNotificationType: m.origin,
  };
  // A delta has nothing to clear (N07.FR.18).
  if (cleared) event.cleared = true;
  if (tx !== null && tx.id !== null) event.transactionId = tx.id;
  return { event, severity: m.severity };
}

function enabled(st: Station): boolean {
  return variable(st, monitoringSlots(modelOf(st.ctx.profile).dm).enabled) !== 'false';
}

/** Threshold and delta monitors against the values now (N07). */
function collect(st: Station, state: MonitoringState, now: number, out: Pending[]): void {
  if (!enabled(st)) return;
  const { dm } = modelOf(st.ctx.profile);
  const live = liveValues(st);
  for (const m of state.monitors) {
    if (isPeriodic(m.type)) continue;
    const tx = transactionAt(st, m.def);
    // A transaction monitor watches only while a transaction runs there (an alarm it raised may still clear).
    if (m.transaction && tx === null && !m.alerting) continue;
    const value = valueOf(dm, st.variables, m.def, 0, live) ?? '';
    const t = evaluate(m, value);
    if (t !== null) out.push(monitorEvent(state, m, t.trigger, t.cleared, value, tx, now));
  }
}

/** Watched values may have changed (a status, the meters' samples). */
export function monitorsChanged(st: Station, state: MonitoringState, now: number): void {
  const out: Pending[] = [];
  collect(st, state, now, out);
  send(st, out, now);
}

/**
 * A connector's state changed: a fault or its end is a HardWiredNotification on the connector's
 * Problem (techCode: the fault's error code); then what monitors make of it.
 */
export function connectorStatusChanged(st: Station, c: Connector, from: ConnectorStatus, now: number): void {
  const faulted = c.status === 'Faulted';
  // Connector 0 (the whole station) has no Connector component in 2.0.1.
  const fault = c.id > 0 && faulted !== (from === 'Faulted');
  // The common case — no fault, nothing monitored — costs these checks. A model with its own monitors
  // (a profile's `monitors:`) watches from its first status change, so they see what they watch change.
  if (!fault && st.monitoring === null && !declaresMonitors(modelOf(st.ctx.profile).dm)) return;
  if (st.monitoring === null && !fault) monitoringOf(st);
  const out: Pending[] = [];
  if (fault) {
    const state = monitoringOf(st);
    const m = modelOf(st.ctx.profile);
    const event: EventDataType = {
      eventId: state.nextEventId++,
      timestamp: new Date(now).toISOString(),
      trigger: 'Alerting',
      actualValue: String(faulted),
      component: { name: 'Connector', evse: { id: m.evseOf[c.id], connectorId: m.connectorOf[c.id] } },
      variable: { name: 'Problem' },
      eventNotificationType: 'HardWiredNotification',
    };
    if (faulted) event.techCode = c.errorCode.slice(0, 50);
    else event.cleared = true;
    if (c.tx !== null && !c.tx.stopped && c.tx.id !== null) event.transactionId = c.tx.id;
    out.push({ event, severity: -1 });
  }
  if (st.monitoring !== null) collect(st, st.monitoring as MonitoringState, now, out);
  send(st, out, now);
}

/** Periodic monitors that are due report their variable's value (N08); then the alarm moves on. */
function periodicDue(st: Station, now: number): void {
  const state = st.monitoring as MonitoringState | null;
  if (state === null) return;
  state.alarmAt = Infinity;
  const out: Pending[] = [];
  const on = enabled(st);
  const { dm } = modelOf(st.ctx.profile);
  const live = liveValues(st);
  for (const m of state.monitors) {
    if (!isPeriodic(m.type) || m.dueAt > now) continue;
    while (m.dueAt <= now) m.dueAt = nextDue(m, m.dueAt);
    const tx = transactionAt(st, m.def);
    if (!on || (m.transaction && tx === null)) continue;
    out.push(monitorEvent(state, m, 'Periodic', false, valueOf(dm, st.variables, m.def, 0, live) ?? '', tx, now));
  }
  // Periodic reports are routine: a full queue drops them before transaction messages (Station.makeRoom),
  // and one in flight when the link drops is not resent. Alerts and deltas are Kept (below).
  send(st, out, now, Kind.Other);
  armPeriodic(st, state);
}

/** Sets the station's one monitoring alarm at the earliest periodic monitor's time (or none). */
export function armPeriodic(st: Station, state: MonitoringState): void {
  let at = Infinity;
  for (const m of state.monitors) if (isPeriodic(m.type) && m.dueAt < at) at = m.dueAt;
  if (at === state.alarmAt) return;
  st.cancel(ALARM_TAG);
  state.alarmAt = at;
  if (at !== Infinity) st.later(at, ALARM_TAG, periodicDue);
}

/**
 * Queues the events that pass the level filters, in parts (seqNo from 0, tbc on all but the last). Kept
 * by default: an alert the station decided to report reaches the CSMS across a dropped connection (N08).
 */
function send(st: Station, pending: readonly Pending[], now: number, kind = Kind.Kept): void {
  if (pending.length === 0) return;
  const slots = monitoringSlots(modelOf(st.ctx.profile).dm);
  // N05: only events up to ActiveMonitoringLevel.
  const level = monitoringNumber(st, slots.level, 9);
  // N08: offline, only events up to OfflineQueuingSeverity are queued; the rest are lost.
  const offline = st.link !== Link.Open || st.boot !== Boot.Accepted;
  const limit = offline ? Math.min(level, monitoringNumber(st, slots.offlineSeverity, 9)) : level;
  const events = pending.filter((p) => p.severity <= limit).map((p) => p.event);
  const generatedAt = new Date(now).toISOString();
  for (let seqNo = 0, i = 0; i < events.length; seqNo++, i += EVENTS_PER_MESSAGE) {
    const part: NotifyEventRequest = { generatedAt, seqNo, eventData: events.slice(i, i + EVENTS_PER_MESSAGE) };
    if (i + EVENTS_PER_MESSAGE < events.length) part.tbc = true;
    st.enqueue(new OutboundCall(kind, 'NotifyEvent', part as never));
  }
}
