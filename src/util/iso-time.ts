/**
 * ISO 8601 text of a time (ms since the epoch), as Date.prototype.toISOString gives it. The timer wheel
 * wakes many charge points at the same instant and each reading names that instant (often twice: a
 * TransactionEvent's timestamp and its meter value's), so the last instant's text is kept: the same
 * time costs no Date and no new string.
 */
let lastMs = NaN;
let lastText = '';

export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastText = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastText;
}
