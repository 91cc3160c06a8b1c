/**
 * One shared copy of equal immutable values across a worker's charge points. A CSMS usually sends the
 * whole fleet the same thing (a charging schedule, a monitor, a message); each charge point keeping its
 * own copy would cost thousands of times the memory for nothing. A table is keyed by a string that
 * identifies the value; it holds at most `max` entries — when full, new values are simply not shared
 * (declared policy: correctness never depends on sharing, only memory does).
 */
export class Interner<T> {
  private readonly table = new Map<string, T>();

  constructor(private readonly max: number) {}

  /** The shared value for `key`, `value` itself when it is the first of its kind (or the table is full). */
  share(key: string, value: T): T {
    const shared = this.table.get(key);
    if (shared !== undefined) return shared;
    if (this.table.size < this.max) this.table.set(key, value);
    return value;
  }
}
