/**
 * Monitoring and customer information over the wire (N02–N06, N09, N10): SetVariableMonitoring,
 * SetMonitoringBase, SetMonitoringLevel, ClearVariableMonitoring, GetMonitoringReport (its
 * NotifyMonitoringReport parts follow the answer) and CustomerInformation (its NotifyCustomerInformation
 * parts likewise). The events monitors raise are ocpp201/monitoring/events.ts.
 */
import { OcppError } from '../../protocol/errors.js';
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import { findVariable, requestLimitViolation, valueOf } from '../device-model/index.js';
import { componentKey } from '../device-model/keys.js';
import type {
  ClearMonitoringResultType,
  ClearVariableMonitoringRequest,
  ClearVariableMonitoringResponse,
  CustomerInformationRequest,
  CustomerInformationResponse,
  GetMonitoringReportRequest,
  GetMonitoringReportResponse,
  SetMonitoringBaseRequest,
  SetMonitoringBaseResponse,
  SetMonitoringDataType,
  SetMonitoringLevelRequest,
  SetMonitoringLevelResponse,
  SetMonitoringResultType,
  SetVariableMonitoringRequest,
  SetVariableMonitoringResponse,
} from '../generated/types.gen.js';
import { liveValues } from '../live-values.js';
import { modelOf } from '../station-model.js';
import { customerInformation as customer, customerInformationParts } from '../monitoring/customer.js';
import { armPeriodic, monitorsChanged } from '../monitoring/events.js';
import { isPeriodic, MAX_CUSTOM_MONITORS, Monitor, monitorRefusal, sharedSpec } from '../monitoring/monitor.js';
import { monitoringReport, monitoringReportParts } from '../monitoring/report.js';
import { monitoringNumber, monitoringOf, monitoringSlots, storeValue, type MonitoringState } from '../monitoring/state.js';

/** A model without a MonitoringCtrlr does not monitor: the actions are NotSupported. */
function requireMonitoring(st: Station, action: string): void {
  if (monitoringSlots(modelOf(st.ctx.profile).dm).base < 0) throw new OcppError('NotSupported', `${action}: this charging station has no MonitoringCtrlr`);
}

/** N04.FR.09 (and N06 likewise): more items than ItemsPerMessage, or more bytes than BytesPerMessage, is a CALLERROR. */
function checkLimits(st: Station, action: string, items: number, request: object, itemsSlot: number, bytesSlot: number): void {
  if (items > monitoringNumber(st, itemsSlot, Infinity)) throw new OcppError('OccurrenceConstraintViolation', `${action}: more than ItemsPerMessage[${action}] items`);
  if (Buffer.byteLength(JSON.stringify(request)) > monitoringNumber(st, bytesSlot, Infinity)) throw new OcppError('FormatViolation', `${action}: more than BytesPerMessage[${action}] bytes`);
}

export function setVariableMonitoring(st: Station, req: SetVariableMonitoringRequest, now: number): SetVariableMonitoringResponse {
  requireMonitoring(st, 'SetVariableMonitoring');
  const slots = monitoringSlots(modelOf(st.ctx.profile).dm);
  checkLimits(st, 'SetVariableMonitoring', req.setMonitoringData.length, req, slots.itemsSet, slots.bytesSet);
  const state = monitoringOf(st);
  const set: Monitor[] = [];
  const results = req.setMonitoringData.map((item) => setOne(st, state, item, now, set));
  // N07.FR.11: a new or changed threshold is judged against the value now; a delta starts from it.
  if (set.length > 0) monitorsChanged(st, state, now);
  armPeriodic(st, state);
  return { setMonitoringResult: results };
}

function setOne(st: Station, state: MonitoringState, item: SetMonitoringDataType, now: number, set: Monitor[]): SetMonitoringResultType {
  const result = (status: SetMonitoringResultType['status'], reasonCode?: string, additionalInfo?: string, id = item.id): SetMonitoringResultType => ({
    ...(id === undefined ? {} : { id }),
    ...(reasonCode ? { statusInfo: { reasonCode, additionalInfo: additionalInfo!.slice(0, 512) } } : {}),
    status,
    type: item.type,
    component: item.component,
    variable: item.variable,
    severity: item.severity,
  });
  const { dm } = modelOf(st.ctx.profile);
  const existing = item.id === undefined ? undefined : state.get(item.id);
  // N04.FR.13: an id that names no monitor.
  if (item.id !== undefined && existing === undefined) return result('Rejected', 'InvalidValue', `no monitor ${item.id}`);
  if (!dm.componentByKey.has(componentKey(item.component))) return result('UnknownComponent', 'NotFound', `no component ${item.component.name}`);
  const def = findVariable(dm, item.component, item.variable);
  if (def === undefined) return result('UnknownVariable', 'NotFound', `${item.component.name} has no variable ${item.variable.name}`);
  if (existing !== undefined) {
    // N04.FR.16: a monitor's id cannot move it to another component-variable.
    if (existing.def !== def) return result('Rejected', 'InvalidValue', `monitor ${existing.id} is on another variable`);
    if (existing.origin === 'HardWiredMonitor') return result('Rejected', 'ReadOnly', `monitor ${existing.id} is hard-wired`);
  }
  const refused = monitorRefusal(def, item);
  if (refused) return result(refused.status, refused.info.reasonCode, refused.info.additionalInfo ?? '');
  if (existing === undefined) {
    // §3.77 Duplicate: the variable has a monitor of this type and severity already.
    for (const m of state.on(def)) if (m.type === item.type && m.severity === item.severity) return result('Duplicate', 'DuplicateValue', `monitor ${m.id} has this type and severity`);
    if (state.customCount() >= MAX_CUSTOM_MONITORS) return result('Rejected', 'OutOfStorage', `at most ${MAX_CUSTOM_MONITORS} monitors`);
  }
  const id = existing?.id ?? state.nextId++;
  const value = item.type === 'Delta' ? (valueOf(dm, st.variables, def, 0, liveValues(st)) ?? '') : undefined;
  const spec = { id, def, type: item.type, value: item.value, severity: item.severity, transaction: item.transaction ?? false, origin: existing?.origin ?? 'CustomMonitor' } as const;
  const monitor = new Monitor(sharedSpec(dm, spec), value);
  state.put(monitor, now);
  if (!isPeriodic(monitor.type)) set.push(monitor);
  return result('Accepted', undefined, undefined, id);
}

