/**
 * The shard's side of the event stream: while a control API subscriber listens, a tap on the stations
 * (StationTap: status changes, every frame in and out) and on the shard's problems turns what
 * matches the subscribers' wish into plain events, sent in batches to the thread that owns the event
 * hub, 100 ms after the first event of a batch. Nothing of it exists while nobody listens (no tap, no
 * buffer), and no timer runs while nothing is wanted (a quiet charge point's stream wakes no thread).
 *
 * Bounded: at most MAX_PENDING events wait for the next batch; past that they are counted and sent
 * as one `dropped` event in their place.
 */
import type { Shard } from '../scheduler/shard.js';
import type { Connector } from '../station/connector.js';
import type { Station } from '../station/station.js';
import { globMatcher } from './glob.js';
import type { ControlEvent, EventType, EventWish } from './protocol.js';

const MAX_PENDING = 10_000;
const FLUSH_MS = 100;

interface Listening {
  /** Per event type, the identity matchers of the subscribers that want it (null matcher = all). */
  wanted: Map<EventType, (((identity: string) => boolean) | null)[]>;
  pending: ControlEvent[];
  dropped: number;
  /** The pending batch's flush, while one waits. */
  timer: NodeJS.Timeout | null;
  problem: Shard['stats']['problem'];
}

const listening = new WeakMap<Shard, Listening>();

/** Does a subscriber want this type of event about this charge point? */
function wants(l: Listening, type: EventType, identity: string): boolean {
  const matchers = l.wanted.get(type);
  if (matchers === undefined) return false;
  for (const m of matchers) if (m === null || m(identity)) return true;
  return false;
}

/** Subscribers' wishes (null: nobody listens): starts or stops the shard's tap. */
export function setEventWish(shard: Shard, want: EventWish[] | null): void {
  const was = listening.get(shard);
  if (was !== undefined) {
    flush(shard, was);
    shard.tap = null;
    shard.stats.problem = was.problem;
    listening.delete(shard);
  }
  const wanted = new Map<EventType, (((identity: string) => boolean) | null)[]>();
  for (const wish of want ?? []) {
    const globs = wish.q === null ? null : wish.q.map(globMatcher);
    const matcher = globs === null ? null : (id: string) => globs.some((m) => m(id));
    for (const t of wish.types) wanted.set(t, [...(wanted.get(t) ?? []), matcher]);
  }
  if (wanted.size === 0) return;
  const l: Listening = {
    wanted,
    pending: [],
    dropped: 0,
    timer: null,
    problem: shard.stats.problem,
  };
  listening.set(shard, l);
  const push = (e: ControlEvent) => pushEvent(shard, l, e);
  shard.tap = {
    status(st: Station, c: Connector, from: string, now: number) {
      if (!wants(l, 'status', st.identity)) return;
      push({ type: 'status', identity: st.identity, at: now, connector: c.id, status: c.status, from, errorCode: c.errorCode === 'NoError' ? null : c.errorCode });
    },
    frame(st: Station, dir: 'in' | 'out', text: string, now: number) {
      const kind = text.charCodeAt(1) === 50 /* '2' */ ? 'call' : 'answer';
      if (!wants(l, kind, st.identity)) return;
      push({ type: kind, identity: st.identity, at: now, dir, text: text.length > 4096 ? `${text.slice(0, 4096)}…` : text });
    },
  };
  if (wanted.has('problem')) {
    // Problems name their charge point first (`CP001: …`) when they are about one.
    const original = l.problem;
    const stats = shard.stats;
    stats.problem = (message: string) => {
      const colon = message.indexOf(':');
      const identity = colon > 0 ? message.slice(0, colon).split(' ')[0] : '';
      if (identity === '' ? l.wanted.has('problem') : wants(l, 'problem', identity)) push({ type: 'problem', identity, at: Date.now(), message });
      original.call(stats, message);
    };
  }
}

/** A manual action was applied (only while someone listens for actions). */
export function actionEvent(shard: Shard, st: Station, action: string, args: Record<string, unknown>, ok: boolean, error?: string): void {
  const l = listening.get(shard);
  if (l === undefined || !wants(l, 'action', st.identity)) return;
  pushEvent(shard, l, { type: 'action', identity: st.identity, at: Date.now(), action, args, ok, ...(error === undefined ? {} : { error }) });
}

function pushEvent(shard: Shard, l: Listening, e: ControlEvent): void {
  if (l.pending.length < MAX_PENDING) l.pending.push(e);
  else l.dropped++;
  if (l.timer === null) {
    l.timer = setTimeout(() => flush(shard, l), FLUSH_MS);
    l.timer.unref();
  }
}

function flush(shard: Shard, l: Listening): void {
  if (l.timer !== null) clearTimeout(l.timer);
  l.timer = null;
  if (l.pending.length === 0 && l.dropped === 0) return;
  const events = l.pending;
  if (l.dropped > 0) events.push({ type: 'dropped', at: Date.now(), count: l.dropped });
  l.pending = [];
  l.dropped = 0;
  shard.onControlEvents?.(events);
}
