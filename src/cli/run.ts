/**
 * `ocpp-sim run`: a fleet of OCPP 1.6J charge points against any CSMS.
 *
 * Precedence: built-in defaults < a run plan's settings (`ocpp-sim run plan.yaml`) < flags given
 * explicitly; see plan/precedence.ts.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { connectorsOf, DEFAULT_DRIVER, type DriverModel, type StationProfile } from '../station/profile.js';
import { DEFAULT_QUEUE_LIMIT } from '../station/outbound.js';
import { loadProfile } from '../profile/load.js';
import { bindingFor, SIMULATED_VERSIONS } from '../versions.js';
import { tokenProblem, tokenValue } from '../station/id-token.js';
import { OCPP16 } from '../ocpp16/schemas.js';
import { checkDeviceModelSection, deviceModelInputOf } from '../ocpp201/device-model/index.js';
import { OCPP201 } from '../ocpp201/schemas.js';
import { loadScenario } from '../scenario/parse.js';
import type { FleetConfig } from '../scheduler/fleet.js';
import { formatIdentity, identityWidth } from '../util/ids.js';
import { identityProblem } from '../util/identity.js';
import { printable } from '../util/printable.js';
import { parseAddresses } from '../util/addresses.js';
import { parseDuration, parsePositiveDuration, parseRange, parseSpeed } from '../util/duration.js';
import { rampRate } from '../plan/ramp.js';
import { loadPlan } from '../plan/plan.js';
import { conflictingFlags, explicitFlags, planArgs } from '../plan/precedence.js';
import { seedFor } from '../util/random.js';
import { hideBin } from 'yargs/helpers';
import { BYTES_PER_CHARGE_POINT, chargePointsThatFit, chargePointsThatFitMemory, openFileLimit } from '../util/limits.js';
import { loopbackSources, placeFleet, processesNeeded, type FleetPlacement } from '../scheduler/spread.js';
import {
  MAX_CONNECTORS,
  MAX_COUNT,
  MAX_ID_N,
  MAX_ID_PREFIX,
  MAX_ID_TAG_LENGTH,
  MAX_PASSWORDS_BYTES,
  MAX_PEM_BYTES,
  MAX_POWER_W,
  MAX_QUEUE_LIMIT,
  MAX_SEED,
  MAX_PROCESSES,
  MAX_WORKERS,
} from '../config/bounds.js';
import { csmsUrl, once, positiveNumber, valuesOnce, wholeNumber } from './flag-values.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { closing } from './summary.js';
import { readPasswords } from './passwords.js';
import { readFlagFile } from './read-file.js';
import { runFleet, type RunResult } from './run-fleet.js';
import { resultOptionsFrom, writeResults, type ResultArgs, type ResultOptions } from '../report/write.js';
import { buildReport } from '../report/report.js';
import { metricsOptionsFrom, type MetricsOptions } from '../metrics/run-metrics.js';
import { controlOptionsFrom } from '../control/options.js';

/**
 * The flags of `run` (and `demo`). Number flags are read as text and checked by their coerce, so a
 * message can echo what was typed (yargs would make it NaN); see flag-values.ts, whose valuesOnce
 * also makes every flag that takes a value require one and forbids repeating any but --threshold.
 */
