/**
 * Socket listeners: module-level functions shared by every station, reaching their station through
 * a symbol on the socket, so no closures are allocated per connection (ws's own pattern).
 */
import type { WebSocket } from 'ws';
import { T } from '../metrics/shard-stats.js';
import { Link, type Station } from './station.js';
import { Setting } from './settings.js';

/** Node's TLS errors about the server's certificate (Security Whitepaper: InvalidCentralSystemCertificate). */
const CERTIFICATE_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;
/** How Node and OpenSSL say the server offers only TLS versions below our minimum, 1.2 (as a code, or EPROTO's message). */
const TLS_VERSION_CODES = /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/;
const TLS_VERSION_ERRORS = /alert protocol version|unsupported protocol/i;

const kStation = Symbol('station');

/** Wires a new socket to its station. */
export function attachSocket(st: Station, ws: WebSocket): void {
  (ws as unknown as Record<symbol, Station>)[kStation] = st;
  ws.on('open', socketOnOpen);
  ws.on('message', socketOnMessage);
  ws.on('close', socketOnClose);
  ws.on('error', socketOnError);
  ws.on('unexpected-response', socketOnUnexpectedResponse);
  ws.on('pong', socketOnPong);
}

function stationOf(ws: unknown): Station {
  return (ws as Record<symbol, Station>)[kStation];
}

function socketOnOpen(this: WebSocket): void {
  const st = stationOf(this);
  if (st.security !== null) {
    st.security.linkEvent = null; // the outage is over
    st.security.fallback = null; // connected with the new security profile: no way back (A05.FR.09)
    st.security.clientTrial = null; // the renewed client certificate works: the previous one goes (2.0.1 A02.FR.10)
  }
  st.onOpen(st.ctx.now());
}

function socketOnMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  const st = stationOf(this);
  if (isBinary) {
    // OCPP-J uses text frames only (§3.2); a binary frame is a protocol error we count and skip.
    st.ctx.stats.totals[T.BadFrames]++;
    st.ctx.stats.problem(`${st.identity}: binary frame from CSMS ignored`);
    return;
  }
  st.onFrame(data.toString(), st.ctx.now());
}

function socketOnPong(this: WebSocket): void {
  stationOf(this).awaitingPong = false;
}

function socketOnClose(this: WebSocket): void {
  const st = stationOf(this);
  if (st.ws === this) st.onClosed(st.ctx.now());
}

function socketOnError(this: WebSocket, err: Error & { code?: string }): void {
  const st = stationOf(this);
  if (st.link !== Link.Connecting) return;
  connectFailed(st, err.code ?? 'error', err.message);
  attemptFailed(st);
  if (!err.code) return;
  if (CERTIFICATE_ERRORS.test(err.code)) linkEvent(st, 'InvalidCentralSystemCertificate', err.code);
  // Whitepaper A00.FR.315/419: a Central System that only allows TLS below 1.2 is an InvalidTLSVersion event.
  else if (TLS_VERSION_CODES.test(err.code) || (err.code === 'EPROTO' && TLS_VERSION_ERRORS.test(err.message))) linkEvent(st, 'InvalidTLSVersion', 'the Central System offers no TLS version >= 1.2');
}

function socketOnUnexpectedResponse(this: WebSocket, _req: unknown, res: { statusCode?: number }): void {
  const st = stationOf(this);
  connectFailed(st, `HTTP ${res.statusCode}`, `CSMS refused the WebSocket upgrade with HTTP ${res.statusCode}`);
  attemptFailed(st);
  if (res.statusCode === 401) linkEvent(st, 'FailedToAuthenticateAtCentralSystem', 'HTTP 401');
  this.terminate();
}

/**
 * A connection attempt failed: counted by cause (the run's summary and its "unreachable" verdict name
 * the causes, cli/unreachable.ts); the first of each cause in a shard is also a problem line, so ten
 * thousand refused connections do not make ten thousand lines.
 */
export function connectFailed(st: Station, cause: string, message: string): void {
  if (st.ctx.stats.connectError(cause, message)) st.ctx.stats.problem(`${st.identity}: ${message}`);
}

/**
 * A connection attempt failed: new settings on trial count it — a security or network profile the
 * charge point was moved to (fallBackIfStuck), a renewed client certificate (2.0.1 A02.FR.28, settled
 * in ocpp201/security/client-certificate-trial.ts).
 */
function attemptFailed(st: Station): void {
  const sec = st.security;
  if (sec === null) return;
  if (sec.fallback) fallBackIfStuck(st);
  if (sec.clientTrial) sec.clientTrial.failures++;
}

/**
 * Scenario `network: {fail: next}` (a security-profile upgrade test driven from the charge point side):
 * while the charge point tries new connection settings — a security or network profile it was moved to
 * (A05, B10), or a renewed client certificate (2.0.1 A02.FR.28) — each attempt fails as if that CSMS
 * were unreachable, until it falls back to the settings that worked; then the step is spent. True when
 * this attempt is such a failure (the caller then opens no socket).
 */
export function failsOnPurpose(st: Station): boolean {
  const sec = st.security;
  if (!sec?.failNext) return false;
  const trying = sec.fallback !== null || (sec.clientTrial != null && sec.clientTrial.failures < sec.clientTrial.attempts);
  if (!trying) {
    if (sec.failNext === 'failing') sec.failNext = null; // fell back: done
    return false;
  }
  sec.failNext = 'failing';
  connectFailed(st, 'scenario-unreachable', 'scenario `network: {fail: next}`: the CSMS of the new connection settings is unreachable');
  attemptFailed(st);
  return true;
}

/** Failed attempts with a new security profile before the charge point goes back to the previous one. */
const FALLBACK_AFTER_FAILURES = 3;

/**
 * A05.FR.08: a charge point that cannot connect with the security profile it was upgraded to SHOULD
 * fall back to its previous settings, so it does not cut itself off from the Central System.
 */
function fallBackIfStuck(st: Station): void {
  const sec = st.security!;
  const fallback = sec.fallback!;
  // 2.0.1 says how many: OCPPCommCtrlr.NetworkProfileConnectionAttempts (B10).
  if (++fallback.failures < (fallback.attempts ?? FALLBACK_AFTER_FAILURES)) return;
  st.ctx.stats.problem(`${st.identity}: cannot connect with security profile ${st.setting(Setting.SecurityProfile)}; back to ${fallback.profile}`);
  st.storeSetting(Setting.SecurityProfile, fallback.profile);
  sec.url = fallback.url;
  if (fallback.slot !== undefined) sec.slot = fallback.slot;
  sec.fallback = null;
}

/**
 * A security event about a failing connection, raised once per outage — at startup, or after any
 * connection that worked (e.g. one closed to use a new AuthorizationKey) — so a long outage does not
 * pile up notifications.
 */
function linkEvent(st: Station, type: string, techInfo: string): void {
  if (st.security?.linkEvent === type) return;
  if (st.ctx.securityEvent(st, type, techInfo)) st.security!.linkEvent = type;
}
