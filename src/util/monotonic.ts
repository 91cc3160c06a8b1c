/**
 * Microseconds on CLOCK_MONOTONIC (process.hrtime), which every process of one machine shares: it
 * orders events across processes where a millisecond wall clock cannot. Two connections of one
 * identity to two CSMS cluster processes can open within the same millisecond, and the messages
 * saying so reach the primary in either order.
 */
export function monotonicMicros(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e6 + Math.floor(nanoseconds / 1e3);
}
