/**
 * The operator API and `Csms.call` with OCPP 2.0.1 charging stations: a 2.0.1 call (checked against
 * the 2.0.1 request schema first) reaches an ocpp-rpc strict 2.0.1 client and its answer comes back;
 * 1.6 calls go to 1.6 charge points only; `*` broadcasts reach every booted charge point whose
 * version takes the call, and say which were left out.
 */
import { describe, expect, it } from 'vitest';
import type { Csms } from '../../src/csms/server.js';
import { api, csmsWith, rawClient, rpcClient } from '../helpers/csms-clients.js';
import { REQUESTS_201 } from '../helpers/requests-201.js';

const BOOT_16 = { chargePointVendor: 'ocpp-sim', chargePointModel: 'Virtual-1' };

/** A booted strict 2.0.1 client whose handlers record what they were called with. */
async function station201(csms: Csms, identity: string, handlers: Record<string, (params: any) => object>): Promise<{ client: any; got: [string, any][] }> {
  const client = await rpcClient(csms, identity, ['ocpp2.0.1']);
  const got: [string, any][] = [];
  for (const [method, answer] of Object.entries(handlers)) {
    client.handle(method, ({ params }: { params: any }) => {
      got.push([method, params]);
      return answer(params);
    });
  }
  await client.call('BootNotification', REQUESTS_201.BootNotification);
  return { client, got };
}

