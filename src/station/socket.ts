/**
 * Socket listeners: module-level functions shared by every station, reaching their station through
 * a symbol on the socket, so no closures are allocated per connection (ws's own pattern).
 */
import type { WebSocket } from 'ws';
import { T } from '../metrics/shard-stats.js';
import { Link, type Station } from './station.js';

const kStation = Symbol('station');

/** Wires a new socket to its station. */
export function attachSocket(st: Station, ws: WebSocket): void {
  (ws as unknown as Record<symbol, Station>)[kStation] = st;
  ws.on('open', socketOnOpen);
  ws.on('message', socketOnMessage);
  ws.on('close', socketOnClose);
  ws.on('error', socketOnError);
  ws.on('unexpected-response', socketOnUnexpectedResponse);
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

function socketOnClose(this: WebSocket): void {
  const st = stationOf(this);
  if (st.ws === this) st.onClosed(st.ctx.now());
}

function socketOnError(this: WebSocket, err: Error): void {
  const st = stationOf(this);
  if (st.link === Link.Connecting) st.ctx.stats.problem(`${st.identity}: ${err.message}`);
}

function socketOnUnexpectedResponse(this: WebSocket, _req: unknown, res: { statusCode?: number }): void {
  const st = stationOf(this);
  st.ctx.stats.problem(`${st.identity}: CSMS refused the WebSocket upgrade with HTTP ${res.statusCode}`);
  this.terminate();
}
