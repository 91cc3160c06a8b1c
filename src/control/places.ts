/**
 * A page of the charge point list without asking the shards: when the list is not filtered by
 * anything a station must be looked at for (identity glob, state, profile), its order is the fleets'
 * positions in fleet order, so the window is arithmetic. The page asks for such a window every second;
 * this spares every shard a walk over its stations and the main thread a merge of their rankings.
 */
import type { ControlFilter } from './protocol.js';

/** Is the list under `filter` every charge point of the fleets it names (no per-station test)? */
export function needsNoRank(filter: ControlFilter): boolean {
  return (filter.q === undefined || filter.q === '*') && filter.state === undefined && filter.profile === undefined;
}

/**
 * The total and the places (fleet, position pairs, flattened) from `offset`, at most `limit`, of the
 * fleets of `sizes` (positions 0…size-1 each, fleet after fleet), or of fleet `only` alone.
 */
export function arithmeticWindow(sizes: readonly number[], only: number | undefined, offset: number, limit: number): { total: number; places: number[] } {
  const places: number[] = [];
  let total = 0;
  let skip = offset;
  sizes.forEach((size, fleet) => {
    if (only !== undefined && fleet !== only) return;
    total += size;
    const from = Math.min(skip, size);
    skip -= from;
    for (let p = from; p < size && places.length < 2 * limit; p++) places.push(fleet, p);
  });
  return { total, places };
}
