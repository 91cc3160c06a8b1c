/**
 * A profile's `deviceModel:` section: how a model differs from the standard definitions. Keys are
 * components, then variables; a value is the variable's Actual value, or a map with more:
 *
 * ```yaml
 * deviceModel:
 *   OCPPCommCtrlr:
 *     HeartbeatInterval: 120                # the Actual value
 *     MessageTimeout[Default]: 45           # a variable instance in brackets
 *     WebSocketPingInterval: { value: 30, mutability: ReadOnly, rebootRequired: true }
 *   SampledDataCtrlr:
 *     TxUpdatedMeasurands: [Energy.Active.Import.Register, SoC]   # lists for Member/SequenceLists
 *   DeviceDataCtrlr:
 *     ItemsPerMessage: 20                   # no instance: every instance (GetReport, GetVariables…)
 *   TariffCostCtrlr: false                  # an optional functional block the model does not have
 *   AuthCacheCtrlr:
 *     Policy: false                         # an optional variable it does not have
 *   EVSE:                                   # every EVSE …
 *     Power: { maxSet: 11000 }
 *   EVSE@2:                                 # … or one: Name@evse, Name@evse.connector
 *     Power: { maxLimit: 7400, maxSet: 7400 }
 *   Connector@1.1:
 *     ConnectorType: cType2
 * ```
 *
 * Map keys of a variable: `value`, `mutability` (of Actual), `target`, `minSet`, `maxSet` (a value or
 * `{ value, mutability }`; naming one adds that attribute type), `minLimit`, `maxLimit`, `valuesList`,
 * `rebootRequired` and `monitors` (the model's own monitors, monitoring/profile-monitors.ts). Every
 * value must be valid for the variable (values.ts), and required components and variables cannot be removed. {@link checkDeviceModelSection} returns every problem
 * with its path in the section, so the profile loader can point at file:line.
 */
import { nearest } from '../../config/errors.js';
import type { MutabilityEnumType } from '../generated/types.gen.js';
import { sameName } from './keys.js';
import type { Attribute, AttributeSpec, ComponentSpec, VariableSpec } from './types.js';
import { checkValue } from './values.js';
import { profileMonitors } from '../monitoring/profile-monitors.js';

export type Scalar = string | number | boolean;
type AttributeValue = Scalar | readonly Scalar[];

/** An attribute other than Actual: its value, or its value and who may write it. */
export type AttributeOverride = AttributeValue | { value?: AttributeValue; mutability?: MutabilityEnumType };

export interface VariableOverrideEntry {
  value?: AttributeValue;
  mutability?: MutabilityEnumType;
  target?: AttributeOverride;
  minSet?: AttributeOverride;
  maxSet?: AttributeOverride;
  minLimit?: number;
  maxLimit?: number;
  valuesList?: string | readonly string[];
  rebootRequired?: boolean;
  /** Hard-wired or preconfigured monitors the model has on the variable (monitoring/profile-monitors.ts). */
  monitors?: readonly unknown[];
}

/** A variable's Actual value, a map of changes, or false to leave an optional variable out. */
export type VariableOverride = AttributeValue | VariableOverrideEntry | false;
/** A component's variables, or false to leave an optional component out. */
export type ComponentOverride = Readonly<Record<string, VariableOverride>> | false;
/** The `deviceModel:` section: `Component[instance][@evse[.connector]]` → overrides. */
export type DeviceModelSection = Readonly<Record<string, ComponentOverride>>;

/** A problem in the section: `path` is relative to the section (prefix it with 'deviceModel'). */
export interface DeviceModelIssue {
  path: (string | number)[];
  message: string;
}

/** A component placed in a model: its definition and its EVSE/connector tier. */
export interface PlacedComponent {
  spec: ComponentSpec;
  evse?: { id: number; connectorId?: number };
}

const ENTRY_KEYS = ['value', 'mutability', 'target', 'minSet', 'maxSet', 'minLimit', 'maxLimit', 'valuesList', 'rebootRequired', 'monitors'] as const;
const MORE: readonly [key: 'target' | 'minSet' | 'maxSet', attribute: Exclude<Attribute, 'Actual'>][] = [
  ['target', 'Target'],
  ['minSet', 'MinSet'],
  ['maxSet', 'MaxSet'],
];
const MUTABILITIES: readonly MutabilityEnumType[] = ['ReadOnly', 'ReadWrite', 'WriteOnly'];

const COMPONENT_KEY = /^([^@[\]]+)(?:\[([^\]]+)\])?(?:@(\d+)(?:\.(\d+))?)?$/;
const VARIABLE_KEY = /^([^[\]]+)(?:\[([^\]]+)\])?$/;

/**
 * The components with `section` applied (copies: the standard definitions are shared), and every
 * problem found. Later keys win over earlier ones (`EVSE` then `EVSE@2`).
 */
