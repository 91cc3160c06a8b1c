import { describe, expect, it } from 'vitest';
import { arithmeticWindow, needsNoRank } from '../../src/control/places.js';

describe('arithmeticWindow', () => {
  it('pages through the fleets in order, positions 0…size-1 each', () => {
    expect(arithmeticWindow([3, 2], undefined, 0, 2)).toEqual({ total: 5, places: [0, 0, 0, 1] });
    expect(arithmeticWindow([3, 2], undefined, 2, 2)).toEqual({ total: 5, places: [0, 2, 1, 0] });
    expect(arithmeticWindow([3, 2], undefined, 4, 10)).toEqual({ total: 5, places: [1, 1] });
    expect(arithmeticWindow([3, 2], undefined, 9, 10)).toEqual({ total: 5, places: [] });
  });

  it('keeps to one fleet when the filter names it', () => {
    expect(arithmeticWindow([3, 2], 1, 1, 5)).toEqual({ total: 2, places: [1, 1] });
    expect(arithmeticWindow([3, 2], 7, 0, 5)).toEqual({ total: 0, places: [] });
  });
});

describe('needsNoRank', () => {
  it('only when no station has to be looked at', () => {
    expect(needsNoRank({})).toBe(true);
    expect(needsNoRank({ q: '*', fleet: 1 })).toBe(true);
    expect(needsNoRank({ q: 'CP1*' })).toBe(false);
    expect(needsNoRank({ state: 'booted' })).toBe(false);
    expect(needsNoRank({ profile: 'abb-terra-ac' })).toBe(false);
  });
});
