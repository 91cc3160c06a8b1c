/**
 * Configuration errors (profiles, scenarios, plans): collected, not thrown one at a time, each with
 * the file, line and column it concerns, the field, and a suggestion where one can be made.
 */
import { MAX_ISSUES_SHOWN } from './bounds.js';

export interface ConfigIssue {
  file: string;
  line: number;
  col: number;
  /** Dotted path of the field, e.g. `connectors[1].type`. */
  field: string;
  message: string;
}

/** `file:line:col: field: message` — the form editors and CI logs turn into links. */
export function formatIssue(i: ConfigIssue): string {
  return `${i.file}:${i.line}:${i.col}: ${i.field ? `${i.field}: ` : ''}${i.message}`;
}

/**
 * The lines that show `issues`: the first {@link MAX_ISSUES_SHOWN}, then how many more there are
 * (a file with 40,000 unknown keys says so in 51 lines, not 40,000).
 */
export function formatIssues(issues: readonly ConfigIssue[]): string[] {
  const lines = issues.slice(0, MAX_ISSUES_SHOWN).map(formatIssue);
  const more = issues.length - lines.length;
  if (more > 0) lines.push(`… and ${more} more problem${more === 1 ? '' : 's'}`);
  return lines;
}

/** Thrown when a configuration file cannot be used; carries every problem found in it. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

/** The candidate closest to `word` (edit distance ≤ a third of its length), for "did you mean". */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.ceil(word.length / 3)) + 1;
  const w = word.toLowerCase();
  for (const c of candidates) {
    // The distance is at least the difference in length: most candidates end here, unallocated.
    if (Math.abs(c.length - w.length) >= bestDistance) continue;
    const d = distance(w, c.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, or `bound` as soon as it is sure to be at least that. */
function distance(a: string, b: string, bound: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin >= bound) return bound; // every later row is at least this row's minimum
    prev = cur;
  }
  return prev[b.length];
}

/** Runs a checker that collects issues: its result, or a ConfigError carrying every issue it found. */
export function resultOrThrow<T>(build: (issues: ConfigIssue[]) => T | undefined): T {
  const issues: ConfigIssue[] = [];
  const result = build(issues);
  if (issues.length > 0 || result === undefined) throw new ConfigError(issues);
  return result;
}

/** Every issue a checker collects, a ConfigError it throws (unreadable file, bad YAML) included. */
export function issuesOf(build: (issues: ConfigIssue[]) => unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  try {
    build(issues);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    addIssues(issues, e.issues);
  }
  return issues;
}

/**
 * Appends `more` to `issues` one by one: spreading them into push() overflows the stack past
 * ~120,000 (a hostile file can have that many problems).
 */
export function addIssues(issues: ConfigIssue[], ...more: readonly ConfigIssue[][]): void {
  for (const list of more) for (const i of list) issues.push(i);
}
