/** Every built-in 2.0.1 answer is schema-valid ("answers every call validly", DESIGN §10.10). */
import { describe, expect, it } from 'vitest';
import { validator201 } from '../../src/ocpp201/schemas.js';
import { INITIATOR } from '../../src/ocpp201/generated/actions.gen.js';
import { RESPONDERS } from '../../src/csms/ocpp201/responders.js';
import { CP_ACTIONS_201 } from '../../src/csms/stats.js';
import { REQUESTS_201 } from '../helpers/requests-201.js';

function fakeConnection(bootStatus: 'Accepted' | 'Pending' | 'Rejected') {
  return { identity: 'CS1', core: { settings: { bootStatus, heartbeatInterval: 60 } } } as any;
}

const answer = (action: string, request: object, bootStatus: 'Accepted' | 'Pending' | 'Rejected' = 'Accepted') =>
  (RESPONDERS[action as keyof typeof RESPONDERS] as (c: unknown, r: unknown) => any)(fakeConnection(bootStatus), request);

describe('2.0.1 responders', () => {
  it('cover_every_action_a_charging_station_initiates', () => {
    const fromSchema = Object.entries(INITIATOR).filter(([, who]) => who !== 'csms').map(([action]) => action).sort();
    expect(Object.keys(RESPONDERS).sort()).toEqual(fromSchema);
    expect([...CP_ACTIONS_201].sort()).toEqual(fromSchema);
  });

  it.each(CP_ACTIONS_201)('%s__answer_is_schema_valid', (action) => {
    const request = REQUESTS_201[action];
    expect(validator201().request(action, request)).toBeNull();
    for (const status of ['Accepted', 'Pending', 'Rejected'] as const) {
      expect(validator201().response(action, answer(action, request, status))).toBeNull();
    }
  });

  it('BootNotification__the_configured_status_and_interval', () => {
    expect(answer('BootNotification', REQUESTS_201.BootNotification, 'Pending')).toMatchObject({ status: 'Pending', interval: 60 });
  });

  it('Authorize__the_idToken_prefix_rule', () => {
    const status = (idToken: string) => answer('Authorize', { idToken: { idToken, type: 'ISO14443' } }).idTokenInfo.status;
    expect(['BLOCKED1', 'EXPIRED1', 'INVALID1', 'B1', ''].map(status)).toEqual(['Blocked', 'Expired', 'Invalid', 'Accepted', 'Accepted']);
  });

  it('Authorize__a_contract_gets_its_certificate_status_too', () => {
    const hashData = [{ hashAlgorithm: 'SHA256', issuerNameHash: 'a', issuerKeyHash: 'b', serialNumber: '1', responderURL: 'http://o/' }];
    const contract = (idToken: string) => answer('Authorize', { idToken: { idToken, type: 'eMAID' }, iso15118CertificateHashData: hashData });
    expect(contract('NL-TNM-012204530-6')).toEqual({ idTokenInfo: { status: 'Accepted' }, certificateStatus: 'Accepted' });
    expect(contract('REVOKED-012204530')).toEqual({ idTokenInfo: { status: 'Accepted' }, certificateStatus: 'CertificateRevoked' });
    expect(contract('EXPIRED-012204530')).toEqual({ idTokenInfo: { status: 'Expired' }, certificateStatus: 'CertificateExpired' });
    // Without OCSP data there is no certificate to speak of.
    expect(answer('Authorize', { idToken: { idToken: 'REVOKED-1', type: 'eMAID' } })).toEqual({ idTokenInfo: { status: 'Accepted' } });
  });

  it('TransactionEvent__idTokenInfo_only_for_an_event_with_an_idToken', () => {
    const { idToken, ...withoutToken } = REQUESTS_201.TransactionEvent;
    expect(answer('TransactionEvent', withoutToken)).toEqual({});
    expect(answer('TransactionEvent', { ...withoutToken, idToken: { ...idToken!, idToken: 'EXPIRED-9' } })).toEqual({ idTokenInfo: { status: 'Expired' } });
  });

  it('DataTransfer__knows_its_own_vendor_only', () => {
    expect(answer('DataTransfer', { vendorId: 'ocpp-sim' })).toEqual({ status: 'Accepted' });
    expect(answer('DataTransfer', { vendorId: 'acme' })).toEqual({ status: 'UnknownVendorId' });
  });
});
