/**
 * Arrival of a fleet (or of a whole run plan): `500/s` (or `/m`, `/h`) is a rate; `10%/1m` a staged
 * share of the fleet per period; a duration (`60s`) spreads the whole fleet evenly over it; `0` is as
 * fast as possible. Shared by `--ramp-up` and a plan's `rampUp:`.
 */
import { parseDuration, parseRate } from '../util/duration.js';

/** New connections per second for `total` charge points; throws Error naming `what` when `text` is wrong. */
export function rampRate(text: string | number, total: number, what = '--ramp-up'): number {
  const t = String(text);
  if (/^\s*0\s*$/.test(t)) return 0;
  const staged = /^\s*(\d+(?:\.\d+)?)%\/(.+)$/.exec(t);
  if (staged) {
    const periodS = parseDuration(staged[2], what) / 1000;
    const rate = (total * Number(staged[1])) / 100 / periodS;
    if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`${what} '${t}' gives no arrivals, or too many to count`);
    return rate;
  }
  if (t.includes('/')) return parseRate(t, what);
  const ms = parseDuration(t, what);
  return ms > 0 ? total / (ms / 1000) : 0;
}
