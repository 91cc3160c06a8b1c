/**
 * `ocpp-sim merge` through the real binary over real shard reports: `run --shard 1/2` and `2/2`
 * against the embedded CSMS, merged, give the totals of the same fleet run whole (boots,
 * transactions, messages, calls per action: a scenario with one session per connector makes them
 * exact); thresholds are re-evaluated over the whole fleet (each shard fails `booted >= 6`, the
 * merge passes it); the JUnit file is valid; overlapping, missing and unreadable reports exit 2
 * naming the files.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { RunReport } from '../../src/report/report.js';
import { checkReport } from '../../src/report/read-report.js';
import { csmsPerTest } from '../helpers/csms-per-test.js';
import { junitProblems } from '../helpers/junit-xsd.js';
import { BUILT, describeRun, runCli } from './spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csmsFor = csmsPerTest();

/** One session per connector, then an hour's wait: every count is the same however the fleet is split. */
const SCENARIO = join(dir, 'one-session.yaml');
writeFileSync(
  SCENARIO,
  [
    'description: one charging session per connector, then idle',
    'connectors: all',
    'steps:',
    '  - plug',
    '  - authorize: {idTag: "TAG${n:04}-${connector}", expect: Accepted}',
    '  - start: {idTag: "TAG${n:04}-${connector}", expect: Accepted}',
    '  - charge: 1s',
    '  - stop: {reason: Local}',
    '  - unplug',
    '  - wait: 1h',
    '',
  ].join('\n'),
);

const read = (file: string): RunReport => checkReport(file, JSON.parse(readFileSync(file, 'utf8')));
const file = (name: string) => join(dir, name);

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

