/**
 * The operator API token of `csms` and `demo`: `--api-token`, else the environment variable
 * OCPP_SIM_API_TOKEN (which, unlike a flag, other users cannot read in the process list), else
 * one the CSMS generates and the command prints once, with a curl line ready to paste.
 */
import { apiTokenProblem } from '../csms/api-guard.js';
import type { Csms } from '../csms/server.js';
import { UsageError } from './exit-codes.js';

export const API_TOKEN_ENV = 'OCPP_SIM_API_TOKEN';

/** Where the token came from; `generated` tokens are the only ones printed. */
export type TokenSource = 'flag' | 'env' | 'generated';

/** The token given to the command (checked: a UsageError if it cannot be used), or undefined to generate one. */
export function givenApiToken(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): { token: string | undefined; source: TokenSource } {
  const [token, source, name] = flag !== undefined ? [flag, 'flag', '--api-token'] as const : [env[API_TOKEN_ENV], 'env', API_TOKEN_ENV] as const;
  if (token === undefined || (source === 'env' && token === '')) return { token: undefined, source: 'generated' };
  const problem = apiTokenProblem(token);
  if (problem !== null) throw new UsageError(`${name} ${problem}`);
  return { token, source };
}

/** The operator API's base URL for a curl on this machine (a wildcard bind is reached over loopback). */
export function apiBase(csms: Pick<Csms, 'url'>): string {
  const url = new URL(csms.url.replace(/^ws/, 'http'));
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  return `${url.origin}/api`;
}

/** The `Authorization` header value for examples: the token itself only when it was generated (never echo a given secret). */
export function bearerExample(csms: Pick<Csms, 'apiToken'>, source: TokenSource): string {
  return `Bearer ${source === 'generated' ? csms.apiToken : source === 'env' ? `$${API_TOKEN_ENV}` : '<your --api-token>'}`;
}
