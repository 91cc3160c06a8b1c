/**
 * Placeholder until the event stream lands: shards keep no event state while nobody listens.
 */
import type { Shard } from '../scheduler/shard.js';
import type { EventType } from './protocol.js';

export function setEventWish(_shard: Shard, _want: { q: string[] | null; types: EventType[] } | null): void {}
