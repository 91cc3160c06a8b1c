/**
 * What the hardware is: one immutable object shared by every charge point of a model, loaded from a
 * YAML profile (src/profile/load.ts) or built by tests. Per-charge-point values (serial numbers)
 * are templates expanded when used.
 */

export type ConnectorType = 'Type1' | 'Type2' | 'Type2Tethered' | 'CCS1' | 'CCS2' | 'CHAdeMO' | 'GBT' | 'Schuko' | 'NACS';

/** One outlet's hardware. */
export interface ConnectorSpec {
  type: ConnectorType;
  current: 'AC' | 'DC';
  /** AC phases (1 or 3); 1 for DC. */
  phases: 1 | 3;
  /** Nominal voltage per phase (AC) or maximum DC output voltage (V). */
  voltage: number;
  maxCurrentA: number;
  maxPowerW: number;
  /** The EVSE (2.0.1) this connector belongs to. */
  evse: number;
}

/** Known behaviours of a model that a CSMS must cope with. */
export interface Quirks {
  /** Plug-in first: Preparing before Authorize (false: authorize first, then plug in). */
  preparingBeforeAuthorize: boolean;
  /** SuspendedEV when the battery is full, rather than Charging at 0 W. */
  suspendedEVWhenFull: boolean;
  /** Per-phase Current.Import and Voltage on 3-phase AC. */
  meterValuesPerPhase: boolean;
  /** StopTransaction carries Transaction.Begin/End transactionData. */
  transactionBeginEndMeterValues: boolean;
  /** DC: the EV's SoC in meter values. */
  socInMeterValues: boolean;
  /** StatusNotification for connector 0 (the charge point as a whole). */
  statusNotificationConnectorZero: boolean;
}

/**
 * How the model numbers the CALLs it sends (OCPP-J 1.6 §4.1.3 leaves it open: at most 36 characters,
 * unique among the sender's CALLs): a counter (1, 2, 3…), an RFC 4122 version 4 UUID, or a
 * random-looking decimal number. See station/message-ids.ts.
 */
export type MessageIdStyle = 'counter' | 'uuid' | 'random';

export interface StationProfile {
  /** Built-in name or file the profile came from. */
  name: string;
  description: string;
  vendor: string;
  model: string;
  firmwareVersion: string;
  /** chargePointSerialNumber template: ${n}, ${n:06}, ${id}. */
  serial: string;
  iccid?: string;
  imsi?: string;
  ocppVersions: string[];
  /** Connector ids 1…n in order. */
  connectors: ConnectorSpec[];
  /** Defaults of MeterValueSampleInterval and ClockAlignedDataInterval (s), MeterValuesSampledData (CSL). */
  meterValueSampleInterval: number;
  clockAlignedDataInterval: number;
  meterValuesSampledData: string;
  /** Energy register at first power-up (Wh). */
  registerStartWh: number;
  /** Configuration key defaults of this model, and which keys it makes read-only. */
  configuration: Record<string, { value: string; readonly?: boolean }>;
  /** Wait before retrying a boot when the CSMS gives no interval, and random delay before the first connection (s). */
  bootRetryS: number;
  bootJitterS: number;
  quirks: Quirks;
  /** A vendor DataTransfer the charge point sends after every accepted boot, as many models do. */
  bootDataTransfer?: { vendorId: string; messageId?: string; data?: string };
  /**
   * Outlets that draw on one power cabinet (a DC charger's dynamic power sharing): while several of a
   * group charge, they split its maxPowerW (station.ts sharePower). Connector ids 1…n.
   */
  powerSharing?: PowerSharingGroup[];
  /** How firmware updates and log uploads go (profile `firmware:`); DEFAULT_FIRMWARE without one. */
  firmware?: FirmwareBehaviour;
  /** The message ids of the model's CALLs (profile `messageIds`); 'counter' without one. */
  messageIds?: MessageIdStyle;
  /**
   * The model's OCPP 2.0.1 device model changes (profile `deviceModel:`; format in
   * ocpp201/device-model/overrides.ts), already checked by the loader; absent = the generated defaults.
   */
  deviceModel?: Readonly<Record<string, unknown>>;
}

export interface PowerSharingGroup {
  connectors: number[];
  maxPowerW: number;
}

