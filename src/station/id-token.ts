/**
 * The neutral id token: what a driver presents, as one interned string the core passes around and
 * keys its authorization cache by. OCPP 1.6 sends only the value (idTag); 2.0.1 sends `{idToken, type}`
 * (IdTokenType, Part 2 §2.28). A token whose type its value does not imply is written `Type:value`
 * (`Central:7f3a…`, `KeyCode:1234`); a plain value's type follows from its format (see {@link tokenType}).
 */

/** 2.0.1's IdTokenEnumType: how a token was obtained (Part 2 §3.43). */
export const TOKEN_TYPES = ['Central', 'eMAID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** An ISO 14443 UID: 4 or 7 bytes, 8 or 14 hex digits (Part 2 §3.43: "the 4 or 7 bytes long UID"). */
const ISO14443 = /^(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{14})$/;
/** An ISO 15693 UID: 8 bytes, 16 hex digits. */
const ISO15693 = /^[0-9A-Fa-f]{16}$/;
/** An e-Mobility Account Identifier (ISO 15118-2 Annex H): 14 or 15 characters, optional dashes. */
const EMAID = /^[A-Za-z]{2}-?[A-Za-z0-9]{3}-?[A-Za-z0-9]{9}(?:-?[A-Za-z0-9])?$/;

export interface ParsedToken {
  readonly value: string;
  readonly type: TokenType;
}

/** Parsed tokens: a fleet presents few distinct ones. Bounded: cleared when full (a cache, not state). */
const parsed = new Map<string, ParsedToken>();
const PARSED_MAX = 4096;

/** The type a plain value's format implies: an RFID UID, an eMAID, else a token of the station's own (Local). */
export function typeOfValue(value: string): TokenType {
  if (ISO14443.test(value)) return 'ISO14443';
  if (ISO15693.test(value)) return 'ISO15693';
  if (EMAID.test(value)) return 'eMAID';
  return 'Local';
}

/** A token's value and type. */
export function parseToken(token: string): ParsedToken {
  let p = parsed.get(token);
  if (p === undefined) {
    const colon = token.indexOf(':');
    const prefix = colon > 0 ? token.slice(0, colon) : '';
    p = (TOKEN_TYPES as readonly string[]).includes(prefix)
      ? { value: token.slice(colon + 1), type: prefix as TokenType }
      : { value: token, type: typeOfValue(token) };
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(token, p);
  }
  return p;
}

/**
 * Why a token written by a user (a flag, a scenario) cannot be presented, or null: a type whose format
 * the value breaks (an ISO14443 UID is 8 or 14 hex digits), or a value longer than 2.0.1's 36
 * characters (IdTokenType.idToken; 1.6's idTag allows 20, checked where 1.6 applies).
 */
export function tokenProblem(token: string): string | null {
  const { value, type } = parseToken(token);
  if (value.length > 36) return `'${value}' is longer than 36 characters`;
  if (type === 'ISO14443' && !ISO14443.test(value)) return `'${value}' is not an ISO14443 UID (8 or 14 hex digits)`;
  if (type === 'ISO15693' && !ISO15693.test(value)) return `'${value}' is not an ISO15693 UID (16 hex digits)`;
  if (type === 'eMAID' && !EMAID.test(value)) return `'${value}' is not an eMAID (e.g. NL-TNM-012204530-6)`;
  if (type === 'NoAuthorization' && value !== '') return `a NoAuthorization token has no value ('NoAuthorization:')`;
  return null;
}

/** The value alone (what 1.6 sends as idTag). */
export function tokenValue(token: string): string {
  return token.indexOf(':') > 0 ? parseToken(token).value : token;
}

/** The neutral form of a token the CSMS sent with its type: the plain value when its format implies the type. */
export function tokenOf(value: string, type: string): string {
  return typeOfValue(value) === type && !value.includes(':') ? value : `${type}:${value}`;
}