export function applyOverrides(placed: readonly PlacedComponent[], section: unknown): { placed: PlacedComponent[]; issues: DeviceModelIssue[] } {
  const issues = new IssueList();
  let out = placed.map((p) => ({ ...p }));
  if (section === undefined || section === null) return { placed: out, issues: [] };
  if (!isMap(section)) {
    issues.add([], 'must be a map of components to their variables');
    return { placed: out, issues: issues.list };
  }
  for (const [key, override] of Object.entries(section)) {
    const targets = matchComponents(out, key, issues);
    if (targets.length === 0) continue;
    if (override === false) {
      const required = targets.find((p) => !p.spec.optional);
      if (required) issues.add([key], `${required.spec.name} is required by OCPP 2.0.1 and cannot be left out`);
      else out = out.filter((p) => !targets.includes(p));
    } else if (!isMap(override)) {
      issues.add([key], 'must be a map of variables, or false to leave an optional component out');
    } else {
      for (const p of targets) p.spec = overrideComponent(p.spec, key, override, issues);
    }
  }
  return { placed: out, issues: issues.list };
}

/** The components a section key addresses; none (with an issue) when it addresses nothing. */
function matchComponents(placed: readonly PlacedComponent[], key: string, issues: IssueList): PlacedComponent[] {
  const m = COMPONENT_KEY.exec(key);
  if (!m) {
    issues.add([key], `'${key}' is not a component key: Name, Name[instance], Name@evse or Name@evse.connector`);
    return [];
  }
  const [, name, instance, evse, connector] = m;
  const named = placed.filter((p) => sameName(p.spec.name, name.trim()));
  if (named.length === 0) {
    const hint = nearest(name, new Set(placed.map((p) => p.spec.name)));
    issues.add([key], `unknown component '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    return [];
  }
  if (instance !== undefined) {
    issues.add([key], `${named[0].spec.name} has no instance '${instance}' (the standard components have none)`);
    return [];
  }
  if (evse === undefined) return named;
  const at = named.filter((p) => p.evse?.id === Number(evse) && (connector === undefined || p.evse.connectorId === Number(connector)));
  if (at.length === 0) {
    const where = named.filter((p) => p.evse).map((p) => `${p.evse!.id}${p.evse!.connectorId === undefined ? '' : `.${p.evse!.connectorId}`}`);
    issues.add([key], where.length === 0 ? `${named[0].spec.name} is not an EVSE or connector component: no @ tier` : `no ${named[0].spec.name} at ${evse}${connector === undefined ? '' : `.${connector}`} (this model has ${where.join(', ')})`);
  }
  return at;
}

function overrideComponent(spec: ComponentSpec, componentKey: string, override: Readonly<Record<string, unknown>>, issues: IssueList): ComponentSpec {
  let variables = [...spec.variables];
  for (const [key, value] of Object.entries(override)) {
    const path = [componentKey, key];
    const m = VARIABLE_KEY.exec(key);
    if (!m) {
      issues.add(path, `'${key}' is not a variable key: Name or Name[instance]`);
      continue;
    }
    const targets = matchVariables(variables, m[1].trim(), m[2]);
    if (targets.length === 0) {
      const hint = nearest(m[1], new Set(variables.map((x) => x.name)));
      issues.add(path, `${spec.name} has no variable '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    } else if (value === false) {
      const required = targets.find((x) => x.required);
      if (required) issues.add(path, `${spec.name}.${required.name} is required by OCPP 2.0.1 and cannot be left out`);
      else variables = variables.filter((x) => !targets.includes(x));
    } else {
      variables = variables.map((x) => (targets.includes(x) ? overrideVariable(x, path, value, issues) : x));
    }
  }
  return { ...spec, variables };
}

/** `Name[instance]` is that instance; `Name` is the variable without instance, else every instance. */
function matchVariables(variables: readonly VariableSpec[], name: string, instance: string | undefined): VariableSpec[] {
  const named = variables.filter((x) => sameName(x.name, name));
  const exact = named.filter((x) => sameName(x.instance, instance));
  return exact.length > 0 || instance !== undefined ? exact : named;
}

