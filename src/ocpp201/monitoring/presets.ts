/**
 * The monitors a model comes with (N03): hard-wired ones, which the CSMS can neither change nor clear,
 * and preconfigured ones (the factory default), which SetMonitoringBase switches on and off. Both are
 * chosen to speak only when something is wrong, so a fleet that is well says nothing:
 * - hard-wired: each EVSE's Power above its rating (UpperThreshold at Power's maxLimit, severity 4 Error);
 * - preconfigured: ChargingStation.Problem, any change (Delta, severity 2 System Failure) — a connector
 *   faults or recovers;
 * - then those the profile declares on its variables (`monitors:`, profile-monitors.ts), in model order.
 * Shared by every charge point of the model; a charge point copies them into its state when it first
 * uses monitoring (state.ts).
 */
import { findVariable, type DeviceModel, type VariableDef } from '../device-model/index.js';
import type { MonitorEnumType } from '../generated/types.gen.js';
import type { MonitorOrigin, MonitorSpec } from './monitor.js';

/** A model's own monitor: the spec every charge point of the model shares (monitor.ts). */
export interface PresetMonitor extends MonitorSpec {
  /** Delta monitors: the value they start from (the model's), so the first change after power-up counts. */
  readonly reference: string | undefined;
}

const presets = new WeakMap<DeviceModel, readonly PresetMonitor[]>();

/** The model's hard-wired and preconfigured monitors, ids 1…n; none without a MonitoringCtrlr. */
export function presetMonitors(dm: DeviceModel): readonly PresetMonitor[] {
  let list = presets.get(dm);
  if (list === undefined) {
    list = build(dm);
    presets.set(dm, list);
  }
  return list;
}

function build(dm: DeviceModel): PresetMonitor[] {
  const out: PresetMonitor[] = [];
  if (!dm.components.some((c) => c.component.name === 'MonitoringCtrlr')) return out;
  const add = (def: VariableDef | undefined, type: MonitorEnumType, value: number, severity: number, origin: MonitorOrigin) => {
    if (def?.characteristics.supportsMonitoring) {
      out.push(Object.freeze({ id: out.length + 1, def, type, value, severity, transaction: false, origin, reference: type === 'Delta' ? dm.defaults[def.index * 4] : undefined }));
    }
  };
  for (const c of dm.components) {
    if (c.component.name !== 'EVSE') continue;
    const power = c.variables.find((v) => v.variable.name === 'Power');
    const max = power?.characteristics.maxLimit;
    if (max !== undefined && max > 0) add(power, 'UpperThreshold', max, 4, 'HardWiredMonitor');
  }
  add(findVariable(dm, 'ChargingStation', 'Problem'), 'Delta', 0, 2, 'PreconfiguredMonitor');
  for (const def of dm.variables) for (const m of def.monitors) add(def, m.type, m.value, m.severity, m.origin);
  return out;
}

const declared = new WeakMap<DeviceModel, boolean>();

/** Whether the profile declares monitors of its own (then its charge points watch from their first status change). */
export function declaresMonitors(dm: DeviceModel): boolean {
  let d = declared.get(dm);
  if (d === undefined) {
    d = presetMonitors(dm).some((p) => p.def.monitors.length > 0);
    declared.set(dm, d);
  }
  return d;
}
