/**
 * The single table of OCPP-J RPC error codes (OCPP-J 1.6 §4.2.3, OCPP 2.0.1 Part 4 §4.3).
 *
 * We use the correct spellings internally (as OCPP 2.1 spells them). The specifications misspelt two:
 * 1.6 has "FormationViolation" and "OccurenceConstraintViolation", and 2.0.1 fixed the first but kept
 * the second (its table still reads "OccurenceConstraintViolation"; only 2.1 corrects it, see
 * mobilityhouse/ocpp PR #490 and the 1.6-J errata §5, "known issues that will not be fixed"). Peers
 * expect their version's spelling on the wire, so {@link wireErrorCode} translates per version and
 * {@link parseErrorCode} accepts either spelling from any peer.
 */
export type ErrorCode =
  | 'FormatViolation'
  | 'GenericError'
  | 'InternalError'
  | 'MessageTypeNotSupported'
  | 'NotImplemented'
  | 'NotSupported'
  | 'OccurrenceConstraintViolation'
  | 'PropertyConstraintViolation'
  | 'ProtocolError'
  | 'RpcFrameworkError'
  | 'SecurityError'
  | 'TypeConstraintViolation';

/** Default description per code, from the specification tables. */
export const ERROR_DESCRIPTIONS: Readonly<Record<ErrorCode, string>> = {
  FormatViolation: 'Payload for Action is syntactically incorrect',
  GenericError: 'Any other error not covered by the more specific error codes',
  InternalError: 'An internal error occurred and the receiver was not able to process the requested Action',
  MessageTypeNotSupported: 'A message with a Message Type Number received that is not supported',
  NotImplemented: 'Requested Action is not known by receiver',
  NotSupported: 'Requested Action is recognized but not supported by the receiver',
  OccurrenceConstraintViolation: 'Payload for Action is syntactically correct but at least one field violates occurrence constraints',
  PropertyConstraintViolation: 'Payload is syntactically correct but at least one field contains an invalid value',
  ProtocolError: 'Payload for Action is not conform the PDU structure',
  RpcFrameworkError: 'Content of the call is not a valid RPC Request, for example: MessageId could not be read',
  SecurityError: 'During the processing of Action a security issue occurred preventing receiver from completing the Action successfully',
  TypeConstraintViolation: 'Payload for Action is syntactically correct but at least one of the fields violates data type constraints',
};

/**
 * 1.6 wire spellings. The two framework codes exist only from 2.0.1 on; for 1.6 a frame that is not
 * a valid RPC message is a ProtocolError ("Payload for Action is incomplete" is the closest 1.6 has).
 */
const TO_16: Partial<Record<ErrorCode, string>> = {
  FormatViolation: 'FormationViolation',
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
  MessageTypeNotSupported: 'ProtocolError',
  RpcFrameworkError: 'ProtocolError',
};

/** 2.0.1 wire spellings: its table (Part 4 §4.3) keeps 1.6's one-r "Occurence". */
const TO_201: Partial<Record<ErrorCode, string>> = {
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
};

/** Spellings that differ from ours, per version; a version not listed (2.1 on) spells as we do. */
const RESPELLED: ReadonlyMap<string, Partial<Record<ErrorCode, string>>> = new Map([
  ['1.6', TO_16],
  ['2.0.1', TO_201],
]);

const FROM_WIRE: Readonly<Record<string, ErrorCode>> = {
  ...Object.fromEntries(Object.keys(ERROR_DESCRIPTIONS).map((code) => [code, code as ErrorCode])),
  FormationViolation: 'FormatViolation',
  OccurenceConstraintViolation: 'OccurrenceConstraintViolation',
};

/** The spelling of `code` to put on the wire for the given OCPP version ('1.6', '2.0.1', …). */
export function wireErrorCode(code: ErrorCode, version: string): string {
  return RESPELLED.get(version)?.[code] ?? code;
}

/**
 * The codes a CALLERROR may carry in OCPP-J 1.6 (§4.2.3, table "Valid Error Codes"), spelt as 1.6
 * spells them: the errata sheet (§5, known issues that will not be fixed) keeps FormationViolation and
 * OccurenceConstraintViolation, so 2.0.1's spellings and its two framework codes are not 1.6 codes.
 */
const CODES_16: ReadonlySet<string> = new Set(
  (Object.keys(ERROR_DESCRIPTIONS) as ErrorCode[]).filter((c) => c !== 'MessageTypeNotSupported' && c !== 'RpcFrameworkError').map((c) => TO_16[c] ?? c),
);

/** The codes of OCPP 2.0.1's table (Part 4 §4.3): all twelve, with its spelling "OccurenceConstraintViolation". */
const CODES_201: ReadonlySet<string> = new Set((Object.keys(ERROR_DESCRIPTIONS) as ErrorCode[]).map((c) => TO_201[c] ?? c));

const CODES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['1.6', CODES_16],
  ['2.0.1', CODES_201],
]);

/** Whether `wire` is an error code of the given OCPP version's table, spelt as that version spells it. */
export function isVersionErrorCode(wire: unknown, version: string): boolean {
  if (typeof wire !== 'string') return false;
  return CODES.get(version)?.has(wire) ?? Object.hasOwn(ERROR_DESCRIPTIONS, wire);
}

/** A received error code in our spelling, or undefined when it is not an OCPP-J code at all. */
export function parseErrorCode(wire: unknown): ErrorCode | undefined {
  return typeof wire === 'string' && Object.hasOwn(FROM_WIRE, wire) ? FROM_WIRE[wire] : undefined;
}

/**
 * An error to answer an incoming CALL with. Thrown only while handling an inbound call and turned
 * into a CALLERROR at one boundary (the dispatcher), never elsewhere.
 */
export class OcppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_DESCRIPTIONS[code],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'OcppError';
  }
}

/**
 * ajv keyword → OCPP error code. `required` and array sizes are occurrence violations, `type` a type
 * violation, value constraints (enum, lengths, ranges, formats) property violations, and unknown
 * properties are a format (formation) violation: the PDU is not of the message's structure.
 */
export const AJV_KEYWORD_CODES: Readonly<Record<string, ErrorCode>> = {
  required: 'OccurrenceConstraintViolation',
  minItems: 'OccurrenceConstraintViolation',
  maxItems: 'OccurrenceConstraintViolation',
  uniqueItems: 'OccurrenceConstraintViolation',
  dependencies: 'OccurrenceConstraintViolation',
  type: 'TypeConstraintViolation',
  enum: 'PropertyConstraintViolation',
  const: 'PropertyConstraintViolation',
  maxLength: 'PropertyConstraintViolation',
  minLength: 'PropertyConstraintViolation',
  pattern: 'PropertyConstraintViolation',
  format: 'PropertyConstraintViolation',
  minimum: 'PropertyConstraintViolation',
  maximum: 'PropertyConstraintViolation',
  exclusiveMinimum: 'PropertyConstraintViolation',
  exclusiveMaximum: 'PropertyConstraintViolation',
  multipleOf: 'PropertyConstraintViolation',
  additionalProperties: 'FormatViolation',
};
