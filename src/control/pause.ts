/**
 * A manual action on a connector pauses that connector's scenario (or the default driver): it takes
 * no step of its own until `resume` or the end of the run, so what the operator set up stays as set.
 *
 * The state is per charge point, null until a manual action first touches one of its connectors
 * (Station.control), so charge points nobody drives by hand pay one null field. A paused connector's
 * `phaseUntil` is kept at Infinity (its due time is saved here), so it costs no wake-ups; the
 * behaviour wrapper hides paused connectors from the scenario's start and CSMS-call matching, and keeps
 * an answer a paused step was waiting for until the resume.
 */
import { Await, type Connector } from '../station/connector.js';
import type { Behaviour } from '../station/shard-context.js';
import type { Station } from '../station/station.js';

export function isPaused(st: Station, c: Connector): boolean {
  return st.control !== null && st.control.paused.has(c.id);
}

/** Pauses the connector's behaviour (no-op when paused already). */
export function pause(st: Station, c: Connector): void {
  const m = (st.control ??= { paused: new Map() });
  if (m.paused.has(c.id)) return;
  m.paused.set(c.id, { due: c.phaseUntil, answer: null });
  c.phaseUntil = Infinity;
}

/**
 * After a manual action: a due time the driver functions set on a paused connector is saved, not
 * run. Under a scenario the program's own due time (saved at the pause) stays: that is where it
 * carries on; the default driver's latest plan (e.g. a session's end) is the one kept.
 */
export function hidePaused(st: Station): void {
  const m = st.control;
  if (m === null) return;
  for (const [id, p] of m.paused) {
    const c = st.connectors[id];
    if (c.phaseUntil === Infinity) continue;
    if (st.ctx.scenario === null) p.due = c.phaseUntil;
    c.phaseUntil = Infinity;
  }
}

/** Ends the pause: the behaviour goes on where it was (its step runs when due, at once if overdue). Returns false when not paused. */
export function unpause(st: Station, c: Connector, now: number): boolean {
  const m = st.control;
  const p = m?.paused.get(c.id);
  if (m == null || p === undefined) return false;
  m.paused.delete(c.id);
  if (m.paused.size === 0) st.control = null;
  if (p.answer !== null) st.ctx.behaviour.resume(st, c, p.answer, now);
  else if (p.due !== Infinity) c.phaseUntil = Math.max(now, p.due);
  st.arm(now);
  return true;
}

/** Runs `fn` with paused connectors looking busy (waiting for an answer), so the behaviour skips them. */
function hidden(st: Station, fn: () => void): void {
  const m = st.control!;
  hidePaused(st);
  const saved: Await[] = [];
  for (const id of m.paused.keys()) {
    saved.push(st.connectors[id].awaiting);
    st.connectors[id].awaiting = Await.Send;
  }
  try {
    fn();
  } finally {
    let i = 0;
    for (const id of m.paused.keys()) st.connectors[id].awaiting = saved[i++];
    hidePaused(st);
  }
}

/** The shard's behaviour with manual pauses respected; costs one null check while no one drives by hand. */
export function pausable(inner: Behaviour): Behaviour {
  return {
    start(st, now) {
      if (st.control === null) return inner.start(st, now);
      hidden(st, () => inner.start(st, now));
    },
    step(st, now) {
      if (st.control !== null) hidePaused(st);
      inner.step(st, now);
    },
    resume(st, c, status, now) {
      const p = st.control?.paused.get(c.id);
      if (p === undefined) return inner.resume(st, c, status, now);
      p.answer = status;
    },
    called: inner.called
      ? (st, action, now) => {
          if (st.control === null) return inner.called!(st, action, now);
          hidden(st, () => inner.called!(st, action, now));
        }
      : undefined,
  };
}
