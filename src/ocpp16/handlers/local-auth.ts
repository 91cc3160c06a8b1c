/**
 * OCPP 1.6 Local Auth List Management profile: SendLocalList (§5.15) and GetLocalListVersion
 * (§5.10). The rules of an update are in station/authorization.ts; the list itself is created on the
 * first SendLocalList, so charge points whose CSMS never sends one hold nothing for it.
 */
import { OcppError } from '../../protocol/errors.js';
import { applyLocalList, badLocalList, newAuthState, reportedListVersion } from '../../station/authorization.js';
import { listInUse } from '../../station/authorize-locally.js';
import type { Station } from '../../station/station.js';
import type { GetLocalListVersionResponse, SendLocalListRequest, SendLocalListResponse } from '../generated/types.gen.js';

/**
 * SendLocalList (§5.15): NotSupported without the feature profile; a malformed request (listVersion
 * 0 or -1, an idTag twice) is a CALLERROR; too many entries for SendLocalListMaxLength or
 * LocalAuthListMaxLength answer Failed; a Differential update not newer than the list answers
 * VersionMismatch. With LocalAuthListEnabled false the list is kept up to date but not used.
 */
export function sendLocalList(st: Station, req: SendLocalListRequest): SendLocalListResponse {
  if (!st.ctx.features.has('LocalAuthListManagement')) return { status: 'NotSupported' };
  const bad = badLocalList(req);
  if (bad) throw new OcppError('PropertyConstraintViolation', bad);
  const state = st.auth ?? newAuthState();
  const status = applyLocalList(state, req, {
    maxLength: st.configInt('LocalAuthListMaxLength'),
    sendMaxLength: st.configInt('SendLocalListMaxLength'),
  });
  if (status === 'Accepted') st.auth = state;
  return { status };
}

/**
 * GetLocalListVersion (§5.10): the list's version, 0 when it is empty, -1 when the charge point
 * does not support — or, LocalAuthListEnabled being false, does not use — a local list (the
 * compliance test TC_042_1_CS accepts -1 for both).
 */
export function getLocalListVersion(st: Station): GetLocalListVersionResponse {
  if (!listInUse(st)) return { listVersion: -1 };
  return { listVersion: reportedListVersion(st.auth) };
}
