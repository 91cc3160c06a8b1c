/**
 * The event stream's subscribers (`GET /api/events`, Server-Sent Events): each with its own filter
 * (identity globs, event types) and a bounded buffer. The shards are told the union of what the
 * subscribers want, and only while there is one (control/shard-events.ts), so an unused stream costs
 * nothing. A subscriber slower than the fleet loses events: at most MAX_BUFFERED wait for its socket,
 * and the ones beyond are replaced by one `{"type":"dropped","count":n}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fleet } from '../scheduler/fleet.js';
import { globMatcher } from './glob.js';
import { EVENT_TYPES, type ControlEvent, type EventType, type EventWish } from './protocol.js';

export const MAX_BUFFERED = 10_000;
const KEEPALIVE_MS = 15_000;

interface Subscriber {
  res: ServerResponse;
  globs: string[] | null;
  matches: (identity: string) => boolean;
  types: Set<string>;
  buffered: string[];
  dropped: number;
}

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private keepalive: NodeJS.Timeout | null = null;

  constructor(private readonly fleet: Fleet) {}

  subscribe(_req: IncomingMessage, res: ServerResponse, params: URLSearchParams): void {
    const q = params.get('q');
    const globs = q === null || q === '' || q === '*' ? null : q.split(',').filter((g) => g !== '');
    const matchers = globs?.map(globMatcher) ?? null;
    const typesParam = params.get('types');
    const types = typesParam === null || typesParam === '' ? [...EVENT_TYPES] : typesParam.split(',');
    const unknown = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
    if (unknown.length > 0) {
      const text = JSON.stringify({ error: 'BadRequest', description: `Unknown event types ${unknown.join(', ')}; types: ${EVENT_TYPES.join(', ')}` });
      res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' });
      return void res.end(text);
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': ocpp-sim control events\n\n');
    const sub: Subscriber = {
      res,
      globs,
      matches: matchers === null ? () => true : (id) => matchers.some((m) => m(id)),
      types: new Set(types),
      buffered: [],
      dropped: 0,
    };
    this.subscribers.add(sub);
    res.on('drain', () => this.pump(sub));
    res.on('close', () => {
      this.subscribers.delete(sub);
      this.changed();
    });
    this.changed();
  }

  /** Events from the shards: each subscriber gets those it asked for. */
  deliver(events: ControlEvent[]): void {
    for (const sub of this.subscribers) {
      for (const e of events) {
        if (e.type === 'dropped') {
          // Lost in a shard before any filter: every subscriber hears of it.
          sub.dropped += Number(e.count);
          continue;
        }
        if (!sub.types.has(e.type) || (e.identity !== undefined && e.identity !== '' && !sub.matches(e.identity))) continue;
        if (sub.buffered.length < MAX_BUFFERED) sub.buffered.push(`data: ${JSON.stringify(e)}\n\n`);
        else sub.dropped++;
      }
      this.pump(sub);
    }
  }

  private pump(sub: Subscriber): void {
    if (sub.res.writableNeedDrain) return;
    if (sub.dropped > 0 && sub.buffered.length < MAX_BUFFERED) {
      sub.buffered.push(`data: ${JSON.stringify({ type: 'dropped', count: sub.dropped, at: Date.now() })}\n\n`);
      sub.dropped = 0;
    }
    if (sub.buffered.length === 0) return;
    const text = sub.buffered.join('');
    sub.buffered = [];
    sub.res.write(text);
  }

  /** Tells the shards what each subscriber wants (null: nobody listens), and runs the keep-alive while someone does. */
  private changed(): void {
    if (this.subscribers.size === 0) {
      this.fleet.onControlEvents = null;
      if (this.keepalive !== null) clearInterval(this.keepalive);
      this.keepalive = null;
      void this.fleet.control({ kind: 'events', want: null }).catch(() => {});
      return;
    }
    this.fleet.onControlEvents = (events) => this.deliver(events);
    if (this.keepalive === null) {
      this.keepalive = setInterval(() => {
        for (const sub of this.subscribers) if (!sub.res.writableNeedDrain) sub.res.write(': keep-alive\n\n');
      }, KEEPALIVE_MS);
      this.keepalive.unref();
    }
    const wishes = new Map<string, EventWish>();
    for (const sub of this.subscribers) {
      const wish: EventWish = { q: sub.globs === null ? null : [...sub.globs], types: [...sub.types] as EventType[] };
      wishes.set(JSON.stringify(wish), wish);
    }
    void this.fleet.control({ kind: 'events', want: [...wishes.values()] }).catch(() => {});
  }

  close(): void {
    for (const sub of this.subscribers) sub.res.end();
    this.subscribers.clear();
    if (this.keepalive !== null) clearInterval(this.keepalive);
    this.keepalive = null;
    this.fleet.onControlEvents = null;
  }
}
