/**
 * The standardized components and variables a charging station has (OCPP 2.0.1 Part 2, "Referenced
 * Components and Variables" §1–§2 and Part 4 §8; the appendix dm_components_vars list says which are
 * required). Mutability, data types, units, limits and value lists are the specification's; where it
 * leaves a choice ("ReadOnly or ReadWrite", a default) the choice and the reason are noted. Values
 * that depend on the station's hardware (EVSE power, phases, connector types) come from the topology.
 *
 * Controllers use the Actual attribute only (Part 1 §4.3). Every controller has an Enabled variable
 * (Referenced Components §1): ReadWrite for functional blocks a CSMS may switch off, ReadOnly `true`
 * for those a station cannot run without.
 */
import type { DataEnumType, MutabilityEnumType } from '../generated/types.gen.js';
import type { ComponentSpec, VariableSpec } from './types.js';
import { AUTH_CACHE_MAX } from '../../station/authorization.js';

const RO: MutabilityEnumType = 'ReadOnly';
const RW: MutabilityEnumType = 'ReadWrite';
const WO: MutabilityEnumType = 'WriteOnly';
const REQUIRED = { required: true } as const;

/** A variable: `key` is `Name` or `Name[instance]`, as in a profile's `deviceModel:` section. */
function v(key: string, dataType: DataEnumType, mutability: MutabilityEnumType, value?: string, more: Partial<VariableSpec> = {}): VariableSpec {
  const m = /^([^[\]]+)(?:\[([^[\]]+)\])?$/.exec(key);
  if (!m) throw new Error(`bad variable key ${key}`);
  return { name: m[1], ...(m[2] === undefined ? {} : { instance: m[2] }), dataType, mutability, ...(value === undefined ? {} : { value }), ...more };
}

const bool = (key: string, mutability: MutabilityEnumType, value: boolean, more?: Partial<VariableSpec>) => v(key, 'boolean', mutability, String(value), more);
const seconds = (key: string, value: number, more?: Partial<VariableSpec>) => v(key, 'integer', RW, String(value), { unit: 's', ...more });

/** Enabled of a functional block a CSMS may switch off / of one the station cannot do without. */
const enabled = (value: boolean) => bool('Enabled', RW, value);
const alwaysEnabled = bool('Enabled', RO, true);
const available = bool('Available', RO, true);

/** The measurands the simulated meter can sample (MeasurandEnumType values, Part 2 §3.50). */
export const METER_MEASURANDS = [
  'Energy.Active.Import.Register',
  'Power.Active.Import',
  'Power.Offered',
  'Current.Import',
  'Current.Offered',
  'Voltage',
  'SoC',
] as const;
const MEASURANDS = METER_MEASURANDS.join(',');
const measurands = (key: string, value: string) => v(key, 'MemberList', RW, value, { valuesList: MEASURANDS, ...REQUIRED });

/** TxStartPoint / TxStopPoint values the simulator acts on (§2.6.6; DataSigned means nothing as a stop point). */
const TX_START_POINTS = 'EVConnected,Authorized,PowerPathClosed,EnergyTransfer';
const TX_STOP_POINTS = 'EVConnected,Authorized,PowerPathClosed,EnergyTransfer';

