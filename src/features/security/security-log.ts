/**
 * The security log: every security event, critical or not, in a bounded ring (Security Whitepaper
 * A04.FR.04: "It is recommended to implement this in a rolling format"). GetLog(SecurityLog) uploads
 * its lines (see securityLogLines in events.ts).
 */

/** How many events a charge point keeps; the oldest are overwritten. */
export const SECURITY_LOG_CAPACITY = 200;

export interface SecurityLogEntry {
  /** When it happened (ms since the epoch). */
  at: number;
  type: string;
  techInfo?: string;
}

export class SecurityLog {
  private readonly entries: SecurityLogEntry[] = [];
  /** Where the next entry goes once the ring is full. */
  private next = 0;

  constructor(readonly capacity = SECURITY_LOG_CAPACITY) {}

  add(entry: SecurityLogEntry): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
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
    this.entries.length = 0;
    this.next = 0;
  }
}

/** One log line: `<ISO time> <type>[ <techInfo>]`. */
export function formatLogLine(e: SecurityLogEntry): string {
  return `${new Date(e.at).toISOString()} ${e.type}${e.techInfo ? ` ${e.techInfo}` : ''}`;
}
