/**
 * Against the real thing: Debian's `prometheus` scrapes a fleet's /metrics (loopback, 1 s interval,
 * temp config and storage) and its query API must agree with what the embedded CSMS received; every
 * dashboard expression must be valid PromQL to it. The real `prometheus-pushgateway` must take our
 * push and serve the series grouped by run id.
 *
 * Without the binaries the tests are skipped (install: apt-get install prometheus prometheus-pushgateway);
 * under CI (CI=true) a missing binary fails instead, because .ci/run installs them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import { FLEET_METRICS, fleetRegistry } from '../../src/metrics/prometheus.js';
import { pushMetrics } from '../../src/metrics/pushgateway.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { ROOT } from '../cli/spawn-cli.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { parsePromText, select, sumOf } from '../helpers/prom-text.js';

const INSTALL = 'apt-get install prometheus prometheus-pushgateway';
const CI = process.env.CI === 'true';

/** The binary on PATH (or in /usr/bin, where Debian puts it), if installed. */
function binary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/usr/local/bin'].filter((d) => d.startsWith('/'));
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

const PROMETHEUS = binary('prometheus');
const PUSHGATEWAY = binary('prometheus-pushgateway');
for (const [name, path] of [['prometheus', PROMETHEUS], ['prometheus-pushgateway', PUSHGATEWAY]] as const) {
  if (!path && !CI) console.warn(`prometheus-e2e: skipping the ${name} tests: no ${name} binary (install it: ${INSTALL})`);
}

/** Skipped without the binary, except under CI where the missing binary is a failure. */
function itWith(path: string | undefined, name: string, title: string, fn: (bin: string) => Promise<void>): void {
  if (!path && !CI) return void it.skip(`${title} (needs ${name}: ${INSTALL})`, () => {});
  it(title, async () => {
    if (!path) throw new Error(`${name} is not installed; CI must install it (${INSTALL})`);
    await fn(path);
  });
}

const children: ChildProcess[] = [];
const cleanups: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const child of children) await stopChild(child);
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
});

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Starts a server binary; resolves once GET /-/ready answers 200 (its output is kept for failures). */
async function startServer(bin: string, args: string[], port: number): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  const end = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${bin} exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${base}/-/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > end) throw new Error(`${bin} not ready within 15 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, base, output: () => output };
}

async function csmsFleetAndEndpoint(count: number): Promise<{ csms: Csms; fleet: Fleet; server: MetricsServer }> {
  const csms = await startCsms({ strict: true, heartbeatInterval: 1 });
  const fleet = startTestFleet(csms.url, { count });
  const server = await startMetricsServer(fleetRegistry(fleet.stats, { beforeCollect: () => fleet.refresh() }), { port: 0 });
  cleanups.push(() => csms.close(), () => fleet.stop(), () => server.close());
  return { csms, fleet, server };
}

/** An instant query; resolves with the result vector, rejects on a PromQL error. */
async function query(base: string, promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
  return body.data!.result;
}

describe('a real Prometheus', () => {
  itWith(PROMETHEUS, 'prometheus', 'scrapes the fleet, and its query API agrees with the CSMS', async (bin) => {
    const { csms, fleet, server } = await csmsFleetAndEndpoint(4);
    const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-prom-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const target = new URL(server.url).host;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: ocpp_sim\n    static_configs:\n      - targets: ['${target}']\n`,
    );
    const port = await freePort();
    const prom = await startServer(
      bin,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      port,
    );

    await until(() => csms.stats.boots === 4, 'four boots', 10_000);
    const want = csms.stats.received.BootNotification;
    // Scraped every second: wait until a scrape after the boots has landed.
    let got = NaN;
    const end = Date.now() + 15_000;
    while (got !== want && Date.now() < end) {
      const r = await query(prom.base, 'sum(ocpp_sim_messages_total{action="BootNotification"})');
      got = r.length ? Number(r[0].value[1]) : NaN;
      if (got !== want) await new Promise((r) => setTimeout(r, 250));
    }
    expect(got, prom.output()).toBe(want);
    const up = await query(prom.base, 'up{job="ocpp_sim"}');
    expect(up.map((s) => s.value[1])).toEqual(['1']);
    const states = await query(prom.base, 'sum(ocpp_sim_charge_points)');
    expect(Number(states[0].value[1])).toBe(4);
    const buckets = await query(prom.base, 'ocpp_sim_call_duration_seconds_bucket{action="BootNotification",le="+Inf"}');
    expect(Number(buckets[0].value[1])).toBe(want);

    // Every dashboard expression is valid PromQL here (Grafana's variables filled in as it would).
    const dash = JSON.parse(readFileSync(join(ROOT, 'dashboards', 'grafana-ocpp-sim.json'), 'utf8'));
    const exprs: string[] = dash.panels.flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr));
    for (const e of exprs) await query(prom.base, e.replaceAll('$__rate_interval', '10s').replaceAll('$job', '.+'));
    const p95 = await query(prom.base, 'histogram_quantile(0.95, sum by (le, action) (ocpp_sim_call_duration_seconds_bucket))');
    expect(p95.find((s) => s.metric.action === 'BootNotification')?.value[1]).toMatch(/^[0-9.e-]+$/);
    await fleet.stop();
  });
});

describe('a real Pushgateway', () => {
  itWith(PUSHGATEWAY, 'prometheus-pushgateway', 'takes the push and serves our series grouped by run id', async (bin) => {
    const { csms, fleet } = await csmsFleetAndEndpoint(3);
    const port = await freePort();
    // Debian's build persists to /var/lib/prometheus by default: keep this one in memory only.
    const gw = await startServer(bin, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='], port);
    await until(() => csms.stats.transactions.stopped >= 1, 'a completed transaction', 10_000);
    await fleet.stop();
    const registry = fleetRegistry(fleet.stats, { processMetrics: false });
    await pushMetrics(registry, gw.base, 'e2e-run-1');
    // A second push of the same group replaces it; another run id is a group of its own.
    await pushMetrics(registry, gw.base, 'e2e-run-1');
    await pushMetrics(registry, gw.base, 'e2e-run-2');

    const text = parsePromText(await (await fetch(`${gw.base}/metrics`)).text());
    const group = { job: 'ocpp_sim', run_id: 'e2e-run-1' };
    expect(sumOf(text, FLEET_METRICS.messages, { ...group, action: 'BootNotification', direction: 'sent', protocol: '1.6' }), gw.output()).toBe(csms.stats.received.BootNotification);
    expect(sumOf(text, FLEET_METRICS.transactions, { ...group, result: 'completed' })).toBe(csms.stats.transactions.stopped);
    expect(sumOf(text, FLEET_METRICS.energy, group)).toBe(csms.stats.energyWh);
    expect(select(text, `${FLEET_METRICS.callDuration}_bucket`, { ...group, action: 'StartTransaction' }).length).toBe(15);
    expect(select(text, FLEET_METRICS.chargePoints, group)).toHaveLength(7);
    expect(select(text, 'push_time_seconds', group)).toHaveLength(1);
    expect(select(text, 'push_failure_time_seconds', group).map((s) => s.value)).toEqual([0]);
    expect(select(text, FLEET_METRICS.chargePoints, { job: 'ocpp_sim', run_id: 'e2e-run-2' })).toHaveLength(7);
    // The gateway's API lists the group with its labels.
    const groups = (await (await fetch(`${gw.base}/api/v1/metrics`)).json()) as { data: { labels: Record<string, string> }[] };
    expect(groups.data.map((g) => g.labels.run_id).sort()).toEqual(['e2e-run-1', 'e2e-run-2']);
  });
});