/** Part 4 §8, Referenced Components §2.1: information exchange with the CSMS. */
const OCPP_COMM: ComponentSpec = {
  name: 'OCPPCommCtrlr',
  variables: [
    alwaysEnabled,
    // Required since errata 2025-09 §2.57 ("incorrectly marked as optional").
    v('ActiveNetworkProfile', 'integer', RO, '1', { ...REQUIRED, live: true }),
    v('FileTransferProtocols', 'MemberList', RO, 'HTTP,HTTPS,FTP', { valuesList: 'FTP,FTPS,HTTP,HTTPS,SFTP', ...REQUIRED }),
    seconds('HeartbeatInterval', 300, { minLimit: 1 }),
    v('MessageTimeout[Default]', 'integer', RO, '30', { unit: 's', ...REQUIRED }),
    seconds('MessageAttemptInterval[TransactionEvent]', 30, { minLimit: 0, ...REQUIRED }),
    v('MessageAttempts[TransactionEvent]', 'integer', RW, '3', { minLimit: 0, ...REQUIRED }),
    // Slot 1 is the run's connection; SetNetworkProfile fills slots 1–4 (B09). A new priority is used
    // from the next power-up (B10.FR.04): RebootRequired.
    v('NetworkConfigurationPriority', 'SequenceList', RW, '1', { valuesList: '1,2,3,4', rebootRequired: true, ...REQUIRED }),
    v('NetworkProfileConnectionAttempts', 'integer', RW, '3', { minLimit: 1, ...REQUIRED }),
    seconds('OfflineThreshold', 60, { minLimit: 0, ...REQUIRED }),
    v('PublicKeyWithSignedMeterValue', 'OptionList', RW, 'Never', { valuesList: 'Never,OncePerTransaction,EveryMeterValue' }),
    bool('QueueAllMessages', RW, false),
    v('ResetRetries', 'integer', RW, '3', { minLimit: 0, ...REQUIRED }),
    // Reconnection back-off, Part 4 §5.3 and §8.1–8.3 (required there).
    seconds('RetryBackOffRandomRange', 10, { minLimit: 0, ...REQUIRED }),
    v('RetryBackOffRepeatTimes', 'integer', RW, '3', { minLimit: 0, ...REQUIRED }),
    seconds('RetryBackOffWaitMinimum', 3, { minLimit: 0, ...REQUIRED }),
    bool('UnlockOnEVSideDisconnect', RW, true, REQUIRED),
    // Part 4 §8.4; 0 disables WebSocket pings.
    seconds('WebSocketPingInterval', 0, { minLimit: 0, ...REQUIRED }),
  ],
};

/** Referenced Components §2.1.16–2.1.23: sizes of device-model messages and values. */
const DEVICE_DATA: ComponentSpec = {
  name: 'DeviceDataCtrlr',
  variables: [
    alwaysEnabled,
    v('BytesPerMessage[GetReport]', 'integer', RO, '32000', REQUIRED),
    v('BytesPerMessage[GetVariables]', 'integer', RO, '32000', REQUIRED),
    v('BytesPerMessage[SetVariables]', 'integer', RO, '32000', REQUIRED),
    v('ConfigurationValueSize', 'integer', RO, '1000', { maxLimit: 1000 }),
    v('ItemsPerMessage[GetReport]', 'integer', RO, '100', REQUIRED),
    v('ItemsPerMessage[GetVariables]', 'integer', RO, '100', REQUIRED),
    v('ItemsPerMessage[SetVariables]', 'integer', RO, '100', REQUIRED),
    v('ReportingValueSize', 'integer', RO, '2500', { maxLimit: 2500 }),
    v('ValueSize', 'integer', RO, '2500', { maxLimit: 2500 }),
  ],
};

/** Referenced Components §2.1.24–2.1.32. */
const CLOCK: ComponentSpec = {
  name: 'ClockCtrlr',
  variables: [
    alwaysEnabled,
    // The station's clock: live; without a LiveValues the host clock is read.
    v('DateTime', 'dateTime', RO, undefined, { ...REQUIRED, live: true }),
    v('NextTimeOffsetTransitionDateTime', 'dateTime', RW),
    v('NtpServerUri', 'string', RW, undefined, { maxLimit: 512 }),
    v('NtpSource', 'OptionList', RW, 'DHCP', { valuesList: 'DHCP,manual' }),
    seconds('TimeAdjustmentReportingThreshold', 20, { minLimit: 0 }),
    v('TimeOffset', 'string', RW, '+00:00', { format: 'timeOffset' }),
    v('TimeOffset[NextTransition]', 'string', RW, undefined, { format: 'timeOffset' }),
    // The simulator sets its clock from Heartbeat responses and the host's clock.
    v('TimeSource', 'SequenceList', RW, 'Heartbeat', { valuesList: 'Heartbeat,RealTimeClock', ...REQUIRED }),
    v('TimeZone', 'string', RW, undefined, { maxLimit: 64 }),
  ],
};

