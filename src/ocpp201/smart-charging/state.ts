/**
 * A 2.0.1 charging station's smart-charging state: the shared one (features/smart-charging) with
 * profiles addressed by EVSE, a TransactionEvent when a running transaction's limit moves (E02
 * ChargingRateChanged), and the ISO 15118 EVs plugged in (K15, iso15118.ts); external limits are
 * profiles of their own (external-limits.ts). Station.smartCharging holds it, created on first use
 * and dropped when nothing is left.
 */
import type { Connector } from '../../station/connector.js';
import type { EvChargingNeeds } from '../../station/dialect.js';
import { connectorLimitW } from '../../station/meter.js';
import type { Station } from '../../station/station.js';
import { StationSmartCharging, type SmartChargingOptions } from '../../features/smart-charging/station-state.js';
import { txUpdated } from '../dialect.js';
import { slotOf, type VariableChange } from '../device-model/index.js';
import { memberList, reading } from '../meter-values.js';
import { modelOf, variable } from '../station-model.js';
import { needsSoon } from './iso15118.js';
import { profileLimits } from './profiles.js';

/** An ISO 15118 EV on a connector: what it needs, and whether the CSMS was told (NotifyEVChargingNeeds). */
interface Ev15118 {
  needs: EvChargingNeeds;
  told: boolean;
  /** These needs renegotiate (K17): the CSMS answers them with a new TxProfile. */
  again: boolean;
}

export class SmartCharging201 extends StationSmartCharging {
  /** The ISO 15118 EVs plugged in, by connector (null while none). */
  evs: Map<number, Ev15118> | null = null;

  protected override idle(): boolean {
    return super.idle() && this.evs === null;
  }

  /**
   * SmartChargingCtrlr.Enabled false ("whether smart charging is enabled", Referenced Components): the
   * installed profiles are kept but do not limit (K01/K08); they limit again once it is true.
   */
  get csmsProfilesOff(): boolean {
    return !smartChargingEnabled(this.st);
  }

  override transactionStarted(c: Connector, now: number): void {
    super.transactionStarted(c, now);
    // K15: the EV's needs go to the CSMS once its transaction runs — after the Started event, which
    // the core queues after this hook: on the station's next alarm.
    if (this.evs?.has(c.id)) needsSoon(this.st, now);
  }

  override transactionEnded(c: Connector, now: number): void {
    if (this.evs?.delete(c.id) && this.evs.size === 0) this.evs = null;
    super.transactionEnded(c, now);
  }
}

/** The options of a model's charge points, one object for all of them. */
const optionsByModel = new WeakMap<object, SmartChargingOptions>();

/** A state for the station, not yet its own (a request that may install nothing works on it). */
export function newSmartCharging201(st: Station): SmartCharging201 {
  const model = modelOf(st.ctx.profile);
  let options = optionsByModel.get(model);
  if (options === undefined) optionsByModel.set(model, (options = { sites: model.evseOf, rateChanged }));
  return new SmartCharging201(st, profileLimits, options);
}

/** The station's 2.0.1 smart-charging state, created on first use. */
export function smartCharging201Of(st: Station): SmartCharging201 {
  const existing = st.smartCharging;
  if (existing instanceof SmartCharging201) return existing;
  const state = newSmartCharging201(st);
  st.smartCharging = state;
  return state;
}

/** The slot of SmartChargingCtrlr.Enabled in a model (found once per model). */
const enabledSlots = new WeakMap<object, number>();

/** SmartChargingCtrlr.Enabled (ReadWrite): the CSMS may switch smart charging off. */
export function smartChargingEnabled(st: Station): boolean {
  const { dm } = modelOf(st.ctx.profile);
  let slot = enabledSlots.get(dm);
  if (slot === undefined) enabledSlots.set(dm, (slot = slotOf(dm, 'SmartChargingCtrlr', 'Enabled')));
  return variable(st, slot) !== 'false';
}

/**
 * SetVariables wrote `changes`: when SmartChargingCtrlr.Enabled is among them, every connector's limit
 * is evaluated again at once (the profiles stop or start limiting; E02 ChargingRateChanged follows).
 */
export function smartChargingVariablesSet(st: Station, changes: readonly VariableChange[], now: number): void {
  const state = st.smartCharging;
  if (!(state instanceof SmartCharging201)) return;
  for (const c of changes) {
    if (c.def.component.component.name === 'SmartChargingCtrlr' && c.def.variable.name === 'Enabled' && c.attribute === 'Actual') return state.reapply(now);
  }
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
export function significant(st: Station, a: number, b: number): boolean {
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
