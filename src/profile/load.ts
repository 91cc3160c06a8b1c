/**
 * Device profiles from YAML: resolve a built-in name or a path, follow `extends:` (maps merge deeply,
 * lists are replaced, a cycle is an error; `deviceModel:` merges per component and variable), check
 * every file against profiles/profile.schema.json and the result for what a runnable model needs
 * (its `deviceModel:` section against the model's own topology: device-model-section.ts), and turn
 * it into the shared {@link StationProfile}. Every problem in every file of the chain is reported at
 * once, with file:line:column.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addIssues, ConfigError, issuesOf, resultOrThrow, type ConfigIssue } from '../config/errors.js';
import { listLibrary, resolveLibraryRef, resolveOrConfigError, type LibraryEntry } from '../config/library.js';
import { checkSchema } from '../config/schema-check.js';
import { MAX_TEMPLATE_WIDTH } from '../config/bounds.js';
import { YamlFile } from '../config/yaml-file.js';
import { checkValue, keyDef } from '../ocpp16/configuration.js';
import { DEFAULT_FIRMWARE, DEFAULT_QUIRKS, expandTemplate, type ConnectorSpec, type MessageIdStyle, type StationProfile } from '../station/profile.js';
import { parseDuration } from '../util/duration.js';
import { checkProfileDeviceModel, mergeDeviceModel } from './device-model-section.js';

/** The built-in library (profiles/ in the package). */
export const PROFILES_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url));

const SCHEMA = JSON.parse(readFileSync(join(PROFILES_DIR, 'profile.schema.json'), 'utf8')) as object;

/** Largest charge point number a serial template must fit (${n:06} and friends). */
const LARGEST_N = 999_999;

/** The raw (merged) YAML shape; validated by the schema before use. */
interface RawProfile {
  description?: string;
  extends?: string;
  abstract?: boolean;
  identity?: { vendor?: string; model?: string; serial?: string; firmwareVersion?: string; iccid?: string; imsi?: string };
  ocpp?: string[];
  connectors?: Partial<ConnectorSpec>[];
  meter?: { measurands?: string[]; sampleInterval?: string; clockAlignedInterval?: string; registerStartWh?: number };
  configuration?: Record<string, string | number | boolean | { value: string | number | boolean; readonly?: boolean }>;
  boot?: { retryInterval?: string; jitter?: string };
  quirks?: Partial<typeof DEFAULT_QUIRKS>;
  powerSharing?: { connectors: number[]; maxPowerW: number }[];
  messageIds?: MessageIdStyle;
  firmware?: {
    downloadFails?: boolean;
    installFails?: boolean;
    uploadFails?: boolean;
    installTime?: string;
    waitForTransactions?: boolean;
    downloadBytesPerSecond?: number;
    signedUpdatesOnly?: boolean;
    signatureFails?: boolean;
    installVerificationFails?: boolean;
    localController?: boolean;
  };
  /** OCPP 2.0.1 device model changes: component → variable → value (ocpp201/device-model/overrides.ts). */
  deviceModel?: Record<string, unknown>;
}

/** Built-in profiles: name → file, sorted by name. */
export function builtinProfiles(): LibraryEntry[] {
  return listLibrary(PROFILES_DIR);
}

/** A built-in profile name, or a path (relative to `from`); see config/library.ts. */
export function resolveProfileRef(ref: string, from = process.cwd()): string {
  return resolveLibraryRef(ref, PROFILES_DIR, 'profile', from);
}

/** Loads a runnable profile by name or path; throws ConfigError with every problem found. */
export function loadProfile(ref: string): StationProfile {
  const file = resolveOrConfigError(resolveProfileRef, ref);
  return resultOrThrow((issues) => buildProfile(file, issues));
}

/** Every problem of a profile file (and the files it extends); empty when it is good. */
export function checkProfileFile(file: string): ConfigIssue[] {
  return issuesOf((issues) => buildProfile(resolve(file), issues, true));
}

function buildProfile(file: string, issues: ConfigIssue[], allowAbstract = false): StationProfile | undefined {
  const chain = readChain(file, issues, []);
  if (!chain) return undefined;
  const { raw, top, files } = chain;
  if (raw.abstract && allowAbstract) return undefined;
  if (raw.abstract) {
    issues.push(top.issue(['abstract'], 'this profile is a family base (abstract: true); run one of the models that extend it'));
    return undefined;
  }
  const before = issues.length;
  for (const [key, what] of [
    [['identity', 'vendor'], 'identity.vendor'],
    [['identity', 'model'], 'identity.model'],
    [['ocpp'], 'ocpp'],
    [['connectors'], 'connectors'],
  ] as const) {
    if (valueAt(raw, key) === undefined) issues.push(top.issue([], `a runnable profile needs ${what} (here or in a profile it extends)`));
  }
  if (issues.length > before) return undefined;
  const builtin = builtinProfiles().find((p) => p.file === file);
  const profile = toStationProfile(raw, top, builtin?.name ?? (relative(process.cwd(), file) || file), issues);
  if (profile && raw.deviceModel !== undefined) checkProfileDeviceModel(profile, raw.deviceModel, files, issues);
  return profile;
}

