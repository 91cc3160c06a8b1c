/** The log-linear latency histogram: bucket maths, accuracy, quantiles and merging. */
import { describe, expect, it } from 'vitest';
import { bucketLow, bucketMid, bucketOf, Histogram, HISTOGRAM_BUCKETS } from '../../src/metrics/histogram.js';

/** Every power of two and its neighbours, plus a deterministic spread of values, up to 2^36. */
function sampleValues(): number[] {
  const out: number[] = [];
  for (let v = 0; v < 1024; v++) out.push(v);
  for (let e = 10; e <= 36; e++) {
    const p = 2 ** e;
    out.push(p - 1, p, p + 1, p + p / 2, p + p / 64 - 1, p + p / 64);
  }
  let x = 12345;
  for (let i = 0; i < 20_000; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(Math.floor((x / 2 ** 31) * 2 ** (1 + (i % 36))));
  }
  return out;
}
const VALUES = sampleValues();

describe('bucketOf / bucketLow', () => {
  it('values 0…127 µs have one exact bucket each', () => {
    for (let v = 0; v < 128; v++) {
      expect(bucketOf(v)).toBe(v);
      expect(bucketLow(v)).toBe(v);
      expect(bucketMid(v)).toBe(v);
    }
  });

  it.each([
    [128, 128],
    [129, 128],
    [130, 129],
    [255, 191],
    [256, 192],
    [259, 192],
    [260, 193],
    [511, 255],
    [512, 256],
  ])('bucketOf(%i) = %i', (v, idx) => {
    expect(bucketOf(v)).toBe(idx);
  });

  it('bucketLow(bucketOf(v)) <= v < bucketLow(bucketOf(v) + 1) from 0 to 2^36', () => {
    for (const v of VALUES) {
      const b = bucketOf(v);
      expect(bucketLow(b), `v=${v}`).toBeLessThanOrEqual(v);
      expect(bucketLow(b + 1), `v=${v}`).toBeGreaterThan(v);
    }
  });

  it('is monotone in the value', () => {
    const sorted = [...VALUES].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(bucketOf(sorted[i])).toBeGreaterThanOrEqual(bucketOf(sorted[i - 1]));
  });

  it('bucketLow is strictly increasing over all buckets and inverts bucketOf', () => {
    for (let i = 1; i <= HISTOGRAM_BUCKETS; i++) expect(bucketLow(i)).toBeGreaterThan(bucketLow(i - 1));
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) expect(bucketOf(bucketLow(i))).toBe(i);
  });

  it('covers 2^36 µs within range and clamps beyond', () => {
    expect(bucketOf(2 ** 36)).toBeLessThan(HISTOGRAM_BUCKETS);
    expect(bucketOf(2 ** 40)).toBe(HISTOGRAM_BUCKETS - 1);
    expect(bucketOf(Number.MAX_SAFE_INTEGER)).toBe(HISTOGRAM_BUCKETS - 1);
  });

  it.each([
    [-5, 0],
    [0.9, 0],
    [127.99, 127],
    [128.5, 128],
  ])('bucketOf(%d) = %i (negatives clamp, fractions floor)', (v, idx) => {
    expect(bucketOf(v)).toBe(idx);
  });

  it('relative width of every bucket above 128 µs is at most 1/64 (≤ 1.6 %)', () => {
    for (let i = 128; i < HISTOGRAM_BUCKETS; i++) {
      const width = bucketLow(i + 1) - bucketLow(i);
      expect(width / bucketLow(i)).toBeLessThanOrEqual(1 / 64);
    }
  });

  it('the midpoint represents any value above 128 µs within 1.6 %', () => {
    for (const v of VALUES) {
      if (v < 128 || v >= 2 ** 37) continue;
      const mid = bucketMid(bucketOf(v));
      expect(Math.abs(mid - v) / v, `v=${v}`).toBeLessThanOrEqual(0.016);
    }
  });
});

