/**
 * The control API's HTTP server (`ocpp-sim run --control-port P`): the REST routes and event stream of
 * the contract (README "Driving a running fleet by hand"), behind the operator API's guard
 * (csms/api-guard.ts: loopback peer, Host, Origin, bearer token), and the web page's static files,
 * which carry no data and need no token. Nothing of it exists unless the port is asked for.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiRefusal, generateApiToken, WWW_AUTHENTICATE, type ApiAccess } from '../csms/api-guard.js';
import { CP_STATES } from '../metrics/shard-stats.js';
import type { Fleet } from '../scheduler/fleet.js';
import { isExactIdentity } from './glob.js';
import { ActionError, checkArgs } from './station-actions.js';
import { EventHub } from './event-hub.js';
import { MAX_LIMIT, type ActResult, type ControlFilter } from './protocol.js';
import { arithmeticWindow, needsNoRank } from './places.js';

export interface ControlServerOptions {
  fleet: Fleet;
  /** 0 = any free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The bearer token; generated when absent. */
  token?: string;
  /** Charge points the run was asked for, per fleet of its plan (one for a single fleet). */
  fleetSizes: readonly number[];
  /** When the simulation started (ms epoch), once it has. */
  startedAt: () => number | undefined;
}

export interface ControlServer {
  /** `http://host:port` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** The page's folder: beside this module (sources), or the sources' from the build. */
function pageDir(): string {
  for (const rel of ['./page/', '../../src/control/page/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  return fileURLToPath(new URL('./page/', import.meta.url));
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const CODE_OF: Record<number, string> = { 400: 'BadRequest', 404: 'NotFound', 409: 'Conflict', 504: 'Timeout' };

export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? generateApiToken();
  const access: ApiAccess = { token, host, scheme: 'http:' };
  const page = pageDir();
  const hub = new EventHub(opts.fleet);
  const rate = { at: 0, messages: 0, perSec: 0 };
  const total = opts.fleetSizes.reduce((n, size) => n + size, 0);

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message);
      sendError(res, 500, 'InternalError', e.message);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (!path.startsWith('/api/')) return serveStatic(req, res, path);
    const refusal = apiRefusal(req, access);
    if (refusal !== null) {
      if (refusal.status === 401) res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
      return sendError(res, refusal.status, refusal.code, refusal.description);
    }
    const parts = path.slice('/api/'.length).split('/').map(decodeURIComponent);
    if (parts[0] === 'fleet' && parts.length === 1) {
      allow(req, 'GET');
      return sendJson(res, 200, await fleetFigures());
    }
    if (parts[0] === 'events' && parts.length === 1) {
      allow(req, 'GET');
      return hub.subscribe(req, res, url.searchParams);
    }
    if (parts[0] === 'charge-points') {
      if (parts.length === 1) {
        allow(req, 'GET');
        const offset = intParam(url, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
        const limit = intParam(url, 'limit', 0, MAX_LIMIT, 100);
        const filter = filterOf(url);
        const window = needsNoRank(filter) ? arithmeticWindow(opts.fleetSizes, filter.fleet, offset, limit) : await ranked(filter, offset, limit);
        const page = window.places.length === 0 ? { kind: 'summaries', items: [] } : await opts.fleet.control({ kind: 'summaries', places: window.places });
        if (page.kind !== 'summaries') throw new Error('unexpected reply');
        return sendJson(res, 200, { total: window.total, offset, items: page.items });
      }
      if (parts.length === 2) {
        allow(req, 'GET');
        const reply = await opts.fleet.control({ kind: 'detail', identity: parts[1] });
        if (reply.kind !== 'detail' || reply.item === null) throw new HttpError(404, 'NotFound', `No charge point ${parts[1]}`);
        return sendJson(res, 200, reply.item);
      }
      if (parts.length === 3) {
        allow(req, 'POST');
        return act(res, parts[1], parts[2], url, await readJson(req));
      }
    }
    throw new HttpError(404, 'NotFound', `No route ${req.method} ${path}`);
  }

  /** The shards' ranking of the charge points `filter` keeps: their total and the places of the window. */
  async function ranked(filter: ControlFilter, offset: number, limit: number): Promise<{ total: number; places: number[] }> {
    const rank = await opts.fleet.control({ kind: 'rank', filter, want: offset + limit });
    if (rank.kind !== 'rank') throw new Error('unexpected reply');
    return { total: rank.total, places: rank.places.slice(2 * offset) };
  }

  async function act(res: ServerResponse, target: string, action: string, url: URL, args: Record<string, unknown>): Promise<void> {
    try {
      checkArgs(action, args);
    } catch (e) {
      if (e instanceof ActionError) throw new HttpError(e.status, CODE_OF[e.status], e.message);
      throw e;
    }
    const filter = { ...filterOf(url), q: target };
    if (action === 'send') {
      // One charge point only: a raw call's answer is one charge point's.
      const found = await opts.fleet.control({ kind: 'rank', filter, want: 0 });
      const n = found.kind === 'rank' ? found.total : 0;
      if (n === 0) throw new HttpError(404, 'NotFound', `No charge point matches ${target}`);
      if (n > 1 || !isExactIdentity(target)) throw new HttpError(400, 'BadRequest', `send goes to one charge point: name it exactly (${target} matches ${n})`);
    }
    const reply = await opts.fleet.control({ kind: 'act', filter, action, args });
    if (reply.kind !== 'act') throw new Error('unexpected reply');
    if (reply.matched === 0) throw new HttpError(404, 'NotFound', `No charge point matches ${target}`);
    const results = reply.results.map(publicResult);
    const lone = reply.matched === 1 ? reply.results[0] : undefined;
    if (lone !== undefined && !lone.ok && lone.status !== undefined) {
      // One charge point that could not: the HTTP status says why (409 not in this state, 504 no answer…).
      return sendJson(res, lone.status, { error: CODE_OF[lone.status] ?? 'Conflict', description: lone.error, matched: 1, results });
    }
    sendJson(res, 200, { matched: reply.matched, results });
  }

  async function fleetFigures(): Promise<object> {
    const { fleet } = opts;
    fleet.refresh();
    const stats = fleet.stats;
    const overview = await fleet.control({ kind: 'overview' });
    const states = stats.states();
    const now = Date.now();
    const messages = stats.total('messagesIn') + stats.total('messagesOut');
    // The message rate over the last second or more (between this request and an earlier one).
    if (rate.at === 0) {
      const t0 = opts.startedAt();
      rate.perSec = t0 === undefined || now <= t0 ? 0 : (messages * 1000) / (now - t0);
      rate.at = now;
      rate.messages = messages;
    } else if (now - rate.at >= 1000) {
      rate.perSec = ((messages - rate.messages) * 1000) / (now - rate.at);
      rate.at = now;
      rate.messages = messages;
    }
    const t0 = opts.startedAt();
    return {
      total,
      booted: stats.total('chargePointsBooted'),
      online: states.connected + states.booted + states.charging + states.faulted,
      byState: states,
      connectors: overview.kind === 'overview' ? overview.connectors : {},
      transactions: { active: stats.total('transactionsActive'), started: stats.total('transactionsStarted'), completed: stats.total('transactionsCompleted') },
      rates: { messagesPerSec: Math.round(rate.perSec * 10) / 10 },
      latency: { p95Ms: stats.latencyMs('*', 0.95) ?? null },
      errors: stats.errorCount(),
      elapsedMs: t0 === undefined ? 0 : now - t0,
      ocpp: [...stats.protocols().keys()],
      manualActions: stats.manualActions(),
    };
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'MethodNotAllowed', 'Use GET');
    const rel = path === '/' ? 'index.html' : path.startsWith('/assets/') ? decodeURIComponent(path.slice(1)) : null;
    if (rel === null) throw new HttpError(404, 'NotFound', `No page ${path}`);
    const file = resolve(page, rel);
    if (!file.startsWith(page.endsWith(sep) ? page : page + sep) || !existsSync(file) || !statSync(file).isFile()) throw new HttpError(404, 'NotFound', `No page ${path}`);
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    token,
    async close() {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function filterOf(url: URL): ControlFilter {
  const p = url.searchParams;
  const filter: ControlFilter = {};
  const q = p.get('q');
  if (q !== null && q !== '') filter.q = q;
  const state = p.get('state');
  if (state !== null && state !== '') {
    if (!(CP_STATES as readonly string[]).includes(state)) throw new HttpError(400, 'BadRequest', `state must be one of ${CP_STATES.join(', ')}`);
    filter.state = state;
  }
  const profile = p.get('profile');
  if (profile !== null && profile !== '') filter.profile = profile;
  if (p.get('fleet') !== null && p.get('fleet') !== '') filter.fleet = intParam(url, 'fleet', 0, 10_000, 0);
  return filter;
}

function intParam(url: URL, name: string, min: number, max: number, fallback: number): number {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new HttpError(400, 'BadRequest', `${name} must be a whole number from ${min} to ${max}`);
  return n;
}

function allow(req: IncomingMessage, method: string): void {
  if (req.method !== method) throw new HttpError(405, 'MethodNotAllowed', `Use ${method}`);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'PayloadTooLarge', `The body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'BadRequest', `The body is not JSON: ${(e as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'BadRequest', 'The body must be a JSON object of the action\'s arguments');
  return body as Record<string, unknown>;
}

function publicResult(r: ActResult): object {
  const { fleet: _f, position: _p, status: _s, ...rest } = r;
  return rest;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, description: string): void {
  if (res.headersSent) return void res.end();
  sendJson(res, status, { error: code, description });
}
