/**
 * OCPP 2.0.1, as the station core sees it (station/version.ts). Settings live in the device model
 * (station-model.ts); there are no 1.6-style configuration keys.
 */
import { Capability } from '../station/settings.js';
import type { VersionBinding } from '../station/version.js';
import { dialect201 } from './dialect.js';
import { handlers201 } from './handlers/index.js';
import { OCPP201, SUBPROTOCOL_201, validator201 } from './schemas.js';
import { modelOf, readSetting, SETTINGS_201, writeSetting } from './station-model.js';
import { securityEvent201 } from './security/events.js';
import { linkOptions201 } from './security/network.js';

const NO_KEYS: ReadonlyMap<string, string> = new Map();

const NO_NAMES: ReadonlySet<string> = new Set();

/** The controller that gives each capability (Referenced Components §2). */
const CAPABILITIES: Record<Capability, string> = {
  [Capability.LocalAuthList]: 'LocalAuthListCtrlr',
};

export const OCPP201_BINDING: VersionBinding = {
  version: OCPP201,
  subprotocol: SUBPROTOCOL_201,
  validator: validator201,
  handlers: handlers201,
  dialect: dialect201,
  settingNames: SETTINGS_201,
  readSetting,
  writeSetting,
  defaultConfig: () => NO_KEYS,
  readonlyKeys: () => NO_NAMES,
  // The optional controllers the model has (a profile may leave one out of its device model).
  features: (profile) => new Set(modelOf(profile).dm.components.map((c) => c.component.name)),
  supports: (features, c) => features.has(CAPABILITIES[c]),
  // A04: logged, and sent kept until delivered (security/events.ts).
  securityEvent: securityEvent201,
  // The network profile in use (SetNetworkProfile + NetworkConfigurationPriority), BasicAuthPassword,
  // installed CSMS roots and the signed client certificate (security/network.ts).
  linkOptions: linkOptions201,
};
