/** A charge point's display state (Station.display): made on first use, tidied whenever it is read. */
import type { Station } from '../../station/station.js';
import { DisplayState } from './state.js';

/** The state, null while the charge point never used it. Station.display is typed neutrally (the core knows no version); this is its one reader. */
export function displayState(st: Station): DisplayState | null {
  return st.display as DisplayState | null;
}

/** The state, made now if the charge point had none. */
export function displayOf(st: Station): DisplayState {
  return (st.display ??= new DisplayState()) as DisplayState;
}

/** The state with what has expired dropped (O01 endDateTime, O02 the transaction ended); null when never used. */
export function tidied(st: Station, now: number): DisplayState | null {
  const d = displayState(st);
  if (d !== null && d.messages.length > 0) d.purge(now, (id) => st.openTransaction(id) !== undefined);
  return d;
}
