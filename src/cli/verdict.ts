/**
 * The pass/fail verdict of a run, from the merged fleet numbers. Every reason that fails a run is
 * named, so the summary can say why the exit code is what it is.
 */
import type { FleetStats } from '../metrics/fleet-stats.js';
import type { ThresholdResult } from '../report/thresholds.js';
import { ExitCode } from './exit-codes.js';

/** Why a run stopped before its duration was up. */
export interface RunAbort {
  /** 'signal': SIGINT or SIGTERM from outside (exit 105); 'abort-on-fail': --abort-on-fail stopped it (exit 1). */
  by: 'signal' | 'abort-on-fail';
  /** The signal, for `by: 'signal'`; null otherwise. */
  signal: NodeJS.Signals | null;
  /** When it happened (ms epoch), and how far into the simulation (ms; 0 during worker start-up). */
  at: number;
  afterMs: number;
  /** In words: `interrupted by SIGINT after 9.5s of 60s`, or the failure --abort-on-fail stopped on. */
  reason: string;
}

export interface VerdictOptions {
  /** Charge points the run was asked for. */
  total: number;
  /** Don't fail the run on schema-invalid CSMS messages (still counted and shown). */
  allowInvalid: boolean;
  /** Crashed workers. */
  workerErrors: readonly string[];
  /** Threshold verdicts (--threshold, a plan's thresholds:): each failed one is a reason. */
  thresholds?: readonly ThresholdResult[];
  /** Why the run stopped early (a signal, --abort-on-fail), if it did. */
  aborted?: RunAbort;
}

export interface Verdict {
  passed: boolean;
  reasons: string[];
  /** Worth saying, but not a failure of the CSMS (e.g. a run shorter than its ramp-up). */
  notes: string[];
  /** Every threshold's verdict, in the order given (absent without thresholds). */
  thresholds?: ThresholdResult[];
  /** Why the run stopped early (a signal, --abort-on-fail), if it did. */
  aborted?: RunAbort;
}

/**
 * The exit code of a verdict: 105 for a run interrupted from outside, whatever else it found (as
 * k6 does: "cut short" is what CI must see first), else 1 when it failed, else 0.
 */
export function exitCodeOf(v: Verdict): ExitCode {
  if (v.aborted?.by === 'signal') return ExitCode.Interrupted;
  return v.passed ? ExitCode.Ok : ExitCode.Failed;
}

/**
 * Whether expectations still pending when the run ended fail it: yes — a test step that never
 * happened is not a pass — unless the run was cut short (a signal, --abort-on-fail: it fails for
 * that already, and its pending steps never had their time) or a threshold on `expectations`
 * governs them. Shared with the JUnit writer, which marks pending sites accordingly.
 */
export function pendingFails(run: { aborted: boolean; thresholdMetrics: readonly string[] }): boolean {
  return !run.aborted && !run.thresholdMetrics.some((m) => (GOVERNED[m] ?? []).includes('pendingExpectations'));
}

/**
 * Built-in rules a threshold on the same figure replaces: `errors(StartTransaction) < 5` tolerates
 * a few CALLERRORs of StartTransaction, which the built-in rule (any CALLERROR fails) would not;
 * errors of other actions still fail the run unless `errors(*)` governs them too. What a replaced
 * rule would have said becomes a note.
 */
const GOVERNED: Readonly<Record<string, readonly Rule[]>> = {
  errors: ['callErrors', 'timeouts', 'invalidResponses'],
  timeouts: ['timeouts'],
  booted: ['neverBooted'],
  expectations: ['expectations', 'pendingExpectations'],
};
type Rule = 'callErrors' | 'timeouts' | 'invalidResponses' | 'neverBooted' | 'expectations' | 'pendingExpectations';

