/**
 * The OCPP 1.6 configuration key store (OCPP 1.6 §9.1 Core Profile keys, §9.4 Remote Trigger has
 * none). Key definitions and defaults are shared per profile; a charge point holds only the keys
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
  /** Changing it takes effect only after a reboot (ChangeConfiguration answers RebootRequired). */
  reboot?: boolean;
}

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

export const CORE_KEYS: Readonly<Record<string, KeyDef>> = {
  AllowOfflineTxForUnknownId: { type: 'boolean', readonly: false },
  AuthorizationCacheEnabled: { type: 'boolean', readonly: false },
  AuthorizeRemoteTxRequests: { type: 'boolean', readonly: false },
  ClockAlignedDataInterval: { type: 'integer', readonly: false },
  ConnectionTimeOut: { type: 'integer', readonly: false },
  ConnectorPhaseRotation: { type: 'csl', readonly: false },
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
    ['GetConfigurationMaxKeys', String(Object.keys(CORE_KEYS).length)],
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
    ['SupportedFeatureProfiles', 'Core,RemoteTrigger'],
    ['TransactionMessageAttempts', '3'],
    ['TransactionMessageRetryInterval', '30'],
    ['UnlockConnectorOnEVSideDisconnect', 'true'],
    ['WebSocketPingInterval', '0'],
  ]);
  // The model's own defaults (profile `configuration:`), already checked by the profile loader.
  for (const [key, { value }] of Object.entries(profile.configuration)) defaults.set(key, value);
  return defaults;
}

/** Keys this model makes read-only on top of those the specification makes read-only. */
export function readonlyKeys(profile: StationProfile): ReadonlySet<string> {
  const out = new Set<string>();
  for (const [key, def] of Object.entries(CORE_KEYS)) if (def.readonly) out.add(key);
  for (const [key, { readonly }] of Object.entries(profile.configuration)) if (readonly) out.add(key);
  return out;
}

/** The definition of a Core key, or undefined (never an Object.prototype member such as "constructor"). */
export function keyDef(key: string): KeyDef | undefined {
  return Object.hasOwn(CORE_KEYS, key) ? CORE_KEYS[key] : undefined;
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
  if (def.readonly || readonly.has(key)) return 'Rejected';
  switch (def.type) {
    case 'boolean':
      if (!/^(true|false)$/i.test(value)) return 'Rejected';
      break;
    case 'integer':
      if (!/^\d{1,9}$/.test(value)) return 'Rejected';
      break;
    case 'csl': {
      const items = value.split(',').map((s) => s.trim()).filter(Boolean);
      if (def.maxItems !== undefined && items.length > def.maxItems) return 'Rejected';
      if (def.items && items.some((i) => !def.items!.includes(i))) return 'Rejected';
      break;
    }
    case 'string':
      break;
  }
  return def.reboot ? 'RebootRequired' : 'Accepted';
}

/** Normalises an accepted value for storage (booleans in lower case, CSL without spaces). */
export function normaliseValue(key: string, value: string): string {
  const def = keyDef(key);
  if (def?.type === 'boolean') return value.toLowerCase();
  if (def?.type === 'csl') return value.split(',').map((s) => s.trim()).filter(Boolean).join(',');
  return value;
}
