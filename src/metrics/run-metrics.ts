/**
 * Prometheus for one run: the /metrics endpoint (live fleet, process metrics included) and the
 * Pushgateway (periodic pushes while running, a final one after the fleet stopped). Both read the
 * fleet's merged stats on the main thread; see prometheus.ts.
 */
import type { FleetStats } from './fleet-stats.js';
import { parseDuration } from '../util/duration.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { fleetRegistry } from './prometheus.js';
import { generateRunId, pushgatewayUrlProblem, pushMetrics, runIdProblem, startPeriodicPush } from './pushgateway.js';

export interface MetricsOptions {
  /** Serve /metrics on this port (0 = any free one); undefined = no endpoint. */
  port?: number;
  host: string;
  pushgateway?: string;
  /** Push every this many ms while running as well as at the end; needs pushgateway. */
  pushIntervalMs?: number;
  runId: string;
}

/** The run's metrics options from the `run` flags (or a plan's); throws an Error saying what is wrong. */
export function metricsOptionsFrom(args: {
  'metrics-port'?: number;
  'metrics-host'?: string;
  pushgateway?: string;
  'push-interval'?: string;
  'run-id'?: string;
}): MetricsOptions | undefined {
  const port = args['metrics-port'];
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new Error(`--metrics-port must be a port number 0-65535, not ${port}`);
  }
  const problem = args.pushgateway === undefined ? undefined : pushgatewayUrlProblem(args.pushgateway);
  if (problem) throw new Error(problem);
  if (args['push-interval'] !== undefined && args.pushgateway === undefined) throw new Error('--push-interval needs --pushgateway');
  const pushIntervalMs = args['push-interval'] === undefined ? undefined : parseDuration(args['push-interval'], '--push-interval');
  if (pushIntervalMs !== undefined && pushIntervalMs < 1000) throw new Error('--push-interval must be at least 1s');
  const runId = args['run-id'] ?? generateRunId();
  const bad = runIdProblem(runId);
  if (bad) throw new Error(`--run-id: ${bad}`);
  if (port === undefined && args.pushgateway === undefined) return undefined;
  return { port, host: args['metrics-host'] ?? '127.0.0.1', pushgateway: args.pushgateway, pushIntervalMs, runId };
}

export interface RunMetrics {
  /** The /metrics URL, when serving. */
  readonly url?: string;
  /** After the fleet stopped: the final push (if any; true when it went through), then the endpoint closes. */
  finish(): Promise<boolean | undefined>;
}

/** Starts serving and periodic pushing; rejects (nothing left running) when the port cannot be bound. */
/** What the metrics read of a running fleet (scheduler/fleet.ts's Fleet is one). */
export interface MeteredFleet {
  readonly stats: FleetStats;
  /** Pulls fresh counters now (an in-process fleet); worker fleets report by themselves. */
  refresh(): void;
}

export async function startRunMetrics(fleet: MeteredFleet, opts: MetricsOptions, warn: (message: string) => void): Promise<RunMetrics> {
  let server: MetricsServer | undefined;
  if (opts.port !== undefined) {
    const registry = fleetRegistry(fleet.stats, { beforeCollect: () => fleet.refresh() });
    server = await startMetricsServer(registry, { port: opts.port, host: opts.host });
  }
  // The pushed group describes the run and outlives this process: no process metrics in it.
  const pushRegistry = opts.pushgateway ? fleetRegistry(fleet.stats, { processMetrics: false }) : undefined;
  const periodic =
    pushRegistry && opts.pushIntervalMs ? startPeriodicPush(pushRegistry, opts.pushgateway!, opts.runId, opts.pushIntervalMs, warn) : undefined;
  return {
    url: server?.url,
    async finish() {
      await periodic?.stop();
      let pushed: boolean | undefined;
      if (pushRegistry) {
        pushed = await pushMetrics(pushRegistry, opts.pushgateway!, opts.runId).then(
          () => true,
          (e: Error) => (warn(e.message), false),
        );
      }
      await server?.close();
      return pushed;
    },
  };
}
