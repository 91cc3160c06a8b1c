/**
 * Builds the one immutable {@link DeviceModel} of a profile: the standard controllers, the
 * ChargingStation, and an EVSE and Connector component per outlet (Part 1 §4.1 tiers), with the
 * profile's `deviceModel:` overrides applied. Every charge point of the profile shares it; a charge
 * point holds only a {@link DeviceModelState}.
 */
import type { ComponentCriterionEnumType, ComponentType, ReportBaseEnumType } from '../generated/types.gen.js';
import { chargingStationSpec, connectorSpec, controllerSpecs, evseSpec, type MeteringInput } from './components.js';
import { componentKey, variableKey } from './keys.js';
import { applyOverrides, type DeviceModelIssue, type PlacedComponent } from './overrides.js';
import { reportEntry } from './report-entry.js';
import type { EvseInput } from './topology.js';
import { ATTRIBUTE_COUNT, ATTRIBUTES, type AttributeDef, type ComponentDef, type DeviceModel, type MessageLimits, type VariableDef, type VariableSpec } from './types.js';
import { normaliseValue } from './values.js';

export interface DeviceModelInput extends MeteringInput {
  vendor: string;
  model: string;
  /** ChargingStation.SerialNumber when the same for every charge point (else live). */
  serial?: string;
  firmware?: string;
  evses: readonly EvseInput[];
  /** The profile's `deviceModel:` section (see overrides.ts); it must pass {@link checkDeviceModelSection}. */
  overrides?: unknown;
  /** SummaryInventory is optional (ReportBaseEnumType); without it GetBaseReport answers NotSupported. Default true. */
  summaryInventory?: boolean;
  /** Criteria GetReport supports (B08.FR.01/02). Default all four. */
  criteria?: readonly ComponentCriterionEnumType[];
}

const NO_MONITORS: readonly never[] = Object.freeze([]);
const ALL_CRITERIA: readonly ComponentCriterionEnumType[] = ['Active', 'Available', 'Enabled', 'Problem'];

/** Every problem of a profile's `deviceModel:` section for this topology; empty when it is good. */
export function checkDeviceModelSection(section: unknown, input: Omit<DeviceModelInput, 'overrides'>): DeviceModelIssue[] {
  return applyOverrides(placeComponents(input), section).issues;
}

