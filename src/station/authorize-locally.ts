/**
 * Authorization without the CSMS (OCPP 1.6 §3.5, 2.0.1 C12–C15): when a presented idTag may be
 * decided by the Local Authorization List or the Authorization Cache, online (LocalPreAuthorize, and
 * 2.0.1's DisablePostAuthorize) and offline (LocalAuthorizeOffline, AllowOfflineTxForUnknownId); and
 * what the charge point learns from every IdTagInfo the CSMS sends back (2.0.1 C10: entries lapse
 * after AuthCacheCtrlr.LifeTime). The default driver, remote starts and scenario steps all decide here.
 */
import { Capability, Setting } from './settings.js';
import { Boot, Link, type Station } from './station.js';
import { cachePut, isValid, lapsed, lapsing, newAuthState, statusAt, tagInfo, type AuthorizationStatus, type IdTagInfo, type TagInfo } from './authorization.js';

/** Parents remembered for reservation matching while reservations are held (see reservation.ts). */
const PARENTS_MAX = 64;

/** The list is consulted when the model supports it and LocalAuthListEnabled is true (§3.5.2, §9.2). */
export function listInUse(st: Station): boolean {
  return st.ctx.supports(Capability.LocalAuthList) && st.settingOn(Setting.LocalAuthListEnabled);
}

function cacheInUse(st: Station): boolean {
  return st.settingOn(Setting.AuthCacheEnabled);
}

/** The list's entry for the idTag, when the list is in use. */
function listed(st: Station, idTag: string): TagInfo | undefined {
  const list = st.auth?.list;
  return list != null && listInUse(st) ? list.get(idTag) : undefined;
}

/**
 * The cache's entry for the idTag, when the cache is in use; a lapsed one is dropped (2.0.1 C10.FR.10)
 * when `now` is known.
 */
function cached(st: Station, idTag: string, now: number | undefined): TagInfo | undefined {
  const cache = st.auth?.cache;
  if (cache == null || !cacheInUse(st)) return undefined;
  const e = cache.get(idTag);
  if (e === undefined || now === undefined || !lapsed(e, now)) return e;
  cache.delete(idTag);
  return undefined;
}

/** What the list — which has priority (§3.5.3) — or else the cache knows of the idTag. */
export function lookup(st: Station, idTag: string, now?: number): TagInfo | undefined {
  if (st.auth === null) return undefined;
  return listed(st, idTag) ?? cached(st, idTag, now);
}

/** The parentIdTag of an idTag, as far as this charge point knows it (§5.13: list, cache, or Authorize.conf). */
export function parentOf(st: Station, idTag: string): string | undefined {
  return lookup(st, idTag)?.parentIdTag ?? st.reservations?.parents?.get(idTag);
}

/** The charge point cannot reach the CSMS: no open, accepted connection (§3.5 "offline"). */
export function isOffline(st: Station): boolean {
  return st.link !== Link.Open || st.boot !== Boot.Accepted;
}

/**
 * The answer for a presented idTag that needs no Authorize.req, or null when the CSMS must be asked.
 * Online, only LocalPreAuthorize lets a valid local entry start at once (§3.5); a not-valid one is
 * checked with the CSMS (§3.5.1). Offline, see {@link decideOffline}. 2.0.1 AuthCtrlr: Enabled false
 * accepts every token; DisableRemoteAuthorization leaves the list and the cache alone to decide (an
 * unknown token is Unknown).
 */
export function decideLocally(st: Station, idTag: string, now: number, evse?: number): AuthorizationStatus | null {
  if (authorizationOff(st)) return 'Accepted';
  if (isOffline(st)) return decideOffline(st, idTag, now);
  const askable = !st.settingOn(Setting.DisableRemoteAuthorization);
  if (askable && !st.settingOn(Setting.LocalPreAuthorize)) return null;
  const fromList = st.auth === null ? undefined : listed(st, idTag);
  const known = fromList ?? (st.auth === null ? undefined : cached(st, idTag, now));
  if (known === undefined) return askable ? null : 'Unknown';
  if (isValid(known, now)) return hereOrNot('Accepted', known.evses, evse);
  // 2.0.1 C14.FR.03, C12.FR.05: a not-valid entry is checked with the CSMS — unless the list's or the
  // cache's DisablePostAuthorize says to take its word for it (C10.FR.03).
  const trusted = !askable || st.settingOn(fromList !== undefined ? Setting.ListDisablePostAuthorize : Setting.CacheDisablePostAuthorize);
  return trusted ? statusAt(known, now) : null;
}

