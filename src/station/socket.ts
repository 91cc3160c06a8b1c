/**
 * Socket listeners: module-level functions shared by every station, reaching their station through
 * a symbol on the socket, so no closures are allocated per connection (ws's own pattern).
 */
import type { WebSocket } from 'ws';
import { T } from '../metrics/shard-stats.js';
import { securityEvent } from '../ocpp16/security/index.js';
import { Link, type Station } from './station.js';

/** Node's TLS errors about the server's certificate (Security Whitepaper: InvalidCentralSystemCertificate). */
const CERTIFICATE_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

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
  st.ctx.stats.problem(`${st.identity}: ${err.message}`);
  // Once per outage (the first failed attempt), so a long one does not pile up notifications.
  if (st.reconnectAttempt === 0 && err.code && CERTIFICATE_ERRORS.test(err.code)) securityEvent(st, 'InvalidCentralSystemCertificate', err.code);
}

function socketOnUnexpectedResponse(this: WebSocket, _req: unknown, res: { statusCode?: number }): void {
  const st = stationOf(this);
  st.ctx.stats.problem(`${st.identity}: CSMS refused the WebSocket upgrade with HTTP ${res.statusCode}`);
  if (res.statusCode === 401 && st.reconnectAttempt === 0) securityEvent(st, 'FailedToAuthenticateAtCentralSystem', 'HTTP 401');
  this.terminate();
}
