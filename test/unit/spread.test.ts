/**
 * Issue #13: how a fleet is spread over local processes (scheduler/spread.ts) — every position in
 * exactly one process, composed with a --shard slice, and loopback source addresses only where ours.
 */
import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../src/scheduler/fleet.js';
import { loopbackSources, processesNeeded, processShare, CONNECTIONS_PER_SOURCE } from '../../src/scheduler/spread.js';

const base = { count: 10, workers: 2 } as unknown as FleetConfig;

/** The fleet positions a config covers (the same rule as startFleet's striping). */
function positions(c: FleetConfig): number[] {
  const index = c.slice?.index ?? 0;
  const of = c.slice?.of ?? 1;
  return Array.from({ length: c.count }, (_, j) => index + of * j);
}

describe('processShare', () => {
  it('covers every position of the fleet exactly once over P processes', () => {
    for (const [count, p] of [[10, 3], [100_000, 6], [7, 7], [5, 2]] as const) {
      const seen = new Array<number>(count).fill(0);
      for (let k = 0; k < p; k++) for (const c of processShare([{ ...base, count }], k, p)) for (const q of positions(c)) seen[q]++;
      expect(seen.every((n) => n === 1), `count ${count} over ${p}`).toBe(true);
    }
  });

  it('composes with a --shard slice: slice 2/3 of 20, over 2 processes, is that slice exactly', () => {
    const slice = { ...base, count: 7, slice: { index: 1, of: 3, total: 20 } };
    const got = [0, 1].flatMap((k) => processShare([slice], k, 2).flatMap(positions)).sort((a, b) => a - b);
    expect(got).toEqual([1, 4, 7, 10, 13, 16, 19]);
  });

  it('keeps a fleet with no charge point in a process (count 0: later fleets keep their index), and shares threads out', () => {
    expect(processShare([{ ...base, count: 2 }, { ...base, count: 9 }], 2, 3).map((c) => [c.fleet, c.count])).toEqual([[0, 0], [1, 3]]);
    const shares = [0, 1, 2].map((k) => processShare([{ ...base, count: 90, workers: 5 }], k, 3)[0].workers);
    // 5 threads over 3 processes: 2, 2, 1 — and one thread is the child's own main thread (0).
    expect(shares).toEqual([2, 2, 0]);
  });
});

describe('processesNeeded', () => {
  it('is the ceiling of the fleet over what fits in one', () => {
    expect(processesNeeded(100_000, 19_800)).toBe(6);
    expect(processesNeeded(19_800, 19_800)).toBe(1);
    expect(processesNeeded(5, Infinity)).toBe(1);
  });
});

describe('loopbackSources', () => {
  it('spreads a large fleet against an IPv4 loopback CSMS over 127.0.0.2 onwards', () => {
    const s = loopbackSources('ws://127.0.0.1:9000/ocpp', 100_000)!;
    expect(s.length).toBe(Math.ceil(100_000 / CONNECTIONS_PER_SOURCE));
    expect(s[0]).toBe('127.0.0.2');
    expect(new Set(s).size).toBe(s.length);
    expect(loopbackSources('ws://127.0.0.1:9000/ocpp', 300_000)!.at(-1)).toBe('127.0.1.45');
  });

  it('chooses nothing for a small fleet, IPv6 loopback, a name or another host', () => {
    expect(loopbackSources('ws://127.0.0.1:9000/ocpp', 19_000)).toBeUndefined();
    expect(loopbackSources('ws://[::1]:9000/ocpp', 100_000)).toBeUndefined();
    expect(loopbackSources('ws://csms.example:9000/ocpp', 100_000)).toBeUndefined();
    expect(loopbackSources('ws://10.0.0.5:9000/ocpp', 100_000)).toBeUndefined();
  });
});
