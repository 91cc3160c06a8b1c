/**
 * Smart charging on a simulated charge point: its installed profiles, and keeping every connector's
 * power within them. Created on the CSMS's first Smart Charging message (Station.smartCharging is
 * null until then) and dropped again when no profile is left.
 *
 * The limit in force is kept in Connector.limitW, which the meter model applies. Whenever it changes —
 * a profile set or cleared, a transaction starting or ending, a schedule period boundary — the meter
 * is first brought up to that moment under the old limit, so energy is exact piecewise; an alarm on the
 * station's own wheel entry (Station.later) wakes it at the next boundary.
 *
 * Version-neutral: the version supplies how its settings bound the profiles ({@link ReadLimits}).
 */
import type { Connector } from '../../station/connector.js';
import type { Station } from '../../station/station.js';
import { limitAt, nextChangeAt, type Electrics, type ScheduleView } from './composite.js';
import { removeTxProfiles, withProfile, type ChargePointView, type InstalledProfile, type ProfileLimits, type TransactionRef } from './profiles.js';

/** What the station core sees of the feature: its hooks into the transaction life cycle. */
export interface SmartChargingState {
  /** A transaction starts on `c` (before its first meter reading): TxDefault/RemoteStart profiles apply. */
  transactionStarted(c: Connector, now: number): void;
  /** The transaction on `c` ended: its TxProfiles are removed (1.6 §3.13.2). */
  transactionEnded(c: Connector, now: number): void;
}

/** The bounds on installed profiles, read from the station's settings by its OCPP version. */
export type ReadLimits = (st: Station) => ProfileLimits;

/** How a version's profiles name connectors, and what it says when a transaction's limit moves. */
export interface SmartChargingOptions {
  /** By connector (0…n): the id profiles name it by (2.0.1: its EVSE); absent: the connector's own. */
  readonly sites?: readonly number[];
  /**
   * The limit on `c`, whose transaction runs, moved from `beforeW` (W) to c.limitW; the meter is up to
   * the moment it moved (2.0.1 E02: TransactionEvent Updated, ChargingRateChanged).
   */
  readonly rateChanged?: (st: Station, c: Connector, beforeW: number, now: number) => void;
}

const NO_OPTIONS: SmartChargingOptions = {};

const ALARM = 'smart-charging';

export class StationSmartCharging implements SmartChargingState, ScheduleView, ChargePointView {
  profiles: InstalledProfile[] = [];
  /** A remote start's TxProfile, installed when that transaction starts (1.6 §5.11 RemoteStartTransaction). */
  pending: { connectorId: number; idTag: string; profile: InstalledProfile } | null = null;
  sharing = 1;
  /** When the pending boundary alarm is due (ms). */
  boundaryAt = Infinity;
  private readonly wiring: readonly Electrics[];

  constructor(
    protected readonly st: Station,
    private readonly readLimits: ReadLimits,
    private readonly options: SmartChargingOptions = NO_OPTIONS,
  ) {
    this.wiring = wiringOf(st);
  }

  get connectorCount(): number {
    return this.st.connectors.length - 1;
  }

  site(connectorId: number): number {
    const sites = this.options.sites;
    return sites === undefined ? connectorId : sites[connectorId];
  }

  electrics(connectorId: number): Electrics {
    return this.wiring[connectorId];
  }

  txStart(connectorId: number): number | null {
    const tx = this.st.connectors[connectorId].tx;
    return tx && !tx.stopped ? tx.startedAt : null;
  }

  transaction(connectorId: number): { transactionId: TransactionRef | null; startedAt: number } | null {
    const tx = this.st.connectors[connectorId]?.tx;
    return tx && !tx.stopped ? { transactionId: tx.id, startedAt: tx.startedAt } : null;
  }

  transactionStarted(c: Connector, now: number): void {
    const pending = this.pending;
    if (pending && pending.connectorId === this.site(c.id)) {
      this.pending = null;
      // The profile belongs to the transaction the RemoteStartTransaction asked for, not another driver's.
      if (pending.idTag === c.tx!.idTag) this.profiles = withProfile(this.profiles, pending.profile, this.readLimits(this.st)) ?? this.profiles;
    }
    this.reapply(now);
  }

  transactionEnded(c: Connector, now: number): void {
    if (this.pending?.connectorId === this.site(c.id)) this.pending = null;
    removeTxProfiles(this.profiles, this.site(c.id));
    this.reapply(now);
  }

