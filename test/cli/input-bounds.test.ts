/**
 * Hostile inputs through the real binary: every one is a file:line:col problem and exit 2, never a
 * stack trace or an aborted heap, and `validate` still reports every other file it was given.
 * The hostile files are written into a temporary directory per run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { BUILT, describeRun, runCli } from './spawn-cli.js';

const TMP = mkdtempSync(join(tmpdir(), 'ocpp-sim-cli-bounds-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(TMP, name);
  writeFileSync(file, text);
  return file;
}

/** Nine levels of ten aliases each: a billion values once expanded. */
const ALIAS_BOMB = [
  'description: laughs',
  'steps:',
  '  - wait: 1s',
  'a0: &a0 [x, x, x, x, x, x, x, x, x, x]',
  ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`),
  '',
].join('\n');

let bomb: string;
let huge: string;
let volts: string;

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
  bomb = write('bomb.yaml', ALIAS_BOMB);
  // 50 MB of valid steps: read into memory and parsed, this aborted the heap (exit 134).
  huge = write('huge.yaml', `description: huge\nsteps:\n${'  - plug\n'.repeat(50 * 1024 * 1024 / 9)}`);
  volts = write('volts.yaml', 'description: x\nextends: generic-16-ac\nconnectors:\n  - {type: Type2, current: AC, voltage: 1e308, maxPowerW: 22000}\n');
});

describe.concurrent('hostile configuration files', () => {
  it('validate reports each file, the hostile ones at their line, the good one as good', async ({ expect }) => {
    const r = await runCli(['validate', bomb, huge, volts, 'profiles/generic-16-ac.yaml', 'scenarios/boot.yaml'], { timeoutMs: 30_000 });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr, describeRun(r)).toBe('');
    // a4 (line 8) holds the aliases (11,111 values each) where the count crosses 100,000.
    expect(r.stdout).toContain(`✗ ${bomb}\n  ${bomb}:8:45: `);
    expect(r.stdout).toContain('more than 100,000 values (aliases count as copies of what they refer to)');
    expect(r.stdout).toContain(`✗ ${huge}\n  ${huge}:1:1: larger than 512 KiB, the limit for this kind of file`);
    expect(r.stdout).toContain(`✗ ${volts}\n  ${volts}:4:41: connectors[0].voltage: 1e+308 is out of range: must be at most 1,500`);
    expect(r.stdout).toContain('✓ profiles/generic-16-ac.yaml');
    expect(r.stdout).toContain('✓ scenarios/boot.yaml');
    expect(r.stdout).toContain('2 of 5 file(s) valid');
  });

  it('run --scenario of 50 MB: exit 2 with the file, before any socket', async ({ expect }) => {
    const r = await runCli(['run', '--csms', 'ws://127.0.0.1:9/ocpp', '--scenario', huge, '--duration', '1s'], { timeoutMs: 30_000 });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain(`${huge}:1:1: larger than 512 KiB, the limit for this kind of file`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('run --profile with voltage: 1e308: exit 2 at its line and column', async ({ expect }) => {
    const r = await runCli(['run', '--csms', 'ws://127.0.0.1:9/ocpp', '--profile', volts, '--duration', '1s']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain(`${volts}:4:41: connectors[0].voltage: 1e+308 is out of range: must be at most 1,500`);
  });

  it('run --scenario with an alias bomb: exit 2 at the alias', async ({ expect }) => {
    const r = await runCli(['run', '--csms', 'ws://127.0.0.1:9/ocpp', '--scenario', bomb, '--duration', '1s']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain(`${bomb}:8:45: more than 100,000 values`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
