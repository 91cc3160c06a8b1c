/**
 * Authorization without the CSMS (OCPP 1.6 §3.5): when a presented idTag may be decided by the
 * Local Authorization List or the Authorization Cache, online (LocalPreAuthorize) and offline
 * (LocalAuthorizeOffline, AllowOfflineTxForUnknownId); and what the charge point learns from every
 * IdTagInfo the CSMS sends back. The default driver, remote starts and scenario steps all decide here.
 */
import { Capability, Setting } from './settings.js';
import { Boot, Link, type Station } from './station.js';
import { cachePut, isValid, newAuthState, statusAt, tagInfo, type AuthorizationStatus, type IdTagInfo, type TagInfo } from './authorization.js';

/** Parents remembered for reservation matching while reservations are held (see reservation.ts). */
const PARENTS_MAX = 64;

/** The list is consulted when the model supports it and LocalAuthListEnabled is true (§3.5.2, §9.2). */
export function listInUse(st: Station): boolean {
  return st.ctx.supports(Capability.LocalAuthList) && st.settingOn(Setting.LocalAuthListEnabled);
}

function cacheInUse(st: Station): boolean {
  return st.settingOn(Setting.AuthCacheEnabled);
}

/** What the list — which has priority (§3.5.3) — or else the cache knows of the idTag. */
export function lookup(st: Station, idTag: string): TagInfo | undefined {
  const a = st.auth;
  if (a === null) return undefined;
  const listed = a.list !== null && listInUse(st) ? a.list.get(idTag) : undefined;
  if (listed !== undefined) return listed;
  return a.cache !== null && cacheInUse(st) ? a.cache.get(idTag) : undefined;
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
 * checked with the CSMS (§3.5.1). Offline, see {@link decideOffline}.
 */
export function decideLocally(st: Station, idTag: string, now: number): AuthorizationStatus | null {
  if (isOffline(st)) return decideOffline(st, idTag, now);
  if (!st.settingOn(Setting.LocalPreAuthorize)) return null;
  const known = lookup(st, idTag);
  return known !== undefined && isValid(known, now) ? 'Accepted' : null;
}

/**
 * Offline (§3.5.4): a known but not-valid idTag (Blocked, Invalid, Expired — or valid but past its
 * expiryDate) is rejected; a valid one is accepted when LocalAuthorizeOffline is true; any other is
 * "unknown" and AllowOfflineTxForUnknownId decides.
 */
export function decideOffline(st: Station, idTag: string, now: number): AuthorizationStatus {
  const known = lookup(st, idTag);
  if (known !== undefined) {
    if (!isValid(known, now)) return statusAt(known, now);
    if (st.settingOn(Setting.LocalAuthorizeOffline)) return 'Accepted';
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
  cachePut((a.cache ??= new Map()), idTag, tagInfo(info), now);
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
