/**
 * OCPP version negotiation at the WebSocket upgrade: the client lists its subprotocols in order of
 * preference and gets the first the CSMS speaks (RFC 6455 §4.2.2, OCPP 2.0.1 Part 4 §3.1.2); a client
 * offering none of them is refused with HTTP 400. Each connection then speaks its version only.
 */
import { describe, expect, it } from 'vitest';
import { api, csmsWith, rawClient, refusedUpgrade, rpcClient } from '../helpers/csms-clients.js';
import { REQUESTS_201 } from '../helpers/requests-201.js';

const BOOT_16 = { chargePointVendor: 'ocpp-sim', chargePointModel: 'Virtual-1' };

describe('subprotocol negotiation', () => {
  it('Both_offered__the_client_first_choice_wins_in_either_order', async () => {
    const csms = await csmsWith();
    expect((await rawClient(csms, 'CP-A', ['ocpp2.0.1', 'ocpp1.6'])).ws.protocol).toBe('ocpp2.0.1');
    expect((await rawClient(csms, 'CP-B', ['ocpp1.6', 'ocpp2.0.1'])).ws.protocol).toBe('ocpp1.6');
    // Versions it does not speak are skipped, wherever they stand in the offer.
    expect((await rawClient(csms, 'CP-C', ['ocpp2.1', 'ocpp1.6', 'ocpp2.0.1'])).ws.protocol).toBe('ocpp1.6');
    expect(csms.protocolOf('CP-A')).toBe('ocpp2.0.1');
    expect(csms.protocolOf('CP-B')).toBe('ocpp1.6');
    expect(csms.protocolOf('CP-Z')).toBeUndefined();
    expect(csms.stats.protocols).toEqual({
      'ocpp1.6': { current: 2, total: 2, booted: 0 },
      'ocpp2.0.1': { current: 1, total: 1, booted: 0 },
    });
  });

  it('Single_version_clients__each_speaks_its_own', async () => {
    const csms = await csmsWith();
    const cp16 = await rpcClient(csms, 'CP16', ['ocpp1.6']);
    const cs201 = await rpcClient(csms, 'CS201', ['ocpp2.0.1']);
    expect([cp16.protocol, cs201.protocol]).toEqual(['ocpp1.6', 'ocpp2.0.1']);
    expect((await cp16.call('BootNotification', BOOT_16)).status).toBe('Accepted');
    expect((await cs201.call('BootNotification', REQUESTS_201.BootNotification)).status).toBe('Accepted');
    expect([...cp16.failures, ...cs201.failures]).toEqual([]);
    expect(csms.stats).toMatchObject({
      boots: 2,
      booted: 2,
      protocols: { 'ocpp1.6': { current: 1, booted: 1 }, 'ocpp2.0.1': { current: 1, booted: 1 } },
    });
    expect(csms.stats.received.BootNotification).toBe(1);
    expect(csms.stats.ocpp201.received.BootNotification).toBe(1);
    const list = await api(csms, 'GET', '/api/charge-points');
    expect(list.json.map((cp: any) => [cp.identity, cp.protocol, cp.booted, cp.vendor, cp.model])).toEqual([
      ['CP16', 'ocpp1.6', true, 'ocpp-sim', 'Virtual-1'],
      ['CS201', 'ocpp2.0.1', true, 'ocpp-sim', 'Virtual-2'],
    ]);
    // Per-protocol counts follow disconnections.
    await cs201.close({ code: 1000 });
    await until(() => csms.stats.protocols['ocpp2.0.1'].current === 0);
    expect(csms.stats.protocols['ocpp2.0.1']).toEqual({ current: 0, total: 1, booted: 0 });
    expect(csms.stats.booted).toBe(1);
  });

  it('A_connection_speaks_its_version_only', async () => {
    const csms = await csmsWith();
    const cp16 = await rawClient(csms, 'CP16', ['ocpp1.6']);
    const cs201 = await rawClient(csms, 'CS201', ['ocpp2.0.1']);
    // A 2.0.1 BootNotification on a 1.6 connection fails 1.6's schema (1.6 spellings), and the other way round.
    expect((await cp16.ask([2, 'b', 'BootNotification', REQUESTS_201.BootNotification])).slice(0, 3)).toEqual([4, 'b', 'OccurenceConstraintViolation']);
    expect((await cs201.ask([2, 'b', 'BootNotification', BOOT_16])).slice(0, 3)).toEqual([4, 'b', 'OccurenceConstraintViolation']);
    expect((await cp16.ask([2, 't', 'TransactionEvent', REQUESTS_201.TransactionEvent])).slice(0, 3)).toEqual([4, 't', 'NotImplemented']);
    // The same frame fault, each version's code: 1.6 has no RpcFrameworkError.
    expect((await cp16.ask('not json')).slice(0, 3)).toEqual([4, '-1', 'ProtocolError']);
    expect((await cs201.ask('not json')).slice(0, 3)).toEqual([4, '-1', 'RpcFrameworkError']);
  });

  it('--ocpp_1.6__refuses_a_2.0.1_only_client_with_400', async () => {
    const csms = await csmsWith({ ocpp: ['1.6'] });
    const refused = await refusedUpgrade(`${csms.url}/CS201`, ['ocpp2.0.1']);
    expect(refused).toEqual({ status: 400, body: 'No supported subprotocol offered (this CSMS speaks ocpp1.6)\n' });
    expect((await rawClient(csms, 'CP-BOTH', ['ocpp2.0.1', 'ocpp1.6'])).ws.protocol).toBe('ocpp1.6');
    expect(csms.stats.connections).toMatchObject({ rejected: 1, current: 1 });
  });

  it('--ocpp_2.0.1__refuses_a_1.6_only_client_with_400', async () => {
    const csms = await csmsWith({ ocpp: ['2.0.1'] });
    expect((await refusedUpgrade(`${csms.url}/CP16`, ['ocpp1.6'])).status).toBe(400);
    expect((await rawClient(csms, 'CP-BOTH', ['ocpp1.6', 'ocpp2.0.1'])).ws.protocol).toBe('ocpp2.0.1');
  });

  it('No_subprotocol_or_none_spoken__400_naming_what_the_CSMS_speaks', async () => {
    const csms = await csmsWith();
    expect(await refusedUpgrade(`${csms.url}/CP001`, [])).toEqual({
      status: 400,
      body: 'No supported subprotocol offered (this CSMS speaks ocpp1.6, ocpp2.0.1)\n',
    });
    expect((await refusedUpgrade(`${csms.url}/CP001`, ['ocpp2.1', 'ocpp1.5'])).status).toBe(400);
    expect(csms.stats.connections).toMatchObject({ rejected: 2, total: 0 });
  });

  it('Options__an_unknown_or_empty_version_list_is_refused', async () => {
    await expect(csmsWith({ ocpp: ['1.5' as any] })).rejects.toThrow("ocpp: unknown OCPP version '1.5' (known: 1.6, 2.0.1)");
    await expect(csmsWith({ ocpp: [] })).rejects.toThrow('ocpp: give at least one OCPP version');
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
