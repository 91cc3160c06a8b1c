/**
 * The operator HTTP API, served on the CSMS's own HTTP server to loopback clients that send its
 * token, with a local Host and no foreign Origin (api-guard.ts: 403 or 401 otherwise). JSON in and
 * out:
 *
 * - `GET  /api/charge-points` → `[{identity, protocol, booted, connectedAt, vendor, model}]`
 * - `POST /api/charge-points/:identity/:action[?timeout=ms]` with the request payload as the body
 *   sends the action in the charge point's own version (a 1.6 call to a 1.6 connection, a 2.0.1
 *   call to a 2.0.1 one) → 200 `{result}` (the CALLRESULT payload); 502 `{error: {code,
 *   description}}` on CALLERROR, timeout or an invalid CALLRESULT; 404 for an identity that is not
 *   connected; 400 for an identity outside the OCPP rule (util/identity.ts), invalid JSON, an action
 *   the CSMS may not initiate in the charge point's version, or a payload that fails that version's
 *   request schema (we never send a charge point a schema-invalid CALL).
 * - the same POST with `*` as the identity sends the call to every booted charge point at once (a
 *   firmware campaign, a local list for the fleet) whose version has the action and accepts the
 *   payload → 200 `{ok, failed, results: {<identity>: {result} | {error}}}`, plus `skipped:
 *   {<subprotocol>: {chargePoints, reason}}` when booted charge points of a version were left out
 *   (1.6 and 2.0.1 payloads of one action differ: send one request per version).
 * - `GET  /api/stats` → the {@link CsmsStats} object.
 *
 * With `csms --processes N` (cluster/) every route covers every process: {@link CsmsCore.fleet}
 * asks them all; 503 `ClusterUnavailable` when some could not answer.
 *
 * An action the CSMS initiates in none of its versions, or a payload no version having the action
 * accepts, is a 400 before anything else, whatever the identity.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { identityProblem } from '../util/identity.js';
import type { Connection } from './connection.js';
import type { CsmsCore } from './core.js';
import { apiRefusal, WWW_AUTHENTICATE } from './api-guard.js';
import { CsmsCallError, callIdentity } from './outbound.js';
import type { VersionBinding } from './versions.js';

/** Largest request body accepted. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The longest `?timeout=` an operator call may ask for. */
const MAX_TIMEOUT_MS = 10 * 60_000;

