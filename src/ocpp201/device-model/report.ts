/**
 * What GetBaseReport (B07) and GetReport (B08) report: the ReportDataType entries, and the response
 * status. The entries are then sent in NotifyReportRequest parts (notify-report.ts). Entries of
 * variables whose values are the model's are the model's own shared objects.
 */
import type {
  ComponentCriterionEnumType,
  ComponentVariableType,
  GenericDeviceModelStatusEnumType,
  GetBaseReportRequest,
  GetBaseReportResponse,
  GetReportRequest,
  GetReportResponse,
  ReportBaseEnumType,
  ReportDataType,
  StatusInfoType,
} from '../generated/types.gen.js';
import { isOverridden, valueOf } from './access.js';
import { sameName } from './keys.js';
import { reportEntry } from './report-entry.js';
import type { ComponentDef, DeviceModel, DeviceModelState, LiveValues, VariableDef } from './types.js';

const ACTUAL = 0;

/** A variable's entry with this charge point's values: the model's shared entry when they are the model's. */
export function entryOf(dm: DeviceModel, state: DeviceModelState, def: VariableDef, live?: LiveValues): ReportDataType {
  if (!def.live && !isOverridden(state, def)) return def.fullReport;
  return reportEntry(def, (a) => valueOf(dm, state, def, a, live), dm.limits.reportValueSize);
}

const configEntries = new WeakMap<ReportDataType, ReportDataType | null>();

/** The entry with its settable attributes only (ReadWrite, WriteOnly), or null when it has none. */
function configEntry(full: ReportDataType): ReportDataType | null {
  let out = configEntries.get(full);
  if (out === undefined) {
    const settable = full.variableAttribute.filter((a) => a.mutability === 'ReadWrite' || a.mutability === 'WriteOnly');
    out = settable.length === 0 ? null : settable.length === full.variableAttribute.length ? full : { ...full, variableAttribute: settable };
    configEntries.set(full, out);
  }
  return out;
}

/** Variables that report an abnormal condition when true (ReportBaseEnumType SummaryInventory). */
const CONDITIONS = new Set(['problem', 'tripped', 'overload', 'fallback']);

/**
 * The entries of a base report:
 * - ConfigurationInventory: every component-variable that can be set by the operator, with its
 *   characteristics (B07.FR.07) — its ReadWrite and WriteOnly attributes;
 * - FullInventory: every component-variable with all its attributes and characteristics (B07.FR.08,
 *   B07.FR.11);
 * - SummaryInventory: the AvailabilityState of the ChargingStation and of each EVSE, of each
 *   Connector where it differs from its EVSE's, and every Problem, Tripped, Overload or Fallback
 *   that is true (B07.FR.09, ReportBaseEnumType).
 */
export function baseReport(dm: DeviceModel, state: DeviceModelState, reportBase: ReportBaseEnumType, live?: LiveValues): ReportDataType[] {
  const out: ReportDataType[] = [];
  if (reportBase === 'SummaryInventory') {
    for (const c of dm.components) summaryOf(dm, state, c, live, out);
    return out;
  }
  for (const def of dm.variables) {
    const full = entryOf(dm, state, def, live);
    const entry = reportBase === 'FullInventory' ? full : configEntry(full);
    if (entry) out.push(entry);
  }
  return out;
}

function summaryOf(dm: DeviceModel, state: DeviceModelState, c: ComponentDef, live: LiveValues | undefined, out: ReportDataType[]): void {
  const name = c.component.name;
  const tier = name === 'ChargingStation' || name === 'EVSE' || name === 'Connector';
  for (const def of c.variables) {
    const variable = def.variable.name.toLowerCase();
    if (tier && variable === 'availabilitystate' && def.variable.instance === undefined) {
      if (name === 'Connector' && sameValue(dm, state, def, c.parent, live)) continue;
      out.push(entryOf(dm, state, def, live));
    } else if (CONDITIONS.has(variable) && valueOf(dm, state, def, ACTUAL, live) === 'true') {
      out.push(entryOf(dm, state, def, live));
    }
  }
}

/** Whether a connector's AvailabilityState is its EVSE's (then the summary leaves it out). */
function sameValue(dm: DeviceModel, state: DeviceModelState, def: VariableDef, evse: ComponentDef | undefined, live: LiveValues | undefined): boolean {
  const ofEvse = evse?.variables.find((v) => v.variable.name === def.variable.name && v.variable.instance === undefined);
  return ofEvse !== undefined && valueOf(dm, state, ofEvse, ACTUAL, live) === valueOf(dm, state, def, ACTUAL, live);
}

/**
 * The entries of a custom report (B08), each with its characteristics (B08.FR.12):
 * - criteria: components matching at least one (B08.FR.13); Active, Available and Enabled match a
 *   component whose variable of that name is true or that has none (B08.FR.07–09), Problem one whose
 *   Problem is true (B08.FR.10);
 * - componentVariables: only those (B08.FR.11); no variable = all of the component's (B08.FR.20), no
 *   variable instance = every instance (B08.FR.21), no evse = every tier (B08.FR.23), an evse without
 *   connector = every connector of it (B08.FR.22), no component instance = every instance (B08.FR.25);
 * - both: what matches both (B08.FR.05); neither: everything.
 */
