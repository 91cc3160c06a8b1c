/**
 * Drives one fleet from start to summary: live progress (a refreshing line on a TTY, a plain line
 * every few seconds otherwise), stop after the duration or on Ctrl-C — gracefully, once; a second
 * Ctrl-C aborts — then the summary and the verdict's exit code.
 */
import chalk from 'chalk';
import { startFleet, type FleetConfig } from '../scheduler/fleet.js';
import { ExitCode } from './exit-codes.js';
import { progressLine, summary } from './summary.js';
import { verdict, type Verdict } from './verdict.js';
import type { FleetStats } from '../metrics/fleet-stats.js';

export interface RunOptions {
  durationMs: number;
  quiet: boolean;
  allowInvalid: boolean;
  /** Where progress and summary go (stderr for progress on a TTY, stdout for the summary). */
  out?: NodeJS.WriteStream;
}

export interface RunResult {
  exitCode: number;
  verdict: Verdict;
  stats: FleetStats;
  elapsedMs: number;
}

const PLAIN_PROGRESS_EVERY_MS = 5000;

/** Runs one fleet, or a run plan's fleets together (one pool, one set of counters, one verdict). */
export async function runFleet(config: FleetConfig | FleetConfig[], opts: RunOptions): Promise<RunResult> {
  const out = opts.out ?? process.stdout;
  const tty = out.isTTY === true;
  const total = (Array.isArray(config) ? config : [config]).reduce((n, c) => n + c.count, 0);
  const fleet = startFleet(config);
  // The duration counts from when every worker runs, not from thread start-up.
  await Promise.race([fleet.ready, fleet.done]);
  const started = Date.now();
  let lastCalls = 0;
  let lastAt = started;
  let lastPlain = started;

  const tick = setInterval(() => {
    if (opts.quiet) return;
    const now = Date.now();
    const calls = fleet.stats.actions().reduce((n, a) => n + a.sent + a.received, 0);
    const rate = ((calls - lastCalls) * 1000) / Math.max(1, now - lastAt);
    lastCalls = calls;
    lastAt = now;
    const text = progressLine(fleet.stats, now - started, rate);
    if (tty) out.write(`\r\x1b[2K${text}`);
    else if (now - lastPlain >= PLAIN_PROGRESS_EVERY_MS) {
      lastPlain = now;
      out.write(`${text}\n`);
    }
  }, 1000);

  let requestStop!: () => void;
  let stopRequested = false;
  const stopSignal = new Promise<void>((r) => (requestStop = r));
  const onSignal = () => {
    if (stopRequested) {
      out.write(chalk.red('\nSecond interrupt: aborting without waiting for transactions to stop.\n'));
      process.exit(ExitCode.Failed);
    }
    stopRequested = true;
    if (!opts.quiet) out.write(chalk.yellow('\nStopping: ending transactions and closing connections (Ctrl-C again to abort)…\n'));
    requestStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timer = setTimeout(() => {
    stopRequested = true;
    requestStop();
  }, opts.durationMs);

  // Until the duration is up, a signal arrives, or every worker has crashed.
  await Promise.race([fleet.done, stopSignal]);
  await fleet.stop();
  clearTimeout(timer);
  clearInterval(tick);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (tty && !opts.quiet) out.write('\r\x1b[2K');

  const elapsedMs = Date.now() - started;
  for (const e of fleet.errors) out.write(chalk.red(`${e}\n`));
  const v = verdict(fleet.stats, { total, allowInvalid: opts.allowInvalid, workerErrors: fleet.errors });
  out.write(summary(fleet.stats, total, elapsedMs, v) + '\n');
  return { exitCode: v.passed ? ExitCode.Ok : ExitCode.Failed, verdict: v, stats: fleet.stats, elapsedMs };
}
