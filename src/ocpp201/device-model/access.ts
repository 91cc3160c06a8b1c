/**
 * Reading and writing a charge point's variables: GetVariables (B06), SetVariables (B05), and the
 * station's own reads of its settings. Values are the charge point's override if it has one, else its
 * live value for live variables, else the model's.
 */
import type { ErrorCode } from '../../protocol/errors.js';
import type {
  ComponentType,
  GetVariableDataType,
  GetVariableResultType,
  SetVariableDataType,
  SetVariableResultType,
  StatusInfoType,
  VariableType,
} from '../generated/types.gen.js';
import { componentKey, variableKey } from './keys.js';
import { truncate } from './report-entry.js';
import { ATTRIBUTE_COUNT, ATTRIBUTES, type Attribute, type DeviceModel, type DeviceModelState, type LiveValues, type VariableDef } from './types.js';
import { checkValue, normaliseValue } from './values.js';

const ACTUAL = 0;
const MIN_SET = 2;
const MAX_SET = 3;

/** The variable a request names, or why there is none. */
type Found = { def: VariableDef } | { unknown: 'UnknownComponent' | 'UnknownVariable' };

function find(dm: DeviceModel, component: Readonly<ComponentType>, variable: Readonly<VariableType>): Found {
  const key = componentKey(component);
  if (!dm.componentByKey.has(key)) return { unknown: 'UnknownComponent' };
  const def = dm.variableByKey.get(variableKey(key, variable.name, variable.instance));
  return def ? { def } : { unknown: 'UnknownVariable' };
}

/** The variable named, if the model has it (names and instances case-insensitive). */
export function findVariable(dm: DeviceModel, component: Readonly<ComponentType> | string, variable: Readonly<VariableType> | string): VariableDef | undefined {
  const c = typeof component === 'string' ? { name: component } : component;
  const v = typeof variable === 'string' ? { name: variable } : variable;
  const found = find(dm, c, v);
  return 'def' in found ? found.def : undefined;
}

/**
 * The value slot of a variable's attribute, or -1 when the model has no such attribute: compute it
 * once (the model is shared) and read with {@link readSlot} on the hot path.
 */
export function slotOf(dm: DeviceModel, component: Readonly<ComponentType> | string, variable: Readonly<VariableType> | string, attribute: Attribute = 'Actual'): number {
  const def = findVariable(dm, component, variable);
  const a = ATTRIBUTES.indexOf(attribute);
  return def?.attributes[a] ? def.index * ATTRIBUTE_COUNT + a : -1;
}

/** A slot's value for this charge point (live values aside: the station knows those itself). */
export function readSlot(dm: DeviceModel, state: DeviceModelState, slot: number): string | undefined {
  if (state !== null) {
    const v = state.get(slot);
    if (v !== undefined) return v;
  }
  return dm.defaults[slot];
}

/** A setting of this charge point by name, e.g. `read(dm, state, 'OCPPCommCtrlr', 'HeartbeatInterval')`. */
export function read(dm: DeviceModel, state: DeviceModelState, component: Readonly<ComponentType> | string, variable: Readonly<VariableType> | string, attribute: Attribute = 'Actual'): string | undefined {
  const slot = slotOf(dm, component, variable, attribute);
  return slot < 0 ? undefined : readSlot(dm, state, slot);
}

/** An attribute's current value: override, else live (Actual of a live variable), else the model's. */
export function valueOf(dm: DeviceModel, state: DeviceModelState, def: VariableDef, attribute: number, live?: LiveValues): string | undefined {
  const slot = def.index * ATTRIBUTE_COUNT + attribute;
  if (state !== null) {
    const v = state.get(slot);
    if (v !== undefined) return v;
  }
  if (attribute === ACTUAL && def.live) {
    const v = live?.liveValue(def);
    if (v !== undefined) return v;
    // A clock without a station to ask is the host's clock.
    if (def.characteristics.dataType === 'dateTime' && dm.defaults[slot] === undefined) return new Date().toISOString();
  }
  return dm.defaults[slot];
}

/** Whether this charge point has its own value for any attribute of `def`. */
export function isOverridden(state: DeviceModelState, def: VariableDef): boolean {
  if (state === null) return false;
  for (let a = 0; a < ATTRIBUTE_COUNT; a++) if (state.has(def.index * ATTRIBUTE_COUNT + a)) return true;
  return false;
}

/**
 * GetVariablesResponse.getVariableResult: one result per item, in order (B06.FR.01), each with the
 * requested component and variable (B06.FR.02) and attributeType, Actual when not given (B06.FR.03,
 * B06.FR.11).
 */