describe('Histogram', () => {
  it('is empty at first: quantiles 0, no sparse buckets', () => {
    const h = new Histogram();
    expect(h.quantile(0.5)).toBe(0);
    expect(h.toSparse()).toEqual([]);
    expect(h.total).toBe(0);
  });

  it.each([
    [0.5, 500],
    [0.9, 900],
    [0.95, 950],
    [0.99, 990],
  ])('uniform 1…1000 ms: q%d ≈ %i ms within 2 %', (q, expectedMs) => {
    const h = new Histogram();
    for (let ms = 1; ms <= 1000; ms++) h.record(ms * 1000);
    expect(h.total).toBe(1000);
    expect(Math.abs(h.quantile(q) / 1000 - expectedMs) / expectedMs).toBeLessThanOrEqual(0.02);
  });

  it('exact for small values: 1…100 µs', () => {
    const h = new Histogram();
    for (let us = 1; us <= 100; us++) h.record(us);
    expect(h.quantile(0.5)).toBe(50);
    expect(h.quantile(0.01)).toBe(1);
    expect(h.quantile(1)).toBe(100);
  });

  it('a constant distribution: every quantile is the value (capped by max)', () => {
    const h = new Histogram();
    for (let i = 0; i < 500; i++) h.record(12_345);
    for (const q of [0.001, 0.5, 0.99, 1]) {
      expect(h.quantile(q)).toBeLessThanOrEqual(12_345);
      expect(Math.abs(h.quantile(q) - 12_345) / 12_345).toBeLessThan(0.016);
    }
  });

  it('bimodal: 90 % fast, 10 % slow', () => {
    const h = new Histogram();
    for (let i = 0; i < 900; i++) h.record(2_000);
    for (let i = 0; i < 100; i++) h.record(800_000);
    expect(Math.abs(h.quantile(0.5) - 2_000) / 2_000).toBeLessThan(0.016);
    expect(Math.abs(h.quantile(0.9) - 2_000) / 2_000).toBeLessThan(0.016);
    expect(Math.abs(h.quantile(0.91) - 800_000) / 800_000).toBeLessThan(0.016);
  });

  it('tracks the max exactly, and quantile(1) never exceeds it', () => {
    const h = new Histogram();
    for (const v of [10, 5_000, 123_457, 77]) h.record(v);
    expect(h.max).toBe(123_457);
    expect(h.quantile(1)).toBeLessThanOrEqual(123_457);
    expect(Math.abs(h.quantile(1) - 123_457) / 123_457).toBeLessThan(0.016);
    // A bucket whose midpoint is above the max reports the max itself.
    const one = new Histogram();
    one.record(255); // bucket [254, 256), midpoint 255
    one.record(200);
    expect(one.quantile(1)).toBe(255);
    const low = new Histogram();
    low.record(254); // same bucket, midpoint 255 > max
    expect(low.quantile(1)).toBe(254);
  });

  it('merging via toSparse/addSparse equals recording everything in one', () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    VALUES.forEach((v, i) => {
      (i % 3 === 0 ? a : b).record(v);
      all.record(v);
    });
    const merged = new Histogram();
    merged.addSparse(a.toSparse(), a.max);
    merged.addSparse(b.toSparse(), b.max);
    expect(Array.from(merged.counts)).toEqual(Array.from(all.counts));
    expect(merged.total).toBe(all.total);
    expect(merged.max).toBe(all.max);
    for (const q of [0.1, 0.5, 0.9, 0.99, 0.999]) expect(merged.quantile(q)).toBe(all.quantile(q));
  });

  it('toSparse lists only non-zero buckets as [index, count] pairs in index order', () => {
    const h = new Histogram();
    h.record(5);
    h.record(5);
    h.record(300);
    expect(h.toSparse()).toEqual([5, 2, bucketOf(300), 1]);
  });

  it('addSparse keeps the larger max', () => {
    const h = new Histogram();
    h.record(1_000);
    h.addSparse([bucketOf(10), 1], 10);
    expect(h.max).toBe(1_000);
    h.addSparse([bucketOf(9_000), 1], 9_000);
    expect(h.max).toBe(9_000);
    expect(h.total).toBe(3);
  });

  it('reset clears counts, total and max', () => {
    const h = new Histogram();
    h.record(42);
    h.reset();
    expect(h.total).toBe(0);
    expect(h.max).toBe(0);
    expect(h.toSparse()).toEqual([]);
    expect(h.quantile(0.5)).toBe(0);
  });
});
