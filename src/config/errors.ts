/**
 * Configuration errors (profiles, scenarios, plans): collected, not thrown one at a time, each with
 * the file, line and column it concerns, the field, and a suggestion where one can be made.
 */
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
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
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
    issues.push(...e.issues);
  }
  return issues;
}
