/**
 * The OCPP 1.6 configuration key store: the keys of every feature profile (OCPP 1.6 §9.1 Core, §9.2
 * Local Auth List Management, §9.3 Reservation, §9.4 Smart Charging; Remote Trigger and Firmware
 * Management have none) and of the security extension (OCPP 1.6 Security Whitepaper §6). Key definitions and defaults are shared per profile; a charge point holds only the keys
 * the CSMS changed, in a map created on the first ChangeConfiguration.
 */
import type { StationProfile } from '../station/profile.js';

type KeyType = 'boolean' | 'integer' | 'csl' | 'string';

export interface KeyDef {
  type: KeyType;
  readonly: boolean;
  /** For CSL keys of measurands: the allowed items. */
  items?: readonly string[];
  /** For CSL keys: the maximum number of items. */
  maxItems?: number;
  /** For CSL keys: the form every item must have. */
  itemPattern?: RegExp;
  /** Changing it takes effect only after a reboot (ChangeConfiguration answers RebootRequired). */
  reboot?: boolean;
  /** The feature profile the key belongs to; without it, Core (or the security extension). */
  feature?: FeatureProfile;
  /** Never reported by GetConfiguration (AuthorizationKey: "W", write-only, Security Whitepaper §6). */
  writeOnly?: boolean;
}

/** OCPP 1.6 feature profiles (§3.3), as SupportedFeatureProfiles lists them. */
export const FEATURE_PROFILES = ['Core', 'FirmwareManagement', 'LocalAuthListManagement', 'Reservation', 'SmartCharging', 'RemoteTrigger'] as const;
export type FeatureProfile = (typeof FEATURE_PROFILES)[number];

/** Measurands this charge point can sample (OCPP 1.6 §7.31 Measurand, those a meter here provides). */
export const MEASURANDS = [
  'Energy.Active.Import.Register',
  'Power.Active.Import',
  'Power.Offered',
  'Current.Import',
  'Current.Offered',
  'Voltage',
  'SoC',
  'Temperature',
] as const;
export type Measurand = (typeof MEASURANDS)[number];

const MAX_CSL = 8;

export const CONFIG_KEYS: Readonly<Record<string, KeyDef>> = {
  AllowOfflineTxForUnknownId: { type: 'boolean', readonly: false },
  AuthorizationCacheEnabled: { type: 'boolean', readonly: false },
  AuthorizeRemoteTxRequests: { type: 'boolean', readonly: false },
  ClockAlignedDataInterval: { type: 'integer', readonly: false },
  ConnectionTimeOut: { type: 'integer', readonly: false },
  // Per connector `<id>.<rotation>`: NotApplicable, Unknown, or one of the six orders of R, S, T (§9.1).
  ConnectorPhaseRotation: { type: 'csl', readonly: false, itemPattern: /^\d+\.(RST|RTS|SRT|STR|TRS|TSR|NotApplicable|Unknown)$/ },
  GetConfigurationMaxKeys: { type: 'integer', readonly: true },
  HeartbeatInterval: { type: 'integer', readonly: false },
  LocalAuthorizeOffline: { type: 'boolean', readonly: false },
  LocalPreAuthorize: { type: 'boolean', readonly: false },
  MeterValuesAlignedData: { type: 'csl', readonly: false, items: MEASURANDS, maxItems: MAX_CSL },
  MeterValuesAlignedDataMaxLength: { type: 'integer', readonly: true },
  MeterValuesSampledData: { type: 'csl', readonly: false, items: MEASURANDS, maxItems: MAX_CSL },
  MeterValuesSampledDataMaxLength: { type: 'integer', readonly: true },
  MeterValueSampleInterval: { type: 'integer', readonly: false },
  NumberOfConnectors: { type: 'integer', readonly: true },
  ResetRetries: { type: 'integer', readonly: false },
  StopTransactionOnEVSideDisconnect: { type: 'boolean', readonly: false },
  StopTransactionOnInvalidId: { type: 'boolean', readonly: false },
  StopTxnAlignedData: { type: 'csl', readonly: false, items: MEASURANDS, maxItems: MAX_CSL },
  StopTxnAlignedDataMaxLength: { type: 'integer', readonly: true },
  StopTxnSampledData: { type: 'csl', readonly: false, items: MEASURANDS, maxItems: MAX_CSL },
  StopTxnSampledDataMaxLength: { type: 'integer', readonly: true },
  SupportedFeatureProfiles: { type: 'csl', readonly: true },
  TransactionMessageAttempts: { type: 'integer', readonly: false },
  TransactionMessageRetryInterval: { type: 'integer', readonly: false },
  UnlockConnectorOnEVSideDisconnect: { type: 'boolean', readonly: false },
  WebSocketPingInterval: { type: 'integer', readonly: false, reboot: true },
  SupportedFileTransferProtocols: { type: 'csl', readonly: true },
  // Local Auth List Management (§9.2)
  LocalAuthListEnabled: { type: 'boolean', readonly: false, feature: 'LocalAuthListManagement' },
  LocalAuthListMaxLength: { type: 'integer', readonly: true, feature: 'LocalAuthListManagement' },
  SendLocalListMaxLength: { type: 'integer', readonly: true, feature: 'LocalAuthListManagement' },
  // Reservation (§9.3)
  ReserveConnectorZeroSupported: { type: 'boolean', readonly: true, feature: 'Reservation' },
  // Smart Charging (§9.4)
  ChargeProfileMaxStackLevel: { type: 'integer', readonly: true, feature: 'SmartCharging' },
  ChargingScheduleAllowedChargingRateUnit: { type: 'csl', readonly: true, items: ['Current', 'Power'], feature: 'SmartCharging' },
  ChargingScheduleMaxPeriods: { type: 'integer', readonly: true, feature: 'SmartCharging' },
  ConnectorSwitch3to1PhaseSupported: { type: 'boolean', readonly: true, feature: 'SmartCharging' },
  MaxChargingProfilesInstalled: { type: 'integer', readonly: true, feature: 'SmartCharging' },
  // Security extension (Security Whitepaper §6)
  AdditionalRootCertificateCheck: { type: 'boolean', readonly: true },
  AuthorizationKey: { type: 'string', readonly: false, writeOnly: true },
  CertificateSignedMaxChainSize: { type: 'integer', readonly: true },
  CertificateStoreMaxLength: { type: 'integer', readonly: true },
  CpoName: { type: 'string', readonly: false },
  SecurityProfile: { type: 'integer', readonly: false },
};

