/**
 * Issue #11: the OCPP version of the charge points in every output of `run`, through the real binary
 * against the embedded CSMS on loopback — the `protocol` label on /metrics, `protocols` and the
 * actions grouped per version in the report, the JUnit properties, the summary's header, and
 * thresholds that name a version. A 1.6 fleet here; a run of several versions is the same path
 * (test/unit/{stats,prometheus,report-schema,junit,summary,verdict,thresholds}.test.ts cover it).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FLEET_METRICS } from '../../src/metrics/prometheus.js';
import type { RunReport } from '../../src/report/report.js';
import { csmsPerTest } from '../helpers/csms-per-test.js';
import { junitProblems } from '../helpers/junit-xsd.js';
import { parsePromText, sumOf, type PromText } from '../helpers/prom-text.js';
import { BUILT, describeRun, runCli } from './spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-cli-protocol-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true }));
const validateReport = ajv.compile(JSON.parse(readFileSync(new URL('../../src/report/report.schema.json', import.meta.url), 'utf8')) as object);

const csmsFor = csmsPerTest();

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

describe('run: the OCPP version in /metrics, the report, JUnit and the summary', () => {
  it('a 1.6 fleet: every ocpp_sim_ series has protocol="1.6", the report and JUnit name the version, the summary says it once', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const report = join(dir, 'report.json');
    const junit = join(dir, 'junit.xml');
    let scraped: PromText | undefined;
    let scrapeError: unknown = null;
    const r = await runCli(
      [
        'run', '--csms', csms.url, '--count', '3', '--workers', '1', '--duration', '5s', '--idle', '0.2s-0.5s', '--session', '1s-2s', '--quiet',
        '--metrics-port', '0',
        '--threshold', 'p95(BootNotification@1.6) < 10s',
        '--threshold', 'errors(*@1.6) == 0',
        '--threshold', 'calls(BootNotification@2.0.1) == 0',
        '--report', report, '--junit', junit,
      ],
      {
        timeoutMs: 60_000,
        onSpawn: (child) => {
          let out = '';
          child.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            const m = /Prometheus metrics at (http:\S+)/.exec(out);
            if (!m || scraped || scrapeError !== null) return;
            scrapeError = undefined;
            // Scrape once every charge point booted (workers report every second).
            void (async () => {
              const deadline = Date.now() + 20_000;
              for (;;) {
                const text = parsePromText(await (await fetch(m[1])).text());
                if (sumOf(text, FLEET_METRICS.messages, { action: 'BootNotification' }) >= 3 || Date.now() > deadline) return text;
                await new Promise((res) => setTimeout(res, 200));
              }
            })().then(
              (t) => (scraped = t),
              (e) => (scrapeError = e),
            );
          });
        },
      },
    );
    expect(r.code, describeRun(r)).toBe(0);
    expect(scrapeError ?? null).toBeNull();

    // /metrics, live: every simulator series names the version, and the 1.6 boots are there.
    const own = scraped!.samples.filter((s) => s.name.startsWith('ocpp_sim_'));
    expect(own.length).toBeGreaterThan(10);
    expect(own.filter((s) => s.labels.protocol !== '1.6')).toEqual([]);
    expect(sumOf(scraped!, FLEET_METRICS.messages, { action: 'BootNotification', direction: 'sent', protocol: '1.6' })).toBe(3);
    expect(sumOf(scraped!, FLEET_METRICS.chargePoints, { protocol: '1.6' })).toBe(3);

    // The summary: the version once, in its header; the table has no version column.
    expect(r.stdout).toMatch(/^Summary after \S+ · OCPP 1\.6$/m);
    expect(r.stdout).toMatch(/^action +sent +recv +errors +p50 ms/m);
    expect(r.stdout).toMatch(/^ {2}✓ p95\(BootNotification@1\.6\) < 10s \(actual \d+(\.\d+)? s\)$/m);

    // The report: charge points per version, actions grouped per version, the thresholds' version.
    const rep = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    expect(validateReport(rep), ajv.errorsText(validateReport.errors)).toBe(true);
    expect(rep.reportFormat).toBe(3);
    expect(rep.protocols).toEqual({ '1.6': 3 });
    expect(rep.config.fleets.map((f) => f.protocol)).toEqual(['1.6']);
    expect(Object.keys(rep.actions)).toEqual(['1.6']);
    expect(rep.actions['1.6'].BootNotification).toMatchObject({ sent: 3, errors: 0 });
    expect(rep.actions['1.6'].BootNotification.sent).toBe(csms.stats.received.BootNotification);
    expect(rep.thresholds.map((t) => [t.arg, t.protocol, t.passed])).toEqual([
      ['BootNotification', '1.6', true],
      ['*', '1.6', true],
      ['BootNotification', '2.0.1', true],
    ]);

    // JUnit: the charge points per version among the suites' properties.
    const xml = readFileSync(junit, 'utf8');
    expect(await junitProblems(xml)).toEqual([]);
    expect(xml).toContain('<property name="chargePoints@1.6" value="3"/>');
  });

  it('a threshold naming an action its version does not have is refused before any socket opens (exit 2)', async (ctx) => {
    const { expect } = ctx;
    const csms = await csmsFor(ctx);
    const r = await runCli(['run', '--csms', csms.url, '--count', '1', '--duration', '2s', '--threshold', 'p95(StartTransaction@2.0.1) < 1s']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr.trim()).toBe(
      "ocpp-sim: --threshold: bad threshold 'p95(StartTransaction@2.0.1) < 1s' at column 5: 'StartTransaction' is not an OCPP 2.0.1 action (it is an OCPP 1.6 action)",
    );
    expect(csms.stats.connections.total).toBe(0);
  });
});
