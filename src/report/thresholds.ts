/**
 * Pass/fail thresholds on a run's figures (`--threshold`, a plan's `thresholds:`), parsed and
 * evaluated here; pure, no I/O. The grammar:
 *
 *   threshold := metric [ "(" arg ")" ] op number [ unit ]
 *   op        := "<" | "<=" | ">" | ">=" | "==" | "!="
 *   unit      := "ms" | "s"         latencies (a bare number is ms)
 *              | "/s" | "/m"        rates (a bare number is per second)
 *              | "%"                shares: booted (of the fleet), errors and timeouts (of the calls sent)
 *
 *   p50 p75 p90 p95 p99 p999 max (Action|*)   latency of the calls charge points sent, from the merged
 *                                             histograms (never averages); no calls → fails
 *   errors (Action|*)      CALLERRORs + timeouts + schema-invalid responses to the calls sent
 *   timeouts (Action|*)    calls the CSMS did not answer in time
 *   calls (Action|*)       calls sent + received
 *   undelivered (Action|*) kept messages (transaction messages…) still queued when the graceful stop ended
 *   dropped (Action|*)     calls dropped during the run (a full queue, an unconfirmed transaction's messages)
 *   rate (calls|messages|Action)   calls (sent + received) or WebSocket messages per second over the run
 *   booted                 charge points with a boot accepted (count, or % of the fleet)
 *   transactions (started|completed|rejected)
 *   expectations (passed|failed|pending)   scenario expectations (pending: still waited for at the end)
 *   reconnects
 *
 * `errors`, `timeouts`, `calls`, `undelivered` and `dropped` without an argument mean `(*)`. Examples: `p95(BootNotification) < 500ms`,
 * `p99(*) <= 2s`, `errors(*) == 0`, `rate(calls) > 1000/s`, `booted >= 99%`, `transactions(completed) >= 10`.
 *
 * An action (or `*`) may name an OCPP version: `Action@version`, the version as profiles write it
 * (`p95(TransactionEvent@2.0.1) < 1s`, `errors(*@1.6) == 0`). Then only that version's calls count;
 * without one, the action's calls in every version do (a 1.6 and a 2.0.1 Heartbeat alike). The
 * action must exist in the version named, or in some version without one.
 */
import { nearest } from '../config/errors.js';
import type { ActionSummary } from '../metrics/fleet-stats.js';
import type { TotalName } from '../metrics/shard-stats.js';
import { ACTIONS as ACTIONS_16 } from '../ocpp16/generated/actions.gen.js';
import { ACTIONS as ACTIONS_201 } from '../ocpp201/generated/actions.gen.js';

export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';
/** The unit a threshold's value (and its actual figure) is expressed in, after parsing. */
export type Unit = 'ms' | '/s' | '%' | '';

type Kind = 'latency' | 'perAction' | 'rate' | 'booted' | 'named' | 'plain';

interface MetricSpec {
  kind: Kind;
  /** Latency quantile (1 = max). */
  q?: number;
  /** For `named`: the allowed arguments. */
  args?: readonly string[];
  /** Units allowed as written. */
  units: readonly string[];
  /** Whether the figure can only grow during a run (counts, max), in its count form. */
  monotone: boolean;
}

const LATENCY_UNITS = ['', 'ms', 's'] as const;
const SHARE_UNITS = ['', '%'] as const;

export const METRICS: Readonly<Record<string, MetricSpec>> = {
  p50: { kind: 'latency', q: 0.5, units: LATENCY_UNITS, monotone: false },
  p75: { kind: 'latency', q: 0.75, units: LATENCY_UNITS, monotone: false },
  p90: { kind: 'latency', q: 0.9, units: LATENCY_UNITS, monotone: false },
  p95: { kind: 'latency', q: 0.95, units: LATENCY_UNITS, monotone: false },
  p99: { kind: 'latency', q: 0.99, units: LATENCY_UNITS, monotone: false },
  p999: { kind: 'latency', q: 0.999, units: LATENCY_UNITS, monotone: false },
  max: { kind: 'latency', q: 1, units: LATENCY_UNITS, monotone: true },
  errors: { kind: 'perAction', units: SHARE_UNITS, monotone: true },
  timeouts: { kind: 'perAction', units: SHARE_UNITS, monotone: true },
  calls: { kind: 'perAction', units: [''], monotone: true },
  undelivered: { kind: 'perAction', units: [''], monotone: true },
  dropped: { kind: 'perAction', units: [''], monotone: true },
  rate: { kind: 'rate', units: ['', '/s', '/m'], monotone: false },
  booted: { kind: 'booted', units: SHARE_UNITS, monotone: true },
  transactions: { kind: 'named', args: ['started', 'completed', 'rejected'], units: [''], monotone: true },
  expectations: { kind: 'named', args: ['passed', 'failed', 'pending'], units: [''], monotone: true },
  reconnects: { kind: 'plain', units: [''], monotone: true },
};