export function setMonitoringBase(st: Station, req: SetMonitoringBaseRequest, now: number): SetMonitoringBaseResponse {
  requireMonitoring(st, 'SetMonitoringBase');
  const { dm } = modelOf(st.ctx.profile);
  const state = monitoringOf(st);
  state.applyBase(dm, req.monitoringBase, now);
  storeValue(st, monitoringSlots(dm).base, req.monitoringBase);
  armPeriodic(st, state);
  return { status: 'Accepted' };
}

/** N05: events are reported only up to this severity (ActiveMonitoringLevel); out of 0-9 is Rejected. */
export function setMonitoringLevel(st: Station, req: SetMonitoringLevelRequest): SetMonitoringLevelResponse {
  requireMonitoring(st, 'SetMonitoringLevel');
  if (!Number.isInteger(req.severity) || req.severity < 0 || req.severity > 9) {
    return { status: 'Rejected', statusInfo: { reasonCode: 'ValueOutOfRange', additionalInfo: `severity ${req.severity} is not 0-9` } };
  }
  storeValue(st, monitoringSlots(modelOf(st.ctx.profile).dm).level, String(req.severity));
  return { status: 'Accepted' };
}

/** N06: each id Accepted (removed), Rejected for a hard-wired monitor, NotFound for an unknown one. */
export function clearVariableMonitoring(st: Station, req: ClearVariableMonitoringRequest): ClearVariableMonitoringResponse {
  requireMonitoring(st, 'ClearVariableMonitoring');
  const slots = monitoringSlots(modelOf(st.ctx.profile).dm);
  checkLimits(st, 'ClearVariableMonitoring', req.id.length, req, slots.itemsClear, slots.bytesClear);
  const state = monitoringOf(st);
  const results = req.id.map((id): ClearMonitoringResultType => {
    const m = state.get(id);
    if (m === undefined) return { id, status: 'NotFound' };
    if (m.origin === 'HardWiredMonitor') return { id, status: 'Rejected', statusInfo: { reasonCode: 'ReadOnly', additionalInfo: `monitor ${id} is hard-wired` } };
    state.remove(id);
    return { id, status: 'Accepted' };
  });
  armPeriodic(st, state);
  return { clearMonitoringResult: results };
}

/**
 * N02: Accepted and the report's parts after the answer, EmptyResultSet when no monitor matches; more
 * component-variables than ItemsPerMessage[GetReport] is a CALLERROR (N02.FR.07).
 */
export function getMonitoringReport(st: Station, req: GetMonitoringReportRequest, now: number): GetMonitoringReportResponse {
  requireMonitoring(st, 'GetMonitoringReport');
  const { dm } = modelOf(st.ctx.profile);
  const code = requestLimitViolation(dm, 'GetReport', req.componentVariable?.length ?? 0, Buffer.byteLength(JSON.stringify(req)));
  if (code !== null) throw new OcppError(code, 'GetMonitoringReport exceeds ItemsPerMessage/BytesPerMessage[GetReport]');
  const entries = monitoringReport(monitoringOf(st).monitors, req.monitoringCriteria, req.componentVariable);
  if (entries.length === 0) return { status: 'EmptyResultSet' };
  for (const part of monitoringReportParts(req.requestId, entries, dm.limits, new Date(now).toISOString())) {
    // Kept, and sent while a boot is Pending too: part of a use case the CSMS started (as NotifyReport).
    st.enqueue(new OutboundCall(Kind.Kept, 'NotifyMonitoringReport', part as never).asTriggered());
  }
  return { status: 'Accepted' };
}

/** N09/N10: the answer, then the report's NotifyCustomerInformation parts when one was asked for. */
export function customerInformation(st: Station, req: CustomerInformationRequest, now: number): CustomerInformationResponse {
  const outcome = customer(st, req, now);
  if (outcome.report !== null) {
    for (const part of customerInformationParts(req.requestId, outcome.report, new Date(now).toISOString())) {
      st.enqueue(new OutboundCall(Kind.Kept, 'NotifyCustomerInformation', part as never).asTriggered());
    }
  }
  return outcome.response;
}
