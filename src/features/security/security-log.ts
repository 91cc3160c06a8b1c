/**
 * The security log: every security event, critical or not, in a bounded ring (Security Whitepaper
 * A04.FR.04: "It is recommended to implement this in a rolling format"). GetLog(SecurityLog) uploads
 * its lines (see securityLogLines in events.ts).
 */
import { withItem } from '../../util/exact-array.js';

/** How many events a charge point keeps; the oldest are overwritten. */
export const SECURITY_LOG_CAPACITY = 200;

export interface SecurityLogEntry {
  /** When it happened (ms since the epoch). */
  at: number;
  type: string;
  techInfo?: string;
}

export class SecurityLog {
  private entries: SecurityLogEntry[] = [];
  /** Where the next entry goes once the ring is full. */
  private next = 0;

  constructor(readonly capacity = SECURITY_LOG_CAPACITY) {}

  add(entry: SecurityLogEntry): void {
    // Until full, a new array of exactly the entries (util/exact-array.ts; security events are rare).
    if (this.entries.length < this.capacity) this.entries = withItem(this.entries, entry);
    else {
      this.entries[this.next] = entry;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  /** The entries, oldest first. */
  list(): SecurityLogEntry[] {
    return this.entries.length < this.capacity ? this.entries.slice() : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
  }

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
    this.next = 0;
  }
}

/** One log line: `<ISO time> <type>[ <techInfo>]`. */
export function formatLogLine(e: SecurityLogEntry): string {
  return `${new Date(e.at).toISOString()} ${e.type}${e.techInfo ? ` ${e.techInfo}` : ''}`;
}