describe('operator API to a 2.0.1 charging station', () => {
  it('GetVariables_Reset_RequestStartTransaction__reach_the_station_and_its_answers_come_back', async () => {
    const csms = await csmsWith();
    const { client, got } = await station201(csms, 'CS001', {
      GetVariables: (p) => ({
        getVariableResult: p.getVariableData.map((d: any) => ({ attributeStatus: 'Accepted', attributeValue: '60', component: d.component, variable: d.variable })),
      }),
      Reset: () => ({ status: 'Scheduled' }),
      RequestStartTransaction: () => ({ status: 'Accepted', transactionId: 'tx-remote-1' }),
    });
    const getVariables = { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] };
    expect(await api(csms, 'POST', '/api/charge-points/CS001/GetVariables', getVariables)).toEqual({
      status: 200,
      json: { result: { getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '60', ...getVariables.getVariableData[0] }] } },
    });
    expect(await api(csms, 'POST', '/api/charge-points/CS001/Reset', { type: 'OnIdle' })).toEqual({ status: 200, json: { result: { status: 'Scheduled' } } });
    const start = { idToken: { idToken: 'TAG0001', type: 'ISO14443' }, remoteStartId: 42, evseId: 1 };
    expect(await api(csms, 'POST', '/api/charge-points/CS001/RequestStartTransaction', start)).toEqual({
      status: 200,
      json: { result: { status: 'Accepted', transactionId: 'tx-remote-1' } },
    });
    expect(got).toEqual([
      ['GetVariables', getVariables],
      ['Reset', { type: 'OnIdle' }],
      ['RequestStartTransaction', start],
    ]);
    // No handler on the station: its NotImplemented CALLERROR is a 502.
    const unhandled = await api(csms, 'POST', '/api/charge-points/CS001/ClearCache', {});
    expect(unhandled).toMatchObject({ status: 502, json: { error: { code: 'NotImplemented' } } });
    expect(client.failures).toEqual([]);
    expect(csms.stats).toMatchObject({ callsSent: 4, callResults: 3, callErrorsReceived: 1 });
  });

  it('A_call_the_station_version_does_not_take__400_before_anything_is_sent', async () => {
    const csms = await csmsWith();
    await station201(csms, 'CS001', {});
    const post = (action: string, body: unknown) => api(csms, 'POST', `/api/charge-points/CS001/${action}`, body);
    // 1.6 payload of an action 2.0.1 has too: invalid in 2.0.1's schema.
    const reset16 = await post('Reset', { type: 'Soft' });
    expect(reset16).toMatchObject({ status: 400, json: { error: { code: 'PropertyConstraintViolation' } } });
    expect(reset16.json.error.description).toContain('CS001 speaks ocpp2.0.1: OCPP 2.0.1: /type must be equal to one of the allowed values');
    // A 1.6-only action: not one of 2.0.1's.
    const remote16 = await post('RemoteStartTransaction', { idTag: 'TAG1' });
    expect(remote16).toMatchObject({ status: 400, json: { error: { code: 'UnsupportedAction' } } });
    expect(remote16.json.error.description).toBe('CS001 speaks ocpp2.0.1: RemoteStartTransaction is not an OCPP 2.0.1 action the CSMS initiates');
    // Invalid in every version: 400 whether or not the identity is connected.
    expect(await post('GetVariables', {})).toMatchObject({ status: 400, json: { error: { code: 'OccurrenceConstraintViolation' } } });
    expect((await api(csms, 'POST', '/api/charge-points/NOBODY/GetVariables', {})).status).toBe(400);
    expect((await api(csms, 'POST', '/api/charge-points/NOBODY/Reset', { type: 'Immediate' })).status).toBe(404);
    // Charging-station-initiated and unknown actions.
    expect((await post('TransactionEvent', {})).json.error).toMatchObject({ code: 'UnsupportedAction', description: 'TransactionEvent is not an OCPP 1.6 or 2.0.1 action the CSMS initiates' });
    expect((await post('MakeCoffee', {})).status).toBe(400);
    expect(csms.stats.callsSent).toBe(0);
  });

  it('A_2.0.1_station_answering_schema_invalid__502_InvalidResponse (validated against 2.0.1)', async () => {
    const csms = await csmsWith();
    await station201(csms, 'CS001', {});
    const raw = await rawClient(csms, 'CS002', ['ocpp2.0.1']);
    const pending = api(csms, 'POST', '/api/charge-points/CS002/Reset', { type: 'Immediate' });
    const call = await raw.next();
    expect(call.slice(0, 4)).toEqual([2, call[1], 'Reset', { type: 'Immediate' }]);
    raw.ws.send(JSON.stringify([3, call[1], { status: 'Accepted', extra: true }]));
    expect(await pending).toMatchObject({ status: 502, json: { error: { code: 'InvalidResponse' } } });
    expect(csms.stats.invalidResponses).toBe(1);
  });

  it('Csms.call__typed_2.0.1_calls_and_strict_mode_checks_the_connection_version', async () => {
    const csms = await csmsWith();
    const { got } = await station201(csms, 'CS001', { TriggerMessage: () => ({ status: 'Accepted' }) });
    const answer = await csms.call('CS001', 'TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } });
    expect(answer.status).toBe('Accepted');
    expect(got).toEqual([['TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } }]]);
    // A 1.6 call to a 2.0.1 station is schema-invalid for its version: refused in strict mode.
    await expect(csms.call('CS001', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '30' })).rejects.toMatchObject({ code: 'InvalidRequest' });
  });
});

describe('broadcasts to a mixed fleet', () => {
  it('Star__each_booted_charge_point_whose_version_takes_the_call; the_rest_are_listed_as_skipped', async () => {
    const csms = await csmsWith();
    const cp16 = await rpcClient(csms, 'CP16', ['ocpp1.6']);
    await cp16.call('BootNotification', BOOT_16);
    cp16.handle('TriggerMessage', () => ({ status: 'Accepted' }));
    cp16.handle('Reset', () => ({ status: 'Accepted' }));
    cp16.handle('ChangeConfiguration', () => ({ status: 'Accepted' }));
    await station201(csms, 'CS201', { TriggerMessage: () => ({ status: 'Rejected' }), Reset: () => ({ status: 'Accepted' }) });
    await rpcClient(csms, 'CS-NOT-BOOTED', ['ocpp2.0.1']);

    // A payload both versions accept: both get it.
    expect(await api(csms, 'POST', '/api/charge-points/*/TriggerMessage', { requestedMessage: 'Heartbeat' })).toEqual({
      status: 200,
      json: { ok: 2, failed: 0, results: { CP16: { result: { status: 'Accepted' } }, CS201: { result: { status: 'Rejected' } } } },
    });
    // One action, two payloads: each request reaches its own version; the other is skipped, with why.
    const soft = await api(csms, 'POST', '/api/charge-points/*/Reset', { type: 'Soft' });
    expect(soft.json).toEqual({
      ok: 1,
      failed: 0,
      results: { CP16: { result: { status: 'Accepted' } } },
      skipped: { 'ocpp2.0.1': { chargePoints: 1, reason: 'OCPP 2.0.1: /type must be equal to one of the allowed values' } },
    });
    const onIdle = await api(csms, 'POST', '/api/charge-points/*/Reset', { type: 'OnIdle' });
    expect(onIdle.json).toMatchObject({ ok: 1, results: { CS201: { result: { status: 'Accepted' } } }, skipped: { 'ocpp1.6': { chargePoints: 1 } } });
    // An action one version does not have.
    const config = await api(csms, 'POST', '/api/charge-points/*/ChangeConfiguration', { key: 'HeartbeatInterval', value: '30' });
    expect(config.json).toEqual({
      ok: 1,
      failed: 0,
      results: { CP16: { result: { status: 'Accepted' } } },
      skipped: { 'ocpp2.0.1': { chargePoints: 1, reason: 'ChangeConfiguration is not an OCPP 2.0.1 action the CSMS initiates' } },
    });
    // Invalid for every version that has the action: one 400, nothing sent.
    const sent = csms.stats.callsSent;
    const bad = await api(csms, 'POST', '/api/charge-points/*/Reset', { type: 'Never' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.description).toMatch(/^Reset request is schema-invalid: OCPP 1\.6: .*; OCPP 2\.0\.1: /);
    expect(csms.stats.callsSent).toBe(sent);
  });

  it('--ocpp_1.6__a_2.0.1_only_action_is_unknown_to_this_CSMS', async () => {
    const csms = await csmsWith({ ocpp: ['1.6'] });
    const res = await api(csms, 'POST', '/api/charge-points/*/GetVariables', { getVariableData: [] });
    expect(res).toMatchObject({ status: 400, json: { error: { code: 'UnsupportedAction', description: 'GetVariables is not an OCPP 1.6 action the CSMS initiates' } } });
  });
});