/**
 * 2.0.1 IdTokenInfoType.evseId ("only valid for one or more specific EVSEs, not for the entire Charging
 * Station"): an Accepted token presented at another EVSE (`evse`; undefined: not at one) is not
 * accepted there — NotAtThisLocation ("allowed for charging, but not allowed at this location").
 */
export function hereOrNot(status: AuthorizationStatus, evses: readonly number[] | undefined, evse: number | undefined): AuthorizationStatus {
  return status !== 'Accepted' || evses === undefined || evse === undefined || evses.includes(evse) ? status : 'NotAtThisLocation';
}

/** The answer of the CSMS about a token, at the connector it was presented at (see {@link hereOrNot}). */
export function statusHere(info: IdTagInfo, c: { spec: { evse: number } | null }): AuthorizationStatus {
  return hereOrNot(info.status, info.evseIds, c.spec?.evse);
}

/** 2.0.1 AuthCtrlr.Enabled false: no authorization is done, every token is accepted. */
function authorizationOff(st: Station): boolean {
  return st.setting(Setting.AuthorizationEnabled) === 'false';
}

/**
 * Offline (§3.5.4): a known but not-valid idTag (Blocked, Invalid, Expired — or valid but past its
 * expiryDate) is rejected; a valid one is accepted when LocalAuthorizeOffline is true; any other is
 * "unknown" and AllowOfflineTxForUnknownId decides.
 */
export function decideOffline(st: Station, idTag: string, now: number, evse?: number): AuthorizationStatus {
  if (authorizationOff(st)) return 'Accepted';
  const known = lookup(st, idTag, now);
  if (known !== undefined) {
    if (!isValid(known, now)) return statusAt(known, now);
    if (st.settingOn(Setting.LocalAuthorizeOffline)) return hereOrNot('Accepted', known.evses, evse);
  }
  return st.settingOn(Setting.OfflineTxForUnknownId) ? 'Accepted' : 'Invalid';
}

/**
 * The CSMS sent an IdTagInfo for an idTag (Authorize.conf, StartTransaction.conf, StopTransaction.conf).
 * A listed idTag is never cached (§3.5.3), but a disagreement with the list is reported as a
 * LocalListConflict on connector 0 (§3.5.2); any other goes into the cache when it is enabled (§3.5.1).
 */
export function learn(st: Station, idTag: string, info: IdTagInfo, now: number): void {
  const res = st.reservations;
  if (res !== null && info.parentIdTag !== undefined) {
    const parents = (res.parents ??= new Map());
    if (parents.size >= PARENTS_MAX) parents.delete(parents.keys().next().value!);
    parents.set(idTag, info.parentIdTag);
  }
  const listed = st.auth?.list?.get(idTag);
  if (listed !== undefined) {
    if (listInUse(st) && isValid(listed, now) !== (info.status === 'Accepted' || info.status === 'ConcurrentTx')) reportConflict(st, now);
    return;
  }
  if (!cacheInUse(st)) return;
  const a = (st.auth ??= newAuthState());
  cachePut((a.cache ??= new Map()), idTag, lapsing(tagInfo(info), now + cacheLifeMs(st)), now);
}

/**
 * How long a cached entry lives after the CSMS said it (2.0.1 AuthCacheCtrlr.LifeTime, C10.FR.10:
 * "since idTokenInfo was last updated"); for ever where the version has no such setting (1.6).
 */
function cacheLifeMs(st: Station): number {
  const s = st.setting(Setting.AuthCacheLifeTime);
  const seconds = s === undefined || s === '' ? NaN : Number(s);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : Infinity;
}

/** ClearCache (§5.4): the cache is emptied (and the state dropped when no list is left either). */
export function clearCache(st: Station): void {
  const a = st.auth;
  if (a === null) return;
  a.cache = null;
  if (a.list === null && a.listVersion === 0) st.auth = null;
}

/** §3.5.2: "the Charge Point SHALL inform the Central System by sending a StatusNotification with ConnectorId 0 and ErrorCode LocalListConflict". */
function reportConflict(st: Station, now: number): void {
  const call = st.ctx.dialect.status(st, st.connectors[0], now, 'LocalListConflict');
  if (call !== null) st.enqueue(call);
}
