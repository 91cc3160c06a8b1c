/** A slice (--shard i/n) of a run plan keeps the whole plan's ramp: each group queues behind all of the groups before it. */
import { describe, expect, it } from 'vitest';
import { startFleet } from '../../src/scheduler/fleet.js';
import { testFleetConfig } from '../helpers/fleet.js';

describe('startFleet with sliced groups', () => {
  it('slice 1/2 of A (4 charge points) then D (2): D-5 arrives after every A slot, not after this slice\'s two', async () => {
    // Nothing listens there: the ramp is planned at start, before any connection.
    const url = 'ws://127.0.0.1:9/ocpp';
    const profile = { ...testFleetConfig(url).profile, bootJitterS: 0 };
    const slice = { index: 0, of: 2 };
    const fleet = startFleet([
      testFleetConfig(url, { idPrefix: 'A-', idWidth: 1, count: 2, slice: { ...slice, total: 4 }, rampPerSec: 1, profile }),
      testFleetConfig(url, { idPrefix: 'D-', idWidth: 1, idStart: 5, count: 1, slice: { ...slice, total: 2 }, rampPerSec: 1, profile }),
    ]);
    try {
      const stations = fleet.shards!.flatMap((s) => s.stations);
      expect(stations.map((s) => s.identity)).toEqual(['A-1', 'A-3', 'D-5']);
      const t0 = stations[0].reconnectAt;
      // Whole-plan slots at 1/s: A positions 0 and 2, then D position 0 after A's 4 slots (each shard
      // reads its own clock at start, hence the rounding).
      expect(stations.map((s) => Math.round((s.reconnectAt - t0) / 100) * 100)).toEqual([0, 2000, 4000]);
    } finally {
      await fleet.stop();
    }
  });
});
