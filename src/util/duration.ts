/**
 * Durations and rates as people write them: `500ms`, `30s`, `5m`, `1h`, `1h30m`, or a bare number of
 * seconds; rates as `500/s`, `100/m`.
 */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or throws an Error naming the bad input. */
export function parseDuration(text: string | number, what = 'duration'): number {
  if (typeof text === 'number') return text * 1000;
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNITS[m[2]];
    end = re.lastIndex;
  }
  if (end === 0 || end !== s.length) throw new Error(`invalid ${what} '${text}': use e.g. 500ms, 30s, 5m, 1h30m`);
  return total;
}

/** A range `min-max` of durations (`5s-60s`) or one duration; in seconds. */
export function parseRange(text: string, what: string): [number, number] {
  const parts = text.split(/-(?=\d)/);
  const lo = parseDuration(parts[0], what) / 1000;
  const hi = parts.length > 1 ? parseDuration(parts[1], what) / 1000 : lo;
  if (parts.length > 2 || hi < lo) throw new Error(`invalid ${what} '${text}': use e.g. 30s or 30s-5m`);
  return [lo, hi];
}

/** Per-second rate from `500/s`, `100/m` or a bare number. */
export function parseRate(text: string, what = 'rate'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|m|h))?\s*$/.exec(text);
  if (!m) throw new Error(`invalid ${what} '${text}': use e.g. 500/s`);
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
  if (!(speed > 0)) throw new Error(`${what} must be a positive factor such as 60 or 60x, not '${text}'`);
  return speed;
}
