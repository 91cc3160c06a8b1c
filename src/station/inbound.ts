/**
 * Calls from the CSMS: validate, answer through the action's handler (or as a scenario's `respond`
 * says), and send the CALLRESULT — or the CALLERROR that the one error boundary here makes of any
 * OcppError (OCPP-J 1.6 §4.2.3). Follow-up calls a handler queues go out after the answer.
 */
import { A } from '../metrics/shard-stats.js';
import { encodeCallError, encodeCallResult } from '../protocol/frame.js';
import { OcppError, type ErrorCode } from '../protocol/errors.js';
import type { ResponseRule } from './response-rule.js';
import { LogKind, stationLog } from './log.js';
import { Boot, type Station } from './station.js';

/** Handles one CALL from the CSMS and answers it (or, as a scenario may say, answers late or never). */
export function handleCall(st: Station, id: string, action: string, payload: Record<string, unknown>, now: number): void {
  const { ctx } = st;
  // The CSMS names the action: an unknown one gets a row of its own only for the first few (ShardStats).
  const known = ctx.validator.hasAction(action);
  const idx = known ? ctx.stats.actionIndex(action) : ctx.stats.unknownActionIndex(action);
  ctx.stats.count(idx, A.CallsReceived);
  // While Rejected the charge point does not answer CSMS calls (OCPP 1.6 §4.2.1).
  if (st.boot === Boot.Rejected) return;
  let reply: string | null;
  const rule = st.rules?.get(action);
  st.replying = true;
  try {
    if (!known) {
      // Not an action of this OCPP version at all: NotImplemented ("Requested Action is not known by
      // receiver", OCPP-J 1.6 §4.2.3) — counted as an unknown action, not as a schema-invalid call.
      ctx.stats.count(idx, A.UnknownCalls);
      throw new OcppError('NotImplemented', `${action} is not a known action`);
    }
    const bad = ctx.validator.request(action, payload);
    if (bad) {
      ctx.stats.count(idx, A.InvalidCalls);
      ctx.securityEvent(st, 'InvalidMessages', `${action}: ${bad.message}`, now);
      throw new OcppError(bad.code, bad.message);
    }
    if (rule?.mode === 'error') throw new OcppError(rule.errorCode as ErrorCode, 'answered as the scenario says');
    // A charge point that times out neither answers nor acts; 'with' answers without acting.
    reply = rule?.mode === 'timeout' ? null : encodeCallResult(id, answer(st, action, payload, rule, now));
  } catch (err) {
    ctx.stats.count(idx, A.ErrorsSent);
    const e = err instanceof OcppError ? err : new OcppError('InternalError', (err as Error).message);
    if (!(err instanceof OcppError)) ctx.stats.problem(`${st.identity}: ${action} handler failed: ${e.message}`);
    reply = encodeCallError(id, e.code, e.message, e.details, ctx.version);
  }
  if (reply !== null) {
    stationLog.record(st, LogKind.Out, reply, now);
    if (st.ctx.tap !== null) st.ctx.tap.frame(st, 'out', reply, now);
  }
  if (reply !== null && rule?.delayMs) deferReply(st, reply, now + rule.delayMs);
  else if (reply !== null) st.sendRaw(reply);
  st.replying = false;
  ctx.behaviour.called?.(st, action, now);
  st.pump(now);
  st.arm(now);
}

/** The response to a valid CSMS call: the scenario's payload, or what the handler does and says. */
function answer(st: Station, action: string, payload: Record<string, unknown>, rule: ResponseRule | undefined, now: number): object {
  const { ctx } = st;
  if (rule?.mode === 'with') return rule.payload!;
  const handler = ctx.handlers[action];
  // A known action this charge point does not implement (the unknown ones never get here).
  if (!handler) throw new OcppError('NotSupported', `${action} is not supported by this charge point`);
  const response = handler(st, payload, now);
  if (ctx.options.strict) {
    const wrong = ctx.validator.response(action, response);
    if (wrong) throw new OcppError('InternalError', `simulator built an invalid ${action} response: ${wrong.message}`);
  }
  return response;
}

/** Holds an answer back until `at` (scenario `respond` with a delay); one at a time. */
function deferReply(st: Station, reply: string, at: number): void {
  if (st.deferred !== null) st.sendRaw(st.deferred);
  st.deferred = reply;
  st.deferredAt = at;
}
