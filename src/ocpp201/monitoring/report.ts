/**
 * GetMonitoringReport (N02): the monitors that match the request's criteria and component-variables,
 * grouped per variable in the model's order, as NotifyMonitoringReport parts within the model's
 * GetReport sizes (ItemsPerMessage/BytesPerMessage[GetReport]).
 */
import { componentMatches, variableMatches, type MessageLimits, type VariableDef } from '../device-model/index.js';
import type { ComponentVariableType, MonitoringCriterionEnumType, MonitoringDataType, NotifyMonitoringReportRequest, VariableMonitoringType } from '../generated/types.gen.js';
import { meetsCriterion, type Monitor } from './monitor.js';

/**
 * The report's entries: no criteria and no component-variables = every monitor (N02.FR.11); a
 * component-variable without a variable = all the component's (N02.FR.16), matched like GetReport's
 * (no evse = every tier, no instance = every instance); with both, what meets both.
 */
export function monitoringReport(
  monitors: Iterable<Monitor>,
  criteria: readonly MonitoringCriterionEnumType[] | undefined,
  componentVariables: readonly ComponentVariableType[] | undefined,
): MonitoringDataType[] {
  const byVariable = new Map<VariableDef, VariableMonitoringType[]>();
  for (const m of monitors) {
    if (criteria && criteria.length > 0 && !criteria.some((c) => meetsCriterion(m.type, c))) continue;
    if (componentVariables && componentVariables.length > 0 && !componentVariables.some((cv) => componentMatches(m.def.component, cv) && variableMatches(m.def, cv))) continue;
    let list = byVariable.get(m.def);
    if (list === undefined) byVariable.set(m.def, (list = []));
    list.push({ id: m.id, transaction: m.transaction, value: m.value, type: m.type, severity: m.severity });
  }
  return [...byVariable.entries()]
    .sort(([a], [b]) => a.index - b.index)
    .map(([def, variableMonitoring]) => ({ component: def.component.component, variable: def.variable, variableMonitoring: variableMonitoring.sort((a, b) => a.id - b.id) }));
}

/**
 * The NotifyMonitoringReport parts: each carries the requestId, seqNo counts from 0, tbc is true on all
 * but the last; a part holds at most `limits.itemsGetReport` entries and `limits.bytesGetReport` bytes,
 * except an entry that alone is larger, which goes by itself.
 */
export function monitoringReportParts(requestId: number, entries: readonly MonitoringDataType[], limits: Pick<MessageLimits, 'itemsGetReport' | 'bytesGetReport'>, generatedAt: string): NotifyMonitoringReportRequest[] {
  const parts: NotifyMonitoringReportRequest[] = [];
  let start = 0;
  do {
    const seqNo = parts.length;
    let bytes = Buffer.byteLength(JSON.stringify({ requestId, generatedAt, seqNo, tbc: false, monitor: [] }));
    let end = start;
    while (end < entries.length && end - start < limits.itemsGetReport) {
      const add = Buffer.byteLength(JSON.stringify(entries[end])) + (end > start ? 1 : 0);
      if (end > start && bytes + add > limits.bytesGetReport) break;
      bytes += add;
      end++;
    }
    const part: NotifyMonitoringReportRequest = { requestId, seqNo, generatedAt, tbc: end < entries.length };
    if (end > start) part.monitor = entries.slice(start, end);
    parts.push(part);
    start = end;
  } while (start < entries.length);
  return parts;
}
