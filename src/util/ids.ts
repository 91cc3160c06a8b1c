/** Charge point identities: `<prefix><n>`, zero-padded to the width of the largest n in the fleet. */
export function formatIdentity(prefix: string, n: number, width: number): string {
  return prefix + String(n).padStart(width, '0');
}

/** Digits needed for the largest number of a fleet of `count` starting at `start`. */
export function identityWidth(start: number, count: number): number {
  return String(Math.max(start, start + count - 1)).length;
}
