/**
 * The pass/fail verdict of a run, from the merged fleet numbers. Every reason that fails a run is
 * named, so the summary can say why the exit code is what it is.
 */
import type { FleetStats } from '../metrics/fleet-stats.js';
import type { ThresholdResult } from '../report/thresholds.js';
import { formatDuration } from '../util/duration.js';
import { ExitCode } from './exit-codes.js';
import type { Unreachable } from './unreachable.js';

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
  /** The run gave up on a CSMS no charge point could reach (--give-up-after), if it did. */
  unreachable?: Unreachable;
  /** How long the graceful stop waited for undelivered messages (--graceful-stop), for the reason's text. */
  gracefulStopMs?: number;
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
  /** Why the run gave up on a CSMS no charge point could reach, and what to check, if it did. */
  unreachable?: Unreachable;
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
 * Built-in rules a threshold on the same figure replaces: `errors(StartTransaction) < 5` tolerates
 * a few CALLERRORs of StartTransaction, which the built-in rule (any CALLERROR fails) would not;
 * errors of other actions still fail the run unless `errors(*)` governs them too. What a replaced
 * rule would have said becomes a note.
 */
const GOVERNED: Readonly<Record<string, readonly Rule[]>> = {
  errors: ['callErrors', 'timeouts', 'invalidResponses'],
  timeouts: ['timeouts'],
  booted: ['neverBooted'],
  expectations: ['expectations'],
  undelivered: ['undelivered'],
  dropped: ['dropped'],
};
type Rule = 'callErrors' | 'timeouts' | 'invalidResponses' | 'neverBooted' | 'expectations' | 'undelivered' | 'dropped';
/** Thresholds whose argument is an action: they govern their rule for that action only. */
const PER_ACTION = new Set(['errors', 'timeouts', 'undelivered', 'dropped']);

/**
 * An action as reasons and the summary name it: `Heartbeat`, or `Heartbeat@2.0.1` (the threshold
 * syntax) when the run's charge points speak more than one OCPP version.
 */
export function actionName(a: { action: string; protocol: string }, mixed: boolean): string {
  return mixed ? `${a.action}@${a.protocol}` : a.action;
}

export function verdict(stats: FleetStats, opts: VerdictOptions): Verdict {
  // Rules governed by a threshold, per action and OCPP version ('*' = every action, every version)
  // for the per-action figures: `errors(Heartbeat@2.0.1)` governs 2.0.1 Heartbeats only.
  const governed = new Set<string>();
  for (const t of opts.thresholds ?? []) {
    const scope = PER_ACTION.has(t.metric) ? `${t.arg ?? '*'}@${t.protocol ?? '*'}` : '*@*';
    for (const rule of GOVERNED[t.metric] ?? []) governed.add(`${rule}:${scope}`);
  }
  const isGoverned = (rule: Rule, action = '*', protocol = '*') =>
    [`*@*`, `${action}@*`, `*@${protocol}`, `${action}@${protocol}`].some((scope) => governed.has(`${rule}:${scope}`));
  const mixed = stats.protocols().size > 1;
  const failures: string[] = [];
  const notes: string[] = [];
  // An interruption first: it is what the exit code (105) says.
  if (opts.aborted?.by === 'signal') failures.push(opts.aborted.reason);
  if (opts.unreachable) failures.push(opts.unreachable.reason);
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
  const counts = { callErrors: [0, 0], timeouts: [0, 0], invalidResponses: [0, 0], undelivered: [0, 0], dropped: [0, 0] };
  const named = { undelivered: [[], []] as string[][], dropped: [[], []] as string[][] };
  let badCalls = 0;
  const unknown: string[] = [];
  let unknownCalls = 0;
  let badCodes = 0;
  const actions = stats.actions();
  for (const a of actions) {
    for (const rule of ['callErrors', 'timeouts', 'invalidResponses', 'undelivered', 'dropped'] as const) {
      const g = isGoverned(rule, a.action, a.protocol) ? 1 : 0;
      counts[rule][g] += a[rule];
      if ((rule === 'undelivered' || rule === 'dropped') && a[rule] > 0) named[rule][g].push(`${actionName(a, mixed)} ${a[rule]}`);
    }
    badCalls += a.invalidCalls;
    badCodes += a.badErrorCodes;
    unknownCalls += a.unknownCalls;
    if (a.unknownCalls > 0) unknown.push(actionName(a, mixed));
  }
  const perAction = (rule: keyof typeof counts, text: (n: number, g: 0 | 1) => string) => {
    if (counts[rule][0] > 0) reasons.push(text(counts[rule][0], 0), rule, false);
    if (counts[rule][1] > 0) reasons.push(text(counts[rule][1], 1), rule, true);
  };
  // Nothing lost in silence: a kept message still queued at the end, or dropped from a full queue,
  // fails the run unless a threshold (undelivered(…), dropped(…)) says how much is tolerated.
  const ranOut = stats.total('stopUnfinished');
  const grace = opts.gracefulStopMs !== undefined ? ` (${formatDuration(opts.gracefulStopMs)})` : '';
  perAction(
    'undelivered',
    (n, g) =>
      `${n} message(s) never delivered to the CSMS (${named.undelivered[g].join(', ')}): the graceful stop${grace} ran out with ${ranOut} charge point(s) still delivering`,
  );
  perAction('dropped', (n, g) => `${n} message(s) dropped during the run (${named.dropped[g].join(', ')}): a full queue, or a transaction the CSMS never confirmed`);
  const failedExpectations = stats.total('expectationsFailed');
  if (failedExpectations > 0) reasons.push(`${failedExpectations} scenario expectation(s) failed`, 'expectations');
  // A step the run ended before is undecided, not failed (k6 does not fail iterations cut off at the
  // end either): a note, which `expectations(pending) == 0` turns into a failure for those who want it.
  const pending = stats.total('expectationsPending');
  if (pending > 0) {
    const why = opts.aborted ? 'the run was stopped early' : 'the run ended before their time was up';
    notes.push(`${pending} scenario expectation(s) still pending when the run ended (${why}; not a failure by itself)`);
  }
  perAction('callErrors', (n) => `${n} call(s) answered with CALLERROR`);
  perAction('timeouts', (n) => `${n} call(s) timed out`);
  const badFrames = stats.total('badFrames');
  if (!opts.allowInvalid) {
    perAction('invalidResponses', (n) => `${n} schema-invalid response(s) from the CSMS`);
    if (badCalls > 0) reasons.push(`${badCalls} schema-invalid call(s) from the CSMS`);
    if (unknownCalls > 0) reasons.push(`${unknownCalls} call(s) of unknown actions from the CSMS (${unknown.join(', ')}), answered NotImplemented`);
    if (badCodes > 0) reasons.push(`${badCodes} CALLERROR(s) from the CSMS with a code outside its OCPP version's table`);
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
    ...(opts.unreachable ? { unreachable: opts.unreachable } : {}),
  };
}
