/**
 * Numbers in profiles, scenarios and plans stay within src/config/bounds.ts: a value such as
 * `voltage: 1e308` or `wait: 100000h` is an issue at its file:line:col naming the field, and the
 * JSON schemas editors use say the same limits as the code.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as bounds from '../../src/config/bounds.js';
import { formatIssue } from '../../src/config/errors.js';
import { checkPlanFile } from '../../src/plan/plan.js';
import { checkProfileFile } from '../../src/profile/load.js';
import { checkScenarioFile, sampleDuration } from '../../src/scenario/parse.js';
import { MAX_DURATION_MS } from '../../src/util/duration.js';

const TMP = mkdtempSync(join(tmpdir(), 'ocpp-sim-input-bounds-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

let files = 0;
/** The issues of `text` as `line:col: field: message`, checked as `kind`. */
function issues(kind: 'profile' | 'scenario' | 'plan', text: string): string[] {
  const file = join(TMP, `${++files}.yaml`);
  writeFileSync(file, text);
  const check = kind === 'profile' ? checkProfileFile : kind === 'scenario' ? checkScenarioFile : checkPlanFile;
  return check(file).map((i) => formatIssue(i).slice(file.length + 1));
}

const IDENTITY = 'identity: {vendor: V, model: M}\nocpp: ["1.6"]\n';

describe('profile values', () => {
  it('voltage: 1e308 and other physical values beyond any charger', () => {
    const text = `description: x\n${IDENTITY}connectors:\n  - {type: CCS2, current: DC, voltage: 1e308, maxCurrentA: 1e6, maxPowerW: 1e400}\nmeter: {registerStartWh: 1e300}\n`;
    expect(issues('profile', text)).toEqual([
      '5:40: connectors[0].voltage: 1e+308 is out of range: must be at most 1,500',
      '5:60: connectors[0].maxCurrentA: 1000000 is out of range: must be at most 3,000',
      '5:76: connectors[0].maxPowerW: Infinity is out of range: must be at most 10,000,000',
      '6:26: meter.registerStartWh: 1e+300 is out of range: must be at most 1,000,000,000,000',
    ]);
  });

  it(`at most ${bounds.MAX_CONNECTORS} connectors`, () => {
    const connectors = Array(65).fill('  - {type: Type2, current: AC, maxPowerW: 22000}\n').join('');
    expect(issues('profile', `description: x\n${IDENTITY}connectors:\n${connectors}`)).toEqual(['5:3: connectors: 65 items, but at most 64 are allowed']);
  });

  it('durations within 24 days, and whole seconds where they become integer configuration keys', () => {
    const text = `description: x\n${IDENTITY}connectors: [{type: Type2, current: AC, maxPowerW: 22000}]\nmeter: {sampleInterval: 500ms, clockAlignedInterval: 1000000h}\nboot: {jitter: 25d}\n`;
    expect(issues('profile', text)).toEqual([
      "5:25: meter.sampleInterval: '500ms' is not a whole number of seconds, which MeterValueSampleInterval needs",
      "5:54: meter.clockAlignedInterval: duration '1000000h' is longer than 24d, the longest supported",
      "6:16: boot.jitter: duration '25d' is longer than 24d, the longest supported",
    ]);
  });

  it('a template cannot pad to a gigabyte', () => {
    const text = `description: x\nidentity: {vendor: V, model: M, serial: "S\${n:0999999999}"}\nocpp: ["1.6"]\nconnectors: [{type: Type2, current: AC, maxPowerW: 22000}]\n`;
    expect(issues('profile', text)).toEqual(["2:41: identity.serial: '${n:0999999999}' pads to more than 50 digits"]);
  });

  it('a configuration value is at most 500 characters (CiString500, OCPP 1.6 §5.3)', () => {
    const text = `description: x\n${IDENTITY}connectors: [{type: Type2, current: AC, maxPowerW: 22000}]\nconfiguration:\n  CpoName: ${'x'.repeat(501)}\n`;
    expect(issues('profile', text)).toEqual(['6:12: configuration.CpoName: 501 characters, but at most 500 are allowed']);
  });
});

describe('scenario values', () => {
  it('waits, repeats, EVs, templates and connector ids within range', () => {
    const text = [
      'description: x',
      'connectors: [1, 99]',
      'vars: {tag: "T${n:0999999}"}',
      'steps:',
      '  - wait: 100000h',
      '  - plug: {ev: {batteryKWh: 1e308, maxPowerKW: 1e9}}',
      '  - repeat: {times: 1e12, steps: [{wait: 1s}]}',
      '  - wait: {lognormal: {median: 1m, sigma: 1e308}}',
      '',
    ].join('\n');
    expect(issues('scenario', text)).toEqual([
      "2:17: connectors[1]: '99' is not a connector id (1 to 64; 0 is the charge point itself)",
      "3:13: vars.tag: '${n:0999999}' pads to more than 50 digits",
      "5:11: steps[0].wait: duration '100000h' is longer than 24d, the longest supported",
      "6:29: steps[1].plug.ev.batteryKWh: batteryKWh is a number above 0 and at most 10,000, not '1e+308'",
      "6:48: steps[1].plug.ev.maxPowerKW: maxPowerKW is a number above 0 and at most 10,000, not '1000000000'",
      "7:21: steps[2].repeat.times: times is a whole number from 0 to 1,000,000,000, not '1000000000000'",
      "8:43: steps[3].wait.lognormal.sigma: sigma is a number from 0 to 10 (e.g. 0.5), not '1e+308'",
    ]);
  });

  it('a drawn duration never exceeds the longest timer', () => {
    const huge = { kind: 'lognormal' as const, median: 20 * 86_400_000, sigma: 10 };
    for (const u of [0.01, 0.5, 0.999999]) expect(sampleDuration(huge, () => u)).toBeLessThanOrEqual(MAX_DURATION_MS);
    expect(sampleDuration({ kind: 'exponential', mean: 20 * 86_400_000 }, () => 0.999999999)).toBe(MAX_DURATION_MS);
  });
});