/** The defaults for a profile: computed once per profile and shared by all its charge points. */
export function defaultConfiguration(profile: StationProfile): ReadonlyMap<string, string> {
  const sampled = profile.meterValuesSampledData;
  const n = profile.connectors.length;
  const defaults = new Map<string, string>([
    ['AllowOfflineTxForUnknownId', 'false'],
    ['AuthorizationCacheEnabled', 'false'],
    ['AuthorizeRemoteTxRequests', 'false'],
    ['ClockAlignedDataInterval', String(profile.clockAlignedDataInterval)],
    ['ConnectionTimeOut', '60'],
    ['ConnectorPhaseRotation', Array.from({ length: n + 1 }, (_, i) => `${i}.RST`).join(',')],
    ['GetConfigurationMaxKeys', String(Object.keys(CONFIG_KEYS).length)],
    ['HeartbeatInterval', '300'],
    ['LocalAuthorizeOffline', 'true'],
    ['LocalPreAuthorize', 'false'],
    ['MeterValuesAlignedData', 'Energy.Active.Import.Register'],
    ['MeterValuesAlignedDataMaxLength', String(MAX_CSL)],
    ['MeterValuesSampledData', sampled],
    ['MeterValuesSampledDataMaxLength', String(MAX_CSL)],
    ['MeterValueSampleInterval', String(profile.meterValueSampleInterval)],
    ['NumberOfConnectors', String(n)],
    ['ResetRetries', '3'],
    ['StopTransactionOnEVSideDisconnect', 'true'],
    ['StopTransactionOnInvalidId', 'true'],
    ['StopTxnAlignedData', ''],
    ['StopTxnAlignedDataMaxLength', String(MAX_CSL)],
    ['StopTxnSampledData', 'Energy.Active.Import.Register'],
    ['StopTxnSampledDataMaxLength', String(MAX_CSL)],
    ['SupportedFeatureProfiles', FEATURE_PROFILES.join(',')],
    ['SupportedFileTransferProtocols', 'HTTP,HTTPS,FTP'],
    ['TransactionMessageAttempts', '3'],
    ['TransactionMessageRetryInterval', '30'],
    ['UnlockConnectorOnEVSideDisconnect', 'true'],
    ['WebSocketPingInterval', '0'],
    ['LocalAuthListEnabled', 'true'],
    ['LocalAuthListMaxLength', '1000'],
    ['SendLocalListMaxLength', '100'],
    ['ReserveConnectorZeroSupported', 'true'],
    ['ChargeProfileMaxStackLevel', '10'],
    ['ChargingScheduleAllowedChargingRateUnit', 'Current,Power'],
    ['ChargingScheduleMaxPeriods', '24'],
    ['ConnectorSwitch3to1PhaseSupported', 'false'],
    ['MaxChargingProfilesInstalled', '20'],
    ['AdditionalRootCertificateCheck', 'false'],
    ['AuthorizationKey', ''],
    ['CertificateSignedMaxChainSize', '10000'],
    ['CertificateStoreMaxLength', '20'],
    ['CpoName', ''],
    ['SecurityProfile', '0'],
  ]);
  // The model's own defaults (profile `configuration:`), already checked by the profile loader.
  for (const [key, { value }] of Object.entries(profile.configuration)) defaults.set(key, value);
  return defaults;
}

