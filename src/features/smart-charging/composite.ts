/**
 * What the installed profiles allow, instant by instant (OCPP 1.6 §3.13.4 stacking, §3.13.5
 * combining, §5.7 GetCompositeSchedule; the same rules in 2.0.1 K08 and "Combining profiles"). Within
 * a purpose the profile in force with the highest stackLevel prevails; a TxProfile in force overrules
 * the TxDefaultProfiles (1.6 §3.13.1); the result is the least of that and the charge point's maximum
 * profile (StationMax). Limits are compared in W, converted from A with
 * the connector's voltage and phases. Pure, and allocation-free on the {@link limitAt} path.
 */
import type { InstalledProfile, Purpose, RateUnit } from './profiles.js';

/** A connector's electrics, for A ↔ W. */
export interface Electrics {
  voltage: number;
  /** Phases the outlet has (AC); 1 for DC. */
  phases: number;
  dc: boolean;
}

/** What the schedule computation needs to know about a charge point. */
export interface ScheduleView {
  readonly profiles: readonly InstalledProfile[];
  /** Connector 0: the grid connection's (the first outlet's electrics). */
  electrics(connectorId: number): Electrics;
  /** Start (ms) of the connector's running transaction, or null. */
  txStart(connectorId: number): number | null;
  /**
   * How many connectors share the StationMax profile now (those with a running transaction, at
   * least 1): the charge point's limit is split evenly between them.
   */
  readonly sharing: number;
  /** The id profiles name a connector by (2.0.1: its EVSE's id); absent: the connector's own id. */
  site?(connectorId: number): number;
  /**
   * The CSMS's profiles are kept but do not limit (2.0.1 SmartChargingCtrlr.Enabled false); External
   * limits, which do not come from the CSMS, still do. Absent: false.
   */
  readonly csmsProfilesOff?: boolean;
}

// Scratch results of the last evaluation (single-threaded; saves an allocation per call).
let nextChange = Infinity;
let txPhases = 0;

function note(at: number): void {
  if (at < nextChange) nextChange = at;
}

/** Power (W) of a limit in a profile's unit. numberPhases defaults to 3 (§7.14), capped by the outlet. */
function toW(limit: number, unit: RateUnit, phases: number | null, e: Electrics): number {
  if (unit === 'W') return limit;
  if (e.dc) return limit * e.voltage;
  return limit * e.voltage * Math.min(phases ?? 3, e.phases);
}

/** The limit a profile sets at t (W), or NaN when it is not in force then; notes when that may change. */
function evaluate(p: InstalledProfile, t: number, txStart: number | null, e: Electrics): number {
  if (t < p.validFrom) return note(p.validFrom), NaN;
  if (t >= p.validTo) return NaN;
  note(p.validTo);
  let start = p.startSchedule ?? txStart;
  if (start === null) return NaN; // relative to a transaction that is not running
  if (t < start) return note(start), NaN;
  if (p.recurrenceMs > 0) {
    start += Math.floor((t - start) / p.recurrenceMs) * p.recurrenceMs;
    note(start + p.recurrenceMs);
  }
  const elapsed = t - start;
  if (elapsed >= p.durationMs) return NaN;
  note(start + p.durationMs);
  const periods = p.periods;
  let i = periods.length - 1;
  while (i >= 0 && periods[i].startS * 1000 > elapsed) i--;
  if (i < 0) return note(start + periods[0].startS * 1000), NaN;
  if (i + 1 < periods.length) note(start + periods[i + 1].startS * 1000);
  const w = toW(periods[i].limit, p.unit, periods[i].phases, e);
  txPhases = e.dc ? 1 : Math.min(periods[i].phases ?? 3, e.phases);
  return w;
}

/**
 * The prevailing limit (W) of one purpose for a connector at t: the profile in force with the highest
 * stackLevel; a TxDefaultProfile on connector 0 applies to every connector, one on the connector
 * itself wins a tie. Infinity when none is in force.
 */
function layer(view: ScheduleView, purpose: Purpose, connectorId: number, t: number, e: Electrics): number {
  if (purpose !== 'External' && view.csmsProfilesOff === true) return Infinity;
  let best = Infinity;
  let bestLevel = -1;
  let bestOwn = false;
  let phases = 0;
  const txStart = connectorId === 0 ? null : view.txStart(connectorId);
  const site = connectorId === 0 || view.site === undefined ? connectorId : view.site(connectorId);
  for (const p of view.profiles) {
    if (p.purpose !== purpose) continue;
    const own = p.connectorId === site;
    if (!own && !(purpose === 'TxDefault' && p.connectorId === 0 && connectorId > 0)) continue;
    const w = evaluate(p, t, txStart, e);
    if (Number.isNaN(w)) continue;
    if (p.stackLevel > bestLevel || (p.stackLevel === bestLevel && own && !bestOwn)) {
      best = w;
      bestLevel = p.stackLevel;
      bestOwn = own;
      phases = txPhases;
    }
  }
  txPhases = phases;
  return best;
}

