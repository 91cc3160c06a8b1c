/** Every built-in answer is schema-valid ("answers every call validly", DESIGN §10.10). */
import { describe, expect, it } from 'vitest';
import { validator16 } from '../../src/ocpp16/schemas.js';
import { Ledger16 } from '../../src/csms/ocpp16/ledger.js';
import { RESPONDERS } from '../../src/csms/ocpp16/responders.js';
import { idTagStatus } from '../../src/csms/policy.js';
import { CP_ACTIONS } from '../../src/csms/stats.js';

const now = new Date().toISOString();

/** One schema-valid request per charge-point-initiated action. */
const REQUESTS: Record<string, object> = {
  Authorize: { idTag: 'TAG' },
  BootNotification: { chargePointVendor: 'v', chargePointModel: 'm' },
  DataTransfer: { vendorId: 'ocpp-sim' },
  DiagnosticsStatusNotification: { status: 'Idle' },
  FirmwareStatusNotification: { status: 'Idle' },
  Heartbeat: {},
  LogStatusNotification: { status: 'Idle' },
  MeterValues: { connectorId: 1, meterValue: [{ timestamp: now, sampledValue: [{ value: '1' }] }] },
  SecurityEventNotification: { type: 'StartupOfTheDevice', timestamp: now },
  SignCertificate: { csr: 'csr' },
  SignedFirmwareStatusNotification: { status: 'Idle' },
  StartTransaction: { connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp: now },
  StatusNotification: { connectorId: 0, errorCode: 'NoError', status: 'Available' },
  StopTransaction: { transactionId: 1, meterStop: 10, timestamp: now },
};

function fakeConnection(bootStatus: 'Accepted' | 'Pending' | 'Rejected') {
  return { identity: 'CP1', core: { settings: { bootStatus, heartbeatInterval: 60 }, ledger16: new Ledger16() } } as any;
}

describe('responders', () => {
  it.each(CP_ACTIONS)('%s__answer_is_schema_valid', (action) => {
    const request = REQUESTS[action];
    expect(validator16().request(action, request)).toBeNull();
    for (const status of ['Accepted', 'Pending', 'Rejected'] as const) {
      const response = (RESPONDERS[action] as (c: unknown, r: unknown) => object)(fakeConnection(status), request);
      expect(validator16().response(action, response)).toBeNull();
    }
  });

  it('IdTagStatus__prefix_rule', () => {
    expect(['BLOCKED', 'EXPIRED1', 'INVALIDx', 'ABC', 'BLOCK', 'E', ''].map(idTagStatus)).toEqual([
      'Blocked',
      'Expired',
      'Invalid',
      'Accepted',
      'Accepted',
      'Accepted',
      'Accepted',
    ]);
  });
});