const OPS: readonly Op[] = ['<=', '>=', '==', '!=', '<', '>'];

/** A parsed threshold. `value` is in `unit`: ms for latencies, per second for rates, % or a count. */
export interface Threshold {
  /** As written (trimmed): what the summary, report and JUnit show. */
  expression: string;
  metric: string;
  /** The argument: an action, '*', 'calls', 'started', …; undefined for metrics without one. */
  arg?: string;
  /** The OCPP version an action argument is limited to (`@2.0.1`); undefined = every version. */
  protocol?: string;
  op: Op;
  value: number;
  unit: Unit;
  /** The unit as written ('s', '/m', …), to show the actual figure the same way. */
  written: string;
}

export interface ThresholdResult {
  expression: string;
  /** The metric it is about (p95, errors, booted, …), and its argument (an action, '*', …). */
  metric: string;
  arg?: string;
  /** The OCPP version the argument is limited to, if the threshold names one. */
  protocol?: string;
  passed: boolean;
  /** The measured figure in `unit` (ms, per second, %, or a count); null when nothing was measured. */
  actual: number | null;
  unit: Unit;
  /** The figure as a person reads it, in the unit the threshold was written in: "612 ms", "1.2 s", "99.5%". */
  actualText: string;
  /**
   * It failed and cannot pass later in the run: the figure only grows and is already past the
   * limit (`errors(*) == 0` after an error). What `--abort-on-fail` stops on.
   */
  final: boolean;
}

/** A threshold that does not parse: the expression, the 1-based column and what is wrong there. */
export class ThresholdError extends Error {
  constructor(
    readonly expression: string,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`bad threshold '${expression}' at column ${column}: ${reason}`);
    this.name = 'ThresholdError';
  }
}

/** The actions of each OCPP version a threshold can name after `@` (the versions with schemas here). */
const ACTIONS_BY_PROTOCOL: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['1.6', ACTIONS_16],
  ['2.0.1', ACTIONS_201],
]);
/** '*' and the actions of every version, for an argument without `@`. */
const ACTION_ARGS: readonly string[] = ['*', ...new Set([...ACTIONS_16, ...ACTIONS_201])];