function overrideVariable(spec: VariableSpec, path: (string | number)[], override: unknown, issues: IssueList): VariableSpec {
  if (override === null || override === undefined) {
    issues.add(path, 'needs a value (or false to leave an optional variable out)');
    return spec;
  }
  const entry: Record<string, unknown> = isMap(override) ? override : { value: override };
  const out: VariableSpec = { ...spec, more: { ...spec.more } };
  const before = issues.list.length;
  for (const key of Object.keys(entry)) {
    if (!(ENTRY_KEYS as readonly string[]).includes(key)) {
      const hint = nearest(key, ENTRY_KEYS);
      issues.add([...path, key], `unknown key '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
  }
  const { value, mutability, minLimit, maxLimit, valuesList, rebootRequired } = entry;
  if (value !== undefined) setValue(out, value, isMap(override) ? [...path, 'value'] : path, issues);
  if (mutability !== undefined) {
    if (isMutability(mutability)) out.mutability = mutability;
    else issues.add([...path, 'mutability'], `'${String(mutability)}' is not one of ${MUTABILITIES.join(', ')}`);
  }
  for (const [key, limit] of [['minLimit', minLimit], ['maxLimit', maxLimit]] as const) {
    if (limit === undefined) continue;
    if (typeof limit === 'number' && Number.isFinite(limit)) out[key] = limit;
    else issues.add([...path, key], `'${String(limit)}' is not a number`);
  }
  if (valuesList !== undefined) {
    const list = asText(valuesList);
    if (list === undefined || list.trim() === '') issues.add([...path, 'valuesList'], 'must be a non-empty list of values');
    else out.valuesList = list.split(',').map((s) => s.trim()).join(',');
  }
  if (rebootRequired !== undefined) {
    if (typeof rebootRequired === 'boolean') out.rebootRequired = rebootRequired;
    else issues.add([...path, 'rebootRequired'], 'must be true or false');
  }
  for (const [key, attribute] of MORE) {
    if (entry[key] !== undefined) out.more![attribute] = overrideAttribute(spec.more?.[attribute], entry[key], [...path, key], issues);
  }
  if (issues.list.length === before) checkSpec(out, path, issues);
  // Checked against the variable as changed above (its limits), as SetVariableMonitoring would check them.
  if (entry.monitors !== undefined) out.monitors = profileMonitors(out, entry.monitors, [...path, 'monitors'], (p, m) => issues.add(p, m));
  return out;
}

function overrideAttribute(existing: AttributeSpec | undefined, override: unknown, path: (string | number)[], issues: IssueList): AttributeSpec {
  const out: AttributeSpec = { mutability: existing?.mutability ?? 'ReadWrite', ...(existing?.value === undefined ? {} : { value: existing.value }) };
  const entry: Record<string, unknown> = isMap(override) ? override : { value: override };
  for (const key of Object.keys(entry)) {
    if (key !== 'value' && key !== 'mutability') issues.add([...path, key], `unknown key '${key}': an attribute has a value and a mutability`);
  }
  if (entry.value !== undefined) setValue(out, entry.value, isMap(override) ? [...path, 'value'] : path, issues);
  if (entry.mutability !== undefined) {
    if (isMutability(entry.mutability)) out.mutability = entry.mutability;
    else issues.add([...path, 'mutability'], `'${String(entry.mutability)}' is not one of ${MUTABILITIES.join(', ')}`);
  }
  return out;
}

/** Every attribute value valid for the variable's (possibly changed) characteristics. */
function checkSpec(spec: VariableSpec, path: (string | number)[], issues: IssueList): void {
  if (spec.minLimit !== undefined && spec.maxLimit !== undefined && spec.minLimit > spec.maxLimit) {
    issues.add(path, `minLimit ${spec.minLimit} is above maxLimit ${spec.maxLimit}`);
    return;
  }
  const attributes: [string, AttributeSpec | undefined][] = [['value', spec], ...MORE.map(([key, a]) => [key, spec.more?.[a]] as [string, AttributeSpec | undefined])];
  for (const [key, attribute] of attributes) {
    if (attribute?.value === undefined) continue;
    const problem = checkValue(spec, spec.format, attribute.value);
    if (problem) issues.add(key === 'value' ? path : [...path, key], `${problem.message} (${spec.name}: ${spec.dataType}${spec.valuesList ? ` of ${spec.valuesList}` : ''})`);
  }
}

function setValue(target: { value?: string }, raw: unknown, path: (string | number)[], issues: IssueList): void {
  const text = asText(raw);
  if (text === undefined) issues.add(path, 'must be a string, number, boolean or a list of them');
  else target.value = text;
}

/** YAML scalars as the wire has them ('120', 'true', '0.5'); lists as CSV. */
function asText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  if (Array.isArray(raw)) {
    const items = raw.map(asText);
    return items.every((i) => i !== undefined && !i.includes(',')) ? items.join(',') : undefined;
  }
  return undefined;
}

function isMutability(m: unknown): m is MutabilityEnumType {
  return MUTABILITIES.includes(m as MutabilityEnumType);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Issues without repeats: one override applied to every EVSE reports a problem once. */
class IssueList {
  readonly list: DeviceModelIssue[] = [];
  private readonly seen = new Set<string>();

  add(path: (string | number)[], message: string): void {
    const key = `${path.join('\u0000')}\u0001${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ path, message });
  }
}
