/**
 * A small typed client of a run's control API (/work issue #14; the routes are the contract's):
 * the fleet overview, the charge point list and detail, actions, raw calls and the event stream,
 * each with the run's bearer token. `ctl` and `mcp` use it; `locateRun` finds the run to talk to.
 */
import { findRuns, type RunInfo } from './discovery.js';
import type { ChargePointSummary, ControlEvent, Frame } from './protocol.js';

export type { ChargePointSummary, ControlEvent } from './protocol.js';

/** Env variables naming the run (like the flags `--control URL --token T`). */
export const CONTROL_ENV = 'OCPP_SIM_CONTROL';
export const TOKEN_ENV = 'OCPP_SIM_TOKEN';

export interface FleetOverview {
  total: number;
  booted: number;
  online: number;
  byState: Record<string, number>;
  connectors: Record<string, number>;
  transactions: { active: number; started: number; completed: number };
  rates: { messagesPerSec: number };
  latency: { p95Ms: number | null };
  errors: number;
  elapsedMs: number;
  ocpp: string[];
  manualActions: Record<string, number>;
}

export type ChargePointDetail = ChargePointSummary & { frames: Frame[] };

export interface ChargePointPage {
  total: number;
  offset: number;
  items: ChargePointSummary[];
}

export interface ActResult {
  identity: string;
  ok: boolean;
  error?: string;
  answer?: unknown;
  callError?: { code: string; description: string; details?: unknown };
}

export interface ActReply {
  matched: number;
  results: ActResult[];
  /** The HTTP status: 200, or why the lone charge point could not (400 invalid input, 409 not in this state, 504 no answer). */
  status: number;
}

export interface ListQuery {
  q?: string;
  state?: string;
  profile?: string;
  fleet?: number;
  offset?: number;
  limit?: number;
}

/** The API said no (or could not be reached: status 0): its HTTP status, error code and description. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(status === 0 ? description : `${status} ${code}: ${description}`);
    this.name = 'ControlError';
  }
}

/** No run to talk to (none or several found, no token): a usage problem of `ctl` / `mcp`. */
export class RunNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunNotFound';
  }
}

/** Where a run's control API is and its token. */
export interface RunAddress {
  url: string;
  token: string;
}

export class ControlClient {
  readonly base: string;

  constructor(
    run: RunAddress,
    private readonly timeoutMs = 120_000,
  ) {
    const url = new URL(run.url);
    this.base = url.origin;
    this.token = run.token;
  }

  private readonly token: string;

  fleet(): Promise<FleetOverview> {
    return this.json('GET', '/api/fleet');
  }

  list(query: ListQuery = {}): Promise<ChargePointPage> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return this.json('GET', `/api/charge-points${qs ? `?${qs}` : ''}`);
  }

  detail(identity: string): Promise<ChargePointDetail> {
    return this.json('GET', `/api/charge-points/${encodeURIComponent(identity)}`);
  }

  /** An action on one charge point, a glob or `*`; a reply whose results say which failed (also on a 4xx that carries results). */
  act(target: string, action: string, args: Record<string, unknown> = {}): Promise<ActReply> {
    return this.json('POST', `/api/charge-points/${encodeURIComponent(target)}/${encodeURIComponent(action)}`, args, true);
  }

  /** Any OCPP call of the charge point's version; the CSMS's answer (or CALLERROR) is in results[0]. */
  send(identity: string, action: string, payload: unknown): Promise<ActReply> {
    return this.act(identity, 'send', { action, payload });
  }

  /** The event stream (Server-Sent Events read from fetch, so the token goes in a header); ends when `signal` aborts. */
  async *events(opts: { q?: string; types?: string[]; signal?: AbortSignal } = {}): AsyncGenerator<ControlEvent> {
    const params = new URLSearchParams();
    if (opts.q) params.set('q', opts.q);
    if (opts.types && opts.types.length > 0) params.set('types', opts.types.join(','));
    const qs = params.toString();
    const res = await this.request('GET', `/api/events${qs ? `?${qs}` : ''}`, undefined, opts.signal, 'text/event-stream');
    if (!res.ok) throw await errorOf(res);
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    let data: string[] = [];
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            // A blank line ends an event (the SSE format); comments (`:` keep-alives) carry none.
            if (data.length > 0) {
              const event = parseEvent(data.join('\n'));
              data = [];
              if (event) yield event;
            }
          } else if (line.startsWith('data:')) {
            data.push(line.slice(5).replace(/^ /, ''));
          }
        }
      }
    } catch (e) {
      if (opts.signal?.aborted) return;
      throw e;
    }
  }

  private async json<T>(method: string, path: string, body?: unknown, resultsOnError = false): Promise<T> {
    const res = await this.request(method, path, body, AbortSignal.timeout(this.timeoutMs));
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ControlError(res.status, 'BadReply', `not JSON: ${text.slice(0, 200)}`);
    }
    if (resultsOnError && isActReply(parsed)) return { ...parsed, status: res.status } as T;
    if (res.ok) return parsed as T;
    throw errorFromBody(res.status, parsed);
  }

  private async request(method: string, path: string, body: unknown, signal: AbortSignal | undefined, accept = 'application/json'): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError') throw new ControlError(0, 'Timeout', `${this.base} did not answer ${method} ${path} in ${this.timeoutMs / 1000} s`);
      if (err.name === 'AbortError') throw err;
      const why = err.cause?.code ?? err.cause?.message ?? err.message;
      throw new ControlError(0, 'Unreachable', `cannot reach the control API at ${this.base} (${why}): is the run still going?`);
    }
  }
}

