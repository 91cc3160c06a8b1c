/**
 * The device model over the wire (B05–B08): GetVariables, SetVariables — whose accepted values take
 * effect at once (a new HeartbeatInterval re-arms the heartbeat) — and the reports, whose
 * NotifyReport parts follow the answer.
 */
import { OcppError } from '../../protocol/errors.js';
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import {
  answerGetBaseReport,
  answerGetReport,
  getVariables as read,
  notifyReportParts,
  requestLimitViolation,
  setVariables as write,
  type LimitedAction,
  type ReportAnswer,
} from '../device-model/index.js';
import type {
  GetBaseReportRequest,
  GetBaseReportResponse,
  GetReportRequest,
  GetReportResponse,
  GetVariablesRequest,
  GetVariablesResponse,
  SetVariablesRequest,
  SetVariablesResponse,
} from '../generated/types.gen.js';
import { liveValues } from '../live-values.js';
import { modelOf } from '../station-model.js';
import { networkPriorityRefusal, securityVariablesSet } from '../security/network.js';
import { smartChargingVariablesSet } from '../smart-charging/state.js';

/** B06.FR.16/17, B05.FR.11: a request beyond ItemsPerMessage / BytesPerMessage gets a CALLERROR. */
function checkLimits(st: Station, action: LimitedAction, items: number, request: object): void {
  const code = requestLimitViolation(modelOf(st.ctx.profile).dm, action, items, Buffer.byteLength(JSON.stringify(request)));
  if (code !== null) throw new OcppError(code, `${action} exceeds the charge point's ItemsPerMessage/BytesPerMessage`);
}

export function getVariables(st: Station, req: GetVariablesRequest): GetVariablesResponse {
  checkLimits(st, 'GetVariables', req.getVariableData.length, req);
  return { getVariableResult: read(modelOf(st.ctx.profile).dm, st.variables, req.getVariableData, liveValues(st)) };
}

export function setVariables(st: Station, req: SetVariablesRequest, now: number): SetVariablesResponse {
  checkLimits(st, 'SetVariables', req.setVariableData.length, req);
  const m = modelOf(st.ctx.profile);
  // A05.FR.02/03: a NetworkConfigurationPriority the station cannot connect with is refused, not stored.
  const refused = req.setVariableData.map((d) => networkPriorityRefusal(st, d));
  const outcome = write(m.dm, st.variables, refused.every((r) => r === null) ? req.setVariableData : req.setVariableData.filter((_, i) => refused[i] === null), liveValues(st));
  st.variables = outcome.state;
  for (const change of outcome.changed) {
    // A value in effect now re-arms what depends on it; one that needs a reboot waits for it (B05.FR.10).
    const s = m.settingSlots.indexOf(change.slot);
    if (s >= 0 && !change.rebootRequired) st.settingChanged(s);
  }
  securityVariablesSet(st, outcome.changed, now);
  smartChargingVariablesSet(st, outcome.changed, now);
  // Monitors on the values just written (N07; their events follow the answer).
  if (outcome.changed.length > 0 && st.monitoring !== null) st.monitoring.changed(st, now);
  let k = 0;
  const results = req.setVariableData.map((d, i) =>
    refused[i] === null ? outcome.results[k++] : { attributeType: d.attributeType ?? 'Actual', attributeStatus: 'Rejected' as const, attributeStatusInfo: refused[i]!, component: d.component, variable: d.variable },
  );
  return { setVariableResult: results };
}

/** A report is still being sent (its NotifyReport parts are queued or in flight). */
function reporting(st: Station): boolean {
  if (st.pending?.action === 'NotifyReport') return true;
  let busy = false;
  st.queue.forEach((call) => (busy ||= call.action === 'NotifyReport'));
  return busy;
}

/** Queues the report's parts (B07.FR.03, B08.FR.03) after the answer, each within BytesPerMessage[GetReport]. */
function sendReport<R>(st: Station, requestId: number, answer: ReportAnswer<R>, now: number): R {
  if (answer.reportData !== null) {
    const { limits } = modelOf(st.ctx.profile).dm;
    const parts = notifyReportParts(requestId, answer.reportData, { maxBytes: limits.bytesGetReport, maxItems: limits.itemsGetReport }, new Date(now).toISOString());
    for (const part of parts) {
      // Kept: a CSMS waiting for a report's last part must get it, across a dropped connection too.
      // Part of a use case the CSMS started, so it goes while the boot is Pending too (B02.FR.01: the
      // CSMS may read the device model before it accepts the station), like a triggered message.
      st.enqueue(new OutboundCall(Kind.Kept, 'NotifyReport', part as never).asTriggered());
    }
  }
  return answer.response;
}

export function getBaseReport(st: Station, req: GetBaseReportRequest, now: number): GetBaseReportResponse {
  const answer = answerGetBaseReport(modelOf(st.ctx.profile).dm, st.variables, req, { live: liveValues(st), busy: reporting(st) });
  return sendReport(st, req.requestId, answer, now);
}

export function getReport(st: Station, req: GetReportRequest, now: number): GetReportResponse {
  checkLimits(st, 'GetReport', req.componentVariable?.length ?? 0, req);
  const answer = answerGetReport(modelOf(st.ctx.profile).dm, st.variables, req, { live: liveValues(st), busy: reporting(st) });
  return sendReport(st, req.requestId, answer, now);
}
