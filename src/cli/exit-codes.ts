/**
 * Exit codes of every command, in one place. Errors carry their exit code to the top level.
 */
export const ExitCode = {
  /** Everything held: all charge points booted, no call failed, no finding about the CSMS. */
  Ok: 0,
  /** The run found failures: boots rejected, CALLERRORs, timeouts, invalid CSMS messages, a crashed worker. */
  Failed: 1,
  /** The command line or a configuration file is wrong; nothing was started. */
  Usage: 2,
  /**
   * The run was interrupted from outside (SIGINT, SIGTERM) before it ran its course: not a pass,
   * whatever the figures so far. k6's code for an external abort; it wins over 1 (a run that had
   * already failed and was then interrupted exits 105), so CI can tell "cut short" from "failed".
   */
  Interrupted: 105,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A configuration or usage problem: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  readonly exitCode = ExitCode.Usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
