/** Deterministic per-charge-point randomness, and charge point identities. */
import { describe, expect, it } from 'vitest';
import { formatIdentity, identityWidth } from '../../src/util/ids.js';
import { jitter, random, type RandomState, seedFor, uniform } from '../../src/util/random.js';

function draws(seed: number, index: number, n: number): number[] {
  const s: RandomState = { rng: seedFor(seed, index) };
  return Array.from({ length: n }, () => random(s));
}

describe('seedFor', () => {
  it('is deterministic per (seed, index)', () => {
    expect(seedFor(42, 7)).toBe(seedFor(42, 7));
    expect(draws(42, 7, 50)).toEqual(draws(42, 7, 50));
  });

  it('gives distinct states to different indexes and seeds', () => {
    const states = new Set<number>();
    for (let seed = 0; seed < 10; seed++) for (let i = 0; i < 1_000; i++) states.add(seedFor(seed, i));
    // 10,000 32-bit states: a collision or two is conceivable, many would mean poor mixing.
    expect(states.size).toBeGreaterThan(9_990);
  });

  it.each([
    [0, 0],
    [0, -1],
    [-1, 0],
    [2 ** 31, 5],
    [1.7, 3],
  ])('seedFor(%d, %d) is a non-zero unsigned 32-bit integer', (seed, index) => {
    const s = seedFor(seed, index);
    expect(Number.isInteger(s)).toBe(true);
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThan(2 ** 32);
  });

  it('a charge point\'s draws do not depend on how many others drew before it', () => {
    const alone = draws(9, 123, 10);
    const s0: RandomState = { rng: seedFor(9, 0) };
    for (let i = 0; i < 1_000; i++) random(s0);
    expect(draws(9, 123, 10)).toEqual(alone);
  });

  it('streams of neighbouring indexes are not shifted copies of each other', () => {
    const a = draws(1, 0, 100);
    const b = draws(1, 1, 100);
    expect(b.filter((x) => a.includes(x)).length).toBeLessThan(3);
  });
});

describe('random', () => {
  const N = 100_000;
  const xs = draws(2024, 0, N);

  it('stays in [0, 1)', () => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of xs) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(lo).toBeLessThan(0.001);
    expect(hi).toBeGreaterThan(0.999);
  });

  it('advances the holder\'s state', () => {
    const s: RandomState = { rng: seedFor(1, 1) };
    const before = s.rng;
    random(s);
    expect(s.rng).not.toBe(before);
    expect(s.rng).toBe((before + 0x6d2b79f5) >>> 0);
  });

  it('is roughly uniform (chi-square over 20 bins, mean and variance)', () => {
    const bins = new Array(20).fill(0);
    for (const x of xs) bins[Math.floor(x * 20)]++;
    const expected = N / 20;
    const chi2 = bins.reduce((acc, o) => acc + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8); // 19 degrees of freedom, p = 0.001
    const mean = xs.reduce((a, b) => a + b, 0) / N;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / N;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 2);
  });

  it('has no strong correlation between successive draws', () => {
    let cov = 0;
    for (let i = 1; i < N; i++) cov += (xs[i] - 0.5) * (xs[i - 1] - 0.5);
    expect(Math.abs(cov / (N - 1) / (1 / 12))).toBeLessThan(0.02);
  });
});

describe('uniform and jitter', () => {
  it.each([
    [5, 60],
    [0, 1],
    [-10, 10],
    [7, 7],
  ])('uniform(%d, %d) stays in range and spans it', (min, max) => {
    const s: RandomState = { rng: seedFor(3, 3) };
    const ys = Array.from({ length: 5_000 }, () => uniform(s, min, max));
    for (const y of ys) {
      expect(y).toBeGreaterThanOrEqual(min);
      expect(y).toBeLessThanOrEqual(max);
    }
    if (max > min) {
      expect(Math.min(...ys) - min).toBeLessThan((max - min) * 0.01);
      expect(max - Math.max(...ys)).toBeLessThan((max - min) * 0.01);
    }
  });

  it.each([
    [1_000, 0.2],
    [30_000, 0.5],
    [100, 0],
  ])('jitter(%d, %d) stays within value × (1 ± spread)', (value, spread) => {
    const s: RandomState = { rng: seedFor(4, 4) };
    for (let i = 0; i < 2_000; i++) {
      const y = jitter(s, value, spread);
      expect(y).toBeGreaterThanOrEqual(value * (1 - spread));
      expect(y).toBeLessThanOrEqual(value * (1 + spread));
    }
  });
});

describe('identities', () => {
  it.each([
    ['CP', 1, 6, 'CP000001'],
    ['CP', 123456, 6, 'CP123456'],
    ['CP', 1234567, 6, 'CP1234567'], // never truncated
    ['sim-', 42, 0, 'sim-42'],
    ['', 7, 3, '007'],
  ])('formatIdentity(%j, %i, %i) = %j', (prefix, n, width, id) => {
    expect(formatIdentity(prefix, n, width)).toBe(id);
  });

  it.each([
    [1, 1, 1],
    [1, 9, 1],
    [1, 10, 2],
    [0, 10, 1],
    [1, 1_000, 4],
    [1, 100_000, 6],
    [1_000, 1, 4],
    [5, 0, 1], // empty fleet: the start itself
  ])('identityWidth(start %i, count %i) = %i', (start, count, width) => {
    expect(identityWidth(start, count)).toBe(width);
  });

  it('identities of one fleet have equal length and sort in fleet order', () => {
    const start = 1;
    const count = 1_200;
    const width = identityWidth(start, count);
    const ids = Array.from({ length: count }, (_, i) => formatIdentity('CP', start + i, width));
    expect(new Set(ids.map((id) => id.length)).size).toBe(1);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(count);
  });
});
