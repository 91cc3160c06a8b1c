/**
 * OCPP 2.0.1 charge points through the real binary against the embedded CSMS: a shipped scenario
 * written once for either version, a scenario that waits for the CSMS's remote start and stop, and a
 * run plan with a 1.6 and a 2.0.1 fleet in one run — one summary, one report, one verdict.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { describeRun, runCli, summaryBooted } from './spawn-cli.js';

let csms: Csms | undefined;
afterEach(async () => {
  await csms?.close();
  csms = undefined;
});

describe('OCPP 2.0.1 runs', () => {
  it('the shipped charging-session scenario drives 2.0.1 charge points: TransactionEvents, no seqNo gaps, PASSED', async ({ expect }) => {
    csms = await startCsms({ port: 0, heartbeatInterval: 5, strict: true });
    const r = await runCli(
      ['run', '--csms', csms.url, '--profile', 'generic-201-ac', '--scenario', 'charging-session', '--count', '2', '--duration', '12s', '--speed', '600', '--quiet', '--strict'],
      { timeoutMs: 60_000 },
    );
    expect(r.code, describeRun(r)).toBe(0);
    const s = csms.stats;
    expect(s.ocpp201.transactions.ended, describeRun(r)).toBeGreaterThanOrEqual(2);
    expect(s.ocpp201.transactions.seqNoGaps).toBe(0);
    expect(s.ocpp201.transactions.active).toBe(0);
    expect(s.ocpp201.received.Authorize).toBeGreaterThan(0);
    expect(s.received.StartTransaction).toBe(0); // no 1.6 word on the wire
    expect(s.callErrorsSent).toBe(0);
    expect(r.stdout).toMatch(/Summary after .* · OCPP 2\.0\.1/);
  });

  it('remote-start-stop on 2.0.1 waits for RequestStartTransaction and RequestStopTransaction (its 1.6 names, renamed)', async ({ expect }) => {
    csms = await startCsms({ port: 0, heartbeatInterval: 5, strict: true });
    const server = csms;
    const answers: string[] = [];
    server.onRequest = (id, action, payload) => {
      // Plugged in (Occupied): start it remotely; once Started, stop it.
      if (action === 'StatusNotification' && payload.connectorStatus === 'Occupied' && answers.length === 0) {
        setTimeout(() => void server.call(id, 'RequestStartTransaction', { idToken: { idToken: '04A2B3C4', type: 'ISO14443' }, remoteStartId: 7, evseId: 1 }).then((a) => answers.push(a.status)), 50);
      }
      if (action === 'TransactionEvent' && payload.eventType === 'Started') {
        setTimeout(() => void server.call(id, 'RequestStopTransaction', { transactionId: payload.transactionInfo.transactionId }).then((a) => answers.push(a.status)), 50);
      }
      return undefined;
    };
    const report = join(mkdtempSync(join(tmpdir(), 'ocpp-sim-201-')), 'report.json');
    const r = await runCli(['run', '--csms', server.url, '--profile', 'generic-201-ac', '--scenario', 'remote-start-stop', '--count', '1', '--duration', '6s', '--quiet', '--report', report], { timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    expect(answers).toEqual(['Accepted', 'Accepted']);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.protocols).toEqual({ '2.0.1': 1 });
    expect(json.expectations?.failed ?? 0).toBe(0);
    expect(server.stats.ocpp201.transactions).toMatchObject({ started: 1, ended: 1, seqNoGaps: 0 });
  });

  it('a run plan with a 1.6 and a 2.0.1 fleet: one run, both versions on the wire, the summary and report per version', async ({ expect }) => {
    csms = await startCsms({ port: 0, heartbeatInterval: 5, strict: true });
    const report = join(mkdtempSync(join(tmpdir(), 'ocpp-sim-mixed-')), 'report.json');
    const r = await runCli(
      ['run', 'test/fixtures/plans/mixed-versions.yaml', '--csms', csms.url, '--duration', '6s', '--session', '1s-2s', '--idle', '0s-1s', '--quiet', '--report', report],
      { timeoutMs: 60_000 },
    );
    expect(r.code, describeRun(r)).toBe(0);
    expect(summaryBooted(r.stdout)).toEqual({ booted: 4, total: 4 });
    const s = csms.stats;
    expect(s.protocols['ocpp1.6'].total).toBe(2);
    expect(s.protocols['ocpp2.0.1'].total).toBe(2);
    expect(s.received.StartTransaction).toBeGreaterThan(0);
    expect(s.ocpp201.received.TransactionEvent).toBeGreaterThan(0);
    expect(s.ocpp201.transactions.seqNoGaps).toBe(0);
    // The action table has a version column, and a name in both versions is two rows.
    expect(r.stdout).toMatch(/^BootNotification\s+1\.6\s/m);
    expect(r.stdout).toMatch(/^BootNotification\s+2\.0\.1\s/m);
    expect(r.stdout).toMatch(/^TransactionEvent\s+2\.0\.1\s/m);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.protocols).toEqual({ '1.6': 2, '2.0.1': 2 });
    expect(json.actions['1.6'].StartTransaction.sent).toBe(s.received.StartTransaction);
    expect(json.actions['2.0.1'].TransactionEvent.sent).toBe(s.ocpp201.received.TransactionEvent);
  });
});
