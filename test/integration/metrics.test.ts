/**
 * Prometheus metrics of a real fleet against the embedded CSMS over loopback: /metrics scraped mid-run
 * and after the stop must agree with what the CSMS received, histograms must be well formed, CALLERROR
 * codes, timeouts and invalid answers are counted per code, and pushes reach a Pushgateway stand-in
 * in its format (the real Pushgateway: prometheus-e2e.test.ts). Also the `run` command's flags.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startCsms, NO_REPLY, type Csms } from '../../src/csms/server.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import { DURATION_BUCKETS_S, exportedNames, FLEET_METRICS, fleetRegistry } from '../../src/metrics/prometheus.js';
import { generateRunId, groupUrl, pushMetrics, runIdProblem } from '../../src/metrics/pushgateway.js';
import { metricsOptionsFrom, startRunMetrics } from '../../src/metrics/run-metrics.js';
import { OcppError } from '../../src/protocol/errors.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_PROFILE } from '../../src/station/profile.js';
import { BUILT, describeRun, runCli } from '../cli/spawn-cli.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { parsePromText, select, sumOf, type PromText } from '../helpers/prom-text.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function csmsAndFleet(count: number, strict = true): Promise<{ csms: Csms; fleet: Fleet }> {
  const csms = await startCsms({ strict, heartbeatInterval: 1 });
  cleanups.push(() => csms.close());
  const fleet = startTestFleet(csms.url, { count, profile: { ...DEFAULT_PROFILE, meterValueSampleInterval: 1, bootDataTransfer: { vendorId: 'ocpp-sim' } } });
  let stopped = false;
  const stop = fleet.stop.bind(fleet);
  fleet.stop = async () => {
    if (!stopped) await stop();
    stopped = true;
  };
  cleanups.push(() => fleet.stop());
  return { csms, fleet };
}

async function serve(fleet: Fleet): Promise<MetricsServer> {
  const server = await startMetricsServer(fleetRegistry(fleet.stats, { beforeCollect: () => fleet.refresh() }), { port: 0 });
  cleanups.push(() => server.close());
  return server;
}

async function scrape(url: string): Promise<{ text: PromText; contentType: string | null }> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return { text: parsePromText(await res.text()), contentType: res.headers.get('content-type') };
}

/** Every action's histogram: buckets at our bounds, cumulative counts never falling, +Inf = _count. */
function checkHistograms(text: PromText): string[] {
  const name = FLEET_METRICS.callDuration;
  const actions = [...new Set(select(text, `${name}_count`).map((s) => s.labels.action))];
  for (const action of actions) {
    const buckets = select(text, `${name}_bucket`, { action });
    expect(buckets.map((b) => b.labels.le)).toEqual([...DURATION_BUCKETS_S.map(String), '+Inf']);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i].value, `${action} le=${buckets[i].labels.le}`).toBeGreaterThanOrEqual(buckets[i - 1].value);
    const count = sumOf(text, `${name}_count`, { action });
    expect(buckets.at(-1)!.value).toBe(count);
    expect(sumOf(text, `${name}_sum`, { action })).toBeGreaterThan(0);
    // Loopback answers come in well under 30 s: every call is under the last finite bound.
    expect(buckets.at(-2)!.value).toBe(count);
  }
  return actions;
}