/** Referenced Components §2.2. */
const SECURITY: ComponentSpec = {
  name: 'SecurityCtrlr',
  variables: [
    alwaysEnabled,
    bool('AdditionalRootCertificateCheck', RO, false),
    // Write-only: never read back nor reported with a value (B06.FR.09, B07.FR.03).
    v('BasicAuthPassword', 'string', WO, undefined, { maxLimit: 40, format: 'passwordString' }),
    v('CertificateEntries', 'integer', RO, '0', { maxLimit: 20, ...REQUIRED, live: true }),
    v('CertSigningRepeatTimes', 'integer', RW, '3', { minLimit: 0 }),
    seconds('CertSigningWaitMinimum', 30, { minLimit: 0 }),
    // "ReadOnly or ReadWrite": read-only, the identity is the simulated station's address.
    v('Identity', 'string', RO, undefined, { maxLimit: 48, format: 'identity', live: true }),
    v('MaxCertificateChainSize', 'integer', RO, '10000', { maxLimit: 10000 }),
    v('OrganizationName', 'string', RW, 'ocpp-sim', REQUIRED),
    v('SecurityProfile', 'integer', RO, '1', { ...REQUIRED, live: true }),
  ],
};

/** Referenced Components §2.3. */
const AUTH: ComponentSpec = {
  name: 'AuthCtrlr',
  variables: [
    enabled(true),
    // "ReadOnly or ReadWrite. Choice is up to Charging Station implementation": writable.
    bool('AuthorizeRemoteStart', RW, false, REQUIRED),
    bool('DisableRemoteAuthorization', RW, false),
    bool('LocalAuthorizeOffline', RW, true, REQUIRED),
    bool('LocalPreAuthorize', RW, false, REQUIRED),
    v('MasterPassGroupId', 'string', RW, undefined, { maxLimit: 36 }),
    bool('OfflineTxForUnknownIdEnabled', RW, false),
  ],
};

/** What one Authorization Cache entry counts for in AuthCacheCtrlr.Storage: a token of up to 36 characters and its idTokenInfo. */
export const AUTH_CACHE_ENTRY_BYTES = 128;

/** Referenced Components §2.4. */
const AUTH_CACHE: ComponentSpec = {
  name: 'AuthCacheCtrlr',
  optional: true,
  variables: [
    available,
    bool('DisablePostAuthorize', RW, false),
    enabled(false),
    seconds('LifeTime', 86400, { minLimit: 0 }),
    v('Policy', 'OptionList', RW, 'LRU', { valuesList: 'LRU' }),
    // Bytes in use; its maxLimit is what the cache holds at most (AUTH_CACHE_MAX entries, see live-values.ts).
    v('Storage', 'integer', RO, '0', { unit: 'B', maxLimit: AUTH_CACHE_MAX * AUTH_CACHE_ENTRY_BYTES, live: true }),
  ],
};

/** Referenced Components §2.5. */
const LOCAL_AUTH_LIST: ComponentSpec = {
  name: 'LocalAuthListCtrlr',
  optional: true,
  variables: [
    available,
    v('BytesPerMessage', 'integer', RO, '32000', REQUIRED),
    bool('DisablePostAuthorize', RW, false),
    enabled(true),
    v('Entries', 'integer', RO, '0', { maxLimit: 1000, ...REQUIRED, live: true }),
    v('ItemsPerMessage', 'integer', RO, '100', REQUIRED),
  ],
};

