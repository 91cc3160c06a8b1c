/**
 * Run plans: one YAML file that mixes fleets (`ocpp-sim run plan.yaml`). The file is checked against
 * scenarios/plan.schema.json (strict: an unknown key gets a "did you mean"), then every fleet's
 * profile and scenario is loaded — an unknown name or a missing file is reported at the plan's own
 * line and column, a problem inside the profile or scenario at theirs — and no two fleets may give
 * the same identity (see identities.ts for the fleets' numbers). Every problem is reported at once,
 * before any socket opens.
 *
 * Paths in a plan (profiles, scenarios, passwords, ca, cert, key) are relative to the plan's folder.
 * How the plan's settings combine with flags: see precedence.ts (defaults < plan < flags).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { addIssues, ConfigError, issuesOf, resultOrThrow, type ConfigIssue } from '../config/errors.js';
import { checkSchema } from '../config/schema-check.js';
import { YamlFile, type PathItem } from '../config/yaml-file.js';
import { loadProfile, resolveProfileRef } from '../profile/load.js';
import { readScenario, resolveScenarioRef, SCENARIOS_DIR } from '../scenario/parse.js';
import { checkProgramForVersion } from '../scenario/version-check.js';
import { bindingFor, SIMULATED_VERSIONS } from '../versions.js';
import { parsePositiveDuration, parseSpeed } from '../util/duration.js';
import { MAX_COUNT, MAX_ID_N } from '../config/bounds.js';
import { describeRange, fleetStarts, sharedIdentity, type IdRange } from './identities.js';
import { rampRate } from './ramp.js';
import { parseThreshold, ThresholdError } from '../report/thresholds.js';

const SCHEMA = JSON.parse(readFileSync(join(SCENARIOS_DIR, 'plan.schema.json'), 'utf8')) as object;

/** One fleet of a plan; `profile` and `scenario` are resolved to files. */
export interface PlanFleet {
  profile: string;
  /** The OCPP version it speaks (`ocpp:` of the fleet, else --ocpp); undefined: the profile's first. */
  ocpp?: string;
  scenario?: string;
  count: number;
  idPrefix: string;
  /** The fleet's first charge point number n: its own idStart, or the one after the previous fleet's last. */
  idStart: number;
}

/** A plan's run-wide settings under the `run` flags' names; file paths resolved against the plan. */
export interface PlanSettings {
  csms?: string;
  password?: string;
  passwords?: string;
  ca?: string;
  cert?: string;
  key?: string;
  'ramp-up'?: string;
  duration?: string;
  seed?: number;
  speed?: string;
  workers?: number;
  quiet?: boolean;
  'metrics-port'?: number;
  pushgateway?: string;
}

export interface Plan {
  file: string;
  description: string;
  settings: PlanSettings;
  fleets: PlanFleet[];
  /** Pass/fail thresholds (report/thresholds.ts); --threshold flags add to them. */
  thresholds: string[];
}

/** The raw YAML shape (checked by the schema before use). */
interface RawPlan {
  description: string;
  csms?: string;
  password?: string;
  passwords?: string;
  ca?: string;
  cert?: string;
  key?: string;
  rampUp?: string | number;
  duration?: string;
  seed?: number;
  speed?: string | number;
  workers?: number;
  quiet?: boolean;
  metricsPort?: number;
  pushgateway?: string;
  fleets: { profile: string; count: number; scenario?: string; idPrefix: string; idStart?: number; ocpp?: string }[];
  thresholds?: string[];
}

/** A plan is a YAML file with a top-level `fleets:` key. */
export function isPlanText(text: string): boolean {
  return /^fleets\s*:/m.test(text);
}

/**
 * Loads and checks a plan; throws ConfigError with every problem found. `idStart` (`--id-start`)
 * is the first fleet's first n unless it gives its own; `ocpp` (`--ocpp`) the version of every fleet
 * that names none.
 */
export function loadPlan(file: string, idStart = 1, ocpp?: string): Plan {
  return resultOrThrow((issues) => buildPlan(file, idStart, ocpp, issues));
}

/** Every problem of a plan file (its profiles and scenarios included); empty when it is good. */
export function checkPlanFile(file: string, idStart = 1): ConfigIssue[] {
  return issuesOf((issues) => buildPlan(file, idStart, undefined, issues));
}

