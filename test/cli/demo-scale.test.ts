/**
 * Issue #13: `ocpp-sim demo --count N` at any N. Under a lowered open-file limit (100 sockets a
 * process beyond util/limits.ts's reserve) a small fleet takes both paths a large one takes under the real 20,000:
 * - 80 charge points: the CSMS (80 sockets) stays in the demo's process, the fleet does not fit
 *   beside it and runs in one child process;
 * - 150: the CSMS runs on 2 cluster processes sharing one port, the fleet on 2 child processes.
 * Either way one summary, the operator API's curl line works, the closing CSMS line counts every
 * boot, and Ctrl-C stops every process gracefully, leaving none behind.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { beforeAll, describe, it } from 'vitest';
import { FD_RESERVE } from '../../src/util/limits.js';
import { BUILT, describeRun, runCli, summaryBooted, waitFor, type CliResult } from './spawn-cli.js';

/** 100 sockets a process (the reserve is for the process's own files). */
const OPEN_FILES = FD_RESERVE + 100;

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

/** The processes whose parent is `pid`, with their command lines. */
function childrenOf(pid: number): { pid: number; args: string }[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => ({ pid: Number(m![1]), args: m![2] }));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const CURL = /curl -H "Authorization: (Bearer [A-Za-z0-9_-]{43})" (http:\/\/127\.0\.0\.1:\d+\/api\/charge-points)$/m;

interface Seen {
  /** The demo's children while every charge point was up: cluster workers run `csms`, the fleet's children process-child.js. */
  csmsWorkers: number;
  fleetChildren: number;
  /** Identities the printed curl line listed. */
  listed: number;
  children: number[];
}

/**
 * Runs the demo under the lowered limit; once the operator API lists all `count` charge points,
 * notes the process tree, then (`interrupt`) sends SIGINT to the demo and its children as a
 * terminal's Ctrl-C reaches the whole process group.
 */
async function demo(count: number, args: string[], interrupt = false): Promise<{ r: CliResult; seen: Seen }> {
  const seen: Seen = { csmsWorkers: 0, fleetChildren: 0, listed: 0, children: [] };
  let out = '';
  const r = await runCli(['demo', '--count', String(count), ...args], {
    openFiles: OPEN_FILES,
    timeoutMs: 40_000,
    env: { OCPP_SIM_API_TOKEN: undefined },
    onSpawn: (child: ChildProcess) => {
      child.stdout!.on('data', (d: string) => (out += d));
      void (async () => {
        if (!(await waitFor(() => CURL.test(out), 20_000))) return;
        const [, authorization, url] = CURL.exec(out)!;
        for (let i = 0; i < 200 && seen.listed < count && child.exitCode === null; i++) {
          const res = await fetch(url, { headers: { authorization } }).catch(() => undefined);
          if (res?.status === 200) seen.listed = ((await res.json()) as unknown[]).length;
          if (seen.listed < count) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const tree = childrenOf(child.pid!);
        seen.children = tree.map((c) => c.pid);
        seen.csmsWorkers = tree.filter((c) => / csms /.test(c.args)).length;
        seen.fleetChildren = tree.filter((c) => /process-child\.js/.test(c.args)).length;
        if (interrupt) for (const pid of [child.pid!, ...seen.children]) process.kill(pid, 'SIGINT');
      })();
    },
  });
  return { r, seen };
}

/** The closing line's figures. */
function csmsSaw(stdout: string): { boots: number; started: number; ended: number } | undefined {
  const m = /^The CSMS saw (\d+) boots, (\d+) transactions started and (\d+) ended\.$/m.exec(stdout);
  return m ? { boots: Number(m[1]), started: Number(m[2]), ended: Number(m[3]) } : undefined;
}

describe.concurrent('demo beyond one process', () => {
  it('the CSMS on 2 cluster processes, the fleet on 2 child processes: one summary, every boot counted, exit 0', async ({ expect }) => {
    const { r, seen } = await demo(150, ['--duration', '4s', '--quiet']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/embedded CSMS at ws:\/\/127\.0\.0\.1:\d+\/ocpp \(2 processes sharing the port\)/);
    expect(seen.csmsWorkers, describeRun(r)).toBe(2);
    expect(seen.fleetChildren).toBe(2);
    // The operator API of any one worker answers for both.
    expect(seen.listed).toBe(150);
    expect(r.stdout.match(/^Summary after/gm)?.length, describeRun(r)).toBe(1);
    expect(summaryBooted(r.stdout)).toEqual({ booted: 150, total: 150 });
    const saw = csmsSaw(r.stdout);
    expect(saw?.boots, describeRun(r)).toBe(150);
    expect(saw!.started).toBeGreaterThan(0);
    // The graceful stop ended every transaction, and both processes' ledgers are summed.
    expect(saw!.ended).toBe(saw!.started);
    expect(seen.children.filter(alive)).toEqual([]);
  });

  it('a bad flag at a cluster-sized --count is a usage error before any CSMS process starts', async ({ expect }) => {
    let forked = 0;
    const r = await runCli(['demo', '--count', '150', '--duration', 'soon'], {
      openFiles: OPEN_FILES,
      timeoutMs: 20_000,
      onSpawn: (child: ChildProcess) => {
        const look = setInterval(() => (forked = Math.max(forked, childrenOf(child.pid!).length)), 20);
        child.once('exit', () => clearInterval(look));
      },
    });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/--duration/);
    expect(r.stdout).not.toMatch(/embedded CSMS/);
    expect(forked).toBe(0);
  });

  it('the CSMS in the demo process, the fleet in one child beside it: one summary, every boot counted, exit 0', async ({ expect }) => {
    const { r, seen } = await demo(80, ['--duration', '4s']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/embedded CSMS at ws:\/\/127\.0\.0\.1:\d+\/ocpp, 40 OCPP 1\.6/);
    expect(r.stdout).toMatch(/^80 charge points in a child process/m);
    expect(seen.csmsWorkers, describeRun(r)).toBe(0);
    expect(seen.fleetChildren).toBe(1);
    expect(seen.listed).toBe(80);
    expect(r.stdout.match(/^Summary after/gm)?.length).toBe(1);
    expect(summaryBooted(r.stdout)).toEqual({ booted: 80, total: 80 });
    expect(csmsSaw(r.stdout)?.boots, describeRun(r)).toBe(80);
    expect(seen.children.filter(alive)).toEqual([]);
  });

  it('Ctrl-C in cluster mode: the fleet stops gracefully against the CSMS, then the CSMS; exit 105, no process left', async ({ expect }) => {
    const { r, seen } = await demo(150, ['--duration', '60s', '--session', '60s', '--idle', '0.2s-0.5s', '--quiet'], true);
    expect(seen.children.length, describeRun(r)).toBe(4);
    expect(r.code, describeRun(r)).toBe(105);
    expect(r.stdout.match(/^Summary after/gm)?.length).toBe(1);
    // The CSMS workers left the signal to the demo: still up for the StopTransactions/TransactionEvent(Ended).
    const saw = csmsSaw(r.stdout);
    expect(saw?.boots, describeRun(r)).toBe(150);
    expect(saw!.started).toBeGreaterThan(0);
    expect(saw!.ended).toBe(saw!.started);
    expect(r.stderr).not.toMatch(/restarting/);
    expect(seen.children.filter(alive)).toEqual([]);
  });
});
