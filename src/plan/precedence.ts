/**
 * Where a run plan's settings stand among the others. Precedence, lowest first:
 *
 *   1. built-in defaults (the `run` flags' defaults: --duration 60s, --seed 1, --ramp-up 0, …)
 *   2. the plan file (csms, password(s), ca/cert/key, rampUp, duration, seed, speed, workers, quiet,
 *      metricsPort, pushgateway)
 *   3. flags given explicitly on the command line (`ocpp-sim run plan.yaml --duration 30s`)
 *
 * yargs fills in defaults, so "given explicitly" is read from the command-line tokens themselves
 * ({@link explicitFlags}). Per-fleet flags (--count, --profile, --scenario, --id-prefix) cannot be
 * combined with a plan: each fleet says its own. `--shard i/n` can: it takes slice i of every fleet,
 * so the pods of a Kubernetes Indexed Job share one plan (deploy/kubernetes/).
 */
import { ConfigError } from '../config/errors.js';
import type { Plan, PlanSettings } from './plan.js';

/** Short aliases of the `run` flags (see runOptions in cli/run.ts). */
export const RUN_ALIASES: Readonly<Record<string, string>> = { n: 'count', d: 'duration', w: 'workers', p: 'profile', s: 'scenario', q: 'quiet' };

/** Flags that describe one fleet, which a plan's `fleets:` already does. */
export const PER_FLEET_FLAGS = ['count', 'profile', 'scenario', 'id-prefix'] as const;

/**
 * Names (long, kebab-case) of the flags present in `tokens` (the command line after the binary):
 * `--ramp-up 5/s`, `--rampUp=5/s`, `--no-quiet`, `-q`, `-qn 3`. Stops at `--`.
 */
export function explicitFlags(tokens: readonly string[], aliases: Readonly<Record<string, string>> = RUN_ALIASES): Set<string> {
  const out = new Set<string>();
  for (const t of tokens) {
    if (t === '--') break;
    if (t.startsWith('--')) {
      let name = t.slice(2).split('=')[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      if (name.startsWith('no-')) name = name.slice(3);
      out.add(aliases[name] ?? name);
    } else if (/^-[A-Za-z]/.test(t)) {
      for (const c of t.slice(1).split('=')[0]) out.add(aliases[c] ?? c);
    }
  }
  return out;
}

/** `args` with the plan's settings over its defaults, but not over explicitly given flags. */
export function withPrecedence<T extends object>(args: T, plan: Partial<T>, explicit: ReadonlySet<string>): T {
  const out = { ...args } as Record<string, unknown>;
  for (const [k, v] of Object.entries(plan)) {
    if (v !== undefined && !explicit.has(k)) out[k] = v;
  }
  return out as T;
}

/** Per-fleet flags given together with a plan; the caller reports them as a usage error. */
export function conflictingFlags(explicit: ReadonlySet<string>): string[] {
  return PER_FLEET_FLAGS.filter((f) => explicit.has(f));
}

/**
 * The run-wide arguments of `plan`: `args` (defaults and flags) merged with the plan's settings by
 * the precedence above. A CSMS must come from one of them: neither is a ConfigError pointing at the plan.
 */
export function planArgs<T extends PlanSettings>(plan: Plan, args: T, explicit: ReadonlySet<string>): T {
  const merged = withPrecedence(args, plan.settings as Partial<T>, explicit);
  if (!merged.csms) {
    throw new ConfigError([{ file: plan.file, line: 1, col: 1, field: 'csms', message: "no CSMS: set 'csms:' in the plan or give --csms" }]);
  }
  return merged;
}
