/**
 * The embedded CSMS: a small, correct and fast OCPP 1.6J and 2.0.1 central system used as demo
 * backend, test peer and benchmark sink. One HTTP(S) server carries both the charge point WebSockets
 * (`ws://host:port/ocpp/<identity>`, subprotocol `ocpp1.6` or `ocpp2.0.1`, whichever the client
 * offers first) and the operator API (`/api/...`, see operator-api.ts), for loopback clients with
 * its token only (api-guard.ts).
 *
 * Layout: handshake.ts (upgrade checks), versions.ts (the version binding of a connection),
 * connection.ts (per-connection state and listeners), inbound.ts (frames from charge points),
 * ocpp16/ and ocpp201/ (each version's canned answers and bookkeeping), policy.ts (what both
 * versions answer alike), boot.ts, outbound.ts (our CALLs and their timeout sweep), stats.ts,
 * log.ts, core.ts (shared state).
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { identityProblem } from '../util/identity.js';
import { monotonicMicros } from '../util/monotonic.js';
import type { CsmsAction, RequestOf, ResponseOf } from '../ocpp16/generated/actions.gen.js';
import type {
  CsmsAction as CsmsAction201,
  RequestOf as RequestOf201,
  ResponseOf as ResponseOf201,
} from '../ocpp201/generated/actions.gen.js';
import { apiTokenProblem, generateApiToken } from './api-guard.js';
import { attach } from './connection.js';
import { CsmsCore, type CsmsSettings, type RequestHook } from './core.js';
import { basicAuthOk, chooseSubprotocol, identityFromPath, refuseUpgrade } from './handshake.js';
import { listen } from './listen.js';
import { CsmsLogger } from './log.js';
import { handleApiRequest } from './operator-api.js';
import { callIdentity, failAllCalls } from './outbound.js';
import type { CsmsStats } from './stats.js';
import { OCPP_VERSIONS, bindingOf, type OcppVersion, type VersionBinding } from './versions.js';

export { CLOSE_REPLACED, NO_REPLY, type RequestHook } from './core.js';
export { CsmsCallError } from './outbound.js';
export { CsmsStrictError } from './inbound.js';
export { ListenError } from './listen.js';
export type { CsmsStats } from './stats.js';
export { OCPP_VERSIONS, type OcppVersion } from './versions.js';

/** Options of {@link startCsms}. Every field is optional. */
export interface CsmsOptions {
  /** TCP port; 0 (the default) picks a free one, see {@link Csms.port}. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /**
   * The OCPP versions to speak; default both, `['1.6', '2.0.1']`. A client is given the first
   * subprotocol of its offer among them (its order, not this list's) and refused with HTTP 400 when
   * it offers none of them.
   */
  ocpp?: readonly OcppVersion[];
  /** Heartbeat interval (s) given in BootNotification answers; default 60. */
  heartbeatInterval?: number;
  /** Status of every BootNotification answer; default Accepted. */
  bootStatus?: 'Accepted' | 'Pending' | 'Rejected';
  /**
   * What a kWh costs, in the charging station's currency: 2.0.1 TransactionEvent answers then carry
   * the transaction's cost so far (Updated) and its final cost (Ended) as totalCost (I02, I03).
   * Default: none given.
   */
  pricePerKWh?: number;
  /**
   * Also validate what we send: every response (a schema-invalid one is answered with InternalError
   * and then thrown, so a test fails loudly) and every `call()` payload.
   */
  strict?: boolean;
  /** Receives log lines; without it nothing is formatted. */
  log?: (line: string) => void;
  /** Log events of every connection, not only while fewer than 20 are connected. */
  verbose?: boolean;
  /** Default timeout (ms) of CSMS-initiated calls; default 30,000. */
  callTimeoutMs?: number;
  /**
   * HTTP Basic auth (security profile 1): the password per identity. Identities not listed fall back
   * to {@link password}, or are refused with 401 when it is not set.
   */
  passwords?: Record<string, string>;
  /** HTTP Basic auth password for every identity (security profile 1). */
  password?: string;
  /**
   * The operator API's bearer token (16-256 characters of RFC 6750's b64token); default: 32 random
   * bytes, base64url. Either way it is {@link Csms.apiToken}.
   */
  apiToken?: string;
  /**
   * Serve wss:// (security profile 2); with `requestCert` and `ca`, client certificates are
   * required and verified (security profile 3).
   */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer | (string | Buffer)[]; requestCert?: boolean };
}

