/**
 * The 1.6 configuration key behind each of the station's settings (station/settings.ts): OCPP 1.6
 * §9.1 (Core), §9.2 (Local Auth List), §9.4 (Reservation) and the Security Whitepaper's keys.
 */
import { Setting, type SettingNames } from '../station/settings.js';

const KEYS: Record<Setting, string> = {
  [Setting.HeartbeatInterval]: 'HeartbeatInterval',
  [Setting.MeterSampleInterval]: 'MeterValueSampleInterval',
  [Setting.ClockAlignedInterval]: 'ClockAlignedDataInterval',
  [Setting.PingInterval]: 'WebSocketPingInterval',
  [Setting.TxMessageAttempts]: 'TransactionMessageAttempts',
  [Setting.TxMessageRetryInterval]: 'TransactionMessageRetryInterval',
  [Setting.LocalAuthListEnabled]: 'LocalAuthListEnabled',
  [Setting.AuthCacheEnabled]: 'AuthorizationCacheEnabled',
  [Setting.LocalPreAuthorize]: 'LocalPreAuthorize',
  [Setting.LocalAuthorizeOffline]: 'LocalAuthorizeOffline',
  [Setting.OfflineTxForUnknownId]: 'AllowOfflineTxForUnknownId',
  [Setting.StopTxOnInvalidId]: 'StopTransactionOnInvalidId',
  [Setting.StopTxOnEVSideDisconnect]: 'StopTransactionOnEVSideDisconnect',
  [Setting.ReserveConnectorZero]: 'ReserveConnectorZeroSupported',
  [Setting.SecurityProfile]: 'SecurityProfile',
  // 2.0.1 only: 1.6 has no such keys (read as absent).
  [Setting.AuthCacheLifeTime]: '',
  [Setting.ListDisablePostAuthorize]: '',
  [Setting.CacheDisablePostAuthorize]: '',
  [Setting.AuthorizationEnabled]: '',
  [Setting.DisableRemoteAuthorization]: '',
  [Setting.COUNT]: '',
};

export const SETTINGS_16: SettingNames = Array.from({ length: Setting.COUNT }, (_, s) => KEYS[s as Setting]);