export function getVariables(dm: DeviceModel, state: DeviceModelState, data: readonly GetVariableDataType[], live?: LiveValues): GetVariableResultType[] {
  return data.map((d) => getOne(dm, state, d, live));
}

function getOne(dm: DeviceModel, state: DeviceModelState, d: GetVariableDataType, live: LiveValues | undefined): GetVariableResultType {
  const attributeType = d.attributeType ?? 'Actual';
  const result = (attributeStatus: GetVariableResultType['attributeStatus'], info?: StatusInfoType): GetVariableResultType => ({
    attributeStatus,
    ...(info ? { attributeStatusInfo: info } : {}),
    attributeType,
    component: d.component,
    variable: d.variable,
  });
  const found = find(dm, d.component, d.variable);
  // B06.FR.06, B06.FR.07: unknown component or variable, no attributeValue.
  if ('unknown' in found) return result(found.unknown, statusInfo('NotFound', describe(found.unknown, d.component, d.variable)));
  const a = ATTRIBUTES.indexOf(attributeType);
  const attribute = found.def.attributes[a];
  // B06.FR.08: an attribute type the variable does not have.
  if (!attribute) return result('NotSupportedAttributeType', statusInfo('UnsupportedParam', `${found.def.variable.name} has no ${attributeType} attribute`));
  // B06.FR.09: a WriteOnly variable is not read.
  if (attribute.mutability === 'WriteOnly') return result('Rejected', statusInfo('WriteOnly', `${found.def.variable.name} is write-only`));
  // B06.FR.10; B06.FR.13: a supported attribute without a value reads as ''; ReportingValueSize cuts.
  const value = valueOf(dm, state, found.def, a, live) ?? '';
  return { ...result('Accepted'), attributeValue: truncate(value, dm.limits.reportValueSize) };
}

/** A value set by SetVariables, for the charge point to act on (a new HeartbeatInterval reschedules…). */
export interface VariableChange {
  def: VariableDef;
  attribute: Attribute;
  /** The slot {@link slotOf} gives for it: compare with slots computed once. */
  slot: number;
  value: string;
  /** Stored, but in effect only after a reboot (answered RebootRequired). */
  rebootRequired: boolean;
}

export interface SetVariablesOutcome {
  /** SetVariablesResponse.setVariableResult. */
  results: SetVariableResultType[];
  /** Every value accepted, in request order. */
  changed: VariableChange[];
  /** The charge point's state from now on (a new map on its first change; null if nothing differs). */
  state: DeviceModelState;
}

/**
 * SetVariables: one result per item, in order (B05.FR.01), with the requested component, variable
 * (B05.FR.02) and attributeType, Actual when not given (B05.FR.03, B05.FR.12). Items are applied in
 * order, so a later item sees an earlier one's value.
 */
export function setVariables(dm: DeviceModel, state: DeviceModelState, data: readonly SetVariableDataType[], live?: LiveValues): SetVariablesOutcome {
  const changed: VariableChange[] = [];
  let values = state;
  const results = data.map((d): SetVariableResultType => {
    const attributeType = d.attributeType ?? 'Actual';
    const result = (attributeStatus: SetVariableResultType['attributeStatus'], info?: StatusInfoType): SetVariableResultType => ({
      attributeType,
      attributeStatus,
      ...(info ? { attributeStatusInfo: info } : {}),
      component: d.component,
      variable: d.variable,
    });
    const found = find(dm, d.component, d.variable);
    // B05.FR.04, B05.FR.05
    if ('unknown' in found) return result(found.unknown, statusInfo('NotFound', describe(found.unknown, d.component, d.variable)));
    const { def } = found;
    const a = ATTRIBUTES.indexOf(attributeType);
    const attribute = def.attributes[a];
    // B05.FR.06
    if (!attribute) return result('NotSupportedAttributeType', statusInfo('UnsupportedParam', `${def.variable.name} has no ${attributeType} attribute`));
    const refused = refusal(dm, values, def, a, d.attributeValue, live);
    if (refused) return result('Rejected', refused);
    // B05.FR.09: not writable ("This happens if the variable is ReadOnly").
    if (attribute.mutability === 'ReadOnly') return result('Rejected', statusInfo('ReadOnly', `${def.variable.name} is read-only`));
    const value = normaliseValue(def.characteristics.dataType, d.attributeValue);
    const slot = def.index * ATTRIBUTE_COUNT + a;
    values = store(dm, values, slot, value);
    changed.push({ def, attribute: attributeType, slot, value, rebootRequired: def.rebootRequired });
    // B05.FR.10; SetVariableStatusEnumType RebootRequired (Part 2 §3.79) for a change that needs a reboot.
    return result(def.rebootRequired ? 'RebootRequired' : 'Accepted');
  });
  return { results, changed, state: values };
}

