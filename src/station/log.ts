/**
 * The charge points' own recent log: a ring buffer of the last frames in and out and of notable
 * events, from which a diagnostics or security log file is built (GetDiagnostics, GetLog).
 *
 * One ring per worker thread (one shard per worker). Recording costs a few array stores: the station,
 * a time, a kind and a reference to the frame string that was already built for the wire — no copy,
 * no formatting. Formatting happens only when a file is built, by scanning the ring for one station.
 * Heartbeats and periodic MeterValues are not recorded (station.ts isRoutine), so the ring covers
 * boots, statuses, transactions and CSMS commands over a long time.
 *
 * Two bounds, whichever is reached first: `OCPP_SIM_LOG_ENTRIES` entries (default 8192, rounded up to a
 * power of two) and `OCPP_SIM_LOG_CHARS` characters of text (default 4 Mi, ~4–8 MiB). When full the
 * oldest entries go. A frame longer than {@link MAX_ENTRY_CHARS} is kept cut (a copy, so the CSMS's
 * megabyte-long DataTransfer is not held alive by the log).
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
  private readonly texts: string[];
  private readonly times: Float64Array;
  private readonly kinds: Uint8Array;
  private readonly mask: number;
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
    this.texts = new Array<string>(n).fill('');
    this.times = new Float64Array(n);
    this.kinds = new Uint8Array(n);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Characters of text held now (tests, and a check on the bound). */
  get heldChars(): number {
    return this.chars;
  }

  /** Keeps a reference to `text` (a frame as sent or received); the hot path. */
  record(who: object, kind: LogKind, text: string, at: number): void {
    if (text.length > MAX_ENTRY_CHARS) text = cut(text);
    while (this.count > 0 && (this.count > this.mask || this.chars + text.length > this.maxChars)) this.dropOldest();
    const i = this.next;
    this.next = (i + 1) & this.mask;
    this.count++;
    this.chars += text.length;
    this.who[i] = who;
    this.texts[i] = text;
    this.times[i] = at;
    this.kinds[i] = kind;
  }

  private dropOldest(): void {
    const i = (this.next - this.count) & this.mask;
    this.chars -= this.texts[i].length;
    this.who[i] = null;
    this.texts[i] = '';
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
      out.push(`${new Date(at).toISOString()} ${identity} ${MARK[this.kinds[i]]} ${redactSecrets(this.texts[i])}`);
    }
    return out;
  }

  /** Forgets everything (tests). */
  clear(): void {
    this.who.fill(null);
    this.texts.fill('');
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
