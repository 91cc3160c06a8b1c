/**
 * One charge point's monitors (N03/N04/N06), created when it first uses monitoring — a CSMS request or
 * a fault — so the thousands that never do keep `Station.monitoring` null. The MonitoringCtrlr values
 * (ActiveMonitoringBase, ActiveMonitoringLevel, OfflineQueuingSeverity, Enabled) live in the device
 * model like any variable; the slots to read them are computed once per model.
 */
import { slotOf, type DeviceModel, type VariableDef } from '../device-model/index.js';
import type { MonitoringBaseEnumType } from '../generated/types.gen.js';
import type { Station, ValueWatch } from '../../station/station.js';
import { modelOf, variable } from '../station-model.js';
import { isPeriodic, Monitor, nextDue } from './monitor.js';
import { presetMonitors } from './presets.js';
import { keptItems, puttingItem } from '../../util/exact-array.js';
import { monitorsChanged } from './events.js';

/** The MonitoringCtrlr variables monitoring reads (-1: the model lacks it). */
export interface MonitoringSlots {
  readonly enabled: number;
  readonly base: number;
  readonly level: number;
  readonly offlineSeverity: number;
  readonly itemsSet: number;
  readonly bytesSet: number;
  readonly itemsClear: number;
  readonly bytesClear: number;
}

const slotsByModel = new WeakMap<DeviceModel, MonitoringSlots>();

export function monitoringSlots(dm: DeviceModel): MonitoringSlots {
  let s = slotsByModel.get(dm);
  if (s === undefined) {
    const at = (name: string, instance?: string) => slotOf(dm, 'MonitoringCtrlr', { name, instance });
    s = {
      enabled: at('Enabled'),
      base: at('ActiveMonitoringBase'),
      level: at('ActiveMonitoringLevel'),
      offlineSeverity: at('OfflineQueuingSeverity'),
      itemsSet: at('ItemsPerMessage', 'SetVariableMonitoring'),
      bytesSet: at('BytesPerMessage', 'SetVariableMonitoring'),
      itemsClear: at('ItemsPerMessage', 'ClearVariableMonitoring'),
      bytesClear: at('BytesPerMessage', 'ClearVariableMonitoring'),
    };
    slotsByModel.set(dm, s);
  }
  return s;
}

/** A MonitoringCtrlr number of this charge point, or `fallback` when unset or absent. */
export function monitoringNumber(st: Station, slot: number, fallback: number): number {
  const v = variable(st, slot);
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isFinite(n) ? n : fallback;
}

/** Stores a MonitoringCtrlr value the station sets itself (its ReadOnly ActiveMonitoringBase/Level). */
export function storeValue(st: Station, slot: number, value: string): void {
  if (slot < 0) return;
  const { dm } = modelOf(st.ctx.profile);
  if (value === dm.defaults[slot]) {
    st.variables?.delete(slot);
    if (st.variables?.size === 0) st.variables = null;
  } else {
    (st.variables ??= new Map()).set(slot, value);
  }
}

export class MonitoringState implements ValueWatch {
  /**
   * Active monitors, presets first, in the order set; at most the presets plus MAX_CUSTOM_MONITORS. An
   * array of exactly them (util/exact-array.ts), found by id: a Map's smallest table is 152 bytes.
   */
  monitors: Monitor[] = [];
  /** Ids the CSMS's monitors get next (after the presets' ids). */
  nextId: number;
  /** NotifyEvent eventIds count up per charge point. */
  nextEventId = 1;
  /** The periodic alarm's time (Infinity: none set). */
  alarmAt = Infinity;

  constructor(dm: DeviceModel, base: MonitoringBaseEnumType, now: number) {
    this.nextId = presetMonitors(dm).length + 1;
    this.applyBase(dm, base, now);
  }

  changed(st: Station, now: number): void {
    monitorsChanged(st, this, now);
  }

  /**
   * N03: All keeps the CSMS's monitors and (re)activates the preconfigured ones; FactoryDefault clears
   * the CSMS's and restores the preconfigured ones; HardWiredOnly keeps the hard-wired ones only.
   */
  applyBase(dm: DeviceModel, base: MonitoringBaseEnumType, now: number): void {
    if (base !== 'All') this.monitors = keptItems(this.monitors, (m) => m.origin === 'HardWiredMonitor');
    for (const p of presetMonitors(dm)) {
      if (this.get(p.id) !== undefined || (p.origin === 'PreconfiguredMonitor' && base === 'HardWiredOnly')) continue;
      this.put(new Monitor(p, p.reference), now);
    }
  }

  get(id: number): Monitor | undefined {
    return this.monitors.find((m) => m.id === id);
  }

  /** Adds or replaces (in its place) a monitor; a periodic one is due one period from now. */
  put(m: Monitor, now: number): void {
    if (isPeriodic(m.type)) m.dueAt = nextDue(m, now);
    this.monitors = puttingItem(this.monitors, m, (x) => x.id === m.id);
  }

  /** Removes the monitor with this id; false when there is none. */
  remove(id: number): boolean {
    const before = this.monitors.length;
    this.monitors = keptItems(this.monitors, (m) => m.id !== id);
    return this.monitors.length < before;
  }

  customCount(): number {
    let n = 0;
    for (const m of this.monitors) if (m.origin === 'CustomMonitor') n++;
    return n;
  }

  /** Monitors of one variable. */
  *on(def: VariableDef): IterableIterator<Monitor> {
    for (const m of this.monitors) if (m.def === def) yield m;
  }
}

/** The charge point's monitoring state, created on first use with its ActiveMonitoringBase's monitors. */
export function monitoringOf(st: Station): MonitoringState {
  if (st.monitoring instanceof MonitoringState) return st.monitoring;
  const { dm } = modelOf(st.ctx.profile);
  const base = (variable(st, monitoringSlots(dm).base) ?? 'All') as MonitoringBaseEnumType;
  const state = new MonitoringState(dm, base, st.ctx.now());
  st.monitoring = state;
  return state;
}
