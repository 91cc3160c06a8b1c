/**
 * The published report schema (src/report/report.schema.json) and the reports buildReport makes
 * agree: every report validates, and the schema is closed (every object lists all its fields and
 * allows no others), so a field added to or dropped from the report without the schema fails here.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { FleetStats } from '../../src/metrics/fleet-stats.js';
import { ShardStats } from '../../src/metrics/shard-stats.js';
import { fixtureReport } from '../helpers/report-fixture.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const schema = JSON.parse(readFileSync(new URL('../../src/report/report.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
const validate = ajv.compile(schema);

function problems(report: unknown): string {
  return validate(report) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}

describe('report.schema.json', () => {
  it('validates a report with expectations, thresholds and failures', () => {
    const report = fixtureReport({ thresholds: ['p95(BootNotification) < 500ms', 'p95(Authorize) < 1s', 'booted >= 99%', 'rate(calls) > 1/s'] });
    expect(problems(report)).toBe('');
    expect(report.passed).toBe(false);
    expect(report.thresholds.map((t) => [t.expression, t.passed])).toEqual([
      ['p95(BootNotification) < 500ms', true],
      ['p95(Authorize) < 1s', false],
      ['booted >= 99%', true],
      ['rate(calls) > 1/s', true],
    ]);
    // An action never sent has null latencies; a threshold on it has a null actual.
    expect(report.actions['1.6'].RemoteStartTransaction).toMatchObject({ count: 1, sent: 0, received: 1, p95Ms: null, maxMs: null });
    expect(report.thresholds[1]).toMatchObject({ actual: null, actualText: 'no Authorize calls sent' });
    expect(report.failures.map((f) => f.kind)).toEqual(['expectation', 'threshold']);
    expect(report.expectations.sites).toEqual([
      { site: 'scenarios/my <test> & "co".yaml:4:5', label: 'authorize expect Accepted', passed: 3, failed: 0, pending: 0 },
      { site: 'scenarios/my <test> & "co".yaml:9:5', label: 'expect call UpdateFirmware within 30s', passed: 0, failed: 1, pending: 0 },
    ]);
  });

  it('validates a passing report without a scenario or thresholds', () => {
    const report = fixtureReport({ noExpectations: true });
    expect(problems(report)).toBe('');
    expect(report).toMatchObject({ passed: true, exitCode: 0, reasons: [], thresholds: [], failures: [], chargePoints: { total: 10, booted: 10 } });
    expect(report.actions['1.6'].BootNotification).toMatchObject({ count: 10, sent: 10, errors: 0 });
    expect(report.actions['1.6'].BootNotification.p50Ms).toBeGreaterThan(0);
  });

  it('an interrupted run: `aborted` names the signal and the time (reportFormat 2 on), exit code 105', () => {
    const report = fixtureReport({ aborted: { by: 'signal', signal: 'SIGTERM', at: Date.UTC(2026, 0, 2, 3, 4, 2), afterMs: 1750, reason: 'interrupted by SIGTERM after 1.8s of 5.0s' } });
    expect(problems(report)).toBe('');
    expect(report).toMatchObject({ reportFormat: 3, passed: false, exitCode: 105 });
    expect(report.aborted).toEqual({ by: 'signal', signal: 'SIGTERM', at: '2026-01-02T03:04:02.000Z', afterMs: 1750, reason: 'interrupted by SIGTERM after 1.8s of 5.0s' });
    expect(report.reasons[0]).toBe('interrupted by SIGTERM after 1.8s of 5.0s');
    expect(problems({ ...report, aborted: 'interrupted' })).not.toBe('');
  });

  it('pending expectations are counted in total and per site', () => {
    const report = fixtureReport({ noExpectations: true, pending: 4 });
    expect(problems(report)).toBe('');
    expect(report.expectations).toEqual({
      passed: 0,
      failed: 0,
      pending: 4,
      sites: [{ site: 'remote-start-stop:11:11', label: 'expect call RemoteStartTransaction within 10m', passed: 0, failed: 0, pending: 4 }],
    });
    expect(report.reasons).toEqual([]);
    expect(report.notes).toEqual(['4 scenario expectation(s) still pending when the run ended (the run ended before their time was up; not a failure by itself)']);
  });

  // Issue #10: `actions` was a plain object, so a CSMS calling an action named __proto__ vanished from the JSON.
  it('keeps an action named __proto__ (or constructor) like any other', () => {
    const report = fixtureReport({ received: ['__proto__', 'constructor'] });
    const json = JSON.parse(JSON.stringify(report)) as { actions: Record<string, Record<string, unknown>> };
    expect(Object.keys(json.actions['1.6'])).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'BootNotification']));
    expect(Object.getOwnPropertyDescriptor(json.actions['1.6'], '__proto__')?.value).toMatchObject({ count: 1, sent: 0, received: 1, p50Ms: null });
    expect(problems(json)).toBe('');
  });

  // Issue #11: a run of OCPP 1.6 and 2.0.1 charge points.
  it('has the charge points per OCPP version, and actions grouped per version (reportFormat 3)', () => {
    const report = fixtureReport({ mixed: true, thresholds: ['errors(TransactionEvent@2.0.1) < 2', 'p95(BootNotification) < 1s'] });
    expect(problems(report)).toBe('');
    expect(report.reportFormat).toBe(3);
    expect(report.protocols).toEqual({ '1.6': 10, '2.0.1': 5 });
    expect(Object.keys(report.actions)).toEqual(['1.6', '2.0.1']);
    expect(Object.keys(report.actions['1.6'])).toEqual(['BootNotification', 'RemoteStartTransaction']);
    expect(Object.keys(report.actions['2.0.1'])).toEqual(['BootNotification', 'TransactionEvent']);
    // One name, two messages: never added up.
    expect(report.actions['1.6'].BootNotification).toMatchObject({ count: 10, sent: 10 });
    expect(report.actions['2.0.1'].BootNotification).toMatchObject({ count: 5, sent: 5, p50Ms: expect.closeTo(20, 0) });
    expect(report.actions['2.0.1'].TransactionEvent).toMatchObject({ sent: 3, callErrors: 1, errors: 1 });
    expect(report.config.fleets.map((f) => [f.profile, f.protocol])).toEqual([
      ['generic-16-ac', '1.6'],
      ['generic-201-ac', '2.0.1'],
    ]);
    expect(report.thresholds.map((t) => [t.arg, t.protocol, t.passed])).toEqual([
      ['TransactionEvent', '2.0.1', true],
      ['BootNotification', null, true],
    ]);
    // The 2.0.1 error is governed by its threshold: a note, not a reason.
    expect(report.reasons).not.toContain('1 call(s) answered with CALLERROR');
    expect(report.notes).toContain('1 call(s) answered with CALLERROR (not a failure by itself: a threshold governs it)');
  });

  it('a one-version run has one group and one protocol', () => {
    const report = fixtureReport({ noExpectations: true });
    expect(report.protocols).toEqual({ '1.6': 10 });
    expect(Object.keys(report.actions)).toEqual(['1.6']);
    expect(report.config.fleets[0].protocol).toBe('1.6');
  });

  it('is closed: an unknown or a missing field fails', () => {
    const report = fixtureReport() as unknown as Record<string, unknown>;
    expect(problems({ ...report, surprise: 1 })).toMatch(/must NOT have additional properties/);
    const { transactions: _t, ...missing } = report;
    expect(problems(missing)).toMatch(/must have required property 'transactions'/);
    const actions = (report.actions as Record<string, Record<string, Record<string, unknown>>>)['1.6'];
    expect(problems({ ...report, actions: { '1.6': { ...actions, BootNotification: { ...actions.BootNotification, avgMs: 3 } } } })).toMatch(/additional properties/);
    // Format 2's flat actions (keyed by action, not by version) do not validate.
    expect(problems({ ...report, actions })).toMatch(/must be object|additional properties/);
  });

  it('every object in the schema lists all its properties as required and allows no others', () => {
    const open: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.type === 'object' && n.properties) {
        const props = Object.keys(n.properties as object).sort();
        if (n.additionalProperties !== false) open.push(`${path}: additionalProperties`);
        if (JSON.stringify([...((n.required as string[]) ?? [])].sort()) !== JSON.stringify(props)) open.push(`${path}: required`);
      }
      for (const [k, v] of Object.entries(n)) walk(v, `${path}/${k}`);
    };
    walk(schema, '#');
    expect(open).toEqual([]);
  });
});

describe('expectation sites and failure records (ShardStats → FleetStats)', () => {
  const name = (step: { line: number }, file: string) => ({ site: `${file}:${step.line}:5`, label: 'authorize expect Accepted' });
  const failure = (cp: string) => ({ chargePoint: cp, connector: 1, site: 's.yaml:4:5', label: 'authorize expect Accepted', expected: 'Accepted', got: 'Blocked', at: 0 });

  it('counts per site on each shard, names a site once, and sums sites over shards', () => {
    const stepA = { line: 4 };
    const stepB = { line: 7 };
    const a = new ShardStats('1.6');
    const b = new ShardStats('1.6');
    let named = 0;
    const counting = (step: { line: number }, file: string) => (named++, name(step, file));
    for (let i = 0; i < 5; i++) a.expectation(stepA, i < 3, 's.yaml', counting);
    b.expectation(stepA, false, 's.yaml', counting);
    b.expectation(stepB, true, 's.yaml', counting);
    expect(named).toBe(3);
    const fleet = new FleetStats();
    fleet.ingest(0, a.snapshot());
    fleet.ingest(1, b.snapshot());
    // Cumulative: a later snapshot of the same shard replaces, not adds.
    a.expectation(stepA, true, 's.yaml', counting);
    fleet.ingest(0, a.snapshot());
    expect(fleet.expectationSites()).toEqual([
      { site: 's.yaml:4:5', label: 'authorize expect Accepted', passed: 4, failed: 3, pending: 0 },
      { site: 's.yaml:7:5', label: 'authorize expect Accepted', passed: 1, failed: 0, pending: 0 },
    ]);
  });

  it('keeps only the first few failure records per shard, each sent once', () => {
    const s = new ShardStats('1.6');
    for (let i = 0; i < 25; i++) if (s.wantsFailure()) s.failure(failure(`CP${i}`));
    const first = s.snapshot().failures;
    expect(first.map((f) => f.chargePoint)).toEqual(Array.from({ length: 10 }, (_, i) => `CP${i}`));
    s.failure(failure('late'));
    expect(s.wantsFailure()).toBe(false);
    expect(s.snapshot().failures).toEqual([]);
    const fleet = new FleetStats();
    fleet.ingest(0, { ...s.snapshot(), failures: first });
    expect(fleet.failures).toHaveLength(10);
  });
});
