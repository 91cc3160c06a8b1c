/**
 * The shard's side of the control API: finds its charge points by glob and filters, runs actions on
 * them, builds summaries. Called on the thread that owns the shard (worker or main), so it touches
 * stations directly; everything it returns is plain data (control/protocol.ts).
 */
import type { Shard } from '../scheduler/shard.js';
import { ActionError, applyAction, sendCall } from './station-actions.js';
import { framesOf, stationFilter, summarize } from './query.js';
import { MAX_RESULTS, type ActResult, type ChargePointSummary, type ControlReply, type ControlRequest } from './protocol.js';
import { actionEvent, setEventWish } from './shard-events.js';

export async function controlShard(shard: Shard, req: ControlRequest): Promise<ControlReply> {
  const fleet = shard.config.fleet ?? 0;
  switch (req.kind) {
    case 'overview': {
      const connectors: Record<string, number> = {};
      for (const st of shard.stations) for (let i = 1; i < st.connectors.length; i++) connectors[st.connectors[i].status] = (connectors[st.connectors[i].status] ?? 0) + 1;
      return { kind: 'overview', connectors };
    }
    case 'rank': {
      const keep = stationFilter(req.filter, fleet);
      const places: number[] = [];
      let total = 0;
      if (keep !== null) {
        // Stations are in position order: the first `want` matches are all a page can need.
        for (const st of shard.stations) {
          if (!keep(st)) continue;
          if (total++ < req.want) places.push(fleet, st.index);
        }
      }
      return { kind: 'rank', total, places };
    }
    case 'summaries': {
      const items: ChargePointSummary[] = [];
      const { first, stride } = shard.config;
      for (let i = 0; i < req.places.length; i += 2) {
        const k = (req.places[i + 1] - first) / stride;
        const st = req.places[i] === fleet && Number.isInteger(k) ? shard.stations[k] : undefined;
        if (st !== undefined) items.push(summarize(st, fleet));
      }
      return { kind: 'summaries', items };
    }
    case 'detail': {
      const st = shard.stations.find((s) => s.identity === req.identity);
      return { kind: 'detail', item: st === undefined ? null : { ...summarize(st, fleet), frames: framesOf(st) } };
    }
    case 'act':
      return act(shard, fleet, req.filter, req.action, req.args);
    case 'events':
      setEventWish(shard, req.want);
      return { kind: 'events' };
  }
}

async function act(shard: Shard, fleet: number, filter: Parameters<typeof stationFilter>[0], action: string, args: Record<string, unknown>): Promise<ControlReply> {
  const keep = stationFilter(filter, fleet);
  const results: ActResult[] = [];
  let matched = 0;
  if (keep === null) return { kind: 'act', matched, results };
  const now = shard.now();
  for (const st of shard.stations) {
    if (!keep(st)) continue;
    matched++;
    const base = { identity: st.identity, fleet, position: st.index };
    let result: ActResult;
    try {
      if (action === 'send') {
        // The server sends `send` only to a request that matches one charge point.
        const answer = await sendCall(st, String(args.action), (args.payload as Record<string, unknown> | undefined) ?? {});
        shard.stats.manualAction(action);
        result =
          'payload' in answer
            ? { ...base, ok: true, answer: answer.payload }
            : { ...base, ok: false, error: `CALLERROR ${answer.error.code}: ${answer.error.description}`, callError: answer.error };
      } else {
        applyAction(st, action, args, now);
        shard.stats.manualAction(action);
        result = { ...base, ok: true };
      }
    } catch (e) {
      if (!(e instanceof ActionError)) throw e;
      if (e.status === 504) shard.stats.manualAction(action); // sent, never answered
      result = { ...base, ok: false, error: e.message, status: e.status };
    }
    actionEvent(shard, st, action, args, result.ok, result.error);
    if (results.length < MAX_RESULTS) results.push(result);
  }
  return { kind: 'act', matched, results };
}
