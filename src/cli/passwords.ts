/**
 * Per-charge-point credentials (HTTP Basic auth, security profile 1) from the file of `run
 * --passwords` and `csms --passwords`: a JSON object `{"CP001": "secret"}`, or lines
 * `CP001,secret` (the password is the rest of the line; blank lines and `#` comments are skipped).
 * Identities follow the OCPP rule (util/identity.ts) and passwords are non-empty strings. Errors
 * name the file and line but never a password, and never echo the file's text.
 */
import { identityProblem } from '../util/identity.js';
import { printable } from '../util/printable.js';
import { UsageError } from './exit-codes.js';
import { readFlagFile } from './read-file.js';
import { MAX_PASSWORDS_BYTES } from '../config/bounds.js';

/** The identity → password map of `path`; a UsageError (exit 2) for anything wrong in it. */
export function readPasswords(path: string, flag = '--passwords'): Record<string, string> {
  const text = readFlagFile(path, flag, MAX_PASSWORDS_BYTES);
  return text.trimStart().startsWith('{') ? fromJson(text, path, flag) : fromLines(text, path, flag);
}

function fromJson(text: string, path: string, flag: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    // V8's message may quote the text (and so a password): keep only where it went wrong.
    const at = /at position (\d+)/.exec((e as Error).message);
    throw new UsageError(`${flag} ${path}${at ? `:${lineColumn(text, Number(at[1]))}` : ''}: not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${flag} ${path}: expected a JSON object {"<identity>": "<password>", …}`);
  }
  for (const [identity, password] of Object.entries(parsed)) check(identity, password, `${flag} ${path}`);
  return parsed as Record<string, string>;
}

function fromLines(text: string, path: string, flag: string): Record<string, string> {
  // No prototype: an identity such as `__proto__` is just a key.
  const out = Object.create(null) as Record<string, string>;
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.startsWith('#')) return;
    const comma = line.indexOf(',');
    if (comma < 1) throw new UsageError(`${flag} ${path}:${i + 1}: expected "<identity>,<password>"`);
    const identity = line.slice(0, comma).trim();
    const password = line.slice(comma + 1);
    check(identity, password, `${flag} ${path}:${i + 1}`);
    out[identity] = password;
  });
  return out;
}

function check(identity: string, password: unknown, where: string): void {
  const problem = identityProblem(identity);
  if (problem !== null) throw new UsageError(`${where}: identity '${printable(identity.slice(0, 60))}' ${problem}`);
  if (typeof password !== 'string' || password === '') throw new UsageError(`${where}: the password of ${identity} must be a non-empty string`);
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}
