/**
 * Outbound calls a charge point makes, as queue entries. The payload of a transaction message is
 * completed only when it is sent (a MeterValues queued offline learns its transactionId once the
 * StartTransaction before it has been confirmed).
 */
import type { Transaction } from './connector.js';

/** Why a call is made: selects what to do with its answer. */
export const enum Kind {
  Boot,
  Heartbeat,
  Status,
  Authorize,
  StartTx,
  MeterValues,
  StopTx,
  /** Anything whose answer needs no action (DataTransfer, notifications). */
  Other,
  /** A scenario's `send` step: its answer goes back to the scenario. */
  Scenario,
  /**
   * A notification kept like a transaction message — over a dropped connection and a reboot, and
   * retried when it fails: firmware and log statuses (the CSMS must learn every state an update
   * enters, OCPP 1.6 §4.5, Security Whitepaper L01.FR.01) and security events (A04.FR.02).
   */
  Kept,
}

export class OutboundCall {
  attempts = 0;
  /** Not to be sent before this time (ms): a transaction message waiting for its retry. */
  notBefore = 0;
  /**
   * Asked for by a TriggerMessage: the one kind of request a charge point may send while its boot is
   * Pending (OCPP 1.6 §4.2, "unless it has been instructed by the Central System to do so with a
   * TriggerMessage.req").
   */
  triggered = false;

  /** Marks the call as one the CSMS asked for (see {@link triggered}). */
  asTriggered(): this {
    this.triggered = true;
    return this;
  }

  constructor(
    readonly kind: Kind,
    readonly action: string,
    readonly payload: Record<string, unknown>,
    /** The transaction this message belongs to (StartTransaction, its MeterValues, StopTransaction). */
    readonly tx: Transaction | null = null,
    readonly connectorId = 0,
    /** What the call is about, for reading its answer: the state a status reports, the token an authorize presents. */
    readonly about = '',
  ) {}

  /**
   * Transaction-related messages survive disconnects and are retried (OCPP 1.6 §4.7 "Transaction-related
   * messages" and the TransactionMessageAttempts / TransactionMessageRetryInterval keys); so are Kept ones.
   */
  get isTransactional(): boolean {
    const k = this.kind;
    return k === Kind.StartTx || k === Kind.StopTx || k === Kind.Kept || (k === Kind.MeterValues && this.tx !== null);
  }
}

/** The CSMS's answer to an {@link ObservedCall}: its CALLRESULT payload, or its CALLERROR. */
export type CallAnswer = { payload: unknown } | { error: { code: string; description: string; details: unknown } };

/** A call whose answer someone outside the station waits for (the control API's `send`). */
export class ObservedCall extends OutboundCall {
  constructor(action: string, payload: Record<string, unknown>, readonly observe: (answer: CallAnswer) => void) {
    super(Kind.Other, action, payload);
  }
}

/**
 * Calls a charge point keeps queued by default (see StationOptions.queueLimit and `--queue-limit`):
 * at a MeterValues a minute, over an hour and a half of one offline session's readings. A queued
 * MeterValues costs ~1.5 KiB (measured: 500 charge points with full queues of 200 took 150 MB more),
 * so a full queue is ~150 KiB of a charge point's memory.
 */
export const DEFAULT_QUEUE_LIMIT = 100;

/** A small FIFO of calls waiting for the one outstanding-call slot (OCPP-J §4.1.1). */
export class CallQueue {
  private items: OutboundCall[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  peek(): OutboundCall | undefined {
    return this.items[this.head];
  }

  push(call: OutboundCall): void {
    this.items.push(call);
  }

  /** Puts a call back in front (a transaction message to be retried or resent after reconnect). */
  unshift(call: OutboundCall): void {
    if (this.head > 0) this.items[--this.head] = call;
    else this.items.unshift(call);
  }

  shift(): OutboundCall | undefined {
    if (this.head >= this.items.length) return undefined;
    const call = this.items[this.head];
    this.items[this.head++] = undefined as unknown as OutboundCall;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    }
    return call;
  }

  /** Keeps only the calls `keep` accepts, in order. */
  retain(keep: (call: OutboundCall) => boolean): void {
    this.items = this.items.slice(this.head).filter(keep);
    this.head = 0;
  }

  /** Removes and returns the first call `match` accepts, if any. */
  takeFirst(match: (call: OutboundCall) => boolean): OutboundCall | undefined {
    for (let i = this.head; i < this.items.length; i++) {
      if (match(this.items[i])) return this.items.splice(i, 1)[0];
    }
    return undefined;
  }

  forEach(visit: (call: OutboundCall) => void): void {
    for (let i = this.head; i < this.items.length; i++) visit(this.items[i]);
  }

  hasTransactional(): boolean {
    for (let i = this.head; i < this.items.length; i++) if (this.items[i].isTransactional) return true;
    return false;
  }

  has(kind: Kind): boolean {
    for (let i = this.head; i < this.items.length; i++) if (this.items[i].kind === kind) return true;
    return false;
  }
}