/** Keys this model makes read-only on top of those the specification makes read-only. */
export function readonlyKeys(profile: StationProfile): ReadonlySet<string> {
  const out = new Set<string>();
  for (const [key, def] of Object.entries(CONFIG_KEYS)) if (def.readonly) out.add(key);
  for (const [key, { readonly }] of Object.entries(profile.configuration)) if (readonly) out.add(key);
  return out;
}

const BY_LOWER_CASE: ReadonlyMap<string, string> = new Map(Object.keys(CONFIG_KEYS).map((k) => [k.toLowerCase(), k]));

/**
 * The key's own spelling for a key the CSMS names: keys are CiString50Type, case-insensitive (OCPP 1.6
 * §5.3, §5.8, §7), so `heartbeatinterval` is HeartbeatInterval. Unknown keys come back as given.
 */
export function canonicalKey(key: string): string {
  return BY_LOWER_CASE.get(key.toLowerCase()) ?? key;
}

/** A key's definition, or undefined (never an Object.prototype member such as "constructor"). */
export function keyDef(key: string): KeyDef | undefined {
  return Object.hasOwn(CONFIG_KEYS, key) ? CONFIG_KEYS[key] : undefined;
}

/** The feature profiles a model supports: its SupportedFeatureProfiles value (read-only, so per model). */
export function supportedFeatures(defaults: ReadonlyMap<string, string>): ReadonlySet<FeatureProfile> {
  const listed = (defaults.get('SupportedFeatureProfiles') ?? '').split(',').map((s) => s.trim());
  return new Set(FEATURE_PROFILES.filter((f) => listed.includes(f)));
}

const EMPTY: ReadonlySet<string> = new Set();

export type ChangeResult = 'Accepted' | 'Rejected' | 'RebootRequired' | 'NotSupported';

/**
 * Checks a ChangeConfiguration value against its key's type (OCPP 1.6 §5.3: "Rejected" when the
 * value is not valid for the key or the key is read-only, "NotSupported" when the key is unknown).
 */
export function checkChange(key: string, value: string, readonly: ReadonlySet<string> = EMPTY): ChangeResult {
  const def = keyDef(key);
  if (!def) return 'NotSupported';
  if (def.readonly || readonly.has(key) || !validValue(def, value)) return 'Rejected';
  return def.reboot ? 'RebootRequired' : 'Accepted';
}

/** True when `value` is of the key's type (read-only or not): what a profile may set as a default. */
export function checkValue(key: string, value: string): boolean {
  const def = keyDef(key);
  return def !== undefined && validValue(def, value);
}

function validValue(def: KeyDef, value: string): boolean {
  switch (def.type) {
    case 'boolean':
      return /^(true|false)$/i.test(value);
    case 'integer':
      return /^\d{1,9}$/.test(value);
    case 'csl': {
      const items = value.split(',').map((s) => s.trim()).filter(Boolean);
      if (def.maxItems !== undefined && items.length > def.maxItems) return false;
      if (def.itemPattern && !items.every((i) => def.itemPattern!.test(i))) return false;
      return !def.items || items.every((i) => def.items!.includes(i));
    }
    case 'string':
      return true;
  }
}

/** Normalises an accepted value for storage (booleans in lower case, CSL without spaces). */
export function normaliseValue(key: string, value: string): string {
  const def = keyDef(key);
  if (def?.type === 'boolean') return value.toLowerCase();
  if (def?.type === 'csl') return value.split(',').map((s) => s.trim()).filter(Boolean).join(',');
  return value;
}