function buildPlan(file: string, idStart: number, ocpp: string | undefined, issues: ConfigIssue[]): Plan | undefined {
  const yaml = YamlFile.read(file); // unreadable or bad YAML: ConfigError
  const schemaIssues = checkSchema(yaml, SCHEMA);
  addIssues(issues, schemaIssues);
  if (schemaIssues.length > 0) return undefined;
  const raw = yaml.value as RawPlan;
  const dir = dirname(resolve(file));
  const at = (path: PathItem[], message: string) => issues.push(yaml.issue(path, message));

  if (raw.duration !== undefined) {
    try {
      parsePositiveDuration(raw.duration, 'duration');
    } catch (e) {
      at(['duration'], (e as Error).message);
    }
  }
  if (raw.rampUp !== undefined) {
    try {
      rampRate(raw.rampUp, raw.fleets.reduce((n, f) => n + f.count, 0), 'rampUp');
    } catch (e) {
      at(['rampUp'], (e as Error).message);
    }
  }
  if (raw.speed !== undefined) {
    try {
      parseSpeed(raw.speed, 'speed');
    } catch (e) {
      at(['speed'], (e as Error).message);
    }
  }
  (raw.thresholds ?? []).forEach((text, i) => {
    try {
      parseThreshold(text);
    } catch (e) {
      if (!(e instanceof ThresholdError)) throw e;
      at(['thresholds', i], `${e.message}`);
    }
  });
  const paths: Partial<Record<'passwords' | 'ca' | 'cert' | 'key', string>> = {};
  for (const k of ['passwords', 'ca', 'cert', 'key'] as const) {
    const v = raw[k];
    if (v === undefined) continue;
    paths[k] = resolve(dir, v);
    if (!existsSync(paths[k])) at([k], `no such file '${v}' (paths are relative to the plan)`);
  }
  if ((raw.cert === undefined) !== (raw.key === undefined)) at([raw.cert === undefined ? 'key' : 'cert'], 'cert and key go together');

  const starts = fleetStarts(raw.fleets, idStart);
  const fleets: PlanFleet[] = raw.fleets.map((f, i) => {
    const profile = loadRef(f.profile, ['fleets', i, 'profile'], 'profile', loadProfile);
    const scenario = f.scenario === undefined ? undefined : loadRef(f.scenario, ['fleets', i, 'scenario'], 'scenario', readScenario);
    const wanted = f.ocpp ?? ocpp;
    const binding = profile && bindingFor(profile.value, wanted);
    if (profile && !binding) {
      const { name, ocppVersions } = profile.value;
      const where: PathItem[] = f.ocpp !== undefined ? ['fleets', i, 'ocpp'] : ['fleets', i, 'profile'];
      if (wanted !== undefined) at(where, `profile ${name} speaks OCPP ${ocppVersions.join(', ')}, not ${wanted}`);
      else at(where, `profile ${name} speaks OCPP ${ocppVersions.join(', ')}; ocpp-sim simulates OCPP ${SIMULATED_VERSIONS.join(' and ')}`);
    }
    // The scenario's steps must suit the version this fleet's charge points speak (issue #11).
    if (binding && scenario) addIssues(issues, checkProgramForVersion(scenario.value, binding.version, `profile ${profile.value.name} (fleets[${i}])`));
    return {
      profile: profile?.file ?? f.profile,
      ocpp: wanted,
      scenario: f.scenario === undefined ? undefined : (scenario?.file ?? f.scenario),
      count: f.count,
      idPrefix: f.idPrefix,
      idStart: starts[i],
    };
  });
  checkIdentities();

  return {
    file,
    description: raw.description,
    settings: {
      csms: raw.csms,
      password: raw.password,
      ...paths,
      'ramp-up': raw.rampUp === undefined ? undefined : String(raw.rampUp),
      duration: raw.duration,
      seed: raw.seed,
      speed: raw.speed === undefined ? undefined : String(raw.speed),
      workers: raw.workers,
      quiet: raw.quiet,
      'metrics-port': raw.metricsPort,
      pushgateway: raw.pushgateway,
    },
    fleets,
    thresholds: raw.thresholds ?? [],
  };

  /**
   * Every fleet's numbers within range, all fleets within {@link MAX_COUNT}, and no identity in two
   * fleets: reported at the later fleet's idStart when it gives one, else at its idPrefix.
   */
  function checkIdentities(): void {
    const total = raw.fleets.reduce((n, f) => n + f.count, 0);
    if (total > MAX_COUNT) at(['fleets'], `the fleets have ${total.toLocaleString('en-US')} charge points together; at most ${MAX_COUNT.toLocaleString('en-US')} are allowed`);
    const ranges: IdRange[] = raw.fleets.map((f, i) => ({ prefix: f.idPrefix, start: starts[i], count: f.count }));
    ranges.forEach((r, i) => {
      const where: PathItem[] = ['fleets', i, raw.fleets[i].idStart === undefined ? 'idPrefix' : 'idStart'];
      const last = r.start + r.count - 1;
      if (last > MAX_ID_N) {
        at(where, `this fleet's numbers run to ${last.toLocaleString('en-US')}, beyond ${MAX_ID_N.toLocaleString('en-US')}: give it a lower idStart`);
        return;
      }
      for (let j = 0; j < i; j++) {
        const shared = sharedIdentity(r, ranges[j]);
        if (shared === undefined) continue;
        at(where, `identities ${describeRange(r)} overlap fleets[${j}]'s ${describeRange(ranges[j])} (both have ${shared}); give this fleet another idPrefix or idStart`);
        break;
      }
    });
  }

  /**
   * Resolves and loads a profile or scenario reference; its problems join the plan's. The file and
   * what it holds, when it loads without a problem.
   */
  function loadRef<T>(ref: string, path: PathItem[], kind: 'profile' | 'scenario', load: (file: string) => T): { file: string; value: T } | undefined {
    let file: string;
    try {
      file = kind === 'profile' ? resolveProfileRef(ref, dir) : resolveScenarioRef(ref, dir);
    } catch (e) {
      at(path, (e as Error).message);
      return undefined;
    }
    if (!existsSync(file)) {
      at(path, `no such ${kind} file '${ref}' (paths are relative to the plan)`);
      return undefined;
    }
    try {
      return { file, value: load(file) };
    } catch (e) {
      if (e instanceof ConfigError) addIssues(issues, e.issues);
      else at(path, (e as Error).message);
      return undefined;
    }
  }
}
