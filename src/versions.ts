/**
 * The OCPP versions this simulator speaks: the only file that names every one. A charge point's
 * version comes from its profile.
 */
import { OCPP16_BINDING } from './ocpp16/version.js';
import { OCPP201_BINDING } from './ocpp201/version.js';
import type { StationProfile } from './station/profile.js';
import type { VersionBinding } from './station/version.js';

const BINDINGS: readonly VersionBinding[] = [OCPP16_BINDING, OCPP201_BINDING];

/** The versions a charge point can be simulated in, as profiles name them. */
export const SIMULATED_VERSIONS: readonly string[] = BINDINGS.map((b) => b.version);

/**
 * The binding for a profile: `wanted` when the profile speaks it, else the first of its versions
 * (its preference) this simulator speaks; undefined when none.
 */
export function bindingFor(profile: StationProfile, wanted?: string): VersionBinding | undefined {
  for (const v of wanted === undefined ? profile.ocppVersions : profile.ocppVersions.filter((x) => x === wanted)) {
    const b = BINDINGS.find((x) => x.version === v);
    if (b) return b;
  }
  return undefined;
}
