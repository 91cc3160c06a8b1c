/**
 * Splits a report into NotifyReportRequest parts (B07.FR.03, B08.FR.03: "one or more"): every part
 * carries the request's requestId (B07.FR.04, B08.FR.04), seqNo counts from 0 without gaps
 * (B07.FR.10, B08.FR.14), and tbc ("to be continued") is true on every part but the last. Parts are
 * filled in order up to the receiver's limits, so as few messages as possible are sent ("good
 * practice", errata 2025-09 §2.10).
 */
import type { NotifyReportRequest, ReportDataType } from '../generated/types.gen.js';

export interface NotifyReportLimits {
  /** The largest serialized payload (UTF-8 bytes of the JSON object, without the OCPP-J frame). */
  maxBytes: number;
  /** The most reportData entries in one part. */
  maxItems?: number;
}

/** Serialized sizes of entries: the model's shared entries are measured once. */
const sizes = new WeakMap<ReportDataType, number>();

function sizeOf(entry: ReportDataType): number {
  let n = sizes.get(entry);
  if (n === undefined) {
    n = Buffer.byteLength(JSON.stringify(entry));
    sizes.set(entry, n);
  }
  return n;
}

/**
 * The NotifyReportRequest payloads for `reportData`. Each serializes to at most `maxBytes`, except a
 * part holding a single entry that alone is larger (it cannot be split: it is sent by itself).
 */
export function notifyReportParts(requestId: number, reportData: readonly ReportDataType[], limits: NotifyReportLimits, generatedAt: string): NotifyReportRequest[] {
  if (!(limits.maxBytes > 0)) throw new RangeError(`maxBytes must be positive, not ${limits.maxBytes}`);
  const maxItems = limits.maxItems ?? Infinity;
  if (!(maxItems >= 1)) throw new RangeError(`maxItems must be at least 1, not ${limits.maxItems}`);
  if (reportData.length === 0) return [{ requestId, generatedAt, seqNo: 0, tbc: false }];
  const parts: NotifyReportRequest[] = [];
  let start = 0;
  while (start < reportData.length) {
    const seqNo = parts.length;
    // The envelope with an empty list, as a part with more to come (tbc: true).
    let bytes = Buffer.byteLength(JSON.stringify({ requestId, generatedAt, seqNo, tbc: true, reportData: [] }));
    let end = start;
    while (end < reportData.length && end - start < maxItems) {
      const add = sizeOf(reportData[end]) + (end > start ? 1 : 0); // the comma between entries
      // With the last entry the part is the last: `false` is one byte longer than `true`.
      const last = end === reportData.length - 1 ? 1 : 0;
      if (end > start && bytes + add + last > limits.maxBytes) break;
      bytes += add;
      end++;
    }
    parts.push({ requestId, generatedAt, seqNo, tbc: end < reportData.length, reportData: reportData.slice(start, end) });
    start = end;
  }
  return parts;
}