/**
 * Reads `file` and its `extends` ancestors, merged; schema problems go to `issues`. `files` is the
 * chain, `file` first: a problem of the merged profile is reported in the file its value came from.
 */
function readChain(file: string, issues: ConfigIssue[], seen: string[]): { raw: RawProfile; top: YamlFile; files: YamlFile[] } | undefined {
  let yaml: YamlFile;
  try {
    yaml = YamlFile.read(file);
  } catch (e) {
    if (e instanceof ConfigError) addIssues(issues, e.issues);
    else throw e;
    return undefined;
  }
  const schemaIssues = checkSchema(yaml, SCHEMA);
  const valueIssues = [...checkConfigurationValues(yaml), ...checkDurations(yaml), ...checkTemplates(yaml)];
  addIssues(issues, schemaIssues, valueIssues);
  if (schemaIssues.length > 0 || valueIssues.length > 0 || typeof yaml.value !== 'object' || yaml.value === null) return undefined;
  const own = yaml.value as RawProfile;
  if (!own.extends) return { raw: own, top: yaml, files: [yaml] };
  let parentFile: string;
  try {
    parentFile = resolveProfileRef(own.extends, dirname(file));
  } catch (e) {
    issues.push(yaml.issue(['extends'], (e as Error).message));
    return undefined;
  }
  if (seen.includes(parentFile) || parentFile === file) {
    issues.push(yaml.issue(['extends'], `extends forms a cycle: ${[...seen, file, parentFile].map((f) => relative(process.cwd(), f)).join(' → ')}`));
    return undefined;
  }
  const parent = readChain(parentFile, issues, [...seen, file]);
  if (!parent) return undefined;
  const { abstract: _ignored, ...inherited } = parent.raw;
  return { raw: merge(inherited, own) as RawProfile, top: yaml, files: [yaml, ...parent.files] };
}

/** Configuration values of the key's type (an integer for HeartbeatInterval, known measurands…). */
function checkConfigurationValues(yaml: YamlFile): ConfigIssue[] {
  const config = isMap(yaml.value) ? yaml.value.configuration : undefined;
  if (!isMap(config)) return [];
  const issues: ConfigIssue[] = [];
  for (const [key, v] of Object.entries(config)) {
    const value = String(isMap(v) ? v.value : v);
    // Unknown keys are the schema's to report.
    if (keyDef(key) && !checkValue(key, value)) issues.push(yaml.issue(['configuration', key], `'${value}' is not a valid value for ${key}`));
  }
  return issues;
}

/** The schema's duration pattern (definitions.duration). */
const DURATION_FORM = /^(\d+(\.\d+)?(ms|s|m|h|d))+$/;

/** Durations of a profile; those that become integer configuration keys (seconds) are marked. */
const DURATIONS: readonly { path: readonly string[]; wholeSeconds?: string }[] = [
  { path: ['meter', 'sampleInterval'], wholeSeconds: 'MeterValueSampleInterval' },
  { path: ['meter', 'clockAlignedInterval'], wholeSeconds: 'ClockAlignedDataInterval' },
  { path: ['boot', 'retryInterval'] },
  { path: ['boot', 'jitter'] },
  { path: ['firmware', 'installTime'] },
];

/**
 * Durations within range (the schema checks their form only: `99999999h` has it too), and whole
 * seconds where the value is an integer configuration key (OCPP 1.6 §9.1: MeterValueSampleInterval
 * and ClockAlignedDataInterval are in seconds).
 */
function checkDurations(yaml: YamlFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { path, wholeSeconds } of DURATIONS) {
    const v = valueAt(yaml.value, path);
    if (typeof v !== 'string' || !DURATION_FORM.test(v)) continue; // absent, or of a form the schema reports
    let ms: number;
    try {
      ms = parseDuration(v, 'duration');
    } catch (e) {
      issues.push(yaml.issue(path, (e as Error).message));
      continue;
    }
    if (wholeSeconds && ms % 1000 !== 0) issues.push(yaml.issue(path, `'${v}' is not a whole number of seconds, which ${wholeSeconds} needs`));
  }
  return issues;
}

/** Zero-padding widths in the identity templates: `${n:0999999999}` would build a gigabyte string. */
function checkTemplates(yaml: YamlFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const field of ['serial', 'iccid', 'imsi']) {
    const template = valueAt(yaml.value, ['identity', field]);
    if (typeof template !== 'string') continue;
    for (const m of template.matchAll(/\$\{(?:n|id):0?(\d+)\}/g)) {
      if (Number(m[1]) > MAX_TEMPLATE_WIDTH) issues.push(yaml.issue(['identity', field], `'${m[0]}' pads to more than ${MAX_TEMPLATE_WIDTH} digits`));
    }
  }
  return issues;
}

