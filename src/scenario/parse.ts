/**
 * Scenarios from YAML: resolve a built-in name or a path, check the file (the top level against
 * scenarios/scenario.schema.json, the steps here, so that every error names the step and its field
 * plainly instead of listing the schema's oneOf branches), and compile the steps into the flat
 * {@link ScenarioProgram} the interpreter runs. Every problem is reported at once, with
 * file:line:column, the field path (`steps[2].authorize.expect`) and a "did you mean" where one fits.
 */
import { tokenProblem, tokenValue } from '../station/id-token.js';
import { STOP_CAUSES, type StopCause } from '../station/dialect.js';
import { readFileSync } from 'node:fs';
import {
  MAX_BATTERY_KWH,
  MAX_CONNECTORS,
  MAX_ID_TAGS_FILE_BYTES,
  MAX_POWER_W,
  MAX_REPEAT_TIMES,
  MAX_SIGMA,
  MAX_TEMPLATE_WIDTH,
} from '../config/bounds.js';
import { describeReadError, readBoundedText } from '../config/read-text.js';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addIssues, ConfigError, issuesOf, nearest, resultOrThrow, type ConfigIssue } from '../config/errors.js';
import { listLibrary, resolveLibraryRef, resolveOrConfigError, type LibraryEntry } from '../config/library.js';
import { checkSchema } from '../config/schema-check.js';
import { YamlFile, type PathItem } from '../config/yaml-file.js';
import { ERROR_DESCRIPTIONS } from '../protocol/errors.js';
import { MAX_DURATION_MS, parseDuration } from '../util/duration.js';
import { Op, type Duration, type Instr, type ResponseRule, type ScenarioProgram, type VersionSite } from './program.js';
import { answerStatuses, contractStatuses, FAILURES, SCENARIO_VERSIONS, tokenStatuses, VERSION_NAMES, versionsWith } from './versions.js';
import { checkProgramForVersion, programForVersion } from './version-check.js';

/** The built-in library (scenarios/ in the package). */
export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

let topSchema: object | undefined;

/**
 * The part of the schema file (written for editors) checked with ajv: the top level only. Steps,
 * connectors and vars are checked here, where a wrong step gets one clear message rather than one
 * per oneOf branch.
 */
function schema(): object {
  if (!topSchema) {
    const full = JSON.parse(readFileSync(join(SCENARIOS_DIR, 'scenario.schema.json'), 'utf8')) as { properties: Record<string, object> };
    const properties = Object.fromEntries(Object.entries(full.properties).map(([k, v]) => [k, SELF_CHECKED.has(k) ? {} : v]));
    topSchema = { ...full, properties };
  }
  return topSchema;
}

const SELF_CHECKED = new Set(['connectors', 'vars', 'steps', 'ocpp']);

/** Built-in scenarios: name → file, sorted by name. */
export function builtinScenarios(): LibraryEntry[] {
  return listLibrary(SCENARIOS_DIR);
}

/** A built-in scenario name, or a path (relative to `from`); see config/library.ts. */
export function resolveScenarioRef(ref: string, from = process.cwd()): string {
  return resolveLibraryRef(ref, SCENARIOS_DIR, 'scenario', from);
}

/**
 * Loads a scenario by name or path and compiles it for charge points of OCPP `version` (action names
 * translated, steps that do not apply to it rejected: see version-check.ts); `run` passes its
 * profile's version, and the profile as `whose` for the messages. Throws ConfigError with every
 * problem found.
 */
export function loadScenario(ref: string, version = '1.6', whose?: string): ScenarioProgram {
  return programForVersion(readScenario(ref), version, whose);
}

/** Loads and compiles a scenario as written, for any version (not yet runnable: see loadScenario); throws ConfigError. */
export function readScenario(ref: string): ScenarioProgram {
  const file = resolveOrConfigError(resolveScenarioRef, ref);
  return resultOrThrow((issues) => buildScenario(file, issues));
}

/**
 * Every problem of a scenario file; empty when it is good. A scenario is checked for each OCPP
 * version it is written for (its `ocpp` field), or for every version when it names none.
 */
export function checkScenarioFile(file: string): ConfigIssue[] {
  return issuesOf((issues) => {
    const program = buildScenario(resolve(file), issues);
    if (program && issues.length === 0) {
      for (const version of program.ocpp ?? VERSION_NAMES) addIssues(issues, checkProgramForVersion(program, version));
    }
  });
}

/** Compiles YAML text as written (for tests and tools that hold the text already); throws ConfigError. */
export function compileScenarioText(file: string, text: string, name = file): ScenarioProgram {
  const issues: ConfigIssue[] = [];
  const program = compile(YamlFile.parse(file, text), name, issues); // a YAML syntax error throws ConfigError itself
  if (issues.length > 0 || !program) throw new ConfigError(issues);
  return program;
}

function buildScenario(file: string, issues: ConfigIssue[]): ScenarioProgram | undefined {
  let yaml: YamlFile;
  try {
    yaml = YamlFile.read(file);
  } catch (e) {
    if (e instanceof ConfigError) addIssues(issues, e.issues);
    else throw e;
    return undefined;
  }
  const builtin = builtinScenarios().find((s) => s.file === file);
  return compile(yaml, builtin?.name ?? (relative(process.cwd(), file) || file), issues);
}

// ---------------------------------------------------------------------------------------------
// Sampling

/**
 * A draw of `d` in milliseconds, never negative and never above {@link MAX_DURATION_MS} (a
 * lognormal's or exponential's tail would overflow a timer), using `random` (uniform in [0, 1)).
 */
export function sampleDuration(d: Duration, random: () => number): number {
  return Math.min(draw(d, random), MAX_DURATION_MS);
}

function draw(d: Duration, random: () => number): number {
  switch (d.kind) {
    case 'fixed':
      return d.ms;
    case 'uniform':
      return d.min + (d.max - d.min) * random();
    case 'normal':
      return Math.max(0, d.mean + d.sd * gaussian(random));
    case 'exponential':
      return d.mean * Math.log(1 / (1 - random())); // = -mean·ln(1-u), without a -0
    case 'lognormal':
      return d.median * Math.exp(d.sigma * gaussian(random));
  }
}