/** Parses one threshold; throws {@link ThresholdError}. */
export function parseThreshold(text: string): Threshold {
  const src = text.trim();
  let pos = 0;
  const fail = (at: number, reason: string): never => {
    throw new ThresholdError(src, at + 1, reason);
  };
  const skip = () => {
    while (pos < src.length && /\s/.test(src[pos])) pos++;
  };

  const nameMatch = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src);
  if (!nameMatch) fail(0, `expected a metric (${Object.keys(METRICS).join(', ')})`);
  const metric = nameMatch![0];
  const spec = METRICS[metric];
  if (!spec) {
    const hint = nearestPercentile(metric) ?? nearest(metric, Object.keys(METRICS));
    fail(0, `unknown metric '${metric}'${hint ? ` — did you mean ${hint}?` : ` (known: ${Object.keys(METRICS).join(', ')})`}`);
  }
  pos = metric.length;
  skip();

  let arg: string | undefined;
  let protocol: string | undefined;
  if (src[pos] === '(') {
    const open = pos;
    const close = src.indexOf(')', open);
    if (close < 0) fail(open, "'(' without a closing ')'");
    const raw = src.slice(open + 1, close);
    const at = open + 1 + (raw.length - raw.trimStart().length);
    arg = raw.trim();
    if (arg === '') fail(at, `${metric}() needs an argument`);
    const atSign = arg.indexOf('@');
    if (atSign >= 0) {
      protocol = arg.slice(atSign + 1).trim();
      arg = arg.slice(0, atSign).trim();
      checkProtocol(metric, spec, arg, protocol, at, at + raw.trim().indexOf('@') + 1, fail);
    }
    checkArg(metric, spec, arg, protocol, at, fail);
    pos = close + 1;
    skip();
  } else if (spec.kind === 'latency' || spec.kind === 'named' || spec.kind === 'rate') {
    fail(pos, `${metric} needs an argument in parentheses, e.g. ${example(metric, spec)}`);
  } else if (spec.kind === 'perAction') {
    arg = '*';
  }

  const opAt = pos;
  const op = OPS.find((o) => src.startsWith(o, pos));
  if (!op) {
    if (src[pos] === '=') fail(opAt, "use '==' to compare for equality");
    fail(opAt, `expected a comparison (<, <=, >, >=, ==, !=)${pos < src.length ? ` but found '${src[pos]}'` : ''}`);
  }
  pos += op!.length;
  skip();

  const numAt = pos;
  const num = /^\d+(\.\d+)?/.exec(src.slice(pos));
  if (!num) fail(numAt, `expected a number after '${op}'`);
  pos += num![0].length;
  const value = Number(num![0]);
  skip();

  const unitAt = pos;
  const written = src.slice(pos).replace(/\s+/g, '');
  if (!spec.units.includes(written)) {
    const allowed = spec.units.filter(Boolean);
    fail(unitAt, allowed.length > 0 ? `unit '${written}' does not fit ${metric} (use ${allowed.join(' or ')}, or none)` : `${metric} is a count: no unit${written ? ` ('${written}')` : ''}`);
  }

  let unit: Unit = '';
  let canonical = value;
  if (spec.kind === 'latency') {
    unit = 'ms';
    if (written === 's') canonical = value * 1000;
  } else if (spec.kind === 'rate') {
    unit = '/s';
    if (written === '/m') canonical = value / 60;
  } else if (written === '%') {
    unit = '%';
    if (value > 100) fail(numAt, `a share is at most 100%, not ${value}%`);
  }
  return { expression: src, metric, arg, ...(protocol !== undefined ? { protocol } : {}), op: op!, value: canonical, unit, written };
}

/** `@version` after an action or '*': only where the argument is one, and only a version with schemas here. */
function checkProtocol(metric: string, spec: MetricSpec, arg: string, protocol: string, argAt: number, at: number, fail: (at: number, reason: string) => never): void {
  const actionArg = (spec.kind === 'latency' || spec.kind === 'perAction' || spec.kind === 'rate') && arg !== 'calls' && arg !== 'messages';
  if (!actionArg) fail(argAt, `${metric}(${arg}) cannot name an OCPP version: only an action or '*' can (e.g. ${metric === 'rate' ? 'rate(*@2.0.1)' : `${metric}(Heartbeat@2.0.1)`})`);
  if (ACTIONS_BY_PROTOCOL.has(protocol)) return;
  const known = [...ACTIONS_BY_PROTOCOL.keys()];
  // The subprotocol spelling (ocpp2.0.1) and a shortened one (2.0) point at the version itself.
  const bare = protocol.replace(/^ocpp/i, '');
  const hint = known.find((v) => v === bare) ?? (bare && known.find((v) => v.startsWith(bare))) ?? nearest(bare, known);
  fail(at, `unknown OCPP version '${protocol}'${hint ? ` — did you mean ${hint}?` : ''} (known: ${known.join(', ')})`);
}

