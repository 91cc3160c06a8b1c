/**
 * Local Authorization List Management (D01 SendLocalList, D02 GetLocalListVersion). The list's rules
 * are the version-neutral ones of station/authorization.ts; this file reads a 2.0.1 request into
 * them and bounds it by LocalAuthListCtrlr (ItemsPerMessage, BytesPerMessage, Entries' maxLimit).
 * The list is created on the first accepted SendLocalList, so charge points never sent one hold nothing.
 */
import { applyLocalList, badLocalList, newAuthState, reportedListVersion, type IdTagInfo, type LocalListUpdate } from '../../station/authorization.js';
import { listInUse } from '../../station/authorize-locally.js';
import { tokenOf } from '../../station/id-token.js';
import type { Station } from '../../station/station.js';
import { dialect201 } from '../dialect.js';
import { findVariable, slotOf } from '../device-model/index.js';
import type { GetLocalListVersionResponse, IdTokenInfoType, SendLocalListRequest, SendLocalListResponse } from '../generated/types.gen.js';
import { modelOf, variable } from '../station-model.js';

const CTRLR = 'LocalAuthListCtrlr';

/** The limits of LocalAuthListCtrlr: per message (items, bytes) and in all (Entries' maxLimit). */
function limitsOf(st: Station): { items: number; bytes: number; entries: number } {
  const { dm } = modelOf(st.ctx.profile);
  return {
    items: intVariable(st, 'ItemsPerMessage'),
    bytes: intVariable(st, 'BytesPerMessage'),
    entries: findVariable(dm, CTRLR, 'Entries')?.characteristics.maxLimit ?? Infinity,
  };
}

function failed(additionalInfo: string, reasonCode = 'InvalidValue'): SendLocalListResponse {
  return { status: 'Failed', statusInfo: { reasonCode, additionalInfo: additionalInfo.slice(0, 512) } };
}

/** An IdTokenInfoType in the neutral words the list keeps, as the dialect reads the CSMS's answers. */
function tokenInfo(idTokenInfo: IdTokenInfoType): IdTagInfo {
  return dialect201.readTokenInfo({ idTokenInfo })!;
}

/** An integer variable of the controller (Infinity when the model lacks it). */
function intVariable(st: Station, name: string): number {
  const n = Number(variable(st, slotOf(modelOf(st.ctx.profile).dm, CTRLR, name)));
  return Number.isFinite(n) ? n : Infinity;
}

/**
 * D01: Full replaces the list (D01.FR.01; without entries it empties it, D01.FR.02), Differential adds
 * or updates the entries with an idTokenInfo and removes those without (D01.FR.03/04; none: only the
 * version changes, D01.FR.05). Answered Failed when the list is disabled, for a versionNumber ≤ 0
 * (D01.FR.18), a token listed twice (C01.FR.25: equal = same idToken and type), a Full entry without
 * idTokenInfo, or a request over ItemsPerMessage, BytesPerMessage or Entries' maxLimit; VersionMismatch
 * for a Differential update not newer than the list (D01.FR.19). Nothing changes unless Accepted.
 */
export function sendLocalList(st: Station, req: SendLocalListRequest): SendLocalListResponse {
  // LocalAuthListCtrlr absent or Enabled false: the station keeps no list.
  if (!listInUse(st)) return failed('the local authorization list is not enabled (LocalAuthListCtrlr.Enabled)', 'UnsupportedRequest');
  if (req.versionNumber <= 0) return failed(`versionNumber ${req.versionNumber} is not allowed (D01.FR.18)`);
  const entries = req.localAuthorizationList ?? [];
  const limits = limitsOf(st);
  if (entries.length > limits.items) return failed(`${entries.length} entries exceed ItemsPerMessage ${limits.items}`);
  const bytes = Buffer.byteLength(JSON.stringify(req));
  if (bytes > limits.bytes) return failed(`${bytes} bytes exceed BytesPerMessage ${limits.bytes}`);
  if (req.updateType === 'Full' && entries.some((e) => e.idTokenInfo === undefined)) return failed('a Full update entry without idTokenInfo');
  const update: LocalListUpdate = {
    listVersion: req.versionNumber,
    updateType: req.updateType,
    localAuthorizationList: entries.map((e) => ({
      idTag: tokenOf(e.idToken.idToken, e.idToken.type),
      ...(e.idTokenInfo === undefined ? {} : { idTagInfo: tokenInfo(e.idTokenInfo) }),
    })),
  };
  const bad = badLocalList(update);
  if (bad !== null) return failed(bad);
  const state = st.auth ?? newAuthState();
  const status = applyLocalList(state, update, { maxLength: limits.entries, sendMaxLength: limits.items });
  if (status === 'Failed') return failed(`the list would exceed ${limits.entries} entries (LocalAuthListCtrlr.Entries maxLimit)`);
  if (status === 'VersionMismatch') return { status, statusInfo: { reasonCode: 'InvalidValue', additionalInfo: `versionNumber ${req.versionNumber} is not newer than the list's ${state.listVersion} (D01.FR.19)` } };
  st.auth = state;
  return { status };
}

/** D02: the list's version; 0 when there is none, it is empty, or the list is not enabled. */
export function getLocalListVersion(st: Station): GetLocalListVersionResponse {
  return { versionNumber: listInUse(st) ? reportedListVersion(st.auth) : 0 };
}
