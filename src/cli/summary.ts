/**
 * What a person reads: the live progress line during a run and the summary at its end.
 */
import chalk from 'chalk';
import type { FleetStats } from '../metrics/fleet-stats.js';
import { formatDuration } from '../util/duration.js';
import type { Verdict } from './verdict.js';

/** One line of live progress: elapsed, charge points by state, call rate, p95, errors, transactions, energy. */
export function progressLine(stats: FleetStats, elapsedMs: number, callsPerSec: number): string {
  const s = stats.states();
  let errors = 0;
  for (const a of stats.actions()) errors += a.errors;
  const parts = [
    formatDuration(elapsedMs).padStart(6),
    `booted ${stats.total('chargePointsBooted')}`,
    `charging ${s.charging}`,
    s.offline ? chalk.yellow(`offline ${s.offline}`) : `offline 0`,
    s.connecting ? `connecting ${s.connecting}` : '',
    `${Math.round(callsPerSec)} calls/s`,
    `p95 ${stats.overallQuantile(0.95)} ms`,
    errors ? chalk.red(`errors ${errors}`) : 'errors 0',
    `tx ${stats.total('transactionsStarted')}/${stats.total('transactionsCompleted')}`,
    `${(stats.total('energyWh') / 1000).toFixed(1)} kWh`,
  ];
  return parts.filter(Boolean).join(' · ');
}

/** The end-of-run summary: per-action table, fleet figures, problems seen, verdict. */
export function summary(stats: FleetStats, total: number, elapsedMs: number, v: Verdict): string {
  const out: string[] = [];
  const actions = stats.actions();
  const head = ['action', 'sent', 'recv', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
  const rows = actions.map((a) => [
    a.action,
    String(a.sent),
    String(a.received),
    String(a.errors + a.errorsSent),
    fmt(a.p50Ms, a.sent),
    fmt(a.p95Ms, a.sent),
    fmt(a.p99Ms, a.sent),
    fmt(a.maxMs, a.sent),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  out.push('', chalk.bold(`Summary after ${formatDuration(elapsedMs)}`), chalk.dim(line(head)));
  for (const r of rows) out.push(Number(r[3]) > 0 ? chalk.red(line(r)) : line(r));
  const totalCalls = actions.reduce((n, a) => n + a.sent, 0);
  out.push(
    '',
    `charge points  ${stats.total('chargePointsBooted')}/${total} booted · boots accepted ${stats.total('bootsAccepted')}, pending ${stats.total('bootsPending')}, rejected ${stats.total('bootsRejected')}`,
    `transactions   ${stats.total('transactionsStarted')} started · ${stats.total('transactionsCompleted')} completed · ${stats.total('transactionsRejected')} refused`,
    `energy         ${(stats.total('energyWh') / 1000).toFixed(2)} kWh`,
    ...(stats.total('expectationsPassed') + stats.total('expectationsFailed') > 0
      ? [`expectations   ${stats.total('expectationsPassed')} passed · ${stats.total('expectationsFailed')} failed`]
      : []),
    `calls          ${totalCalls} sent · ${(totalCalls / Math.max(1, elapsedMs / 1000)).toFixed(1)}/s · reconnects ${stats.total('reconnects')} · failed connects ${stats.total('connectFailures')} · bad frames ${stats.total('badFrames')}`,
  );
  if (stats.problems.length > 0) {
    out.push('', chalk.yellow(`Problems (${stats.problemCount}, first ${stats.problems.length}):`));
    for (const p of stats.problems.slice(0, 15)) out.push(`  ${p}`);
  }
  out.push('');
  for (const note of v.notes) out.push(chalk.yellow(`Note: ${note}`));
  out.push(v.passed ? chalk.green('PASSED') : chalk.red(`FAILED: ${v.reasons.join('; ')}`));
  return out.join('\n');
}

function fmt(ms: number, n: number): string {
  return n > 0 ? ms.toFixed(ms < 10 ? 2 : 1) : '-';
}