/** The composite limit (W) and, in the scratch variables, when it may change and the phases used. */
function composite(view: ScheduleView, connectorId: number, t: number): number {
  nextChange = Infinity;
  const e = view.electrics(connectorId);
  let grid = layer(view, 'StationMax', 0, t, view.electrics(0));
  // The phases of the layer that sets the limit: a StationMax profile of 10 A on one phase is
  // reported as 10 A × 1 phase, not as the same power spread over three (§7.14 numberPhases).
  let gridPhases = grid === Infinity ? (e.dc ? 1 : e.phases) : txPhases;
  // An external limit on the whole station caps it like its maximum profile (2.0.1 K08: the least of them).
  const outside = layer(view, 'External', 0, t, view.electrics(0));
  if (outside < grid) {
    grid = outside;
    gridPhases = txPhases;
  }
  if (connectorId === 0) {
    txPhases = gridPhases;
    return grid;
  }
  let tx = layer(view, 'Tx', connectorId, t, e);
  if (tx === Infinity) tx = layer(view, 'TxDefault', connectorId, t, e);
  let phases = tx === Infinity ? (e.dc ? 1 : e.phases) : txPhases;
  // An external limit on the connector's EVSE caps what its transaction may take.
  const own = layer(view, 'External', connectorId, t, e);
  if (own < tx) {
    tx = own;
    phases = txPhases;
  }
  txPhases = phases;
  const share = grid / Math.max(1, view.sharing);
  if (share < tx) {
    txPhases = e.dc ? 1 : Math.min(gridPhases, e.phases);
    return share;
  }
  return tx;
}

/** The limit (W) the profiles set on a connector (0 = the charge point) at `now`; Infinity if none. */
export function limitAt(view: ScheduleView, connectorId: number, now: number): number {
  return composite(view, connectorId, now);
}

/** When the connector's limit may next change (ms; Infinity if never): re-evaluate the power then. */
export function nextChangeAt(view: ScheduleView, connectorId: number, now: number): number {
  composite(view, connectorId, now);
  return nextChange;
}

/** A composite schedule: 1.6 GetCompositeSchedule.conf chargingSchedule (§7.13), 2.0.1 CompositeScheduleType's periods. */
export interface CompositeSchedule {
  duration: number;
  chargingRateUnit: RateUnit;
  chargingSchedulePeriod: { startPeriod: number; limit: number; numberPhases?: number }[];
}

/** At most this many periods in a composite schedule (a weekly recurrence over a long duration). */
const MAX_COMPOSITE_PERIODS = 1000;
/** At most this many evaluations, however long the duration asked for (boundaries that merge away). */
const MAX_COMPOSITE_STEPS = 50_000;

/**
 * The composite schedule of a connector from `now` for `durationS` seconds in `unit`, capped at
 * `capW` (the hardware), periods relative to now and equal neighbours merged (§5.7).
 */
export function compositeSchedule(view: ScheduleView, connectorId: number, now: number, durationS: number, unit: RateUnit, capW: number): CompositeSchedule {
  const e = view.electrics(connectorId);
  // An idle connector reports what a transaction starting now would get (§5.7 "from the moment the
  // request is received"): profiles relative to the transaction's start run from now.
  if (connectorId > 0 && view.txStart(connectorId) === null) view = startingNow(view, connectorId, now);
  const periods: CompositeSchedule['chargingSchedulePeriod'] = [];
  const end = now + durationS * 1000;
  let t = now;
  let steps = 0;
  do {
    const w = Math.min(capW, composite(view, connectorId, t));
    const next = nextChange;
    const phases = txPhases;
    const limit = unit === 'W' ? tenths(w) : tenths(w / (e.voltage * (e.dc ? 1 : phases)));
    const startPeriod = Math.ceil((t - now) / 1000);
    // A change in the schedule's last fraction of a second would start at or after its end.
    if (startPeriod >= durationS && periods.length > 0) break;
    const last = periods[periods.length - 1];
    const numberPhases = unit === 'A' && !e.dc ? phases : undefined;
    if (!last || last.limit !== limit || last.numberPhases !== numberPhases) {
      const period = numberPhases === undefined ? { startPeriod, limit } : { startPeriod, limit, numberPhases };
      if (last && last.startPeriod === startPeriod) periods[periods.length - 1] = period;
      else periods.push(period);
    }
    t = Math.max(next, t + 1);
  } while (t < end && periods.length < MAX_COMPOSITE_PERIODS && ++steps < MAX_COMPOSITE_STEPS);
  return { duration: durationS, chargingRateUnit: unit, chargingSchedulePeriod: periods };
}

/** The view with a transaction on `connectorId` that starts at `at`. */
function startingNow(view: ScheduleView, connectorId: number, at: number): ScheduleView {
  return {
    profiles: view.profiles,
    electrics: (id) => view.electrics(id),
    txStart: (id) => (id === connectorId ? at : view.txStart(id)),
    sharing: view.sharing,
    site: view.site === undefined ? undefined : (id) => view.site!(id),
    csmsProfilesOff: view.csmsProfilesOff,
  };
}

/** Rounded down to the 0.1 the schema allows (multipleOf 0.1), so the limit is never exceeded. */
function tenths(x: number): number {
  return Math.floor(x * 10 + 1e-6) / 10;
}

