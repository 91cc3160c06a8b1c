/**
 * Scenario YAML → compiled program (src/scenario/parse.ts): every step form, nested repeats, the
 * built-in library, positioned errors with suggestions, and duration sampling.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/config/errors.js';
import { Op, type Duration, type Instr } from '../../src/scenario/program.js';
import {
  builtinScenarios,
  checkScenarioFile,
  compileScenarioText,
  loadScenario,
  resolveScenarioRef,
  sampleDuration,
  SCENARIOS_DIR,
} from '../../src/scenario/parse.js';
import { programForVersion } from '../../src/scenario/version-check.js';
import { decide } from '../../src/util/random.js';

const FIXTURES = resolve('test/fixtures/scenarios');
const fixture = (name: string) => join(FIXTURES, name);
const show = (issues: ConfigIssue[]) => issues.map((i) => `${i.line}:${i.col} ${i.field}: ${i.message}`);

/** The issues of compiling `text`, as `line:col field: message`. */
function errorsOf(text: string): string[] {
  try {
    compileScenarioText('inline.yaml', text);
  } catch (e) {
    if (e instanceof ConfigError) return show(e.issues);
    throw e;
  }
  return [];
}

const at = (line: number, col = 5) => ({ line, col });

describe('compiling steps', () => {
  it('compiles every step form into its instruction', () => {
    const p = loadScenario(fixture('valid-all-steps.yaml'));
    expect(p.description).toBe('Every step form');
    expect(p.connectors).toEqual([1, 2]);
    expect(p.vars).toEqual({ tag: 'TAG${n:04}-${connector}', other: 'X${id}' });
    expect(p.file).toBe(fixture('valid-all-steps.yaml'));
    expect(p.name).toBe('test/fixtures/scenarios/valid-all-steps.yaml');
    expect(p.registers).toBe(0);
    const fixed = (ms: number): Duration => ({ kind: 'fixed', ms });
    const expected: Instr[] = [
      { op: Op.Wait, ...at(8), duration: fixed(30_000) },
      { op: Op.Wait, ...at(9), duration: { kind: 'uniform', min: 5_000, max: 60_000 } },
      { op: Op.Wait, ...at(10), duration: { kind: 'normal', mean: 30_000, sd: 5_000 } },
      { op: Op.Wait, ...at(11), duration: { kind: 'exponential', mean: 600_000 } },
      { op: Op.Wait, ...at(12), duration: { kind: 'lognormal', median: 1_800_000, sigma: 0.5 } },
      { op: Op.Wait, ...at(13), duration: fixed(5_400_000) },
      { op: Op.Plug, ...at(14) },
      { op: Op.Plug, ...at(15), ev: { batteryWh: 60_000, soc: 0.2, maxPowerW: 11_000 } },
      { op: Op.Plug, ...at(16), ev: { soc: 0.35 } },
      { op: Op.Authorize, ...at(17) },
      { op: Op.Authorize, ...at(18), idTag: '${tag}', expect: 'Accepted' },
      { op: Op.Authorize, ...at(19), idTags: ['A', 'B${n}'], expect: 'Blocked' },
      { op: Op.Start, ...at(20) },
      { op: Op.Start, ...at(21), idTag: '${other}', expect: 'ConcurrentTx' },
      { op: Op.Charge, ...at(22), duration: fixed(1_800_000) },
      { op: Op.Charge, ...at(23), duration: { kind: 'uniform', min: 1_200_000, max: 2_400_000 } },
      { op: Op.Stop, ...at(24), reason: 'Local' },
      { op: Op.Stop, ...at(25), reason: 'EVDisconnected' },
      { op: Op.Unplug, ...at(26) },
      { op: Op.Fault, ...at(27), errorCode: 'OtherError' },
      { op: Op.Fault, ...at(28), errorCode: 'GroundFailure' },
      { op: Op.Recover, ...at(29) },
      { op: Op.Disconnect, ...at(30), duration: fixed(30_000) },
      { op: Op.Disconnect, ...at(31), duration: fixed(120_000) },
      { op: Op.Reboot, ...at(32) },
      { op: Op.Send, ...at(33), action: 'Heartbeat' },
      {
        op: Op.Send,
        ...at(34),
        action: 'DataTransfer',
        payload: { vendorId: 'acme', data: 'hello ${tag} from ${id}', nested: [{ x: '${connector}' }] },
        expect: 'UnknownVendorId',
      },
      { op: Op.Send, ...at(38), action: 'StatusNotification', payload: { connectorId: 9 }, expect: 'PropertyConstraintViolation' },
    ];
    expect(p.instrs).toEqual(expected);
  });

  it('flattens nested repeats into Loop/EndLoop with distinct registers and matching indices', () => {
    const p = loadScenario(fixture('valid-nested-repeat.yaml'));
    expect(p.connectors).toBe('all');
    expect(p.vars).toEqual({});
    expect(p.registers).toBe(4);
    expect(p.instrs).toEqual([
      { op: Op.Wait, ...at(3), duration: { kind: 'fixed', ms: 1000 } },
      { op: Op.Loop, ...at(4), register: 0, end: 10 },
      { op: Op.Loop, ...at(7, 11), register: 1, times: 3, end: 8 },
      { op: Op.Plug, ...at(10, 17) },
      { op: Op.Loop, ...at(11, 17), register: 2, forMs: 3_600_000, end: 6 },
      { op: Op.Charge, ...at(14, 23), duration: { kind: 'fixed', ms: 300_000 } },
      { op: Op.EndLoop, ...at(11, 17), start: 4 },
      { op: Op.Unplug, ...at(15, 17) },
      { op: Op.EndLoop, ...at(7, 11), start: 2 },
      { op: Op.Wait, ...at(16, 11), duration: { kind: 'fixed', ms: 54_000_000 } },
      { op: Op.EndLoop, ...at(4), start: 1 },
      { op: Op.Loop, ...at(17), register: 3, times: 0, end: 13 },
      { op: Op.Reboot, ...at(17, 32) },
      { op: Op.EndLoop, ...at(17), start: 11 },
    ]);
    // Structural invariants, whatever the layout.
    const loops = p.instrs.flatMap((ins, i) => (ins.op === Op.Loop ? [i] : []));
    expect(new Set(loops.map((i) => p.instrs[i].register)).size).toBe(loops.length);
    for (const i of loops) {
      const end = p.instrs[i].end!;
      expect(p.instrs[end].op).toBe(Op.EndLoop);
      expect(p.instrs[end].start).toBe(i);
    }
  });

  it('accepts null options (`- stop:`) like a bare step, and defaults connectors to all', () => {
    const p = compileScenarioText('inline.yaml', 'description: d\nsteps:\n  - stop:\n  - fault:\n  - plug:\n');
    expect(p.connectors).toBe('all');
    expect(p.instrs).toEqual([
      { op: Op.Stop, ...at(3), reason: 'Local' },
      { op: Op.Fault, ...at(4), errorCode: 'OtherError' },
      { op: Op.Plug, ...at(5) },
    ]);
  });

  it('places each instruction at its step key (the position failure messages show)', () => {
    const p = compileScenarioText('inline.yaml', 'description: blocked tags\nsteps:\n  - authorize: {idTag: BLOCKED-1, expect: Blocked}\n  - authorize: {idTag: BLOCKED-2, expect: Accepted}\n');
    expect(p.instrs.map((i) => [i.line, i.col])).toEqual([
      [3, 5],
      [4, 5],
    ]);
  });
});

