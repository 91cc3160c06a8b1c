/**
 * OCPP-J framing (OCPP-J 1.6 §4, OCPP 2.0.1 Part 4 §4): decode and encode CALL, CALLRESULT and
 * CALLERROR frames. Version-neutral: the action set and error spellings come from the caller.
 *
 * Decoding parses once and checks the shape with `typeof`, returning the parsed array itself (no
 * wrapper object) or a {@link FrameError} that says which CALLERROR to answer with, if any.
 */
import { type ErrorCode, wireErrorCode } from './errors.js';

export const CALL = 2;
export const CALLRESULT = 3;
export const CALLERROR = 4;

export type CallFrame = [typeof CALL, string, string, Record<string, unknown>];
export type CallResultFrame = [typeof CALLRESULT, string, Record<string, unknown>];
export type CallErrorFrame = [typeof CALLERROR, string, string, string, Record<string, unknown>];
export type Frame = CallFrame | CallResultFrame | CallErrorFrame;

/** Message ids are at most 36 characters (OCPP-J 1.6 §4.1.3, 2.0.1 Part 4 §4.1.3). */
export const MAX_MESSAGE_ID_LENGTH = 36;

/**
 * A frame that could not be decoded. `replyId` is set when the frame was (or may have been) a CALL
 * whose id we could read, so that the sender can be answered with a CALLERROR; `'-1'` follows the
 * 2.0.1 rule for a CALL whose id cannot be read (Part 4 §4.2.3).
 */
export class FrameError {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
    readonly replyId: string | null,
  ) {}
}

/** Decodes one text frame. Never throws. */
export function decodeFrame(text: string): Frame | FrameError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new FrameError('RpcFrameworkError', 'Message is not valid JSON', '-1');
  }
  if (!Array.isArray(parsed)) return new FrameError('RpcFrameworkError', 'Message must be a JSON array', '-1');
  const type = parsed[0];
  const id = parsed[1];
  if (typeof type !== 'number') return new FrameError('RpcFrameworkError', 'Message type must be a number', '-1');
  const idOk = typeof id === 'string' && id.length > 0 && id.length <= MAX_MESSAGE_ID_LENGTH;
  switch (type) {
    case CALL:
      if (!idOk) return new FrameError('RpcFrameworkError', 'Message id must be a string of 1 to 36 characters', '-1');
      if (parsed.length !== 4) return new FrameError('FormatViolation', 'A CALL has exactly 4 elements', id);
      if (typeof parsed[2] !== 'string') return new FrameError('FormatViolation', 'Action must be a string', id);
      if (!isPlainObject(parsed[3])) return new FrameError('FormatViolation', 'Payload must be a JSON object', id);
      return parsed as CallFrame;
    case CALLRESULT:
      // Responses are never answered (OCPP-J §4.2): a bad one is reported, not replied to.
      if (!idOk) return new FrameError('RpcFrameworkError', 'Message id must be a string of 1 to 36 characters', null);
      if (parsed.length !== 3 || !isPlainObject(parsed[2])) {
        return new FrameError('FormatViolation', 'A CALLRESULT is [3, id, {payload}]', null);
      }
      return parsed as CallResultFrame;
    case CALLERROR:
      if (!idOk) return new FrameError('RpcFrameworkError', 'Message id must be a string of 1 to 36 characters', null);
      if (parsed.length !== 5 || typeof parsed[2] !== 'string' || typeof parsed[3] !== 'string' || !isPlainObject(parsed[4])) {
        return new FrameError('FormatViolation', 'A CALLERROR is [4, id, code, description, {details}]', null);
      }
      return parsed as CallErrorFrame;
    default:
      // Extension fallback (2.0.1 Part 4 §4.4): answer an unknown message type with a CALLERROR.
      return new FrameError('MessageTypeNotSupported', `Unknown message type ${type}`, idOk ? id : '-1');
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `[2,"<id>","<action>",<payload>]` */
export function encodeCall(id: string, action: string, payload: unknown): string {
  return `[2,${JSON.stringify(id)},"${action}",${JSON.stringify(payload)}]`;
}

/** `[3,"<id>",<payload>]` */
export function encodeCallResult(id: string, payload: unknown): string {
  return `[3,${JSON.stringify(id)},${JSON.stringify(payload)}]`;
}

/** `[4,"<id>","<code>","<description>",<details>]`, with the code spelt for the peer's version. */
export function encodeCallError(
  id: string,
  code: ErrorCode,
  description: string,
  details: Record<string, unknown>,
  version: string,
): string {
  return JSON.stringify([CALLERROR, id, wireErrorCode(code, version), description.slice(0, 255), details]);
}