/** Referenced Components §2.6. */
const TX: ComponentSpec = {
  name: 'TxCtrlr',
  variables: [
    alwaysEnabled,
    seconds('EVConnectionTimeOut', 60, { minLimit: 0, ...REQUIRED }),
    v('MaxEnergyOnInvalidId', 'integer', RW, undefined, { unit: 'Wh', minLimit: 0 }),
    // "ReadWrite or ReadOnly, depending on implementation": the simulated cable is always sensed.
    bool('StopTxOnEVSideDisconnect', RO, true, REQUIRED),
    bool('StopTxOnInvalidId', RW, true, REQUIRED),
    bool('TxBeforeAcceptedEnabled', RW, false),
    // PowerPathClosed and EVConnected,Authorized: the OCPP 1.6-compatible points (E01 remark).
    v('TxStartPoint', 'MemberList', RW, 'PowerPathClosed', { valuesList: TX_START_POINTS, ...REQUIRED }),
    v('TxStopPoint', 'MemberList', RW, 'EVConnected,Authorized', { valuesList: TX_STOP_POINTS, ...REQUIRED }),
  ],
};

/** Referenced Components §2.7.1–2.7.8, 2.7.18 (values of the profile's meter: see {@link meteringSpecs}). */
function sampledData(sampled: string, intervalS: number): ComponentSpec {
  return {
    name: 'SampledDataCtrlr',
    variables: [
      available,
      enabled(true),
      bool('RegisterValuesWithoutPhases', RW, false),
      bool('SignReadings', RW, false),
      seconds('TxEndedInterval', intervalS, { minLimit: 0, ...REQUIRED }),
      measurands('TxEndedMeasurands', 'Energy.Active.Import.Register'),
      measurands('TxStartedMeasurands', 'Energy.Active.Import.Register'),
      seconds('TxUpdatedInterval', intervalS, { minLimit: 0, ...REQUIRED }),
      measurands('TxUpdatedMeasurands', sampled),
    ],
  };
}

/** Referenced Components §2.7.9–2.7.16; an Interval of 0 sends no clock-aligned data (§2.7.12). */
function alignedData(intervalS: number): ComponentSpec {
  return {
    name: 'AlignedDataCtrlr',
    variables: [
      available,
      enabled(true),
      seconds('Interval', intervalS, { minLimit: 0, ...REQUIRED }),
      measurands('Measurands', 'Energy.Active.Import.Register'),
      bool('SendDuringIdle', RW, false),
      bool('SignReadings', RW, false),
      seconds('TxEndedInterval', 0, { minLimit: 0, ...REQUIRED }),
      measurands('TxEndedMeasurands', ''),
    ],
  };
}

/** Referenced Components §2.8. */
const RESERVATION: ComponentSpec = {
  name: 'ReservationCtrlr',
  optional: true,
  variables: [available, enabled(true), bool('NonEvseSpecific', RO, true)],
};

/** Referenced Components §2.9. */
const SMART_CHARGING: ComponentSpec = {
  name: 'SmartChargingCtrlr',
  optional: true,
  variables: [
    bool('ACPhaseSwitchingSupported', RO, false),
    available,
    enabled(true),
    v('Entries[ChargingProfiles]', 'integer', RO, '0', { maxLimit: 20, ...REQUIRED, live: true }),
    bool('ExternalControlSignalsEnabled', RW, false),
    v('LimitChangeSignificance', 'decimal', RW, '10', { unit: 'Percent', minLimit: 0, maxLimit: 100, ...REQUIRED }),
    bool('NotifyChargingLimitWithSchedules', RW, false),
    v('PeriodsPerSchedule', 'integer', RO, '24', REQUIRED),
    bool('Phases3to1', RO, false),
    v('ProfileStackLevel', 'integer', RO, '10', REQUIRED),
    v('RateUnit', 'MemberList', RO, 'A,W', { valuesList: 'A,W', ...REQUIRED }),
  ],
};

/** Referenced Components §2.10. */
const TARIFF_COST: ComponentSpec = {
  name: 'TariffCostCtrlr',
  optional: true,
  variables: [
    bool('Available[Cost]', RO, true),
    bool('Available[Tariff]', RO, true),
    v('Currency', 'string', RW, 'EUR', { maxLimit: 3, ...REQUIRED }),
    bool('Enabled[Cost]', RW, false),
    bool('Enabled[Tariff]', RW, false),
    v('TariffFallbackMessage', 'string', RW, '', { maxLimit: 255, ...REQUIRED }),
    v('TotalCostFallbackMessage', 'string', RW, '', { maxLimit: 255, ...REQUIRED }),
  ],
};