export function runOptions<T>(y: Argv<T>) {
  const options = y
    .option('csms', { type: 'string', describe: 'CSMS WebSocket URL (ws:// or wss://); the identity is appended as the last path segment' })
    .option('count', { alias: 'n', type: 'string', default: 10, coerce: wholeNumber('--count', 1, MAX_COUNT), describe: `Number of charge points (at most ${MAX_COUNT})` })
    .option('duration', { alias: 'd', type: 'string', default: '60s', describe: 'How long to run (e.g. 30s, 10m, 2h; at most 24d)' })
    .option('workers', { alias: 'w', type: 'string', coerce: wholeNumber('--workers', 0, MAX_WORKERS), describe: 'Worker threads (default: one per core, at most one per charge point; 0 = main thread)' })
    .option('ramp-up', { type: 'string', default: '0', describe: 'Arrival of the fleet: a rate (500/s), a share per period (10%/1m), or a duration to spread it over (60s); 0 = as fast as possible' })
    .option('id-prefix', { type: 'string', default: 'CP', coerce: idPrefix, describe: 'Identity prefix: identities are <prefix><n>, zero-padded' })
    .option('id-start', { type: 'string', default: 1, coerce: wholeNumber('--id-start', 0, MAX_ID_N), describe: "First n (with a plan: the first fleet's, the others follow)" })
    .option('processes', { type: 'string', coerce: wholeNumber('--processes', 1, MAX_PROCESSES), describe: 'Local processes to spread the fleet over (default: as many as the open-file limit needs, ~19,800 charge points each); worker threads are shared out among them' })
    .option('shard', { type: 'string', describe: "Simulate only slice i of n of the fleet ('i/n', i from 1): processes or machines share one fleet without overlap" })
    .option('password', { type: 'string', describe: 'HTTP Basic auth password for every charge point (security profile 1)' })
    .option('passwords', { type: 'string', describe: 'File of per-charge-point credentials: JSON {"<identity>": "<password>"} or lines "<identity>,<password>"' })
    .option('ca', { type: 'string', describe: 'PEM file of the CA that signed the CSMS certificate (wss://)' })
    .option('cert', { type: 'string', describe: 'PEM client certificate (security profile 3)' })
    .option('key', { type: 'string', describe: 'PEM private key of --cert' })
    .option('local-address', { type: 'string', describe: 'Source addresses to spread connections over: a list and/or IPv4 CIDR blocks (127.0.0.2,127.0.1.0/24)' })
    .option('profile', { alias: 'p', type: 'string', default: 'generic-16-ac', describe: 'Device profile: a built-in name (see `ocpp-sim list profiles`) or a YAML file' })
    .option('ocpp', { type: 'string', describe: "The OCPP version to speak (1.6 or 2.0.1), for a profile that speaks both; default: the profile's first" })
    .option('scenario', { alias: 's', type: 'string', describe: 'What happens to each charge point: a built-in scenario (see `ocpp-sim list scenarios`) or a YAML file; default: random arrivals per --idle/--session' })
    .option('connectors', { type: 'string', coerce: wholeNumber('--connectors', 1, MAX_CONNECTORS), describe: "Override the profile: this many connectors, like its first one" })
    .option('power', { type: 'string', coerce: positiveNumber('--power', MAX_POWER_W / 1000, 'kW'), describe: "Override the profile: maximum power per connector (kW)" })
    .option('meter-interval', { type: 'string', describe: "Override the profile's MeterValueSampleInterval (whole seconds, e.g. 10s)" })
    .option('session', { type: 'string', default: `${DEFAULT_DRIVER.sessionMinS}s-${DEFAULT_DRIVER.sessionMaxS}s`, describe: 'Charging session length, or a range to draw from' })
    .option('idle', { type: 'string', default: `${DEFAULT_DRIVER.idleMinS}s-${DEFAULT_DRIVER.idleMaxS}s`, describe: 'Idle time between sessions, or a range to draw from' })
    .option('id-tags', { type: 'string', default: DEFAULT_DRIVER.idTags.join(','), describe: 'Comma-separated idTags drivers present' })
    .option('data-transfer', { type: 'string', describe: "A DataTransfer each charge point sends after booting: 'vendorId[,messageId[,data]]'" })
    .option('call-timeout', { type: 'string', default: '30s', describe: 'How long to wait for the CSMS to answer a call' })
    .option('queue-limit', { type: 'string', default: DEFAULT_QUEUE_LIMIT, coerce: wholeNumber('--queue-limit', 1, MAX_QUEUE_LIMIT), describe: 'Most messages a charge point keeps queued (offline, or behind a slow CSMS); when full, the oldest MeterValues go first, counted as dropped' })
    .option('graceful-stop', { type: 'string', default: '30s', describe: 'At the end, how long to wait for queued transaction messages to be delivered; what is left then is counted as undelivered' })
    .option('give-up-after', { type: 'string', default: '30s', describe: 'Stop the run when no charge point has managed to connect for this long (0 = never)' })
    .option('speed', { type: 'string', default: '1', describe: 'Time compression of the local side: 60 (or 60x) runs an hour of arrivals, sessions and energy in a minute; protocol timing stays real' })
    .option('seed', { type: 'string', default: 1, coerce: wholeNumber('--seed', 0, MAX_SEED), describe: 'Random seed: the same seed replays the same arrivals and sessions' })
    .option('strict', { type: 'boolean', default: false, describe: 'Also validate every message we send against the OCPP schemas' })
    .option('allow-invalid', { type: 'boolean', default: false, describe: 'Do not fail the run on schema-invalid messages from the CSMS (they are still counted)' })
    // Repeatable: yargs gives an array when the flag is given more than once.
    .option('threshold', { type: 'string', describe: "A pass/fail threshold, repeatable: 'p95(BootNotification) < 500ms', 'errors(*) == 0', 'booted >= 99%' (README: Thresholds)" })
    .option('abort-on-fail', { type: 'boolean', default: false, describe: 'Stop early once a scenario expectation fails or a threshold has failed for good (e.g. errors(*) == 0 after an error)' })
    .option('report', { type: 'string', describe: 'Write the full result as JSON to this file (README: Reports)' })
    .option('junit', { type: 'string', describe: 'Write JUnit XML to this file: a test case per scenario expectation, per threshold and for the verdict' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No live progress, only the summary' })
    .option('json-logs', { type: 'boolean', default: false, describe: 'Progress and messages as one JSON object per line, the summary as a last JSON line' })
    .option('metrics-port', { type: 'string', coerce: wholeNumber('--metrics-port', 0, 65_535, 'a port number'), describe: 'Serve Prometheus metrics of the whole fleet at http://<metrics-host>:<port>/metrics while running (9464 is customary; 0 = any free port)' })
    .option('metrics-host', { type: 'string', default: '127.0.0.1', describe: 'Address the metrics endpoint listens on (0.0.0.0 for a Prometheus on another machine)' })
    .option('pushgateway', { type: 'string', describe: 'Prometheus Pushgateway URL: the final metrics are pushed there (job ocpp_sim, grouped by run_id)' })
    .option('push-interval', { type: 'string', describe: 'Also push to the Pushgateway every interval while running (e.g. 10s)' })
    .option('run-id', { type: 'string', describe: 'Run id grouping pushed metrics (default: generated, printed after the summary)' })
    .option('control-port', { type: 'string', coerce: wholeNumber('--control-port', 0, 65_535, 'a port number'), describe: 'Drive the running fleet by hand: a control API and web page at http://127.0.0.1:<port>/ (0 = any free port; README: Driving a running fleet by hand)' })
    .option('control-host', { type: 'string', coerce: once('--control-host'), describe: 'Address the control API listens on (default 127.0.0.1; it only answers loopback clients)' })
    .option('control-token', { type: 'string', coerce: once('--control-token'), describe: 'The control API\'s bearer token (default: $OCPP_SIM_CONTROL_TOKEN, else generated and printed)' });
  return valuesOnce(options, ['threshold']);
}

/** `--id-prefix`: short enough that `<prefix><n>` fits OCPP 2.0.1's 48-character identity. */
function idPrefix(v: unknown): string {
  const prefix = once('--id-prefix')(v);
  if (prefix.length > MAX_ID_PREFIX) throw new UsageError(`--id-prefix must be at most ${MAX_ID_PREFIX} characters, not '${prefix}' (${prefix.length})`);
  return prefix;
}

export type RunArgs = ReturnType<typeof runOptions> extends Argv<infer T> ? T : never;

/**
 * Builds the fleet configuration from parsed flags; throws UsageError for anything wrong. As one
 * fleet of a run plan, `plan.total` (all fleets' charge points) sizes the ramp and the file limit
 * (`plan.here`, when given, the file limit: the charge points of this process's --shard slice).
 */
export function fleetConfigFrom(args: RunArgs, plan?: { total: number; here?: number }): { config: FleetConfig; durationMs: number; giveUpAfterMs: number } {
  const csms = args.csms;
  if (!csms) throw new UsageError('--csms is required (e.g. --csms ws://localhost:9000/ocpp)');
  const url = csmsUrl(csms);
  const total = int(args.count, '--count', 1, MAX_COUNT);
  const slice = args.shard ? parseSlice(args.shard, total) : undefined;
  const count = slice ? Math.ceil((total - slice.index) / slice.of) : total;
  checkMemory(plan?.here ?? plan?.total ?? count);
  const idStart = int(args['id-start'], '--id-start', 0, MAX_ID_N);
  if (idStart + total - 1 > MAX_ID_N) {
    throw new UsageError(`--id-start ${idStart} with --count ${total} numbers charge points up to ${idStart + total - 1}, beyond ${MAX_ID_N}: give a lower --id-start`);
  }
  const longestId = formatIdentity(args['id-prefix'], idStart + total - 1, identityWidth(idStart, total));
  if (identityProblem(longestId)) throw new UsageError(`id prefix '${printable(args['id-prefix'].slice(0, 60))}': identity '${printable(longestId.slice(0, 60))}' ${identityProblem(longestId)}`);
  const workers = args.workers ?? Math.min(availableParallelism(), count);
  const durationMs = guard(() => parsePositiveDuration(args.duration, '--duration'));
  const [sessionMinS, sessionMaxS] = guard(() => parseRange(args.session, '--session'));
  const [idleMinS, idleMaxS] = guard(() => parseRange(args.idle, '--idle'));
  const profile = profileFrom(args);
  // Compiled for the version the charge points speak (the profile is narrowed to it, see speaking()).
  const scenario = args.scenario ? loadScenario(args.scenario, profile.ocppVersions[0], `profile ${profile.name}`) : undefined;
  const driver: DriverModel = {
    ...DEFAULT_DRIVER,
    sessionMinS,
    sessionMaxS,
    idleMinS,
    idleMaxS,
    idTags: args['id-tags'].split(',').map((s) => s.trim()).filter(Boolean),
  };
  if (driver.idTags.length === 0) throw new UsageError('--id-tags needs at least one idTag');
  for (const tag of driver.idTags) {
    const problem = tokenProblem(tag);
    if (problem) throw new UsageError(`--id-tags: ${problem}`);
  }
  // 1.6's idTag is shorter than 2.0.1's idToken (which tokenProblem checks).
  const long = profile.ocppVersions[0] === OCPP16 ? driver.idTags.find((t) => tokenValue(t).length > MAX_ID_TAG_LENGTH) : undefined;
  if (long) throw new UsageError(`--id-tags: '${long}' is longer than ${MAX_ID_TAG_LENGTH} characters, the OCPP 1.6 limit of an idTag`);
  const config: FleetConfig = {
    csmsUrl: csms,
    idPrefix: args['id-prefix'],
    idStart,
    idWidth: identityWidth(idStart, total),
    count,
    workers: int(workers, '--workers', 0, MAX_WORKERS),
    slice,
    profile,
    driver,
    options: {
      callTimeoutMs: guard(() => parsePositiveDuration(args['call-timeout'], '--call-timeout')),
      connectTimeoutMs: 30_000,
      strict: args.strict,
      reconnect: { initialMs: 1000, maxMs: 30_000 },
      bootRetryMs: profile.bootRetryS * 1000,
      softResetDrainMs: 3000,
      rebootDelayMs: 2000,
      queueLimit: int(args['queue-limit'], '--queue-limit', 1, MAX_QUEUE_LIMIT),
    },
    password: args.password,
    passwords: args.passwords ? readPasswords(args.passwords) : undefined,
    tls: url.protocol === 'wss:' ? readTls(args) : undefined,
    scenario,
    seed: int(args.seed, '--seed', 0, MAX_SEED),
    speed: guard(() => parseSpeed(args.speed)),
    rampPerSec: guard(() => rampRate(args['ramp-up'], plan?.total ?? total)),
    localAddresses: args['local-address'] ? guard(() => parseAddresses(args['local-address']!)) : undefined,
    stopTimeoutMs: guard(() => parseDuration(args['graceful-stop'], '--graceful-stop')),
  };
  return { config, durationMs, giveUpAfterMs: guard(() => parseDuration(args['give-up-after'], '--give-up-after')) };
}

/**
 * The profile as it will speak: the version --ocpp asks for (one the profile lists), else the first of
 * its versions this simulator speaks. Its `ocpp` list is narrowed to that version, which every shard
 * then binds (src/versions.ts).
 */
function speaking(profile: StationProfile, wanted: string | undefined): StationProfile {
  if (wanted !== undefined && !SIMULATED_VERSIONS.includes(wanted)) {
    throw new UsageError(`--ocpp ${wanted}: ocpp-sim simulates OCPP ${SIMULATED_VERSIONS.join(' and ')}`);
  }
  const binding = bindingFor(profile, wanted);
  if (binding === undefined) {
    throw new UsageError(
      wanted !== undefined
        ? `--ocpp ${wanted}: profile ${profile.name} speaks OCPP ${profile.ocppVersions.join(', ')} only`
        : `profile ${profile.name} speaks OCPP ${profile.ocppVersions.join(', ')}; ocpp-sim simulates OCPP ${SIMULATED_VERSIONS.join(' and ')}`,
    );
  }
  return profile.ocppVersions.length === 1 ? profile : { ...profile, ocppVersions: [binding.version] };
}

/** The profile named by --profile, with the command line's overrides on top. */
function profileFrom(args: RunArgs): StationProfile {
  const base = speaking(loadProfile(args.profile), args.ocpp);
  let connectors = base.connectors;
  if (args.connectors !== undefined) connectors = connectorsOf(connectors[0], int(args.connectors, '--connectors', 1, MAX_CONNECTORS));
  if (args.power !== undefined) connectors = connectors.map((c) => ({ ...c, maxPowerW: args.power! * 1000 }));
  const profile: StationProfile = {
    ...base,
    connectors,
    meterValueSampleInterval: args['meter-interval'] ? meterInterval(args['meter-interval']) : base.meterValueSampleInterval,
    bootDataTransfer: args['data-transfer'] ? parseDataTransfer(args['data-transfer']) : base.bootDataTransfer,
  };
  // The loader checked the deviceModel: section against the profile's own connectors; new ones must fit it too.
  if (connectors !== base.connectors && profile.deviceModel !== undefined && profile.ocppVersions[0] === OCPP201) {
    const issues = checkDeviceModelSection(profile.deviceModel, deviceModelInputOf(profile));
    if (issues.length > 0) {
      const [first] = issues;
      throw new UsageError(`--connectors/--power: profile ${profile.name}'s deviceModel: section does not fit the new connectors: ${first.path.join('.')}: ${first.message}`);
    }
  }
  return profile;
}

/** `vendorId[,messageId[,data]]`, within the DataTransfer schema's lengths (255 / 50). */
function parseDataTransfer(text: string): NonNullable<StationProfile['bootDataTransfer']> {
  const [vendorId, messageId, ...rest] = text.split(',');
  if (!vendorId || vendorId.length > 255 || (messageId && messageId.length > 50)) {
    throw new UsageError(`--data-transfer '${text}' must be vendorId[,messageId[,data]] (vendorId ≤ 255, messageId ≤ 50 characters)`);
  }
  const dt: NonNullable<StationProfile['bootDataTransfer']> = { vendorId };
  if (messageId) dt.messageId = messageId;
  if (rest.length > 0) dt.data = rest.join(',');
  return dt;
}

/** `--meter-interval` in seconds: whole, as MeterValueSampleInterval is an integer key (OCPP 1.6 §9.1.18). */
function meterInterval(text: string): number {
  const ms = guard(() => parseDuration(text, '--meter-interval'));
  if (ms % 1000 !== 0) throw new UsageError(`--meter-interval must be whole seconds (MeterValueSampleInterval is an integer), not '${text}'`);
  return ms / 1000;
}

/** A whole number in [min, max]: flags are checked as they are read; this guards values from a plan or a caller. */
function int(v: number, flag: string, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not '${v}'`);
  return v;
}

function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Each charge point holds some memory: say how many fit before starting, rather than aborting on the heap. */
function checkMemory(count: number): void {
  const memory = totalmem();
  if (count > chargePointsThatFitMemory(memory)) {
    throw new UsageError(
      `${count} charge points need about ${Math.ceil((count * BYTES_PER_CHARGE_POINT) / 2 ** 30)} GiB, but this machine has ` +
        `${(memory / 2 ** 30).toFixed(1)} GiB: at most ${chargePointsThatFitMemory(memory)} fit. Split the fleet ` +
        `over machines with --shard 1/N … N/N.`,
    );
  }
}

/**
 * Each charge point holds a socket, and a process may open only so many files (ulimit -n): a fleet
 * that needs more runs over several local processes (--processes, else as many as it needs), and a
 * fleet larger than one source address's ephemeral ports spreads over loopback source addresses
 * when its CSMS is on loopback (scheduler/spread.ts). `heldHere`: sockets this process holds for
 * something else (the demo's embedded CSMS); when fleet and those no longer fit, the fleet runs in
 * child processes, even one. Returns the configs to run and where.
 */
export function spreadOverProcesses(configs: FleetConfig[], wanted: number | undefined, heldHere = 0): { configs: FleetConfig[] } & FleetPlacement {
  const here = configs.reduce((n, c) => n + c.count, 0);
  const limit = openFileLimit();
  const fit = limit === undefined ? Infinity : chargePointsThatFit(limit);
  const needed = processesNeeded(here, fit);
  if (wanted !== undefined && wanted < needed) {
    throw new UsageError(
      `--processes ${wanted}: ${here} charge points need ${here} sockets, but a process may open only ${limit} files ` +
        `(ulimit -n), so at most ${fit} fit in one: give --processes ${needed} or more (or leave it out).`,
    );
  }
  const placement = placeFleet(here, fit, heldHere, wanted);
  const spread = configs.map((c) => {
    const sources = c.localAddresses ? undefined : loopbackSources(c.csmsUrl, here);
    return sources ? { ...c, localAddresses: sources } : c;
  });
  return { configs: spread, ...placement };
}

/** `i/n`: slice i (from 1) of n; a slice of a fleet smaller than n may hold none, and is refused. */
function parseSlice(text: string, total: number): { index: number; of: number; total: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n) throw new UsageError(`--shard '${text}' must be i/n with 1 ≤ i ≤ n, e.g. 1/4`);
  if (i > total) throw new UsageError(`--shard '${text}': a fleet of ${total} (--count) has no charge point in slice ${i}`);
  return { index: i - 1, of: n, total };
}

function readTls(args: RunArgs): FleetConfig['tls'] {
  if (!!args.cert !== !!args.key) throw new UsageError('--cert and --key go together');
  return {
    ca: args.ca ? readFlagFile(args.ca, '--ca', MAX_PEM_BYTES) : undefined,
    cert: args.cert ? readFlagFile(args.cert, '--cert', MAX_PEM_BYTES) : undefined,
    key: args.key ? readFlagFile(args.key, '--key', MAX_PEM_BYTES) : undefined,
  };
}

/**
 * The fleet configurations of a run plan (checked in full first: see plan/plan.ts), with the plan's
 * settings between the defaults and the flags given explicitly (`explicit`, see plan/precedence.ts).
 */
export function planConfigsFrom(
  file: string,
  args: RunArgs,
  explicit: ReadonlySet<string>,
): { configs: FleetConfig[]; durationMs: number; giveUpAfterMs: number; quiet: boolean; metrics?: MetricsOptions; thresholds: string[] } {
  const conflicts = conflictingFlags(explicit);
  if (conflicts.length > 0) {
    throw new UsageError(`${conflicts.map((f) => `--${f}`).join(', ')} cannot be combined with a run plan: each fleet in ${file} gives its own`);
  }
  const plan = loadPlan(file, int(args['id-start'], '--id-start', 0, MAX_ID_N), args.ocpp);
  const merged = planArgs(plan, args, explicit);
  const total = plan.fleets.reduce((n, f) => n + f.count, 0);
  // --shard i/n takes slice i of every fleet (positions p with p mod n = i−1); a fleet smaller than
  // n may have none in this slice, and is left out of this process.
  const slice = merged.shard ? parseSlice(merged.shard, total) : undefined;
  const inSlice = (count: number) => (slice ? Math.max(0, Math.ceil((count - slice.index) / slice.of)) : count);
  const here = plan.fleets.reduce((n, f) => n + inSlice(f.count), 0);
  const workers = merged.workers ?? Math.max(1, Math.min(availableParallelism(), here));
  let durationMs = 0;
  let giveUpAfterMs = 0;
  const configs = plan.fleets.flatMap((f, g) => {
    if (inSlice(f.count) === 0) return [];
    const fleetArgs: RunArgs = {
      ...merged,
      profile: f.profile,
      ocpp: f.ocpp,
      scenario: f.scenario,
      'id-prefix': f.idPrefix,
      'id-start': f.idStart,
      count: f.count,
      workers,
      // Fleet 0 keeps the seed (a one-fleet plan replays like \`run\`); the others get their own streams.
      seed: g === 0 ? merged.seed : seedFor(merged.seed, -1 - g),
    };
    const built = fleetConfigFrom(fleetArgs, { total, here });
    durationMs = built.durationMs;
    giveUpAfterMs = built.giveUpAfterMs;
    return [built.config];
  });
  if (configs.length === 0) throw new UsageError(`--shard '${merged.shard}': no fleet of ${file} has a charge point in slice ${slice!.index + 1} of ${slice!.of}`);
  return { configs, durationMs, giveUpAfterMs, quiet: merged.quiet, metrics: guard(() => metricsOptionsFrom(merged)), thresholds: plan.thresholds };
}

export const runCommand: CommandModule<object, RunArgs & { plan?: string }> = {
  command: 'run [plan]',
  describe: 'Run a fleet of charge points against a CSMS, or the fleets of a run plan (plan.yaml)',
  builder: (y) =>
    runOptions(y).positional('plan', {
      type: 'string',
      describe: 'A run plan (YAML with fleets:): several fleets at once; flags given explicitly override its settings',
    }) as unknown as Argv<RunArgs & { plan?: string }>,
  handler: async (args) => {
    if (args.plan) {
      const planned = planConfigsFrom(args.plan, args, explicitFlags(hideBin(process.argv)));
      const { durationMs, giveUpAfterMs, quiet, metrics, thresholds } = planned;
      const { configs, processes, inChildren } = spreadOverProcesses(planned.configs, args.processes);
      const results = guard(() => resultOptionsFrom(args as ResultArgs, thresholds));
      const control = guard(() => controlOptionsFrom(args));
      const result = await runFleet(configs, { durationMs, giveUpAfterMs, quiet, jsonLogs: args['json-logs'], allowInvalid: args['allow-invalid'], metrics, processes, inChildren, control, ...results });
      process.exitCode = finishRun(result, results, { configs, durationMs, plan: args.plan, runId: metrics?.runId ?? args['run-id'], allowInvalid: args['allow-invalid'] }, args['json-logs']);
      return;
    }
    await runFromFlags(args);
  },
};

/**
 * Everything a run's flags say, each fleet's config built: a usage error (exit 2) for any bad flag.
 * Starts nothing, so a command that must start something first (the demo's CSMS) can check its
 * flags before it does.
 */
export function parseRunFlags(fleets: RunArgs | RunArgs[]) {
  const list = Array.isArray(fleets) ? fleets : [fleets];
  const [args] = list;
  const results = guard(() => resultOptionsFrom(args as ResultArgs));
  const total = list.reduce((n, a) => n + Number(a.count), 0);
  const built = list.map((a) => fleetConfigFrom(a, list.length > 1 ? { total } : undefined));
  const metrics = guard(() => metricsOptionsFrom(args));
  const control = guard(() => controlOptionsFrom(args));
  return { args, results, built, metrics, control };
}

/**
 * A fleet described by flags (`run` without a plan, and `demo` against its own CSMS) — or several, one
 * per entry of `fleets` (the demo's mixed fleet), sharing the first one's run settings: checked, run,
 * and the results written; sets the exit code. `announce` is told the fleets before they start;
 * `epilogue` gives lines to print after the summary, before the closing verdict and exit code (asked
 * once the fleet has stopped); `heldHere`: sockets this process holds besides the fleet's (see
 * spreadOverProcesses).
 */
export async function runFromFlags(
  fleets: RunArgs | RunArgs[],
  announce?: (configs: FleetConfig[]) => void,
  epilogue?: () => string[] | Promise<string[]>,
  heldHere = 0,
): Promise<RunResult> {
  const { args, results, built, metrics, control } = parseRunFlags(fleets);
  const { configs, processes, inChildren } = spreadOverProcesses(built.map((b) => b.config), args.processes, heldHere);
  const { durationMs, giveUpAfterMs } = built[0];
  announce?.(configs);
  const result = await runFleet(configs.length === 1 ? configs[0] : configs, { durationMs, giveUpAfterMs, quiet: args.quiet, jsonLogs: args['json-logs'], allowInvalid: args['allow-invalid'], metrics, processes, inChildren, control, ...results });
  const closingLines = (await epilogue?.()) ?? [];
  process.exitCode = finishRun(result, results, { configs, durationMs, runId: metrics?.runId ?? args['run-id'], allowInvalid: args['allow-invalid'] }, args['json-logs'], () => closingLines);
  return result;
}

/**
 * The end of a run, in this order: the --report and --junit files; then the exit code, which a file
 * that could not be written raises from 0 to 1 (an interruption's 105 and a failure's 1 stay); then,
 * last, the notes, the verdict and that exit code (with --json-logs: the report as the last line),
 * so nothing printed contradicts how the process exits. `epilogue` lines come just before the verdict.
 */
function finishRun(
  result: RunResult,
  opts: ResultOptions,
  ctx: { configs: FleetConfig[]; durationMs: number; plan?: string; runId?: string; allowInvalid: boolean },
  jsonLogs: boolean,
  epilogue: () => string[] = () => [],
): number {
  const input = { ...result, ...ctx, abortOnFail: opts.abortOnFail, thresholds: opts.thresholds.map((t) => t.expression) };
  const verdictCode = result.exitCode;
  const files = writeResults(input, opts, (failed) => (failed && verdictCode === ExitCode.Ok ? ExitCode.Failed : verdictCode));
  const json = (event: object) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
  for (const error of files.errors) process.stderr.write(`ocpp-sim: ${error}\n`);
  if (jsonLogs) {
    for (const message of files.lines) json({ event: 'log', level: 'info', message });
    for (const message of files.errors) json({ event: 'log', level: 'error', message });
    for (const message of epilogue()) json({ event: 'log', level: 'info', message });
    json({ event: 'summary', ...buildReport({ ...input, exitCode: files.exitCode }) });
  } else {
    const lines = [...(files.lines.length > 0 ? ['', ...files.lines] : []), ...epilogue(), ...closing(result.verdict, files.exitCode, files.unwritten)];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return files.exitCode;
}
