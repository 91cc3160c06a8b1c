/** Schema validation with the official 1.6 schemas: ajv failures mapped to OCPP-J error codes. */
import { describe, expect, it } from 'vitest';
import { validator16, OCPP16 } from '../../src/ocpp16/schemas.js';

const v = validator16();
const BOOT = { chargePointVendor: 'ocpp-sim', chargePointModel: 'Virtual AC 22' };
const NOW = '2024-05-01T12:00:00.000Z';

function profile(limit: number, extra: Record<string, unknown> = {}) {
  return {
    connectorId: 1,
    csChargingProfiles: {
      chargingProfileId: 1,
      stackLevel: 0,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: {
        chargingRateUnit: 'A',
        chargingSchedulePeriod: [{ startPeriod: 0, limit }],
        ...extra,
      },
    },
  };
}

describe('validator16', () => {
  it('is one shared instance for version 1.6', () => {
    expect(validator16()).toBe(v);
    expect(v.version).toBe(OCPP16);
  });

  it.each([
    ['minimal', BOOT],
    ['all optional fields', { ...BOOT, chargePointSerialNumber: 'SN1', chargeBoxSerialNumber: 'CB1', firmwareVersion: '1.0.0', iccid: 'i', imsi: 'm', meterType: 't', meterSerialNumber: 'ms' }],
    ['vendor at max length 20', { ...BOOT, chargePointVendor: 'v'.repeat(20) }],
  ])('valid BootNotification (%s) passes', (_name, payload) => {
    expect(v.request('BootNotification', payload)).toBeNull();
  });

  // [name, action, payload, expected code, substring of the message]
  const invalid: [string, string, unknown, string, string][] = [
    ['missing chargePointModel', 'BootNotification', { chargePointVendor: 'v' }, 'OccurrenceConstraintViolation', 'chargePointModel'],
    ['empty object', 'BootNotification', {}, 'OccurrenceConstraintViolation', 'required'],
    ['missing idTag', 'Authorize', {}, 'OccurrenceConstraintViolation', 'idTag'],
    ['vendor is a number', 'BootNotification', { ...BOOT, chargePointVendor: 42 }, 'TypeConstraintViolation', '/chargePointVendor'],
    ['payload is an array', 'Heartbeat', [], 'TypeConstraintViolation', '(root)'],
    ['connectorId is a string', 'StatusNotification', { connectorId: '1', errorCode: 'NoError', status: 'Available' }, 'TypeConstraintViolation', '/connectorId'],
    ['meterStart is fractional', 'StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 1.5, timestamp: NOW }, 'TypeConstraintViolation', '/meterStart'],
    ['status not in enum', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Sleeping' }, 'PropertyConstraintViolation', '/status'],
    ['vendor 21 chars', 'BootNotification', { ...BOOT, chargePointVendor: 'v'.repeat(21) }, 'PropertyConstraintViolation', '/chargePointVendor'],
    ['idTag 21 chars', 'Authorize', { idTag: 't'.repeat(21) }, 'PropertyConstraintViolation', '/idTag'],
    ['date without zone', 'StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: '2024-05-01T12:00:00' }, 'PropertyConstraintViolation', '/timestamp'],
    ['date is not a date', 'StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: 'yesterday' }, 'PropertyConstraintViolation', '/timestamp'],
    ['month 13', 'StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: '2024-13-01T12:00:00Z' }, 'PropertyConstraintViolation', '/timestamp'],
    ['extra root property', 'BootNotification', { ...BOOT, colour: 'red' }, 'FormatViolation', "'colour'"],
    ['extra nested property', 'SetChargingProfile', profile(10, { bogus: 1 }), 'FormatViolation', "'bogus'"],
    ['limit not a multiple of 0.1', 'SetChargingProfile', profile(0.35), 'PropertyConstraintViolation', 'limit'],
  ];

  it.each(invalid)('%s → %s', (_name, action, payload, code, where) => {
    const violation = v.request(action, payload);
    expect(violation).not.toBeNull();
    expect(violation!.code).toBe(code);
    expect(violation!.message).toContain(where);
  });

  it.each(['Foo', 'bootnotification', 'BootNotification.req', ''])('unknown action %j → NotImplemented', (action) => {
    expect(v.request(action, {})).toEqual({ code: 'NotImplemented', message: `Unknown action ${action}` });
    expect(v.response(action, {})?.code).toBe('NotImplemented');
  });

  it.each([0.3, 7.1, 0.1, 16, 22.2, 31.9, 1234.5, 0])('multipleOf 0.1 accepts limit %d despite binary fractions', (limit) => {
    expect(v.request('SetChargingProfile', profile(limit))).toBeNull();
  });

  it('multipleOf tolerance also applies to minChargingRate', () => {
    expect(v.request('SetChargingProfile', profile(6, { minChargingRate: 0.3 }))).toBeNull();
    expect(v.request('SetChargingProfile', profile(6, { minChargingRate: 0.33 }))?.code).toBe('PropertyConstraintViolation');
  });

  it('a period of 7.1 among several passes', () => {
    const p = profile(6);
    p.csChargingProfiles.chargingSchedule.chargingSchedulePeriod.push({ startPeriod: 60, limit: 7.1 }, { startPeriod: 120, limit: 0.3 });
    expect(v.request('SetChargingProfile', p)).toBeNull();
  });
});

describe('hasAction', () => {
  it.each(['BootNotification', 'Heartbeat', 'SetChargingProfile', 'SignedUpdateFirmware', 'ExtendedTriggerMessage'])('%s is known', (a) => {
    expect(v.hasAction(a)).toBe(true);
  });
  it.each(['TransactionEvent', 'Heartbeat.req', 'heartbeat', '', 'toString', 'constructor'])('%j is not', (a) => {
    expect(v.hasAction(a)).toBe(false);
  });
});

describe('response()', () => {
  it.each([
    ['Accepted', { status: 'Accepted', currentTime: NOW, interval: 300 }, null],
    ['Pending', { status: 'Pending', currentTime: NOW, interval: 0 }, null],
    ['missing interval', { status: 'Accepted', currentTime: NOW }, 'OccurrenceConstraintViolation'],
    ['interval as string', { status: 'Accepted', currentTime: NOW, interval: '300' }, 'TypeConstraintViolation'],
    ['status lower-case', { status: 'accepted', currentTime: NOW, interval: 300 }, 'PropertyConstraintViolation'],
    ['bad currentTime', { status: 'Accepted', currentTime: 'now', interval: 300 }, 'PropertyConstraintViolation'],
    ['extra field', { status: 'Accepted', currentTime: NOW, interval: 300, x: 1 }, 'FormatViolation'],
  ])('BootNotification.conf %s', (_name, payload, code) => {
    expect(v.response('BootNotification', payload)?.code ?? null).toBe(code);
  });

  it('checks the conf schema, not the req schema', () => {
    // A valid request is not a valid response and vice versa.
    expect(v.response('BootNotification', BOOT)?.code).toBe('OccurrenceConstraintViolation');
    expect(v.request('BootNotification', { status: 'Accepted', currentTime: NOW, interval: 1 })?.code).toBe('OccurrenceConstraintViolation');
  });

  it('gives the same answer when a compiled validator is reused', () => {
    for (let i = 0; i < 3; i++) {
      expect(v.request('Authorize', { idTag: 'T' })).toBeNull();
      expect(v.request('Authorize', {})?.code).toBe('OccurrenceConstraintViolation');
    }
  });
});