function isActReply(v: unknown): v is ActReply {
  return typeof v === 'object' && v !== null && Array.isArray((v as ActReply).results) && typeof (v as ActReply).matched === 'number';
}

function errorFromBody(status: number, body: unknown): ControlError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; description?: unknown };
  return new ControlError(status, typeof b.error === 'string' ? b.error : `HTTP${status}`, typeof b.description === 'string' ? b.description : '');
}

async function errorOf(res: Response): Promise<ControlError> {
  const text = await res.text().catch(() => '');
  try {
    return errorFromBody(res.status, JSON.parse(text));
  } catch {
    return new ControlError(res.status, `HTTP${res.status}`, text.slice(0, 200));
  }
}

function parseEvent(data: string): ControlEvent | null {
  try {
    const v = JSON.parse(data) as unknown;
    return typeof v === 'object' && v !== null && typeof (v as ControlEvent).type === 'string' ? (v as ControlEvent) : null;
  } catch {
    return null;
  }
}

/** The run named by flags or env, else the only run announced on this machine. */
export interface LocateOptions {
  control?: string;
  token?: string;
  env?: NodeJS.ProcessEnv;
  runs?: () => RunInfo[];
}

/**
 * Finds the run to talk to: `--control URL` (or OCPP_SIM_CONTROL; a `#token=…` fragment, as printed at
 * start, counts as the token) with `--token` (or OCPP_SIM_TOKEN, or the announced run at that URL);
 * else exactly one run announced on this machine. Throws RunNotFound saying what to do otherwise.
 */
export function locateRun(opts: LocateOptions = {}): RunAddress {
  const env = opts.env ?? process.env;
  const runs = opts.runs ?? findRuns;
  const given = opts.control ?? (env[CONTROL_ENV] || undefined);
  const givenToken = opts.token ?? (env[TOKEN_ENV] || undefined);
  if (given !== undefined) {
    let url: URL;
    try {
      url = new URL(given);
    } catch {
      throw new RunNotFound(`the control URL '${given}' is not a URL: give e.g. http://127.0.0.1:8100 (as printed at the run's start)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RunNotFound(`the control URL '${given}' must be http:// or https://`);
    const fragment = /(?:^#|&)token=([^&]+)/.exec(url.hash)?.[1];
    const token = givenToken ?? (fragment === undefined ? undefined : decodeURIComponent(fragment)) ?? runs().find((r) => new URL(r.url).origin === url.origin)?.token;
    if (token === undefined) throw new RunNotFound(`no token for ${url.origin}: give --token T or set ${TOKEN_ENV} (the run printed it at start)`);
    return { url: url.origin, token };
  }
  const found = runs();
  if (found.length === 1) return { url: found[0].url, token: givenToken ?? found[0].token };
  if (found.length === 0) {
    throw new RunNotFound(`no run with a control port on this machine: start one with \`ocpp-sim run … --control-port 0\`, or give --control URL --token T (or ${CONTROL_ENV} / ${TOKEN_ENV})`);
  }
  const list = found.map((r) => `  ${r.url} (pid ${r.pid}, started ${r.startedAt})`).join('\n');
  throw new RunNotFound(`${found.length} runs with a control port on this machine; pick one with --control URL:\n${list}`);
}
