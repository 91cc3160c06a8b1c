/**
 * The embedded CSMS as an OCPP 2.0.1 CSMS, over real loopback sockets: ocpp-rpc's RPCClient in strict
 * mode with `protocols: ['ocpp2.0.1']` validates every answer against the official 2.0.1 schemas, and
 * a raw `ws` client checks the CALLERRORs a 2.0.1 connection gets.
 */
import { describe, expect, it } from 'vitest';
import { CP_ACTIONS_201 } from '../../src/csms/stats.js';
import { csmsWith, rawClient, rpcClient } from '../helpers/csms-clients.js';
import { REQUESTS_201 } from '../helpers/requests-201.js';

const BOOT = REQUESTS_201.BootNotification;
const TOKEN = { idToken: 'TAG0001', type: 'ISO14443' };

/** A TransactionEvent of `transactionId` with an energy register reading (Wh) when `wh` is given. */
function txEvent(transactionId: string, eventType: 'Started' | 'Updated' | 'Ended', seqNo: number, wh?: number, extra: object = {}) {
  const timestamp = new Date().toISOString();
  return {
    eventType,
    timestamp,
    triggerReason: eventType === 'Started' ? 'Authorized' : eventType === 'Ended' ? 'StopAuthorized' : 'MeterValuePeriodic',
    seqNo,
    transactionInfo: { transactionId, ...(eventType === 'Ended' ? { stoppedReason: 'Local' } : {}) },
    evse: { id: 1, connectorId: 1 },
    ...(wh === undefined
      ? {}
      : {
          meterValue: [
            {
              timestamp,
              sampledValue: [{ value: 7200, measurand: 'Power.Active.Import' }, { value: wh, context: eventType === 'Started' ? 'Transaction.Begin' : eventType === 'Ended' ? 'Transaction.End' : 'Sample.Periodic' }],
            },
          ],
        }),
    ...extra,
  };
}

