/**
 * The state one embedded CSMS shares between its connections: resolved settings, counters, the
 * identity map, the registrations (kept across reconnects), each version's transaction ledger, the
 * set of connections with a CALL of ours in flight and the single timeout sweep over them. Every
 * {@link Connection} holds a back-pointer to its core.
 */
import type { ApiAccess } from './api-guard.js';
import type { ApiFleet } from './operator-api.js';
import type { Connection } from './connection.js';
import type { CsmsLogger } from './log.js';
import { Ledger16 } from './ocpp16/ledger.js';
import { Ledger201 } from './ocpp201/ledger.js';
import { expireCalls } from './outbound.js';
import { Registration } from './registration.js';
import { type CsmsStats, createStats } from './stats.js';
import type { VersionBinding } from './versions.js';

/**
 * Test hook: return a response payload to send instead of the built-in one, or undefined to use the
 * built-in responder. Return {@link NO_REPLY} to send nothing (to provoke a charge point timeout),
 * or throw an `OcppError` to answer with a CALLERROR of its code.
 */
export type RequestHook = (identity: string, action: string, payload: any) => object | undefined;

/** Returned by a {@link RequestHook} to leave a CALL unanswered. */
export const NO_REPLY: object = Object.freeze({});

/** WebSocket close code sent to a connection replaced by a newer one with the same identity. */
export const CLOSE_REPLACED = 4000;

/** Options after defaults are applied. */
export interface CsmsSettings {
  heartbeatInterval: number;
  bootStatus: 'Accepted' | 'Pending' | 'Rejected';
  strict: boolean;
  callTimeoutMs: number;
  /** undefined: no authentication; otherwise the password for an identity, or undefined if unknown. */
  passwordFor: ((identity: string) => string | undefined) | undefined;
  /** Who may use the operator API (api-guard.ts). */
  api: ApiAccess;
  /** The versions this CSMS speaks (at least one), oldest first: a client gets the first of its offer among them. */
  versions: readonly VersionBinding[];
  /** What a kWh costs (2.0.1 TransactionEventResponse.totalCost, I02/I03); null: no cost is given. */
  pricePerKWh: number | null;
}

/**
 * What a process of a CSMS spread over several (cluster/) tells the others, so that a charge point
 * reconnecting to another process finds its boot there and replaces its older connection there.
 */
export interface CsmsPeers {
  /** `conn` was registered here. */
  connected(conn: Connection): void;
  /** A boot was recorded for `identity`. */
  booted(identity: string, registration: Registration): void;
}

/** Identities whose registration (boot, vendor, model) is kept while they are not connected. */
export const MAX_REGISTRATIONS = 1_000_000;

/** How often pending CALLs are checked for a timeout while any is in flight. */
const SWEEP_MS = 25;

export class CsmsCore {
  readonly stats: CsmsStats = createStats();
  /** Registered connections by identity (one per identity; a newer one replaces the older). */
  readonly conns = new Map<string, Connection>();
  /** Registrations by identity, connected or not: a reconnect finds its boot here (OCPP-J 1.6 §5.4). */
  readonly registrations = new Map<string, Registration>();
  /** Every open connection, registered or not (replaced and disconnected ones until they close). */
  readonly live = new Set<Connection>();
  /** Connections with a CSMS-initiated CALL in flight: the only ones the timeout sweep visits. */
  readonly pending = new Set<Connection>();
  /** OCPP 1.6 transactions (StartTransaction/StopTransaction). */
  readonly ledger16 = new Ledger16();
  /** OCPP 2.0.1 transactions (TransactionEvent sequences). */
  readonly ledger201 = new Ledger201();
  onRequest: RequestHook | undefined = undefined;
  /** The other processes of a CSMS run with `--processes N` (cluster/), for the operator API; null when alone. */
  fleet: ApiFleet | null = null;
  /** Told of every registered connection and boot when other processes share the identities (cluster/); null when alone. */
  peers: CsmsPeers | null = null;
  closing = false;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly settings: CsmsSettings,
    readonly logger: CsmsLogger,
  ) {}

  /** Adds a new connection under its identity, closing the one it replaces, if any. */
  register(conn: Connection): void {
    const old = this.conns.get(conn.identity);
    if (old !== undefined) {
      this.unregister(old);
      this.stats.connections.replaced++;
      old.ws.close(CLOSE_REPLACED, 'Replaced by a newer connection with the same identity');
    }
    this.conns.set(conn.identity, conn);
    conn.registered = true;
    this.live.add(conn);
    const protocol = this.stats.protocols[conn.binding.subprotocol];
    this.stats.connections.current++;
    this.stats.connections.total++;
    protocol.current++;
    protocol.total++;
    if (conn.registration?.booted) this.countBooted(conn, 1);
    this.peers?.connected(conn);
  }

  /** Removes a connection from the identity map (idempotent); its socket may still be closing. */
  unregister(conn: Connection): void {
    if (!conn.registered) return;
    conn.registered = false;
    this.conns.delete(conn.identity);
    this.stats.connections.current--;
    this.stats.protocols[conn.binding.subprotocol].current--;
    if (conn.registration?.booted) this.countBooted(conn, -1);
  }

  /** A registered connection's identity became booted (+1) or not booted (−1), or it (dis)connected booted. */
  countBooted(conn: Connection, delta: 1 | -1): void {
    this.stats.booted += delta;
    this.stats.protocols[conn.binding.subprotocol].booted += delta;
  }

  /**
   * The registration of a registered connection's identity, made on its first boot. The map is
   * bounded (MAX_REGISTRATIONS): when full, the oldest registration of an identity not connected now
   * is forgotten, so clients booting under ever new identities cannot grow it without limit.
   */
  registrationOf(conn: Connection): Registration {
    let registration = conn.registration;
    if (registration === null) {
      if (this.registrations.size >= MAX_REGISTRATIONS) this.forgetOldestRegistration();
      registration = new Registration();
      this.registrations.set(conn.identity, registration);
      conn.registration = registration;
    }
    return registration;
  }

  private forgetOldestRegistration(): void {
    for (const identity of this.registrations.keys()) {
      if (this.conns.has(identity)) continue;
      this.registrations.delete(identity);
      return;
    }
  }

  /** Notes that `conn` has a CALL in flight, starting the shared sweep if it is not running. */
  trackPending(conn: Connection): void {
    this.pending.add(conn);
    if (this.sweepTimer === null) {
      this.sweepTimer = setInterval(this.sweep, SWEEP_MS);
      this.sweepTimer.unref();
    }
  }

  untrackPending(conn: Connection): void {
    this.pending.delete(conn);
  }

  /** One pass over the connections with a CALL in flight; stops itself when none is left. */
  private readonly sweep = (): void => {
    expireCalls(this, Date.now());
    if (this.pending.size === 0) this.stopSweep();
  };

  stopSweep(): void {
    if (this.sweepTimer !== null) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = null;
    }
  }
}
