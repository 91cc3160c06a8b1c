/**
 * One variable monitor (Part 2 §2.52 VariableMonitoringType, §3.55 MonitorEnumType) as plain data, and
 * the pure rules over it: whether a SetVariableMonitoring item may set it (N04), and what a new value
 * of its variable means for it (N07).
 */
import type { EventNotificationEnumType, EventTriggerEnumType, MonitorEnumType, MonitoringCriterionEnumType, SetMonitoringDataType, StatusInfoType } from '../generated/types.gen.js';
import type { VariableDef } from '../device-model/index.js';
import { Interner } from '../../util/intern.js';

/** Who set a monitor: the manufacturer for good, the manufacturer as a default, or the CSMS. */
export type MonitorOrigin = Extract<EventNotificationEnumType, 'HardWiredMonitor' | 'PreconfiguredMonitor' | 'CustomMonitor'>;

/**
 * What a monitor is, apart from what one charge point has seen of it: shared by every charge point
 * holding the same one (a model's presets; the CSMS's monitor as it set it on the fleet, interned).
 */
export interface MonitorSpec {
  readonly id: number;
  readonly def: VariableDef;
  readonly type: MonitorEnumType;
  /** Threshold, delta, or period in seconds. */
  readonly value: number;
  /** 0 (Danger) … 9 (Debug). */
  readonly severity: number;
  /** Active only while a transaction runs where its component is. */
  readonly transaction: boolean;
  readonly origin: MonitorOrigin;
}

/** One charge point's monitor: its shared spec, read through, and the three fields that are its own. */
export class Monitor implements MonitorSpec {
  /** Threshold monitors: an Alerting event went out and its clearing has not (N07). */
  alerting = false;

  constructor(
    readonly spec: MonitorSpec,
    /** Delta monitors: the value when set or last reported (N07.FR.18); undefined = read it on first evaluation. */
    public reference: string | undefined,
    /** Periodic monitors: when the next event is due (ms). */
    public dueAt = Infinity,
  ) {}

  get id(): number {
    return this.spec.id;
  }
  get def(): VariableDef {
    return this.spec.def;
  }
  get type(): MonitorEnumType {
    return this.spec.type;
  }
  get value(): number {
    return this.spec.value;
  }
  get severity(): number {
    return this.spec.severity;
  }
  get transaction(): boolean {
    return this.spec.transaction;
  }
  get origin(): MonitorOrigin {
    return this.spec.origin;
  }
}

const specsByModel = new WeakMap<object, Interner<MonitorSpec>>();

/**
 * One shared copy of each spec per device model (`dm`): a CSMS setting a monitor on the whole fleet
 * sets the same one, id included (ids count up alike), on every charge point.
 */
export function sharedSpec(dm: object, spec: MonitorSpec): MonitorSpec {
  let specs = specsByModel.get(dm);
  if (specs === undefined) specsByModel.set(dm, (specs = new Interner<MonitorSpec>(1024)));
  return specs.share(`${spec.id} ${spec.def.index} ${spec.type} ${spec.value} ${spec.severity} ${spec.transaction} ${spec.origin}`, spec);
}

/** The most monitors the CSMS may add to a charge point (no standard variable); more are Rejected. */
export const MAX_CUSTOM_MONITORS = 100;

export function isPeriodic(type: MonitorEnumType): boolean {
  return type === 'Periodic' || type === 'PeriodicClockAligned';
}

function isNumeric(def: VariableDef): boolean {
  const t = def.characteristics.dataType;
  return t === 'integer' || t === 'decimal';
}

/** GetMonitoringReport's monitoringCriteria (N02): which monitor types each criterion names. */
export function meetsCriterion(type: MonitorEnumType, criterion: MonitoringCriterionEnumType): boolean {
  switch (criterion) {
    case 'ThresholdMonitoring':
      return type === 'UpperThreshold' || type === 'LowerThreshold';
    case 'DeltaMonitoring':
      return type === 'Delta';
    case 'PeriodicMonitoring':
      return isPeriodic(type);
  }
}

