/**
 * OCPP 1.6J, as the station core sees it (station/version.ts).
 */
import { Capability } from '../station/settings.js';
import type { VersionBinding } from '../station/version.js';
import { defaultConfiguration, readonlyKeys, supportedFeatures, type FeatureProfile } from './configuration.js';
import { dialect16 } from './dialect.js';
import { handlers16 } from './handlers/index.js';
import { OCPP16, SUBPROTOCOL_16, validator16 } from './schemas.js';
import { connectionSettings } from '../features/security/connection.js';
import { securityEvent } from './security/events.js';
import { securityState } from '../features/security/state.js';
import { SETTINGS_16 } from './settings.js';

/** The feature profile that gives each capability (OCPP 1.6 §3.2). */
const CAPABILITIES: Record<Capability, FeatureProfile> = {
  [Capability.LocalAuthList]: 'LocalAuthListManagement',
};

export const OCPP16_BINDING: VersionBinding = {
  version: OCPP16,
  subprotocol: SUBPROTOCOL_16,
  validator: validator16,
  handlers: handlers16,
  dialect: dialect16,
  settingNames: SETTINGS_16,
  readSetting: (st, s) => st.getConfig(SETTINGS_16[s]),
  writeSetting: (st, s, value) => void (st.config ??= new Map()).set(SETTINGS_16[s], value),
  defaultConfig: defaultConfiguration,
  readonlyKeys,
  features: (_profile, defaults) => supportedFeatures(defaults),
  supports: (features, c) => features.has(CAPABILITIES[c]),
  securityEvent,
  linkOptions(st, password, base, now) {
    // What the CSMS set over the security extension (AuthorizationKey, roots, client certificate).
    const sec = securityState(st);
    return sec === null ? null : connectionSettings(sec, password, base, now);
  },
};