describe('2.0.1 charging station CALLs (ocpp-rpc strict peer)', () => {
  it('BootNotification_Heartbeat_StatusNotification__answered_and_counted', async () => {
    const csms = await csmsWith({ heartbeatInterval: 30 });
    const cs = await rpcClient(csms, 'CS001', ['ocpp2.0.1']);
    expect(cs.protocol).toBe('ocpp2.0.1');
    const boot = await cs.call('BootNotification', BOOT);
    expect(boot).toMatchObject({ status: 'Accepted', interval: 30 });
    expect(Date.parse(boot.currentTime)).toBeGreaterThan(Date.now() - 5000);
    expect((await cs.call('Heartbeat', {})).currentTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await cs.call('StatusNotification', REQUESTS_201.StatusNotification)).toEqual({});
    expect(cs.failures).toEqual([]);
    expect(csms.stats).toMatchObject({ boots: 1, booted: 1, protocols: { 'ocpp2.0.1': { current: 1, total: 1, booted: 1 } } });
    expect(csms.stats.ocpp201.received).toMatchObject({ BootNotification: 1, Heartbeat: 1, StatusNotification: 1 });
    expect(csms.stats.received.BootNotification).toBe(0); // the 1.6 counters are 1.6's
  });

  it('BootNotification__configured_status_Pending', async () => {
    const csms = await csmsWith({ bootStatus: 'Pending', heartbeatInterval: 5 });
    const cs = await rpcClient(csms, 'CS001', ['ocpp2.0.1']);
    expect(await cs.call('BootNotification', BOOT)).toMatchObject({ status: 'Pending', interval: 5 });
    expect(csms.stats).toMatchObject({ boots: 0, booted: 0 });
  });

  it('Authorize__idToken_prefixes_decide_the_status', async () => {
    const csms = await csmsWith();
    const cs = await rpcClient(csms, 'CS001', ['ocpp2.0.1']);
    const status = async (idToken: string) => (await cs.call('Authorize', { idToken: { idToken, type: 'ISO14443' } })).idTokenInfo.status;
    expect(await status('BLOCKED01')).toBe('Blocked');
    expect(await status('EXPIRED01')).toBe('Expired');
    expect(await status('INVALID01')).toBe('Invalid');
    expect(await status('B123')).toBe('Accepted');
    expect(cs.failures).toEqual([]);
  });

  it('TransactionEvent__Started_Updated_Ended__ledger_and_energy', async () => {
    const csms = await csmsWith();
    const cs = await rpcClient(csms, 'CS001', ['ocpp2.0.1']);
    await cs.call('BootNotification', BOOT);
    const started = await cs.call('TransactionEvent', txEvent('tx-1', 'Started', 0, 1000, { idToken: TOKEN }));
    expect(started).toEqual({ idTokenInfo: { status: 'Accepted' } });
    // A second transaction on another EVSE, started by a blocked token: counted all the same.
    expect(await cs.call('TransactionEvent', txEvent('tx-2', 'Started', 0, 50, { idToken: { idToken: 'BLOCKED-7', type: 'ISO14443' } }))).toEqual({
      idTokenInfo: { status: 'Blocked' },
    });
    expect(csms.stats.ocpp201.transactions).toMatchObject({ started: 2, active: 2 });
    expect(await cs.call('TransactionEvent', txEvent('tx-1', 'Updated', 1, 1800))).toEqual({});
    expect(await cs.call('TransactionEvent', txEvent('tx-1', 'Updated', 2, 2600))).toEqual({});
    expect(await cs.call('TransactionEvent', txEvent('tx-1', 'Ended', 3, 3500, { idToken: TOKEN }))).toEqual({ idTokenInfo: { status: 'Accepted' } });
    // tx-2 ends without a reading of its own: its last Updated counts.
    await cs.call('TransactionEvent', txEvent('tx-2', 'Updated', 1, 450));
    await cs.call('TransactionEvent', txEvent('tx-2', 'Ended', 2));
    await cs.call('MeterValues', REQUESTS_201.MeterValues);
    expect(cs.failures).toEqual([]);
    expect(csms.stats.ocpp201).toMatchObject({
      transactions: { started: 2, updated: 3, ended: 2, active: 0, seqNoGaps: 0, seqNoDuplicates: 0, offline: 0, unknown: 0 },
      energyWh: 2500 + 400,
      meterValues: 1,
    });
    expect(csms.stats.ocpp201.received.TransactionEvent).toBe(7);
    // The 1.6 figures are untouched.
    expect(csms.stats.transactions).toMatchObject({ started: 0, stopped: 0, active: 0 });
    expect(csms.stats.energyWh).toBe(0);
  });

  it('TransactionEvent__seqNo_gaps_duplicates_offline_and_unknown_transactions', async () => {
    const csms = await csmsWith();
    const cs = await rpcClient(csms, 'CS001', ['ocpp2.0.1']);
    await cs.call('TransactionEvent', txEvent('tx-a', 'Started', 0, 0));
    await cs.call('TransactionEvent', txEvent('tx-a', 'Updated', 1, 100));
    await cs.call('TransactionEvent', txEvent('tx-a', 'Updated', 4, 400)); // 2 and 3 never came
    await cs.call('TransactionEvent', txEvent('tx-a', 'Updated', 4, 400)); // the same event again
    await cs.call('TransactionEvent', txEvent('tx-a', 'Updated', 5, 500, { offline: true }));
    await cs.call('TransactionEvent', txEvent('tx-a', 'Ended', 6, 600, { offline: true }));
    await cs.call('TransactionEvent', txEvent('tx-a', 'Ended', 6, 600, { offline: true })); // resent after a lost answer
    await cs.call('TransactionEvent', txEvent('tx-nobody', 'Updated', 3, 10)); // no Started seen
    // The same transactionId at another station is another transaction.
    const other = await rpcClient(csms, 'CS002', ['ocpp2.0.1']);
    await other.call('TransactionEvent', txEvent('tx-a', 'Started', 0, 0));
    expect(csms.stats.ocpp201.transactions).toEqual({
      started: 2,
      updated: 3,
      ended: 1,
      active: 1,
      seqNoGaps: 2,
      seqNoDuplicates: 2,
      offline: 3,
      unknown: 1,
    });
    expect(csms.stats.ocpp201.energyWh).toBe(600); // the duplicate Ended added nothing
    expect(cs.failures).toEqual([]);
  });

  it('Every_charging_station_initiated_request__answered_schema_valid', async () => {
    const csms = await csmsWith();
    const cs = await rpcClient(csms, 'CS001', ['ocpp2.0.1']);
    for (const action of CP_ACTIONS_201) {
      // ocpp-rpc's strict mode validates our request and the answer; an invalid answer rejects the call.
      const answer = await cs.call(action, REQUESTS_201[action]);
      expect([action, typeof answer]).toEqual([action, 'object']);
    }
    expect(cs.failures).toEqual([]);
    for (const action of CP_ACTIONS_201) expect([action, csms.stats.ocpp201.received[action]]).toEqual([action, 1]);
    expect(csms.stats.callErrorsSent).toBe(0);
    expect(await cs.call('DataTransfer', { vendorId: 'acme' })).toEqual({ status: 'UnknownVendorId' });
  });
});

