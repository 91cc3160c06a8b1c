/**
 * Deterministic randomness. Every charge point owns one 32-bit state derived from the run seed and
 * its own index, so a draw depends only on (seed, charge point, draw number) — never on how the fleet
 * was sharded or on timing.
 */

/** Mixes the run seed and a charge point index into a non-zero 32-bit state (splitmix-style). */
export function seedFor(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h === 0 ? 0x6d2b79f5 : h;
}

/** Holder of a random state; charge points implement it with one numeric field. */
export interface RandomState {
  rng: number;
}

/** Next draw in [0, 1) from the holder's state (mulberry32). */
export function random(s: RandomState): number {
  let t = (s.rng = (s.rng + 0x6d2b79f5) >>> 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Uniform draw in [min, max]. */
export function uniform(s: RandomState, min: number, max: number): number {
  return min + (max - min) * random(s);
}

/** Multiplies `value` by a factor in [1 - spread, 1 + spread]: jitter for backoffs and retries. */
export function jitter(s: RandomState, value: number, spread: number): number {
  return value * (1 - spread + 2 * spread * random(s));
}
