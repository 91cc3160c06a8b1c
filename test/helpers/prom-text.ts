/**
 * Test helper: a strict reader of the Prometheus text exposition format (0.0.4), enough to check
 * what our /metrics and a Pushgateway serve: `# HELP` / `# TYPE` lines and samples
 * `name{label="value",…} number`. A line it cannot read throws, so a malformed exposition fails the test.
 */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromText {
  samples: PromSample[];
  /** Metric family name → type from `# TYPE`. */
  types: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

export function parsePromText(text: string): PromText {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const t = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (t) types.set(t[1], t[2]);
      else if (!/^# HELP \S+/.test(line)) throw new Error(`bad comment line: ${line}`);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[3] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const l = LABEL.exec(body);
      if (!l) throw new Error(`bad labels in: ${line}`);
      labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    // Prometheus parses values like Go's ParseFloat: NaN in any case (prom-client writes "Nan").
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : /^nan$/i.test(m[4]) ? NaN : Number(m[4]);
    if (Number.isNaN(value) && !/^nan$/i.test(m[4])) throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { samples, types };
}

/** Samples of `name` whose labels include all of `labels`. */
export function select(text: PromText, name: string, labels: Record<string, string> = {}): PromSample[] {
  return text.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The sum of the selected samples' values (0 when none). */
export function sumOf(text: PromText, name: string, labels: Record<string, string> = {}): number {
  return select(text, name, labels).reduce((n, s) => n + s.value, 0);
}
