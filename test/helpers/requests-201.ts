/**
 * One schema-valid OCPP 2.0.1 request per action a charging station initiates, for tests that must
 * send every one of them (responder unit tests, the strict-peer integration test).
 */
import type { CpAction, RequestOf } from '../../src/ocpp201/generated/actions.gen.js';

const now = new Date().toISOString();
const component = { name: 'EVSE', evse: { id: 1 } };
const variable = { name: 'AvailabilityState' };
const schedule = { id: 1, chargingRateUnit: 'W' as const, chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] };

/** Every charging-station-initiated 2.0.1 action with a valid request (a Record: the compiler checks it is complete). */
export const REQUESTS_201: { readonly [A in CpAction]: RequestOf<A> } = {
  Authorize: { idToken: { idToken: 'TAG0001', type: 'ISO14443' } },
  BootNotification: { chargingStation: { model: 'Virtual-2', vendorName: 'ocpp-sim' }, reason: 'PowerUp' },
  ClearedChargingLimit: { chargingLimitSource: 'EMS', evseId: 1 },
  DataTransfer: { vendorId: 'ocpp-sim', messageId: 'hello', data: { any: ['json'] } },
  FirmwareStatusNotification: { status: 'Idle' },
  Get15118EVCertificate: { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AAAA' },
  GetCertificateStatus: {
    ocspRequestData: { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '01', responderURL: 'http://127.0.0.1/ocsp' },
  },
  Heartbeat: {},
  LogStatusNotification: { status: 'Uploaded', requestId: 7 },
  MeterValues: { evseId: 1, meterValue: [{ timestamp: now, sampledValue: [{ value: 1234.5 }] }] },
  NotifyChargingLimit: { chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: false }, evseId: 1, chargingSchedule: [schedule] },
  NotifyCustomerInformation: { data: 'nothing stored', seqNo: 0, generatedAt: now, requestId: 3 },
  NotifyDisplayMessages: {
    requestId: 4,
    messageInfo: [{ id: 1, priority: 'NormalCycle', message: { format: 'UTF8', content: 'Welcome' } }],
  },
  NotifyEVChargingNeeds: { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', acChargingParameters: { energyAmount: 20000, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } } },
  NotifyEVChargingSchedule: { timeBase: now, evseId: 1, chargingSchedule: schedule },
  NotifyEvent: {
    generatedAt: now,
    seqNo: 0,
    eventData: [{ eventId: 1, timestamp: now, trigger: 'Delta', actualValue: 'Occupied', component, variable, eventNotificationType: 'HardWiredNotification' }],
  },
  NotifyMonitoringReport: {
    requestId: 5,
    seqNo: 0,
    generatedAt: now,
    monitor: [{ component, variable, variableMonitoring: [{ id: 1, transaction: false, value: 1, type: 'Delta', severity: 8 }] }],
  },
  NotifyReport: {
    requestId: 6,
    generatedAt: now,
    seqNo: 0,
    reportData: [{ component, variable, variableAttribute: [{ value: 'Available', mutability: 'ReadOnly' }] }],
  },
  PublishFirmwareStatusNotification: { status: 'Published', location: ['http://127.0.0.1/fw.bin'], requestId: 8 },
  ReportChargingProfiles: {
    requestId: 9,
    chargingLimitSource: 'CSO',
    evseId: 1,
    chargingProfile: [{ id: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule: [schedule] }],
  },
  ReservationStatusUpdate: { reservationId: 10, reservationUpdateStatus: 'Expired' },
  SecurityEventNotification: { type: 'StartupOfTheDevice', timestamp: now },
  SignCertificate: { csr: '-----BEGIN CERTIFICATE REQUEST-----' },
  StatusNotification: { timestamp: now, connectorStatus: 'Available', evseId: 1, connectorId: 1 },
  TransactionEvent: {
    eventType: 'Started',
    timestamp: now,
    triggerReason: 'Authorized',
    seqNo: 0,
    transactionInfo: { transactionId: 'tx-requests-201' },
    idToken: { idToken: 'TAG0001', type: 'ISO14443' },
    evse: { id: 1, connectorId: 1 },
  },
};
