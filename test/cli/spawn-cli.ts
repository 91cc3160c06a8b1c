/**
 * Test helper: spawns the real `bin/ocpp-sim.js` (which loads the compiled dist/cli/main.js) with
 * the current Node binary, collects stdout/stderr and the exit code, and kills it after a timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'ocpp-sim.js');
export const BUILT = existsSync(join(ROOT, 'dist', 'cli', 'main.js'));

export interface CliResult {
  /** Exit code, or null when the process died of a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** True when the helper had to kill the process after `timeoutMs`. */
  timedOut: boolean;
}

export interface CliOptions {
  /** Kill (SIGKILL) the process after this long; default 15 s. */
  timeoutMs?: number;
  /** Called right after spawning, e.g. to send a signal later. */
  onSpawn?: (child: ChildProcess) => void;
  /** Extra environment variables (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** Run under this open-file limit (`ulimit -n` in a shell that then execs node: the same pid). */
  openFiles?: number;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Runs `ocpp-sim <args…>` and resolves when it exits (never rejects on a non-zero exit). */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const started = Date.now();
  const [file, argv] =
    opts.openFiles === undefined ? [process.execPath, [BIN, ...args]] : ['/bin/sh', ['-c', `ulimit -n ${opts.openFiles} && exec "$@"`, 'sh', process.execPath, BIN, ...args]];
  const child = spawn(file, argv, {
    cwd: ROOT,
    // No colours, so assertions see plain text (the ANSI strip below is a second line of defence).
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  opts.onSpawn?.(child);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(killer);
      reject(err);
    });
    // 'close' (not 'exit'): both pipes are drained by then.
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      resolve({
        code,
        signal,
        stdout: stdout.replace(ANSI, ''),
        stderr: stderr.replace(ANSI, ''),
        ms: Date.now() - started,
        timedOut,
      });
    });
  });
}

/** Polls `check` every 20 ms until it is true; false if `timeoutMs` passes first. */
export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** The "N started" count of the summary's transactions line, or NaN when the line is missing. */
export function summaryStarted(stdout: string): number {
  const m = /^transactions\s+(\d+) started/m.exec(stdout);
  return m ? Number(m[1]) : NaN;
}

/** The "B/T booted" figures of the summary's charge points line. */
export function summaryBooted(stdout: string): { booted: number; total: number } | undefined {
  const m = /^charge points\s+(\d+)\/(\d+) booted/m.exec(stdout);
  return m ? { booted: Number(m[1]), total: Number(m[2]) } : undefined;
}

/** A per-action row of the summary table: sent and received counts, or undefined when absent. */
export function summaryRow(stdout: string, action: string): { sent: number; recv: number; errors: number } | undefined {
  const m = new RegExp(`^${action}\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s`, 'm').exec(stdout);
  return m ? { sent: Number(m[1]), recv: Number(m[2]), errors: Number(m[3]) } : undefined;
}

/** A readable dump of a run for assertion messages. */
export function describeRun(r: CliResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''} after ${r.ms} ms${r.timedOut ? ' [killed on timeout]' : ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** A running `ocpp-sim csms --port 0 …` once its start-up lines are out: its URL, its stdout so far, and a graceful stop. */
export async function csmsProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<{ url: string; stdout(): string; stop(): Promise<CliResult> }> {
  let child: ChildProcess | undefined;
  // Without OCPP_SIM_API_TOKEN from the environment running the tests, unless a test sets it.
  const done = runCli(['csms', '--port', '0', ...args], { timeoutMs: 60_000, onSpawn: (c) => (child = c), env: { OCPP_SIM_API_TOKEN: undefined, ...env } });
  let out = '';
  child!.stdout!.on('data', (d: string) => (out += d));
  // The start-up lines may arrive in several chunks: wait for the last one.
  const ready = args.includes('--quiet') ? /^listening \S+$/m : /Ctrl-C to stop$/m;
  const listening = await Promise.race([waitFor(() => ready.test(out), 30_000), done.then(() => false)]);
  if (!listening) throw new Error(`csms did not start:\n${describeRun(await done)}`);
  return {
    url: /^listening (\S+)$/m.exec(out)![1],
    stdout: () => out,
    stop: () => {
      child!.kill('SIGTERM');
      return done;
    },
  };
}

/**
 * One WebSocket handshake with a CSMS as `identity` offering `protocols` (with Basic auth when a
 * `password` is given): status 101 and the subprotocol it agreed on, or the HTTP status it was refused with.
 */
export function handshake(url: string, identity: string, protocols: string[], password?: string): Promise<{ status: number; protocol: string }> {
  const headers = password === undefined ? {} : { authorization: `Basic ${Buffer.from(`${identity}:${password}`).toString('base64')}` };
  const ws = new WebSocket(`${url}/${identity}`, protocols, { headers, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.on('error', () => {});
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      resolve({ status: res.statusCode ?? 0, protocol: '' });
    });
    ws.once('open', () => {
      resolve({ status: 101, protocol: ws.protocol });
      ws.close();
    });
    setTimeout(() => reject(new Error('no answer to the handshake')), 10_000).unref();
  });
}
