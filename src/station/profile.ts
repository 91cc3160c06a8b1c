/**
 * What the hardware is: one immutable object shared by every charge point of a model. Issue #4 loads
 * these from YAML; until then the CLI builds one from flags over {@link DEFAULT_PROFILE}.
 */
export interface StationProfile {
  vendor: string;
  model: string;
  firmwareVersion: string;
  /** Number of connectors (ids 1…n; connector 0 is the charge point itself). */
  connectors: number;
  current: 'AC' | 'DC';
  /** AC phases (1 or 3); ignored for DC. */
  phases: 1 | 3;
  /** Nominal voltage per phase (AC) or at the DC bus (V). */
  voltage: number;
  /** Per connector. */
  maxCurrentA: number;
  maxPowerW: number;
  /** Default MeterValueSampleInterval (s) and MeterValuesSampledData (comma-separated measurands). */
  meterValueSampleInterval: number;
  meterValuesSampledData: string;
  /** Energy register at first power-up (Wh). */
  registerStartWh: number;
  /** A vendor DataTransfer the charge point sends after every accepted boot, as many models do. */
  bootDataTransfer?: { vendorId: string; messageId?: string; data?: string };
}

export const DEFAULT_PROFILE: StationProfile = {
  vendor: 'ocpp-sim',
  model: 'Virtual AC 22',
  firmwareVersion: '1.0.0',
  connectors: 2,
  current: 'AC',
  phases: 3,
  voltage: 230,
  maxCurrentA: 32,
  maxPowerW: 22_000,
  meterValueSampleInterval: 60,
  meterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage',
  registerStartWh: 0,
};

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
  /** EV battery (Wh), its maximum charging power (W) and the arrival state of charge range. */
  batteryWh: number;
  evMaxPowerW: number;
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
  socMin: 0.2,
  socMax: 0.6,
};
