/**
 * An independent CSMS for end-to-end tests: ocpp-rpc's RPCServer in strict (schema-validating)
 * OCPP 1.6 mode on a loopback port. It answers every charge-point-initiated 1.6 call, records what
 * each identity sent (in arrival order, with the raw wire log), hands out transaction ids, and
 * collects every strict validation failure of every connection.
 *
 * ocpp-rpc ships no useful typings for the server-side client, so connections are typed loosely.
 */
import { RPCServer, createRPCError, NOREPLY } from 'ocpp-rpc';

/** One CALL the peer received from a charge point. */
export interface Received {
  identity: string;
  method: string;
  params: any;
  at: number;
  /** Which connection of this identity it came on (0 = first). */
  conn: number;
}

/** One frame on the wire, either direction, with the identity and the connection it was on. */
export interface WireFrame {
  identity: string;
  conn: number;
  outbound: boolean;
  text: string;
}

/** Answers a call instead of the default responder; return `undefined` to fall through to it. */
export type Override = (call: Received, nth: number) => unknown;

export interface StartedTx {
  identity: string;
  transactionId: number;
  connectorId: number;
  idTag: string;
  meterStart: number;
  timestamp: string;
}

export class StrictPeer {
  readonly received: Received[] = [];
  readonly wire: WireFrame[] = [];
  readonly failures: { identity: string; method: string; error: string; outbound: boolean }[] = [];
  /** Every connection each identity opened, in order. */
  readonly connections = new Map<string, any[]>();
  /** Transactions by id; a resent StartTransaction (same identity, connector, timestamp) keeps its id. */
  readonly transactions = new Map<number, StartedTx>();
  /** Distinct StopTransaction payloads per transaction id (a resend of the same stop is one entry). */
  readonly stops = new Map<number, Map<string, any>>();
  private readonly overrides = new Map<string, Override>();
  private readonly nth = new Map<string, number>();
  private nextTxId = 1000;
  url = '';

  private constructor(readonly server: any) {}

  static async start(): Promise<StrictPeer> {
    const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true, callTimeoutMs: 3000 });
    const peer = new StrictPeer(server);
    server.auth((accept: (session?: object) => void) => accept({}));
    server.on('client', (client: any) => peer.attach(client));
    const http = await server.listen(0, '127.0.0.1');
    peer.url = `ws://127.0.0.1:${(http.address() as { port: number }).port}`;
    return peer;
  }

  /** Replaces the answer to `method` (all identities) until removed with `undefined`. */
  respond(method: string, override: Override | undefined): void {
    if (override) this.overrides.set(method, override);
    else this.overrides.delete(method);
  }

  /** The current (latest) connection of an identity. */
  client(identity: string): any {
    const list = this.connections.get(identity);
    if (!list?.length) throw new Error(`${identity} never connected`);
    return list[list.length - 1];
  }

  /** A CSMS-initiated call on the identity's current connection (validated by ocpp-rpc). */
  call(identity: string, method: string, params: object = {}, options: object = {}): Promise<any> {
    return this.client(identity).call(method, params, options);
  }

  calls(identity?: string, method?: string): Received[] {
    return this.received.filter((r) => (!identity || r.identity === identity) && (!method || r.method === method));
  }

  /** Frames the identity sent us, parsed. */
  inbound(identity: string): any[][] {
    return this.wire.filter((w) => w.identity === identity && !w.outbound).map((w) => safeParse(w.text));
  }

  async close(): Promise<void> {
    await this.server.close({ force: true });
  }

  private attach(client: any): void {
    const identity: string = client.identity;
    const list = this.connections.get(identity) ?? [];
    this.connections.set(identity, list);
    const conn = list.push(client) - 1;
    client.on('strictValidationFailure', (ev: any) =>
      this.failures.push({ identity, method: ev.method, error: String(ev.error?.message ?? ev.error), outbound: ev.outbound }),
    );
    client.on('message', ({ message, outbound }: { message: Buffer | string; outbound: boolean }) =>
      this.wire.push({ identity, conn, outbound, text: String(message) }),
    );
    client.handle(async ({ method, params }: { method: string; params: any }) => {
      const call: Received = { identity, method, params, at: Date.now(), conn };
      this.received.push(call);
      const n = (this.nth.get(method) ?? 0) + 1;
      this.nth.set(method, n);
      const override = this.overrides.get(method);
      const answer = override ? await override(call, n) : undefined;
      return answer !== undefined ? answer : this.answer(call);
    });
  }

  /** The default responders: a permissive CSMS that accepts everything. */
  private answer({ identity, method, params }: Received): unknown {
    const now = new Date().toISOString();
    const accepted = { idTagInfo: { status: 'Accepted' } };
    switch (method) {
      case 'BootNotification':
        return { status: 'Accepted', interval: 1, currentTime: now };
      case 'Heartbeat':
        return { currentTime: now };
      case 'Authorize':
        return accepted;
      case 'StartTransaction': {
        for (const tx of this.transactions.values()) {
          if (tx.identity === identity && tx.connectorId === params.connectorId && tx.timestamp === params.timestamp) {
            return { transactionId: tx.transactionId, ...accepted };
          }
        }
        const transactionId = this.nextTxId++;
        this.transactions.set(transactionId, { identity, transactionId, ...params });
        return { transactionId, ...accepted };
      }
      case 'StopTransaction': {
        const distinct = this.stops.get(params.transactionId) ?? new Map<string, any>();
        this.stops.set(params.transactionId, distinct);
        distinct.set(JSON.stringify(params), params);
        return accepted;
      }
      case 'StatusNotification':
      case 'MeterValues':
      case 'DiagnosticsStatusNotification':
      case 'FirmwareStatusNotification':
        return {};
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      default:
        throw createRPCError('NotImplemented', `${method} is not handled by the test CSMS`);
    }
  }
}

export { NOREPLY, createRPCError };

export function safeParse(text: string): any[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : [v];
  } catch {
    return [text];
  }
}

/** The Energy.Active.Import.Register reading of a MeterValues / transactionData meter value (Wh). */
export function energyOf(meterValue: { sampledValue: { measurand?: string; value: string }[] }): number | undefined {
  const s = meterValue.sampledValue.find((v) => (v.measurand ?? 'Energy.Active.Import.Register') === 'Energy.Active.Import.Register');
  return s ? Number(s.value) : undefined;
}
