/** The embedded CSMS's price per kWh: TransactionEvent answers with the running and final totalCost (2.0.1 I02/I03). */
import { describe, expect, it } from 'vitest';
import { Ledger201, recordAnswer201 } from '../../src/csms/ocpp201/ledger.js';
import { RESPONDERS } from '../../src/csms/ocpp201/responders.js';
import { validator201 } from '../../src/ocpp201/schemas.js';

function connection(pricePerKWh: number | null) {
  const stats = { ocpp201: { transactions: { offline: 0, unknown: 0, started: 0, active: 0, ended: 0, updated: 0, seqNoDuplicates: 0, seqNoGaps: 0 }, energyWh: 0, meterValues: 0 } };
  return { identity: 'CS1', core: { settings: { pricePerKWh }, ledger201: new Ledger201(), stats } } as any;
}

const event = (eventType: string, seqNo: number, wh?: number, more: object = {}) => ({
  eventType,
  seqNo,
  timestamp: new Date().toISOString(),
  triggerReason: 'MeterValuePeriodic',
  transactionInfo: { transactionId: 'tx-1' },
  ...(wh === undefined ? {} : { meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: wh }] }] }),
  ...more,
});

/** Answers each event in turn as the CSMS does (the ledger records after the answer). */
function answers(conn: any, events: object[]): any[] {
  return events.map((e) => {
    const res = RESPONDERS.TransactionEvent(conn, e as never);
    expect(validator201().response('TransactionEvent', res)).toBeNull();
    recordAnswer201(conn, 'TransactionEvent', e, res);
    return res;
  });
}

describe('2.0.1 TransactionEvent answers with a price per kWh', () => {
  it('give the cost of the energy since the first reading, rounded to cents; the Ended answer the final one', () => {
    const res = answers(connection(0.35), [
      event('Started', 0, 10_000, { idToken: { idToken: 'T1', type: 'ISO14443' } }),
      event('Updated', 1, 12_345),
      event('Updated', 2),
      event('Ended', 3, 20_000),
    ]);
    expect(res).toEqual([{ idTokenInfo: { status: 'Accepted' } }, { totalCost: 0.82 }, { totalCost: 0.82 }, { totalCost: 3.5 }]);
  });

  it('give none without a price, before any reading, or for the Started event', () => {
    expect(answers(connection(null), [event('Started', 0, 1000), event('Ended', 1, 9000)])).toEqual([{}, {}]);
    expect(answers(connection(1), [event('Started', 0), event('Updated', 1)])).toEqual([{}, {}]);
  });
});
