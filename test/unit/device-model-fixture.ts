/** Shared by the device-model tests: a model of the default two-EVSE AC profile, and schema checks. */
import { expect } from 'vitest';
import { buildDeviceModel, evsesOf, type DeviceModel, type DeviceModelInput } from '../../src/ocpp201/device-model/index.js';
import { validator201 } from '../../src/ocpp201/schemas.js';
import { DEFAULT_PROFILE } from '../../src/station/profile.js';

export const INPUT: DeviceModelInput = {
  vendor: 'ocpp-sim',
  model: 'Virtual AC 22 v2',
  firmware: '1.0.0',
  evses: evsesOf(DEFAULT_PROFILE.connectors),
  measurands: ['Energy.Active.Import.Register', 'Power.Active.Import', 'Temperature'],
  sampleIntervalS: 60,
};

export function model(extra: Partial<DeviceModelInput> = {}): DeviceModel {
  return buildDeviceModel({ ...INPUT, ...extra });
}

const v = validator201();

/** Fails the test with ajv's reason when `payload` is not a valid `action` request (CALL payload). */
export function expectValidRequest(action: string, payload: unknown): void {
  expect(v.request(action, payload), `${action} request`).toBeNull();
}

/** Fails the test with ajv's reason when `payload` is not a valid `action` response (CALLRESULT payload). */
export function expectValidResponse(action: string, payload: unknown): void {
  expect(v.response(action, payload), `${action} response`).toBeNull();
}
