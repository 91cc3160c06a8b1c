/**
 * CSMS-initiated CALLs. OCPP-J allows one outstanding CALL per direction (OCPP-J 1.6 §4.1.1), so
 * each connection has a single slot in plain fields and a FIFO, allocated lazily, for operator calls
 * that wait for it. Timeouts are found by one sweep over the connections with a CALL in flight
 * (see `CsmsCore.trackPending`): no timer per call.
 */
import { encodeCall, type CallErrorFrame, type CallResultFrame } from '../protocol/frame.js';
import { parseErrorCode } from '../protocol/errors.js';
import type { Connection } from './connection.js';
import type { CsmsCore } from './core.js';

/**
 * Why a CSMS-initiated call failed. `code` is the OCPP error code received in a CALLERROR (in the
 * 2.0.1 spelling, e.g. `FormatViolation`), or one of ours: `Timeout`, `UnknownIdentity`,
 * `Disconnected`, `InvalidResponse` (the CALLRESULT failed its schema: a finding about the charge
 * point), `InvalidRequest` (strict mode refused to send a schema-invalid CALL) or `QueueFull`.
 */
export class CsmsCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CsmsCallError';
  }
}

/** An operator call waiting for the connection's CALL slot. */
export interface QueuedCall {
  action: string;
  payload: unknown;
  timeoutMs: number;
  resolve: (payload: any) => void;
  reject: (error: Error) => void;
}

/** More waiting calls than this on one connection are refused with `QueueFull`. */
const MAX_QUEUED = 1000;

/**
 * Sends `action` to the charge point now if the slot is free, else queues it. The timeout runs from
 * the moment the CALL is sent, not from when it was queued.
 */
export function startCall(conn: Connection, action: string, payload: unknown, timeoutMs: number): Promise<any> {
  return new Promise((resolve, reject) => {
    if (conn.pendingId === null) {
      transmit(conn, action, payload, timeoutMs, resolve, reject);
    } else if ((conn.queue ??= []).length >= MAX_QUEUED) {
      reject(new CsmsCallError('QueueFull', `${MAX_QUEUED} calls already wait for ${conn.identity}`));
    } else {
      conn.queue.push({ action, payload, timeoutMs, resolve, reject });
    }
  });
}

function transmit(
  conn: Connection,
  action: string,
  payload: unknown,
  timeoutMs: number,
  resolve: (payload: any) => void,
  reject: (error: Error) => void,
): void {
  if (conn.ws.readyState !== conn.ws.OPEN) {
    reject(new CsmsCallError('Disconnected', `${conn.identity} is not connected`));
    return;
  }
  const id = String(++conn.nextCallId);
  conn.pendingId = id;
  conn.pendingAction = action;
  conn.pendingTimeoutMs = timeoutMs;
  conn.pendingDeadline = Date.now() + timeoutMs;
  conn.pendingResolve = resolve;
  conn.pendingReject = reject;
  conn.core.trackPending(conn);
  conn.core.stats.callsSent++;
  conn.send(encodeCall(id, action, payload));
}

/** Frees the slot and returns the settle functions of the call that held it. */
function takeSlot(conn: Connection): { resolve: (payload: any) => void; reject: (error: Error) => void } {
  const settle = { resolve: conn.pendingResolve!, reject: conn.pendingReject! };
  conn.pendingId = null;
  conn.pendingResolve = null;
  conn.pendingReject = null;
  conn.core.untrackPending(conn);
  return settle;
}

/** Sends the next queued call, if any, once the slot is free. */
function sendNext(conn: Connection): void {
  const next = conn.queue?.shift();
  if (next !== undefined) transmit(conn, next.action, next.payload, next.timeoutMs, next.resolve, next.reject);
}

/**
 * A CALLRESULT from the charge point. It settles our CALL if the id matches; its payload is
 * validated against the action's response schema and a violation rejects the call.
 */
export function settleResult(conn: Connection, frame: CallResultFrame): void {
  const stats = conn.core.stats;
  if (frame[1] !== conn.pendingId) {
    stats.unexpectedResponses++;
    return;
  }
  stats.callResults++;
  const action = conn.pendingAction;
  const { resolve, reject } = takeSlot(conn);
  const violation = conn.binding.validator.response(action, frame[2]);
  if (violation === null) {
    resolve(frame[2]);
  } else {
    stats.invalidResponses++;
    reject(
      new CsmsCallError('InvalidResponse', `${action} response from ${conn.identity} is schema-invalid: ${violation.message}`, {
        violation: violation.code,
        payload: frame[2],
      }),
    );
  }
  sendNext(conn);
}

/** A CALLERROR from the charge point: rejects our CALL with the received code. */
export function settleError(conn: Connection, frame: CallErrorFrame): void {
  const stats = conn.core.stats;
  if (frame[1] !== conn.pendingId) {
    stats.unexpectedResponses++;
    return;
  }
  stats.callErrorsReceived++;
  const { reject } = takeSlot(conn);
  reject(new CsmsCallError(parseErrorCode(frame[2]) ?? frame[2], frame[3], frame[4]));
  sendNext(conn);
}

/** The timeout sweep: rejects every CALL in flight whose deadline has passed. */
export function expireCalls(core: CsmsCore, now: number): void {
  for (const conn of core.pending) {
    if (conn.pendingDeadline > now) continue;
    core.stats.callTimeouts++;
    const action = conn.pendingAction;
    const { reject } = takeSlot(conn);
    reject(new CsmsCallError('Timeout', `No answer to ${action} from ${conn.identity} within ${conn.pendingTimeoutMs} ms`));
    sendNext(conn);
  }
}

/** Rejects the call in flight and every queued call of a connection (on close). */
export function failAllCalls(conn: Connection, code: string, message: string): void {
  if (conn.pendingId !== null) takeSlot(conn).reject(new CsmsCallError(code, message));
  const queue = conn.queue;
  if (queue !== null) {
    conn.queue = null;
    for (const call of queue) call.reject(new CsmsCallError(code, message));
  }
}

/**
 * Calls `action` on the charge point registered as `identity`. Rejects with `UnknownIdentity` when
 * none is connected, and, in strict mode, with `InvalidRequest` instead of sending a CALL that is
 * schema-invalid in the connection's version (or not one of its actions).
 */
export function callIdentity(core: CsmsCore, identity: string, action: string, payload: unknown, timeoutMs: number): Promise<any> {
  const conn = core.conns.get(identity);
  if (conn === undefined) {
    return Promise.reject(new CsmsCallError('UnknownIdentity', `No charge point ${identity} is connected`));
  }
  if (core.settings.strict) {
    const violation = conn.binding.validator.request(action, payload);
    if (violation !== null) {
      return Promise.reject(
        new CsmsCallError('InvalidRequest', `${action} request is schema-invalid: ${violation.message}`, { violation: violation.code }),
      );
    }
  }
  return startCall(conn, action, payload, timeoutMs);
}