/** Handles one HTTP request on the CSMS server. */
export function handleApiRequest(core: CsmsCore, req: IncomingMessage, res: ServerResponse): void {
  const refusal = apiRefusal(req, core.settings.api);
  if (refusal !== null) {
    if (refusal.status === 401) res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
    sendJson(res, refusal.status, { error: { code: refusal.code, description: refusal.description } });
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.split('/').filter((part) => part !== '');
  if (parts[0] !== 'api') {
    sendJson(res, 404, { error: { code: 'NotFound', description: 'The operator API lives under /api/' } });
    return;
  }
  if (parts.length === 2 && parts[1] === 'stats') {
    if (allow(req, res, 'GET')) answer(res, core.fleet === null ? core.stats : core.fleet.stats());
    return;
  }
  if (parts.length === 2 && parts[1] === 'charge-points') {
    if (allow(req, res, 'GET')) answer(res, core.fleet === null ? listChargePoints(core) : core.fleet.chargePoints());
    return;
  }
  if (parts.length === 4 && parts[1] === 'charge-points') {
    if (allow(req, res, 'POST')) void operatorCall(core, req, res, parts[2]!, parts[3]!, url.searchParams.get('timeout'));
    return;
  }
  sendJson(res, 404, { error: { code: 'NotFound', description: `No route ${req.method} ${url.pathname}` } });
}

/**
 * The operator API's view of a CSMS spread over several processes (cluster/): each operation over
 * every process. Null in `CsmsCore.fleet` means this process is the whole CSMS.
 */
export interface ApiFleet {
  stats(): Promise<unknown>;
  chargePoints(): Promise<object[]>;
  /** A call to one identity, wherever it is connected: the HTTP status and body {@link localCall} gives there. */
  call(identity: string, action: string, payload: unknown, timeoutMs: number): Promise<{ status: number; body: object }>;
  /** The `*` call on every process, merged. */
  broadcast(action: string, payload: unknown, timeoutMs: number): Promise<object>;
}

/** Sends a body that may still be coming from other processes (503 when they could not give it). */
function answer(res: ServerResponse, body: unknown): void {
  if (!(body instanceof Promise)) return sendJson(res, 200, body);
  body.then(
    (b: unknown) => sendJson(res, 200, b),
    (error: unknown) => sendJson(res, 503, { error: { code: 'ClusterUnavailable', description: String((error as Error).message ?? error) } }),
  );
}

/** Every charge point connected to this process, as `GET /api/charge-points` lists them. */
export function listChargePoints(core: CsmsCore): object[] {
  const list: object[] = [];
  for (const conn of core.conns.values()) {
    list.push({
      identity: conn.identity,
      protocol: conn.binding.subprotocol,
      booted: conn.registration?.booted ?? false,
      connectedAt: new Date(conn.connectedAt).toISOString(),
      vendor: conn.registration?.vendor ?? null,
      model: conn.registration?.model ?? null,
    });
  }
  return list;
}

async function operatorCall(
  core: CsmsCore,
  req: IncomingMessage,
  res: ServerResponse,
  rawIdentity: string,
  action: string,
  timeoutParam: string | null,
): Promise<void> {
  let identity: string;
  try {
    identity = decodeURIComponent(rawIdentity);
  } catch {
    return badRequest(res, 'BadIdentity', 'The identity in the path is not valid percent-encoding');
  }
  const problem = identity === '*' ? null : identityProblem(identity);
  if (problem !== null) return badRequest(res, 'BadIdentity', `The identity ${problem}`);
  const versions = core.settings.versions;
  if (!versions.some((v) => v.csmsActions.has(action))) {
    return badRequest(res, 'UnsupportedAction', `${action} is not an OCPP ${versionNames(versions)} action the CSMS initiates`);
  }
  let timeoutMs = core.settings.callTimeoutMs;
  if (timeoutParam !== null) {
    timeoutMs = Number(timeoutParam);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
      return badRequest(res, 'BadTimeout', `timeout must be an integer from 1 to ${MAX_TIMEOUT_MS} (ms)`);
    }
  }
  let payload: unknown;
  try {
    const body = await readBody(req);
    payload = JSON.parse(body.length === 0 ? '{}' : body);
  } catch (error) {
    if (error instanceof BodyTooLarge) return sendJson(res, 413, { error: { code: 'TooLarge', description: error.message } });
    return badRequest(res, 'InvalidJson', `The body is not valid JSON: ${(error as Error).message}`);
  }
  const refusals = refusalsOf(core, action, payload);
  if (versions.every((v) => refusals.get(v) !== null)) {
    // No version takes this call: the schema violation of the version(s) having the action.
    const having = versions.filter((v) => v.csmsActions.has(action));
    const first = refusals.get(having[0])!;
    const description = `${action} request is schema-invalid: ${having.map((v) => refusals.get(v)!.message).join('; ')}`;
    return badRequest(res, first.code, description);
  }
  const fleet = core.fleet;
  try {
    if (identity === '*') {
      return sendJson(res, 200, await (fleet === null ? broadcast(core, action, payload, timeoutMs, refusals) : fleet.broadcast(action, payload, timeoutMs)));
    }
    const { status, body } = await (fleet === null ? localCall(core, identity, action, payload, timeoutMs, refusals) : fleet.call(identity, action, payload, timeoutMs));
    sendJson(res, status, body);
  } catch (error) {
    sendJson(res, 503, { error: { code: 'ClusterUnavailable', description: String((error as Error).message ?? error) } });
  }
}

/** The refusal of `action` with `payload` per version this CSMS speaks. */
export function refusalsOf(core: CsmsCore, action: string, payload: unknown): Map<VersionBinding, Unfit | null> {
  return new Map(core.settings.versions.map((v) => [v, refusal(v, action, payload)]));
}