describe('/metrics of a running fleet', () => {
  it('shows the live fleet mid-run and agrees with what the CSMS received', async () => {
    const { csms, fleet } = await csmsAndFleet(4);
    const server = await serve(fleet);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    // Mid-run: every charge point booted (so no BootNotification is in flight), transactions going.
    await until(() => csms.stats.boots === 4 && csms.stats.transactions.started >= 2, 'four boots and two transactions', 10_000);
    await until(() => fleet.stats.actions().find((a) => a.action === 'BootNotification')?.sent === 4, 'the fleet counting four boots');
    const mid = await scrape(server.url);
    expect(mid.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sumOf(mid.text, FLEET_METRICS.messages, { action: 'BootNotification' })).toBe(csms.stats.received.BootNotification);
    expect(select(mid.text, FLEET_METRICS.messages, { action: 'BootNotification', direction: 'sent', protocol: '1.6' })).toHaveLength(1);
    expect(sumOf(mid.text, FLEET_METRICS.chargePoints)).toBe(4);
    expect(sumOf(mid.text, FLEET_METRICS.chargePoints, { state: 'booted' }) + sumOf(mid.text, FLEET_METRICS.chargePoints, { state: 'charging' })).toBe(4);
    expect(sumOf(mid.text, FLEET_METRICS.transactions, { result: 'started' })).toBeGreaterThanOrEqual(2);
    expect(sumOf(mid.text, FLEET_METRICS.transactionsActive)).toBeGreaterThan(0);
    expect(mid.text.types.get(FLEET_METRICS.callDuration)).toBe('histogram');
    expect(mid.text.types.get(FLEET_METRICS.messages)).toBe('counter');
    expect(checkHistograms(mid.text)).toContain('BootNotification');
    // prom-client's default process metrics are in the same registry.
    expect(select(mid.text, 'process_cpu_seconds_total')).toHaveLength(1);
    expect(select(mid.text, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);

    // After the stop (the endpoint still up): every counter equals the CSMS's.
    await fleet.stop();
    const end = (await scrape(server.url)).text;
    for (const action of ['BootNotification', 'StatusNotification', 'Authorize', 'StartTransaction', 'MeterValues', 'StopTransaction', 'DataTransfer'] as const) {
      expect(sumOf(end, FLEET_METRICS.messages, { action, direction: 'sent' }), action).toBe(csms.stats.received[action]);
    }
    for (const action of ['BootNotification', 'StartTransaction', 'StopTransaction'] as const) {
      // Transaction messages and boots are all answered before the stop completes.
      expect(sumOf(end, `${FLEET_METRICS.callDuration}_count`, { action }), action).toBe(csms.stats.received[action]);
    }
    expect(sumOf(end, FLEET_METRICS.transactions, { result: 'started' })).toBe(csms.stats.transactions.started);
    expect(sumOf(end, FLEET_METRICS.transactions, { result: 'completed' })).toBe(csms.stats.transactions.stopped);
    expect(sumOf(end, FLEET_METRICS.transactionsActive)).toBe(0);
    expect(csms.stats.transactions.active).toBe(0);
    expect(sumOf(end, FLEET_METRICS.energy)).toBe(csms.stats.energyWh);
    expect(sumOf(end, FLEET_METRICS.energy)).toBeGreaterThan(0);
    expect(sumOf(end, FLEET_METRICS.callErrors)).toBe(0);
    expect(sumOf(end, FLEET_METRICS.chargePoints, { state: 'stopped' })).toBe(4);
    checkHistograms(end);
    // Every simulator series names the OCPP version of its charge points (issue #11): here all 1.6.
    const own = end.samples.filter((s) => s.name.startsWith('ocpp_sim_'));
    expect(own.length).toBeGreaterThan(20);
    expect(own.filter((s) => s.labels.protocol !== '1.6')).toEqual([]);
    // Nothing in the exposition names a charge point.
    expect(end.samples.some((s) => Object.values(s.labels).some((v) => v.startsWith('TEST')))).toBe(false);

    // 404 anywhere else, 405 for another method; the server closes on stop.
    const base = server.url.replace(/\/metrics$/, '');
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metricsx`)).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    await server.close();
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('counts CALLERRORs by code (1.6 spelling), timeouts and invalid answers', async () => {
    const { csms, fleet } = await csmsAndFleet(3, false);
    csms.onRequest = (identity, action) => {
      if (action === 'DataTransfer') throw new OcppError('NotSupported', 'no vendor extensions here');
      if (action === 'Authorize' && identity === 'TEST001') throw new OcppError('FormatViolation');
      if (action === 'Heartbeat' && identity === 'TEST002') return NO_REPLY;
      if (action === 'Heartbeat' && identity === 'TEST003') return {}; // currentTime missing: invalid
      return undefined;
    };
    const server = await serve(fleet);
    const timeouts = () => fleet.stats.actions().find((a) => a.action === 'Heartbeat')?.timeouts ?? 0;
    await until(
      () => (fleet.refresh(), timeouts() >= 1 && csms.stats.received.DataTransfer === 3 && csms.stats.received.Authorize >= 2),
      'a heartbeat timeout, three DataTransfers and some Authorizes',
      10_000,
    );
    await fleet.stop();
    const text = (await scrape(server.url)).text;
    const hb = fleet.stats.actions().find((a) => a.action === 'Heartbeat')!;
    expect(sumOf(text, FLEET_METRICS.callErrors, { action: 'DataTransfer', code: 'NotSupported' })).toBe(3);
    const authErrors = sumOf(text, FLEET_METRICS.callErrors, { action: 'Authorize', code: 'FormationViolation' });
    expect(authErrors).toBeGreaterThan(0);
    expect(authErrors).toBe(fleet.stats.actions().find((a) => a.action === 'Authorize')!.callErrors);
    expect(sumOf(text, FLEET_METRICS.callErrors, { action: 'Heartbeat', code: 'Timeout' })).toBe(hb.timeouts);
    expect(sumOf(text, FLEET_METRICS.callErrors, { action: 'Heartbeat', code: 'InvalidResponse' })).toBe(hb.invalidResponses);
    expect(hb.invalidResponses).toBeGreaterThan(0);
    // Only the codes that happened have series.
    expect(new Set(select(text, FLEET_METRICS.callErrors).map((s) => s.labels.code))).toEqual(new Set(['NotSupported', 'FormationViolation', 'Timeout', 'InvalidResponse']));
  });

  it('exports every name the dashboard relies on, with histogram suffixes', async () => {
    const { fleet } = await csmsAndFleet(1);
    const names = await exportedNames(fleetRegistry(fleet.stats));
    for (const n of Object.values(FLEET_METRICS)) expect(names.has(n), n).toBe(true);
    expect(names.has('ocpp_sim_call_duration_seconds_bucket')).toBe(true);
  });
});

/** A stand-in Pushgateway that records what it is sent (the real one: prometheus-e2e.test.ts). */
async function fakeGateway(status = 200): Promise<{ url: string; requests: { method: string; url: string; type: string; body: string }[]; server: Server }> {
  const requests: { method: string; url: string; type: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, type: String(req.headers['content-type']), body });
      res.writeHead(status).end(status === 200 ? '' : 'bad push');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

describe('Pushgateway pushes', () => {
  it('PUTs the text format to the run group, periodically and at the end; failures are warnings', async () => {
    const { csms, fleet } = await csmsAndFleet(2);
    const gw = await fakeGateway();
    const warnings: string[] = [];
    const opts = metricsOptionsFrom({ pushgateway: `${gw.url}/`, 'push-interval': '1s', 'run-id': 'test-run.1' })!;
    expect(opts).toMatchObject({ port: undefined, pushIntervalMs: 1000, runId: 'test-run.1' });
    const run = await startRunMetrics(fleet, opts, (m) => warnings.push(m));
    expect(run.url).toBeUndefined();
    await until(() => gw.requests.length >= 2, 'two periodic pushes', 5000);
    await until(() => csms.stats.boots === 2, 'two boots');
    await fleet.stop();
    expect(await run.finish()).toBe(true);
    const last = gw.requests.at(-1)!;
    for (const r of gw.requests) {
      expect(r.method).toBe('PUT');
      expect(r.url).toBe('/metrics/job/ocpp_sim/run_id/test-run.1');
      expect(r.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    }
    const text = parsePromText(last.body);
    expect(sumOf(text, FLEET_METRICS.messages, { action: 'BootNotification' })).toBe(csms.stats.received.BootNotification);
    expect(sumOf(text, FLEET_METRICS.transactions, { result: 'completed' })).toBe(csms.stats.transactions.stopped);
    // The pushed group describes the run, not the process.
    expect(text.samples.some((s) => s.name.startsWith('process_') || s.name.startsWith('nodejs_'))).toBe(false);
    expect(warnings).toEqual([]);

    // A gateway that answers an error, and one that is not there: a warning each, no throw.
    const bad = await fakeGateway(400);
    await expect(pushMetrics(fleetRegistry(fleet.stats, { processMetrics: false }), bad.url, 'x')).rejects.toThrow(/HTTP 400: bad push/);
    const closedPort = (await fakeGateway()).server;
    const deadUrl = `http://127.0.0.1:${(closedPort.address() as AddressInfo).port}`;
    await new Promise((r) => closedPort.close(r));
    const dead = await startRunMetrics(fleet, metricsOptionsFrom({ pushgateway: deadUrl, 'run-id': 'r' })!, (m) => warnings.push(m));
    expect(await dead.finish()).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^push to http:\/\/127\.0\.0\.1:\d+ failed: /);
  });

  it('checks its options', () => {
    expect(groupUrl('http://gw:9091/base/', 'a:b')).toBe('http://gw:9091/base/metrics/job/ocpp_sim/run_id/a%3Ab');
    expect(generateRunId(new Date('2026-01-23T23:59:59Z'))).toMatch(/^run-20260123-235959-[0-9a-f]{6}$/);
    expect(runIdProblem('a/b')).toMatch(/letters, digits/);
    expect(metricsOptionsFrom({})).toBeUndefined();
    expect(metricsOptionsFrom({ 'metrics-port': 9464 })).toMatchObject({ port: 9464, host: '127.0.0.1' });
    expect(() => metricsOptionsFrom({ 'metrics-port': 70000 })).toThrow(/--metrics-port must be a port number/);
    expect(() => metricsOptionsFrom({ pushgateway: 'ftp://x' })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => metricsOptionsFrom({ 'push-interval': '10s' })).toThrow(/needs --pushgateway/);
    expect(() => metricsOptionsFrom({ pushgateway: 'http://x', 'run-id': 'a b' })).toThrow(/--run-id/);
  });
});

