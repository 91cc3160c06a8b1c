/**
 * What a person reads at the end of a run (live progress is in progress.ts).
 */
import chalk from 'chalk';
import type { FleetStats } from '../metrics/fleet-stats.js';
import { formatDuration } from '../util/duration.js';
import type { Verdict } from './verdict.js';
import { formatResult } from '../report/thresholds.js';

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
  if (v.thresholds && v.thresholds.length > 0) {
    out.push('', chalk.bold('Thresholds'));
    for (const t of v.thresholds) out.push((t.passed ? chalk.green : chalk.red)(`  ${formatResult(t)}`));
  }
  if (v.aborted) out.push('', chalk.red(`Aborted early (--abort-on-fail): ${v.aborted}`));
  out.push('');
  for (const note of v.notes) out.push(chalk.yellow(`Note: ${note}`));
  out.push(v.passed ? chalk.green('PASSED') : chalk.red(`FAILED: ${v.reasons.join('; ')}`));
  out.push(chalk.dim(v.passed ? 'exit code 0: every check held' : `exit code 1: ${v.reasons.length} reason(s) above`));
  return out.join('\n');
}

function fmt(ms: number, n: number): string {
  return n > 0 ? ms.toFixed(ms < 10 ? 2 : 1) : '-';
}
