/**
 * Where a run with a control port can be found by `ctl` and `mcp` on the same machine:
 * `<tmpdir>/ocpp-sim-<uid>/control-<pid>.json` (dir 0700, file 0600), removed at exit.
 * (Contract stand-in until the control-core branch's version lands; same signatures.)
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface RunInfo {
  url: string;
  token: string;
  pid: number;
  startedAt: string;
}

function runsDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : userInfo().username;
  return join(tmpdir(), `ocpp-sim-${uid}`);
}

/** Writes this run's file; the returned function removes it. */
export function announceRun(info: RunInfo): () => void {
  const dir = runsDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `control-${info.pid}.json`);
  writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The runs announced on this machine whose process is alive. */
export function findRuns(): RunInfo[] {
  let names: string[];
  try {
    names = readdirSync(runsDir());
  } catch {
    return [];
  }
  const runs: RunInfo[] = [];
  for (const name of names) {
    if (!/^control-\d+\.json$/.test(name)) continue;
    try {
      const info = JSON.parse(readFileSync(join(runsDir(), name), 'utf8')) as RunInfo;
      if (typeof info.url === 'string' && typeof info.token === 'string' && Number.isInteger(info.pid) && alive(info.pid)) runs.push(info);
    } catch {
      // a half-written or foreign file: not a run
    }
  }
  return runs;
}
