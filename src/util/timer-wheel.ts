/**
 * One timer for a whole shard: a hashed wheel of buckets, each holding the items due in its slot.
 *
 * Every charge point has exactly one wake-up time (`wakeAt`): the earliest of its heartbeat, meter
 * sample, call timeout, reconnect and behaviour deadlines. It sits in the wheel once; on waking it
 * does what is due and re-arms itself for its next deadline. Re-arming earlier leaves a stale entry
 * behind, which is skipped (its `wakeAt` no longer matches) — cheaper than removing it.
 *
 *   slot = floor(at / resolution) & mask        resolution 50 ms × 2048 slots = 102 s per turn
 *
 * Items due further than one turn away stay in their slot and are looked at once per turn.
 */
export interface Wakeable {
  /** Absolute time (ms, wheel clock) this item wants to wake, or Infinity for never. */
  wakeAt: number;
  /** The time it was filed under in the wheel; used to skip stale entries. */
  filedAt: number;
}

const SLOTS = 2048;
const MASK = SLOTS - 1;

/** One slot: the items filed in it and the time each was filed for (parallel arrays, no pair objects). */
interface Bucket<T> {
  items: T[];
  ats: number[];
}

export class TimerWheel<T extends Wakeable> {
  private buckets: Bucket<T>[] = Array.from({ length: SLOTS }, () => ({ items: [], ats: [] }));
  private spare: Bucket<T> = { items: [], ats: [] };
  private cursor: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onWake: (item: T, now: number) => void,
    private readonly now: () => number = Date.now,
    readonly resolution = 50,
  ) {
    this.cursor = Math.floor(this.now() / resolution);
  }

  /** Files `item` to wake at `at` (absolute ms). Infinity means never. */
  schedule(item: T, at: number): void {
    item.wakeAt = at;
    if (at === Infinity || item.filedAt === at) return;
    item.filedAt = at;
    this.file(item, at);
  }

  private file(item: T, at: number): void {
    let tick = Math.floor(at / this.resolution);
    if (tick < this.cursor) tick = this.cursor; // overdue: next sweep
    const bucket = this.buckets[tick & MASK];
    bucket.items.push(item);
    bucket.ats.push(at);
  }

  start(): void {
    // The cursor is not moved here: items filed before start() must still be swept (a regression
    // once left whole shards waiting a full turn of the wheel).
    if (this.timer) return;
    this.timer = setInterval(() => this.advance(), this.resolution);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Processes every slot up to the current time. Public so tests can drive the wheel by hand. */
  advance(): void {
    const now = this.now();
    const target = Math.floor(now / this.resolution);
    // After a long stall, sweeping more than one full turn would only revisit the same buckets.
    if (target - this.cursor > SLOTS) this.cursor = target - SLOTS;
    while (this.cursor <= target) {
      // Move the cursor first: whatever is filed as overdue while this slot is swept lands in the next.
      const slot = this.cursor++ & MASK;
      if (this.buckets[slot].items.length > 0) this.sweep(slot, now);
    }
  }

  private sweep(slot: number, now: number): void {
    // Swap in an empty bucket first: items re-armed during onWake may land in this very slot.
    const bucket = this.buckets[slot];
    this.buckets[slot] = this.spare;
    const { items, ats } = bucket;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const at = ats[i];
      if (item.wakeAt !== at || item.filedAt !== at) continue; // re-armed since: a stale entry
      if (at > now) {
        this.file(item, at); // due on a later turn of the wheel
        continue;
      }
      item.filedAt = NaN;
      item.wakeAt = Infinity;
      this.onWake(item, now);
    }
    items.length = 0;
    ats.length = 0;
    this.spare = bucket;
  }
}
