/**
 * Summaries of charge points for the control API, built on demand from the stations' own fields
 * (nothing is kept for the API), and a charge point's recent frames from the log it already keeps.
 */
import { CP_STATES } from '../metrics/shard-stats.js';
import { stationLog } from '../station/log.js';
import type { Station } from '../station/station.js';
import { globMatcher } from './glob.js';
import type { ChargePointSummary, ControlFilter, Frame } from './protocol.js';

const PHASES = ['idle', 'plugged', 'authorizing', 'charging', 'finished'];
/** Frames a detail shows at most (newest). */
export const MAX_FRAMES = 200;

export function summarize(st: Station, fleet: number): ChargePointSummary {
  const connectors = [];
  let lastError: string | null = null;
  for (let i = 1; i < st.connectors.length; i++) {
    const c = st.connectors[i];
    const tx = c.tx !== null && c.tx.open ? c.tx : null;
    const faulted = c.errorCode !== 'NoError';
    if (faulted) lastError = `connector ${c.id}: ${c.errorCode}`;
    connectors.push({
      id: c.id,
      status: c.status,
      phase: PHASES[c.phase] ?? 'idle',
      transactionId: tx === null ? null : (tx.id ?? ''),
      powerW: Math.round(c.powerW),
      energyWh: Math.floor(c.energyWh),
      soc: c.evBatteryWh > 0 ? Math.round(c.soc * 1000) / 10 : null,
      errorCode: faulted ? c.errorCode : null,
      paused: st.control?.paused.has(c.id) ?? false,
    });
  }
  return {
    identity: st.identity,
    fleet,
    position: st.index,
    profile: st.ctx.profile.name,
    ocpp: st.ctx.version,
    state: CP_STATES[st.gauge],
    connectors,
    lastError,
  };
}

/** The station's recent frames, oldest first (newest last), at most MAX_FRAMES. */
export function framesOf(st: Station): Frame[] {
  const lines = stationLog.lines(st, st.identity);
  const out: Frame[] = [];
  for (const line of lines.slice(-MAX_FRAMES)) {
    // `<ISO time> <identity> <mark> <text>` (station/log.ts).
    const a = line.indexOf(' ');
    const b = line.indexOf(' ', a + 1 + st.identity.length);
    const mark = line.charAt(b + 1);
    out.push({ at: Date.parse(line.slice(0, a)), dir: mark === '<' ? 'in' : mark === '>' ? 'out' : 'event', text: line.slice(b + 3) });
  }
  return out;
}

/** A predicate over stations for a filter (the shard's fleet index answers `fleet`). */
export function stationFilter(filter: ControlFilter, fleet: number): ((st: Station) => boolean) | null {
  if (filter.fleet !== undefined && filter.fleet !== fleet) return null;
  const matches = globMatcher(filter.q);
  const state = filter.state === undefined ? -1 : (CP_STATES as readonly string[]).indexOf(filter.state);
  const profile = filter.profile;
  return (st) => matches(st.identity) && (state < 0 || st.gauge === state) && (profile === undefined || st.ctx.profile.name === profile);
}
