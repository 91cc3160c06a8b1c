/**
 * What a charge point knows about idTags without asking the CSMS (OCPP 1.6 §3.5, 2.0.1 C10–C15, D01):
 * the Local Authorization List the CSMS manages with SendLocalList (§3.5.2, §5.15) and the
 * Authorization Cache the charge point keeps itself (§3.5.1). Pure data rules here, in 1.6's words
 * (2.0.1's handlers read their requests into them); deciding with them is authorize-locally.ts.
 *
 * Thousands of charge points of a fleet usually hold the same list, so an entry is small: the idTag
 * maps to a TagInfo, and the common entries (a status, no expiry, no parent) are five shared records.
 */

/**
 * A token's status: the union of OCPP 1.6's AuthorizationStatus and 2.0.1's AuthorizationStatusEnumType
 * (each version's dialect reads its own words into these).
 */
export type AuthorizationStatus =
  | 'Accepted'
  | 'Blocked'
  | 'ConcurrentTx'
  | 'Expired'
  | 'Invalid'
  | 'NoCredit'
  | 'NotAllowedTypeEVSE'
  | 'NotAtThisLocation'
  | 'NotAtThisTime'
  | 'Unknown';

/** IdTagInfo as it arrives in SendLocalList, Authorize.conf, StartTransaction.conf, StopTransaction.conf. */
export interface IdTagInfo {
  status: AuthorizationStatus;
  expiryDate?: string;
  parentIdTag?: string;
  /** 2.0.1 IdTokenInfoType.evseId: the EVSEs the token is valid at, when not the whole station. */
  evseIds?: number[];
  /**
   * 2.0.1 AuthorizeResponse.certificateStatus when it is not Accepted: the CSMS refused the contract
   * certificate a Plug & Charge token came with (C07), whatever it says of the token.
   */
  certificateStatus?: string;
}

/** One known idTag. Immutable, so records can be shared between entries and charge points. */
export interface TagInfo {
  readonly status: AuthorizationStatus;
  /** When the entry stops being valid (ms since epoch); Infinity = no expiryDate. */
  readonly expiresAt: number;
  readonly parentIdTag: string | undefined;
  /**
   * A cached entry only: when it lapses and counts as never cached (2.0.1 AuthCacheCtrlr.LifeTime,
   * C10.FR.10 "removed from the cache"); absent: never.
   */
  readonly lapsesAt?: number;
  /** The EVSEs it is valid at ({@link IdTagInfo.evseIds}); absent: every one. */
  readonly evses?: readonly number[];
}

/** A charge point's local authorization state; created on first use (SendLocalList or a cached answer). */
export interface AuthState {
  /** The version the CSMS gave the list (§5.15); 0 until the first SendLocalList. */
  listVersion: number;
  list: Map<string, TagInfo> | null;
  /** Insertion order is age: an update moves the entry to the end (§3.5.1 evicts the oldest first). */
  cache: Map<string, TagInfo> | null;
}

/** Entries the Authorization Cache holds at most; 1.6 defines no key for it, so this is the model's size. */
export const AUTH_CACHE_MAX = 64;

const SHARED: Readonly<Record<AuthorizationStatus, TagInfo>> = {
  Accepted: Object.freeze({ status: 'Accepted', expiresAt: Infinity, parentIdTag: undefined }),
  Blocked: Object.freeze({ status: 'Blocked', expiresAt: Infinity, parentIdTag: undefined }),
  Expired: Object.freeze({ status: 'Expired', expiresAt: Infinity, parentIdTag: undefined }),
  Invalid: Object.freeze({ status: 'Invalid', expiresAt: Infinity, parentIdTag: undefined }),
  ConcurrentTx: Object.freeze({ status: 'ConcurrentTx', expiresAt: Infinity, parentIdTag: undefined }),
  NoCredit: Object.freeze({ status: 'NoCredit', expiresAt: Infinity, parentIdTag: undefined }),
  NotAllowedTypeEVSE: Object.freeze({ status: 'NotAllowedTypeEVSE', expiresAt: Infinity, parentIdTag: undefined }),
  NotAtThisLocation: Object.freeze({ status: 'NotAtThisLocation', expiresAt: Infinity, parentIdTag: undefined }),
  NotAtThisTime: Object.freeze({ status: 'NotAtThisTime', expiresAt: Infinity, parentIdTag: undefined }),
  Unknown: Object.freeze({ status: 'Unknown', expiresAt: Infinity, parentIdTag: undefined }),
};

/** The record for an IdTagInfo: a shared one when it has neither expiryDate nor parentIdTag. */
export function tagInfo(info: IdTagInfo): TagInfo {
  if (info.expiryDate === undefined && info.parentIdTag === undefined && info.evseIds === undefined) return SHARED[info.status];
  const at = info.expiryDate === undefined ? Infinity : Date.parse(info.expiryDate);
  // An unreadable date cannot be trusted to lie in the future.
  const e = { status: info.status, expiresAt: Number.isNaN(at) ? -Infinity : at, parentIdTag: info.parentIdTag };
  return info.evseIds === undefined ? e : { ...e, evses: info.evseIds.slice() };
}

