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