function checkArg(metric: string, spec: MetricSpec, arg: string, protocol: string | undefined, at: number, fail: (at: number, reason: string) => never): void {
  const actions = protocol === undefined ? ACTION_ARGS : ['*', ...ACTIONS_BY_PROTOCOL.get(protocol)!];
  let allowed: readonly string[];
  if (spec.kind === 'latency' || spec.kind === 'perAction') allowed = actions;
  else if (spec.kind === 'rate') allowed = protocol === undefined ? ['calls', 'messages', ...actions] : actions;
  else if (spec.kind === 'named') allowed = spec.args!;
  else return fail(at - 1, `${metric} takes no argument`);
  if (allowed.includes(arg)) return;
  const hint = nearest(arg, allowed);
  if (protocol !== undefined) {
    // An action of another version (StartTransaction@2.0.1): say where it does exist.
    const elsewhere = [...ACTIONS_BY_PROTOCOL].filter(([, list]) => list.includes(arg)).map(([v]) => v);
    const why = hint ? ` — did you mean ${hint}?` : elsewhere.length > 0 ? ` (it is an OCPP ${elsewhere.join(' and ')} action)` : " (expected an action of that version or '*')";
    return fail(at, `'${arg}' is not an OCPP ${protocol} action${why}`);
  }
  const what = spec.kind === 'named' ? `${spec.args!.join(', ')}` : spec.kind === 'rate' ? 'calls, messages or an OCPP action' : "an OCPP action or '*'";
  fail(at, `unknown ${spec.kind === 'named' ? `${metric} kind` : 'argument'} '${arg}'${hint ? ` — did you mean ${hint}?` : ` (expected ${what})`}`);
}

/** For a percentile we do not have (p96), the closest one we do (p95), by value not spelling. */
function nearestPercentile(metric: string): string | undefined {
  const m = /^p(\d+)$/.exec(metric);
  if (!m) return undefined;
  const value = (s: string) => Number(`${s.slice(0, 2)}.${s.slice(2)}`);
  const wanted = value(m[1]);
  let best: string | undefined;
  for (const [name, spec] of Object.entries(METRICS)) {
    if (spec.kind !== 'latency' || spec.q === 1) continue;
    if (best === undefined || Math.abs(value(name.slice(1)) - wanted) < Math.abs(value(best.slice(1)) - wanted)) best = name;
  }
  return best;
}

function example(metric: string, spec: MetricSpec): string {
  if (spec.kind === 'named') return `${metric}(${spec.args![0]})`;
  if (spec.kind === 'rate') return 'rate(calls) > 100/s';
  return `${metric}(BootNotification) or ${metric}(*)`;
}

/** The figures a threshold is evaluated on: what FleetStats has (see metrics/fleet-stats.ts). */
export interface Figures {
  /** Latency q-quantile (ms) of an action or '*' (q = 1: max), of one OCPP version or all; undefined without calls. */
  latencyMs(action: string, q: number, protocol?: string): number | undefined;
  actions(): ActionSummary[];
  total(name: TotalName): number;
}

/** The run around the figures: fleet size (for `booted %`) and elapsed time (for rates). */
export interface RunSpan {
  fleetSize: number;
  elapsedMs: number;
}

/** Evaluates one threshold on the current figures. */
export function evaluateThreshold(t: Threshold, figures: Figures, run: RunSpan): ThresholdResult {
  const spec = METRICS[t.metric];
  const actual = measure(t, spec, figures, run);
  const about = { expression: t.expression, metric: t.metric, arg: t.arg, ...(t.protocol !== undefined ? { protocol: t.protocol } : {}) };
  if (actual === null) {
    const noCalls = spec.kind === 'latency' ? noLatency(t, figures) : 'nothing measured';
    return { ...about, passed: false, actual: null, unit: t.unit, actualText: noCalls, final: false };
  }
  const passed = compare(actual, t.op, t.value);
  // A figure that only grows and is already past the limit stays failed.
  const final = !passed && decidableEarly(t) && (t.op === '<' || t.op === '<=' || (t.op === '==' && actual > t.value));
  return { ...about, passed, actual, unit: t.unit, actualText: show(actual, t), final };
}

/** Whether a (protocol, action) row counts for a threshold's argument: its action (or '*'), in its version (or any). */
function matches(t: Pick<Threshold, 'arg' | 'protocol'>, a: Pick<ActionSummary, 'action' | 'protocol'>): boolean {
  return (t.arg === '*' || a.action === t.arg) && (t.protocol === undefined || a.protocol === t.protocol);
}

/**
 * Why a latency threshold has no figure: no such call was sent, or (timeouts) none was answered —
 * "no BootNotification calls sent" would be false when three went unanswered.
 */
