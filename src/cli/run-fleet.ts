/**
 * Drives one fleet from start to summary: live progress (see progress.ts); a graceful stop when the
 * duration is up, on --abort-on-fail, or on SIGINT/SIGTERM (interrupt.ts: one interrupt delivered
 * twice counts once; another one later aborts at once); then the summary. The verdict's closing
 * lines and the final exit code come after the report files are written (finishRun in cli/run.ts).
 */
import { startFleet, type FleetConfig } from '../scheduler/fleet.js';
import { startProcessFleet } from '../scheduler/process-fleet.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { InterruptWatch } from './interrupt.js';
import { ProgressMeter, ProgressView, type ProgressMode } from './progress.js';
import { summary } from './summary.js';
import { reachabilityWatch, type Unreachable } from './unreachable.js';
import { exitCodeOf, verdict, type RunAbort, type Verdict } from './verdict.js';
import { formatDuration } from '../util/duration.js';
import { abortReason, evaluateThresholds, type Threshold } from '../report/thresholds.js';
import type { FleetStats } from '../metrics/fleet-stats.js';
import { startRunMetrics, type MetricsOptions } from '../metrics/run-metrics.js';
import { startControlServer, type ControlServer } from '../control/server.js';
import { announceRun } from '../control/discovery.js';
import { CONTROL_TOKEN_ENV, type ControlOptions } from '../control/options.js';

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
  /** Local processes to spread the fleet over (scheduler/process-fleet.ts); 1 or absent = this one, unless `inChildren`. */
  processes?: number;
  /** Run the fleet in child processes even when `processes` is 1 (this one holds sockets for something else: the demo's CSMS); default: processes > 1. */
  inChildren?: boolean;
  /** Give up when no charge point has managed to connect for this long (ms; 0 or absent = never): cli/unreachable.ts. */
  giveUpAfterMs?: number;
  /** The control API (--control-port): served while the run goes on (control/server.ts). */
  control?: ControlOptions;
}

export interface RunResult {
  /** The verdict's exit code (0, 1, or 105 when interrupted); finishRun may still raise 0 to 1. */
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
  const list = Array.isArray(config) ? config : [config];
  const total = list.reduce((n, c) => n + c.count, 0);
  const processes = opts.processes ?? 1;
  const inChildren = opts.inChildren ?? processes > 1;
  const fleet = inChildren ? startProcessFleet(list, processes) : startFleet(config);
  if (!opts.quiet && inChildren) view.note(spreadNote(list, processes, total));

  /** When every worker runs: the simulation's clock starts then (undefined during worker start-up). */
  let started: number | undefined;
  // The run's end, once decided (duration up, --abort-on-fail, an interrupt, every worker gone).
  let stopping = false;
  let aborted: RunAbort | undefined;
  let unreachable: Unreachable | undefined;
  let requestStop!: () => void;
  const stopSignal = new Promise<void>((r) => (requestStop = r));
  const stop = (why?: RunAbort): boolean => {
    if (stopping) return false;
    stopping = true;
    aborted = why;
    requestStop();
    return true;
  };
  // Watched from the first moment: an interrupt during worker start-up still stops the workers
  // and gives a summary.
  const interrupts = new InterruptWatch(
    ({ signal, at }) => {
      const afterMs = started === undefined ? 0 : at - started;
      const when = started === undefined ? 'during worker start-up' : `after ${formatDuration(afterMs)} of ${formatDuration(opts.durationMs)}`;
      if (stop({ by: 'signal', signal, at, afterMs, reason: `interrupted by ${signal} ${when}` })) {
        if (!opts.quiet) view.note('Stopping: ending transactions and closing connections (Ctrl-C again to abort at once)…', 'warn');
      } else view.note(`${signal}: already stopping (Ctrl-C again to abort at once)…`, 'warn');
    },
    (signal) => abortNow(signal),
  ).listen();
  /** A second interrupt: no graceful stop, no files; one line saying where the run was, and exit. */
  const abortNow = (signal: NodeJS.Signals): never => {
    const s = fleet.stats;
    const elapsed = started === undefined ? 'during worker start-up' : `after ${formatDuration(Date.now() - started)}`;
    view.note(
      `Aborted by a second ${signal} ${elapsed}, without finishing the graceful stop: ${s.total('chargePointsBooted')}/${total} booted · ` +
        `${s.total('transactionsStarted')} transactions started, ${s.total('transactionsCompleted')} completed · no report written · exit code ${ExitCode.Interrupted}`,
      'error',
    );
    process.exit(ExitCode.Interrupted);
  };

