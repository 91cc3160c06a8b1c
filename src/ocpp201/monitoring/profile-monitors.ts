/**
 * A profile's own monitors (N03/N04: "hard-wired" and "preconfigured" monitors the manufacturer ships),
 * declared on a variable of its `deviceModel:` section:
 *
 * ```yaml
 * deviceModel:
 *   EVSE:
 *     Temperature:
 *       monitors:
 *         - { type: UpperThreshold, value: 80, severity: 2, origin: HardWiredMonitor }
 * ```
 *
 * `origin` is HardWiredMonitor (the CSMS can neither change nor clear it: answered Rejected/ReadOnly) or
 * PreconfiguredMonitor (the default; SetMonitoringBase switches it, N03). Each item is checked here as
 * SetVariableMonitoring would check it, so a profile cannot ship a monitor the charge point would refuse.
 */
import type { MonitorEnumType } from '../generated/types.gen.js';
import type { ModelMonitorSpec, VariableSpec } from '../device-model/types.js';

/** The most monitors a model declares on one variable (a bound on what the loader accepts). */
export const MAX_MODEL_MONITORS_PER_VARIABLE = 8;

/**
 * Thresholds and deltas only: they are evaluated when the value may change, so a charge point pays
 * nothing until then; a periodic preset would need an alarm on every charge point from power-up.
 */
const TYPES: readonly MonitorEnumType[] = ['UpperThreshold', 'LowerThreshold', 'Delta'];
const ORIGINS: readonly ModelMonitorSpec['origin'][] = ['HardWiredMonitor', 'PreconfiguredMonitor'];
const KEYS = ['type', 'value', 'severity', 'origin'];

type Report = (path: (string | number)[], message: string) => void;

/** The monitors `raw` declares on `spec` (the variable as the profile leaves it), each problem reported at its path. */
export function profileMonitors(spec: VariableSpec, raw: unknown, path: (string | number)[], report: Report): ModelMonitorSpec[] {
  if (!Array.isArray(raw)) {
    report(path, 'must be a list of monitors: { type, value, severity, origin }');
    return [];
  }
  // A live value the station does not watch never changes for a monitor (characteristics.supportsMonitoring).
  if (spec.mutability === 'WriteOnly' || (spec.live === true && spec.monitorable !== true)) {
    report(path, `${spec.name} does not support monitoring`);
    return [];
  }
  if (raw.length > MAX_MODEL_MONITORS_PER_VARIABLE) report(path, `at most ${MAX_MODEL_MONITORS_PER_VARIABLE} monitors a variable`);
  const out: ModelMonitorSpec[] = [];
  raw.slice(0, MAX_MODEL_MONITORS_PER_VARIABLE).forEach((item, i) => {
    const m = monitorOf(spec, item, [...path, i], report);
    if (m) out.push(m);
  });
  return out;
}

function monitorOf(spec: VariableSpec, item: unknown, at: (string | number)[], report: Report): ModelMonitorSpec | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    report(at, 'a monitor is a map: { type, value, severity, origin }');
    return null;
  }
  const m = item as Record<string, unknown>;
  let ok = true;
  const bad = (key: string, message: string) => {
    report([...at, key], message);
    ok = false;
  };
  for (const key of Object.keys(m)) if (!KEYS.includes(key)) bad(key, `unknown key '${key}' (a monitor has ${KEYS.join(', ')})`);
  const type = m.type as MonitorEnumType;
  if (!TYPES.includes(type)) bad('type', `'${String(m.type)}' is not one of ${TYPES.join(', ')}`);
  const value = m.value;
  if (typeof value !== 'number' || !Number.isFinite(value)) bad('value', 'must be a number');
  // SetMonitoringDataType.severity: 0 (Danger) … 9 (Debug).
  const severity = m.severity;
  if (typeof severity !== 'number' || !Number.isInteger(severity) || severity < 0 || severity > 9) bad('severity', 'must be an integer 0-9');
  const origin = (m.origin ?? 'PreconfiguredMonitor') as ModelMonitorSpec['origin'];
  if (!ORIGINS.includes(origin)) bad('origin', `'${String(m.origin)}' is not one of ${ORIGINS.join(', ')}`);
  if (!ok) return null;
  const v = value as number;
  switch (type) {
    case 'UpperThreshold':
    case 'LowerThreshold':
      // A threshold compares numbers (N04: UnsupportedMonitorType otherwise), within the variable's limits.
      if (spec.dataType !== 'integer' && spec.dataType !== 'decimal') bad('type', `${spec.name} is ${spec.dataType}: no threshold`);
      else if ((spec.minLimit !== undefined && v < spec.minLimit) || (spec.maxLimit !== undefined && v > spec.maxLimit)) bad('value', `${v} is outside ${spec.minLimit ?? '-∞'}..${spec.maxLimit ?? '∞'}`);
      break;
    default:
      // N04.FR.14: a negative delta is rejected.
      if (v < 0) bad('value', 'a delta is not negative');
  }
  return ok ? Object.freeze({ type, value: v, severity: severity as number, origin }) : null;
}
