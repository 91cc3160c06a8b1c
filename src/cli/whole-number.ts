/**
 * Whole-number flags read from their text, so a bad value is named as typed (`--port 'abc'`, not
 * `NaN`) in a UsageError (exit 2).
 */
import { UsageError } from './exit-codes.js';

/**
 * `text` as a whole number from `min` to `max` (decimal digits only: no sign, exponent or
 * fraction). `what` completes the message, e.g. "whole number of seconds".
 */
export function wholeNumber(text: unknown, flag: string, min: number, max: number, what = 'whole number'): number {
  if (Array.isArray(text)) throw new UsageError(`${flag} is given ${text.length} times; give it once`);
  const s = String(text ?? '').trim();
  const n = /^\d{1,10}$/.test(s) ? Number(s) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag} must be a ${what} from ${min} to ${max}, not '${text}'`);
  return n;
}

/** A TCP port flag: 0 (any free port) to 65535. */
export function portNumber(text: unknown, flag: string): number {
  return wholeNumber(text, flag, 0, 65535);
}
