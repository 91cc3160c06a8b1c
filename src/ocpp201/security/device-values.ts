/**
 * The security functions read their device-model variables by name (SecurityCtrlr, ISO15118Ctrlr,
 * OCPPCommCtrlr): rarely, so a name lookup is fine, and write-only ones (BasicAuthPassword) too.
 */
import type { Station } from '../../station/station.js';
import { read } from '../device-model/index.js';
import { modelOf } from '../station-model.js';

/** A device-model value of this station by component and variable name (undefined when unset or absent). */
export function dmValue(st: Station, component: string, variable: string): string | undefined {
  return read(modelOf(st.ctx.profile).dm, st.variables, component, variable);
}