/** A standard normal draw from two uniforms (Box–Muller). */
function gaussian(random: () => number): number {
  const u1 = 1 - random(); // (0, 1]: the logarithm stays finite
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

// ---------------------------------------------------------------------------------------------
// Compiling

/** Steps that may be written bare (`- plug`): all their options are optional. */
const BARE_STEPS = ['plug', 'authorize', 'start', 'stop', 'unplug', 'fault', 'recover', 'reboot'] as const;
const STEPS = ['wait', 'plug', 'authorize', 'start', 'charge', 'stop', 'unplug', 'fault', 'recover', 'disconnect', 'reboot', 'send', 'repeat', 'respond', 'expect', 'firmware', 'limit', 'renegotiate', 'network'] as const;
type StepName = (typeof STEPS)[number];

/** Each step's options (for "unknown key" and for misindented options). */
const STEP_KEYS: Record<StepName, readonly string[]> = {
  wait: ['for'],
  plug: ['ev', 'iso15118', 'contract', 'installContract', 'updateContract', 'expect'],
  authorize: ['idTag', 'idTags', 'idTagsFile', 'expect'],
  start: ['idTag', 'idTags', 'idTagsFile', 'expect'],
  charge: ['for'],
  stop: ['reason'],
  unplug: [],
  fault: ['errorCode'],
  recover: [],
  disconnect: ['for', 'wait'],
  reboot: [],
  send: ['action', 'payload', 'expect'],
  repeat: ['times', 'for', 'forever', 'steps'],
  respond: ['action', 'with', 'error', 'timeout', 'default', 'delay'],
  expect: ['call', 'within'],
  firmware: ['download', 'signature', 'install', 'verify', 'upload', 'certificate'],
  limit: ['source', 'watts', 'evse'],
  renegotiate: ['energyKWh', 'departure'],
  network: ['fail'],
};

const EXAMPLES: Partial<Record<StepName, string>> = {
  wait: 'wait: 30s',
  charge: 'charge: 30m',
  disconnect: 'disconnect: 30s',
  send: 'send: {action: Heartbeat}',
  repeat: 'repeat: {times: 3, steps: [...]}',
  respond: 'respond: {action: RemoteStartTransaction, with: {status: Rejected}}',
  expect: 'expect: {call: SetChargingProfile, within: 30s}',
  firmware: 'firmware: {download: fail}',
  limit: 'limit: {source: EMS, watts: 7000}',
  renegotiate: 'renegotiate: {energyKWh: 20, departure: 2h}',
  network: 'network: {fail: next}',
};

let authorizationStatus: string[] | undefined;

/**
 * What a CSMS may answer about a token in any version (version-check.ts narrows it to the charge
 * point's); read from the schemas when a scenario first needs it, not when a command starts.
 */
function authorizationStatuses(): string[] {
  return (authorizationStatus ??= [...new Set(SCENARIO_VERSIONS.flatMap(tokenStatuses))]);
}
/** The longest token any version allows; version-check.ts checks the charge point's own limit. */
const MAX_TOKEN_LENGTH = Math.max(...SCENARIO_VERSIONS.map((v) => v.tokenMaxLength));
/** Who may set an external limit (OCPP 2.0.1 ChargingLimitSourceEnumType without CSO, the CSMS's own). */
const LIMIT_SOURCES = ['EMS', 'SO', 'Other'];
const ERROR_CODES = [
  'ConnectorLockFailure',
  'EVCommunicationError',
  'GroundFailure',
  'HighTemperature',
  'InternalError',
  'LocalListConflict',
  'OtherError',
  'OverCurrentFailure',
  'PowerMeterFailure',
  'PowerSwitchFailure',
  'ReaderFailure',
  'ResetFailure',
  'UnderVoltage',
  'OverVoltage',
  'WeakSignal',
];
/** Actions of any version; which of them a charge point's version has is version-check.ts's job. */
const CP_ACTIONS: readonly string[] = [...new Set(SCENARIO_VERSIONS.flatMap((v) => v.cpActions))].sort();
const CSMS_ACTIONS: readonly string[] = [...new Set(SCENARIO_VERSIONS.flatMap((v) => v.csmsActions))].sort();
/** CALLERROR codes a `respond` may answer with (our spelling; sent in the peer's version's spelling). */
const ERROR_CODE_NAMES: readonly string[] = Object.keys(ERROR_DESCRIPTIONS);
const DISTRIBUTIONS = ['uniform', 'normal', 'exponential', 'lognormal'];
const BUILTIN_VARS = ['n', 'id', 'connector'];
const DURATION_RE = /^(\d+(\.\d+)?(ms|s|m|h|d))+$/;
const DURATION_HELP = 'use e.g. 500ms, 30s, 5m, 1h30m';
/** Ops that make a connector wait (for time or an answer): a repeat without one would spin. */
const BLOCKING = new Set([Op.Wait, Op.Charge, Op.Disconnect, Op.Authorize, Op.Send, Op.ExpectCall]);

interface RawScenario {
  description?: unknown;
  ocpp?: unknown;
  connectors?: unknown;
  vars?: unknown;
  steps?: unknown;
}

function compile(yaml: YamlFile, name: string, issues: ConfigIssue[]): ScenarioProgram | undefined {
  const before = issues.length;
  if (!isMap(yaml.value)) {
    issues.push(yaml.issue([], 'a scenario is a map with description and steps'));
    return undefined;
  }
  addIssues(issues, checkSchema(yaml, schema()));
  const raw = yaml.value as RawScenario;
  const c = new Compiler(yaml, issues);
  const ocpp = c.versions(raw.ocpp);
  const connectors = c.connectors(raw.connectors);
  const vars = c.vars(raw.vars);
  if (raw.steps !== undefined) c.stepList(raw.steps, ['steps']);
  if (issues.length > before) {
    // In file order, whichever check found them.
    const sorted = issues.slice(before).sort((a, b) => a.line - b.line || a.col - b.col);
    issues.length = before;
    addIssues(issues, sorted);
    return undefined;
  }
  const program: ScenarioProgram = {
    name,
    file: yaml.file,
    description: String(raw.description),
    connectors,
    vars,
    instrs: c.instrs,
    registers: c.registers,
    sites: c.sites,
  };
  if (ocpp) program.ocpp = ocpp;
  return program;
}

class Compiler {
  readonly instrs: Instr[] = [];
  readonly sites: VersionSite[] = [];
  registers = 0;
  varNames = new Set<string>();

  constructor(
    private readonly yaml: YamlFile,
    private readonly issues: ConfigIssue[],
  ) {}

  /** idTags from a file next to the scenario: one per line; blank lines and # comments skipped. */
  private idTagsFile(v: unknown, path: readonly PathItem[]): string[] | undefined {
    if (typeof v !== 'string' || v === '') return this.error(path, 'idTagsFile is a path, relative to this scenario');
    const file = resolve(dirname(this.yaml.file), v);
    let text: string;
    try {
      text = readBoundedText(file, MAX_ID_TAGS_FILE_BYTES);
    } catch (e) {
      return this.error(path, `cannot read ${v}: ${describeReadError(e)}`);
    }
    const tags = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    if (tags.length === 0) return this.error(path, `${v} has no idTags (one per line)`);
    const long = tags.find((t) => tokenValue(t).length > MAX_TOKEN_LENGTH);
    if (long) return this.error(path, `idTag '${long}' in ${v} is longer than ${MAX_TOKEN_LENGTH} characters (the longest token of any OCPP version)`);
    const problem = tags.map(tokenProblem).find((p) => p !== null);
    if (problem) return this.error(path, `idTag ${problem} (in ${v})`);
    return tags;
  }

  private error(path: readonly PathItem[], message: string, key = false): undefined {
    this.issues.push(this.yaml.issue(path, message, key));
    return undefined;
  }

  /** Records that the field at `path` of the next instruction depends on the OCPP version. */
  private site(kind: VersionSite['kind'], path: readonly PathItem[], key = false): void {
    const { line, col, field } = this.yaml.issue(path, '', key);
    this.sites.push({ kind, pc: kind === 'ocpp' ? -1 : this.instrs.length, field, line, col });
  }

  /** `ocpp: ["1.6"]`: the versions the scenario is written for (a YAML number 1.6 counts as "1.6"). */
  versions(v: unknown): string[] | undefined {
    if (v === undefined) return undefined;
    const list = Array.isArray(v) ? v : [v];
    const example = `e.g. ocpp: ["${VERSION_NAMES[0]}"], or leave it out for a scenario that suits every version`;
    if (list.length === 0) return this.error(['ocpp'], `ocpp lists the OCPP versions the scenario is written for, ${example}`);
    const out: string[] = [];
    list.forEach((x, i) => {
      const path = Array.isArray(v) ? ['ocpp', i] : ['ocpp'];
      const name = typeof x === 'number' || typeof x === 'string' ? String(x) : undefined;
      if (name === undefined || !VERSION_NAMES.includes(name)) this.error(path, `'${String(x)}' is not an OCPP version a scenario can be written for (${VERSION_NAMES.join(', ')}), ${example}`);
      else if (out.includes(name)) this.error(path, `OCPP ${name} is listed twice`);
      else out.push(name);
    });
    this.site('ocpp', ['ocpp']);
    return out;
  }

  connectors(v: unknown): 'all' | number[] {
    const path = ['connectors'];
    if (v === undefined || v === 'all') return 'all';
    if (!Array.isArray(v)) {
      this.error(path, `connectors is 'all' or a list of connector ids, e.g. [1]`);
      return 'all';
    }
    if (v.length === 0) this.error(path, 'the list of connectors is empty (leave connectors out for all of them)');
    const ids: number[] = [];
    v.forEach((id, i) => {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_CONNECTORS) {
        this.error([...path, i], `'${String(id)}' is not a connector id (1 to ${MAX_CONNECTORS}; 0 is the charge point itself)`);
      }
      else if (ids.includes(id)) this.error([...path, i], `connector ${id} is listed twice`);
      else ids.push(id);
    });
    return ids;
  }

  vars(v: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    if (v === undefined || v === null) return out;
    if (!isMap(v)) {
      this.error(['vars'], 'vars is a map of name: template, e.g. tag: "TAG${n:04}"');
      return out;
    }
    this.varNames = new Set(Object.keys(v));
    for (const [k, value] of Object.entries(v)) {
      const path = ['vars', k];
      if (BUILTIN_VARS.includes(k)) this.error(path, `'${k}' is built in (\${n}, \${id}, \${connector}); pick another name`, true);
      else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) this.error(path, `'${k}' is not a variable name (letters, digits and _, not starting with a digit)`, true);
      if (typeof value === 'number' || typeof value === 'boolean') out[k] = String(value);
      else if (typeof value === 'string') out[k] = this.template(value, path, true) ?? value;
      else this.error(path, 'a variable is a string template, e.g. "TAG${n:04}"');
    }
    return out;
  }

  /** Checks the ${…} references of a template: builtins, and in steps the scenario's vars. */
  template(text: string, path: readonly PathItem[], inVars = false): string | undefined {
    const known = inVars ? BUILTIN_VARS : [...BUILTIN_VARS, ...this.varNames];
    let ok = true;
    for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
      const ref = m[1];
      const width = /^n:0?(\d+)$/.exec(ref);
      if (width && Number(width[1]) > MAX_TEMPLATE_WIDTH) {
        ok = false;
        this.error(path, `'\${${ref}}' pads to more than ${MAX_TEMPLATE_WIDTH} digits`);
        continue;
      }
      if (/^n(:\d+)?$/.test(ref) || known.includes(ref)) continue;
      ok = false;
      if (/^(id|connector):/.test(ref)) this.error(path, `'\${${ref}}': only \${n} takes a width (\${n:04})`);
      else if (inVars && this.varNames.has(ref)) this.error(path, `'\${${ref}}': a variable cannot use another one (only \${n}, \${n:04}, \${id} and \${connector})`);
      else {
        const hint = nearest(ref, known);
        this.error(path, `unknown variable '\${${ref}}'${hint ? ` (did you mean '\${${hint}}'?)` : ''}`);
      }
    }
    return ok ? text : undefined;
  }

  stepList(v: unknown, path: readonly PathItem[]): void {
    if (!Array.isArray(v)) {
      this.error(path, 'steps is a list: one `- step` per line');
      return;
    }
    if (v.length === 0) {
      this.error(path, 'steps must not be empty');
      return;
    }
    v.forEach((step, i) => this.step(step, [...path, i]));
  }

  step(v: unknown, path: readonly PathItem[]): void {
    if (typeof v === 'string') {
      if ((BARE_STEPS as readonly string[]).includes(v)) {
        this.stepBody(v as StepName, null, path, this.yaml.position(path));
        return;
      }
      if ((STEPS as readonly string[]).includes(v)) {
        this.error(path, `'${v}' needs a value, e.g. \`${EXAMPLES[v as StepName]}\``);
        return;
      }
      const hint = nearest(v, STEPS);
      this.error(path, `unknown step '${v}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
      return;
    }
    if (!isMap(v) || Object.keys(v).length === 0) {
      this.error(path, 'a step is a name (`- plug`) or a map with one key (`- wait: 30s`)');
      return;
    }
    const keys = Object.keys(v);
    const name = keys.find((k) => (STEPS as readonly string[]).includes(k)) as StepName | undefined;
    let misindented = false;
    for (const k of keys) {
      if (k === name) continue;
      if (name && STEP_KEYS[name].includes(k)) {
        this.error([...path, k], `'${k}' belongs to '${name}': indent it under ${name}`, true);
        misindented = true;
      } else if ((STEPS as readonly string[]).includes(k)) {
        this.error([...path, k], `one step per list item: start '${k}' on its own line with '- '`, true);
      } else {
        const hint = nearest(k, STEPS);
        this.error([...path, k], `unknown step '${k}'${hint ? ` (did you mean '${hint}'?)` : ''}`, true);
      }
    }
    if (name && !misindented) this.stepBody(name, v[name], [...path, name], this.yaml.position([...path, name], true));
  }

  /** One step's value at `path` (…, stepName), compiled at `pos` (the step's key). */
  private stepBody(name: StepName, v: unknown, path: readonly PathItem[], pos: { line: number; col: number }): void {
    const at = { line: pos.line, col: pos.col };
    switch (name) {
      case 'wait':
      case 'charge':
      case 'disconnect': {
        const duration = this.timed(v, path, name);
        if (!duration) return;
        const ins: Instr = { op: name === 'wait' ? Op.Wait : name === 'charge' ? Op.Charge : Op.Disconnect, ...at, duration };
        if (name === 'disconnect' && isMap(v) && v.wait !== undefined) {
          if (typeof v.wait !== 'boolean') return this.error([...path, 'wait'], 'wait is true (the default: the steps go on when the link is back) or false (they go on at once, offline)');
          if (!v.wait) ins.noWait = true;
        }
        this.instrs.push(ins);
        return;
      }
      case 'plug': {
        const o = this.options(v, path, name);
        if (!o) return;
        const ins: Instr = { op: Op.Plug, ...at };
        if (o.ev !== undefined) ins.ev = this.ev(o.ev, [...path, 'ev']);
        if (o.iso15118 !== undefined) {
          ins.iso15118 = this.iso15118(o.iso15118, [...path, 'iso15118']);
          this.site('tells', [...path, 'iso15118'], true);
        }
        // Plug & Charge (ISO 15118, OCPP 2.0.1 C07): the EV authorizes with its contract, an eMAID.
        if (o.contract !== undefined) {
          this.site('tells', [...path, 'contract'], true);
          const problem = typeof o.contract === 'string' ? tokenProblem(`eMAID:${o.contract}`) : 'contract is an eMAID string';
          if (problem) this.error([...path, 'contract'], `${problem} (contract: the EV's eMAID, e.g. NL-TNM-012204530-6)`);
          else ins.contract = o.contract as string;
        }
        if (o.installContract !== undefined) {
          if (typeof o.installContract !== 'boolean' || o.contract === undefined) this.error([...path, 'installContract'], 'installContract is true or false, with a contract');
          else ins.installContract = o.installContract;
        }
        // M02: the EV's contract certificate is about to expire: it asks for a new one (Update).
        if (o.updateContract !== undefined) {
          if (typeof o.updateContract !== 'boolean' || o.contract === undefined) this.error([...path, 'updateContract'], 'updateContract is true or false, with a contract');
          else if (o.updateContract && ins.installContract) this.error([...path, 'updateContract'], 'use one of installContract and updateContract');
          else ins.updateContract = o.updateContract;
        }
        // The answer to the contract: the token's status, or the certificate's when the CSMS refuses it (C07).
        if (o.expect !== undefined) {
          if (o.contract === undefined) this.error([...path, 'expect'], 'expect is the answer to a contract: give contract too');
          else {
            ins.expect = this.oneOf(o.expect, [...new Set(SCENARIO_VERSIONS.flatMap(contractStatuses))], [...path, 'expect']);
            this.site('status', [...path, 'expect']);
          }
        }
        this.instrs.push(ins);
        return;
      }
      case 'authorize':
      case 'start': {
        const o = this.options(v, path, name);
        if (!o) return;
        const ins: Instr = { op: name === 'authorize' ? Op.Authorize : Op.Start, ...at };
        const sources = ['idTag', 'idTags', 'idTagsFile'].filter((k) => o[k] !== undefined);
        if (sources.length > 1) this.error([...path, sources[1]], `use one of idTag, idTags, idTagsFile, not ${sources.join(' and ')}`, true);
        if (o.idTagsFile !== undefined) ins.idTags = this.idTagsFile(o.idTagsFile, [...path, 'idTagsFile']);
        if (o.idTag !== undefined) {
          if (typeof o.idTag === 'string' || typeof o.idTag === 'number') ins.idTag = this.template(String(o.idTag), [...path, 'idTag']);
          else this.error([...path, 'idTag'], 'idTag is a string (a template such as "${tag}")');
        }
        if (o.idTags !== undefined) {
          if (!Array.isArray(o.idTags) || o.idTags.length === 0) this.error([...path, 'idTags'], 'idTags is a non-empty list of idTags to pick from');
          else {
            ins.idTags = o.idTags.map((t, i) => {
              if (typeof t !== 'string' && typeof t !== 'number') return this.error([...path, 'idTags', i], 'an idTag is a string') ?? '';
              return this.template(String(t), [...path, 'idTags', i]) ?? '';
            });
          }
        }
        if (o.expect !== undefined) {
          ins.expect = this.oneOf(o.expect, authorizationStatuses(), [...path, 'expect']);
          this.site('status', [...path, 'expect']);
        }
        if (sources.length > 0) this.site('token', [...path, sources[0]]);
        this.instrs.push(ins);
        return;
      }
      case 'stop': {
        const o = this.options(v, path, name);
        if (!o) return;
        this.instrs.push({ op: Op.Stop, ...at, reason: o.reason === undefined ? 'Local' : (this.oneOf(o.reason, STOP_CAUSES, [...path, 'reason']) as StopCause | undefined) });
        return;
      }
      case 'fault': {
        const o = this.options(v, path, name);
        if (!o) return;
        let errorCode = 'OtherError';
        if (o.errorCode === 'NoError') this.error([...path, 'errorCode'], "NoError is not a fault (use the 'recover' step to clear one)");
        else if (o.errorCode !== undefined) errorCode = this.oneOf(o.errorCode, ERROR_CODES, [...path, 'errorCode']) ?? errorCode;
        this.instrs.push({ op: Op.Fault, ...at, errorCode });
        return;
      }
      case 'unplug':
      case 'recover':
      case 'reboot':
        if (v !== null) this.error(path, `${name} takes no options: write \`- ${name}\``);
        else this.instrs.push({ op: name === 'unplug' ? Op.Unplug : name === 'recover' ? Op.Recover : Op.Reboot, ...at });
        return;
      case 'send':
        return this.send(v, path, at);
      case 'repeat':
        return this.repeat(v, path, at);
      case 'respond':
        return this.respond(v, path, at);
      case 'expect':
        return this.expectCall(v, path, at);
      case 'firmware':
        return this.firmware(v, path, at);
      case 'limit':
        return this.limit(v, path, at);
      case 'renegotiate': {
        // K17: the EV's new needs, in the words of a plug's `iso15118` (told with NotifyEVChargingNeeds).
        const needs = this.iso15118(v, path);
        this.site('tells', path, true);
        if (needs !== undefined) this.instrs.push({ op: Op.Renegotiate, ...at, iso15118: needs });
        return;
      }
      case 'network':
        return this.network(v, path, at);
    }
  }

  /**
   * `network: {fail: next}`: the charge point's next new connection settings — a security or network
   * profile the CSMS moves it to, a renewed client certificate — fail as if that CSMS were unreachable,
   * until it falls back to the ones that worked (A05, B10, A02.FR.28); `fail: none` disarms it.
   */
  private network(v: unknown, path: readonly PathItem[], at: { line: number; col: number }): void {
    if (!isMap(v) || v.fail === undefined) {
      this.error(path, `network is a map with fail: next or none, e.g. \`${EXAMPLES.network}\``);
      return;
    }
    this.knownKeys(v, STEP_KEYS.network, path);
    const mode = this.oneOf(v.fail, ['next', 'none'], [...path, 'fail']);
    if (mode !== undefined) this.instrs.push({ op: Op.Network, ...at, network: { failNext: mode === 'next' } });
  }

  /**
   * `limit: {source: EMS, watts: 7000, evse: 1}`: an external limit on the station (evse 0, the
   * default) or an EVSE from now on; `limit: clear` releases every one (OCPP 2.0.1 K12/K13).
   */
  private limit(v: unknown, path: readonly PathItem[], at: { line: number; col: number }): void {
    this.site('tells', path, true);
    if (v === 'clear') {
      this.instrs.push({ op: Op.Limit, ...at, limit: { source: '', watts: null, evse: -1 } });
      return;
    }
    if (!isMap(v)) {
      this.error(path, `limit is a map of source, watts and evse, or clear, e.g. \`${EXAMPLES.limit}\``);
      return;
    }
    this.knownKeys(v, STEP_KEYS.limit, path);
    const source = v.source === undefined ? 'EMS' : this.oneOf(v.source, LIMIT_SOURCES, [...path, 'source']);
    let watts: number | undefined;
    if (v.watts === undefined) this.error(path, "missing required key 'watts'");
    else if (typeof v.watts === 'number' && v.watts >= 0 && v.watts <= MAX_POWER_W) watts = v.watts;
    else this.error([...path, 'watts'], `watts is a number from 0 to ${MAX_POWER_W.toLocaleString('en-US')}, not '${String(v.watts)}'`);
    let evse = 0;
    if (v.evse !== undefined) {
      if (typeof v.evse === 'number' && Number.isInteger(v.evse) && v.evse >= 0 && v.evse <= MAX_CONNECTORS) evse = v.evse;
      else this.error([...path, 'evse'], `evse is 0 (the station) or an EVSE's id, not '${String(v.evse)}'`);
    }
    if (source !== undefined && watts !== undefined) this.instrs.push({ op: Op.Limit, ...at, limit: { source, watts, evse } });
  }

  /** `iso15118: {energyKWh: 30, departure: 4h}`: the EV's charging needs over ISO 15118 (OCPP 2.0.1 K15). */
  private iso15118(v: unknown, path: readonly PathItem[]): Instr['iso15118'] {
    if (!isMap(v)) return this.error(path, 'iso15118 is a map: energyKWh, departure');
    this.knownKeys(v, ['energyKWh', 'departure'], path);
    const kwh = v.energyKWh;
    if (typeof kwh !== 'number' || !(kwh > 0) || kwh > MAX_BATTERY_KWH) {
      return this.error([...path, 'energyKWh'], `energyKWh is a number above 0 and at most ${MAX_BATTERY_KWH.toLocaleString('en-US')}, not '${String(kwh)}'`);
    }
    const out: NonNullable<Instr['iso15118']> = { energyWh: kwh * 1000 };
    if (v.departure !== undefined) {
      const ms = this.fixed(v.departure, [...path, 'departure']);
      if (ms !== undefined) out.departureMs = ms;
    }
    return out;
  }

  /**
   * `firmware: {download: fail|pause|ok, signature: fail|ok, install: fail|ok, verify: fail|ok, upload: fail|ok, certificate: revoked|ok}`:
   * failure modes from now on — a download, a signed image's signature (InvalidSignature), the install,
   * the installed image's verification (InstallVerificationFailed), a log upload; a download paused
   * (DownloadPaused until `ok`); the signing certificate revoked (RevokedCertificate).
   */
  private firmware(v: unknown, path: readonly PathItem[], at: { line: number; col: number }): void {
    if (!isMap(v) || Object.keys(v).length === 0) {
      this.error(path, `firmware is a map of download (fail, pause or ok), signature, install, verify, upload (fail or ok), certificate (revoked or ok), e.g. \`${EXAMPLES.firmware}\``);
      return;
    }
    this.knownKeys(v, STEP_KEYS.firmware, path);
    const firmware: NonNullable<Instr['firmware']> = {};
    const fields = [['signature', 'signatureFails'], ['install', 'installFails'], ['verify', 'installVerificationFails'], ['upload', 'uploadFails']] as const;
    for (const [key, field] of fields) {
      if (v[key] === undefined) continue;
      const mode = this.oneOf(v[key], ['fail', 'ok'], [...path, key]);
      if (mode !== undefined) firmware[field] = mode === 'fail';
    }
    // A download fails, pauses (DownloadPaused until `ok`), or goes well again.
    if (v.download !== undefined) {
      const mode = this.oneOf(v.download, ['fail', 'pause', 'ok'], [...path, 'download']);
      if (mode !== undefined) Object.assign(firmware, { downloadFails: mode === 'fail', downloadPaused: mode === 'pause' });
    }
    // The signing certificate UpdateFirmware brings is revoked: RevokedCertificate.
    if (v.certificate !== undefined) {
      const mode = this.oneOf(v.certificate, ['revoked', 'ok'], [...path, 'certificate']);
      if (mode !== undefined) firmware.signingCertificateRevoked = mode === 'revoked';
    }
    this.instrs.push({ op: Op.Firmware, ...at, firmware });
  }

  /**
   * A CSMS-initiated action name (of any version) at `path`, with a suggestion when it is not one;
   * which name the charge point's version uses is version-check.ts's to say.
   */
  private csmsAction(v: unknown, path: readonly PathItem[]): string | undefined {
    if (typeof v === 'string' && CSMS_ACTIONS.includes(v)) {
      this.site('call', path);
      return v;
    }
    if (typeof v === 'string' && CP_ACTIONS.includes(v)) return this.error(path, `${v} is sent by a charge point, not by the CSMS`);
    const hint = typeof v === 'string' ? nearest(v, CSMS_ACTIONS) : undefined;
    return this.error(path, `unknown CSMS action '${String(v)}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
  }

  private respond(v: unknown, path: readonly PathItem[], at: { line: number; col: number }): void {
    if (!isMap(v)) {
      this.error(path, `respond is a map, e.g. \`${EXAMPLES.respond}\``);
      return;
    }
    this.knownKeys(v, STEP_KEYS.respond, path);
    const action = v.action === undefined ? this.error(path, "missing required key 'action'") : this.csmsAction(v.action, [...path, 'action']);
    const modes = (['with', 'error', 'timeout', 'default'] as const).filter((m) => v[m] !== undefined);
    if (modes.length !== 1) {
      this.error(path, 'respond takes exactly one of with (a payload), error (a CALLERROR code), timeout: true, default: true');
      return;
    }
    const mode = modes[0];
    const rule: ResponseRule = { mode };
    if (mode === 'with') {
      if (!isMap(v.with)) this.error([...path, 'with'], 'with is the response payload, a map');
      else {
        this.payloadTemplates(v.with, [...path, 'with']);
        rule.payload = v.with;
        this.site('payload', [...path, 'with']);
      }
    } else if (mode === 'error') {
      rule.errorCode = this.oneOf(v.error, ERROR_CODE_NAMES, [...path, 'error']);
    } else if (v[mode] !== true) {
      this.error([...path, mode], `${mode} is true (or leave it out)`);
    }
    if (v.delay !== undefined) {
      if (mode === 'timeout') this.error([...path, 'delay'], 'a timeout has no delay');
      else rule.delayMs = this.fixed(v.delay, [...path, 'delay']);
    }
    if (action) this.instrs.push({ op: Op.Respond, ...at, action, rule });
  }

  private expectCall(v: unknown, path: readonly PathItem[], at: { line: number; col: number }): void {
    if (!isMap(v)) {
      this.error(path, `expect is a map, e.g. \`${EXAMPLES.expect}\``);
      return;
    }
    this.knownKeys(v, STEP_KEYS.expect, path);
    const action = v.call === undefined ? this.error(path, "missing required key 'call'") : this.csmsAction(v.call, [...path, 'call']);
    const ms = v.within === undefined ? this.error(path, "missing required key 'within' (e.g. 30s)") : this.fixed(v.within, [...path, 'within']);
    if (action && ms !== undefined) this.instrs.push({ op: Op.ExpectCall, ...at, action, duration: { kind: 'fixed', ms } });
  }

  /** A step's options map (null = none); unknown keys are reported. */
  private options(v: unknown, path: readonly PathItem[], name: StepName): Record<string, unknown> | undefined {
    if (v === null || v === undefined) return {};
    if (!isMap(v)) return this.error(path, `${name} takes a map of options (${STEP_KEYS[name].join(', ')}), or none`);
    this.knownKeys(v, STEP_KEYS[name], path); // reported; the known options are still checked
    return v;
  }

  /** Reports keys of `v` not in `allowed`, with a suggestion; true when there were none. */
  private knownKeys(v: Record<string, unknown>, allowed: readonly string[], path: readonly PathItem[]): boolean {
    let ok = true;
    for (const k of Object.keys(v)) {
      if (allowed.includes(k)) continue;
      const hint = nearest(k, allowed);
      this.error([...path, k], `unknown key '${k}'${hint ? ` (did you mean '${hint}'?)` : allowed.length > 0 ? ` (expected ${allowed.join(', ')})` : ''}`, true);
      ok = false;
    }
    return ok;
  }

  private oneOf(v: unknown, allowed: readonly string[], path: readonly PathItem[]): string | undefined {
    if (typeof v === 'string' && allowed.includes(v)) return v;
    const hint = typeof v === 'string' ? nearest(v, allowed) : undefined;
    const list = allowed.length <= 16 ? allowed.join(', ') : `the ${allowed.length} allowed values`;
    return this.error(path, `'${String(v)}' is not one of ${list}${hint ? ` (did you mean '${hint}'?)` : ''}`);
  }

  private ev(v: unknown, path: readonly PathItem[]): Instr['ev'] {
    if (!isMap(v)) return this.error(path, 'ev is a map: batteryKWh, soc, maxPowerKW');
    this.knownKeys(v, ['batteryKWh', 'soc', 'maxPowerKW'], path);
    const ev: NonNullable<Instr['ev']> = {};
    const positive = (key: string, max: number) => {
      const x = v[key];
      if (x === undefined) return undefined;
      if (typeof x === 'number' && x > 0 && x <= max) return x;
      return this.error([...path, key], `${key} is a number above 0 and at most ${max.toLocaleString('en-US')}, not '${String(x)}'`);
    };
    const kwh = positive('batteryKWh', MAX_BATTERY_KWH);
    if (kwh !== undefined) ev.batteryWh = kwh * 1000;
    const kw = positive('maxPowerKW', MAX_POWER_W / 1000);
    if (kw !== undefined) ev.maxPowerW = kw * 1000;
    if (v.soc !== undefined) {
      const soc = fraction(v.soc);
      if (soc === undefined) this.error([...path, 'soc'], `'${String(v.soc)}' is not a state of charge: use a percentage (20%) or a fraction (0.2)`);
      else ev.soc = soc;
    }
    return ev;
  }

  private send(v: unknown, path: readonly PathItem[], at: { line: number; col: number }): void {
    if (!isMap(v)) {
      this.error(path, 'send is a map: action, payload, expect');
      return;
    }
    this.knownKeys(v, STEP_KEYS.send, path);
    const ins: Instr = { op: Op.Send, ...at };
    if (v.action === undefined) this.error(path, "missing required key 'action'");
    else if (typeof v.action !== 'string') this.error([...path, 'action'], 'action is an OCPP action name, e.g. DataTransfer');
    else if (CP_ACTIONS.includes(v.action)) {
      ins.action = v.action;
      this.site('send', [...path, 'action']);
    } else if (CSMS_ACTIONS.includes(v.action)) this.error([...path, 'action'], `${v.action} is sent by the CSMS, not by a charge point`);
    else {
      const hint = nearest(v.action, CP_ACTIONS);
      this.error([...path, 'action'], `unknown action '${v.action}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
    if (v.payload !== undefined && v.payload !== null) {
      if (!isMap(v.payload)) this.error([...path, 'payload'], 'payload is a map (the request as JSON)');
      else {
        this.payloadTemplates(v.payload, [...path, 'payload']);
        ins.payload = v.payload;
        this.site('payload', [...path, 'payload']);
      }
    }
    if (v.expect !== undefined) {
      const statuses = ins.action ? anyAnswerStatuses(ins.action) : undefined;
      const allowed = statuses && [...statuses, ...FAILURES];
      if (typeof v.expect !== 'string') this.error([...path, 'expect'], 'expect is a status, e.g. Accepted');
      else if (!allowed || allowed.includes(v.expect)) {
        ins.expect = v.expect;
        this.site('status', [...path, 'expect']);
      } else {
        const hint = nearest(v.expect, allowed);
        this.error([...path, 'expect'], `'${v.expect}' is not a status ${ins.action} can get (${statuses!.join(', ')}, a CALLERROR code, or Failed)${hint ? ` (did you mean '${hint}'?)` : ''}`);
      }
    }
    this.instrs.push(ins);
  }

  private payloadTemplates(v: unknown, path: readonly PathItem[]): void {
    if (typeof v === 'string') this.template(v, path);
    else if (Array.isArray(v)) v.forEach((x, i) => this.payloadTemplates(x, [...path, i]));
    else if (isMap(v)) for (const [k, x] of Object.entries(v)) this.payloadTemplates(x, [...path, k]);
  }

  private repeat(v: unknown, path: readonly PathItem[], at: { line: number; col: number }): void {
    if (!isMap(v)) {
      this.error(path, 'repeat is a map: one of times, for, forever; and steps');
      return;
    }
    this.knownKeys(v, STEP_KEYS.repeat, path);
    const loop: Instr = { op: Op.Loop, ...at, register: this.registers++ };
    const how = ['times', 'for', 'forever'].filter((k) => v[k] !== undefined);
    if (how.length === 0) this.error(path, 'repeat needs one of times, for or forever');
    for (const k of how.slice(1)) this.error([...path, k], `repeat takes one of times, for or forever, not both ${how[0]} and ${k}`, true);
    if (v.times !== undefined) {
      if (typeof v.times === 'number' && Number.isInteger(v.times) && v.times >= 0 && v.times <= MAX_REPEAT_TIMES) loop.times = v.times;
      else this.error([...path, 'times'], `times is a whole number from 0 to ${MAX_REPEAT_TIMES.toLocaleString('en-US')}, not '${String(v.times)}'`);
    }
    if (isMap(v.for)) this.error([...path, 'for'], 'for takes a fixed duration here, e.g. 8h (not a distribution)');
    else if (v.for !== undefined) {
      const ms = this.fixed(v.for, [...path, 'for']);
      if (ms !== undefined) loop.forMs = ms;
    }
    if (v.forever !== undefined && v.forever !== true) this.error([...path, 'forever'], 'forever is true (or leave it out and use times or for)');
    const start = this.instrs.length;
    this.instrs.push(loop);
    if (v.steps === undefined) this.error(path, "missing required key 'steps'");
    else this.stepList(v.steps, [...path, 'steps']);
    const end = this.instrs.length;
    this.instrs.push({ op: Op.EndLoop, ...at, start });
    loop.end = end;
    // Endless or timed loops must wait somewhere, or a connector would run them in a tight loop.
    if (loop.times === undefined && how.length === 1 && !this.instrs.slice(start + 1, end).some((i) => (BLOCKING.has(i.op) && !i.noWait) || (i.op === Op.Start && i.expect !== undefined))) {
      this.error([...path, how[0]], 'this repeat never waits: add a wait, charge, disconnect, authorize or send step to it', true);
    }
  }

  /** wait/charge/disconnect: a duration or distribution, or {for: …}. */
  private timed(v: unknown, path: readonly PathItem[], name: StepName): Duration | undefined {
    if (v === null || v === undefined) return this.error(path, `${name} needs a duration, e.g. \`${EXAMPLES[name]}\``);
    if (isMap(v) && 'for' in v) {
      if (!this.knownKeys(v, STEP_KEYS[name], path)) return undefined;
      return this.duration(v.for, [...path, 'for']);
    }
    return this.duration(v, path, true);
  }

  /** A fixed duration string, or a distribution map. */
  private duration(v: unknown, path: readonly PathItem[], forAllowed = false): Duration | undefined {
    if (!isMap(v)) {
      const ms = this.fixed(v, path);
      return ms === undefined ? undefined : { kind: 'fixed', ms };
    }
    const keys = Object.keys(v);
    const allowed = forAllowed ? [...DISTRIBUTIONS, 'for'] : DISTRIBUTIONS;
    if (!this.knownKeys(v, allowed, path)) return undefined;
    if (keys.length !== 1) return this.error(path, `a distribution has one key, one of ${DISTRIBUTIONS.join(', ')}; found ${keys.join(', ')}`);
    const kind = keys[0];
    const p = [...path, kind];
    const body = v[kind];
    switch (kind) {
      case 'uniform': {
        if (!Array.isArray(body) || body.length !== 2) return this.error(p, 'uniform is [min, max], e.g. [5s, 60s]');
        const min = this.fixed(body[0], [...p, 0]);
        const max = this.fixed(body[1], [...p, 1]);
        if (min === undefined || max === undefined) return undefined;
        if (max < min) return this.error(p, `uniform is [min, max]: ${String(body[0])} is more than ${String(body[1])}`);
        return { kind: 'uniform', min, max };
      }
      case 'normal': {
        const o = this.params(body, p, ['mean', 'sd'], 'normal: {mean: 30s, sd: 5s}');
        if (!o) return undefined;
        const mean = this.fixed(o.mean, [...p, 'mean']);
        const sd = this.fixed(o.sd, [...p, 'sd']);
        return mean === undefined || sd === undefined ? undefined : { kind: 'normal', mean, sd };
      }
      case 'exponential': {
        const o = this.params(body, p, ['mean'], 'exponential: {mean: 10m}');
        if (!o) return undefined;
        const mean = this.fixed(o.mean, [...p, 'mean']);
        if (mean === 0) return this.error([...p, 'mean'], 'the mean must be above 0');
        return mean === undefined ? undefined : { kind: 'exponential', mean };
      }
      case 'lognormal': {
        const o = this.params(body, p, ['median', 'sigma'], 'lognormal: {median: 30m, sigma: 0.5}');
        if (!o) return undefined;
        const median = this.fixed(o.median, [...p, 'median']);
        if (median === 0) return this.error([...p, 'median'], 'the median must be above 0');
        if (typeof o.sigma !== 'number' || !(o.sigma >= 0 && o.sigma <= MAX_SIGMA)) return this.error([...p, 'sigma'], `sigma is a number from 0 to ${MAX_SIGMA} (e.g. 0.5), not '${String(o.sigma)}'`);
        return median === undefined ? undefined : { kind: 'lognormal', median, sigma: o.sigma };
      }
      default: // 'for' next to a distribution key: reported by the key count above
        return undefined;
    }
  }

  /** A distribution's parameter map: exactly the `required` keys. */
  private params(v: unknown, path: readonly PathItem[], required: readonly string[], example: string): Record<string, unknown> | undefined {
    if (!isMap(v)) return this.error(path, `use ${example}`);
    let ok = this.knownKeys(v, required, path);
    for (const k of required) {
      if (v[k] === undefined) {
        this.error(path, `missing required key '${k}' (${example})`);
        ok = false;
      }
    }
    return ok ? v : undefined;
  }

  /** A duration string (30s, 1h30m) in ms. */
  private fixed(v: unknown, path: readonly PathItem[]): number | undefined {
    if (typeof v === 'number') return this.error(path, `'${v}' has no unit: write e.g. ${v}s`);
    if (typeof v !== 'string' || !DURATION_RE.test(v)) {
      const shown = typeof v === 'string' ? v : isMap(v) || Array.isArray(v) ? JSON.stringify(v) : String(v);
      return this.error(path, `'${shown}' is not a duration: ${DURATION_HELP}`);
    }
    try {
      return parseDuration(v);
    } catch (e) {
      return this.error(path, (e as Error).message); // beyond MAX_DURATION_MS
    }
  }
}

/** The statuses a `send` of `action` can get answered in any version that has it (version-check.ts narrows them). */
function anyAnswerStatuses(action: string): string[] {
  return [...new Set(versionsWith(action, 'cp').flatMap((v) => answerStatuses(v, action) ?? []))];
}

/** 20% → 0.2; a number 0…1 as is. */
function fraction(v: unknown): number | undefined {
  if (typeof v === 'number') return v >= 0 && v <= 1 ? v : undefined;
  const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v) : null;
  if (!m) return undefined;
  const x = Number(m[1]) / 100;
  return x <= 1 ? x : undefined;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