describe('2.0.1 CALLERRORs (raw ws peer)', () => {
  it('Bad_frames_and_payloads__2.0.1_codes_and_spellings_on_the_wire', async () => {
    const csms = await csmsWith();
    const cs = await rawClient(csms, 'CS001', ['ocpp2.0.1']);
    expect(cs.ws.protocol).toBe('ocpp2.0.1');
    const long = 'x'.repeat(21);
    const cases: [string, string, string][] = [
      // Part 4 §4.2.3: a CALL whose message id cannot be read → RpcFrameworkError with message id "-1".
      ['not json', '-1', 'RpcFrameworkError'],
      ['[2, 17, "Heartbeat", {}]', '-1', 'RpcFrameworkError'],
      [`[2, "${'i'.repeat(37)}", "Heartbeat", {}]`, '-1', 'RpcFrameworkError'],
      // Part 4 §4.4: an unknown message type → MessageTypeNotSupported.
      ['[9,"id2"]', 'id2', 'MessageTypeNotSupported'],
      ['[2,"x"]', 'x', 'FormatViolation'],
      ['[2,"id3","NoSuchAction",{}]', 'id3', 'NotImplemented'],
      ['[2,"id4","Reset",{"type":"Immediate"}]', 'id4', 'NotSupported'], // a CSMS-initiated 2.0.1 action
      ['[2,"id4b","StartTransaction",{}]', 'id4b', 'NotImplemented'], // 1.6 only: not a 2.0.1 action
      // 2.0.1 keeps the one-r spelling of its Part 4 §4.3 table.
      ['[2,"id5","BootNotification",{"reason":"PowerUp"}]', 'id5', 'OccurenceConstraintViolation'],
      ['[2,"id6","BootNotification",{"reason":"PowerUp","chargingStation":{"model":5,"vendorName":"v"}}]', 'id6', 'TypeConstraintViolation'],
      [`[2,"id7","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"${long}","vendorName":"v"}}]`, 'id7', 'PropertyConstraintViolation'],
      ['[2,"id8","Heartbeat",{"extra":1}]', 'id8', 'FormatViolation'],
    ];
    for (const [text, id, code] of cases) {
      const frame = await cs.ask(text);
      expect([text, frame[0], frame[1], frame[2]]).toEqual([text, 4, id, code]);
      expect(typeof frame[3]).toBe('string');
      expect(frame[4]).toEqual({});
    }
    // Responses are never answered (OCPP-J §4.2): a stray or malformed CALLRESULT gets nothing.
    cs.ws.send('[3,"nobody-asked",{}]');
    cs.ws.send('[3,"x"]');
    expect((await cs.ask('[2,"hb","Heartbeat",{}]')).slice(0, 2)).toEqual([3, 'hb']);
    expect(csms.stats).toMatchObject({ badFrames: 6, callErrorsSent: cases.length, unexpectedResponses: 1 });
    expect(csms.stats.ocpp201.received).toMatchObject({ BootNotification: 3, Heartbeat: 2 });
  });
});
