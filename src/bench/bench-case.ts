/**
 * One benchmark case in a fresh process (so memory figures start clean): N charge points with W
 * workers against an embedded CSMS running in another process. Prints one JSON line of results.
 *
 *   (a) boot storm   — connect + boot as fast as possible: time until all booted, boots/s
 *   (b) steady state — every connector charging, MeterValues every 10 s plus heartbeats:
 *                      CPU per 1,000 messages, share of one core, RSS per charge point
 *   (c) saturation   — every charge point sends Heartbeats back to back: round trips/s
 *
 * With `features`, the CSMS switches 2.0.1 functional blocks on in every charge point after the boot
 * storm (features.ts), so (b) measures them too.
 *
 * With `scrapeEveryMs`, Prometheus's view is served from this process and scraped at that interval
 * during (b), so its cost shows in the steady-state CPU figure. With `control`, the control page is
 * connected (page-load.ts) from the settling before (b), so (b) measures a page that is open.
 */
import { startMetricsServer } from '../metrics/metrics-server.js';
import { fleetRegistry } from '../metrics/prometheus.js';
import { startFleet, type FleetConfig } from '../scheduler/fleet.js';
import { startProcessFleet } from '../scheduler/process-fleet.js';
import { loopbackSources, processesNeeded } from '../scheduler/spread.js';
import { chargePointsThatFit, openFileLimit } from '../util/limits.js';
import { treeUsage } from './process-tree.js';
import { connectPage } from './page-load.js';
import { formatIdentity } from '../util/ids.js';
import { loadScenario } from '../scenario/parse.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE } from '../station/profile.js';
import { DEFAULT_QUEUE_LIMIT } from '../station/outbound.js';
import { identityWidth } from '../util/ids.js';
import { activateFeatures, type BenchApi, type BenchFeature } from './features.js';

/** What bench.ts asks a case to do (one JSON argument). */
export interface CaseSpec {
  csmsUrl: string;
  /** The CSMS's operator API, for `features`. */
  api: BenchApi;
  features: BenchFeature[];
  /** The OCPP version the charge points speak: '1.6' or '2.0.1'. */
  ocpp: string;
  n: number;
  workers: number;
  steadyS: number;
  saturationS: number;
  scenario?: string;
  /** Scrape /metrics this often during the steady state (0 = no metrics server). */
  scrapeEveryMs: number;
  /** MeterValueSampleInterval (s) of the steady state. */
  meterIntervalS: number;
  /** The control port open and the control page connected during the steady state (page-load.ts). */
  control: boolean;
}

export interface CaseResult {
  ocpp: string;
  features: BenchFeature[];
  /** Per feature call: charge points that accepted it, failed, and the first error. */
  featureCalls: Awaited<ReturnType<typeof activateFeatures>>;
  n: number;
  workers: number;
  /** Simulator processes: more than one when N needs more sockets than one process may open (issue #13). */
  processes: number;
  meterIntervalS: number;
  control: boolean;
  /** With `control`: the page's requests answered and events received while it was connected (from just before the steady state). */
  pageRequests: number;
  pageEvents: number;
  /** /metrics scrapes during the steady state. */
  scrapes: number;
  booted: number;
  bootSeconds: number;
  bootsPerSec: number;
  steadyMsgsPerSec: number;
  steadyCpuPctOfCore: number;
  cpuUsPerMsg: number;
  rssMiB: number;
  baselineRssMiB: number;
  rssPerCpKiB: number;
  roundTripsPerSec: number;
  errors: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as CaseSpec;
  const { csmsUrl, n, workers, scenario: scenarioName } = spec;
  // At least one meter interval: the sessions start in the boot storm, so their MeterValues come in
  // bursts one interval apart, and a shorter window could fall between two.
  const steadyMs = Math.max(spec.steadyS, spec.meterIntervalS) * 1000;
  const saturationMs = spec.saturationS * 1000;
  const baseline = process.memoryUsage().rss;
  // As `run` does: a fleet beyond one process's open-file limit spreads over processes and loopback
  // source addresses; CPU and RSS are then the whole process tree's.
  const limit = openFileLimit();
  const processes = processesNeeded(n, limit === undefined ? Infinity : chargePointsThatFit(limit));

