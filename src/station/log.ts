/**
 * The charge points' own recent log: a ring buffer of the last frames in and out and of notable
 * events, from which a diagnostics or security log file is built (GetDiagnostics, GetLog).
 *
 * One ring per worker thread (one shard per worker). Recording costs four array stores: the station,
 * a time, a kind and a reference to the frame string that was already built for the wire — no copy,
 * no formatting. Formatting happens only when a file is built, by scanning the ring for one station.
 * Heartbeats and periodic MeterValues are not recorded (station.ts isRoutine), so the ring covers
 * boots, statuses, transactions and CSMS commands over a long time; its size is
 * `OCPP_SIM_LOG_ENTRIES` (default 8192, a power of two).
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

export class StationLog {
  private readonly who: (object | null)[];
  private readonly texts: string[];
  private readonly times: Float64Array;
  private readonly kinds: Uint8Array;
  private readonly mask: number;
  private next = 0;

  constructor(size: number) {
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

  /** Keeps a reference to `text` (a frame as sent or received); the hot path. */
  record(who: object, kind: LogKind, text: string, at: number): void {
    const i = this.next;
    this.next = (i + 1) & this.mask;
    this.who[i] = who;
    this.texts[i] = text;
    this.times[i] = at;
    this.kinds[i] = kind;
  }

  /**
   * The lines of one station, oldest first, within [from, to] (ms, inclusive):
   * `<ISO time> <identity> <mark> <text>` with `<` from the CSMS, `>` to it, `*` an event.
   */
  lines(who: object, identity: string, from = -Infinity, to = Infinity): string[] {
    const out: string[] = [];
    const n = this.mask + 1;
    for (let k = 0; k < n; k++) {
      const i = (this.next + k) & this.mask;
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
  }
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

function sizeFromEnv(): number {
  const v = Number(process.env.OCPP_SIM_LOG_ENTRIES);
  return Number.isInteger(v) && v > 0 ? v : 8192;
}

/** This thread's ring. */
export const stationLog = new StationLog(sizeFromEnv());
