/**
 * The shipped Grafana dashboard may only query metrics we export: every metric name in its PromQL
 * expressions must be one of the registry's series (histograms with _bucket/_sum/_count), and every
 * fleet metric has a panel. Its data source is the import-time input ${DS_PROMETHEUS}.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetStats } from '../../src/metrics/fleet-stats.js';
import { exportedNames, FLEET_METRICS, fleetRegistry } from '../../src/metrics/prometheus.js';
import { ROOT } from '../cli/spawn-cli.js';

interface Panel {
  title: string;
  type: string;
  datasource?: { uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

const DASHBOARD = JSON.parse(readFileSync(join(ROOT, 'dashboards', 'grafana-ocpp-sim.json'), 'utf8'));
const PANELS: Panel[] = DASHBOARD.panels;
const EXPRS = PANELS.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** PromQL words that are not metric names: aggregations' modifiers, set operators, literals. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'inf', 'nan', 'atan2']);

/**
 * The metric names in a PromQL expression: identifiers left once strings, label matchers, ranges,
 * grouping clauses and Grafana variables are removed, and that are not functions (followed by "(").
 */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, ' ');
  const names: string[] = [];
  const ident = /[A-Za-z_:][A-Za-z0-9_:]*/g;
  for (let m = ident.exec(stripped); m; m = ident.exec(stripped)) {
    const rest = stripped.slice(m.index + m[0].length);
    const before = stripped[m.index - 1] ?? '';
    if (/^\s*\(/.test(rest) || KEYWORDS.has(m[0].toLowerCase()) || /[0-9.]/.test(before)) continue; // functions, keywords, 1e3
    names.push(m[0]);
  }
  return names;
}

describe('Grafana dashboard', () => {
  it('queries only metrics we export', async () => {
    const exported = await exportedNames(fleetRegistry(new FleetStats()));
    expect(EXPRS.length).toBeGreaterThan(10);
    for (const { panel, expr } of EXPRS) {
      const names = metricNames(expr);
      expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const n of names) expect(exported.has(n), `${panel}: ${n} in ${expr}`).toBe(true);
    }
  });

  it('has a panel for every fleet metric, and quantiles from the histogram buckets', () => {
    const used = new Set(EXPRS.flatMap(({ expr }) => metricNames(expr)));
    for (const name of Object.values(FLEET_METRICS)) {
      const series = name === FLEET_METRICS.callDuration ? `${name}_bucket` : name;
      expect(used.has(series), series).toBe(true);
    }
    for (const q of ['0.5', '0.95', '0.99']) {
      expect(EXPRS.some(({ expr }) => expr.startsWith(`histogram_quantile(${q}, sum by (le, action) (rate(ocpp_sim_call_duration_seconds_bucket`))).toBe(true);
    }
  });

  it('takes its data source as the import input ${DS_PROMETHEUS}', () => {
    expect(DASHBOARD.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    for (const p of PANELS.filter((p) => p.type !== 'row')) {
      expect(p.datasource?.uid, p.title).toBe('${DS_PROMETHEUS}');
      for (const t of p.targets ?? []) expect(t.datasource?.uid, p.title).toBe('${DS_PROMETHEUS}');
    }
    expect(JSON.stringify(DASHBOARD)).not.toMatch(/"uid":\s*"(?!\$\{DS_PROMETHEUS\}|ocpp-sim-fleet)[^"]*"/);
  });

  it('reads metric names out of PromQL', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, action) (rate(a_bucket{job=~"$job",x="y{z}"}[$__rate_interval])))')).toEqual(['a_bucket']);
    expect(metricNames('sum(rate(b_total[5m])) * 3600 / on(job) group_left c + 1e3')).toEqual(['b_total', 'c']);
  });
});