/** A running embedded CSMS. */
export interface Csms {
  /** The endpoint charge points append `/<identity>` to: `ws://host:port/ocpp` (or wss://). */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** The operator API's token: requests send `Authorization: Bearer <apiToken>`. */
  readonly apiToken: string;
  /** Live counters (the same object on every read). */
  readonly stats: CsmsStats;
  /** Identities currently connected. */
  connected(): string[];
  /**
   * Sends a CSMS-initiated CALL and resolves with the CALLRESULT payload: a 1.6 action to a 1.6
   * charge point, a 2.0.1 action to a 2.0.1 one (the CALLRESULT is validated against the
   * connection's version). Calls to one charge point are queued so only one is in flight (OCPP-J 1.6
   * §4.1.1). Rejects with a `CsmsCallError` whose `code` is the CALLERROR code received, or
   * `Timeout`, `UnknownIdentity`, `Disconnected`, `InvalidResponse` (schema-invalid CALLRESULT),
   * `InvalidRequest` (strict mode) or `QueueFull`.
   */
  call<A extends CsmsAction>(identity: string, action: A, payload: RequestOf<A>, timeoutMs?: number): Promise<ResponseOf<A>>;
  call<A extends CsmsAction201>(identity: string, action: A, payload: RequestOf201<A>, timeoutMs?: number): Promise<ResponseOf201<A>>;
  /** The subprotocol `identity` is connected with (`ocpp1.6`, `ocpp2.0.1`), or undefined when it is not connected. */
  protocolOf(identity: string): string | undefined;
  /** Closes the connection of `identity` with `code` (default 1000); false if it is not connected. */
  disconnect(identity: string, code?: number): boolean;
  /** Test hook that can replace the answer to any charge point CALL; see {@link RequestHook}. */
  onRequest?: RequestHook;
  /** Closes every connection (code 1001) and the server. */
  close(): Promise<void>;
}

/** How long close() waits for close handshakes before cutting the remaining sockets. */
const CLOSE_GRACE_MS = 1000;

/** Starts an embedded CSMS and resolves once it listens; rejects with a `ListenError` when it cannot. */
export async function startCsms(opts: CsmsOptions = {}): Promise<Csms> {
  const tokenProblem = opts.apiToken === undefined ? null : apiTokenProblem(opts.apiToken);
  if (tokenProblem !== null) throw new TypeError(`apiToken ${tokenProblem}`);
  const core = new CsmsCore(settingsFrom(opts), new CsmsLogger(opts.log, opts.verbose ?? false));
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false, // we keep our own identity map (DESIGN §10.5)
    perMessageDeflate: false, // ~230 KiB less per connection (DESIGN §10.5)
    maxPayload: 64 * 1024,
    handleProtocols: pickSubprotocol,
  });
  const server = opts.tls
    ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key, ca: opts.tls.ca, requestCert: opts.tls.requestCert ?? false })
    : http.createServer();
  const onUpgraded = (ws: WebSocket, req: http.IncomingMessage): void => {
    const upgrade = req as UpgradeRequest;
    attach(core, ws, upgrade[kIdentity], upgrade[kBinding], req.socket.remoteAddress ?? '', upgrade[kAcceptedTick]);
  };
  server.on('request', (req, res) => handleApiRequest(core, req, res));
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (acceptUpgrade(core, req, socket)) wss.handleUpgrade(req, socket, head, onUpgraded);
  });
  const host = core.settings.api.host;
  await listen(server, opts.port ?? 0, host);
  const port = (server.address() as { port: number }).port;
  const url = `${opts.tls ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${port}/ocpp`;
  core.logger.startSummary(core.stats);
  return new CsmsHandle(core, server, wss, url, port, core.settings.api.token);
}

function settingsFrom(opts: CsmsOptions): CsmsSettings {
  const { passwords, password } = opts;
  const versions = opts.ocpp ?? OCPP_VERSIONS;
  const unknown = versions.find((v) => !OCPP_VERSIONS.includes(v));
  if (unknown !== undefined) throw new TypeError(`ocpp: unknown OCPP version '${String(unknown)}' (known: ${OCPP_VERSIONS.join(', ')})`);
  if (versions.length === 0) throw new TypeError('ocpp: give at least one OCPP version');
  const passwordFor =
    passwords === undefined && password === undefined
      ? undefined
      : (identity: string) => (passwords !== undefined && Object.hasOwn(passwords, identity) ? passwords[identity] : password);
  return {
    heartbeatInterval: opts.heartbeatInterval ?? 60,
    bootStatus: opts.bootStatus ?? 'Accepted',
    pricePerKWh: pricePerKWh(opts.pricePerKWh),
    strict: opts.strict ?? false,
    callTimeoutMs: opts.callTimeoutMs ?? 30_000,
    passwordFor,
    api: { token: opts.apiToken ?? generateApiToken(), host: opts.host ?? '127.0.0.1', scheme: opts.tls ? 'https:' : 'http:' },
    // In one order whatever the option's: the client's offer alone decides (handshake.ts).
    versions: OCPP_VERSIONS.filter((v) => versions.includes(v)).map(bindingOf),
  };
}

