/**
 * The charge point identity rule, in one place: the embedded CSMS refuses other identities at the
 * WebSocket handshake, and `run` checks the identities its `--id-prefix` makes.
 *
 * OCPP 2.0.1 Part 4 (OCPP-J) §3.1.1: "The Charging Station identity datatype is identifierString
 * [...] Additionally the colon ':' character might not be used, because the unique identifier is
 * also used for the basic authentication username. [...] The maximum length of the Charging Station
 * identity is: 48". identifierString (2.0.1 Part 2, primitive datatypes) "can only contain
 * characters from the following character set: a-z, A-Z, 0-9, '*', '-', '_', '=', ':', '+', '|',
 * '@', '.'". OCPP-J 1.6 §3.1.1 only says the identity is percent-encoded in the URL (its example
 * "RDAM 123" has a space), but the 1.6 Security Whitepaper makes it the Basic auth username
 * (A00.FR.204) as 2.0.1 does, and 2.0.1's rule is what keeps an identity from forging log lines,
 * escaping a path or filling memory, so we apply it to 1.6 as well.
 */

/** The longest identity (OCPP 2.0.1 Part 4 §3.1.1). */
export const IDENTITY_MAX_LENGTH = 48;

/** The characters an identity may use, as the spec lists them (identifierString without ':'). */
export const IDENTITY_CHARACTERS = 'a-z A-Z 0-9 * - _ = + | @ .';

const IDENTITY = /^[A-Za-z0-9*\-_=+|@.]+$/;
const NOT_IDENTITY_CHAR = /[^A-Za-z0-9*\-_=+|@.]/u;

/**
 * Null when `identity` follows the rule; otherwise what is wrong, as the end of a sentence that
 * starts with the identity ("… is 49 characters long; at most 48 are allowed"). The message never
 * repeats the identity itself: callers decide whether and how to show it.
 */
export function identityProblem(identity: string): string | null {
  if (identity.length === 0) return 'is empty';
  if (identity.length > IDENTITY_MAX_LENGTH) {
    return `is ${identity.length} characters long; at most ${IDENTITY_MAX_LENGTH} are allowed (OCPP 2.0.1 Part 4 §3.1.1)`;
  }
  if (IDENTITY.test(identity)) return null;
  const bad = NOT_IDENTITY_CHAR.exec(identity)![0];
  const code = bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  // Printable ASCII is shown as itself too; anything else only as its code point.
  const shown = bad > ' ' && bad < '\u007f' ? `'${bad}' ` : '';
  return `has the character ${shown}U+${code}; only ${IDENTITY_CHARACTERS} are allowed (OCPP 2.0.1 Part 4 §3.1.1)`;
}

/** True when `identity` follows the rule (see {@link identityProblem}). */
export function isValidIdentity(identity: string): boolean {
  return identity.length <= IDENTITY_MAX_LENGTH && IDENTITY.test(identity);
}