export function customReport(
  dm: DeviceModel,
  state: DeviceModelState,
  criteria: readonly ComponentCriterionEnumType[] | undefined,
  componentVariables: readonly ComponentVariableType[] | undefined,
  live?: LiveValues,
): ReportDataType[] {
  const out: ReportDataType[] = [];
  for (const c of dm.components) {
    if (criteria && criteria.length > 0 && !criteria.some((k) => meetsCriterion(dm, state, c, k, live))) continue;
    const wanted = componentVariables && componentVariables.length > 0 ? componentVariables.filter((cv) => componentMatches(c, cv)) : undefined;
    if (wanted && wanted.length === 0) continue;
    for (const def of c.variables) {
      if (!wanted || wanted.some((cv) => variableMatches(def, cv))) out.push(entryOf(dm, state, def, live));
    }
  }
  return out;
}

function meetsCriterion(dm: DeviceModel, state: DeviceModelState, c: ComponentDef, criterion: ComponentCriterionEnumType, live: LiveValues | undefined): boolean {
  const def = c.variables.find((v) => v.variable.name === criterion && v.variable.instance === undefined);
  if (!def) return criterion !== 'Problem';
  return valueOf(dm, state, def, ACTUAL, live) === 'true';
}

export function componentMatches(c: ComponentDef, cv: ComponentVariableType): boolean {
  const want = cv.component;
  if (!sameName(want.name, c.component.name)) return false;
  if (want.instance !== undefined && want.instance !== '' && !sameName(want.instance, c.component.instance)) return false;
  if (want.evse === undefined) return true;
  const at = c.component.evse;
  return at !== undefined && at.id === want.evse.id && (want.evse.connectorId === undefined || at.connectorId === want.evse.connectorId);
}

export function variableMatches(def: VariableDef, cv: ComponentVariableType): boolean {
  const want = cv.variable;
  if (!want) return true;
  if (!sameName(want.name, def.variable.name)) return false;
  return want.instance === undefined || want.instance === '' || sameName(want.instance, def.variable.instance);
}

/** A GetBaseReport/GetReport answer, and the entries to send in NotifyReport parts (null: send none). */
export interface ReportAnswer<R> {
  response: R;
  reportData: ReportDataType[] | null;
}

export interface ReportOptions {
  live?: LiveValues;
  /** Another report is still being sent: "temporarily unable" (B07.FR.13, B08.FR.16). */
  busy?: boolean;
}

/**
 * GetBaseReportResponse: Accepted and the entries (B07.FR.01, B07.FR.03), NotSupported for a base the
 * model does not support (B07.FR.02, no NotifyReport: B07.FR.05), Rejected while busy (B07.FR.13).
 */
export function answerGetBaseReport(dm: DeviceModel, state: DeviceModelState, request: GetBaseReportRequest, options: ReportOptions = {}): ReportAnswer<GetBaseReportResponse> {
  if (options.busy) return refused('Rejected', 'InvalidMessageSeq', 'another report is being sent');
  if (!dm.reportBases.has(request.reportBase)) return refused('NotSupported', 'UnsupportedParam', `${request.reportBase} is not supported`);
  return { response: { status: 'Accepted' }, reportData: baseReport(dm, state, request.reportBase, options.live) };
}

/**
 * GetReportResponse: NotSupported for a criterion the model does not support (B08.FR.02),
 * EmptyResultSet when nothing matches (B08.FR.15), Rejected while busy (B08.FR.16), else Accepted
 * and the entries (B08.FR.01, B08.FR.03).
 */
export function answerGetReport(dm: DeviceModel, state: DeviceModelState, request: GetReportRequest, options: ReportOptions = {}): ReportAnswer<GetReportResponse> {
  if (options.busy) return refused('Rejected', 'InvalidMessageSeq', 'another report is being sent');
  const unsupported = request.componentCriteria?.find((c) => !dm.criteria.has(c));
  if (unsupported !== undefined) return refused('NotSupported', 'UnsupportedParam', `component criterion ${unsupported} is not supported`);
  const reportData = customReport(dm, state, request.componentCriteria, request.componentVariable, options.live);
  if (reportData.length === 0) return { response: { status: 'EmptyResultSet' }, reportData: null };
  return { response: { status: 'Accepted' }, reportData };
}

function refused<R extends { status: GenericDeviceModelStatusEnumType; statusInfo?: StatusInfoType }>(status: GenericDeviceModelStatusEnumType, reasonCode: string, additionalInfo: string): ReportAnswer<R> {
  return { response: { status, statusInfo: { reasonCode, additionalInfo } } as R, reportData: null };
}