export function verdict(stats: FleetStats, opts: VerdictOptions): Verdict {
  // Rules governed by a threshold, per action ('*' = every action) for the per-action figures.
  const governed = new Set<string>();
  for (const t of opts.thresholds ?? []) {
    const scope = t.metric === 'errors' || t.metric === 'timeouts' ? (t.arg ?? '*') : '*';
    for (const rule of GOVERNED[t.metric] ?? []) governed.add(`${rule}:${scope}`);
  }
  const isGoverned = (rule: Rule, action = '*') => governed.has(`${rule}:*`) || governed.has(`${rule}:${action}`);
  const failures: string[] = [];
  const notes: string[] = [];
  // An interruption first: it is what the exit code (105) says.
  if (opts.aborted?.by === 'signal') failures.push(opts.aborted.reason);
  // A built-in rule whose figure a threshold governs becomes a note instead of a failure.
  const reasons = {
    push(text: string, rule?: Rule, governedHere = rule !== undefined && isGoverned(rule)) {
      if (governedHere) notes.push(`${text} (not a failure by itself: a threshold governs it)`);
      else failures.push(text);
    },
  };
  const booted = stats.total('chargePointsBooted');
  const rejected = stats.total('bootsRejected');
  if (opts.workerErrors.length > 0) reasons.push(`${opts.workerErrors.length} worker(s) crashed; ${stats.lost} charge points lost`);
  if (rejected > 0) reasons.push(`${rejected} BootNotification(s) rejected`);
  // Charge points whose first connection was planned after the run ended (ramp-up, boot jitter) never
  // had a chance: that is the run's length, not the CSMS's doing.
  const started = stats.total('chargePointsStarted');
  if (started < opts.total - stats.lost) {
    const why = opts.aborted ? 'the run was stopped early' : "ramp-up or the profile's boot jitter is longer than --duration";
    notes.push(`${opts.total - stats.lost - started} of ${opts.total} charge points had not started when the run ended (${why})`);
  }
  if (booted < started) reasons.push(`${started - booted} of ${opts.total} charge points never booted`, 'neverBooted');
  // Per-action figures: those of actions a threshold governs are counted apart (they become notes).
  const counts = { callErrors: [0, 0], timeouts: [0, 0], invalidResponses: [0, 0] };
  let badCalls = 0;
  for (const a of stats.actions()) {
    for (const rule of ['callErrors', 'timeouts', 'invalidResponses'] as const) counts[rule][isGoverned(rule, a.action) ? 1 : 0] += a[rule];
    badCalls += a.invalidCalls;
  }
  const perAction = (rule: keyof typeof counts, text: (n: number) => string) => {
    if (counts[rule][0] > 0) reasons.push(text(counts[rule][0]), rule, false);
    if (counts[rule][1] > 0) reasons.push(text(counts[rule][1]), rule, true);
  };
  const failedExpectations = stats.total('expectationsFailed');
  if (failedExpectations > 0) reasons.push(`${failedExpectations} scenario expectation(s) failed`, 'expectations');
  const pending = stats.total('expectationsPending');
  if (pending > 0) {
    const text = `${pending} scenario expectation(s) still pending when the run ended`;
    if (opts.aborted) notes.push(`${text} (not a failure by itself: the run was stopped early)`);
    else reasons.push(text, 'pendingExpectations');
  }
  perAction('callErrors', (n) => `${n} call(s) answered with CALLERROR`);
  perAction('timeouts', (n) => `${n} call(s) timed out`);
  const badFrames = stats.total('badFrames');
  if (!opts.allowInvalid) {
    perAction('invalidResponses', (n) => `${n} schema-invalid response(s) from the CSMS`);
    if (badCalls > 0) reasons.push(`${badCalls} schema-invalid call(s) from the CSMS`);
    if (badFrames > 0) reasons.push(`${badFrames} malformed frame(s) from the CSMS`);
  }
  const thresholds = [...(opts.thresholds ?? [])];
  for (const t of thresholds) if (!t.passed) failures.push(`threshold ${t.expression} failed (actual ${t.actualText})`);
  if (opts.aborted?.by === 'abort-on-fail') failures.push(`aborted early (--abort-on-fail): ${opts.aborted.reason}`);
  return {
    passed: failures.length === 0,
    reasons: failures,
    notes,
    ...(thresholds.length > 0 ? { thresholds } : {}),
    ...(opts.aborted ? { aborted: opts.aborted } : {}),
  };
}
