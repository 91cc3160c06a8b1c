/**
 * The charge points' own recent log: a ring buffer of the last frames in and out and of notable
 * events, from which a diagnostics or security log file is built (GetDiagnostics, GetLog).
 *
 * One ring per worker thread (one shard per worker). Recording costs a few array stores (the station,
 * a time, a kind) and one copy of the frame's text into a fixed buffer — no formatting, and nothing
 * left on the JS heap. Formatting happens only when a file is built, by scanning the ring for one station.
 * Heartbeats and periodic MeterValues are not recorded (station.ts isRoutine), so the ring covers
 * boots, statuses, transactions and CSMS commands over a long time.
 *
 * Two bounds, whichever is reached first: `OCPP_SIM_LOG_ENTRIES` entries (default 8192, rounded up to a
 * power of two) and `OCPP_SIM_LOG_CHARS` bytes of UTF-8 text (default 4 Mi: one buffer of 4 MiB). When
 * full the oldest entries go. A frame longer than {@link MAX_ENTRY_CHARS} is kept cut.
 */

export const enum LogKind {
  /** A frame from the CSMS. */
  In,
  /** A frame to the CSMS. */
  Out,
  /** Something the charge point did (a download, an upload…). */
  Event,
}

const MARK = ['<', '>', '*'] as const;

/** Longest text one entry keeps; the rest is cut and said so. */
export const MAX_ENTRY_CHARS = 16 * 1024;

export class StationLog {
  private readonly who: (object | null)[];
  /** Where each entry's UTF-8 text starts in {@link bytes}, its length there, and its length in characters. */
  private readonly offsets: Int32Array;
  private readonly lengths: Int32Array;
  private readonly charLengths: Int32Array;
  private readonly times: Float64Array;
  private readonly kinds: Uint8Array;
  private readonly mask: number;
  /**
   * The entries' text, one fixed buffer outside the JS heap, written in a circle: a burst of frames
   * (a command broadcast to the whole fleet) passes through the log without each frame string staying
   * referenced long enough to be promoted into V8's old space — garbage there grows the heap, which
   * V8 keeps. Bounds the text held to `maxChars` bytes (at least as many characters).
   */
  private readonly bytes: Buffer;
  /** Where the next entry's text goes in {@link bytes}. */
  private head = 0;
  /** Where the next entry goes; the oldest live one is `count` entries before it. */
  private next = 0;
  private count = 0;
  private chars = 0;

  constructor(
    size: number,
    private readonly maxChars = 4 * 1024 * 1024,
  ) {
    const n = 2 ** Math.max(4, Math.ceil(Math.log2(Math.max(16, size))));
    this.mask = n - 1;
    this.who = new Array<object | null>(n).fill(null);
    this.offsets = new Int32Array(n);
    this.lengths = new Int32Array(n);
    this.charLengths = new Int32Array(n);
    this.times = new Float64Array(n);
    this.kinds = new Uint8Array(n);
    // Pages are touched only as the log fills.
    this.bytes = Buffer.allocUnsafeSlow(Math.max(1, maxChars));
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Characters of text held now (tests, and a check on the bound). */
  get heldChars(): number {
    return this.chars;
  }

  /** Copies `text` (a frame as sent or received) into the ring; the hot path. */
  record(who: object, kind: LogKind, text: string, at: number): void {
    if (text.length > MAX_ENTRY_CHARS) text = cut(text);
    const room = this.bytes.length;
    const full = Buffer.byteLength(text, 'utf8');
    const size = full > room ? room : full; // written cut, at a character boundary (Buffer.write)
    if (this.count > this.mask) this.dropOldest();
    if (this.head + size > room) {
      // No room before the end: the entries still there (the oldest) go, the text starts over at 0.
      while (this.count > 0 && this.offsets[this.oldest()] >= this.head) this.dropOldest();
      this.head = 0;
    }
    // The oldest entries whose bytes the new text overwrites go.
    while (this.count > 0) {
      const o = this.oldest();
      const from = this.offsets[o];
      if (from >= this.head + size || from + this.lengths[o] <= this.head) break;
      this.dropOldest();
    }
    const written = this.bytes.write(text, this.head, size, 'utf8');
    const i = this.next;
    this.next = (i + 1) & this.mask;
    this.count++;
    this.who[i] = who;
    this.offsets[i] = this.head;
    this.lengths[i] = written;
    const chars = written === full ? text.length : this.bytes.toString('utf8', this.head, this.head + written).length;
    this.charLengths[i] = chars;
    this.chars += chars;
    this.times[i] = at;
    this.kinds[i] = kind;
    this.head += written;
  }

  private oldest(): number {
    return (this.next - this.count) & this.mask;
  }

  private dropOldest(): void {
    const i = this.oldest();
    this.chars -= this.charLengths[i];
    this.who[i] = null;
    this.count--;
  }

  /**
   * The lines of one station, oldest first, within [from, to] (ms, inclusive):
   * `<ISO time> <identity> <mark> <text>` with `<` from the CSMS, `>` to it, `*` an event.
   */
  lines(who: object, identity: string, from = -Infinity, to = Infinity): string[] {
    const out: string[] = [];
    for (let k = this.count; k > 0; k--) {
      const i = (this.next - k) & this.mask;
      if (this.who[i] !== who) continue;
      const at = this.times[i];
      if (at < from || at > to) continue;
      const text = this.bytes.toString('utf8', this.offsets[i], this.offsets[i] + this.lengths[i]);
      out.push(`${new Date(at).toISOString()} ${identity} ${MARK[this.kinds[i]]} ${redactSecrets(text)}`);
    }
    return out;
  }

  /** Forgets everything (tests). */
  clear(): void {
    this.who.fill(null);
    this.head = 0;
    this.next = 0;
    this.count = 0;
    this.chars = 0;
  }
}

/**
 * The first MAX_ENTRY_CHARS characters of a long text, as a string of its own: V8 makes a slice a view
 * that keeps the whole original alive, so the cut part is copied through a Buffer.
 */
function cut(text: string): string {
  const head = Buffer.from(text.slice(0, MAX_ENTRY_CHARS), 'utf8').toString('utf8');
  return `${head}… (${text.length - MAX_ENTRY_CHARS} more characters not kept)`;
}

const MENTIONS_AUTHORIZATION_KEY = /authorizationkey/i;
const STRING_VALUE = /("value"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/**
 * A frame as a log file may show it: a frame that sets AuthorizationKey (ChangeConfiguration) has its
 * value hidden — the charge point SHALL NOT disclose the key in its logging, which a diagnostics file
 * is (Security Whitepaper A01.FR.12). Done when a file is built, never on the hot path.
 */
export function redactSecrets(text: string): string {
  return MENTIONS_AUTHORIZATION_KEY.test(text) ? text.replace(STRING_VALUE, '$1"(hidden)"') : text;
}

function fromEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

/** This thread's ring. */
export const stationLog = new StationLog(fromEnv('OCPP_SIM_LOG_ENTRIES', 8192), fromEnv('OCPP_SIM_LOG_CHARS', 4 * 1024 * 1024));