/** A call to `identity` if it is connected to this process: the HTTP status and body to answer with. */
export async function localCall(
  core: CsmsCore,
  identity: string,
  action: string,
  payload: unknown,
  timeoutMs: number,
  refusals: ReadonlyMap<VersionBinding, Unfit | null> = refusalsOf(core, action, payload),
): Promise<{ status: number; body: object }> {
  const conn = core.conns.get(identity);
  if (conn === undefined) return { status: 404, body: { error: { code: 'UnknownIdentity', description: `No charge point ${identity} is connected` } } };
  const unfit = refusals.get(conn.binding);
  if (unfit != null) return { status: 400, body: { error: { code: unfit.code, description: `${identity} speaks ${conn.binding.subprotocol}: ${unfit.message}` } } };
  const outcome = await callOne(core, identity, action, payload, timeoutMs);
  if ('result' in outcome) return { status: 200, body: outcome };
  return { status: outcome.error.code === 'UnknownIdentity' ? 404 : 502, body: outcome };
}

/** Why a call cannot go to the charge points of one version: an error code for the operator and a reason. */
export interface Unfit {
  code: string;
  message: string;
}

/** Why `action` with `payload` cannot go to a charge point of version `v`, or null when it can. */
function refusal(v: VersionBinding, action: string, payload: unknown): Unfit | null {
  if (!v.csmsActions.has(action)) return { code: 'UnsupportedAction', message: `${action} is not an OCPP ${v.version} action the CSMS initiates` };
  const violation = v.validator.request(action, payload);
  return violation === null ? null : { code: violation.code, message: `OCPP ${v.version}: ${violation.message}` };
}

/** `1.6 or 2.0.1`: the versions, for messages. */
function versionNames(versions: readonly VersionBinding[]): string {
  return versions.map((v) => v.version).join(' or ');
}

type Outcome = { result: unknown } | { error: { code: string; description: string; details?: unknown } };

async function callOne(core: CsmsCore, identity: string, action: string, payload: unknown, timeoutMs: number): Promise<Outcome> {
  try {
    return { result: await callIdentity(core, identity, action, payload, timeoutMs) };
  } catch (error) {
    const e = error instanceof CsmsCallError ? error : new CsmsCallError('InternalError', String(error));
    return { error: { code: e.code, description: e.message, details: e.details } };
  }
}

/**
 * The same call to every booted charge point whose version takes it, all at once; each one's answer
 * or error, and per version the booted charge points left out and why.
 */
export async function broadcast(
  core: CsmsCore,
  action: string,
  payload: unknown,
  timeoutMs: number,
  refusals: ReadonlyMap<VersionBinding, Unfit | null> = refusalsOf(core, action, payload),
): Promise<object> {
  const identities: string[] = [];
  const skipped: Record<string, { chargePoints: number; reason: string }> = {};
  for (const conn of core.conns.values()) {
    // Booted on this connection or an earlier one: none is sent after a reconnect (OCPP-J 1.6 §5.4).
    if (!conn.registration?.booted) continue;
    const unfit = refusals.get(conn.binding);
    if (unfit == null) identities.push(conn.identity);
    else skip(skipped, conn, unfit);
  }
  const outcomes = await Promise.all(identities.map((id) => callOne(core, id, action, payload, timeoutMs)));
  const results: Record<string, Outcome> = {};
  let ok = 0;
  outcomes.forEach((o, i) => {
    results[identities[i]] = o;
    if ('result' in o) ok++;
  });
  const answer: Record<string, unknown> = { ok, failed: identities.length - ok, results };
  if (Object.keys(skipped).length > 0) answer.skipped = skipped;
  return answer;
}

function skip(skipped: Record<string, { chargePoints: number; reason: string }>, conn: Connection, unfit: Unfit): void {
  const entry = (skipped[conn.binding.subprotocol] ??= { chargePoints: 0, reason: unfit.message });
  entry.chargePoints++;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge(`The body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function allow(req: IncomingMessage, res: ServerResponse, method: string): boolean {
  if (req.method === method) return true;
  res.setHeader('Allow', method);
  sendJson(res, 405, { error: { code: 'MethodNotAllowed', description: `Use ${method}` } });
  return false;
}

function badRequest(res: ServerResponse, code: string, description: string): void {
  sendJson(res, 400, { error: { code, description } });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
