/**
 * Issue #13: where a fleet runs when this process also holds sockets for something else (the demo's
 * embedded CSMS), and where the demo's CSMS runs (scheduler/spread.ts placeFleet, placeCsms).
 */
import { describe, expect, it } from 'vitest';
import { placeCsms, placeFleet } from '../../src/scheduler/spread.js';

const FIT = 19_800; // what one process holds under the 20,000 open-file limit (util/limits.ts)

describe('placeFleet', () => {
  it('without heldHere decides as `run` always did: this process while the fleet fits, else ⌈count ÷ fit⌉ children', () => {
    expect(placeFleet(20, FIT)).toEqual({ processes: 1, inChildren: false });
    expect(placeFleet(FIT, FIT)).toEqual({ processes: 1, inChildren: false });
    expect(placeFleet(FIT + 1, FIT)).toEqual({ processes: 2, inChildren: true });
    expect(placeFleet(100_000, FIT)).toEqual({ processes: 6, inChildren: true });
    expect(placeFleet(30, FIT, 0, 3)).toEqual({ processes: 3, inChildren: true });
    expect(placeFleet(30, FIT, 0, 1)).toEqual({ processes: 1, inChildren: false });
    expect(placeFleet(5, Infinity)).toEqual({ processes: 1, inChildren: false });
  });

  it('with heldHere: the fleet stays here while both fit, else goes to one child, even when it alone would fit here', () => {
    expect(placeFleet(20, FIT, 20)).toEqual({ processes: 1, inChildren: false });
    expect(placeFleet(9_900, FIT, 9_900)).toEqual({ processes: 1, inChildren: false });
    expect(placeFleet(9_901, FIT, 9_901)).toEqual({ processes: 1, inChildren: true });
    expect(placeFleet(15_000, FIT, 15_000, 1)).toEqual({ processes: 1, inChildren: true });
    // Too big for one process anyway: as many children as without heldHere (they do not hold the CSMS).
    expect(placeFleet(30_000, FIT, 0)).toEqual({ processes: 2, inChildren: true });
    expect(placeFleet(5, Infinity, 1_000_000)).toEqual({ processes: 1, inChildren: false });
  });

  it('never more processes than charge points', () => {
    expect(placeFleet(2, FIT, 0, 8)).toEqual({ processes: 2, inChildren: true });
  });
});

describe('placeCsms', () => {
  it('keeps the CSMS in this process while its connections fit, else ⌈connections ÷ fit⌉ cluster processes', () => {
    expect(placeCsms(20, FIT)).toEqual({ inCluster: false, processes: 1 });
    expect(placeCsms(FIT, FIT)).toEqual({ inCluster: false, processes: 1 });
    expect(placeCsms(FIT + 1, FIT)).toEqual({ inCluster: true, processes: 2 });
    expect(placeCsms(30_000, FIT)).toEqual({ inCluster: true, processes: 2 });
    expect(placeCsms(100_000, FIT)).toEqual({ inCluster: true, processes: 6 });
    expect(placeCsms(1_000_000, Infinity)).toEqual({ inCluster: false, processes: 1 });
  });

  it('with placeFleet: demo --count N holds at most `fit` sockets in any one process', () => {
    for (const n of [20, 9_900, 9_901, 19_800, 19_801, 30_000, 100_000]) {
      const csms = placeCsms(n, FIT);
      const heldHere = csms.inCluster ? 0 : n;
      const fleet = placeFleet(n, FIT, heldHere);
      const here = heldHere + (fleet.inChildren ? 0 : n);
      expect(here, `demo --count ${n}`).toBeLessThanOrEqual(FIT);
      expect(Math.ceil(n / fleet.processes), `fleet share of ${n}`).toBeLessThanOrEqual(FIT);
      expect(Math.ceil(n / csms.processes), `CSMS share of ${n}`).toBeLessThanOrEqual(FIT);
    }
  });
});