/** Referenced Components §2.11 (Diagnostics). */
const MONITORING: ComponentSpec = {
  name: 'MonitoringCtrlr',
  optional: true,
  variables: [
    v('ActiveMonitoringBase', 'OptionList', RO, 'All', { valuesList: 'All,FactoryDefault,HardWiredOnly' }),
    v('ActiveMonitoringLevel', 'integer', RO, '9', { minLimit: 0, maxLimit: 9 }),
    available,
    v('BytesPerMessage[ClearVariableMonitoring]', 'integer', RO, '32000'),
    v('BytesPerMessage[SetVariableMonitoring]', 'integer', RO, '32000', REQUIRED),
    // Monitoring is simulated (ocpp201/monitoring/): on, so the CSMS's monitors report.
    enabled(true),
    v('ItemsPerMessage[ClearVariableMonitoring]', 'integer', RO, '100'),
    v('ItemsPerMessage[SetVariableMonitoring]', 'integer', RO, '100', REQUIRED),
    v('OfflineQueuingSeverity', 'integer', RW, '9', { minLimit: 0, maxLimit: 9 }),
  ],
};

/** Referenced Components §2.12. */
const DISPLAY_MESSAGE: ComponentSpec = {
  name: 'DisplayMessageCtrlr',
  optional: true,
  variables: [
    available,
    v('DisplayMessages', 'integer', RO, '0', { maxLimit: 10, ...REQUIRED, live: true }),
    enabled(true),
    v('PersonalMessageSize', 'integer', RO, '255'),
    v('SupportedFormats', 'MemberList', RO, 'ASCII,UTF8', { valuesList: 'ASCII,HTML,URI,UTF8', ...REQUIRED }),
    v('SupportedPriorities', 'MemberList', RO, 'AlwaysFront,InFront,NormalCycle', { valuesList: 'AlwaysFront,InFront,NormalCycle', ...REQUIRED }),
    // Not a 2.0.1 variable (OCPP 2.1 adds it under this name): the states a message may be bound to,
    // so a model can answer NotSupportedState (O01) for the others.
    v('SupportedStates', 'MemberList', RO, 'Charging,Faulted,Idle,Unavailable', { valuesList: 'Charging,Faulted,Idle,Unavailable' }),
  ],
};

/** Referenced Components §2.14 (ISO 15118 related). */
const ISO15118: ComponentSpec = {
  name: 'ISO15118Ctrlr',
  optional: true,
  variables: [
    bool('CentralContractValidationAllowed', RW, false),
    bool('ContractCertificateInstallationEnabled', RW, false),
    bool('ContractValidationOffline', RW, true, REQUIRED),
    v('CountryName', 'string', RW, undefined, { maxLimit: 2 }),
    enabled(false),
    v('MaxScheduleEntries', 'integer', RO, '24'),
    v('OrganizationName', 'string', RW, undefined, { maxLimit: 64 }),
    bool('PnCEnabled', RW, false),
    bool('RequestMeteringReceipt', RW, false),
    v('SeccId', 'string', RW, undefined, { maxLimit: 64 }),
    bool('V2GCertificateInstallationEnabled', RW, false),
  ],
};

/** What the metering controllers need from the profile. */
export interface MeteringInput {
  /** The meter's sampled measurands (only those of {@link METER_MEASURANDS} are kept). */
  measurands?: readonly string[];
  /** TxUpdatedInterval / TxEndedInterval (s). */
  sampleIntervalS?: number;
  /** AlignedDataCtrlr.Interval (s); 0 = no clock-aligned data. */
  alignedIntervalS?: number;
}

