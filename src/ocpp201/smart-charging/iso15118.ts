/**
 * ISO 15118 EVs (K15): an EV that speaks high-level communication tells its charging needs once its
 * transaction runs (NotifyEVChargingNeeds), and answers a TxProfile with the charging schedule it
 * will follow (NotifyEVChargingSchedule).
 */
import type { Connector } from '../../station/connector.js';
import type { EvChargingNeeds } from '../../station/dialect.js';
import { connectorLimitW } from '../../station/meter.js';
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import { compositeSchedule } from '../../features/smart-charging/composite.js';
import { slotOf } from '../device-model/index.js';
import type { NotifyEVChargingNeedsRequest, NotifyEVChargingScheduleRequest } from '../generated/types.gen.js';
import { modelOf, variable } from '../station-model.js';
import { originalOf } from './profiles.js';
import { SmartCharging201, smartCharging201Of } from './state.js';

const NEEDS_ALARM = 'iso15118-needs';

/** K15: an ISO 15118 EV was plugged in; its needs go to the CSMS once its transaction runs. */
export function evPlugged(st: Station, c: Connector, needs: EvChargingNeeds, now: number): void {
  const state = smartCharging201Of(st);
  (state.evs ??= new Map()).set(c.id, { needs, told: false, again: false });
  if (c.tx !== null && !c.tx.stopped && c.tx.id !== null) needsSoon(st, now);
}

/**
 * K17: the EV on `c`, which spoke ISO 15118 at plug-in, renegotiates during its transaction: its new
 * needs go to the CSMS (NotifyEVChargingNeeds), and the TxProfile the CSMS then sets is answered with
 * the EV's new schedule (NotifyEVChargingSchedule, see setChargingProfile) — not the old profile's.
 */
export function evRenegotiates(st: Station, c: Connector, needs: EvChargingNeeds, now: number): void {
  const state = st.smartCharging;
  if (!(state instanceof SmartCharging201) || state.evs?.has(c.id) !== true) return; // no 15118 EV here
  state.evs.set(c.id, { needs, told: false, again: true });
  needsSoon(st, now);
}

/** NotifyEVChargingNeeds on the station's next alarm (one pending at a time). */
export function needsSoon(st: Station, now: number): void {
  st.cancel(NEEDS_ALARM);
  st.later(now, NEEDS_ALARM, tellNeeds);
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
    // A remote start's TxProfile is already there: the EV answers it with its schedule (a renegotiation
    // waits for the CSMS's new one, K17).
    if (!ev.again && state.profiles.some((p) => p.purpose === 'Tx' && p.connectorId === m.evseOf[id])) evSchedule(st, c, now);
  }
}

/** NotifyEVChargingNeeds (K15): the EV's energy and electrical limits, and its departure if it gave one. */
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
