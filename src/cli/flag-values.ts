/**
 * Flag values checked as yargs reads them (its `coerce`), so every message names the flag, echoes
 * what was typed and says what is expected: `--count must be a whole number from 1 to 1000000, not
 * 'abc'` rather than yargs' `NaN`. A scalar flag given twice is an error naming it (yargs would
 * pass an array on, which crashed later); only `--threshold` is meant to repeat.
 */
import type { Argv } from 'yargs';
import { UsageError } from './exit-codes.js';

/** Throws when a flag was given more than once (yargs then hands over an array). */
function single(flag: string, v: unknown): unknown {
  if (Array.isArray(v)) throw repeated(flag, v);
  return v;
}

function repeated(flag: string, values: readonly unknown[]): UsageError {
  return new UsageError(`${flag} was given ${values.length} times (${values.map((x) => `'${String(x)}'`).join(', ')}): give it once`);
}

/**
 * Every string flag of `y` declared so far requires a value — so `--duration -5s` is a (wrong)
 * duration instead of two unknown flags `-5 -s` — and none but `repeatable` ones may be given twice:
 * yargs would hand the command an array (`--duration 3s --duration 90` crashed in trim()). Covers
 * flags added later to the list without each saying so.
 */
export function valuesOnce<T>(y: Argv<T>, repeatable: readonly string[]): Argv<T> {
  const keys = (y as unknown as { getOptions(): { string: string[] } }).getOptions().string.filter((k) => k.length > 1 && !repeatable.includes(k));
  return y.requiresArg([...keys, ...repeatable]).check((argv) => {
    for (const key of keys) {
      const v = (argv as Record<string, unknown>)[key];
      if (Array.isArray(v)) throw repeated(`--${key}`, v);
    }
    return true;
  });
}

/** A coerce for a string flag that may be given once. */
export function once(flag: string): (v: unknown) => string {
  return (v) => String(single(flag, v));
}

/** A coerce for a whole-number flag in [min, max]; `what` names the kind of number in the message. */
export function wholeNumber(flag: string, min: number, max: number, what = 'a whole number'): (v: unknown) => number {
  return (v) => readWholeNumber(v, flag, min, max, what);
}

/**
 * A flag's value as a whole number from `min` to `max` (decimal digits only: no sign, exponent or
 * fraction), or a UsageError naming the flag and the text as typed.
 */
export function readWholeNumber(v: unknown, flag: string, min: number, max: number, what = 'a whole number'): number {
  const text = String(single(flag, v) ?? '').trim();
  const n = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag} must be ${what} from ${min} to ${max}, not '${text}'`);
  return n;
}

/** A TCP port flag: 0 (any free port) to 65535. */
export function portNumber(v: unknown, flag: string): number {
  return readWholeNumber(v, flag, 0, 65535);
}

/** A coerce for a number flag above 0 and at most `max` (`unit` words the message). */
export function positiveNumber(flag: string, max: number, unit: string): (v: unknown) => number {
  return (v) => {
    const text = String(single(flag, v)).trim();
    const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (!(n > 0 && n <= max)) throw new UsageError(`${flag} must be a number of ${unit} above 0 and at most ${max}, not '${text}'`);
    return n;
  };
}

/**
 * A CSMS URL: ws:// or wss://. Without a scheme (`localhost:9000`) the URL parser would read
 * `localhost:` as one; say what was meant instead.
 */
export function csmsUrl(text: string, flag = '--csms'): URL {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  if (!hasScheme && /^[\w.-]+(:\d+)?(\/\S*)?$/.test(text)) {
    throw new UsageError(`${flag} '${text}' needs a scheme: ws://${text}${text.includes('/') ? '' : '/…'} (or wss:// for TLS)`);
  }
  let url: URL | undefined;
  try {
    url = hasScheme ? new URL(text) : undefined;
  } catch {
    // reported below
  }
  if (!url) throw new UsageError(`${flag} '${text}' is not a URL: expected e.g. ws://localhost:9000/ocpp`);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError(`${flag} '${text}' must be ws:// or wss://, not ${url.protocol}//`);
  return url;
}