describe('the built-in library', () => {
  const require = createRequire(import.meta.url);
  const Ajv = require('ajv') as typeof import('ajv').default;
  const schema = JSON.parse(readFileSync(join(SCENARIOS_DIR, 'scenario.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

  it.each(builtinScenarios().map((s) => [s.name]))('%s compiles and satisfies the editor schema', (name) => {
    const p = loadScenario(name);
    expect(p.name).toBe(name);
    expect(p.file).toBe(join(SCENARIOS_DIR, `${name}.yaml`));
    expect(p.description).not.toContain('\n');
    expect(p.instrs.length).toBeGreaterThan(0);
    expect(checkScenarioFile(p.file)).toEqual([]);
    expect(validate(parseYaml(readFileSync(p.file, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the editor schema accepts the valid fixtures and rejects invalid ones', () => {
    for (const f of ['valid-all-steps.yaml', 'valid-nested-repeat.yaml']) expect(validate(parseYaml(readFileSync(fixture(f), 'utf8'))), f).toBe(true);
    for (const f of ['invalid-unknown-step.yaml', 'invalid-step-key.yaml', 'invalid-bad-duration.yaml', 'invalid-bad-enum.yaml', 'invalid-unknown-action.yaml', 'invalid-empty-steps.yaml']) {
      expect(validate(parseYaml(readFileSync(fixture(f), 'utf8'))), f).toBe(false);
    }
  });

  it('resolves names and paths, and suggests the nearest built-in name', () => {
    expect(resolveScenarioRef('boot')).toBe(join(SCENARIOS_DIR, 'boot.yaml'));
    expect(resolveScenarioRef('x/y.yaml', '/tmp')).toBe('/tmp/x/y.yaml');
    expect(resolveScenarioRef('mine.yml', '/tmp')).toBe('/tmp/mine.yml');
    expect(resolveScenarioRef('/abs/s.yaml')).toBe('/abs/s.yaml');
    expect(() => resolveScenarioRef('charging-sesion')).toThrow("unknown scenario 'charging-sesion' (did you mean 'charging-session'?)");
    expect(() => loadScenario('charging-sesion')).toThrow(ConfigError);
  });

  it('reports a missing file and YAML syntax errors with a position', () => {
    expect(show(checkScenarioFile(fixture('no-such-file.yaml')))).toEqual(['1:1 : no such file']);
    expect(errorsOf('description: d\nsteps:\n  - wait: {uniform: [1s, 2s]\n')[0]).toMatch(/^\d+:\d+ : YAML: /);
  });
});

describe('errors', () => {
  const issuesOf = (f: string) => show(checkScenarioFile(fixture(f)));

  it('unknown steps, with the nearest step name, at the step or its key', () => {
    expect(issuesOf('invalid-unknown-step.yaml')).toEqual([
      "3:5 steps[0]: unknown step 'plugg' (did you mean 'plug'?)",
      "4:5 steps[1].authorise: unknown step 'authorise' (did you mean 'authorize'?)",
      "5:5 steps[2]: 'wait' needs a value, e.g. `wait: 30s`",
    ]);
  });

  it('unknown keys in a step, and an option indented at the step level', () => {
    expect(issuesOf('invalid-step-key.yaml')).toEqual([
      "3:17 steps[0].plug.ev.batteryKwh: unknown key 'batteryKwh' (did you mean 'batteryKWh'?)",
      "4:27 steps[1].authorize.expct: unknown key 'expct' (did you mean 'expect'?)",
      "5:12 steps[2].stop.reasn: unknown key 'reasn' (did you mean 'reason'?)",
      "7:5 steps[3].action: 'action' belongs to 'send': indent it under send",
    ]);
  });

  it('bad durations and distributions', () => {
    expect(issuesOf('invalid-bad-duration.yaml')).toEqual([
      "3:11 steps[0].wait: '30' has no unit: write e.g. 30s",
      "4:13 steps[1].charge: '3 minutes' is not a duration: use e.g. 500ms, 30s, 5m, 1h30m",
      '5:21 steps[2].wait.uniform: uniform is [min, max]: 1m is more than 5s',
      "6:12 steps[3].wait.gaussian: unknown key 'gaussian' (expected uniform, normal, exponential, lognormal, for)",
      "7:32 steps[4].disconnect.for.normal: missing required key 'sd' (normal: {mean: 30s, sd: 5s})",
      "8:44 steps[5].wait.lognormal.sigma: sigma is a number from 0 to 10 (e.g. 0.5), not '-1'",
    ]);
  });

  it('bad stop reasons, error codes, expected statuses and states of charge', () => {
    expect(issuesOf('invalid-bad-enum.yaml')).toEqual([
      "3:20 steps[0].stop.reason: 'local' is not one of the 22 allowed values (did you mean 'Local'?)",
      "4:24 steps[1].fault.errorCode: 'GroundFault' is not one of ConnectorLockFailure, EVCommunicationError, GroundFailure, HighTemperature, InternalError, LocalListConflict, OtherError, OverCurrentFailure, PowerMeterFailure, PowerSwitchFailure, ReaderFailure, ResetFailure, UnderVoltage, OverVoltage, WeakSignal (did you mean 'GroundFailure'?)",
      "5:24 steps[2].fault.errorCode: NoError is not a fault (use the 'recover' step to clear one)",
      "6:35 steps[3].authorize.expect: 'Acepted' is not one of Accepted, Blocked, Expired, Invalid, ConcurrentTx, NoCredit, NotAllowedTypeEVSE, NotAtThisLocation, NotAtThisTime, Unknown (did you mean 'Accepted'?)",
      "7:22 steps[4].plug.ev.soc: '120%' is not a state of charge: use a percentage (20%) or a fraction (0.2)",
    ]);
  });

  it('unknown and CSMS-only actions, and statuses the action cannot get', () => {
    expect(issuesOf('invalid-unknown-action.yaml')).toEqual([
      "3:20 steps[0].send.action: unknown action 'DataTransfr' (did you mean 'DataTransfer'?)",
      '4:20 steps[1].send.action: RemoteStartTransaction is sent by the CSMS, not by a charge point',
      "5:42 steps[2].send.expect: 'UnknownVendor' is not a status DataTransfer can get (Accepted, Rejected, UnknownMessageId, UnknownVendorId, a CALLERROR code, or Failed) (did you mean 'UnknownVendorId'?)",
    ]);
  });

  it('unknown variables in vars, idTags and payload strings', () => {
    expect(issuesOf('invalid-unknown-var.yaml')).toEqual([
      "4:8 vars.bad: '${tag}': a variable cannot use another one (only ${n}, ${n:04}, ${id} and ${connector})",
      "4:8 vars.bad: unknown variable '${conector}' (did you mean '${connector}'?)",
      "6:24 steps[0].authorize.idTag: unknown variable '${tga}' (did you mean '${tag}'?)",
      "7:25 steps[1].start.idTags[1]: unknown variable '${nope}'",
      "8:77 steps[2].send.payload.data[1]: unknown variable '${tagg}' (did you mean '${tag}'?)",
    ]);
  });

  it('repeats with two or none of times/for/forever, without a wait, or without steps; bad connector ids', () => {
    expect(issuesOf('invalid-repeat.yaml')).toEqual([
      "2:14 connectors[0]: '0' is not a connector id (1 to 64; 0 is the charge point itself)",
      '2:20 connectors[2]: connector 2 is listed twice',
      '6:7 steps[0].repeat.for: repeat takes one of times, for or forever, not both times and for',
      '9:7 steps[1].repeat: repeat needs one of times, for or forever',
      '11:7 steps[2].repeat.forever: this repeat never waits: add a wait, charge, disconnect, authorize or send step to it',
      '13:31 steps[3].repeat.steps: steps must not be empty',
    ]);
  });

  it('disconnect {wait: false} goes on at once and does not count as a wait in a repeat', () => {
    const p = compileScenarioText('inline.yaml', 'description: d\nsteps:\n  - disconnect: {for: 30s, wait: false}\n  - disconnect: {for: 30s, wait: true}\n');
    expect(p.instrs.map((i) => i.noWait)).toEqual([true, undefined]);
    expect(errorsOf('description: d\nsteps:\n  - repeat:\n      forever: true\n      steps:\n        - disconnect: {for: 1s, wait: false}\n')).toEqual([
      '4:7 steps[0].repeat.forever: this repeat never waits: add a wait, charge, disconnect, authorize or send step to it',
    ]);
    expect(errorsOf('description: d\nsteps:\n  - disconnect: {for: 30s, wiat: false}\n')).toEqual([
      "3:28 steps[0].disconnect.wiat: unknown key 'wiat' (did you mean 'wait'?)",
    ]);
  });

  it('empty steps and unknown top-level keys (from the schema), in file order', () => {
    expect(issuesOf('invalid-empty-steps.yaml')).toEqual(["2:1 step: unknown key 'step' (did you mean 'steps'?)", '3:8 steps: steps must not be empty']);
    expect(errorsOf('steps: [plug]\n')).toEqual(["1:1 : missing required key 'description'"]);
    expect(errorsOf('description: d\n')).toEqual(["1:1 : missing required key 'steps'"]);
  });

  it('loadScenario throws one ConfigError carrying every issue, formatted file:line:col: field: message', () => {
    const file = fixture('invalid-unknown-step.yaml');
    let error: unknown;
    try {
      loadScenario(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toHaveLength(3);
    expect((error as ConfigError).issues.every((i) => i.file === file)).toBe(true);
    expect((error as ConfigError).message.split('\n')[0]).toBe(`${file}:3:5: steps[0]: unknown step 'plugg' (did you mean 'plug'?)`);
  });

  it('more shapes: bare steps with options, options on option-less steps, two steps in one item, idTag and idTags', () => {
    expect(
      errorsOf(`description: d
vars: {n: x, 1a: y}
steps:
  - repeat
  - unplug: now
  - plug: 3
  - wait: 1s
    charge: 2s
  - authorize: {idTag: A, idTags: [B]}
  - authorize: {idTags: []}
  - 42
  - send: {payload: {}}
  - repeat: {for: {uniform: [1s, 2s]}, steps: [{wait: 1s}]}
  - repeat: {forever: false, steps: [{wait: 1s}]}
  - start: {idTag: "\${id:4}"}
`),
    ).toEqual([
      "2:8 vars.n: 'n' is built in (${n}, ${id}, ${connector}); pick another name",
      "2:14 vars.1a: '1a' is not a variable name (letters, digits and _, not starting with a digit)",
      "4:5 steps[0]: 'repeat' needs a value, e.g. `repeat: {times: 3, steps: [...]}`",
      '5:13 steps[1].unplug: unplug takes no options: write `- unplug`',
      '6:11 steps[2].plug: plug takes a map of options (ev, iso15118, contract, installContract, updateContract, expect), or none',
      "8:5 steps[3].charge: one step per list item: start 'charge' on its own line with '- '",
      '9:27 steps[4].authorize.idTags: use one of idTag, idTags, idTagsFile, not idTag and idTags',
      '10:25 steps[5].authorize.idTags: idTags is a non-empty list of idTags to pick from',
      '11:5 steps[6]: a step is a name (`- plug`) or a map with one key (`- wait: 30s`)',
      "12:11 steps[7].send: missing required key 'action'",
      '13:19 steps[8].repeat.for: for takes a fixed duration here, e.g. 8h (not a distribution)',
      '14:23 steps[9].repeat.forever: forever is true (or leave it out and use times or for)',
      "15:20 steps[10].start.idTag: '${id:4}': only ${n} takes a width (${n:04})",
    ]);
  });
});

describe('sampleDuration', () => {
  const seeded = (seed: number) => {
    let n = 0;
    return () => decide(seed, 1, 1, n++);
  };
  const draws = (d: Duration, n = 10_000, seed = 42) => {
    const r = seeded(seed);
    return Array.from({ length: n }, () => sampleDuration(d, r));
  };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

  const all: Duration[] = [
    { kind: 'fixed', ms: 30_000 },
    { kind: 'uniform', min: 5_000, max: 60_000 },
    { kind: 'normal', mean: 30_000, sd: 5_000 },
    { kind: 'exponential', mean: 600_000 },
    { kind: 'lognormal', median: 1_800_000, sigma: 0.5 },
  ];

  it.each(all.map((d) => [d.kind, d]))('%s is deterministic for a seed and never negative', (_kind, d) => {
    expect(draws(d, 100, 7)).toEqual(draws(d, 100, 7));
    expect(draws(d).every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
  });

  it('fixed is exact, uniform stays within its bounds', () => {
    expect(draws({ kind: 'fixed', ms: 1234 }, 10)).toEqual(Array(10).fill(1234));
    const u = draws({ kind: 'uniform', min: 5_000, max: 60_000 });
    expect(Math.min(...u)).toBeGreaterThanOrEqual(5_000);
    expect(Math.max(...u)).toBeLessThanOrEqual(60_000);
    expect(mean(u)).toBeCloseTo(32_500, -3); // ±500 ms (sd of the mean ≈ 160 ms)
  });

  it('normal has its mean and sd, and clamps at 0', () => {
    const xs = draws({ kind: 'normal', mean: 30_000, sd: 5_000 });
    expect(Math.abs(mean(xs) - 30_000)).toBeLessThan(200); // sd of the mean = 50
    const sd = Math.sqrt(mean(xs.map((x) => (x - 30_000) ** 2)));
    expect(Math.abs(sd - 5_000)).toBeLessThan(150);
    const clamped = draws({ kind: 'normal', mean: 1_000, sd: 10_000 });
    expect(clamped.every((x) => x >= 0)).toBe(true);
    expect(clamped.filter((x) => x === 0).length).toBeGreaterThan(4_000); // P(z < -0.1) ≈ 46%
  });

  it('exponential has its mean', () => {
    const xs = draws({ kind: 'exponential', mean: 600_000 });
    expect(Math.abs(mean(xs) / 600_000 - 1)).toBeLessThan(0.04); // sd of the mean = 1%
  });

  it('lognormal has its median and mean median·e^(σ²/2)', () => {
    const xs = draws({ kind: 'lognormal', median: 1_800_000, sigma: 0.5 });
    expect(Math.abs(median(xs) / 1_800_000 - 1)).toBeLessThan(0.03);
    expect(Math.abs(mean(xs) / (1_800_000 * Math.exp(0.125)) - 1)).toBeLessThan(0.03);
  });

  it('stays finite at the edges of the random stream (0 and just below 1)', () => {
    for (const u of [0, 1 - 2 ** -32]) {
      for (const d of all) expect(Number.isFinite(sampleDuration(d, () => u)), `${d.kind} at ${u}`).toBe(true);
    }
    expect(sampleDuration({ kind: 'exponential', mean: 1000 }, () => 0)).toBe(0);
  });

  it('takes two draws per gaussian (Box–Muller) and one per uniform or exponential', () => {
    let n = 0;
    const counting = () => (n++, 0.5);
    sampleDuration({ kind: 'normal', mean: 1, sd: 1 }, counting);
    sampleDuration({ kind: 'lognormal', median: 1, sigma: 1 }, counting);
    expect(n).toBe(4);
    sampleDuration({ kind: 'uniform', min: 0, max: 1 }, counting);
    sampleDuration({ kind: 'exponential', mean: 1 }, counting);
    expect(n).toBe(6);
  });
});

describe('idTagsFile', () => {
  it('reads idTags from a file relative to the scenario, and reports a missing or bad file at its position', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-tags-'));
    try {
      writeFileSync(join(dir, 'tags.txt'), 'A1\n# comment\n\nB2\n');
      writeFileSync(join(dir, 'long.txt'), 'THIS-IDTAG-IS-WAY-TOO-LONG\n'); // 26: a 2.0.1 idToken, not a 1.6 idTag
      writeFileSync(join(dir, 'longer.txt'), 'THIS-IDTOKEN-IS-LONGER-THAN-ANY-VERSION\n'); // 39
      const ok = compileScenarioText(join(dir, 's.yaml'), 'description: x\nsteps:\n  - authorize: {idTagsFile: tags.txt}\n');
      expect(ok.instrs[0].idTags).toEqual(['A1', 'B2']);
      const missing = () => compileScenarioText(join(dir, 's.yaml'), 'description: x\nsteps:\n  - authorize: {idTagsFile: nope.txt}\n');
      expect(missing).toThrow(/s\.yaml:3:29: steps\[0\]\.authorize\.idTagsFile: cannot read nope\.txt: no such file/);
      const long = compileScenarioText(join(dir, 's.yaml'), 'description: x\nsteps:\n  - start: {idTagsFile: long.txt}\n');
      expect(() => programForVersion(long, '1.6')).toThrow(/s\.yaml:3:25: steps\[0\]\.start\.idTagsFile: idTag 'THIS-IDTAG-IS-WAY-TOO-LONG' is 26 characters, and the charge point speaks OCPP 1\.6, which allows at most 20/);
      expect(programForVersion(long, '2.0.1').instrs[0].idTags).toEqual(['THIS-IDTAG-IS-WAY-TOO-LONG']);
      const longer = () => compileScenarioText(join(dir, 's.yaml'), 'description: x\nsteps:\n  - start: {idTagsFile: longer.txt}\n');
      expect(longer).toThrow(/longer than 36 characters \(the longest token of any OCPP version\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
