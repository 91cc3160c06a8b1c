/**
 * Arrays of exactly their length, for the few entries a charge point keeps per feature (its alarms,
 * charging profiles, security events, monitors, display messages). V8 grows a pushed (or spread-built,
 * or filtered) array's store to 1.5 n + 16 slots: 152 bytes for one entry, paid once per charge point,
 * thousands of times over. `Array.prototype.concat` and `slice` size their result exactly (measured
 * with %DebugPrint on Node 20).
 */

/** `list` with `item` at `index` (default: the end), as a new array of exactly that length. */
export function withItem<T>(list: readonly T[], item: T, index = list.length): T[] {
  return index === list.length ? list.concat([item]) : list.slice(0, index).concat([item], list.slice(index));
}

/** `list` with `item` in the place of the entry that is `same` (changed in place: no growth), else at the end (a new array). */
export function puttingItem<T>(list: T[], item: T, same: (entry: T) => boolean): T[] {
  const i = list.findIndex(same);
  if (i < 0) return withItem(list, item);
  list[i] = item;
  return list;
}

/** The entries of `list` that `keep`, as a new array of exactly that length. */
export function keptItems<T>(list: readonly T[], keep: (item: T) => boolean): T[] {
  return list.filter(keep).slice();
}