/**
 * Deep merge: the child's map keys override the parent's; lists and scalars are replaced. The
 * device model merges per component and variable: a child's variable entry replaces the parent's.
 */
function merge(parent: unknown, child: unknown): unknown {
  if (!isMap(parent) || !isMap(child)) return child === undefined ? parent : child;
  const out: Record<string, unknown> = { ...parent };
  for (const [k, v] of Object.entries(child)) {
    out[k] = k === 'extends' ? v : k === 'deviceModel' ? mergeDeviceModel(parent[k], v) : merge(parent[k], v);
  }
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let v = root;
  for (const p of path) v = isMap(v) ? v[p] : undefined;
  return v;
}

function toStationProfile(raw: RawProfile, top: YamlFile, name: string, issues: ConfigIssue[]): StationProfile | undefined {
  const id = raw.identity!;
  const connectors: ConnectorSpec[] = raw.connectors!.map((c, i) => {
    const ac = c.current === 'AC';
    const phases = ac ? (c.phases ?? 3) : 1;
    const voltage = c.voltage ?? (ac ? 230 : 500);
    const maxPowerW = c.maxPowerW!;
    if (!ac && c.phases !== undefined) issues.push(top.issue(['connectors', i, 'phases'], 'phases apply to AC connectors only'));
    return {
      type: c.type!,
      current: c.current!,
      phases: phases as 1 | 3,
      voltage,
      maxCurrentA: c.maxCurrentA ?? Math.ceil(maxPowerW / (voltage * phases)),
      maxPowerW,
      evse: c.evse ?? i + 1,
    };
  });
  (raw.powerSharing ?? []).forEach((g, i) => {
    g.connectors.forEach((id, k) => {
      if (id > connectors.length) issues.push(top.issue(['powerSharing', i, 'connectors', k], `connector ${id} does not exist (this model has ${connectors.length})`));
      else if (raw.powerSharing!.some((other, j) => j < i && other.connectors.includes(id))) {
        issues.push(top.issue(['powerSharing', i, 'connectors', k], `connector ${id} is in two power-sharing groups`));
      }
    });
  });
  const configuration: StationProfile['configuration'] = {};
  for (const [key, v] of Object.entries(raw.configuration ?? {})) {
    const entry = isMap(v) ? (v as { value: unknown; readonly?: boolean }) : { value: v };
    configuration[key] = { value: String(entry.value), readonly: entry.readonly };
  }
  const serial = id.serial ?? 'SIM-${id}';
  // The shortest possible expansion (an empty ${id}) must fit; a long identity is cut at run time.
  for (const [field, template, max] of [
    ['serial', serial, 25],
    ['iccid', id.iccid, 20],
    ['imsi', id.imsi, 20],
  ] as const) {
    if (template && expandTemplate(template, LARGEST_N, '').length > max) {
      issues.push(top.issue(['identity', field], `expands to more than ${max} characters (the OCPP 1.6 limit)`));
    }
  }
  const seconds = (d: string | undefined, fallback: number) => (d === undefined ? fallback : parseDuration(d) / 1000);
  const measurands = raw.meter?.measurands ?? ['Energy.Active.Import.Register', 'Power.Active.Import'];
  return {
    name,
    description: raw.description!,
    vendor: id.vendor!,
    model: id.model!,
    firmwareVersion: id.firmwareVersion ?? '1.0.0',
    serial,
    iccid: id.iccid,
    imsi: id.imsi,
    ocppVersions: raw.ocpp!,
    connectors,
    meterValueSampleInterval: seconds(raw.meter?.sampleInterval, 60),
    clockAlignedDataInterval: seconds(raw.meter?.clockAlignedInterval, 0),
    meterValuesSampledData: measurands.join(','),
    registerStartWh: raw.meter?.registerStartWh ?? 0,
    configuration,
    bootRetryS: seconds(raw.boot?.retryInterval, 30),
    bootJitterS: seconds(raw.boot?.jitter, 0),
    quirks: { ...DEFAULT_QUIRKS, ...raw.quirks },
    powerSharing: raw.powerSharing,
    firmware: firmwareBehaviourOf(raw.firmware),
    messageIds: raw.messageIds ?? 'counter',
    ...(raw.deviceModel === undefined ? {} : { deviceModel: raw.deviceModel }),
  };
}

function firmwareBehaviourOf(raw: RawProfile['firmware']): StationProfile['firmware'] {
  const { installTime, ...rest } = raw ?? {};
  return { ...DEFAULT_FIRMWARE, ...rest, ...(installTime === undefined ? {} : { installMs: parseDuration(installTime) }) };
}
