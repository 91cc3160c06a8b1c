/**
 * Whether a value is valid for a variable: its dataType (Part 2 §2.1.4 Primitive Datatypes, §3.26
 * DataEnumType), its characteristics (minLimit/maxLimit, valuesList) and its string format. Used for
 * SetVariables (B05.FR.07 incorrectly formatted, B05.FR.08 out of range: both Rejected) and for the
 * defaults a profile gives.
 */
import type { DataEnumType, VariableCharacteristicsType } from '../generated/types.gen.js';
import type { StringFormat } from './types.js';

/** Why a value was refused; `reason` is a reasonCode of the appendix (reason_codes). */
export interface ValueProblem {
  reason: 'InvalidValue' | 'ValueOutOfRange';
  message: string;
}

type Characteristics = Pick<VariableCharacteristicsType, 'dataType' | 'minLimit' | 'maxLimit' | 'valuesList'>;

// integer: 32 bit, no leading zeros, no plus sign (§2.1.4).
const INTEGER = /^(0|-?[1-9]\d{0,9})$/;
// decimal: "sent towards the Charging Station SHALL NOT have more than six decimal places" (§2.1.4).
const DECIMAL = /^-?\d{1,15}(\.\d{1,6})?$/;
// dateTime: RFC 3339, at most 3 fractional digits (§2.1.4).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

const FORMATS: Readonly<Record<StringFormat, { pattern: RegExp; expected: string }>> = {
  // passwordString, 16 to 40 characters (A00.FR.205, Referenced Components §2.2.1 BasicAuthPassword).
  passwordString: { pattern: /^[a-zA-Z0-9*\-_=:+|@.]{16,40}$/, expected: '16 to 40 characters of a-z A-Z 0-9 * - _ = : + | @ .' },
  // identifierString without ':' (it is the basic authentication user name, §2.2.2 Identity).
  identity: { pattern: /^[a-zA-Z0-9*\-_=+|@.]+$/, expected: 'characters of a-z A-Z 0-9 * - _ = + | @ .' },
  // "+01:00", "-02:00" (§2.1.27 TimeOffset).
  timeOffset: { pattern: /^[+-](0\d|1[0-4]):[0-5]\d$/, expected: 'an offset such as +01:00 or -05:30' },
};

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The problem with `value` for a variable of these characteristics, or null when it is valid. */
export function checkValue(c: Characteristics, format: StringFormat | undefined, value: string): ValueProblem | null {
  switch (c.dataType) {
    case 'boolean':
      return value === 'true' || value === 'false' ? null : invalid(`'${value}' is not a boolean: true or false`);
    case 'integer': {
      if (!INTEGER.test(value)) return invalid(`'${value}' is not an integer (digits, no leading zeros, no plus sign)`);
      const n = Number(value);
      return n < INT32_MIN || n > INT32_MAX ? outOfRange(`${value} does not fit in 32 bits`) : checkRange(c, n, value);
    }
    case 'decimal':
      return DECIMAL.test(value) ? checkRange(c, Number(value), value) : invalid(`'${value}' is not a decimal with at most six decimal places`);
    case 'dateTime':
      return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? null : invalid(`'${value}' is not an RFC 3339 date-time`);
    case 'string':
      return checkString(c, format, value);
    case 'OptionList':
      return checkLength(c, value) ?? (inList(c, value) ? null : invalid(`'${value}' is not one of ${c.valuesList}`));
    case 'MemberList':
    case 'SequenceList':
      return checkLength(c, value) ?? checkList(c, value);
  }
}

/** The value as stored: list items without the spaces around them; other types as given. */
export function normaliseValue(dataType: DataEnumType, value: string): string {
  return dataType === 'MemberList' || dataType === 'SequenceList' ? listItems(value).join(',') : value;
}

/** A list value's items ('' is the empty list). */
export function listItems(value: string): string[] {
  return value.trim() === '' ? [] : value.split(',').map((s) => s.trim());
}

function checkString(c: Characteristics, format: StringFormat | undefined, value: string): ValueProblem | null {
  if (c.minLimit !== undefined && value.length < c.minLimit) return outOfRange(`${value.length} characters, at least ${c.minLimit} needed`);
  const long = checkLength(c, value);
  if (long) return long;
  const f = format && FORMATS[format];
  return f && !f.pattern.test(value) ? invalid(`not ${f.expected}`) : null;
}

function checkLength(c: Characteristics, value: string): ValueProblem | null {
  return c.maxLimit !== undefined && value.length > c.maxLimit ? outOfRange(`${value.length} characters, at most ${c.maxLimit} allowed`) : null;
}

function checkRange(c: Characteristics, n: number, value: string): ValueProblem | null {
  if (c.minLimit !== undefined && n < c.minLimit) return outOfRange(`${value} is below the minimum ${c.minLimit}`);
  if (c.maxLimit !== undefined && n > c.maxLimit) return outOfRange(`${value} is above the maximum ${c.maxLimit}`);
  return null;
}

/**
 * MemberList: an unordered subset of valuesList; SequenceList: an ordered one (VariableCharacteristicsType
 * valuesList). Neither repeats an item; a sequence (a priority order) has at least one.
 */
function checkList(c: Characteristics, value: string): ValueProblem | null {
  const items = listItems(value);
  if (c.dataType === 'SequenceList' && items.length === 0) return invalid('an empty list, at least one item needed');
  const seen = new Set<string>();
  for (const item of items) {
    if (!inList(c, item)) return invalid(`'${item}' is not one of ${c.valuesList}`);
    if (seen.has(item)) return invalid(`'${item}' is listed twice`);
    seen.add(item);
  }
  return null;
}

function inList(c: Characteristics, item: string): boolean {
  if (c.valuesList === undefined) return item !== '';
  return c.valuesList.split(',').some((allowed) => allowed.trim() === item);
}

function invalid(message: string): ValueProblem {
  return { reason: 'InvalidValue', message };
}

function outOfRange(message: string): ValueProblem {
  return { reason: 'ValueOutOfRange', message };
}
