/** Deterministic per-charge-point decisions (counter-based), backoff jitter, and charge point identities. */
import { describe, expect, it } from 'vitest';
import { formatIdentity, identityWidth } from '../../src/util/ids.js';
import {
  decide,
  decideAmong,
  decideBetween,
  Decision,
  DecisionDraws,
  jitter,
  type RandomState,
  scenarioSite,
  seedFor,
} from '../../src/util/random.js';

/** Decisions 0…n-1 of one kind at one connector of charge point `index` under `seed`. */
function decisions(seed: number, index: number, n: number, connector = 1, what: number = Decision.Session): number[] {
  const key = seedFor(seed, index);
  return Array.from({ length: n }, (_, k) => decide(key, connector, what, k));
}

function chiSquare(xs: number[], bins = 20): number {
  const counts = new Array(bins).fill(0);
  for (const x of xs) counts[Math.floor(x * bins)]++;
  const expected = xs.length / bins;
  return counts.reduce((acc, o) => acc + (o - expected) ** 2 / expected, 0);
}

/** Pearson correlation of two equally long series. */
function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((x, y) => x + y, 0) / n;
  const mb = b.reduce((x, y) => x + y, 0) / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return cov / Math.sqrt(va * vb);
}

// 19 degrees of freedom, p = 0.001.
const CHI2_LIMIT = 43.8;

describe('seedFor', () => {
  it('is deterministic per (seed, index)', () => {
    expect(seedFor(42, 7)).toBe(seedFor(42, 7));
    expect(decisions(42, 7, 50)).toEqual(decisions(42, 7, 50));
  });

  it('gives distinct keys to different indexes and seeds', () => {
    const keys = new Set<number>();
    for (let seed = 0; seed < 10; seed++) for (let i = 0; i < 1_000; i++) keys.add(seedFor(seed, i));
    // 10,000 32-bit keys: a collision or two is conceivable, many would mean poor mixing.
    expect(keys.size).toBeGreaterThan(9_990);
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
});

describe('decide', () => {
  const N = 100_000;
  const xs = decisions(2024, 0, N);

  it('is a pure function of (key, connector, kind, ordinal): no decision moves another', () => {
    const key = seedFor(9, 123);
    const third = decide(key, 2, Decision.IdTag, 3);
    // Whatever is decided before it, in whatever order, decision 3 stays what it is.
    for (let k = 10; k >= 0; k--) decide(key, 1, Decision.Idle, k);
    decide(key, 2, Decision.IdTag, 4);
    expect(decide(key, 2, Decision.IdTag, 3)).toBe(third);
  });

  it('stays in [0, 1) and spans it', () => {
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

  it('is roughly uniform over ordinals (chi-square over 20 bins, mean and variance)', () => {
    expect(chiSquare(xs)).toBeLessThan(CHI2_LIMIT);
    const mean = xs.reduce((a, b) => a + b, 0) / N;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / N;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 2);
  });

  it('is roughly uniform over charge points, connectors and kinds (the first decision of each)', () => {
    const overCps = Array.from({ length: 50_000 }, (_, i) => decide(seedFor(1, i), 1, Decision.Idle, 0));
    expect(chiSquare(overCps)).toBeLessThan(CHI2_LIMIT);
    const key = seedFor(1, 1);
    const overSites: number[] = [];
    for (let connector = 0; connector < 100; connector++) for (let what = 1; what < 500; what++) overSites.push(decide(key, connector, what, 0));
    expect(chiSquare(overSites)).toBeLessThan(CHI2_LIMIT);
  });

  it('has no strong correlation between successive ordinals, neighbouring charge points, connectors or kinds', () => {
    const n = 20_000;
    expect(Math.abs(correlation(xs.slice(0, n), xs.slice(1, n + 1)))).toBeLessThan(0.03);
    expect(Math.abs(correlation(decisions(5, 10, n), decisions(5, 11, n)))).toBeLessThan(0.03);
    expect(Math.abs(correlation(decisions(5, 10, n, 1), decisions(5, 10, n, 2)))).toBeLessThan(0.03);
    expect(Math.abs(correlation(decisions(5, 10, n, 1, Decision.Idle), decisions(5, 10, n, 1, Decision.IdTag)))).toBeLessThan(0.03);
    expect(Math.abs(correlation(decisions(5, 10, n), decisions(6, 10, n)))).toBeLessThan(0.03);
  });

  it('gives different values to different decisions (collisions as rare as chance makes them)', () => {
    const key = seedFor(3, 3);
    const seen = new Set<number>();
    let count = 0;
    for (let connector = 0; connector < 4; connector++) {
      for (const what of [Decision.BootJitter, Decision.Idle, Decision.IdTag, Decision.Soc, Decision.Session, scenarioSite(0), scenarioSite(0) + 1, scenarioSite(7)]) {
        for (let k = 0; k < 1_000; k++, count++) seen.add(decide(key, connector, what, k));
      }
    }
    expect(count - seen.size).toBeLessThan(5);
  });
});

describe('decideBetween, decideAmong and DecisionDraws', () => {
  it.each([
    [5, 60],
    [0, 1],
    [-10, 10],
    [7, 7],
  ])('decideBetween(%d, %d) stays in range and spans it', (min, max) => {
    const key = seedFor(3, 3);
    const ys = Array.from({ length: 5_000 }, (_, k) => decideBetween(key, 1, Decision.Idle, k, min, max));
    for (const y of ys) {
      expect(y).toBeGreaterThanOrEqual(min);
      expect(y).toBeLessThanOrEqual(max);
    }
    if (max > min) {
      expect(Math.min(...ys) - min).toBeLessThan((max - min) * 0.01);
      expect(max - Math.max(...ys)).toBeLessThan((max - min) * 0.01);
    }
  });

  it('decideAmong picks every element, about equally often', () => {
    const key = seedFor(4, 4);
    const list = ['A', 'B', 'C', 'D'];
    const counts = new Map<string, number>();
    for (let k = 0; k < 8_000; k++) {
      const x = decideAmong(key, 1, Decision.IdTag, k, list);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(list);
    for (const c of counts.values()) expect(Math.abs(c - 2_000)).toBeLessThan(250);
  });

  it('DecisionDraws yields the uniforms of one decision in turn, from the same values each time', () => {
    const key = seedFor(5, 5);
    const draws = new DecisionDraws();
    const site = scenarioSite(3);
    const first = [draws.of(key, 2, site, 9).next(), draws.next()];
    expect(first).toEqual([decide(key, 2, site, 9), decide(key, 2, site + 1, 9)]);
    // `next` is bound: it can be handed out as a callback.
    const { next } = draws.of(key, 2, site, 9);
    expect([next(), next()]).toEqual(first);
  });
});

describe('jitter', () => {
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

  it('varies between calls and between charge points, and never moves a decision', () => {
    const s: RandomState = { rng: seedFor(4, 4) };
    const before = decisions(4, 4, 20);
    const ys = Array.from({ length: 100 }, () => jitter(s, 1_000, 0.25));
    expect(new Set(ys).size).toBeGreaterThan(95);
    expect(s.rng).toBe(seedFor(4, 4));
    expect(decisions(4, 4, 20)).toEqual(before);
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
