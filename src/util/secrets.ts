/** Comparing secrets (passwords, API tokens) without leaking them through timing. */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `given` equals `expected`, in a time that depends on neither: both are hashed first,
 * so neither a common prefix nor the length shows in how long the comparison takes.
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