describe.skipIf(!BUILT)('ocpp-sim run --metrics-port / --pushgateway', () => {
  it('serves the live fleet while running and pushes the final metrics with the run id', async () => {
    const csms = await startCsms({ strict: true, heartbeatInterval: 1 });
    cleanups.push(() => csms.close());
    const gw = await fakeGateway();
    let scraped: PromText | undefined;
    let scrapeError: unknown;
    const result = await runCli(
      ['run', '--csms', csms.url, '-n', '3', '-w', '1', '-d', '6s', '--idle', '0.2s-0.5s', '--session', '1s-2s', '--metrics-port', '0', '--pushgateway', gw.url, '--run-id', 'cli-run'],
      {
        timeoutMs: 30_000,
        onSpawn: (child) => {
          let out = '';
          child.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            const m = /Prometheus metrics at (http:\S+)/.exec(out);
            if (m && !scraped && !scrapeError) {
              scrapeError = null;
              // Scrape once every charge point booted (workers report every second).
              void (async () => {
                const deadline = Date.now() + 6000;
                for (;;) {
                  const text = parsePromText(await (await fetch(m[1])).text());
                  if (sumOf(text, FLEET_METRICS.messages, { action: 'BootNotification' }) >= 3 || Date.now() > deadline) return text;
                  await new Promise((r) => setTimeout(r, 200));
                }
              })().then((t) => (scraped = t), (e) => (scrapeError = e));
            }
          });
        },
      },
    );
    expect(result.code, describeRun(result)).toBe(0);
    expect(scrapeError ?? null).toBeNull();
    expect(sumOf(scraped!, FLEET_METRICS.messages, { action: 'BootNotification' })).toBe(3);
    expect(result.stdout).toMatch(/^run id cli-run \(metrics pushed to http:\/\/127\.0\.0\.1:\d+\)$/m);
    const pushed = parsePromText(gw.requests.at(-1)!.body);
    expect(gw.requests.at(-1)!.url).toBe('/metrics/job/ocpp_sim/run_id/cli-run');
    expect(sumOf(pushed, FLEET_METRICS.messages, { action: 'BootNotification' })).toBe(csms.stats.received.BootNotification);
    expect(sumOf(pushed, FLEET_METRICS.transactions, { result: 'started' })).toBe(csms.stats.transactions.started);
  });

  it('refuses a bad flag before starting, and a port in use with a clear message', async () => {
    const bad = await runCli(['run', '--csms', 'ws://127.0.0.1:1/ocpp', '--metrics-port', '-1']);
    expect(bad.code, describeRun(bad)).toBe(2);
    expect(bad.stderr + bad.stdout).toMatch(/--metrics-port must be a port number/);
    const csms = await startCsms({});
    cleanups.push(() => csms.close());
    const taken = await runCli(['run', '--csms', csms.url, '-n', '1', '-w', '0', '-d', '2s', '--metrics-port', String(csms.port)]);
    expect(taken.code, describeRun(taken)).toBe(2);
    expect(taken.stderr + taken.stdout).toMatch(/cannot serve metrics on 127\.0\.0\.1:\d+: the port is in use/);
  });
});
