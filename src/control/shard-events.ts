/**
 * The shard's side of the event stream: while a control API subscriber listens, a tap on the stations
 * (StationTap: status changes, the frames their log keeps) and on the shard's problems turns what
 * matches the subscribers' wish into plain events, batched every 100 ms to the thread that owns the
 * event hub. Nothing of it exists while nobody listens: no tap, no timer, no buffer.
 *
 * Bounded: at most MAX_PENDING events wait for the next batch; past that they are counted and sent
 * as one `dropped` event in their place.
 */
import type { Shard } from '../scheduler/shard.js';
import type { Connector } from '../station/connector.js';
import type { Station } from '../station/station.js';
import { globMatcher } from './glob.js';
import type { ControlEvent, EventType } from './protocol.js';

const MAX_PENDING = 10_000;
const FLUSH_MS = 100;

interface Listening {
  matches: (identity: string) => boolean;
  types: Set<EventType>;
  pending: ControlEvent[];
  dropped: number;
  timer: NodeJS.Timeout;
  problem: Shard['stats']['problem'];
}

const listening = new WeakMap<Shard, Listening>();

/** Subscribers' union wish (null: nobody listens): starts or stops the shard's tap. */
export function setEventWish(shard: Shard, want: { q: string[] | null; types: EventType[] } | null): void {
  const was = listening.get(shard);
  if (was !== undefined) {
    clearInterval(was.timer);
    flush(shard, was);
    shard.tap = null;
    shard.stats.problem = was.problem;
    listening.delete(shard);
  }
  if (want === null || want.types.length === 0) return;
  const globs = want.q === null ? null : want.q.map(globMatcher);
  const l: Listening = {
    matches: globs === null ? () => true : (id) => globs.some((m) => m(id)),
    types: new Set(want.types),
    pending: [],
    dropped: 0,
    timer: setInterval(() => flush(shard, l), FLUSH_MS),
    problem: shard.stats.problem,
  };
  l.timer.unref();
  listening.set(shard, l);
  const push = (e: ControlEvent) => {
    if (l.pending.length < MAX_PENDING) l.pending.push(e);
    else l.dropped++;
  };
  shard.tap = {
    status(st: Station, c: Connector, from: string, now: number) {
      if (!l.types.has('status') || !l.matches(st.identity)) return;
      push({ type: 'status', identity: st.identity, at: now, connector: c.id, status: c.status, from, errorCode: c.errorCode === 'NoError' ? null : c.errorCode });
    },
    frame(st: Station, dir: 'in' | 'out', text: string, now: number) {
      const kind = text.charCodeAt(1) === 50 /* '2' */ ? 'call' : 'answer';
      if (!l.types.has(kind) || !l.matches(st.identity)) return;
      push({ type: kind, identity: st.identity, at: now, dir, text: text.length > 4096 ? `${text.slice(0, 4096)}…` : text });
    },
  };
  if (l.types.has('problem')) {
    // Problems name their charge point first (`CP001: …`) when they are about one.
    const original = l.problem;
    const stats = shard.stats;
    stats.problem = (message: string) => {
      const colon = message.indexOf(':');
      const identity = colon > 0 ? message.slice(0, colon).split(' ')[0] : '';
      if (identity === '' || l.matches(identity)) push({ type: 'problem', identity, at: Date.now(), message });
      original.call(stats, message);
    };
  }
}

/** A manual action was applied (only while someone listens for actions). */
export function actionEvent(shard: Shard, st: Station, action: string, args: Record<string, unknown>, ok: boolean, error?: string): void {
  const l = listening.get(shard);
  if (l === undefined || !l.types.has('action') || !l.matches(st.identity)) return;
  const e: ControlEvent = { type: 'action', identity: st.identity, at: Date.now(), action, args, ok, ...(error === undefined ? {} : { error }) };
  if (l.pending.length < MAX_PENDING) l.pending.push(e);
  else l.dropped++;
}

function flush(shard: Shard, l: Listening): void {
  if (l.pending.length === 0 && l.dropped === 0) return;
  const events = l.pending;
  if (l.dropped > 0) events.push({ type: 'dropped', at: Date.now(), count: l.dropped });
  l.pending = [];
  l.dropped = 0;
  shard.onControlEvents?.(events);
}
