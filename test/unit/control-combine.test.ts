/**
 * The control API's pure parts: combining shards' replies (paging in fleet order, counts, capped
 * results) and identity globs.
 */
import { describe, expect, it } from 'vitest';
import { combineReplies } from '../../src/control/combine.js';
import { globMatcher, isExactIdentity } from '../../src/control/glob.js';
import { MAX_RESULTS, type ActResult, type ChargePointSummary } from '../../src/control/protocol.js';

function cp(identity: string, fleet: number, position: number): ChargePointSummary {
  return { identity, fleet, position, profile: 'p', ocpp: '1.6', state: 'booted', connectors: [], lastError: null };
}

describe('combineReplies', () => {
  it('ranks the union of shard matches in fleet order, keeping the first `want` (a page is cut from them)', () => {
    // Two striped shards of fleet 0 (positions 0,2,4 and 1,3) and one of fleet 1; each sent its first `want` matches.
    const request = { kind: 'rank' as const, filter: {}, want: 4 };
    const reply = combineReplies(request, [
      { kind: 'rank', total: 3, places: [0, 0, 0, 2, 0, 4] },
      { kind: 'rank', total: 2, places: [0, 1, 0, 3] },
      { kind: 'rank', total: 1, places: [1, 0] },
    ]);
    expect(reply).toEqual({ kind: 'rank', total: 6, places: [0, 0, 0, 1, 0, 2, 0, 3] });
    // Combined again (a child process's reply among others'): the same rule holds at every level.
    expect(combineReplies(request, [reply, { kind: 'rank', total: 1, places: [0, 5] }])).toEqual({ kind: 'rank', total: 7, places: [0, 0, 0, 1, 0, 2, 0, 3] });
  });

  it('merges the summaries of a page in fleet order', () => {
    const reply = combineReplies({ kind: 'summaries', places: [0, 1, 0, 2, 1, 0] }, [
      { kind: 'summaries', items: [cp('B0', 1, 0), cp('A2', 0, 2)] },
      { kind: 'summaries', items: [cp('A1', 0, 1)] },
    ]);
    expect(reply).toEqual({ kind: 'summaries', items: [cp('A1', 0, 1), cp('A2', 0, 2), cp('B0', 1, 0)] });
  });

  it('sums overview counts and finds the one detail', () => {
    expect(combineReplies({ kind: 'overview' }, [
      { kind: 'overview', connectors: { Available: 2, Charging: 1 } },
      { kind: 'overview', connectors: { Available: 1, Faulted: 1 } },
    ])).toEqual({ kind: 'overview', connectors: { Available: 3, Charging: 1, Faulted: 1 } });
    const item = { ...cp('X', 0, 3), frames: [] };
    expect(combineReplies({ kind: 'detail', identity: 'X' }, [{ kind: 'detail', item: null }, { kind: 'detail', item }])).toEqual({ kind: 'detail', item });
    expect(combineReplies({ kind: 'detail', identity: 'Y' }, [{ kind: 'detail', item: null }])).toEqual({ kind: 'detail', item: null });
  });

  it('counts every match and caps the results in fleet order', () => {
    const results = (first: number, n: number): ActResult[] =>
      Array.from({ length: n }, (_, k) => ({ identity: `CP${first + 2 * k}`, fleet: 0, position: first + 2 * k, ok: true }));
    const reply = combineReplies({ kind: 'act', filter: { q: '*' }, action: 'fault', args: {} }, [
      { kind: 'act', matched: 900, results: results(0, 900) },
      { kind: 'act', matched: 900, results: results(1, 900) },
    ]);
    expect(reply.kind === 'act' && reply.matched).toBe(1800);
    const got = reply.kind === 'act' ? reply.results : [];
    expect(got).toHaveLength(MAX_RESULTS);
    expect(got.slice(0, 3).map((r) => r.position)).toEqual([0, 1, 2]);
    expect(got[MAX_RESULTS - 1].position).toBe(MAX_RESULTS - 1);
  });
});

describe('globMatcher', () => {
  it('matches * and ? on the identity, everything else literally', () => {
    const m = globMatcher('CP00*');
    expect(['CP001', 'CP00', 'CP0012', 'CP010', 'cp001'].filter(m)).toEqual(['CP001', 'CP00', 'CP0012']);
    expect(['CP1', 'CP12', 'CPX'].filter(globMatcher('CP?'))).toEqual(['CP1', 'CPX']);
    expect(['a.b', 'axb'].filter(globMatcher('a.b'))).toEqual(['a.b']);
    expect(['a+b(1)', 'ab(1)'].filter(globMatcher('a+b(?)'))).toEqual(['a+b(1)']);
    expect(['anything', ''].every(globMatcher('*'))).toBe(true);
    expect(globMatcher(undefined)('x')).toBe(true);
    expect(globMatcher('CP1')('CP10')).toBe(false);
  });
  it('knows an exact identity from a glob', () => {
    expect(isExactIdentity('CP1')).toBe(true);
    expect(isExactIdentity('CP*')).toBe(false);
    expect(isExactIdentity('CP?')).toBe(false);
  });
});
