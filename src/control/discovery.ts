/**
 * How `ocpp-sim ctl` and `ocpp-sim mcp` find a running run without being told: a run with a control
 * port writes `<tmpdir>/ocpp-sim-<uid>/control-<pid>.json` (dir 0700, file 0600: it holds the token)
 * and removes it at exit. Only files whose process is alive count.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface RunInfo {
  url: string;
  token: string;
  pid: number;
  startedAt: string;
}

/** The folder of this user's run files. */
export function runsDir(): string {
  let uid: number | string;
  try {
    uid = process.getuid?.() ?? userInfo().username;
  } catch {
    uid = 'user';
  }
  return join(tmpdir(), `ocpp-sim-${uid}`);
}

/** Writes this run's file; returns the function that removes it (also run at process exit). */
export function announceRun(info: RunInfo): () => void {
  const dir = runsDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = join(dir, `control-${info.pid}.json`);
  writeFileSync(file, JSON.stringify(info) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    rmSync(file, { force: true });
  };
  process.on('exit', remove);
  return remove;
}

/** The runs on this machine (of this user) that have a control port, oldest first. */
export function findRuns(): RunInfo[] {
  const dir = runsDir();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const runs: RunInfo[] = [];
  for (const name of names) {
    if (!/^control-\d+\.json$/.test(name)) continue;
    try {
      const info = JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunInfo;
      if (typeof info.url === 'string' && typeof info.token === 'string' && Number.isInteger(info.pid) && alive(info.pid)) runs.push(info);
    } catch {
      // half-written or foreign: not a run
    }
  }
  return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
