/**
 * A 2.0.1 charging station's smart-charging state: the shared one (features/smart-charging) with
 * profiles addressed by EVSE, a TransactionEvent when a running transaction's limit moves (E02
 * ChargingRateChanged), the limits from outside the OCPP link (K12/K13) and the ISO 15118 EVs plugged
 * in (K15). Station.smartCharging holds it, created on first use and dropped when nothing is left.
 */
import type { Connector } from '../../station/connector.js';
import type { EvChargingNeeds, ExternalLimit } from '../../station/dialect.js';
import { connectorLimitW } from '../../station/meter.js';
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import { compositeSchedule } from '../../features/smart-charging/composite.js';
import type { InstalledProfile } from '../../features/smart-charging/profiles.js';
import { StationSmartCharging } from '../../features/smart-charging/station-state.js';
import { txUpdated } from '../dialect.js';
import { slotOf } from '../device-model/index.js';
import type {
  ChargingLimitSourceEnumType,
  ClearedChargingLimitRequest,
  NotifyChargingLimitRequest,
  NotifyEVChargingNeedsRequest,
  NotifyEVChargingScheduleRequest,
} from '../generated/types.gen.js';
import { memberList, reading } from '../meter-values.js';
import { modelOf, variable } from '../station-model.js';
import { originalOf, profileLimits, remember, sourceOf } from './profiles.js';

/** An ISO 15118 EV on a connector: what it needs, and whether the CSMS was told (NotifyEVChargingNeeds). */
interface Ev15118 {
  needs: EvChargingNeeds;
  told: boolean;
}

export class SmartCharging201 extends StationSmartCharging {
  /** The ISO 15118 EVs plugged in, by connector (null while none). */
  evs: Map<number, Ev15118> | null = null;

  protected override idle(): boolean {
    return super.idle() && this.evs === null;
  }

  override transactionStarted(c: Connector, now: number): void {
    super.transactionStarted(c, now);
    // K15: the EV's needs go to the CSMS once its transaction runs — after the Started event, which
    // the core queues after this hook: on the station's next alarm.
    if (this.evs?.has(c.id)) this.st.later(now, NEEDS_ALARM, tellNeeds);
  }

  override transactionEnded(c: Connector, now: number): void {
    if (this.evs?.delete(c.id) && this.evs.size === 0) this.evs = null;
    super.transactionEnded(c, now);
  }
}

const NEEDS_ALARM = 'iso15118-needs';

/** A state for the station, not yet its own (a request that may install nothing works on it). */
export function newSmartCharging201(st: Station): SmartCharging201 {
  return new SmartCharging201(st, profileLimits, { sites: modelOf(st.ctx.profile).evseOf, rateChanged });
}

/** The station's 2.0.1 smart-charging state, created on first use. */
export function smartCharging201Of(st: Station): SmartCharging201 {
  const existing = st.smartCharging;
  if (existing instanceof SmartCharging201) return existing;
  const state = newSmartCharging201(st);
  st.smartCharging = state;
  return state;
}

/** The slot of SmartChargingCtrlr.LimitChangeSignificance in a model (found once per profile). */
const significanceSlots = new WeakMap<object, number>();

function significancePct(st: Station): number {
  const { dm } = modelOf(st.ctx.profile);
  let slot = significanceSlots.get(dm);
  if (slot === undefined) significanceSlots.set(dm, (slot = slotOf(dm, 'SmartChargingCtrlr', 'LimitChangeSignificance')));
  const v = Number(variable(st, slot));
  return Number.isFinite(v) ? v : 0;
}

/** Whether a move from `a` to `b` is more than LimitChangeSignificance (percent of `a`). */
function significant(st: Station, a: number, b: number): boolean {
  if (a === b) return false;
  if (a <= 0 || !Number.isFinite(a) || !Number.isFinite(b)) return true;
  return (Math.abs(b - a) / a) * 100 >= significancePct(st);
}

/**
 * E02: the rate a running transaction may charge at moved (a profile set or cleared, a schedule
 * boundary, an external limit): TransactionEvent Updated with triggerReason ChargingRateChanged and a
 * reading of the transaction's measurands at the new rate, when the move is more than
 * LimitChangeSignificance. A transaction not yet started (no id) says it in its Started event.
 */
function rateChanged(st: Station, c: Connector, beforeW: number, now: number): void {
  const tx = c.tx!;
  if (tx.id === null) return;
  const cap = connectorLimitW(c.spec!);
  if (!significant(st, Math.min(beforeW, cap), Math.min(c.limitW, cap))) return;
  // When it moved: the meter was brought up to the change (a schedule boundary the timer wheel
  // reported a tick late is still told at the boundary).
  const at = Math.min(now, c.meterAt);
  const { slots } = modelOf(st.ctx.profile);
  const value = reading(c, st.ctx.profile.quirks, memberList(variable(st, slots.txUpdatedMeasurands)), at, 'Other');
  st.enqueue(txUpdated(st, c, tx, at, 'ChargingRateChanged', value));
}

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

