/**
 * One schema-valid OCPP 2.0.1 request per action a CSMS initiates (a Record: the compiler checks it is
 * complete), for tests that send every one of them. Locations point at a closed loopback port, so
 * transfers fail at once and nothing leaves the machine.
 */
import type { CsmsAction, RequestOf } from '../../src/ocpp201/generated/actions.gen.js';

const inOneHour = new Date(Date.now() + 3_600_000).toISOString();
const now = new Date().toISOString();
const token = { idToken: '0A1B2C3D', type: 'ISO14443' as const };
const hash = { hashAlgorithm: 'SHA256' as const, issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '01' };
const nowhere = 'http://127.0.0.1:9/ocpp-sim-test';
const md5 = '0123456789abcdef0123456789abcdef';

export const CSMS_REQUESTS_201: { readonly [A in CsmsAction]: RequestOf<A> } = {
  CancelReservation: { reservationId: 1 },
  CertificateSigned: { certificateChain: '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n' },
  ChangeAvailability: { operationalStatus: 'Operative' },
  ClearCache: {},
  ClearChargingProfile: { chargingProfileId: 99 },
  ClearDisplayMessage: { id: 99 },
  ClearVariableMonitoring: { id: [99] },
  CostUpdated: { totalCost: 1.5, transactionId: 'no-such-transaction' },
  CustomerInformation: { requestId: 1, report: true, clear: false, idToken: token },
  DataTransfer: { vendorId: 'ocpp-sim-test' },
  DeleteCertificate: { certificateHashData: hash },
  GetBaseReport: { requestId: 2, reportBase: 'SummaryInventory' },
  GetChargingProfiles: { requestId: 3, chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' } },
  GetCompositeSchedule: { duration: 3600, evseId: 0 },
  GetDisplayMessages: { requestId: 4 },
  GetInstalledCertificateIds: {},
  GetLocalListVersion: {},
  GetLog: { logType: 'DiagnosticsLog', requestId: 5, log: { remoteLocation: nowhere }, retries: 0 },
  GetMonitoringReport: { requestId: 6 },
  GetReport: { requestId: 7 },
  GetTransactionStatus: {},
  GetVariables: { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] },
  InstallCertificate: { certificateType: 'CSMSRootCertificate', certificate: 'not a certificate' },
  PublishFirmware: { location: nowhere, checksum: md5, requestId: 8, retries: 0 },
  RequestStartTransaction: { idToken: token, remoteStartId: 1 },
  RequestStopTransaction: { transactionId: 'no-such-transaction' },
  ReserveNow: { id: 1, expiryDateTime: inOneHour, idToken: token },
  Reset: { type: 'OnIdle', evseId: 9 },
  SendLocalList: { versionNumber: 1, updateType: 'Full' },
  SetChargingProfile: {
    evseId: 0,
    chargingProfile: {
      id: 1,
      stackLevel: 0,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: [{ id: 1, startSchedule: now, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] }],
    },
  },
  SetDisplayMessage: { message: { id: 1, priority: 'NormalCycle', message: { format: 'UTF8', content: 'Hello' } } },
  SetMonitoringBase: { monitoringBase: 'All' },
  SetMonitoringLevel: { severity: 5 },
  SetNetworkProfile: {
    configurationSlot: 2,
    connectionData: { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'ws://127.0.0.1:9/ocpp', messageTimeout: 30, securityProfile: 1, ocppInterface: 'Wired0' },
  },
  SetVariableMonitoring: {
    setMonitoringData: [{ value: 1, type: 'Delta', severity: 5, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' } }],
  },
  SetVariables: { setVariableData: [{ attributeValue: '300', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] },
  TriggerMessage: { requestedMessage: 'Heartbeat' },
  UnlockConnector: { evseId: 1, connectorId: 1 },
  UnpublishFirmware: { checksum: md5 },
  UpdateFirmware: { requestId: 9, retries: 0, firmware: { location: nowhere, retrieveDateTime: now } },
};
