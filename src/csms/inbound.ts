/**
 * Frames from charge points: decode once, then CALLs go through validation to a responder and
 * CALLRESULT/CALLERROR settle our own CALL in flight. Every failure to handle a CALL becomes a
 * CALLERROR at this one boundary, with the codes spelt for the connection's version (OCPP-J 1.6
 * §4.2.3, 2.0.1 Part 4 §4.3). Schemas, responders and ledger are the connection's version binding's.
 *
 * Frames that are no RPC message at all (protocol/frame.ts) get 2.0.1's framework codes on a 2.0.1
 * connection: a CALL whose message id cannot be read is answered `RpcFrameworkError` with message id
 * "-1" (2.0.1 Part 4 §4.2.3), an unknown message type `MessageTypeNotSupported` (§4.4); 1.6 has
 * neither code and gets `ProtocolError`.
 */
import {
  CALL,
  CALLRESULT,
  FrameError,
  decodeFrame,
  encodeCallError,
  encodeCallResult,
  type CallFrame,
} from '../protocol/frame.js';
import { type ErrorCode, OcppError } from '../protocol/errors.js';
import type { Connection } from './connection.js';
import { NO_REPLY } from './core.js';
import { settleError, settleResult } from './outbound.js';

/** Thrown (after the charge point got an InternalError) when strict mode catches a bad answer of ours. */
export class CsmsStrictError extends Error {
  override name = 'CsmsStrictError';
}

/** Handles one text frame received on `conn`. */
export function handleFrame(conn: Connection, text: string): void {
  const stats = conn.core.stats;
  stats.messagesIn++;
  const frame = decodeFrame(text);
  if (frame instanceof FrameError) {
    stats.badFrames++;
    // Only a CALL is answered; a bad CALLRESULT/CALLERROR has replyId null (OCPP-J §4.2).
    if (frame.replyId !== null) sendError(conn, frame.replyId, frame.code, frame.message);
    return;
  }
  if (frame[0] === CALL) handleCall(conn, frame);
  else if (frame[0] === CALLRESULT) settleResult(conn, frame);
  else settleError(conn, frame);
}

function handleCall(conn: Connection, frame: CallFrame): void {
  const core = conn.core;
  const binding = conn.binding;
  const id = frame[1];
  const action = frame[2];
  const payload = frame[3];
  const responder = binding.responders.get(action);
  if (responder === undefined) {
    // Unknown action names get NotImplemented; actions of the version that a charge point may not
    // initiate (CSMS-only ones) are known but not supported here (OCPP-J 1.6 §4.2.3, 2.0.1 Part 4 §4.3).
    sendError(conn, id, binding.validator.hasAction(action) ? 'NotSupported' : 'NotImplemented', `${action} is not handled by this CSMS`);
    return;
  }
  binding.received(core.stats)[action]++;
  // Always validate: it is cheap, and a schema-invalid message from the simulator is a bug to surface.
  const violation = binding.validator.request(action, payload);
  if (violation !== null) {
    sendError(conn, id, violation.code, violation.message);
    return;
  }
  let response: object | undefined;
  try {
    const hook = core.onRequest;
    if (hook !== undefined) response = hook(conn.identity, action, payload);
    if (response === undefined) response = responder(conn, payload);
  } catch (error) {
    if (error instanceof OcppError) {
      sendError(conn, id, error.code, error.message, error.details);
      return;
    }
    sendError(conn, id, 'InternalError', `${action} handler failed`);
    if (core.settings.strict) throw error;
    core.logger.line(`csms: ${action} handler failed for ${conn.identity}: ${String(error)}`);
    return;
  }
  if (response === NO_REPLY) return;
  if (core.settings.strict) {
    const bad = binding.validator.response(action, response);
    if (bad !== null) {
      sendError(conn, id, 'InternalError', 'The CSMS produced a schema-invalid response');
      throw new CsmsStrictError(`strict: our ${action} response is schema-invalid (${bad.code}: ${bad.message}): ${JSON.stringify(response)}`);
    }
  }
  binding.record(conn, action, payload, response);
  conn.send(encodeCallResult(id, response));
}

function sendError(conn: Connection, id: string, code: ErrorCode, description: string, details: Record<string, unknown> = {}): void {
  conn.core.stats.callErrorsSent++;
  conn.send(encodeCallError(id, code, description, details, conn.binding.version));
}