/** Why a monitor item cannot be set on `def` (a SetMonitoringResult status and reason), or null. */
export function monitorRefusal(def: VariableDef, item: SetMonitoringDataType): { status: 'Rejected' | 'UnsupportedMonitorType'; info: StatusInfoType } | null {
  const refuse = (status: 'Rejected' | 'UnsupportedMonitorType', reasonCode: string, additionalInfo: string) => ({ status, info: { reasonCode, additionalInfo } });
  if (!def.characteristics.supportsMonitoring) return refuse('Rejected', 'UnsupportedParam', `${def.variable.name} does not support monitoring`);
  // The severity range is 0-9 (SetMonitoringDataType.severity).
  if (!Number.isInteger(item.severity) || item.severity < 0 || item.severity > 9) return refuse('Rejected', 'ValueOutOfRange', `severity ${item.severity} is not 0-9`);
  switch (item.type) {
    case 'UpperThreshold':
    case 'LowerThreshold': {
      // A threshold compares numbers; an OptionList or boolean has none to cross.
      if (!isNumeric(def)) return refuse('UnsupportedMonitorType', 'UnsupportedParam', `${def.variable.name} is ${def.characteristics.dataType}: no threshold`);
      const { minLimit, maxLimit } = def.characteristics;
      if ((minLimit !== undefined && item.value < minLimit) || (maxLimit !== undefined && item.value > maxLimit)) {
        return refuse('Rejected', 'ValueOutOfRange', `${item.value} is outside ${minLimit ?? '-∞'}..${maxLimit ?? '∞'}`);
      }
      return null;
    }
    case 'Delta':
      // N04.FR.14: a negative delta is rejected.
      return item.value < 0 ? refuse('Rejected', 'ValueOutOfRange', 'a delta is not negative') : null;
    case 'Periodic':
    case 'PeriodicClockAligned':
      return item.value > 0 ? null : refuse('Rejected', 'ValueOutOfRange', 'a period is more than 0 seconds');
  }
}

/** The event a new value of a monitor's variable raises, or null (thresholds and deltas; periodic ones run by time). */
export interface Trigger {
  trigger: EventTriggerEnumType;
  /** A threshold monitor's value is back within it. */
  cleared: boolean;
}

/**
 * §3.55: UpperThreshold alerts when the value exceeds the monitor's, LowerThreshold when it drops below,
 * and each clears (cleared: true) when the value is back. Delta reports a change of more than ± value
 * since it was set or last reported (N07.FR.18); for a non-numeric variable any change (N07.FR.19).
 * Updates the monitor's alarm state.
 */
export function evaluate(m: Monitor, value: string): Trigger | null {
  switch (m.type) {
    case 'UpperThreshold':
    case 'LowerThreshold': {
      const n = Number(value);
      if (value === '' || Number.isNaN(n)) return null;
      const beyond = m.type === 'UpperThreshold' ? n > m.value : n < m.value;
      if (beyond === m.alerting) return null;
      m.alerting = beyond;
      return { trigger: 'Alerting', cleared: !beyond };
    }
    case 'Delta': {
      const ref = m.reference;
      if (ref === undefined) {
        m.reference = value;
        return null;
      }
      const changed = isNumeric(m.def) ? Math.abs(Number(value) - Number(ref)) > m.value : value !== ref;
      if (!changed) return null;
      m.reference = value;
      return { trigger: 'Delta', cleared: false };
    }
    default:
      return null;
  }
}

/** The first time after `now` a periodic monitor is due: every period from now, or on the clock's multiples of it. */
export function nextDue(m: Pick<Monitor, 'type' | 'value'>, now: number): number {
  const period = m.value * 1000;
  if (m.type !== 'PeriodicClockAligned') return now + period;
  // Multiples of the period from midnight UTC (§3.55: 900 s = on the quarter hours).
  const midnight = Math.floor(now / 86_400_000) * 86_400_000;
  return midnight + (Math.floor((now - midnight) / period) + 1) * period;
}
