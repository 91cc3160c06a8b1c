/**
 * Limits from outside the OCPP link (K12/K13): an energy management system, the grid operator or
 * another source limits the station or one EVSE. Each is installed as a ChargingStationExternalConstraints
 * profile of the shared engine, so it caps the composite schedule (K08) and the meter like the
 * station's maximum, and GetChargingProfiles reports it under its source (K09).
 */
import type { ExternalLimit } from '../../station/dialect.js';
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import type { InstalledProfile } from '../../features/smart-charging/profiles.js';
import { slotOf } from '../device-model/index.js';
import type { ChargingLimitSourceEnumType, ClearedChargingLimitRequest, NotifyChargingLimitRequest } from '../generated/types.gen.js';
import { modelOf, variable } from '../station-model.js';
import { remember, sourceOf } from './profiles.js';
import { significant, smartCharging201Of } from './state.js';

/** The ChargingLimitSourceEnumType of an external limit's source (CSO is the CSMS's own: never external). */
const SOURCES: readonly ChargingLimitSourceEnumType[] = ['EMS', 'SO', 'Other'];

function sourceName(source: string): ChargingLimitSourceEnumType {
  return (SOURCES as readonly string[]).includes(source) ? (source as ChargingLimitSourceEnumType) : 'Other';
}

/** The id an external limit of a source on an EVSE is installed under: negative, so never a CSMS's (K09 reports it). */
function externalId(source: ChargingLimitSourceEnumType, evseId: number): number {
  return -(1 + SOURCES.indexOf(source) * 1000 + evseId);
}

/**
 * K12: an external limit on the station (evseId 0) or an EVSE is set; it caps the composite schedule
 * (K08) like a ChargingStationExternalConstraints profile, and the CSMS hears of it with
 * NotifyChargingLimit when it moved more than LimitChangeSignificance (with the schedule when
 * NotifyChargingLimitWithSchedules is true). K13: released (null), ClearedChargingLimit per source and place.
 */
export function externalLimit(st: Station, evseId: number, limit: ExternalLimit | null, now: number): void {
  if (evseId > 0 && !modelOf(st.ctx.profile).evseOf.includes(evseId)) return;
  const state = smartCharging201Of(st);
  const list = state.profiles;
  if (limit === null) {
    for (let i = list.length - 1; i >= 0; i--) {
      const p = list[i];
      if (p.purpose !== 'External' || (evseId >= 0 && p.connectorId !== evseId)) continue;
      list.splice(i, 1);
      const cleared: ClearedChargingLimitRequest = { chargingLimitSource: sourceOf(p) };
      if (p.connectorId > 0) cleared.evseId = p.connectorId;
      st.enqueue(new OutboundCall(Kind.Kept, 'ClearedChargingLimit', cleared as never));
    }
    state.reapply(now);
    return;
  }
  const source = sourceName(limit.source);
  const id = externalId(source, evseId);
  const at = new Date(now).toISOString();
  const schedule = { id: 1, startSchedule: at, chargingRateUnit: 'W' as const, chargingSchedulePeriod: [{ startPeriod: 0, limit: Math.max(0, limit.watts) }] };
  const profile: InstalledProfile = {
    id,
    connectorId: evseId,
    stackLevel: 0,
    purpose: 'External',
    kind: 'Absolute',
    recurrenceMs: 0,
    validFrom: -Infinity,
    validTo: Infinity,
    startSchedule: now,
    durationMs: Infinity,
    unit: 'W',
    periods: [{ startS: 0, limit: Math.max(0, limit.watts), phases: null }],
    minChargingRate: null,
    transactionId: null,
  };
  remember(profile, { id, stackLevel: 0, chargingProfilePurpose: 'ChargingStationExternalConstraints', chargingProfileKind: 'Absolute', chargingSchedule: [schedule] }, source);
  const i = list.findIndex((p) => p.id === id && p.purpose === 'External');
  const before = i >= 0 ? list[i].periods[0].limit : Infinity;
  if (i >= 0) list.splice(i, 1);
  list.push(profile);
  state.reapply(now);
  if (!significant(st, before, profile.periods[0].limit)) return;
  const notify: NotifyChargingLimitRequest = { chargingLimit: { chargingLimitSource: source } };
  if (evseId > 0) notify.evseId = evseId;
  if (variable(st, slotOf(modelOf(st.ctx.profile).dm, 'SmartChargingCtrlr', 'NotifyChargingLimitWithSchedules')) === 'true') notify.chargingSchedule = [schedule];
  st.enqueue(new OutboundCall(Kind.Kept, 'NotifyChargingLimit', notify as never));
}
