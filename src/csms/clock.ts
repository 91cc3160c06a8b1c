/**
 * A cached ISO 8601 timestamp for `currentTime` fields: rebuilt at most once per second instead of
 * once per message, so Heartbeat and BootNotification answers allocate no new Date or string.
 */

let cachedSecond = -1;
let cachedIso = '';

/** The current UTC time as an ISO 8601 string, at whole-second resolution (e.g. `2025-01-02T03:04:05.000Z`). */
export function isoNow(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedIso = new Date(second * 1000).toISOString();
  }
  return cachedIso;
}
