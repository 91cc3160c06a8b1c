/**
 * The CSMS's log lines: connection events (connect, boot, disconnect) and a count line every 10 s.
 * With thousands of charge points, per-connection lines would cost more than the traffic itself, so
 * events are logged only for connections made while fewer than {@link EVENT_LOG_LIMIT} are
 * connected (or for all with `verbose`); the rest show up in the periodic count. Without a sink,
 * every method returns at its first test and no string is built (DESIGN §10.4.7). Every line goes
 * through `printable`: identities, vendors and models come from the network.
 */
import { printable } from '../util/printable.js';
import type { Connection } from './connection.js';
import type { CsmsStats } from './stats.js';

/** Connection events are logged while fewer than this many charge points are connected. */
export const EVENT_LOG_LIMIT = 20;

/** Interval of the count line. */
export const SUMMARY_INTERVAL_MS = 10_000;

export class CsmsLogger {
  private noticeGiven = false;
  private timer: NodeJS.Timeout | null = null;
  private lastMessages = 0;
  private lastConnected = -1;
  private lastAt = 0;

  constructor(
    private readonly sink: ((line: string) => void) | undefined,
    private readonly verbose: boolean,
  ) {}

  /** Decides, once per connection, whether its events are logged. */
  wantsConnection(stats: CsmsStats): boolean {
    if (this.sink === undefined) return false;
    if (this.verbose || stats.connections.current < EVENT_LOG_LIMIT) return true;
    if (!this.noticeGiven) {
      this.noticeGiven = true;
      this.emit(`csms: ${EVENT_LOG_LIMIT}+ connected; further connection events are counted in the 10 s summary only`);
    }
    return false;
  }

  connected(conn: Connection): void {
    this.emit(`csms: connect ${conn.identity} from ${conn.remoteAddress}`);
  }

  booted(conn: Connection, status: string, vendor: string, model: string): void {
    this.emit(`csms: boot ${status} ${conn.identity} (${vendor} ${model})`);
  }

  disconnected(conn: Connection, code: number): void {
    this.emit(`csms: disconnect ${conn.identity} code ${code}`);
  }

  /** A free-form line (rare events only). */
  line(text: string): void {
    this.emit(text);
  }

  /** The one way out: escaped, so nothing received can forge a line or reach the terminal raw. */
  private emit(line: string): void {
    this.sink?.(printable(line));
  }

  /** Starts the count line: `csms: 1234 connected, 1200 booted, 45000 msgs, 3000 msg/s`, skipped while idle. */
  startSummary(stats: CsmsStats): void {
    if (this.sink === undefined || this.timer !== null) return;
    this.lastAt = Date.now();
    this.timer = setInterval(() => this.summary(stats), SUMMARY_INTERVAL_MS);
    this.timer.unref();
  }

  stopSummary(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private summary(stats: CsmsStats): void {
    const now = Date.now();
    const messages = stats.messagesIn;
    const connected = stats.connections.current;
    if (messages === this.lastMessages && connected === this.lastConnected) {
      this.lastAt = now;
      return;
    }
    const rate = Math.round(((messages - this.lastMessages) * 1000) / Math.max(1, now - this.lastAt));
    this.lastMessages = messages;
    this.lastConnected = connected;
    this.lastAt = now;
    this.emit(`csms: ${connected} connected, ${stats.booted} booted, ${messages} msgs, ${rate} msg/s`);
  }
}