/** The cache's record of `info` that lapses at `lapsesAt` (Infinity: the shared record, never lapsing). */
export function lapsing(info: TagInfo, lapsesAt: number): TagInfo {
  return lapsesAt === Infinity ? info : { ...info, lapsesAt };
}

/** True when a cached entry's life is over (see {@link TagInfo.lapsesAt}). */
export function lapsed(e: TagInfo, now: number): boolean {
  return e.lapsesAt !== undefined && e.lapsesAt <= now;
}

/** The entry's status at `now`: an entry past its expiryDate counts as Expired (§3.5.1, §3.5.4). */
export function statusAt(e: TagInfo, now: number): AuthorizationStatus {
  return e.expiresAt <= now ? 'Expired' : e.status;
}

/**
 * Valid means usable to start charging: Accepted, or ConcurrentTx, which the list also counts as
 * "valid" (§3.5.2) — and not expired.
 */
export function isValid(e: TagInfo, now: number): boolean {
  if (lapsed(e, now)) return false;
  const s = statusAt(e, now);
  return s === 'Accepted' || s === 'ConcurrentTx';
}

export type UpdateStatus = 'Accepted' | 'Failed' | 'VersionMismatch';

/** An update of the local list, as a version's SendLocalList carries it (1.6's request has this shape). */
export interface LocalListUpdate {
  listVersion: number;
  updateType: 'Full' | 'Differential';
  /** Entries with an idTagInfo are added or updated; without one, removed (Differential). */
  localAuthorizationList?: { idTag: string; idTagInfo?: IdTagInfo }[];
}

export interface ListLimits {
  /** LocalAuthListMaxLength: entries the list may hold. */
  maxLength: number;
  /** SendLocalListMaxLength: entries one SendLocalList may carry. */
  sendMaxLength: number;
}

/** Why a SendLocalList is malformed (a CALLERROR, not a status), or null. */
export function badLocalList(req: LocalListUpdate): string | null {
  // 1.6 errata v4.0, SendLocalList.req listVersion: "SHALL NOT be -1 or 0 as these have a special
  // meaning in GetLocalListVersion.conf".
  if (req.listVersion <= 0) return `listVersion ${req.listVersion} is not allowed: 0 and -1 mean "empty" and "not supported"`;
  // SendLocalList.req: "All idTags in the localAuthorizationList MUST be unique".
  const entries = req.localAuthorizationList ?? [];
  if (entries.length > 1) {
    const seen = new Set<string>();
    for (const { idTag } of entries) {
      if (seen.has(idTag)) return `idTag ${idTag} appears more than once in localAuthorizationList`;
      seen.add(idTag);
    }
  }
  return null;
}

/**
 * Applies a well-formed SendLocalList to the state (§5.15): Full replaces the list, Differential
 * adds or updates entries that carry an idTagInfo and removes those that do not; either way the list
 * then has the request's version. Nothing changes unless the answer is Accepted.
 */
export function applyLocalList(state: AuthState, req: LocalListUpdate, limits: ListLimits): UpdateStatus {
  const entries = req.localAuthorizationList ?? [];
  if (entries.length > limits.sendMaxLength) return 'Failed';
  let next: Map<string, TagInfo>;
  if (req.updateType === 'Full') {
    next = new Map();
    // A Full entry without idTagInfo has nothing to say about the tag: it is not listed.
    for (const e of entries) if (e.idTagInfo) next.set(e.idTag, tagInfo(e.idTagInfo));
  } else {
    // UpdateStatus VersionMismatch: "version number in the request for a differential update is
    // less or equal than version number of current list" (UpdateStatus).
    if (req.listVersion <= state.listVersion) return 'VersionMismatch';
    next = state.list === null ? new Map() : new Map(state.list);
    for (const e of entries) {
      if (e.idTagInfo) next.set(e.idTag, tagInfo(e.idTagInfo));
      else next.delete(e.idTag);
    }
  }
  if (next.size > limits.maxLength) return 'Failed';
  state.list = next.size > 0 ? next : null;
  state.listVersion = req.listVersion;
  // §3.5.3: an identifier known in the list does not also live in the cache.
  if (state.cache !== null && state.list !== null) for (const tag of state.list.keys()) state.cache.delete(tag);
  return 'Accepted';
}

/** GetLocalListVersion (§5.10): 0 for an empty list — also after a Full update that emptied it. */
export function reportedListVersion(state: AuthState | null): number {
  return state === null || state.list === null ? 0 : state.listVersion;
}

/**
 * Stores what the CSMS said about an idTag in the cache (§3.5.1): the latest answer replaces the old
 * one and becomes the newest; when full, not-valid entries go first, then the oldest valid ones.
 */
export function cachePut(cache: Map<string, TagInfo>, idTag: string, info: TagInfo, now: number, max = AUTH_CACHE_MAX): void {
  cache.delete(idTag);
  while (cache.size >= max) {
    let victim: string | undefined;
    for (const [tag, e] of cache) {
      if (!isValid(e, now)) {
        victim = tag;
        break;
      }
    }
    cache.delete(victim ?? cache.keys().next().value!);
  }
  cache.set(idTag, info);
}

export function newAuthState(): AuthState {
  return { listVersion: 0, list: null, cache: null };
}
