/**
 * What a person reads at the end of a run (live progress is in progress.ts).
 */
import chalk from 'chalk';
import type { ActionSummary, FleetStats } from '../metrics/fleet-stats.js';
import { printable } from '../util/printable.js';
import { formatDuration } from '../util/duration.js';
import { actionName, type Verdict } from './verdict.js';
import { ExitCode } from './exit-codes.js';
import { formatResult } from '../report/thresholds.js';

/** Problem messages the summary shows (the report has every one kept). */
const SHOWN_PROBLEMS = 15;
/** Pending expectation sites the summary names (the report has them all). */
const SHOWN_PENDING_SITES = 10;

/**
 * The end-of-run summary: per-action table, fleet figures, pending expectations, problems seen,
 * thresholds, and why the run stopped early if it did. The verdict and the exit code follow it
 * ({@link closing}), after the report files are written.
 */
export function summary(stats: FleetStats, total: number, elapsedMs: number, v: Verdict): string {
  const out: string[] = [];
  const actions = stats.actions();
  const protocols = stats.protocols();
  // One version: said once in the header. Several: a column, as a 1.6 and a 2.0.1 Heartbeat are different rows.
  const mixed = protocols.size > 1;
  const head = ['action', ...(mixed ? ['ocpp'] : []), 'sent', 'recv', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
  const rows = actions.map((a) => [
    printable(a.action),
    ...(mixed ? [a.protocol] : []),
    String(a.sent),
    String(a.received),
    String(a.errors + a.errorsSent),
    fmt(a.p50Ms),
    fmt(a.p95Ms),
    fmt(a.p99Ms),
    fmt(a.maxMs),
  ]);
  const text = mixed ? 2 : 1;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < text ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  out.push('', chalk.bold(`Summary after ${formatDuration(elapsedMs)}${versions(protocols)}`), chalk.dim(line(head)));
  for (const [k, a] of actions.entries()) out.push(a.errors + a.errorsSent > 0 ? chalk.red(line(rows[k])) : line(rows[k]));
  const totalCalls = actions.reduce((n, a) => n + a.sent, 0);
  const [passed, failed, pending] = [stats.total('expectationsPassed'), stats.total('expectationsFailed'), stats.total('expectationsPending')];
  out.push(
    '',
    `charge points  ${stats.total('chargePointsBooted')}/${total} booted · boots accepted ${stats.total('bootsAccepted')}, pending ${stats.total('bootsPending')}, rejected ${stats.total('bootsRejected')}`,
    `transactions   ${stats.total('transactionsStarted')} started · ${stats.total('transactionsCompleted')} completed · ${stats.total('transactionsRejected')} refused`,
    `energy         ${(stats.total('energyWh') / 1000).toFixed(2)} kWh`,
    ...(passed + failed + pending > 0 ? [`expectations   ${passed} passed · ${failed} failed · ${pending} pending`, ...pendingSites(stats)] : []),
    ...manual(stats),
    `calls          ${totalCalls} sent · ${(totalCalls / Math.max(1, elapsedMs / 1000)).toFixed(1)}/s · bad frames ${stats.total('badFrames')}${lateAnswers(actions)}`,
    ...delivery(stats, actions, mixed),
    ...connections(stats),
    ...unknownActions(actions, mixed),
  );
  if (v.unreachable) out.push('', chalk.red(v.unreachable.reason), ...v.unreachable.hints.map((h) => `  ${printable(h)}`));
  out.push(...problems(stats));
  if (v.thresholds && v.thresholds.length > 0) {
    out.push('', chalk.bold('Thresholds'));
    for (const t of v.thresholds) out.push((t.passed ? chalk.green : chalk.red)(`  ${formatResult(t)}`));
  }
  if (v.aborted?.by === 'signal') out.push('', chalk.red(`${capitalize(v.aborted.reason)}: stopped gracefully; the figures are the run's up to then`));
  if (v.aborted?.by === 'abort-on-fail') out.push('', chalk.red(`Aborted early (--abort-on-fail): ${v.aborted.reason}`));
  return out.join('\n');
}

/**
 * The last lines of a run: notes, the verdict with its reasons, and the exit code the process
 * really exits with — decided after the report files were written (`unwritten` names those that
 * could not be), so nothing printed after it can contradict it.
 */
export function closing(v: Verdict, exitCode: number, unwritten: readonly string[] = []): string[] {
  const out = [''];
  // Reasons and notes may quote the CSMS (an unknown action's name): escaped like everything from the network.
  for (const note of v.notes) out.push(chalk.yellow(`Note: ${printable(note)}`));
  out.push(v.passed ? chalk.green('PASSED') : chalk.red(`FAILED: ${printable(v.reasons.join('; '))}`));
  out.push((exitCode === ExitCode.Ok ? chalk.dim : chalk.bold)(`exit code ${exitCode}: ${exitReason(v, exitCode, unwritten)}`));
  return out;
}

function exitReason(v: Verdict, exitCode: number, unwritten: readonly string[]): string {
  const files = unwritten.length > 0 ? `${unwritten.join(' and ')} could not be written` : '';
  if (exitCode === ExitCode.Interrupted) return `interrupted by ${v.aborted?.signal ?? 'a signal'}: an interrupted run is not a pass${files ? `; ${files} either` : ''}`;
  if (!v.passed) return `${v.reasons.length} reason(s) above${files ? `; ${files} either` : ''}`;
  if (files) return `the run passed, but ${files}`;
  return 'every check held';
}

/** `· N late answers` when calls were answered after their timeout (counted as timeouts; not errors again). */
function lateAnswers(actions: readonly ActionSummary[]): string {
  const n = actions.reduce((sum, a) => sum + a.lateAnswers, 0);
  return n > 0 ? ` · ${n} answered after their timeout` : '';
}

/** ` · OCPP 1.6`, or ` · OCPP 1.6 (20 charge points), 2.0.1 (10)`; nothing before any charge point reported. */
function versions(protocols: ReadonlyMap<string, number>): string {
  if (protocols.size === 0) return '';
  if (protocols.size === 1) return ` · OCPP ${[...protocols.keys()][0]}`;
  return ` · OCPP ${[...protocols].map(([p, n], i) => `${p} (${n}${i === 0 ? ' charge points' : ''})`).join(', ')}`;
}

/** What never reached the CSMS, per action: left at the end of the graceful stop, or dropped during the run. */
function delivery(stats: FleetStats, actions: readonly ActionSummary[], mixed: boolean): string[] {
  const out: string[] = [];
  const list = (field: 'undelivered' | 'dropped') =>
    actions
      .filter((a) => a[field] > 0)
      .map((a) => `${actionName(a, mixed)} ${a[field]}`)
      .join(', ');
  const undelivered = actions.reduce((n, a) => n + a.undelivered, 0);
  const dropped = actions.reduce((n, a) => n + a.dropped, 0);
  if (undelivered > 0) {
    const left = stats.total('stopUnfinished');
    out.push(chalk.red(`undelivered    ${undelivered} (${list('undelivered')}): the graceful stop ran out with ${left} charge point(s) still delivering`));
  }
  if (dropped > 0) out.push(chalk.red(`dropped        ${dropped} (${list('dropped')}): a full queue (--queue-limit) or a transaction the CSMS never confirmed`));
  return out;
}

/** Connection figures, and what failed connection attempts said, by cause. */
function connections(stats: FleetStats): string[] {
  const early = stats.total('earlyCloses');
  const line = `connections    ${stats.total('linksOpened')} opened · reconnects ${stats.total('reconnects')} · failed attempts ${stats.total('connectFailures')}${early > 0 ? ` · ${early} closed by the CSMS before they proved themselves` : ''}`;
  const causes = stats.connectErrors().slice(0, 3).map((e) => `               ${e.cause} ×${e.count}: ${printable(e.sample)}`);
  return [early > 0 ? chalk.yellow(line) : line, ...causes];
}

/** The CSMS's calls of actions that do not exist (their names are the CSMS's: escaped). */
function unknownActions(actions: readonly ActionSummary[], mixed: boolean): string[] {
  const unknown = actions.filter((a) => a.unknownCalls > 0);
  if (unknown.length === 0) return [];
  return [chalk.red(`unknown        ${unknown.map((a) => `${printable(actionName(a, mixed))} ×${a.unknownCalls}`).join(', ')}: calls of actions OCPP does not have, answered NotImplemented`)];
}

/** Sites where charge points were still waiting for an expectation when the run ended. */
function pendingSites(stats: FleetStats): string[] {
  const sites = stats.expectationSites().filter((s) => s.pending > 0);
  const lines = sites.slice(0, SHOWN_PENDING_SITES).map((s) => `               ${s.pending} pending at ${s.site} ${s.label}`);
  if (sites.length > SHOWN_PENDING_SITES) lines.push(`               … ${sites.length - SHOWN_PENDING_SITES} more sites (see --report)`);
  return lines;
}

/**
 * The first problems, and what became of the rest: every problem is counted, but only the first
 * few messages are kept (a few per worker a second, 50 for the run) and fewer still are shown.
 */
function problems(stats: FleetStats): string[] {
  const count = stats.problemCount;
  if (count === 0) return [];
  const kept = stats.problems.length;
  const shown = stats.problems.slice(0, SHOWN_PROBLEMS);
  const out = ['', chalk.yellow(`Problems (${count}${shown.length < count ? `, first ${shown.length}` : ''}):`)];
  for (const p of shown) out.push(`  ${printable(p)}`);
  const more = [kept > shown.length ? `${kept - shown.length} more in the report` : '', count > kept ? `${count - kept} more not kept (counted only)` : ''].filter(Boolean);
  if (more.length > 0) out.push(chalk.dim(`  … ${more.join(', ')}`));
  return out;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A latency, or '-' when there is none (no answered call). */
function fmt(ms: number | null): string {
  return ms === null ? '-' : ms.toFixed(ms < 10 ? 2 : 1);
}

/** Manual actions through the control API, when there were any: `manual         fault 3 · plug 1`. */
function manual(stats: FleetStats): string[] {
  const m = Object.entries(stats.manualActions());
  return m.length === 0 ? [] : [`manual         ${m.map(([a, n]) => `${a} ${n}`).join(' · ')} (control API)`];
}
