/**
 * A mergeable latency histogram: log-linear buckets over microseconds, HDR-style.
 *
 *   values 0 … 127 µs       one bucket per µs (exact)
 *   then every octave [2^e, 2^(e+1)) is split into 64 equal buckets (≤ 1.6 % relative error)
 *
 * 2,048 buckets cover up to 2^36 µs (19 h). Histograms merge by adding counts, so workers send
 * bucket deltas and the main thread adds them: percentiles are then exact to the bucket, never
 * averaged across workers.
 */
export const HISTOGRAM_BUCKETS = 2048;
const LINEAR = 128;
const PER_OCTAVE = 64;
const FIRST_EXP = 7; // 2^7 = LINEAR

/** Bucket index of a value in microseconds. */
export function bucketOf(us: number): number {
  const v = us < 0 ? 0 : Math.floor(us);
  if (v < LINEAR) return v;
  const e = Math.floor(Math.log2(v));
  const idx = LINEAR + (e - FIRST_EXP) * PER_OCTAVE + (Math.floor(v / 2 ** (e - 6)) - PER_OCTAVE);
  return idx < HISTOGRAM_BUCKETS ? idx : HISTOGRAM_BUCKETS - 1;
}

/** Lowest value (µs) of a bucket. */
export function bucketLow(idx: number): number {
  if (idx < LINEAR) return idx;
  const octave = Math.floor((idx - LINEAR) / PER_OCTAVE);
  const sub = (idx - LINEAR) % PER_OCTAVE;
  return (PER_OCTAVE + sub) * 2 ** (octave + 1);
}

/** Representative value (µs) of a bucket: its midpoint. */
export function bucketMid(idx: number): number {
  if (idx < LINEAR) return idx;
  return bucketLow(idx) + (bucketLow(idx + 1) - bucketLow(idx)) / 2;
}

export class Histogram {
  readonly counts = new Float64Array(HISTOGRAM_BUCKETS);
  total = 0;
  max = 0;

  record(us: number): void {
    this.counts[bucketOf(us)]++;
    this.total++;
    if (us > this.max) this.max = us;
  }

  /** Adds sparse `[index, count, index, count, …]` pairs (a worker's delta). */
  addSparse(pairs: readonly number[], max: number): void {
    for (let i = 0; i < pairs.length; i += 2) {
      this.counts[pairs[i]] += pairs[i + 1];
      this.total += pairs[i + 1];
    }
    if (max > this.max) this.max = max;
  }

  /** The non-zero buckets as sparse pairs. */
  toSparse(): number[] {
    const out: number[] = [];
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) if (this.counts[i] > 0) out.push(i, this.counts[i]);
    return out;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.max = 0;
  }

  /** The q-quantile (0 < q ≤ 1) in microseconds; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(bucketMid(i), this.max);
    }
    return this.max;
  }
}
