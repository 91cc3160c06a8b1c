/**
 * A profile's `deviceModel:` section (OCPP 2.0.1 device model changes; format in
 * ocpp201/device-model/overrides.ts): how `extends:` merges it, and the loader's check of the section against the model's own topology and meter,
 * each problem reported at the file, line and field it came from.
 */
import type { ConfigIssue } from '../config/errors.js';
import type { YamlFile } from '../config/yaml-file.js';
import { checkDeviceModelSection, deviceModelInputOf } from '../ocpp201/device-model/index.js';
import type { StationProfile } from '../station/profile.js';

/** The OCPP version a `deviceModel:` section is for. */
const OCPP_201 = '2.0.1';

/**
 * The child's section over the parent's, per component and variable: components of both are kept,
 * a variable entry of the child replaces the parent's whole entry (value, mutability, limits…), and
 * a component set to `false` (or a map replacing a `false`) replaces the parent's component.
 */
export function mergeDeviceModel(parent: unknown, child: unknown): unknown {
  if (!isMap(parent) || !isMap(child)) return child === undefined ? parent : child;
  const out: Record<string, unknown> = { ...parent };
  for (const [component, variables] of Object.entries(child)) {
    const inherited = parent[component];
    out[component] = isMap(inherited) && isMap(variables) ? { ...inherited, ...variables } : variables;
  }
  return out;
}

/**
 * The merged `section` of `profile` checked for this model; problems go to `issues`. `files` is the
 * `extends` chain, the profile's own file first.
 */
export function checkProfileDeviceModel(profile: StationProfile, section: unknown, files: readonly YamlFile[], issues: ConfigIssue[]): void {
  if (!profile.ocppVersions.includes(OCPP_201)) {
    issues.push(notSpoken(profile, files));
    return;
  }
  for (const { path, message } of checkDeviceModelSection(section, deviceModelInputOf(profile))) {
    const at = ['deviceModel', ...path];
    issues.push(fileOf(files, at).issue(at, message, namesTheKey(message)));
  }
}

/**
 * A section in a profile that does not speak 2.0.1 would be silently ignored. Reported where the
 * mismatch was made: at the section, or at an `ocpp:` list of a later file that dropped 2.0.1.
 */
function notSpoken(profile: StationProfile, files: readonly YamlFile[]): ConfigIssue {
  const section = files.findIndex((f) => hasPath(f, ['deviceModel']));
  const ocpp = files.findIndex((f) => hasPath(f, ['ocpp']));
  const message = `the OCPP ${OCPP_201} device model of a profile that does not speak ${OCPP_201} (ocpp: ${profile.ocppVersions.join(', ')}) would be ignored: add "${OCPP_201}" to ocpp or remove deviceModel`;
  return ocpp >= 0 && ocpp < section ? files[ocpp].issue(['ocpp'], message) : files[section].issue(['deviceModel'], message, true);
}

/**
 * The file of the chain that gave the value at `path`: the nearest one that has the longest part of
 * it (a variable entry comes whole from one file; a component may have entries from several).
 */
function fileOf(files: readonly YamlFile[], path: readonly (string | number)[]): YamlFile {
  for (let n = Math.min(path.length, 3); n >= 1; n--) {
    const file = files.find((f) => hasPath(f, path.slice(0, n)));
    if (file) return file;
  }
  return files[0];
}

/**
 * Whether a problem is about a component or variable name rather than its value (overrides.ts
 * words them so): those are pointed at the key, as unknown keys elsewhere in a profile are.
 */
function namesTheKey(message: string): boolean {
  return /^unknown |has no (variable|instance)|is not a (component|variable) key|is not an EVSE or connector component|^no \S+ at /.test(message);
}

function hasPath(file: YamlFile, path: readonly (string | number)[]): boolean {
  let v: unknown = file.value;
  for (const p of path) {
    if (!isMap(v) || !Object.prototype.hasOwnProperty.call(v, p)) return false;
    v = v[p];
  }
  return true;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