describe('plan values', () => {
  const fleet = (count: number | string, prefix: string, extra = '') => `  - {profile: generic-16-ac, count: ${count}, idPrefix: ${prefix}${extra}}\n`;

  it('counts, seeds, workers and numbers within range', () => {
    const text = `description: x\nseed: -1\nworkers: 100000\nduration: 0s\nfleets:\n${fleet('2000000', 'A')}${fleet(5, 'B', ', idStart: 999999998')}`;
    expect(issues('plan', text)).toEqual([
      '2:7: seed: -1 is out of range: must be at least 0',
      '3:10: workers: 100000 is out of range: must be at most 256',
      '6:37: fleets[0].count: 2000000 is out of range: must be at most 1,000,000',
    ]);
  });

  it("all fleets together at most a million, and no fleet's numbers beyond nine digits", () => {
    const text = `description: x\nduration: 0s\nfleets:\n${fleet(600_000, 'A')}${fleet(600_000, 'B')}${fleet(5, 'C', ', idStart: 999999998')}`;
    expect(issues('plan', text)).toEqual([
      "2:11: duration: duration must be more than 0, not '0s'",
      '4:3: fleets: the fleets have 1,200,005 charge points together; at most 1,000,000 are allowed',
      "6:62: fleets[2].idStart: this fleet's numbers run to 1,000,000,002, beyond 999,999,999: give it a lower idStart",
    ]);
  });
});

describe('the schemas say the limits the code enforces', () => {
  const profile = JSON.parse(readFileSync('profiles/profile.schema.json', 'utf8'));
  const scenario = JSON.parse(readFileSync('scenarios/scenario.schema.json', 'utf8'));
  const steps = JSON.stringify(scenario);
  /** The `maximum` of the first schema property named `name` in the scenario schema (steps are deep in it). */
  const scenarioMax = (name: string) => Number(new RegExp(`"${name}":\\{[^}]*"maximum":([0-9.e+]+)`).exec(steps)?.[1]);
  const plan = JSON.parse(readFileSync('scenarios/plan.schema.json', 'utf8'));
  const connector = profile.definitions.connector.properties;
  const fleetProps = plan.properties.fleets.items.properties;

  it.each([
    ['profile connectors', profile.properties.connectors.maxItems, bounds.MAX_CONNECTORS],
    ['connector voltage', connector.voltage.maximum, bounds.MAX_VOLTAGE],
    ['connector maxCurrentA', connector.maxCurrentA.maximum, bounds.MAX_CURRENT_A],
    ['connector maxPowerW', connector.maxPowerW.maximum, bounds.MAX_POWER_W],
    ['connector evse', connector.evse.maximum, bounds.MAX_CONNECTORS],
    ['power-sharing maxPowerW', profile.properties.powerSharing.items.properties.maxPowerW.maximum, bounds.MAX_POWER_W],
    ['power-sharing connector ids', profile.properties.powerSharing.items.properties.connectors.items.maximum, bounds.MAX_CONNECTORS],
    ['registerStartWh', profile.properties.meter.properties.registerStartWh.maximum, bounds.MAX_REGISTER_WH],
    ['downloadBytesPerSecond', profile.properties.firmware.properties.downloadBytesPerSecond.maximum, bounds.MAX_BYTES_PER_SECOND],
    ['plan seed', plan.properties.seed.maximum, bounds.MAX_SEED],
    ['plan workers', plan.properties.workers.maximum, bounds.MAX_WORKERS],
    ['plan fleets', plan.properties.fleets.maxItems, bounds.MAX_FLEETS],
    ['fleet count', fleetProps.count.maximum, bounds.MAX_COUNT],
    ['fleet idStart', fleetProps.idStart.maximum, bounds.MAX_ID_N],
    ['fleet idPrefix', fleetProps.idPrefix.maxLength, bounds.MAX_ID_PREFIX],
    ['scenario connectors', scenario.properties.connectors.oneOf[1].items.maximum, bounds.MAX_CONNECTORS],
    ['scenario batteryKWh', scenarioMax('batteryKWh'), bounds.MAX_BATTERY_KWH],
    ['scenario maxPowerKW', scenarioMax('maxPowerKW'), bounds.MAX_POWER_W / 1000],
    ['scenario repeat times', scenarioMax('times'), bounds.MAX_REPEAT_TIMES],
    ['scenario lognormal sigma', scenarioMax('sigma'), bounds.MAX_SIGMA],
  ])('%s', (_name, inSchema, inCode) => {
    expect(inSchema).toBe(inCode);
  });
});
