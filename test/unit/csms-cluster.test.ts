/**
 * The pure parts of `csms --processes N` (src/csms/cluster/): merging the operator API's per-process
 * answers, and 1.6 transactionIds unique over the processes.
 */
import { describe, expect, it } from 'vitest';
import { concatLists, mergeBroadcasts, mergeCalls, sumCounters } from '../../src/csms/cluster/merge.js';
import { firstTransactionId } from '../../src/csms/cluster/worker.js';
import { Ledger16 } from '../../src/csms/ocpp16/ledger.js';
import { createStats } from '../../src/csms/stats.js';

describe('sumCounters', () => {
  it('adds every counter of CsmsStats, nested ones included, keeping the shape', () => {
    const a = createStats();
    const b = createStats();
    a.connections.current = 3;
    b.connections.current = 4;
    a.received.Heartbeat = 10;
    b.ocpp201.transactions.started = 2;
    b.protocols['ocpp2.0.1'].booted = 5;
    const sum = sumCounters([a, b]) as ReturnType<typeof createStats>;
    expect(sum.connections.current).toBe(7);
    expect(sum.received.Heartbeat).toBe(10);
    expect(sum.ocpp201.transactions.started).toBe(2);
    expect(sum.protocols['ocpp2.0.1'].booted).toBe(5);
    expect(Object.keys(sum)).toEqual(Object.keys(createStats()));
  });
});

describe('mergeCalls', () => {
  const unknown = { status: 404, body: { error: { code: 'UnknownIdentity', description: 'No charge point CP1 is connected' } } };
  it('takes the answer of the process holding the identity', () => {
    const found = { status: 200, body: { result: { status: 'Accepted' } } };
    expect(mergeCalls([unknown, found], 0, 'CP1')).toBe(found);
    const failed = { status: 502, body: { error: { code: 'Timeout', description: 'x' } } };
    expect(mergeCalls([failed, unknown], 0, 'CP1')).toBe(failed);
  });
  it('is 404 when no process holds it, and unknown (null) when a process did not answer', () => {
    expect(mergeCalls([unknown, unknown], 0, 'CP1')).toEqual(unknown);
    expect(mergeCalls([unknown], 1, 'CP1')).toBeNull();
  });
});

describe('mergeBroadcasts and concatLists', () => {
  it('adds ok, failed and skipped, and joins the results', () => {
    const merged = mergeBroadcasts([
      { ok: 2, failed: 0, results: { A: { result: {} }, B: { result: {} } }, skipped: { 'ocpp2.0.1': { chargePoints: 1, reason: 'r' } } },
      { ok: 1, failed: 1, results: { C: { result: {} }, D: { error: {} } }, skipped: { 'ocpp2.0.1': { chargePoints: 2, reason: 'r' } } },
      { ok: 0, failed: 0, results: {} },
    ]);
    expect(merged).toEqual({ ok: 3, failed: 1, results: { A: { result: {} }, B: { result: {} }, C: { result: {} }, D: { error: {} } }, skipped: { 'ocpp2.0.1': { chargePoints: 3, reason: 'r' } } });
    expect(mergeBroadcasts([{ ok: 1, failed: 0, results: {} }])).not.toHaveProperty('skipped');
  });
  it('lists every process’s charge points by identity', () => {
    expect(concatLists([[{ identity: 'B' }], [{ identity: 'A' }, { identity: 'C' }]])).toEqual([{ identity: 'A' }, { identity: 'B' }, { identity: 'C' }]);
  });
});

describe('1.6 transactionIds over several processes', () => {
  it('never repeat between the processes, nor between a process and its restarted successor, and stay int32', () => {
    const count = 3;
    const seen = new Set<number>();
    for (const generation of [0, 1]) {
      for (let index = 0; index < count; index++) {
        const ledger = new Ledger16();
        ledger.transactionIdStep = count;
        ledger.nextTransactionId = firstTransactionId(index, count, generation);
        for (let i = 0; i < 1000; i++) {
          const id = ledger.newTransactionId();
          expect(seen.has(id), `id ${id}`).toBe(false);
          seen.add(id);
        }
      }
    }
    expect(seen.size).toBe(6000);
    for (const generation of [0, 1, 2, 3, 50]) expect(firstTransactionId(63, 64, generation) + 64 * 10_000_000).toBeLessThan(2 ** 31);
  });

  it('count up from 1 in one process, as before', () => {
    const ledger = new Ledger16();
    expect([ledger.newTransactionId(), ledger.newTransactionId(), ledger.newTransactionId()]).toEqual([1, 2, 3]);
  });
});