/** Every controller, in report order, with the profile's metering values. */
export function controllerSpecs(metering: MeteringInput = {}): ComponentSpec[] {
  const sampled = (metering.measurands ?? ['Energy.Active.Import.Register', 'Power.Active.Import']).filter((m) =>
    (METER_MEASURANDS as readonly string[]).includes(m),
  );
  return [
    alignedData(metering.alignedIntervalS ?? 0),
    AUTH_CACHE,
    AUTH,
    CLOCK,
    DEVICE_DATA,
    DISPLAY_MESSAGE,
    ISO15118,
    LOCAL_AUTH_LIST,
    MONITORING,
    OCPP_COMM,
    RESERVATION,
    sampledData([...new Set(sampled)].join(','), metering.sampleIntervalS ?? 60),
    SECURITY,
    SMART_CHARGING,
    TARIFF_COST,
    TX,
  ];
}

const AVAILABILITY_STATES = 'Available,Occupied,Reserved,Unavailable,Faulted';
/** Referenced Components §2.13.2: the operational state, which the station knows (live). */
const availabilityState = (required: boolean) => v('AvailabilityState', 'OptionList', RO, 'Available', { valuesList: AVAILABILITY_STATES, required, live: true, monitorable: true });
/** Generic Problem (appendix variables): what GetReport's Problem criterion looks for (B08.FR.10). */
const problem = bool('Problem', RO, false, { live: true, monitorable: true });

/** The ChargingStation component (Referenced Components §2.13; identity variables from the appendix). */
export function chargingStationSpec(id: { vendor: string; model: string; serial?: string; firmware?: string }, supplyPhases: number): ComponentSpec {
  return {
    name: 'ChargingStation',
    variables: [
      bool('AllowNewSessionsPendingFirmwareUpdate', RW, false),
      availabilityState(true),
      bool('Available', RO, true, REQUIRED),
      v('FirmwareVersion', 'string', RO, id.firmware, { maxLimit: 50, live: true }),
      v('Model', 'string', RO, id.model, { maxLimit: 20 }),
      problem,
      v('SerialNumber', 'string', RO, id.serial, { maxLimit: 25, live: true }),
      v('SupplyPhases', 'integer', RO, String(supplyPhases), REQUIRED),
      v('VendorName', 'string', RO, id.vendor, { maxLimit: 50 }),
    ],
  };
}

/**
 * An EVSE component (§2.13). Power: the maxLimit (the EVSE's maximum) is required, the Actual
 * instantaneous power desired (live); MaxSet is the power it is currently limited to.
 */
export function evseSpec(maxPowerW: number, supplyPhases: number): ComponentSpec {
  const watts = String(maxPowerW);
  return {
    name: 'EVSE',
    variables: [
      availabilityState(true),
      bool('Available', RO, true, REQUIRED),
      v('Power', 'decimal', RO, '0', { unit: 'W', minLimit: 0, maxLimit: maxPowerW, ...REQUIRED, live: true, monitorable: true, more: { MaxSet: { mutability: RO, value: watts } } }),
      problem,
      v('SupplyPhases', 'integer', RO, String(supplyPhases), REQUIRED),
      // Measured (live) in Celsius (Part 2 §2 units): the simulation's ambient plus heating with power
      // (ocpp201/monitoring/temperature.ts); optional, a profile may leave it out.
      v('Temperature', 'decimal', RO, '20', { unit: 'Celsius', live: true, monitorable: true }),
    ],
  };
}

/** A Connector component (§2.13): ConnectorType is a ConnectorEnumType value (or cGBT, cChaoJi, OppCharge). */
export function connectorSpec(connectorType: string, supplyPhases: number, chargeProtocol: string | undefined): ComponentSpec {
  return {
    name: 'Connector',
    variables: [
      availabilityState(false),
      bool('Available', RO, true, REQUIRED),
      ...(chargeProtocol === undefined ? [] : [v('ChargeProtocol', 'string', RO, chargeProtocol)]),
      v('ConnectorType', 'string', RO, connectorType, REQUIRED),
      problem,
      v('SupplyPhases', 'integer', RO, String(supplyPhases), REQUIRED),
    ],
  };
}
