/**
 * OCPP 1.6 Core profile: how a charge point answers the CSMS (OCPP 1.6 §5). Each handler is a plain
 * synchronous function of (station, request) returning the response; follow-up calls it queues go
 * out after the response (the station holds them while `replying`).
 */
import * as driver from '../../station/driver.js';
import { Boot, type Station } from '../../station/station.js';
import { canonicalKey, checkChange, CONFIG_KEYS, keyDef, normaliseValue } from '../configuration.js';
import { changeSecurityKey } from './security.js';
import { acceptRemoteStartProfile } from './smart-charging.js';
import { clearCache as clearAuthorizationCache } from '../../station/authorize-locally.js';
import { acceptsRemoteStart, changeAvailability as changeAvailabilityOf, isFreeFor, startRemotely } from '../../station/remote-control.js';
import type {
  ChangeAvailabilityRequest,
  ChangeAvailabilityResponse,
  ChangeConfigurationRequest,
  ChangeConfigurationResponse,
  ClearCacheResponse,
  DataTransferRequest,
  DataTransferResponse,
  GetConfigurationRequest,
  GetConfigurationResponse,
  RemoteStartTransactionRequest,
  RemoteStartTransactionResponse,
  RemoteStopTransactionRequest,
  RemoteStopTransactionResponse,
  ResetRequest,
  ResetResponse,
  UnlockConnectorRequest,
  UnlockConnectorResponse,
} from '../generated/types.gen.js';

/** The vendorId this simulator answers DataTransfer for; others get UnknownVendorId (§5.6). */
export const SIM_VENDOR_ID = 'ocpp-sim';

/**
 * RemoteStartTransaction (§5.11): pick the requested connector, or the first free one when none is
 * given. A free connector here is one without a transaction that is operative and not faulted; the
 * EV is (or gets) plugged in and the transaction starts — after an Authorize of the idTag when
 * AuthorizeRemoteTxRequests is true (§9.1.3).
 */
export function remoteStartTransaction(st: Station, req: RemoteStartTransactionRequest, now: number): RemoteStartTransactionResponse {
  // Not while the boot is Pending (§4.2: the CSMS may not send it then; a transaction could not be
  // reported), nor while a Reset is under way (it would die with the reboot).
  if (!acceptsRemoteStart(st)) return { status: 'Rejected' };
  const c = req.connectorId !== undefined ? st.connectors[req.connectorId] : st.connectors.find((k) => isFreeFor(st, k, req.idTag));
  if (!c || !isFreeFor(st, c, req.idTag)) return { status: 'Rejected' };
  // A chargingProfile must be a TxProfile for this transaction (§5.11); it applies once it starts.
  if (!acceptRemoteStartProfile(st, c.id, req, now)) return { status: 'Rejected' };
  startRemotely(st, c, req.idTag, st.getConfig('AuthorizeRemoteTxRequests') === 'true', now);
  return { status: 'Accepted' };
}

/** RemoteStopTransaction (§5.12): Accepted when the transaction runs here, then stopped with reason Remote. */
export function remoteStopTransaction(st: Station, req: RemoteStopTransactionRequest, now: number): RemoteStopTransactionResponse {
  const c = st.boot === Boot.Accepted ? st.findTransaction(String(req.transactionId)) : undefined; // not while Pending (§4.2)
  if (!c) return { status: 'Rejected' };
  st.endTransaction(c, 'Remote', now);
  driver.finish(st, c, now);
  return { status: 'Accepted' };
}

/** Reset (§5.14): always Accepted; transactions are stopped with SoftReset/HardReset, then a reboot. */
export function reset(st: Station, req: ResetRequest, now: number): ResetResponse {
  st.reset(req.type === 'Hard', now);
  return { status: 'Accepted' };
}

/**
 * ChangeAvailability (§5.2): connector 0 means the whole charge point. A connector with a running
 * transaction answers Scheduled and changes when the transaction ends.
 */
