/**
 * Provisioning and availability (B09–B12, G03–G04): Reset, SetNetworkProfile, ChangeAvailability,
 * ClearCache, DataTransfer.
 */
import { clearCache as clearAuthorizationCache } from '../../station/authorize-locally.js';
import { changeAvailability as change } from '../../station/remote-control.js';
import { Setting } from '../../station/settings.js';
import type { Station } from '../../station/station.js';
import type {
  ChangeAvailabilityRequest,
  ChangeAvailabilityResponse,
  ClearCacheResponse,
  DataTransferRequest,
  DataTransferResponse,
  ResetRequest,
  ResetResponse,
  SetNetworkProfileRequest,
  SetNetworkProfileResponse,
} from '../generated/types.gen.js';
import { connectorAt, modelOf } from '../station-model.js';
import { networkSlots } from '../security/network.js';

/**
 * B11/B12: Immediate ends every transaction (stoppedReason ImmediateReset) and reboots; OnIdle reboots
 * once no transaction runs, answered Scheduled while one does. A reset of one EVSE ends
 * only its transaction (B12).
 */
export function reset(st: Station, req: ResetRequest, now: number): ResetResponse {
  if (req.evseId !== undefined) {
    const ids = connectorsOfEvse(st, req.evseId);
    if (ids.length === 0) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEvse', additionalInfo: `no EVSE ${req.evseId}` } };
    if (req.type === 'OnIdle' && ids.some((i) => running(st, i))) return { status: 'Scheduled' };
    for (const i of ids) st.endTransaction(st.connectors[i], 'ImmediateReset', now);
    return { status: 'Accepted' };
  }
  if (req.type === 'Immediate') {
    st.reset(true, now);
    return { status: 'Accepted' };
  }
  // Meanwhile no new transaction starts, locally or remotely (B12.FR.01); the boot says ScheduledReset.
  return { status: st.resetOnIdle(now) ? 'Scheduled' : 'Accepted' };
}

function connectorsOfEvse(st: Station, evseId: number): number[] {
  const m = modelOf(st.ctx.profile);
  const out: number[] = [];
  for (let i = 1; i < m.evseOf.length; i++) if (m.evseOf[i] === evseId) out.push(i);
  return out;
}

function running(st: Station, i: number): boolean {
  const tx = st.connectors[i].tx;
  return tx !== null && !tx.stopped;
}

/**
 * B09: the profile is checked and stored for its slot. The station connects with the first slot of
 * NetworkConfigurationPriority that has a profile (slot 1: the URL it was given) from its next
 * power-up on (B10, security/network.ts).
 */
export function setNetworkProfile(st: Station, req: SetNetworkProfileRequest): SetNetworkProfileResponse {
  // B09.FR.04: a security profile below the current one is refused.
  const current = Number(st.setting(Setting.SecurityProfile) ?? 0);
  if (req.connectionData.securityProfile < current) return { status: 'Rejected', statusInfo: { reasonCode: 'NoSecurityDowngrade', additionalInfo: 'lower security profile' } };
  // B09.FR.05: a slot NetworkConfigurationPriority cannot name.
  if (!networkSlots(st).includes(req.configurationSlot)) return { status: 'Rejected', statusInfo: { reasonCode: 'InvalidConfSlot', additionalInfo: `slot ${req.configurationSlot}` } };
  // Kept over reboots like the device model's values; a profile for a slot replaces the one there.
  (st.networkProfiles ??= new Map()).set(req.configurationSlot, req.connectionData);
  return { status: 'Accepted' };
}

/** G03/G04: the station (no evse), an EVSE, or one connector; Scheduled while a transaction runs there. */
export function changeAvailability(st: Station, req: ChangeAvailabilityRequest, now: number): ChangeAvailabilityResponse {
  const operative = req.operationalStatus === 'Operative';
  if (req.evse === undefined) return { status: change(st, st.connectors, operative, now) };
  const ids = req.evse.connectorId === undefined ? connectorsOfEvse(st, req.evse.id) : [connectorAt(st, req.evse.id, req.evse.connectorId)].filter((i): i is number => i !== undefined);
  if (ids.length === 0) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEvse', additionalInfo: 'no such EVSE or connector' } };
  return { status: change(st, ids.map((i) => st.connectors[i]), operative, now) };
}

/** C11: the authorization cache is emptied; Rejected when the station has none enabled (C11.FR.05). */
export function clearCache(st: Station): ClearCacheResponse {
  if (!st.settingOn(Setting.AuthCacheEnabled)) return { status: 'Rejected' };
  clearAuthorizationCache(st);
  return { status: 'Accepted' };
}

/** The vendorId this simulator answers DataTransfer for; its messageId "echo" returns the data (P01). */
const SIM_VENDOR_ID = 'ocpp-sim';

export function dataTransfer(_st: Station, req: DataTransferRequest): DataTransferResponse {
  if (req.vendorId !== SIM_VENDOR_ID) return { status: 'UnknownVendorId' };
  if (req.messageId !== undefined && req.messageId !== 'echo') return { status: 'UnknownMessageId' };
  return req.data === undefined ? { status: 'Accepted' } : { status: 'Accepted', data: req.data };
}
