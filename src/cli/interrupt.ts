/**
 * SIGINT and SIGTERM during a run: the first asks for a graceful stop, another one later aborts at
 * once. Copies of one interrupt count once: Ctrl-C reaches the terminal's whole foreground process
 * group, so a wrapper that also forwards it (npm, npx, `timeout --foreground`, a shell script)
 * makes the simulator receive it twice within milliseconds, which must not abort the graceful stop.
 */

/** Signals this close together are one interrupt delivered twice (generous: a loaded machine delays forwarding). */
export const SAME_INTERRUPT_MS = 500;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface Interrupt {
  signal: NodeJS.Signals;
  /** ms epoch. */
  at: number;
}

export class InterruptWatch {
  /** The first interrupt received, if any. */
  first: Interrupt | undefined;
  private disposed = false;
  private readonly listener = (signal: NodeJS.Signals) => this.receive(signal, Date.now());

  /**
   * `onFirst` gets the first interrupt; `onAgain` a later one, at least {@link SAME_INTERRUPT_MS}
   * after it.
   */
  constructor(
    private readonly onFirst: (first: Interrupt) => void,
    private readonly onAgain: (signal: NodeJS.Signals, first: Interrupt) => void,
  ) {}

  /** Takes over SIGINT and SIGTERM from Node's default (exit at once) until {@link dispose}. */
  listen(): this {
    for (const s of SIGNALS) process.on(s, this.listener);
    return this;
  }

  /**
   * Stops acting on signals. Right after an interrupt its copies may still be on their way: they
   * are swallowed for the rest of the window, so Node's default does not kill the process for them.
   */
  dispose(): void {
    this.disposed = true;
    const left = this.first === undefined ? 0 : this.first.at + SAME_INTERRUPT_MS - Date.now();
    const off = () => {
      for (const s of SIGNALS) process.off(s, this.listener);
    };
    if (left > 0) setTimeout(off, left).unref();
    else off();
  }

  /** One signal arrived at `now` (ms epoch). */
  receive(signal: NodeJS.Signals, now: number): void {
    if (this.disposed) return;
    if (this.first === undefined) {
      this.first = { signal, at: now };
      this.onFirst(this.first);
      return;
    }
    if (now - this.first.at < SAME_INTERRUPT_MS) return;
    this.onAgain(signal, this.first);
  }
}
