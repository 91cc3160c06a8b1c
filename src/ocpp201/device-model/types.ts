/**
 * The shapes of the OCPP 2.0.1 device model (Part 1 §4): components hold variables, a variable has up
 * to four attributes (Actual, Target, MinSet, MaxSet) and one set of characteristics. Definitions are
 * data ({@link VariableSpec}); {@link buildDeviceModel} resolves them into one immutable
 * {@link DeviceModel} per profile, shared by every charge point of that profile.
 */
import type {
  AttributeEnumType,
  ComponentCriterionEnumType,
  ComponentType,
  DataEnumType,
  MonitorEnumType,
  MutabilityEnumType,
  ReportBaseEnumType,
  ReportDataType,
  VariableCharacteristicsType,
  VariableType,
} from '../generated/types.gen.js';

export type Attribute = AttributeEnumType;

/** Attribute types in slot order: a value's slot is `variable.index * 4 + attribute index`. */
export const ATTRIBUTES: readonly Attribute[] = ['Actual', 'Target', 'MinSet', 'MaxSet'];
export const ATTRIBUTE_COUNT = 4;

/**
 * Formats of string variables stricter than "string" (Part 2 §2.1.4 Primitive Datatypes): the wire
 * dataType stays `string`, the value is checked against the narrower form.
 */
export type StringFormat = 'passwordString' | 'identity' | 'timeOffset';

/** One attribute of a variable as defined: who may write it and its default (undefined = unset). */
export interface AttributeSpec {
  mutability: MutabilityEnumType;
  value?: string;
}

/**
 * A variable as the standard (or a profile) defines it, before it is placed in a model. `mutability`
 * and `value` are those of the Actual attribute; controller components use Actual only (Part 1 §4.3).
 */
export interface VariableSpec {
  name: string;
  instance?: string;
  dataType: DataEnumType;
  mutability: MutabilityEnumType;
  value?: string;
  unit?: string;
  minLimit?: number;
  /** For strings and lists: the maximum length of the (CSV) string (VariableCharacteristicsType). */
  maxLimit?: number;
  /** Comma-separated allowed values of an OptionList, MemberList or SequenceList. */
  valuesList?: string;
  format?: StringFormat;
  /** The Target, MinSet and MaxSet attributes, when the variable has them. */
  more?: Partial<Record<Exclude<Attribute, 'Actual'>, AttributeSpec>>;
  /** "Required? yes" in the appendix (dm_components_vars): a profile cannot remove it. */
  required?: boolean;
  /** A change is stored but only takes effect after a reboot (SetVariables answers RebootRequired). */
  rebootRequired?: boolean;
  /**
   * The Actual value is the charge point's own state (its clock, a connector's availability, its
   * identity), asked of {@link LiveValues}; the definition's value is the fallback.
   */
  live?: boolean;
  /** A live value the station tells monitoring about when it changes (N04, characteristics.supportsMonitoring). */
  monitorable?: boolean;
  /** Monitors the model comes with on this variable (a profile's `monitors:`; ocpp201/monitoring/profile-monitors.ts). */
  monitors?: readonly ModelMonitorSpec[];
}

/** A hard-wired or preconfigured monitor a model declares on a variable (N03/N04), checked against it. */
export interface ModelMonitorSpec {
  readonly type: MonitorEnumType;
  readonly value: number;
  readonly severity: number;
  readonly origin: 'HardWiredMonitor' | 'PreconfiguredMonitor';
}

/** A component as the standard defines it: its variables, and whether a profile may leave it out. */
export interface ComponentSpec {
  name: string;
  variables: readonly VariableSpec[];
  /** Only needed when the station supports its functional block (Part 2, Referenced Components §2). */
  optional?: boolean;
}

/** One attribute of a variable in a model. */
export interface AttributeDef {
  readonly type: Attribute;
  readonly mutability: MutabilityEnumType;
  /** The model's value of the attribute; undefined = supported but unset (B06.FR.13, B07.FR.11). */
  readonly value: string | undefined;
  readonly persistent: boolean;
  readonly constant: boolean;
}

/** One component-variable of a model, with everything needed to answer for it. */
export interface VariableDef {
  /** Dense index within the model: the first of its four value slots is `index * 4`. */
  readonly index: number;
  readonly component: ComponentDef;
  /** As reported: `{ name, instance? }`. */
  readonly variable: Readonly<VariableType>;
  /** By slot order (Actual, Target, MinSet, MaxSet); undefined = attribute type not supported. */
  readonly attributes: readonly (AttributeDef | undefined)[];
  readonly characteristics: Readonly<VariableCharacteristicsType>;
  readonly format: StringFormat | undefined;
  readonly rebootRequired: boolean;
  readonly live: boolean;
  /** The model's own monitors on this variable (empty for most). */
  readonly monitors: readonly ModelMonitorSpec[];
  /** The report entry with the model's values: shared by every charge point until one differs. */
  readonly fullReport: Readonly<ReportDataType>;
}

/** One component of a model: a controller, the ChargingStation, an EVSE or a Connector. */
export interface ComponentDef {
  readonly index: number;
  /** As reported: `{ name, instance?, evse? }`. */
  readonly component: Readonly<ComponentType>;
  readonly variables: readonly VariableDef[];
  /** For a Connector: its EVSE's component (SummaryInventory compares their AvailabilityState). */
  readonly parent: ComponentDef | undefined;
}

/** Sizes the model announces in DeviceDataCtrlr (Part 2, Referenced Components §2.1.16–2.1.23). */
export interface MessageLimits {
  readonly itemsGetVariables: number;
  readonly bytesGetVariables: number;
  readonly itemsSetVariables: number;
  readonly bytesSetVariables: number;
  readonly itemsGetReport: number;
  readonly bytesGetReport: number;
  /** The longest value a SetVariables may write (ConfigurationValueSize and ValueSize). */
  readonly setValueSize: number;
  /** The longest value reported; longer ones are cut (ReportingValueSize and ValueSize). */
  readonly reportValueSize: number;
}

/** The immutable device model of one profile, shared by all its charge points. */
export interface DeviceModel {
  readonly components: readonly ComponentDef[];
  readonly variables: readonly VariableDef[];
  /** The model's value of every slot (undefined = unset or attribute not supported). */
  readonly defaults: readonly (string | undefined)[];
  readonly limits: MessageLimits;
  /** Report bases answered Accepted; the others NotSupported (B07.FR.02, B07.FR.12). */
  readonly reportBases: ReadonlySet<ReportBaseEnumType>;
  /** Component criteria a GetReport may use; the others make it NotSupported (B08.FR.02). */
  readonly criteria: ReadonlySet<ComponentCriterionEnumType>;
  /** Component key → component (see keys.ts). */
  readonly componentByKey: ReadonlyMap<string, ComponentDef>;
  /** Component key + variable key → variable. */
  readonly variableByKey: ReadonlyMap<string, VariableDef>;
}

/**
 * One charge point's values that differ from its model's, by slot: null until the first accepted
 * SetVariables, so an untouched charge point costs nothing.
 */
export type DeviceModelState = Map<number, string> | null;

/**
 * The charge point's own values of live variables (clock, availability, identity…). A station can
 * implement it itself, so nothing is allocated per call. Undefined = use the model's value.
 */
export interface LiveValues {
  liveValue(variable: VariableDef): string | undefined;
}
