/**
 * The charge point numbers n of a run plan's fleets, and whether their identities `<prefix><n>`
 * (n zero-padded to the width of the fleet's largest number, util/ids.ts) can be equal.
 *
 * Fleets without an `idStart` of their own continue where the one before ended, so n — and with it
 * every `${n}` template, such as the idTags `TAG${n:04}` of the built-in scenarios — is unique across
 * the plan: two fleets never present the same idTag (a CSMS would answer the second ConcurrentTx).
 */
import { formatIdentity, identityWidth } from '../util/ids.js';

/** The identities of one fleet: `<prefix><n>` for n = start … start + count − 1. */
export interface IdRange {
  prefix: string;
  start: number;
  count: number;
}

/**
 * Each fleet's first n: its own `idStart`, or one after the previous fleet's last n (the first
 * fleet without one starts at `base`, the run's `--id-start`).
 */
export function fleetStarts(fleets: readonly { idStart?: number; count: number }[], base: number): number[] {
  let next = base;
  return fleets.map((f) => {
    const start = f.idStart ?? next;
    next = start + f.count;
    return start;
  });
}

/**
 * An identity both ranges give, or undefined when they share none. Every identity of a fleet has
 * the same length (the prefix and its width of digits), so two can be equal only when one prefix
 * is the other followed by digits `r` and the lengths match; then `<short><n>` equals
 * `<short><r><m>` exactly when n = r·10^width(long) + m.
 */
export function sharedIdentity(a: IdRange, b: IdRange): string | undefined {
  const [short, long] = a.prefix.length <= b.prefix.length ? [a, b] : [b, a];
  if (!long.prefix.startsWith(short.prefix)) return undefined;
  const digits = long.prefix.slice(short.prefix.length);
  if (!/^\d*$/.test(digits)) return undefined;
  const shortWidth = identityWidth(short.start, short.count);
  const longWidth = identityWidth(long.start, long.count);
  if (shortWidth !== digits.length + longWidth) return undefined;
  const offset = Number(digits || '0') * 10 ** longWidth;
  const lo = Math.max(short.start, long.start + offset);
  const hi = Math.min(short.start + short.count - 1, long.start + long.count - 1 + offset);
  return lo <= hi ? formatIdentity(short.prefix, lo, shortWidth) : undefined;
}

/** `CP01…CP20`, for messages. */
export function describeRange(r: IdRange): string {
  const width = identityWidth(r.start, r.count);
  const first = formatIdentity(r.prefix, r.start, width);
  return r.count === 1 ? first : `${first}…${formatIdentity(r.prefix, r.start + r.count - 1, width)}`;
}
