/**
 * The embedded CSMS against real loopback sockets: a plain `ws` client for raw frames and
 * ocpp-rpc's RPCClient in strict mode as an independent peer that validates our answers.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NO_REPLY, startCsms } from '../../src/csms/server.js';
import { api, csmsWith, rawClient, rpcClient } from '../helpers/csms-clients.js';
import { OcppError } from '../../src/protocol/errors.js';

const BOOT = { chargePointVendor: 'ocpp-sim', chargePointModel: 'Virtual-1' };

/** Resolves with the HTTP status of a refused upgrade. */
function upgradeStatus(url: string, protocols: string[], headers: Record<string, string> = {}): Promise<number> {
  const ws = new WebSocket(url, protocols, { headers });
  return new Promise((resolve, reject) => {
    ws.on('error', reject); // also emitted after a refused handshake, when the promise is settled
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    ws.once('open', () => reject(new Error('upgrade was accepted')));
  });
}

describe('charge point CALLs (ocpp-rpc strict peer)', () => {
  it('BootNotification__Accepted_with_interval', async () => {
    const csms = await csmsWith({ heartbeatInterval: 30 });
    const cp = await rpcClient(csms, 'CP001', ['ocpp1.6']);
    const res = await cp.call('BootNotification', BOOT);
    expect(res).toMatchObject({ status: 'Accepted', interval: 30 });
    expect(Date.parse(res.currentTime)).toBeGreaterThan(Date.now() - 5000);
    expect(csms.connected()).toEqual(['CP001']);
    expect(csms.stats).toMatchObject({ boots: 1, booted: 1, connections: { current: 1, total: 1 } });
    expect((await cp.call('Heartbeat', {})).currentTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(csms.stats.received).toMatchObject({ BootNotification: 1, Heartbeat: 1 });
  });

  it('BootNotification__configured_status', async () => {
    const csms = await csmsWith({ bootStatus: 'Pending' });
    const cp = await rpcClient(csms, 'CP001', ['ocpp1.6']);
    expect((await cp.call('BootNotification', BOOT)).status).toBe('Pending');
    expect(csms.stats).toMatchObject({ boots: 0, booted: 0 });
  });

  it('Transactions__ids_increment_and_energy_is_counted', async () => {
    const csms = await csmsWith();
    const cp = await rpcClient(csms, 'CP001', ['ocpp1.6']);
    const timestamp = new Date().toISOString();
    const a = await cp.call('StartTransaction', { connectorId: 1, idTag: 'TAG1', meterStart: 1000, timestamp });
    const b = await cp.call('StartTransaction', { connectorId: 2, idTag: 'BLOCKED-7', meterStart: 50, timestamp });
    expect(a).toEqual({ transactionId: 1, idTagInfo: { status: 'Accepted' } });
    expect(b).toEqual({ transactionId: 2, idTagInfo: { status: 'Blocked' } });
    await cp.call('MeterValues', {
      connectorId: 1,
      transactionId: 1,
      meterValue: [{ timestamp, sampledValue: [{ value: '1500' }] }],
    });
    const stop = await cp.call('StopTransaction', { transactionId: 1, meterStop: 3500, timestamp, reason: 'Local' });
    expect(stop).toEqual({ idTagInfo: { status: 'Accepted' } });
    await cp.call('StopTransaction', { transactionId: 99, meterStop: 10, timestamp });
    expect(csms.stats.transactions).toEqual({ started: 2, stopped: 2, active: 1, unknownStops: 1, resent: 0 });
    // The open transaction's StartTransaction sent again (its answer lost, OCPP 1.6 §4.7): the same id.
    expect(await cp.call('StartTransaction', { connectorId: 2, idTag: 'BLOCKED-7', meterStart: 50, timestamp })).toEqual(b);
    expect(csms.stats.transactions).toMatchObject({ started: 2, active: 1, resent: 1 });
    expect(csms.stats.energyWh).toBe(2500);
    expect(csms.stats.meterValues).toBe(1);
  });

  it('Authorize__tag_prefixes_decide_the_status', async () => {
    const csms = await csmsWith();
    const cp = await rpcClient(csms, 'CP001', ['ocpp1.6']);
    const status = async (idTag: string) => (await cp.call('Authorize', { idTag })).idTagInfo.status;
    expect(await status('BLOCKED01')).toBe('Blocked');
    expect(await status('EXPIRED01')).toBe('Expired');
    expect(await status('INVALID01')).toBe('Invalid');
    expect(await status('B123')).toBe('Accepted');
  });

  it('Other_actions__schema_valid_answers', async () => {
    const csms = await csmsWith();
    const cp = await rpcClient(csms, 'CP001', ['ocpp1.6']);
    expect(await cp.call('DataTransfer', { vendorId: 'ocpp-sim', messageId: 'x' })).toEqual({ status: 'Accepted' });
    expect(await cp.call('DataTransfer', { vendorId: 'acme' })).toEqual({ status: 'UnknownVendorId' });
    expect(await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' })).toEqual({});
    expect(await cp.call('FirmwareStatusNotification', { status: 'Idle' })).toEqual({});
    expect(await cp.call('DiagnosticsStatusNotification', { status: 'Idle' })).toEqual({});
    expect(await cp.call('SignCertificate', { csr: '-----BEGIN CERTIFICATE REQUEST-----' })).toEqual({ status: 'Rejected' });
  });
});

describe('bad frames (raw ws peer)', () => {
  it('Garbage__answered_with_1.6_error_codes_and_connection_stays_open', async () => {
    const csms = await csmsWith();
    const cp = await rawClient(csms, 'CP001');
    const long = 'x'.repeat(21);
    const cases: [string, string, string][] = [
      ['not json', '-1', 'ProtocolError'],
      ['[2,"x"]', 'x', 'FormationViolation'],
      ['[2,"id1","Heartbeat",[]]', 'id1', 'FormationViolation'],
      ['[9,"id2"]', 'id2', 'ProtocolError'],
      ['[2,"id3","NoSuchAction",{}]', 'id3', 'NotImplemented'],
      ['[2,"id4","Reset",{"type":"Hard"}]', 'id4', 'NotSupported'],
      ['[2,"id5","BootNotification",{"chargePointVendor":"v"}]', 'id5', 'OccurenceConstraintViolation'],
      ['[2,"id6","BootNotification",{"chargePointVendor":5,"chargePointModel":"m"}]', 'id6', 'TypeConstraintViolation'],
      [`[2,"id7","BootNotification",{"chargePointVendor":"${long}","chargePointModel":"m"}]`, 'id7', 'PropertyConstraintViolation'],
      ['[2,"id8","Heartbeat",{"extra":1}]', 'id8', 'FormationViolation'],
    ];
    for (const [text, id, code] of cases) {
      cp.ws.send(text);
      const frame = await cp.next();
      expect([text, frame[0], frame[1], frame[2]]).toEqual([text, 4, id, code]);
      expect(typeof frame[3]).toBe('string');
      expect(frame[4]).toEqual({});
    }
    // Responses are never answered (OCPP-J §4.2): neither a stray CALLRESULT nor a malformed one.
    cp.ws.send('[3,"nobody-asked",{}]');
    cp.ws.send('[3,"x"]');
    cp.ws.send('[2,"hb","Heartbeat",{}]');
    expect((await cp.next()).slice(0, 2)).toEqual([3, 'hb']);
    expect(cp.ws.readyState).toBe(WebSocket.OPEN);
    expect(csms.stats).toMatchObject({ badFrames: 5, callErrorsSent: cases.length, unexpectedResponses: 1 });
    expect(csms.stats.received).toMatchObject({ BootNotification: 3, Heartbeat: 2 });
  });
});

describe('handshake', () => {
  it('Subprotocol__refused_with_400_unless_ocpp1.6_is_offered (--ocpp 1.6)', async () => {
    const csms = await csmsWith({ ocpp: ['1.6'] });
    expect(await upgradeStatus(`${csms.url}/CP001`, [])).toBe(400);
    expect(await upgradeStatus(`${csms.url}/CP001`, ['ocpp2.0.1'])).toBe(400);
    const cp = await rawClient(csms, 'CP002', ['ocpp2.0.1', 'ocpp1.6']);
    expect(cp.ws.protocol).toBe('ocpp1.6');
    expect(csms.stats.connections.rejected).toBe(2);
  });

  it('Identity__last_path_segment_url_decoded', async () => {
    const csms = await csmsWith();
    await rawClient(csms, 'site%2F1/CP%2Bone/');
    expect(csms.connected()).toEqual(['CP+one']);
    expect(await upgradeStatus(csms.url.replace(/\/ocpp$/, '/'), ['ocpp1.6'])).toBe(400);
  });

  it('BasicAuth__401_without_the_right_password', async () => {
    const csms = await csmsWith({ passwords: { CP001: 'correct-horse-battery' } });
    const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
    expect(await upgradeStatus(`${csms.url}/CP001`, ['ocpp1.6'])).toBe(401);
    expect(await upgradeStatus(`${csms.url}/CP001`, ['ocpp1.6'], basic('CP001', 'wrong'))).toBe(401);
    expect(await upgradeStatus(`${csms.url}/CP001`, ['ocpp1.6'], basic('CP002', 'correct-horse-battery'))).toBe(401);
    expect(await upgradeStatus(`${csms.url}/CP002`, ['ocpp1.6'], basic('CP002', 'correct-horse-battery'))).toBe(401);
    const cp = await rpcClient(csms, 'CP001', ['ocpp1.6'], { password: 'correct-horse-battery' });
    expect((await cp.call('BootNotification', BOOT)).status).toBe('Accepted');
  });

  it('Replacement__a_second_connection_closes_the_first', async () => {
    const csms = await csmsWith();
    const first = await rawClient(csms, 'CP001');
    const closed = new Promise<number>((resolve) => first.ws.once('close', resolve));
    const second = await rawClient(csms, 'CP001');
    expect(await closed).toBe(4000);
    expect(csms.connected()).toEqual(['CP001']);
    expect(csms.stats.connections).toMatchObject({ current: 1, total: 2, replaced: 1 });
    second.ws.send('[2,"1","Heartbeat",{}]');
    expect((await second.next())[0]).toBe(3);
  });
});

describe('CSMS-initiated calls', () => {
  it('OperatorApi__RemoteStartTransaction_to_an_ocpp-rpc_client', async () => {
    const csms = await csmsWith();
    const cp = await rpcClient(csms, 'CP001', ['ocpp1.6']);
    await cp.call('BootNotification', BOOT);
    let received: unknown;
    cp.handle('RemoteStartTransaction', ({ params }: { params: unknown }) => {
      received = params;
      return { status: 'Accepted' };
    });
    const res = await api(csms, 'POST', '/api/charge-points/CP001/RemoteStartTransaction', '{"connectorId":1,"idTag":"TAG1"}');
    expect(res).toEqual({ status: 200, json: { result: { status: 'Accepted' } } });
    expect(received).toEqual({ connectorId: 1, idTag: 'TAG1' });
    // ocpp-rpc answers an action without a handler with NotImplemented: a 502 for the operator.
    const err = await api(csms, 'POST', '/api/charge-points/CP001/Reset', '{"type":"Soft"}');
    expect(err.status).toBe(502);
    expect(err.json.error.code).toBe('NotImplemented');
    const list = await api(csms, 'GET', '/api/charge-points');
    expect(list.json).toEqual([{ identity: 'CP001', protocol: 'ocpp1.6', booted: true, connectedAt: expect.any(String), vendor: 'ocpp-sim', model: 'Virtual-1' }]);
    const stats = await api(csms, 'GET', '/api/stats');
    expect(stats.json).toMatchObject({ callsSent: 2, callResults: 1, callErrorsReceived: 1, boots: 1 });
  });

  it('OperatorApi__a_call_to_every_booted_charge_point_with_star', async () => {
    const csms = await csmsWith();
    const answers: Record<string, () => object> = { CP001: () => ({ status: 'Accepted' }), CP002: () => ({ status: 'Rejected' }) };
    for (const id of ['CP001', 'CP002']) {
      const cp = await rpcClient(csms, id, ['ocpp1.6']);
      await cp.call('BootNotification', BOOT);
      cp.handle('TriggerMessage', answers[id]);
    }
    await rpcClient(csms, 'CP003', ['ocpp1.6']); // connected, never booted: left out
    const res = await api(csms, 'POST', '/api/charge-points/*/TriggerMessage', '{"requestedMessage":"Heartbeat"}');
    expect(res).toEqual({
      status: 200,
      json: { ok: 2, failed: 0, results: { CP001: { result: { status: 'Accepted' } }, CP002: { result: { status: 'Rejected' } } } },
    });
    // A payload error is still one 400 before anything is sent.
    expect((await api(csms, 'POST', '/api/charge-points/*/TriggerMessage', '{}')).status).toBe(400);
  });

  it('OperatorApi__400_and_404_cases', async () => {
    const csms = await csmsWith();
    await rpcClient(csms, 'CP001', ['ocpp1.6']);
    const post = (path: string, body: string) => api(csms, 'POST', `/api/charge-points/${path}`, body);
    expect((await post('CP001/Reset', '{not json')).status).toBe(400);
    expect((await post('CP001/Heartbeat', '{}')).status).toBe(400); // charge-point-initiated
    expect((await post('CP001/NoSuchAction', '{}')).status).toBe(400);
    const invalid = await post('CP001/RemoteStartTransaction', '{"connectorId":1}');
    expect(invalid).toMatchObject({ status: 400, json: { error: { code: 'OccurrenceConstraintViolation' } } });
    expect((await post('CP999/Reset', '{"type":"Soft"}')).status).toBe(404);
    expect((await api(csms, 'GET', '/api/nothing')).status).toBe(404);
    expect((await api(csms, 'GET', '/api/charge-points/CP001/Reset')).status).toBe(405);
    expect(csms.stats.callsSent).toBe(0);
  });

  it('Call__timeout_then_queued_call_goes_out_and_results_are_validated', async () => {
    const csms = await csmsWith();
    const cp = await rawClient(csms, 'CP001');
    const t0 = Date.now();
    const first = csms.call('CP001', 'Reset', { type: 'Soft' }, 100);
    const second = csms.call('CP001', 'ClearCache', {}, 1000);
    const third = csms.call('CP001', 'GetConfiguration', {}, 1000);
    const sent = await cp.next();
    expect(sent.slice(0, 3)).toEqual([2, sent[1], 'Reset']);
    await expect(first).rejects.toMatchObject({ code: 'Timeout' });
    expect(Date.now() - t0).toBeLessThan(400);
    // Only now, the slot being free, is the queued call sent (one CALL in flight, OCPP-J §4.1.1).
    const clear = await cp.next();
    expect(clear[2]).toBe('ClearCache');
    cp.ws.send(JSON.stringify([3, sent[1], { status: 'Accepted' }])); // too late: unexpected
    cp.ws.send(JSON.stringify([3, clear[1], { status: 'Maybe' }]));
    await expect(second).rejects.toMatchObject({ code: 'InvalidResponse' });
    const get = await cp.next();
    cp.ws.send(JSON.stringify([4, get[1], 'FormationViolation', 'nope', {}]));
    await expect(third).rejects.toMatchObject({ code: 'FormatViolation', message: 'nope' });
    expect(csms.stats).toMatchObject({ callTimeouts: 1, invalidResponses: 1, callErrorsReceived: 1, unexpectedResponses: 1 });
    await expect(csms.call('CP404', 'ClearCache', {})).rejects.toMatchObject({ code: 'UnknownIdentity' });
    await expect(csms.call('CP001', 'Reset', { type: 'Never' } as any)).rejects.toMatchObject({ code: 'InvalidRequest' });
  });

  it('Disconnect__closes_with_the_code_and_rejects_the_call_in_flight', async () => {
    const csms = await csmsWith();
    const cp = await rawClient(csms, 'CP001');
    const pending = csms.call('CP001', 'ClearCache', {});
    await cp.next();
    const closed = new Promise<number>((resolve) => cp.ws.once('close', resolve));
    expect(csms.disconnect('CP001', 4001)).toBe(true);
    expect(csms.disconnect('CP001')).toBe(false);
    expect(await closed).toBe(4001);
    await expect(pending).rejects.toMatchObject({ code: 'Disconnected' });
    expect(csms.connected()).toEqual([]);
  });
});

describe('shutdown', () => {
  it('Close__clients_get_1001_and_calls_are_rejected', async () => {
    const csms = await startCsms();
    const cp = await rawClient(csms, 'CP001');
    const rejected = expect(csms.call('CP001', 'ClearCache', {})).rejects.toMatchObject({ code: 'Disconnected' });
    const closed = new Promise<number>((resolve) => cp.ws.once('close', resolve));
    await csms.close();
    expect(await closed).toBe(1001);
    await rejected;
    expect(csms.stats.connections.current).toBe(0);
    expect(await upgradeStatus(`${csms.url}/CP001`, ['ocpp1.6']).catch(() => 'refused')).toBe('refused');
  });
});

describe('test hooks', () => {
  it('OnRequest__overrides_the_answer_errors_or_stays_silent', async () => {
    const csms = await csmsWith();
    const cp = await rawClient(csms, 'CP001');
    csms.onRequest = (_identity, action, payload) => {
      if (action === 'BootNotification') return { status: 'Rejected', currentTime: new Date().toISOString(), interval: 5 };
      if (action === 'Authorize' && payload.idTag === 'THROW') throw new OcppError('SecurityError', 'no');
      if (action === 'Heartbeat') return NO_REPLY;
      return undefined;
    };
    cp.ws.send(JSON.stringify([2, 'b', 'BootNotification', BOOT]));
    expect((await cp.next())[2]).toMatchObject({ status: 'Rejected', interval: 5 });
    cp.ws.send(JSON.stringify([2, 'h', 'Heartbeat', {}]));
    cp.ws.send(JSON.stringify([2, 'a', 'Authorize', { idTag: 'THROW' }]));
    expect((await cp.next()).slice(0, 4)).toEqual([4, 'a', 'SecurityError', 'no']);
    cp.ws.send(JSON.stringify([2, 'a2', 'Authorize', { idTag: 'OK' }]));
    expect(await cp.next()).toEqual([3, 'a2', { idTagInfo: { status: 'Accepted' } }]);
    expect(csms.stats).toMatchObject({ boots: 0, booted: 0 });
  });

  it('Log__connection_events_are_logged', async () => {
    const lines: string[] = [];
    const csms = await csmsWith({ log: (line) => lines.push(line) });
    const cp = await rpcClient(csms, 'CP001', ['ocpp1.6']);
    await cp.call('BootNotification', BOOT);
    await cp.close({ code: 1000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines).toEqual([
      expect.stringMatching(/^csms: connect CP001 from .*127\.0\.0\.1$/),
      'csms: boot Accepted CP001 (ocpp-sim Virtual-1)',
      'csms: disconnect CP001 code 1000',
    ]);
  });
});