function noLatency(t: Threshold, figures: Figures): string {
  const what = `${t.protocol !== undefined ? `OCPP ${t.protocol} ` : ''}${t.arg === '*' ? 'calls' : `${t.arg} calls`}`;
  const sent = figures.actions().reduce((n, a) => n + (matches(t, a) ? a.sent : 0), 0);
  return sent === 0 ? `no ${what} sent` : `${sent} ${what} sent, none answered`;
}

/** Evaluates every threshold. */
export function evaluateThresholds(ts: readonly Threshold[], figures: Figures, run: RunSpan): ThresholdResult[] {
  return ts.map((t) => evaluateThreshold(t, figures, run));
}

/** Whether a threshold's failure can be known before the run ends (counts and max, not percentiles or rates). */
export function decidableEarly(t: Threshold): boolean {
  const spec = METRICS[t.metric];
  return spec.kind === 'booted' || (spec.monotone && t.unit !== '%');
}

/** The per-action figure each `perAction` metric adds up. */
const PER_ACTION: Readonly<Record<string, (a: ActionSummary) => number>> = {
  errors: (a) => a.errors,
  timeouts: (a) => a.timeouts,
  calls: (a) => a.sent + a.received,
  undelivered: (a) => a.undelivered,
  dropped: (a) => a.dropped,
};

function measure(t: Threshold, spec: MetricSpec, f: Figures, run: RunSpan): number | null {
  const matching = () => f.actions().filter((a) => matches(t, a));
  const sum = (pick: (a: ActionSummary) => number) => matching().reduce((n, a) => n + pick(a), 0);
  switch (spec.kind) {
    case 'latency':
      return f.latencyMs(t.arg!, spec.q!, t.protocol) ?? null;
    case 'perAction': {
      const n = sum(PER_ACTION[t.metric]);
      if (t.unit !== '%') return n;
      const sent = sum((a) => a.sent);
      return sent === 0 ? 0 : (100 * n) / sent;
    }
    case 'rate': {
      const seconds = Math.max(1e-3, run.elapsedMs / 1000);
      if (t.arg === 'messages') return (f.total('messagesIn') + f.total('messagesOut')) / seconds;
      const n = t.arg === 'calls' ? f.actions().reduce((k, a) => k + a.sent + a.received, 0) : sum((a) => a.sent + a.received);
      return n / seconds;
    }
    case 'booted': {
      const booted = f.total('chargePointsBooted');
      return t.unit === '%' ? (run.fleetSize === 0 ? 0 : (100 * booted) / run.fleetSize) : booted;
    }
    case 'named':
      return f.total(`${t.metric}${t.arg![0].toUpperCase()}${t.arg!.slice(1)}` as TotalName);
    case 'plain':
      return f.total(t.metric as TotalName);
  }
}

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

function show(actual: number, t: Threshold): string {
  const r = (x: number) => String(Math.round(x * 100) / 100);
  if (t.unit === 'ms') return t.written === 's' ? `${r(actual / 1000)} s` : `${r(actual)} ms`;
  if (t.unit === '/s') return t.written === '/m' ? `${r(actual * 60)}/m` : `${r(actual)}/s`;
  if (t.unit === '%') return `${r(actual)}%`;
  return r(actual);
}

/** The threshold, its verdict and the actual figure, in one line: `✓ p95(BootNotification) < 500ms (actual 12 ms)`. */
export function formatResult(r: ThresholdResult): string {
  return `${r.passed ? '✓' : '✗'} ${r.expression} (actual ${r.actualText})`;
}

/**
 * Why `--abort-on-fail` should stop the run now, or undefined: a scenario expectation failed, or a
 * threshold that can be decided early has failed for good (see {@link ThresholdResult.final}).
 * Percentiles, rates and shares are judged at the end only.
 */
export function abortReason(ts: readonly Threshold[], figures: Figures, run: RunSpan): string | undefined {
  const failed = figures.total('expectationsFailed');
  if (failed > 0) return `${failed} scenario expectation(s) failed`;
  for (const t of ts) {
    if (!decidableEarly(t)) continue;
    const r = evaluateThreshold(t, figures, run);
    if (r.final) return `threshold ${t.expression} failed (actual ${r.actualText}) and cannot recover`;
  }
  return undefined;
}
