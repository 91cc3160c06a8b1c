/**
 * The built-in libraries (profiles/, scenarios/): listing them, and resolving a reference that is
 * either a built-in name or a path to a file of the user's.
 */
import { readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, nearest } from './errors.js';

export interface LibraryEntry {
  name: string;
  file: string;
}

/** The YAML files of a library folder, by name (file name without .yaml), sorted. */
export function listLibrary(dir: string): LibraryEntry[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: f.slice(0, -'.yaml'.length), file: join(dir, f) }));
}

/**
 * A reference is a path when it contains a slash or ends in .yaml/.yml (relative to `from`: the
 * directory of the file that names it, or the working directory), and a built-in name otherwise.
 * `kind` ("profile", "scenario") words the error, which suggests the nearest built-in name.
 */
export function resolveLibraryRef(ref: string, dir: string, kind: string, from = process.cwd()): string {
  if (ref.includes('/') || /\.ya?ml$/.test(ref)) return isAbsolute(ref) ? ref : resolve(from, ref);
  const entries = listLibrary(dir);
  const builtin = entries.find((e) => e.name === ref);
  if (builtin) return builtin.file;
  const hint = nearest(ref, entries.map((e) => e.name));
  throw new Error(`unknown ${kind} '${ref}'${hint ? ` (did you mean '${hint}'?)` : ''}; see \`ocpp-sim list ${kind}s\``);
}

/** Resolves `ref` for a loader: an unknown name becomes a ConfigError, like every other problem. */
export function resolveOrConfigError(resolveRef: (ref: string) => string, ref: string): string {
  try {
    return resolveRef(ref);
  } catch (e) {
    throw new ConfigError([{ file: ref, line: 1, col: 1, field: '', message: (e as Error).message }]);
  }
}