function pricePerKWh(price: number | undefined): number | null {
  if (price === undefined) return null;
  if (!(Number.isFinite(price) && price >= 0)) throw new TypeError(`pricePerKWh: a price of 0 or more, not ${price}`);
  return price;
}

const kIdentity = Symbol('csms.identity');
const kBinding = Symbol('csms.binding');
const kAcceptedTick = Symbol('csms.acceptedTick');
type UpgradeRequest = http.IncomingMessage & { [kIdentity]: string; [kBinding]: VersionBinding; [kAcceptedTick]: number };

/** ws's subprotocol choice: the one acceptUpgrade negotiated. */
function pickSubprotocol(_protocols: Set<string>, req: http.IncomingMessage): string {
  return (req as UpgradeRequest)[kBinding].subprotocol;
}

/** The checks before the WebSocket handshake; on failure the socket is answered and closed. */
function acceptUpgrade(core: CsmsCore, req: http.IncomingMessage, socket: Duplex): boolean {
  const refuse = (status: number, reason: string, headers = ''): false => {
    core.stats.connections.rejected++;
    refuseUpgrade(socket, status, reason, headers);
    return false;
  };
  if (core.closing) return refuse(503, 'The CSMS is shutting down');
  const identity = identityFromPath(req.url);
  if (identity === null) return refuse(400, 'The URL path must end with the charge point identity');
  const problem = identityProblem(identity);
  if (problem !== null) return refuse(400, `The charge point identity ${problem}`);
  // OCPP-J 1.6 §3.1.2 / 2.0.1 Part 4 §3.1.2: the client offers its OCPP versions as subprotocols,
  // most preferred first, and gets the first we speak. We refuse a client that offers none we speak
  // with HTTP 400 (as ocpp-rpc's server does) rather than completing a handshake that could carry no OCPP.
  const binding = chooseSubprotocol(req.headers['sec-websocket-protocol'], core.settings.versions);
  if (binding === null) {
    const speaks = core.settings.versions.map((b) => b.subprotocol).join(', ');
    return refuse(400, `No supported subprotocol offered (this CSMS speaks ${speaks})`);
  }
  const passwordFor = core.settings.passwordFor;
  if (passwordFor !== undefined) {
    const expected = passwordFor(identity);
    if (expected === undefined || !basicAuthOk(req.headers.authorization, identity, expected)) {
      return refuse(401, 'HTTP Basic authentication failed', 'WWW-Authenticate: Basic realm="OCPP", charset="UTF-8"\r\n');
    }
  }
  (req as UpgradeRequest)[kIdentity] = identity;
  (req as UpgradeRequest)[kBinding] = binding;
  // Taken before the 101 is written: a client can open its next connection only after this one's
  // 101, so this orders its connections even when this process stalls (GC) before attach.
  (req as UpgradeRequest)[kAcceptedTick] = monotonicMicros();
  return true;
}

/** The shared state behind a CSMS started here (for cluster/ only, which wires the processes together). */
export function coreOf(csms: Csms): CsmsCore {
  if (!(csms instanceof CsmsHandle)) throw new TypeError('not a CSMS started by startCsms');
  return csms.core;
}

class CsmsHandle implements Csms {
  private closed: Promise<void> | null = null;

  constructor(
    readonly core: CsmsCore,
    private readonly server: http.Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
    readonly port: number,
    readonly apiToken: string,
  ) {}

  get stats(): CsmsStats {
    return this.core.stats;
  }

  get onRequest(): RequestHook | undefined {
    return this.core.onRequest;
  }

  set onRequest(hook: RequestHook | undefined) {
    this.core.onRequest = hook;
  }

  connected(): string[] {
    return [...this.core.conns.keys()];
  }

  call(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<any> {
    return callIdentity(this.core, identity, action, payload, timeoutMs ?? this.core.settings.callTimeoutMs);
  }

  protocolOf(identity: string): string | undefined {
    return this.core.conns.get(identity)?.binding.subprotocol;
  }

  disconnect(identity: string, code = 1000): boolean {
    const conn = this.core.conns.get(identity);
    if (conn === undefined) return false;
    this.core.unregister(conn);
    conn.ws.close(code, 'Disconnected by the CSMS');
    return true;
  }

  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    const core = this.core;
    core.closing = true;
    core.logger.stopSummary();
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    const live = [...core.live];
    for (const conn of live) {
      core.unregister(conn);
      failAllCalls(conn, 'Disconnected', 'The CSMS is shutting down');
      conn.ws.close(1001, 'CSMS shutting down'); // 1001 Going Away (RFC 6455 §7.4.1)
    }
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (core.live.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const conn of core.live) conn.ws.terminate();
    core.stopSweep();
    this.wss.close();
    await serverClosed;
  }
}
