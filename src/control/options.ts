/**
 * The control API's flags on `run` (--control-port, --control-host, --control-token; env
 * OCPP_SIM_CONTROL_TOKEN), checked: a token that could not be a bearer token is a usage error.
 */
import { apiTokenProblem } from '../csms/api-guard.js';

export const CONTROL_TOKEN_ENV = 'OCPP_SIM_CONTROL_TOKEN';

export interface ControlOptions {
  port: number;
  host: string;
  /** Given (flag or env); undefined = generated at start. */
  token?: string;
  /** Where the token came from: only a generated one is printed. */
  tokenSource: 'flag' | 'env' | 'generated';
}

/** The control options of `run`, or undefined without --control-port. Throws Error with a usage message. */
export function controlOptionsFrom(args: { 'control-port'?: number; 'control-host'?: string; 'control-token'?: string }, env: NodeJS.ProcessEnv = process.env): ControlOptions | undefined {
  const port = args['control-port'];
  if (port === undefined) {
    if (args['control-token'] !== undefined) throw new Error('--control-token needs --control-port');
    return undefined;
  }
  const host = args['control-host'] ?? '127.0.0.1';
  const [token, tokenSource, name] =
    args['control-token'] !== undefined ? ([args['control-token'], 'flag', '--control-token'] as const) : ([env[CONTROL_TOKEN_ENV] || undefined, 'env', CONTROL_TOKEN_ENV] as const);
  if (token === undefined) return { port, host, tokenSource: 'generated' };
  const problem = apiTokenProblem(token);
  if (problem !== null) throw new Error(`${name} ${problem}`);
  return { port, host, token, tokenSource };
}