/** Why `value` cannot be written to attribute `a` of `def` (B05.FR.07, B05.FR.08), or null. */
function refusal(dm: DeviceModel, state: DeviceModelState, def: VariableDef, a: number, value: string, live: LiveValues | undefined): StatusInfoType | null {
  // ConfigurationValueSize / ValueSize bound what may be written (Referenced Components §2.1.20).
  if (value.length > dm.limits.setValueSize) return statusInfo('TooLargeElement', `${value.length} characters, ConfigurationValueSize is ${dm.limits.setValueSize}`);
  const problem = checkValue(def.characteristics, def.format, value);
  if (problem) return statusInfo(problem.reason, problem.message);
  const numeric = def.characteristics.dataType === 'integer' || def.characteristics.dataType === 'decimal';
  if (!numeric) return null;
  // The configured bounds: Actual and Target within MinSet..MaxSet, MinSet not above MaxSet (Part 1 §4.3).
  const n = Number(value);
  const bound = (b: number) => {
    const v = def.attributes[b] ? valueOf(dm, state, def, b, live) : undefined;
    return v === undefined || v === '' ? undefined : Number(v);
  };
  const min = a === MIN_SET ? undefined : bound(MIN_SET);
  const max = a === MAX_SET ? undefined : bound(MAX_SET);
  if (a !== MAX_SET && max !== undefined && n > max) return statusInfo('ValueOutOfRange', `${value} is above MaxSet ${max}`);
  if (a !== MIN_SET && min !== undefined && n < min) return statusInfo('ValueOutOfRange', `${value} is below MinSet ${min}`);
  return null;
}

/** The state with `slot` set; a value equal to the model's is no override, and no override is null. */
function store(dm: DeviceModel, state: DeviceModelState, slot: number, value: string): DeviceModelState {
  if (value === dm.defaults[slot]) {
    if (state === null) return null;
    state.delete(slot);
    return state.size === 0 ? null : state;
  }
  const out = state ?? new Map<number, string>();
  out.set(slot, value);
  return out;
}

/**
 * The state after a reboot: values of non-persistent attributes are lost. Writable values are
 * persistent (Referenced Components §2), so in practice only what a profile made otherwise goes.
 */
export function stateAfterReboot(dm: DeviceModel, state: DeviceModelState): DeviceModelState {
  if (state === null) return null;
  for (const slot of [...state.keys()]) {
    const def = dm.variables[Math.floor(slot / ATTRIBUTE_COUNT)];
    if (!def.attributes[slot % ATTRIBUTE_COUNT]?.persistent) state.delete(slot);
  }
  return state.size === 0 ? null : state;
}

export type LimitedAction = 'GetVariables' | 'SetVariables' | 'GetReport';

/**
 * The CALLERROR a request too large for the model's DeviceDataCtrlr limits MAY get, or null:
 * OccurrenceConstraintViolation for more items than ItemsPerMessage, FormatViolation for more bytes
 * than BytesPerMessage (B06.FR.16/17, B08.FR.17/18; for SetVariables the same limits, B05.FR.11).
 */
export function requestLimitViolation(dm: DeviceModel, action: LimitedAction, items: number, bytes: number): ErrorCode | null {
  const l = dm.limits;
  const [maxItems, maxBytes] =
    action === 'GetVariables' ? [l.itemsGetVariables, l.bytesGetVariables] : action === 'SetVariables' ? [l.itemsSetVariables, l.bytesSetVariables] : [l.itemsGetReport, l.bytesGetReport];
  if (items > maxItems) return 'OccurrenceConstraintViolation';
  if (bytes > maxBytes) return 'FormatViolation';
  return null;
}

function statusInfo(reasonCode: string, additionalInfo: string): StatusInfoType {
  // StatusInfoType.additionalInfo is at most 512 characters.
  return { reasonCode, additionalInfo: truncate(additionalInfo, 512) };
}

/** 'no component X@1' / 'X@1 has no variable Y[i]', in the profile's key notation. */
function describe(unknown: 'UnknownComponent' | 'UnknownVariable', c: Readonly<ComponentType>, v: Readonly<VariableType>): string {
  const inst = (i?: string) => (i ? `[${i}]` : '');
  const tier = c.evse ? `@${c.evse.id}${c.evse.connectorId === undefined ? '' : `.${c.evse.connectorId}`}` : '';
  const component = `${c.name}${inst(c.instance)}${tier}`;
  return unknown === 'UnknownComponent' ? `no component ${component}` : `${component} has no variable ${v.name}${inst(v.instance)}`;
}

