/**
 * CPU time and RSS of this process and every descendant (a multi-process fleet's children), read
 * from /proc: the benchmark's figures for a fleet spread over processes are the whole tree's.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc's CPU times are in these ticks (100 on every mainstream architecture). */
const TICKS_PER_SEC = 100;

interface ProcStat {
  ppid: number;
  cpuUs: number;
  rssBytes: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 (state) on.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const utime = Number(f[11]);
    const stime = Number(f[12]);
    const rssPages = Number(f[21]);
    return { ppid: Number(f[1]), cpuUs: ((utime + stime) * 1e6) / TICKS_PER_SEC, rssBytes: rssPages * 4096 };
  } catch {
    return undefined;
  }
}

/** The descendants of `root` (not itself) alive now. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const s = readStat(pid);
    if (s) parent.set(pid, s.ppid);
  }
  const out: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const p = frontier.pop()!;
    for (const [pid, pp] of parent) if (pp === p) (out.push(pid), frontier.push(pid));
  }
  return out;
}

/** CPU (µs, user + system) and RSS (bytes) of this process and its descendants, but those of `except`. */
export function treeUsage(except: readonly number[] = []): { cpuUs: number; rssBytes: number } {
  const self = process.cpuUsage();
  let cpuUs = self.user + self.system;
  let rssBytes = process.memoryUsage().rss;
  for (const pid of descendants(process.pid)) {
    if (except.includes(pid)) continue;
    const s = readStat(pid);
    if (s) (cpuUs += s.cpuUs), (rssBytes += s.rssBytes);
  }
  return { cpuUs, rssBytes };
}
