/** partition(): splitting a fleet's positions into striped shards, one per worker. */
import { describe, expect, it } from 'vitest';
import { partition } from '../../src/scheduler/fleet.js';

/** The positions a shard owns: first, first + stride, … (count of them). */
function positions(p: { first: number; count: number; stride: number }): number[] {
  return Array.from({ length: p.count }, (_, k) => p.first + k * p.stride);
}

const CASES: [number, number][] = [
  [1, 1],
  [10, 1],
  [10, 2],
  [10, 3],
  [10, 4],
  [12, 4],
  [7, 7],
  [3, 8], // fewer positions than workers
  [1, 16],
  [100, 7],
  [1_000, 16],
  [10_001, 8],
];

describe('partition', () => {
  it.each(CASES)('count %i over %i workers covers every position exactly once', (count, workers) => {
    const parts = partition(count, workers);
    const seen = parts.flatMap(positions).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it.each(CASES)('count %i over %i workers is striped: position p goes to shard p mod n', (count, workers) => {
    const parts = partition(count, workers);
    const n = parts.length;
    parts.forEach((p, w) => {
      expect(p.first).toBe(w);
      expect(p.stride).toBe(n);
      for (const pos of positions(p)) expect(pos % n).toBe(w);
    });
  });

  it.each(CASES)('count %i over %i workers: no empty shard, sizes differ by at most one', (count, workers) => {
    const parts = partition(count, workers);
    expect(parts).toHaveLength(Math.min(count, workers));
    const sizes = parts.map((p) => p.count);
    for (const s of sizes) expect(s).toBeGreaterThan(0);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    // larger shards first
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
  });

  it('10 over 4 workers', () => {
    expect(partition(10, 4)).toEqual([
      { first: 0, count: 3, stride: 4 },
      { first: 1, count: 3, stride: 4 },
      { first: 2, count: 2, stride: 4 },
      { first: 3, count: 2, stride: 4 },
    ]);
  });

  it('3 over 8 workers uses only 3 shards of one each', () => {
    expect(partition(3, 8)).toEqual([
      { first: 0, count: 1, stride: 3 },
      { first: 1, count: 1, stride: 3 },
      { first: 2, count: 1, stride: 3 },
    ]);
  });

  it.each([
    [0, 4],
    [5, 0],
  ])('degenerate count %i / workers %i yields one shard', (count, workers) => {
    const parts = partition(count, workers);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toEqual({ first: 0, count, stride: 1 });
  });
});
