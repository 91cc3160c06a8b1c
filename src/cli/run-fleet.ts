/**
 * Drives one fleet from start to summary: live progress (see progress.ts), stop after the duration or
 * on Ctrl-C — gracefully, once; a second Ctrl-C aborts — then the summary and the verdict's exit code.
 */
import { startFleet, type FleetConfig } from '../scheduler/fleet.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { ProgressMeter, ProgressView, type ProgressMode } from './progress.js';
import { summary } from './summary.js';
import { verdict, type Verdict } from './verdict.js';
import { abortReason, evaluateThresholds, type Threshold } from '../report/thresholds.js';
import type { FleetStats } from '../metrics/fleet-stats.js';
import { startRunMetrics, type MetricsOptions } from '../metrics/run-metrics.js';

export interface RunOptions {
  durationMs: number;
  quiet: boolean;
  /** Progress and messages as one JSON object per line (for log pipelines). */
  jsonLogs?: boolean;
  allowInvalid: boolean;
  /** Prometheus: serve /metrics and/or push to a Pushgateway (metrics/run-metrics.ts). */
  metrics?: MetricsOptions;
  /** Where progress and summary go (stderr for progress on a TTY, stdout for the summary). */
  out?: NodeJS.WriteStream;
  /** Pass/fail thresholds (report/thresholds.ts), judged at the end; a failed one fails the run. */
  thresholds?: Threshold[];
  /** Stop early once an expectation or an early-decidable threshold has failed for good. */
  abortOnFail?: boolean;
}

export interface RunResult {
  exitCode: number;
  verdict: Verdict;
  stats: FleetStats;
  elapsedMs: number;
  /** When the simulation started (ms epoch, after worker start-up); it ended elapsedMs later. */
  startedAt: number;
  /** Charge points the run was asked for. */
  total: number;
}

/** Runs one fleet, or a run plan's fleets together (one pool, one set of counters, one verdict). */
export async function runFleet(config: FleetConfig | FleetConfig[], opts: RunOptions): Promise<RunResult> {
  const out = opts.out ?? process.stdout;
  // --json-logs makes every line JSON (--quiet then drops the progress lines); the summary is then
  // the report as a last JSON line (cli/run.ts).
  const mode: ProgressMode = opts.jsonLogs ? 'json' : opts.quiet ? 'quiet' : out.isTTY === true ? 'tty' : 'plain';
  const view = new ProgressView(out, mode);
  const total = (Array.isArray(config) ? config : [config]).reduce((n, c) => n + c.count, 0);
  const fleet = startFleet(config);
  const warn = (message: string) => view.note(`warning: ${message}`, 'warn');
  const metrics = opts.metrics
    ? await startRunMetrics(fleet, opts.metrics, warn).catch(async (e: Error) => {
        await fleet.stop();
        throw new UsageError(e.message);
      })
    : undefined;
  if (metrics?.url) view.note(`Prometheus metrics at ${metrics.url}`);
  // The duration counts from when every worker runs, not from thread start-up.
  await Promise.race([fleet.ready, fleet.done]);
  const started = Date.now();
  const meter = new ProgressMeter(fleet.stats, total, started);
  const tick = setInterval(() => {
    if (!opts.quiet) view.show(meter.take(Date.now()));
  }, 1000);

  let requestStop!: () => void;
  let stopRequested = false;
  const stopSignal = new Promise<void>((r) => (requestStop = r));
  const onSignal = () => {
    if (stopRequested) {
      view.note('Second interrupt: aborting without waiting for transactions to stop.', 'error');
      process.exit(ExitCode.Failed);
    }
    stopRequested = true;
    if (!opts.quiet) view.note('Stopping: ending transactions and closing connections (Ctrl-C again to abort)…', 'warn');
    requestStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timer = setTimeout(() => {
    stopRequested = true;
    requestStop();
  }, opts.durationMs);
  // --abort-on-fail: workers report every second, so a check twice a second is prompt enough.
  let aborted: string | undefined;
  const watch = opts.abortOnFail
    ? setInterval(() => {
        if (aborted || stopRequested) return;
        aborted = abortReason(opts.thresholds ?? [], fleet.stats, { fleetSize: total, elapsedMs: Date.now() - started });
        if (!aborted) return;
        stopRequested = true;
        if (!opts.quiet) view.note(`Aborting (--abort-on-fail): ${aborted}`, 'error');
        requestStop();
      }, 500)
    : undefined;

  // Until the duration is up, a signal arrives, or every worker has crashed.
  await Promise.race([fleet.done, stopSignal]);
  await fleet.stop();
  const pushed = await metrics?.finish();
  clearTimeout(timer);
  clearInterval(tick);
  clearInterval(watch);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  view.clear();

  const elapsedMs = Date.now() - started;
  for (const e of fleet.errors) view.note(e, 'error');
  const thresholds = evaluateThresholds(opts.thresholds ?? [], fleet.stats, { fleetSize: total, elapsedMs });
  const v = verdict(fleet.stats, { total, allowInvalid: opts.allowInvalid, workerErrors: fleet.errors, thresholds, aborted });
  if (mode !== 'json') out.write(summary(fleet.stats, total, elapsedMs, v) + '\n');
  if (opts.metrics?.pushgateway) view.note(`run id ${opts.metrics.runId} (metrics ${pushed ? 'pushed to' : 'NOT pushed to'} ${opts.metrics.pushgateway})`, pushed ? 'info' : 'warn');
  return { exitCode: v.passed ? ExitCode.Ok : ExitCode.Failed, verdict: v, stats: fleet.stats, elapsedMs, startedAt: started, total };
}