/** The device model of a profile; throws if its overrides have problems (check them first). */
export function buildDeviceModel(input: DeviceModelInput): DeviceModel {
  const { placed, issues } = applyOverrides(placeComponents(input), input.overrides);
  if (issues.length > 0) {
    throw new Error(`deviceModel: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return resolve(placed, input);
}

/** The standard components for this station, in report order: controllers, station, EVSEs with their connectors. */
function placeComponents(input: Omit<DeviceModelInput, 'overrides'>): PlacedComponent[] {
  const placed: PlacedComponent[] = controllerSpecs(input).map((spec) => ({ spec }));
  const phasesOf = (c: EvseInput['connectors'][number]) => c.phases ?? 3;
  const stationPhases = Math.max(0, ...input.evses.flatMap((e) => e.connectors.map(phasesOf)));
  placed.push({ spec: chargingStationSpec(input, stationPhases) });
  for (const evse of input.evses) {
    const power = Math.max(0, ...evse.connectors.map((c) => c.maxPowerW ?? 0));
    placed.push({ spec: evseSpec(power, Math.max(0, ...evse.connectors.map(phasesOf))), evse: { id: evse.id } });
    for (const c of evse.connectors) {
      placed.push({ spec: connectorSpec(c.type, phasesOf(c), c.chargeProtocol), evse: { id: evse.id, connectorId: c.id } });
    }
  }
  return placed;
}

function resolve(placed: readonly PlacedComponent[], input: DeviceModelInput): DeviceModel {
  const components: ComponentDef[] = [];
  const variables: VariableDef[] = [];
  const defaults: (string | undefined)[] = [];
  const componentByKey = new Map<string, ComponentDef>();
  const variableByKey = new Map<string, VariableDef>();
  const byTier = new Map<number, ComponentDef>();
  for (const p of placed) {
    const component: ComponentType = { name: p.spec.name, ...(p.evse ? { evse: freeze({ ...p.evse }) } : {}) };
    const key = componentKey(component);
    if (componentByKey.has(key)) throw new Error(`two components ${p.spec.name}${p.evse ? ` at ${p.evse.id}.${p.evse.connectorId ?? ''}` : ''}`);
    const parent = p.evse?.connectorId === undefined ? undefined : byTier.get(p.evse.id);
    const def = { index: components.length, component: freeze(component), variables: [] as VariableDef[], parent };
    if (p.spec.name === 'EVSE' && p.evse) byTier.set(p.evse.id, def);
    for (const spec of p.spec.variables) {
      const variable = variableDef(variables.length, def, spec);
      variables.push(variable);
      def.variables.push(variable);
      for (let a = 0; a < ATTRIBUTE_COUNT; a++) defaults.push(variable.attributes[a]?.value);
      variableByKey.set(variableKey(key, spec.name, spec.instance), variable);
    }
    freeze(def.variables);
    components.push(freeze(def));
    componentByKey.set(key, def);
  }
  const limits = limitsOf(variableByKey, defaults);
  for (const v of variables) {
    (v as { fullReport: VariableDef['fullReport'] }).fullReport = deepFreeze(reportEntry(v, (a) => defaults[v.index * ATTRIBUTE_COUNT + a], limits.reportValueSize));
    freeze(v);
  }
  const reportBases: ReportBaseEnumType[] = ['ConfigurationInventory', 'FullInventory', ...(input.summaryInventory === false ? [] : ['SummaryInventory' as const])];
  return freeze({
    components: freeze(components),
    variables: freeze(variables),
    defaults: freeze(defaults),
    limits,
    reportBases: new Set(reportBases),
    criteria: new Set(input.criteria ?? ALL_CRITERIA),
    componentByKey,
    variableByKey,
  });
}

function variableDef(index: number, component: ComponentDef, spec: VariableSpec): VariableDef {
  const live = spec.live === true;
  const attribute = (type: (typeof ATTRIBUTES)[number], a: { mutability: AttributeDef['mutability']; value?: string } | undefined): AttributeDef | undefined =>
    a &&
    freeze({
      type,
      mutability: a.mutability,
      value: a.value === undefined ? undefined : normaliseValue(spec.dataType, a.value),
      // Writable values SHALL be persistent (Referenced Components §2); live values are not stored.
      persistent: a.mutability !== 'ReadOnly' || !(live && type === 'Actual'),
      constant: a.mutability === 'ReadOnly' && !(live && type === 'Actual'),
    });
  const characteristics = freeze({
    ...(spec.unit === undefined ? {} : { unit: spec.unit }),
    dataType: spec.dataType,
    ...(spec.minLimit === undefined ? {} : { minLimit: spec.minLimit }),
    ...(spec.maxLimit === undefined ? {} : { maxLimit: spec.maxLimit }),
    ...(spec.valuesList === undefined ? {} : { valuesList: spec.valuesList }),
    // Variable monitoring (N04): stored values change only by SetVariables, which tells the monitors; of
    // the live ones, those the station watches (ocpp201/monitoring/). A write-only value is never shown.
    supportsMonitoring: spec.mutability !== 'WriteOnly' && (live ? spec.monitorable === true : true),
  });
  return {
    index,
    component,
    variable: freeze({ name: spec.name, ...(spec.instance === undefined ? {} : { instance: spec.instance }) }),
    attributes: freeze([
      attribute('Actual', spec),
      attribute('Target', spec.more?.Target),
      attribute('MinSet', spec.more?.MinSet),
      attribute('MaxSet', spec.more?.MaxSet),
    ]),
    characteristics,
    format: spec.format,
    rebootRequired: spec.rebootRequired === true,
    live,
    monitors: spec.monitors === undefined ? NO_MONITORS : freeze([...spec.monitors]),
    fullReport: undefined as unknown as VariableDef['fullReport'], // set once every default is known
  };
}

/** DeviceDataCtrlr sizes, bounded by the schema's own (SetVariableData.attributeValue 1000, values 2500). */
function limitsOf(variableByKey: ReadonlyMap<string, VariableDef>, defaults: readonly (string | undefined)[]): MessageLimits {
  const value = (name: string, instance: string | undefined, fallback: number) => {
    const def = variableByKey.get(variableKey(componentKey({ name: 'DeviceDataCtrlr' }), name, instance));
    const v = def && defaults[def.index * ATTRIBUTE_COUNT];
    return v === undefined || v === '' ? fallback : Number(v);
  };
  const valueSize = value('ValueSize', undefined, Infinity);
  return freeze({
    itemsGetVariables: value('ItemsPerMessage', 'GetVariables', Infinity),
    bytesGetVariables: value('BytesPerMessage', 'GetVariables', Infinity),
    itemsSetVariables: value('ItemsPerMessage', 'SetVariables', Infinity),
    bytesSetVariables: value('BytesPerMessage', 'SetVariables', Infinity),
    itemsGetReport: value('ItemsPerMessage', 'GetReport', Infinity),
    bytesGetReport: value('BytesPerMessage', 'GetReport', Infinity),
    setValueSize: Math.min(1000, value('ConfigurationValueSize', undefined, 1000), valueSize),
    reportValueSize: Math.min(2500, value('ReportingValueSize', undefined, 2500), valueSize),
  });
}

function freeze<T>(o: T): T {
  return Object.freeze(o);
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