/** K15: an ISO 15118 EV was plugged in; its needs go to the CSMS once its transaction runs. */
export function evPlugged(st: Station, c: Connector, needs: EvChargingNeeds, now: number): void {
  const state = smartCharging201Of(st);
  (state.evs ??= new Map()).set(c.id, { needs, told: false });
  if (c.tx !== null && !c.tx.stopped && c.tx.id !== null) st.later(now, NEEDS_ALARM, tellNeeds);
}

/** The alarm that sends the waiting NotifyEVChargingNeeds (one shared function: no closure per alarm). */
function tellNeeds(st: Station, now: number): void {
  const state = st.smartCharging;
  if (!(state instanceof SmartCharging201) || state.evs === null) return;
  const m = modelOf(st.ctx.profile);
  for (const [id, ev] of state.evs) {
    const c = st.connectors[id];
    if (ev.told || c.tx === null || c.tx.stopped || c.tx.id === null) continue;
    ev.told = true;
    st.enqueue(new OutboundCall(Kind.Other, 'NotifyEVChargingNeeds', needsOf(st, c, m.evseOf[id], ev.needs) as never, null, id));
    // A remote start's TxProfile is already there: the EV answers it with its schedule.
    if (state.profiles.some((p) => p.purpose === 'Tx' && p.connectorId === m.evseOf[id])) evSchedule(st, c, now);
  }
}

/** NotifyEVChargingNeeds (K15.FR.01): the EV's energy and electrical limits, and its departure if it gave one. */
function needsOf(st: Station, c: Connector, evseId: number, needs: EvChargingNeeds): NotifyEVChargingNeedsRequest {
  const spec = c.spec!;
  const energyAmount = Math.round(needs.energyWh);
  const maxW = Math.min(c.evMaxPowerW > 0 ? c.evMaxPowerW : connectorLimitW(spec), connectorLimitW(spec));
  const out: NotifyEVChargingNeedsRequest = { evseId, chargingNeeds: { requestedEnergyTransfer: 'DC' } };
  if (spec.current === 'DC') {
    out.chargingNeeds.dcChargingParameters = {
      evMaxCurrent: Math.min(spec.maxCurrentA, Math.round(maxW / spec.voltage)),
      evMaxVoltage: Math.round(spec.voltage),
      energyAmount,
      evMaxPower: Math.floor(maxW),
      stateOfCharge: Math.max(0, Math.min(100, Math.round(c.soc * 100))),
    };
    if (c.evBatteryWh > 0) out.chargingNeeds.dcChargingParameters.evEnergyCapacity = Math.round(c.evBatteryWh);
  } else {
    out.chargingNeeds.requestedEnergyTransfer = spec.phases === 1 ? 'AC_single_phase' : 'AC_three_phase';
    out.chargingNeeds.acChargingParameters = {
      energyAmount,
      evMinCurrent: 6,
      evMaxCurrent: Math.min(spec.maxCurrentA, Math.round(maxW / (spec.voltage * spec.phases))),
      evMaxVoltage: Math.round(spec.voltage),
    };
  }
  if (needs.departureAt !== undefined) out.chargingNeeds.departureTime = new Date(needs.departureAt).toISOString();
  out.maxScheduleTuples = Number(variable(st, slotOf(modelOf(st.ctx.profile).dm, 'ISO15118Ctrlr', 'MaxScheduleEntries')) ?? 24) || 24;
  return out;
}

/**
 * K15: a TxProfile was installed for an ISO 15118 EV on `c`'s EVSE: the EV's charging schedule, which
 * follows what the profiles allow from now (to its departure, else for a day), goes to the CSMS
 * (NotifyEVChargingSchedule).
 */
export function evSchedule(st: Station, c: Connector, now: number): void {
  const state = st.smartCharging;
  if (!(state instanceof SmartCharging201)) return;
  const ev = state.evs?.get(c.id);
  if (ev === undefined || !ev.told) return;
  const evseId = modelOf(st.ctx.profile).evseOf[c.id];
  const tx = state.profiles.find((p) => p.purpose === 'Tx' && p.connectorId === evseId);
  const durationS = Math.max(60, Math.min(86_400, ev.needs.departureAt !== undefined ? Math.ceil((ev.needs.departureAt - now) / 1000) : 86_400));
  const unit = c.spec!.current === 'DC' ? 'W' : 'A';
  const composite = compositeSchedule(state, c.id, now, durationS, unit, connectorLimitW(c.spec!));
  const scheduleId = (tx && originalOf(tx)?.chargingSchedule[0].id) ?? 1;
  const payload: NotifyEVChargingScheduleRequest = {
    timeBase: new Date(now).toISOString(),
    evseId,
    chargingSchedule: { id: scheduleId, duration: durationS, chargingRateUnit: unit, chargingSchedulePeriod: composite.chargingSchedulePeriod.slice(0, 1024) },
  };
  st.enqueue(new OutboundCall(Kind.Other, 'NotifyEVChargingSchedule', payload as never, null, c.id));
}