export function changeAvailability(st: Station, req: ChangeAvailabilityRequest, now: number): ChangeAvailabilityResponse {
  // The schema does not bound connectorId: a negative one names no connector either.
  if (req.connectorId < 0 || req.connectorId >= st.connectors.length) return { status: 'Rejected' };
  const targets = req.connectorId === 0 ? st.connectors : [st.connectors[req.connectorId]];
  return { status: changeAvailabilityOf(st, targets, req.type === 'Operative', now) };
}

/**
 * GetConfiguration (§5.8): all keys when none are asked for — those of the feature profiles this
 * model supports — with unknown ones listed in unknownKey. A write-only key (AuthorizationKey) is
 * reported without its value.
 */
export function getConfiguration(st: Station, req: GetConfigurationRequest): GetConfigurationResponse {
  const { features } = st.ctx;
  const keys = req.key && req.key.length > 0 ? req.key : Object.keys(CONFIG_KEYS).filter((k) => !CONFIG_KEYS[k].feature || features.has(CONFIG_KEYS[k].feature!));
  const configurationKey: NonNullable<GetConfigurationResponse['configurationKey']> = [];
  const unknownKey: string[] = [];
  for (const asked of keys) {
    const key = canonicalKey(asked); // keys are case-insensitive (CiString50Type)
    const def = keyDef(key);
    const value = st.getConfig(key);
    if (!def || value === undefined || (def.feature && !features.has(def.feature))) unknownKey.push(asked);
    else if (def.writeOnly) configurationKey.push({ key, readonly: false });
    else configurationKey.push({ key, readonly: st.ctx.readonlyKeys.has(key), value });
  }
  const res: GetConfigurationResponse = { configurationKey };
  if (unknownKey.length > 0) res.unknownKey = unknownKey;
  return res;
}

/** ChangeConfiguration (§5.3): typed and read-only checks over the real key store. */
export function changeConfiguration(st: Station, req: ChangeConfigurationRequest): ChangeConfigurationResponse {
  const key = canonicalKey(req.key); // keys are case-insensitive (CiString50Type)
  // AuthorizationKey and SecurityProfile have rules and effects of their own (Security Whitepaper A01, A05).
  const security = changeSecurityKey(st, key, req.value, st.ctx.now());
  if (security) return security;
  // A key of a feature profile this model lacks is unknown here, as GetConfiguration reports it (§5.3).
  const def = keyDef(key);
  if (def?.feature && !st.ctx.features.has(def.feature)) return { status: 'NotSupported' };
  const status = checkChange(key, req.value, st.ctx.readonlyKeys);
  if (status === 'Accepted' || status === 'RebootRequired') st.setConfig(key, normaliseValue(key, req.value));
  return { status };
}

/** UnlockConnector (§5.18): stops a running transaction first (reason UnlockCommand). */
export function unlockConnector(st: Station, req: UnlockConnectorRequest, now: number): UnlockConnectorResponse {
  const c = st.connectors[req.connectorId];
  if (!c || c.id === 0) return { status: 'NotSupported' };
  if (c.tx && !c.tx.stopped) {
    st.endTransaction(c, 'UnlockCommand', now);
    driver.finish(st, c, now);
  }
  return { status: 'Unlocked' };
}

/**
 * ClearCache (§5.4): the Authorization Cache is emptied. 1.6 asks only whether that worked, and it
 * always does — also for a disabled (so empty) cache.
 */
export function clearCache(st: Station): ClearCacheResponse {
  clearAuthorizationCache(st);
  return { status: 'Accepted' };
}

/** DataTransfer (§5.6): we know only our own vendorId; its messageId "echo" returns the data. */
export function dataTransfer(_st: Station, req: DataTransferRequest): DataTransferResponse {
  if (req.vendorId !== SIM_VENDOR_ID) return { status: 'UnknownVendorId' };
  if (req.messageId !== undefined && req.messageId !== 'echo') return { status: 'UnknownMessageId' };
  return req.data === undefined ? { status: 'Accepted' } : { status: 'Accepted', data: req.data };
}
