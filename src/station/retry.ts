/**
 * The floor under every retry a charge point makes by itself (a boot the CSMS answered Pending or
 * Rejected with interval 0, a transaction message whose retry interval is 0, a download or upload
 * retried at once): without it such a retry loop runs as fast as the CSMS answers, and a fleet floods
 * the CSMS it is testing. Real charge points never retry faster than about once a second.
 */
export const RETRY_FLOOR_MS = 1000;

/** `ms`, but never less than {@link RETRY_FLOOR_MS}. */
export function atLeastRetryFloor(ms: number): number {
  return ms >= RETRY_FLOOR_MS ? ms : RETRY_FLOOR_MS;
}
