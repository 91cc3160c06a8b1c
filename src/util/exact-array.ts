/**
 * Arrays of exactly their length, for the few entries a charge point keeps per feature (its alarms,
 * charging profiles, security events). V8 grows a pushed (or spread-built, or filtered) array's store
 * to 1.5 n + 16 slots: 152 bytes for one entry, paid once per charge point, thousands of times over.
 * `Array.prototype.concat` and `slice` size their result exactly (measured with %DebugPrint on Node 20).
 */

/** `list` with `item` at `index` (default: the end), as a new array of exactly that length. */
export function withItem<T>(list: readonly T[], item: T, index = list.length): T[] {
  return index === list.length ? list.concat([item]) : list.slice(0, index).concat([item], list.slice(index));
}

/** The entries of `list` that `keep`, as a new array of exactly that length. */
export function keptItems<T>(list: readonly T[], keep: (item: T) => boolean): T[] {
  return list.filter(keep).slice();
}
