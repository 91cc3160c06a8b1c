/**
 * Hostile configuration files (src/config/yaml-file.ts, read-text.ts): an alias bomb, an oversized
 * file, endless nesting, alias cycles and tens of thousands of keys are each one positioned issue,
 * found in bounded time and memory — never a crash or a stack trace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_CONFIG_BYTES, MAX_YAML_DEPTH } from '../../src/config/bounds.js';
import { ConfigError, formatIssues, type ConfigIssue } from '../../src/config/errors.js';
import { FileTooLargeError, readBoundedText } from '../../src/config/read-text.js';
import { YamlFile } from '../../src/config/yaml-file.js';
import { checkProfileFile } from '../../src/profile/load.js';
import { checkScenarioFile } from '../../src/scenario/parse.js';

const TMP = mkdtempSync(join(tmpdir(), 'ocpp-sim-yaml-bounds-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(TMP, name);
  writeFileSync(file, text);
  return file;
}

/** The issues YamlFile.parse throws for `text` (none: the test fails). */
function parseIssues(text: string): ConfigIssue[] {
  try {
    YamlFile.parse('x.yaml', text);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** Ten anchors, each a list of ten aliases of the one before: 10^10 values once expanded. */
const ALIAS_BOMB = [
  'description: laughs',
  'a0: &a0 [x, x, x, x, x, x, x, x, x, x]',
  ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`),
  '',
].join('\n');

describe('YAML bounds', () => {
  it('an alias bomb is one issue at the alias that crosses the limit, found at once', () => {
    const started = Date.now();
    const issues = checkScenarioFile(write('bomb.yaml', ALIAS_BOMB));
    expect(issues).toHaveLength(1);
    // Each alias of a3 (line 5) is 11,111 values: the count crosses 100,000 among a4's (line 6).
    expect(issues[0]).toMatchObject({ file: join(TMP, 'bomb.yaml'), line: 6, field: '' });
    expect(issues[0].message).toBe('more than 100,000 values (aliases count as copies of what they refer to)');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('aliases within the limit still work', () => {
    const y = YamlFile.parse('x.yaml', 'base: &b {vendor: V, model: M}\ncopy: *b\nlist: [*b, *b]\n');
    expect(y.value).toEqual({ base: { vendor: 'V', model: 'M' }, copy: { vendor: 'V', model: 'M' }, list: [{ vendor: 'V', model: 'M' }, { vendor: 'V', model: 'M' }] });
  });

  it('an alias inside its own anchor (a cycle) and one to no anchor are errors, not endless structures', () => {
    expect(parseIssues('description: x\na: &x [1, *x]\n')).toEqual([
      { file: 'x.yaml', line: 2, col: 11, field: '', message: 'YAML: alias *x is inside its own anchor &x (a cycle)' },
    ]);
    expect(parseIssues('description: x\nsteps: *nope\n')).toEqual([
      { file: 'x.yaml', line: 2, col: 8, field: '', message: 'YAML: alias *nope refers to no anchor &nope before it' },
    ]);
  });

  it('a file larger than the limit is refused before it is parsed, with its name', () => {
    // Valid YAML throughout, so only the size can be what is wrong with it.
    const big = write('big.yaml', `description: big\nsteps:\n${'  - plug\n'.repeat(Math.ceil(MAX_CONFIG_BYTES / 9) + 1)}`);
    expect(checkScenarioFile(big)).toEqual([{ file: big, line: 1, col: 1, field: '', message: 'larger than 512 KiB, the limit for this kind of file' }]);
    expect(checkProfileFile(big)).toEqual([{ file: big, line: 1, col: 1, field: '', message: 'larger than 512 KiB, the limit for this kind of file' }]);
  });

  it('reads no more than the limit from a file without an end', () => {
    expect(() => readBoundedText('/dev/zero', 1024)).toThrow(FileTooLargeError);
    expect(readBoundedText(write('small.txt', 'abc'), 3)).toBe('abc');
    expect(() => readBoundedText(write('four.txt', 'abcd'), 3)).toThrow('larger than 3 bytes');
  });

  it(`nesting deeper than ${MAX_YAML_DEPTH} levels is an issue at the node that goes too deep`, () => {
    const deep = `description: x\nsteps: ${'['.repeat(100)}${']'.repeat(100)}\n`;
    const issues = parseIssues(deep);
    expect(issues).toEqual([{ file: 'x.yaml', line: 2, col: 8 + MAX_YAML_DEPTH, field: '', message: `nested more than ${MAX_YAML_DEPTH} levels deep` }]);
  });

  it('nesting so deep that the YAML parser gives up is said plainly', () => {
    const issues = parseIssues(`description: x\nsteps: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    expect(issues[0].message).toBe(`YAML: nested too deeply (at most ${MAX_YAML_DEPTH} levels)`);
  });

  it('duplicate keys are found (in linear time) with the position of the repeated key', () => {
    expect(parseIssues('description: x\nsteps: []\ndescription: y\n')).toEqual([{ file: 'x.yaml', line: 3, col: 1, field: '', message: "YAML: duplicate key 'description'" }]);
    expect(parseIssues('? [a]\n: 1\n')[0].message).toBe('YAML: a key must be a plain value, not a map or list');
  });

  it('40,000 unknown configuration keys are reported in linear time, shown as 50 lines and a count', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `  K${i}: 1\n`).join('');
    const file = write(
      'keys.yaml',
      `description: x\nidentity: {vendor: V, model: M}\nocpp: ["1.6"]\nconnectors: [{type: Type2, current: AC, maxPowerW: 22000}]\nconfiguration:\n${keys}`,
    );
    const started = Date.now();
    const issues = checkProfileFile(file);
    const ms = Date.now() - started;
    expect(issues).toHaveLength(40_000);
    expect(issues[39_999]).toMatchObject({ line: 40_005, col: 3, field: 'configuration.K39999', message: "unknown key 'K39999'" });
    // Quadratic, this took 27 s; linear, well under a second. The bound leaves room for a loaded machine.
    expect(ms).toBeLessThan(10_000);
    const lines = formatIssues(issues);
    expect(lines).toHaveLength(51);
    expect(lines[50]).toBe('… and 39950 more problems');
  });

  it('a numeric key is found for its position like any other', () => {
    const y = YamlFile.parse('x.yaml', 'a:\n  1: one\n  2: two\n');
    expect(y.position(['a', '2'])).toEqual({ line: 3, col: 6 });
  });
});