  const config: FleetConfig = {
    csmsUrl,
    idPrefix: `B${n}W${workers}${spec.ocpp === '1.6' ? '' : 'v2'}-`,
    idStart: 1,
    idWidth: identityWidth(1, n),
    count: n,
    workers,
    // One connector each, so "every connector charging" is one session per charge point.
    profile: { ...DEFAULT_PROFILE, ocppVersions: [spec.ocpp], connectors: DEFAULT_PROFILE.connectors.slice(0, 1), meterValueSampleInterval: spec.meterIntervalS },
    // Cars arrive within a second and stay for the whole benchmark.
    driver: { ...DEFAULT_DRIVER, idleMinS: 0, idleMaxS: 1, sessionMinS: 3600, sessionMaxS: 3600, socMin: 0.1, socMax: 0.2 },
    options: {
      callTimeoutMs: 60_000,
      connectTimeoutMs: 60_000,
      strict: false,
      reconnect: { initialMs: 1000, maxMs: 30_000 },
      bootRetryMs: 10_000,
      softResetDrainMs: 1000,
      queueLimit: DEFAULT_QUEUE_LIMIT,
      rebootDelayMs: 1000,
    },
    // With a scenario, the interpreter drives the charge points instead of the built-in behaviour.
    scenario: scenarioName ? loadScenario(scenarioName) : undefined,
    seed: 1,
    rampPerSec: 0,
    stopTimeoutMs: 20_000,
    localAddresses: loopbackSources(csmsUrl, n),
  };
  const fleet = processes > 1 ? startProcessFleet([config], processes) : startFleet(config);
  const identity = (p: number) => formatIdentity(config.idPrefix, config.idStart + p, config.idWidth);
  const t0 = Date.now();

  // (a) boot storm
  const bootDeadline = t0 + Math.max(120_000, n * 2);
  while (fleet.stats.total('chargePointsBooted') < n && Date.now() < bootDeadline) await sleep(100);
  const booted = fleet.stats.total('chargePointsBooted');
  const bootSeconds = ((fleet.stats.lastFirstBootAt() || Date.now()) - t0) / 1000;

  const featureCalls = spec.features.length > 0 ? await activateFeatures(spec.api, spec.features) : [];

  // (b) steady state: let every session start and the first samples go out, then measure a window —
  // after the features' broadcast, long enough for the garbage of answering N calls at once to be
  // collected, so the window measures the steady state and not the tail of the broadcast.
  // The page connects now, so the window measures a connected page, not its first load (the control
  // code's compilation, the page's first requests): that one-time cost is ~300 ms of a core.
  const page = spec.control ? await connectPage(fleet, n, identity(0)) : null;
  await sleep(featureCalls.length > 0 ? 20_000 : 5000);
  let scrapes = 0;
  const notOurs = page ? [page.pid] : [];
  const metrics = spec.scrapeEveryMs > 0 ? await startMetricsServer(fleetRegistry(fleet.stats), { port: 0 }) : null;
  const scraper = metrics
    ? setInterval(() => {
        void fetch(metrics.url)
          .then((r) => r.text())
          .then(() => scrapes++);
      }, spec.scrapeEveryMs)
    : undefined;
  const msgs = () => fleet.stats.total('messagesIn') + fleet.stats.total('messagesOut');
  const cpu0 = treeUsage(notOurs).cpuUs;
  const m0 = msgs();
  const s0 = Date.now();
  await sleep(steadyMs);
  const usage = treeUsage(notOurs);
  clearInterval(scraper);
  await metrics?.close();
  const { requests: pageRequests, events: pageEvents } = (await page?.stop()) ?? { requests: 0, events: 0 };
  const m1 = msgs();
  const window = (Date.now() - s0) / 1000;
  const rss = usage.rssBytes;
  const cpuSec = (usage.cpuUs - cpu0) / 1e6;

  // (c) saturation (none with --saturation 0: a rate over an empty window would be noise divided by ~0)
  let roundTripsPerSec = 0;
  if (saturationMs > 0) {
    const rt = () => fleet.stats.actions().reduce((k, a) => k + a.sent, 0);
    fleet.backToBack(true);
    await sleep(2000);
    const r0 = rt();
    const sat0 = Date.now();
    await sleep(saturationMs);
    roundTripsPerSec = Math.round((rt() - r0) / ((Date.now() - sat0) / 1000));
    fleet.backToBack(false);
  }
  await fleet.stop();

  const errors = fleet.stats.actions().reduce((k, a) => k + a.errors, 0);
  const result: CaseResult = {
    ocpp: spec.ocpp,
    features: spec.features,
    featureCalls,
    n,
    workers,
    processes,
    meterIntervalS: spec.meterIntervalS,
    control: spec.control,
    pageRequests,
    pageEvents,
    scrapes,
    booted,
    bootSeconds: round(bootSeconds, 2),
    bootsPerSec: Math.round(booted / Math.max(bootSeconds, 0.001)),
    steadyMsgsPerSec: round((m1 - m0) / window, 1),
    steadyCpuPctOfCore: round((cpuSec / window) * 100, 1),
    cpuUsPerMsg: round((cpuSec * 1e6) / Math.max(1, m1 - m0), 1),
    rssMiB: round(rss / 2 ** 20, 1),
    baselineRssMiB: round(baseline / 2 ** 20, 1),
    rssPerCpKiB: round((rss - baseline) / 1024 / n, 1),
    roundTripsPerSec,
    errors,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

void main();