  let controlServer: ControlServer | undefined;
  let unannounce: (() => void) | undefined;
  try {
    const metrics = opts.metrics
      ? await startRunMetrics(fleet, opts.metrics, (message) => view.note(`warning: ${message}`, 'warn')).catch(async (e: Error) => {
          await fleet.stop();
          throw new UsageError(e.message);
        })
      : undefined;
    if (metrics?.url) view.note(`Prometheus metrics at ${metrics.url}`);
    if (opts.control) {
      const c = opts.control;
      controlServer = await startControlServer({ fleet, port: c.port, host: c.host, token: c.token, fleetSizes: list.map((c) => c.count), startedAt: () => started }).catch(async (e: Error) => {
        await fleet.stop();
        throw new UsageError(`--control-port ${c.port}: ${e.message}`);
      });
      unannounce = announceRun({ url: controlServer.url, token: controlServer.token, pid: process.pid, startedAt: new Date().toISOString() });
      // The page reads the token from the fragment, which browsers never send to the server.
      view.note(`Control at ${controlServer.url}/#token=${c.tokenSource === 'generated' ? controlServer.token : '<your token>'}`);
      const bearer = c.tokenSource === 'generated' ? controlServer.token : c.tokenSource === 'env' ? `$${CONTROL_TOKEN_ENV}` : '<your --control-token>';
      view.note(`  e.g. curl -X POST -H "Authorization: Bearer ${bearer}" ${controlServer.url}/api/charge-points/'*'/fault -d '{"connector":1}'`);
    }
    // The duration counts from when every worker runs, not from thread start-up.
    await Promise.race([fleet.ready, fleet.done, stopSignal]);
    const t0 = (started = Date.now());
    const meter = new ProgressMeter(fleet.stats, total, t0);
    const tick = setInterval(() => {
      if (!opts.quiet) view.show(meter.take(Date.now()));
    }, 1000);
    const timer = setTimeout(stop, opts.durationMs);
    // --abort-on-fail: workers report every second, so a check twice a second is prompt enough.
    const watch = opts.abortOnFail
      ? setInterval(() => {
          if (stopping) return;
          const now = Date.now();
          const reason = abortReason(opts.thresholds ?? [], fleet.stats, { fleetSize: total, elapsedMs: now - t0 });
          if (!reason || !stop({ by: 'abort-on-fail', signal: null, at: now, afterMs: now - t0, reason })) return;
          if (!opts.quiet) view.note(`Aborting (--abort-on-fail): ${reason}`, 'error');
        }, 500)
      : undefined;

    const reachable = reachabilityWatch(fleet.stats, (Array.isArray(config) ? config[0] : config).csmsUrl, opts.giveUpAfterMs ?? 0, t0);
    const reach = setInterval(() => {
      if (stopping || !(unreachable = reachable(Date.now()))) return;
      if (!opts.quiet) view.note(`Giving up: ${unreachable.reason}`, 'error');
      stop();
    }, 500);

    // Until the duration is up, an interrupt, --abort-on-fail or an unreachable CSMS, or every worker has crashed.
    await Promise.race([fleet.done, stopSignal]);
    stop();
    await fleet.stop();
    await controlServer?.close();
    unannounce?.();
    const pushed = await metrics?.finish();
    clearTimeout(timer);
    clearInterval(tick);
    clearInterval(watch);
    clearInterval(reach);
    view.clear();

    const elapsedMs = Date.now() - t0;
    for (const e of fleet.errors) view.note(e, 'error');
    const thresholds = evaluateThresholds(opts.thresholds ?? [], fleet.stats, { fleetSize: total, elapsedMs });
    const gracefulStopMs = (Array.isArray(config) ? config[0] : config).stopTimeoutMs;
    const v = verdict(fleet.stats, { total, allowInvalid: opts.allowInvalid, workerErrors: fleet.errors, thresholds, aborted, unreachable, gracefulStopMs });
    if (mode !== 'json') out.write(summary(fleet.stats, total, elapsedMs, v) + '\n');
    if (opts.metrics?.pushgateway) view.note(`run id ${opts.metrics.runId} (metrics ${pushed ? 'pushed to' : 'NOT pushed to'} ${opts.metrics.pushgateway})`, pushed ? 'info' : 'warn');
    return { exitCode: exitCodeOf(v), verdict: v, stats: fleet.stats, elapsedMs, startedAt: t0, total };
  } finally {
    interrupts.dispose();
    await controlServer?.close();
    unannounce?.();
  }
}

/** What a multi-process run says before it starts: how many processes, and which source addresses. */
function spreadNote(configs: FleetConfig[], processes: number, total: number): string {
  const sources = configs[0].localAddresses;
  const over = sources && sources.length > 1 ? ` and ${sources.length} source addresses (${sources[0]}–${sources[sources.length - 1]})` : '';
  const where = processes > 1 ? `over ${processes} processes` : 'in a child process';
  return `${total} charge points ${where}${over}: one progress, one summary, one verdict`;
}