describe('ocpp-sim merge', () => {
  it('two shards merged give the totals of the same fleet run whole; thresholds are judged over the whole fleet', { timeout: 40_000 }, async (ctx) => {
    const { expect } = ctx;
    // Heartbeats only every hour: their count would depend on timing.
    const [sharded, whole] = await Promise.all([csmsFor(ctx, { heartbeatInterval: 3600 }), csmsFor(ctx, { heartbeatInterval: 3600 })]);
    const run = (url: string, extra: string[]) =>
      runCli(['run', '--csms', url, '--count', '6', '--duration', '4s', '--scenario', SCENARIO, '--meter-interval', '60s', '--quiet', '--workers', '1', '--threshold', 'booted >= 6', ...extra], {
        timeoutMs: 30_000,
      });
    const [a, b, w] = await Promise.all([
      run(sharded.url, ['--shard', '1/2', '--report', file('s1.json')]),
      run(sharded.url, ['--shard', '2/2', '--report', file('s2.json')]),
      run(whole.url, ['--report', file('whole.json')]),
    ]);
    // Each shard booted 3 of the 6 the threshold asks for; the whole fleet booted 6.
    expect(a.code, describeRun(a)).toBe(1);
    expect(b.code, describeRun(b)).toBe(1);
    expect(w.code, describeRun(w)).toBe(0);
    expect(read(file('s1.json'))).toMatchObject({ shard: '1/2', config: { fleets: [{ count: 3, identities: { first: 'CP1', last: 'CP5', count: 3, step: 2 } }] } });
    expect(read(file('s2.json'))).toMatchObject({ shard: '2/2', config: { fleets: [{ count: 3, identities: { first: 'CP2', last: 'CP6', count: 3, step: 2 } }] } });

    const m = await runCli(['merge', file('s2.json'), file('s1.json'), '--report', file('merged.json'), '--junit', file('merged.xml')]);
    expect(m.code, describeRun(m)).toBe(0);
    expect(m.stdout).toMatch(/^Merged 2 report\(s\) of 6 charge points/m);
    expect(m.stdout).toMatch(/^ {2}✓ booted >= 6 \(actual 6\)$/m);
    expect(m.stdout).toMatch(/^PASSED$/m);
    expect(m.stdout).toMatch(/^exit code 0/m);

    const merged = read(file('merged.json'));
    const full = read(file('whole.json'));
    expect(merged).toMatchObject({ shard: null, passed: true, exitCode: 0, config: { thresholds: ['booted >= 6'], fleets: [{ count: 6, identities: { first: 'CP1', last: 'CP6', count: 6, step: 1 } }] } });
    expect(merged.chargePoints).toEqual(full.chargePoints);
    expect(merged.boots).toEqual(full.boots);
    expect(merged.transactions).toEqual(full.transactions);
    expect(full.transactions.completed).toBe(12);
    expect(merged.messages).toEqual(full.messages);
    expect(merged.expectations).toEqual(full.expectations);
    expect(merged.calls.sent).toBe(full.calls.sent);
    expect(Object.keys(merged.actions['1.6']).sort()).toEqual(Object.keys(full.actions['1.6']).sort());
    for (const [action, f] of Object.entries(full.actions['1.6'])) {
      const g = merged.actions['1.6'][action];
      expect({ count: g.count, sent: g.sent, received: g.received, errors: g.errors }, action).toEqual({ count: f.count, sent: f.sent, received: f.received, errors: f.errors });
      // The merged histogram holds every answered call of both shards.
      const calls = (r: RunReport) => r.actions['1.6'][action].histogram?.buckets.reduce((n, [, c]) => n + c, 0) ?? 0;
      expect(calls(merged), action).toBe(calls(read(file('s1.json'))) + calls(read(file('s2.json'))));
    }
    // What the CSMS itself counted for the shards.
    expect(merged.boots.accepted).toBe(sharded.stats.boots);
    expect(await junitProblems(readFileSync(file('merged.xml'), 'utf8'))).toEqual([]);

    // Thresholds given to merge replace the shards' own, judged over the whole fleet.
    const t = await runCli(['merge', file('s1.json'), file('s2.json'), '--threshold', 'transactions(completed) >= 12', '--threshold', 'calls(*) > 1000000', '--junit', file('failed.xml')]);
    expect(t.code, describeRun(t)).toBe(1);
    expect(t.stdout).toMatch(/^ {2}✓ transactions\(completed\) >= 12 \(actual 12\)$/m);
    expect(t.stdout).toMatch(/^FAILED: threshold calls\(\*\) > 1000000 failed/m);
    const xml = readFileSync(file('failed.xml'), 'utf8');
    expect(await junitProblems(xml)).toEqual([]);
    expect(xml).toMatch(/<testcase classname="ocpp-sim.thresholds" name="calls\(\*\) &gt; 1000000" time="0">\s*<failure/);

    // --json: the merged report on stdout.
    const j = await runCli(['merge', file('s1.json'), file('s2.json'), '--json']);
    expect(j.code, describeRun(j)).toBe(0);
    expect(checkReport('stdout', JSON.parse(j.stdout))).toMatchObject({ shard: null, boots: full.boots });
  });

  it('overlapping, missing and unreadable shard reports exit 2, naming the files', { timeout: 20_000 }, async ({ expect }) => {
    const s1 = file('s1.json');
    const twice = await runCli(['merge', s1, s1]);
    expect(twice.code, describeRun(twice)).toBe(2);
    expect(twice.stderr).toContain(`overlapping shards: ${s1} and ${s1} are both 1/2`);

    const missing = await runCli(['merge', s1]);
    expect(missing.code, describeRun(missing)).toBe(2);
    expect(missing.stderr).toContain(`missing shard(s) 2/2: got ${s1} (1/2)`);

    const mixed = await runCli(['merge', s1, file('whole.json')]);
    expect(mixed.code, describeRun(mixed)).toBe(2);
    expect(mixed.stderr).toMatch(/shards of different n/);

    writeFileSync(file('truncated.json'), readFileSync(s1, 'utf8').slice(0, 200));
    const bad = await runCli(['merge', s1, file('truncated.json')]);
    expect(bad.code, describeRun(bad)).toBe(2);
    expect(bad.stderr).toContain(`${file('truncated.json')}: not JSON`);

    const absent = await runCli(['merge', s1, file('absent.json')]);
    expect(absent.code, describeRun(absent)).toBe(2);
    expect(absent.stderr).toContain(file('absent.json'));

    // Shards judged by different thresholds: the whole fleet's must be given.
    const s2 = read(file('s2.json'));
    writeFileSync(file('s2-no-thresholds.json'), JSON.stringify({ ...s2, config: { ...s2.config, thresholds: [] } }));
    const differ = await runCli(['merge', s1, file('s2-no-thresholds.json')]);
    expect(differ.code, describeRun(differ)).toBe(2);
    expect(differ.stderr).toMatch(/different thresholds .*give the whole fleet's with --threshold/);
  });

  it('an interrupted shard makes the merged run interrupted: exit 105, the shard named', { timeout: 20_000 }, async ({ expect }) => {
    const s2 = read(file('s2.json'));
    const aborted = { by: 'signal', signal: 'SIGTERM', at: s2.endedAt, afterMs: 1200, reason: 'interrupted by SIGTERM after 1.2s of 3.0s' };
    writeFileSync(file('s2-interrupted.json'), JSON.stringify({ ...s2, aborted, passed: false, exitCode: 105, reasons: [aborted.reason, ...s2.reasons] }));
    const r = await runCli(['merge', file('s1.json'), file('s2-interrupted.json'), '--report', file('interrupted.json')]);
    expect(r.code, describeRun(r)).toBe(105);
    expect(r.stdout).toContain(`shard 2/2 (${file('s2-interrupted.json')}): interrupted by SIGTERM after 1.2s of 3.0s`);
    expect(read(file('interrupted.json'))).toMatchObject({ passed: false, exitCode: 105, aborted: { by: 'signal', signal: 'SIGTERM' } });
  });
});
