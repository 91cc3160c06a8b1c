/**
 * Colour on a real terminal: the binary runs under a pseudo-terminal (util-linux `script`), where
 * it colours its output — unless NO_COLOR is set (https://no-color.org) or --no-color is given.
 * Before, chalk ignored NO_COLOR and a demo on a terminal still had 25 coloured lines.
 */
import { spawn, spawnSync } from 'node:child_process';
import { beforeAll, describe, it } from 'vitest';
import { BIN, BUILT, ROOT } from './spawn-cli.js';

const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/;

interface TtyRun {
  code: number | null;
  output: string;
}

/** Runs `ocpp-sim <args>` under a pseudo-terminal with `env` added to a colour-neutral environment. */
function runOnTty(args: string[], env: Record<string, string>): Promise<TtyRun> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const base = { ...process.env, TERM: 'xterm-256color' };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'CI', 'COLORTERM']) delete base[k];
  // -q: no banner; -e: the command's exit code; the typescript goes to /dev/null, the terminal's output to our pipe.
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

const colouredLines = (output: string) => output.split('\n').filter((l) => SGR.test(l)).length;

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

// Without util-linux `script` the checks are skipped, except under CI=true, where they fail.
describe.skipIf(!HAS_SCRIPT && process.env.CI !== 'true')('colour on a terminal', () => {
  it('is on by default (so the checks below can see it missing)', async ({ expect }) => {
    const r = await runOnTty(['list', 'profiles'], {});
    expect(r.code, r.output).toBe(0);
    expect(colouredLines(r.output), r.output).toBeGreaterThan(10);
  });

  it('NO_COLOR=1: no colour in list, validate, a usage error', async ({ expect }) => {
    for (const args of [['list', 'profiles'], ['validate', 'profiles/generic-16-ac.yaml', 'test/fixtures/profiles/invalid-bad-enum.yaml'], ['run', '--count', 'abc']]) {
      const r = await runOnTty(args, { NO_COLOR: '1' });
      expect(r.output.length, args.join(' ')).toBeGreaterThan(0);
      expect(colouredLines(r.output), `${args.join(' ')}\n${r.output}`).toBe(0);
    }
  });

  it('NO_COLOR=1: no colour in a live run, its progress and summary', async ({ expect }) => {
    const r = await runOnTty(['demo', '--duration', '3s', '--count', '3'], { NO_COLOR: '1' });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('Summary after');
    expect(colouredLines(r.output), r.output).toBe(0);
  });

  it('--no-color: no colour', async ({ expect }) => {
    const r = await runOnTty(['list', 'scenarios', '--no-color'], {});
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('charging-session');
    expect(colouredLines(r.output), r.output).toBe(0);
  });

  it('FORCE_COLOR=0: no colour', async ({ expect }) => {
    const r = await runOnTty(['list', 'scenarios'], { FORCE_COLOR: '0' });
    expect(colouredLines(r.output), r.output).toBe(0);
  });
});
