/**
 * Durations and rates as people write them: `500ms`, `30s`, `5m`, `1h`, `1h30m`, or a bare number of
 * seconds; rates as `500/s`, `100/m`.
 */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The longest duration anywhere (24 days): Node's timers hold at most 2^31-1 ms (24.8 days) and
 * fire at once beyond that, so a longer run, wait or timeout would silently end immediately.
 */
export const MAX_DURATION_MS = 24 * UNITS.d;

/** The largest time-compression factor (`--speed`, a plan's `speed:`). */
export const MAX_SPEED = 10_000;

const EXAMPLES = 'use e.g. 500ms, 30s, 5m, 1h30m';

/** Milliseconds, at most {@link MAX_DURATION_MS}; or throws an Error naming `what` and echoing the input. */
export function parseDuration(text: string | number, what = 'duration'): number {
  if (typeof text === 'number') return checkMax(Number.isFinite(text) && text >= 0 ? text * 1000 : NaN, text, what);
  if (typeof text !== 'string') throw new Error(`invalid ${what} ${shown(text)}: ${EXAMPLES}`);
  const s = text.trim();
  if (s.startsWith('-')) throw new Error(`invalid ${what} '${text}': a duration cannot be negative; ${EXAMPLES}`);
  if (/^\d+(\.\d+)?$/.test(s)) return checkMax(Number(s) * 1000, text, what);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNITS[m[2]];
    end = re.lastIndex;
  }
  if (end === 0 || end !== s.length) throw new Error(`invalid ${what} '${text}': ${EXAMPLES}`);
  return checkMax(total, text, what);
}

/** A duration that must be more than 0 (`--duration`, `--call-timeout`). */
export function parsePositiveDuration(text: string | number, what: string): number {
  const ms = parseDuration(text, what);
  if (ms <= 0) throw new Error(`${what} must be more than 0, not '${text}'`);
  return ms;
}

function checkMax(ms: number, text: string | number, what: string): number {
  if (Number.isNaN(ms)) throw new Error(`invalid ${what} '${text}': ${EXAMPLES}`);
  if (ms > MAX_DURATION_MS) throw new Error(`${what} '${text}' is longer than 24d, the longest supported`);
  return ms;
}

/** An input that is not a string, as the user would recognise it: a repeated flag's values, a YAML map. */
function shown(v: unknown): string {
  return Array.isArray(v) ? v.map((x) => `'${String(x)}'`).join(', ') : `'${typeof v === 'object' ? JSON.stringify(v) : String(v)}'`;
}

/** A range `min-max` of durations (`5s-60s`) or one duration; in seconds. */
export function parseRange(text: string, what: string): [number, number] {
  if (typeof text !== 'string') throw new Error(`invalid ${what} ${shown(text)}: use e.g. 30s or 30s-5m`);
  const parts = text.split(/-(?=\d)/);
  const lo = parseDuration(parts[0], what) / 1000;
  const hi = parts.length > 1 ? parseDuration(parts[1], what) / 1000 : lo;
  if (parts.length > 2 || hi < lo) throw new Error(`invalid ${what} '${text}': use e.g. 30s or 30s-5m`);
  return [lo, hi];
}

/** Per-second rate from `500/s`, `100/m` or a bare number. */
export function parseRate(text: string, what = 'rate'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|m|h))?\s*$/.exec(text);
  if (!m || !Number.isFinite(Number(m[1]))) throw new Error(`invalid ${what} '${text}': use e.g. 500/s`);
  const per = { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
  return Number(m[1]) / per;
}

/** Human-readable duration for summaries: 1h02m, 3m05s, 12.3s, 250ms. */
export function formatDuration(ms: number): string {
  // Thresholds sit where rounding would carry into the next unit (999.6 ms is "1.0s", not "1000ms").
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A time-compression factor (--speed, a plan's speed): positive, `60` or `60x`. */
export function parseSpeed(text: string | number, what = '--speed'): number {
  const m = /^\s*(\d+(\.\d+)?)\s*x?\s*$/i.exec(String(text));
  const speed = m ? Number(m[1]) : NaN;
  if (!(speed > 0) || speed > MAX_SPEED) throw new Error(`${what} must be a positive factor up to ${MAX_SPEED}, such as 60 or 60x, not '${text}'`);
  return speed;
}
