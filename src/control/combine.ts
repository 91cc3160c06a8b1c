/**
 * Combines the replies of every shard (worker thread, or child process of a multi-process run) to one
 * control request into the reply the API gives: counts summed, lists merged in fleet order and paged,
 * action results merged in fleet order and capped. Pure, so every level of a fleet combines alike.
 */
import { MAX_RESULTS, type ActResult, type ChargePointSummary, type ControlReply, type ControlRequest } from './protocol.js';

function byPlace(a: { fleet: number; position: number }, b: { fleet: number; position: number }): number {
  return a.fleet - b.fleet || a.position - b.position;
}

export function combineReplies(request: ControlRequest, replies: readonly ControlReply[]): ControlReply {
  switch (request.kind) {
    case 'overview': {
      const connectors: Record<string, number> = {};
      for (const r of replies) if (r.kind === 'overview') for (const [k, n] of Object.entries(r.connectors)) connectors[k] = (connectors[k] ?? 0) + n;
      return { kind: 'overview', connectors };
    }
    case 'rank': {
      // Every reply holds its first `want` matches in order: the union's first `want` are among them.
      let total = 0;
      const pairs: [number, number][] = [];
      for (const r of replies) {
        if (r.kind !== 'rank') continue;
        total += r.total;
        for (let i = 0; i < r.places.length; i += 2) pairs.push([r.places[i], r.places[i + 1]]);
      }
      pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      return { kind: 'rank', total, places: pairs.slice(0, request.want).flat() };
    }
    case 'summaries': {
      const items: ChargePointSummary[] = [];
      for (const r of replies) if (r.kind === 'summaries') items.push(...r.items);
      return { kind: 'summaries', items: items.sort(byPlace) };
    }
    case 'detail': {
      for (const r of replies) if (r.kind === 'detail' && r.item !== null) return r;
      return { kind: 'detail', item: null };
    }
    case 'act': {
      let matched = 0;
      const results: ActResult[] = [];
      for (const r of replies) {
        if (r.kind !== 'act') continue;
        matched += r.matched;
        results.push(...r.results);
      }
      results.sort(byPlace);
      return { kind: 'act', matched, results: results.slice(0, MAX_RESULTS) };
    }
    case 'events':
      return { kind: 'events' };
  }
}
