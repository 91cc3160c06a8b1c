/**
 * The pass/fail verdict of a run, from the merged fleet numbers. Every reason that fails a run is
 * named, so the summary can say why the exit code is what it is.
 */
import type { FleetStats } from '../metrics/fleet-stats.js';

export interface VerdictOptions {
  /** Charge points the run was asked for. */
  total: number;
  /** Don't fail the run on schema-invalid CSMS messages (still counted and shown). */
  allowInvalid: boolean;
  /** Crashed workers. */
  workerErrors: readonly string[];
}

export interface Verdict {
  passed: boolean;
  reasons: string[];
  /** Worth saying, but not a failure of the CSMS (e.g. a run shorter than its ramp-up). */
  notes: string[];
}

export function verdict(stats: FleetStats, opts: VerdictOptions): Verdict {
  const reasons: string[] = [];
  const booted = stats.total('chargePointsBooted');
  const rejected = stats.total('bootsRejected');
  if (opts.workerErrors.length > 0) reasons.push(`${opts.workerErrors.length} worker(s) crashed; ${stats.lost} charge points lost`);
  if (rejected > 0) reasons.push(`${rejected} BootNotification(s) rejected`);
  // Charge points whose first connection was planned after the run ended (ramp-up, boot jitter) never
  // had a chance: that is the run's length, not the CSMS's doing.
  const started = stats.total('chargePointsStarted');
  const notes: string[] = [];
  if (started < opts.total - stats.lost) {
    notes.push(`${opts.total - stats.lost - started} of ${opts.total} charge points had not started when the run ended (ramp-up or the profile's boot jitter is longer than --duration)`);
  }
  if (booted < started) reasons.push(`${started - booted} of ${opts.total} charge points never booted`);
  let callErrors = 0;
  let timeouts = 0;
  let invalid = 0;
  let badCalls = 0;
  for (const a of stats.actions()) {
    callErrors += a.callErrors;
    timeouts += a.timeouts;
    invalid += a.invalidResponses;
    badCalls += a.invalidCalls;
  }
  const failedExpectations = stats.total('expectationsFailed');
  if (failedExpectations > 0) reasons.push(`${failedExpectations} scenario expectation(s) failed`);
  if (callErrors > 0) reasons.push(`${callErrors} call(s) answered with CALLERROR`);
  if (timeouts > 0) reasons.push(`${timeouts} call(s) timed out`);
  const badFrames = stats.total('badFrames');
  if (!opts.allowInvalid) {
    if (invalid > 0) reasons.push(`${invalid} schema-invalid response(s) from the CSMS`);
    if (badCalls > 0) reasons.push(`${badCalls} schema-invalid call(s) from the CSMS`);
    if (badFrames > 0) reasons.push(`${badFrames} malformed frame(s) from the CSMS`);
  }
  return { passed: reasons.length === 0, reasons, notes };
}
