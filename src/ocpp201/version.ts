/**
 * OCPP 2.0.1, as the station core sees it (station/version.ts). Settings live in the device model
 * (station-model.ts); there are no 1.6-style configuration keys.
 */
import { Capability } from '../station/settings.js';
import { Kind, OutboundCall } from '../station/outbound.js';
import type { VersionBinding } from '../station/version.js';
import { dialect201 } from './dialect.js';
import { handlers201 } from './handlers/index.js';
import { OCPP201, SUBPROTOCOL_201, validator201 } from './schemas.js';
import { modelOf, readSetting, SETTINGS_201, writeSetting } from './station-model.js';
import type { SecurityEventNotificationRequest } from './generated/types.gen.js';

const NO_KEYS: ReadonlyMap<string, string> = new Map();

/** The security events the 2.0.1 appendix marks critical. */
const CRITICAL_EVENTS: ReadonlySet<string> = new Set([
  'FirmwareUpdated',
  'SettingSystemTime',
  'StartupOfTheDevice',
  'ResetOrReboot',
  'SecurityLogWasCleared',
  'MemoryExhaustion',
  'TamperDetectionActivated',
]);
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
  /**
   * A04: a 2.0.1 station sends the critical security events (A04.FR.01; Part 2 Appendix "Security
   * events"), kept and retried until delivered (A04.FR.02); the others belong in its security log only.
   */
  securityEvent(st, type, techInfo, now = st.ctx.now()) {
    if (!CRITICAL_EVENTS.has(type)) return false;
    const payload: SecurityEventNotificationRequest = { type, timestamp: new Date(now).toISOString() };
    if (techInfo !== undefined) payload.techInfo = techInfo.slice(0, 255);
    st.enqueue(new OutboundCall(Kind.Kept, 'SecurityEventNotification', payload as never));
    return true;
  },
  // Security profile changes over SetNetworkProfile arrive with part 2; the run's own options apply.
  linkOptions: () => null,
};