  /**
   * Re-evaluates every connector's limit: the meter is brought up to the change under the old limit,
   * then runs under the new one; a limit of 0 suspends a charging connector (SuspendedEVSE, 1.6 §4.9) and
   * a limit above 0 resumes it. Plans the next evaluation at the earliest schedule boundary. `at`
   * (≤ now) is when the change happened: a boundary the timer wheel reports a tick late still
   * switches the power at the boundary itself.
   */
  reapply(now: number, at = now): void {
    const { st } = this;
    let active = 0;
    for (let i = 1; i < st.connectors.length; i++) if (this.txStart(i) !== null) active++;
    this.sharing = Math.max(1, active);
    let wake = Infinity;
    let changed = false;
    // Running transactions whose limit moved, and from what (allocated only when one did).
    let moved: Connector[] | null = null;
    let before: number[] | null = null;
    for (let i = 1; i < st.connectors.length; i++) {
      const c = st.connectors[i];
      const limit = limitAt(this, i, at);
      const next = nextChangeAt(this, i, at);
      if (next < wake) wake = next;
      if (limit !== c.limitW) {
        // Never behind a reading already taken: the register must not count time twice.
        const t = c.meterAt > at ? c.meterAt : at;
        st.ctx.advanceMeter(c, t);
        if (this.options.rateChanged !== undefined && c.tx !== null && !c.tx.stopped) {
          (moved ??= []).push(c);
          (before ??= []).push(c.limitW);
        }
        c.limitW = limit;
        st.ctx.advanceMeter(c, t);
        changed = true;
      }
    }
    // A power cabinet's outlets share what their limits leave (profile powerSharing).
    if (changed) st.sharePower(now);
    for (let i = 1; i < st.connectors.length; i++) {
      const c = st.connectors[i];
      if (c.tx && !c.tx.stopped) suspendOrResume(st, c, now);
    }
    if (moved !== null) for (let k = 0; k < moved.length; k++) this.options.rateChanged!(st, moved[k], before![k], now);
    st.cancel(ALARM);
    this.boundaryAt = wake;
    if (wake !== Infinity) st.later(wake, ALARM, onBoundary);
    // Nothing left to enforce: the station goes back to costing nothing for the feature.
    if (this.idle()) st.smartCharging = null;
  }

  /** Nothing to keep: no profile, none waiting for its transaction (a version may keep more). */
  protected idle(): boolean {
    return this.profiles.length === 0 && this.pending === null;
  }
}

/** The alarm at a schedule boundary (one shared function: no closure per alarm). */
function onBoundary(st: Station, now: number): void {
  const state = st.smartCharging as StationSmartCharging | null;
  state?.reapply(now, Math.min(state.boundaryAt, now));
}

/**
 * A charging connector whose limit is 0 offers no energy: SuspendedEVSE; when power is allowed again
 * it charges (or shows SuspendedEV if the EV draws nothing). A connector suspended for another reason
 * (a refused idTag stops the EV drawing: evMaxPowerW = 0) stays as it is.
 */
function suspendOrResume(st: Station, c: Connector, now: number): void {
  if (c.limitW <= 0) {
    if (c.status === 'Charging' || c.status === 'SuspendedEV') st.setStatus(c, 'SuspendedEVSE', now);
  } else if (c.status === 'SuspendedEVSE' && c.evMaxPowerW > 0) {
    st.setStatus(c, c.powerW > 0 ? 'Charging' : 'SuspendedEV', now);
  }
}

/** By connector (0…n), the electrics a profile's amperes convert with; one array per profile, shared. */
const wirings = new WeakMap<object, Electrics[]>();

function wiringOf(st: Station): Electrics[] {
  let w = wirings.get(st.ctx.profile);
  if (w === undefined) {
    // Connector 0 (the grid connection) converts with the first outlet's electrics.
    w = st.connectors.map((_, i) => electricsOf(st.connectors[i === 0 ? 1 : i]));
    wirings.set(st.ctx.profile, w);
  }
  return w;
}

function electricsOf(c: Connector | undefined): Electrics {
  const spec = c?.spec;
  if (!spec) return { voltage: 230, phases: 3, dc: false };
  const dc = spec.current === 'DC';
  return { voltage: spec.voltage, phases: dc ? 1 : spec.phases, dc };
}

/** The station's smart-charging state, created on first use. */
export function smartChargingOf(st: Station, readLimits: ReadLimits): StationSmartCharging {
  return (st.smartCharging ??= new StationSmartCharging(st, readLimits)) as StationSmartCharging;
}
