/**
 * One charge point connection: a small object with a fixed set of fields, reached from its socket
 * through a symbol. The socket listeners are module-level functions shared by every connection
 * (DESIGN §10.4.6, after ws's `kWebSocket`), so a connection costs no closures.
 */
import type { RawData, WebSocket } from 'ws';
import type { CsmsCore } from './core.js';
import { handleFrame } from './inbound.js';
import { failAllCalls, type QueuedCall } from './outbound.js';
import type { Registration } from './registration.js';
import type { VersionBinding } from './versions.js';

const kConnection = Symbol('csms.connection');

type TaggedSocket = WebSocket & { [kConnection]: Connection };

/** The per-connection state. Every field is declared and initialised here, in this order. */
export class Connection {
  /** True while this is the connection listed under its identity. */
  registered = false;
  /** Counter for the ids of CALLs we send on this connection. */
  nextCallId = 0;
  /** The one CSMS-initiated CALL in flight (OCPP-J 1.6 §4.1.1: one outstanding CALL per direction). */
  pendingId: string | null = null;
  pendingAction = '';
  pendingDeadline = 0;
  pendingTimeoutMs = 0;
  pendingResolve: ((payload: any) => void) | null = null;
  pendingReject: ((error: Error) => void) | null = null;
  /** Calls waiting for the slot; allocated on first use. */
  queue: QueuedCall[] | null = null;

  constructor(
    readonly core: CsmsCore,
    readonly ws: WebSocket,
    readonly identity: string,
    /** The OCPP version negotiated at the upgrade: its schemas, responders and ledger (shared). */
    readonly binding: VersionBinding,
    readonly remoteAddress: string,
    readonly connectedAt: number,
    /** When its upgrade was accepted, on the machine's monotonic clock (µs): orders connections across the CSMS's processes. */
    readonly connectedTick: number,
    /** Whether this connection's events are logged (decided once, at connect). */
    readonly logged: boolean,
    /** The identity's registration, shared with its earlier connections; null until its first boot. */
    public registration: Registration | null,
  ) {}

  /** Sends one text frame and counts it. */
  send(text: string): void {
    this.ws.send(text);
    this.core.stats.messagesOut++;
  }
}

/** Wraps an accepted socket in a {@link Connection}, registers it and installs the shared listeners. */
export function attach(core: CsmsCore, ws: WebSocket, identity: string, binding: VersionBinding, remoteAddress: string, acceptedTick: number): Connection {
  const logged = core.logger.wantsConnection(core.stats);
  const conn = new Connection(core, ws, identity, binding, remoteAddress, Date.now(), acceptedTick, logged, core.registrations.get(identity) ?? null);
  (ws as TaggedSocket)[kConnection] = conn;
  ws.on('message', onMessage);
  ws.on('close', onClose);
  ws.on('error', onError);
  core.register(conn);
  if (conn.logged) core.logger.connected(conn);
  return conn;
}

function onMessage(this: WebSocket, data: RawData): void {
  // OCPP-J sends text frames; a binary frame is decoded as UTF-8 all the same (lenient receiver).
  handleFrame((this as TaggedSocket)[kConnection], (data as Buffer).toString());
}

function onClose(this: WebSocket, code: number): void {
  const conn = (this as TaggedSocket)[kConnection];
  const core = conn.core;
  core.live.delete(conn);
  core.unregister(conn);
  failAllCalls(conn, 'Disconnected', `${conn.identity} disconnected (code ${code})`);
  if (conn.logged) core.logger.disconnected(conn, code);
}

function onError(this: WebSocket, error: Error): void {
  // ws closes the connection itself after a protocol error (bad frame, payload over maxPayload).
  const conn = (this as TaggedSocket)[kConnection];
  if (conn.logged) conn.core.logger.line(`csms: ${conn.identity} socket error: ${error.message}`);
}