/** How a model's firmware updates and log uploads go (OCPP 1.6 §5.19, §5.9; Security Whitepaper L01, N01). */
export interface FirmwareBehaviour {
  /** Every download attempt fails: DownloadFailed once the retries are spent. */
  downloadFails: boolean;
  /** The installation fails: InstallationFailed, the old firmware stays. */
  installFails: boolean;
  /** Every upload attempt fails: UploadFailed (GetDiagnostics) or UploadFailure (GetLog). */
  uploadFails: boolean;
  /** A signed image's signature never verifies (a corrupt image): InvalidSignature. */
  signatureFails: boolean;
  /** The installed image does not verify (L01.FR.29): InstallVerificationFailed (1.6 UpdateFirmware: InstallationFailed). */
  installVerificationFails: boolean;
  /** How long installing takes (ms). */
  installMs: number;
  /** Installation waits until running transactions end; idle connectors are Unavailable meanwhile. */
  waitForTransactions: boolean;
  /** A slow link: download speed in bytes/s (0 = as fast as the server). */
  downloadBytesPerSecond: number;
  /** Only signed updates: UpdateFirmware is answered NotSupported (Security Whitepaper L01.FR.20). */
  signedUpdatesOnly: boolean;
  /** 2.0.1: the station is a Local Controller that publishes firmware (L03/L04); else PublishFirmware is NotSupported. */
  localController?: boolean;
  /** A scenario's only (`firmware: {download: pause}`): downloads pause until it says `ok`. */
  downloadPaused?: boolean;
  /** A scenario's only (`firmware: {certificate: revoked}`): UpdateFirmware's signing certificate is revoked. */
  signingCertificateRevoked?: boolean;
}

export const DEFAULT_FIRMWARE: FirmwareBehaviour = {
  downloadFails: false,
  installFails: false,
  uploadFails: false,
  signatureFails: false,
  installVerificationFails: false,
  installMs: 10_000,
  waitForTransactions: true,
  downloadBytesPerSecond: 0,
  signedUpdatesOnly: false,
};

export const DEFAULT_QUIRKS: Quirks = {
  preparingBeforeAuthorize: true,
  suspendedEVWhenFull: true,
  meterValuesPerPhase: true,
  transactionBeginEndMeterValues: true,
  socInMeterValues: true,
  statusNotificationConnectorZero: true,
};

const AC22: ConnectorSpec = { type: 'Type2', current: 'AC', phases: 3, voltage: 230, maxCurrentA: 32, maxPowerW: 22_000, evse: 1 };

/** A two-socket 22 kW AC charge point: what tests use, and the shape of `generic-16-ac`. */
export const DEFAULT_PROFILE: StationProfile = {
  name: 'default',
  description: 'Generic OCPP 1.6 AC charge point, two 22 kW Type 2 sockets',
  vendor: 'ocpp-sim',
  model: 'Virtual AC 22',
  firmwareVersion: '1.0.0',
  serial: 'SIM-${id}',
  ocppVersions: ['1.6'],
  connectors: [AC22, { ...AC22, evse: 2 }],
  meterValueSampleInterval: 60,
  clockAlignedDataInterval: 0,
  meterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage',
  registerStartWh: 0,
  configuration: {},
  bootRetryS: 30,
  bootJitterS: 0,
  quirks: DEFAULT_QUIRKS,
};

/** `count` copies of a connector spec, one EVSE each. */
export function connectorsOf(spec: Omit<ConnectorSpec, 'evse'>, count: number): ConnectorSpec[] {
  return Array.from({ length: count }, (_, i) => ({ ...spec, evse: i + 1 }));
}

/** Expands `${n}`, `${n:06}` (zero-padded) and `${id}` in a profile template. */
export function expandTemplate(template: string, n: number, id: string): string {
  return template.replace(/\$\{(n|id)(?::0?(\d+))?\}/g, (_, name: string, width?: string) =>
    name === 'id' ? id : width ? String(n).padStart(Number(width), '0') : String(n),
  );
}

/** The EV and driver side of the default behaviour (issue #4's scenarios replace it). */
export interface DriverModel {
  /** Idle time before the next car arrives, drawn uniformly (s). */
  idleMinS: number;
  idleMaxS: number;
  /** How long a car stays plugged in and charging, drawn uniformly (s). */
  sessionMinS: number;
  sessionMaxS: number;
  /** idTags drivers present, picked at random. */
  idTags: readonly string[];
  /** EV battery (Wh), its maximum AC (on-board charger) and DC charging power (W), and the arrival state of charge range. */
  batteryWh: number;
  evMaxPowerW: number;
  evMaxDcPowerW: number;
  socMin: number;
  socMax: number;
}

export const DEFAULT_DRIVER: DriverModel = {
  idleMinS: 5,
  idleMaxS: 60,
  sessionMinS: 60,
  sessionMaxS: 600,
  idTags: ['TAG0001', 'TAG0002', 'TAG0003', 'TAG0004'],
  batteryWh: 60_000,
  evMaxPowerW: 11_000,
  evMaxDcPowerW: 150_000,
  socMin: 0.2,
  socMax: 0.6,
};
