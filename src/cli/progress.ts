/**
 * Live progress for the three ways a run is watched: a refreshing status block on a terminal, a plain
 * line every few seconds in CI logs, and one JSON object per line for log pipelines (--json-logs).
 * All three read the same {@link Progress} figures, taken from the merged fleet counters once a second.
 */
import chalk from 'chalk';
import type { FleetStats } from '../metrics/fleet-stats.js';
import type { CpState } from '../metrics/shard-stats.js';
import { formatDuration } from '../util/duration.js';

/** One second's view of the fleet. */
export interface Progress {
  elapsedMs: number;
  total: number;
  states: Record<CpState, number>;
  booted: number;
  callsPerSec: number;
  p95Ms: number;
  errors: number;
  txStarted: number;
  txCompleted: number;
  energyWh: number;
  reconnects: number;
}

export type ProgressMode = 'tty' | 'plain' | 'json' | 'quiet';

const PLAIN_EVERY_MS = 5000;

/** Looks back this many takes (one a second) for the call rate. */
const RATE_WINDOW = 5;

/**
 * The fleet's progress at each look. The call rate is taken over the last few looks, not the last
 * one alone: shards (and a multi-process fleet's children) report once a second on their own clocks,
 * so one second may hold two of a shard's reports and the next none — "0 calls/s" on a busy fleet.
 */
export class ProgressMeter {
  /** Calls counted and when, for the last RATE_WINDOW looks (oldest first). */
  private readonly seen: { calls: number; at: number }[];

  constructor(
    private readonly stats: FleetStats,
    private readonly total: number,
    private readonly startedAt: number,
  ) {
    this.seen = [{ calls: 0, at: startedAt }];
  }

  take(now: number): Progress {
    const { stats } = this;
    let calls = 0;
    let errors = 0;
    for (const a of stats.actions()) {
      calls += a.sent + a.received;
      errors += a.errors;
    }
    const from = this.seen[0];
    const callsPerSec = ((calls - from.calls) * 1000) / Math.max(1, now - from.at);
    this.seen.push({ calls, at: now });
    if (this.seen.length > RATE_WINDOW) this.seen.shift();
    return {
      elapsedMs: now - this.startedAt,
      total: this.total,
      states: stats.states(),
      booted: stats.total('chargePointsBooted'),
      callsPerSec: Math.round(callsPerSec),
      p95Ms: stats.overallQuantile(0.95),
      errors,
      txStarted: stats.total('transactionsStarted'),
      txCompleted: stats.total('transactionsCompleted'),
      energyWh: Math.round(stats.total('energyWh')),
      reconnects: stats.total('reconnects'),
    };
  }
}

/** Writes progress in the chosen mode; `clear()` removes a terminal block before the summary. */
export class ProgressView {
  private blockLines = 0;
  private lastPlainAt = -Infinity;

  constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number },
    readonly mode: ProgressMode,
  ) {}

  show(p: Progress): void {
    switch (this.mode) {
      case 'tty': {
        const width = Math.max(20, (this.out.columns || 100) - 1);
        const lines = statusBlock(p).map((l) => truncate(l, width));
        // Back to the top of the previous block, then rewrite it line by line.
        const up = this.blockLines > 0 ? `\x1b[${this.blockLines}F` : '';
        this.out.write(up + lines.map((l) => `\x1b[2K${l}`).join('\n') + '\n');
        this.blockLines = lines.length;
        return;
      }
      case 'plain':
        if (p.elapsedMs - this.lastPlainAt < PLAIN_EVERY_MS) return;
        this.lastPlainAt = p.elapsedMs;
        this.out.write(`${progressLine(p)}\n`);
        return;
      case 'json':
        this.out.write(`${JSON.stringify({ time: new Date().toISOString(), event: 'progress', ...p })}\n`);
        return;
      case 'quiet':
        return;
    }
  }

  /** A message between progress updates (a warning, "stopping…"): it stays above the block. */
  note(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    if (this.mode === 'json') {
      this.out.write(`${JSON.stringify({ time: new Date().toISOString(), event: 'log', level, message: text })}\n`);
      return;
    }
    this.clear();
    const colour = level === 'error' ? chalk.red : level === 'warn' ? chalk.yellow : (s: string) => s;
    this.out.write(`${colour(text)}\n`);
  }

  clear(): void {
    if (this.mode !== 'tty' || this.blockLines === 0) return;
    this.out.write(`\x1b[${this.blockLines}F\x1b[0J`);
    this.blockLines = 0;
  }
}

/** The terminal block: one line per subject, figures that changed for the worse in colour. */
export function statusBlock(p: Progress): string[] {
  const s = p.states;
  const label = (t: string) => chalk.dim(t.padEnd(14));
  const cps = [
    `${p.booted}/${p.total} booted`,
    `${s.charging} charging`,
    s.connecting ? `${s.connecting} connecting` : '',
    s.offline ? chalk.yellow(`${s.offline} offline`) : '0 offline',
    s.faulted ? chalk.red(`${s.faulted} faulted`) : '',
  ];
  return [
    `${chalk.bold('ocpp-sim')} ${chalk.dim('·')} ${formatDuration(p.elapsedMs)}`,
    label('charge points') + join(cps),
    label('calls') + join([`${p.callsPerSec}/s`, `p95 ${p.p95Ms} ms`, p.errors ? chalk.red(`${p.errors} errors`) : '0 errors', `${p.reconnects} reconnects`]),
    label('transactions') + join([`${p.txStarted} started`, `${p.txCompleted} completed`]),
    label('energy') + `${(p.energyWh / 1000).toFixed(1)} kWh`,
  ];
}

/** One line for logs: elapsed, charge points by state, call rate, p95, errors, transactions, energy. */
export function progressLine(p: Progress): string {
  const s = p.states;
  return join([
    formatDuration(p.elapsedMs).padStart(6),
    `booted ${p.booted}/${p.total}`,
    `charging ${s.charging}`,
    `offline ${s.offline}`,
    s.connecting ? `connecting ${s.connecting}` : '',
    s.faulted ? `faulted ${s.faulted}` : '',
    `${p.callsPerSec} calls/s`,
    `p95 ${p.p95Ms} ms`,
    `errors ${p.errors}`,
    `tx ${p.txStarted}/${p.txCompleted}`,
    `${(p.energyWh / 1000).toFixed(1)} kWh`,
  ]);
}

function join(parts: string[]): string {
  return parts.filter(Boolean).join(chalk.dim(' · '));
}

/** Cuts a line (which may hold colour codes) to `width` visible characters, so the block never wraps. */
function truncate(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      out += line.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible === width) return out + '\x1b[0m';
    out += line[i];
    visible++;
  }
  return out;
}
