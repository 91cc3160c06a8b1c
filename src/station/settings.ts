/**
 * What a charge point's behaviour depends on, by meaning. Each OCPP version names these settings its
 * own way — 1.6 configuration keys (ocpp16/settings.ts), 2.0.1 component.variable pairs — and its
 * version binding gives the station one name per setting, so the core reads `Setting.HeartbeatInterval`
 * and never a key of either version. A read is an array index and the lookup the station did before.
 */
export const enum Setting {
  /** Seconds between Heartbeats (0 = none). */
  HeartbeatInterval,
  /** Seconds between sampled meter values during a transaction (0 = none). */
  MeterSampleInterval,
  /** Seconds between clock-aligned meter values, aligned to midnight (0 = none). */
  ClockAlignedInterval,
  /** Seconds between WebSocket pings (0 = none). */
  PingInterval,
  /** How often a transaction message is tried before it is given up. */
  TxMessageAttempts,
  /** Seconds to wait before retrying a transaction message, times the attempt number. */
  TxMessageRetryInterval,
  /** 'true': the local authorization list is used. */
  LocalAuthListEnabled,
  /** 'true': the authorization cache is used. */
  AuthCacheEnabled,
  /** 'true': a valid local entry starts a session without asking the CSMS first. */
  LocalPreAuthorize,
  /** 'true': offline, locally known tokens may start sessions. */
  LocalAuthorizeOffline,
  /** 'true': offline, unknown tokens may start sessions. */
  OfflineTxForUnknownId,
  /** 'true': a session whose token turns out invalid is stopped. */
  StopTxOnInvalidId,
  /** 'false': unplugging on the EV side does not end the session. */
  StopTxOnEVSideDisconnect,
  /** 'true': a reservation of the whole station (connector 0) is supported. */
  ReserveConnectorZero,
  /** The security profile the connection uses (0–3). */
  SecurityProfile,
  /** Seconds an authorization cache entry stays after the CSMS last said it (absent: for ever). */
  AuthCacheLifeTime,
  /** 'true': a not-valid local list entry is trusted, not checked with the CSMS (absent: false). */
  ListDisablePostAuthorize,
  /** 'true': a not-valid cache entry is trusted, not checked with the CSMS (absent: false). */
  CacheDisablePostAuthorize,
  /** 'false': tokens are not authorized at all, every one is accepted (absent: authorized). */
  AuthorizationEnabled,
  /** 'true': the CSMS is never asked about a token; the list and the cache alone decide (absent: false). */
  DisableRemoteAuthorization,
  COUNT,
}

/** Optional functions of a model the core asks about; each version says which a model has. */
export const enum Capability {
  /** The local authorization list (1.6 LocalAuthListManagement, 2.0.1 LocalAuthListCtrlr). */
  LocalAuthList,
}

/** A version's name for every {@link Setting}, indexed by it. */
export type SettingNames = readonly string[];
