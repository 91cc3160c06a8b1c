import { describe, expect, it } from 'vitest';
import { Interner } from '../../src/util/intern.js';
import { checkProfile, type ProfileInput } from '../../src/features/smart-charging/profiles.js';

describe('Interner', () => {
  it('gives the first value of a key to every later equal one, and stops sharing when full', () => {
    const t = new Interner<number[]>(2);
    const a = [1];
    expect(t.share('a', a)).toBe(a);
    expect(t.share('a', [1])).toBe(a);
    const b = [2];
    expect(t.share('b', b)).toBe(b);
    const c = [3];
    expect(t.share('c', c)).toBe(c);
    // Full: 'c' was not kept, so another [3] is not shared — but still correct.
    const c2 = [3];
    expect(t.share('c', c2)).toBe(c2);
    expect(t.share('b', [2])).toBe(b);
  });
});

describe('charging schedules sent to many charge points', () => {
  const view = { connectorCount: 1, txStart: () => null, transaction: () => null, site: (c: number) => c };
  const limits = { maxStackLevel: 10, maxPeriods: 24, maxInstalled: 20, allowedUnits: new Set(['A', 'W'] as const) };
  const input = (limit: number): ProfileInput => ({
    id: 1,
    stackLevel: 0,
    purpose: 'TxDefault',
    kind: 'Relative',
    schedule: { unit: 'A', periods: [{ startPeriod: 0, limit }, { startPeriod: 3600, limit: 10 }] },
  });
  it('share one copy of equal periods; a different schedule gets its own', () => {
    const a = checkProfile(0, input(16), view as never, limits as never, 0);
    const b = checkProfile(0, input(16), view as never, limits as never, 0);
    const c = checkProfile(0, input(12), view as never, limits as never, 0);
    if (typeof a === 'string' || typeof b === 'string' || typeof c === 'string') throw new Error(String(a));
    expect(a).not.toBe(b);
    expect(b.periods).toBe(a.periods);
    expect(c.periods).not.toBe(a.periods);
    expect(c.periods.map((p) => p.limit)).toEqual([12, 10]);
  });
});
