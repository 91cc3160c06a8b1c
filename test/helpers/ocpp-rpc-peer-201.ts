/**
 * An independent OCPP 2.0.1 CSMS for end-to-end tests: ocpp-rpc's RPCServer in strict
 * (schema-validating) 2.0.1 mode on a loopback port — the 2.0.1 counterpart of ocpp-rpc-peer.ts. It
 * answers every charging-station-initiated 2.0.1 call, records what each identity sent (in arrival
 * order, with the raw wire log), follows each transaction's TransactionEvents, and collects every
 * strict validation failure of every connection.
 *
 * ocpp-rpc ships no useful typings for the server-side client, so connections are typed loosely.
 */
import { RPCServer, createRPCError, NOREPLY } from 'ocpp-rpc';
import { safeParse, type Override, type Received, type WireFrame } from './ocpp-rpc-peer.js';

export type { Override, Received, WireFrame };

/** One transaction as its TransactionEvents told it, in arrival order (resends included). */
export interface PeerTransaction {
  identity: string;
  transactionId: string;
  events: any[];
}

export class StrictPeer201 {
  readonly received: Received[] = [];
  readonly wire: WireFrame[] = [];
  readonly failures: { identity: string; method: string; error: string; outbound: boolean }[] = [];
  /** Every connection each identity opened, in order. */
  readonly connections = new Map<string, any[]>();
  /** Transactions by the station's transactionId. */
  readonly transactions = new Map<string, PeerTransaction>();
  private readonly overrides = new Map<string, Override>();
  private readonly nth = new Map<string, number>();
  /** While true, WebSocket handshakes are refused (HTTP 503): the station stays offline. */
  refusing = false;
  url = '';

  private constructor(readonly server: any) {}

  static async start(): Promise<StrictPeer201> {
    const server = new RPCServer({ protocols: ['ocpp2.0.1'], strictMode: true, callTimeoutMs: 3000 });
    const peer = new StrictPeer201(server);
    server.auth((accept: (session?: object) => void, reject: (code: number, message: string) => void) =>
      peer.refusing ? reject(503, 'refusing connections') : accept({}),
    );
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

  /** Drops the identity's current connection (the station sees the socket close) and, with `refuseMs`, keeps it out that long. */
  async drop(identity: string, refuseMs = 0): Promise<void> {
    if (refuseMs > 0) {
      this.refusing = true;
      setTimeout(() => (this.refusing = false), refuseMs);
    }
    await this.client(identity).close({ force: true });
  }

  calls(identity?: string, method?: string): Received[] {
    return this.received.filter((r) => (!identity || r.identity === identity) && (!method || r.method === method));
  }

  /** Frames the identity sent us, parsed. */
  inbound(identity: string): any[][] {
    return this.wire.filter((w) => w.identity === identity && !w.outbound).map((w) => safeParse(w.text));
  }

  /** The TransactionEvents of one transaction, once per seqNo (a resend of the same event is one entry). */
  events(transactionId: string): any[] {
    const tx = this.transactions.get(transactionId);
    if (!tx) return [];
    const bySeq = new Map<number, any>();
    for (const e of tx.events) if (!bySeq.has(e.seqNo)) bySeq.set(e.seqNo, e);
    return [...bySeq.values()].sort((a, b) => a.seqNo - b.seqNo);
  }

  /**
   * What is wrong with the transactions' event sequences (E01–E07 and E12): each starts with one
   * Started at seqNo 0, ends with one Ended, has no seqNo gap, and its energy register never goes
   * down. Empty when all is well; `open` transactions (not yet Ended) are allowed when `allowOpen`.
   */
  sequenceProblems(allowOpen = false): string[] {
    const out: string[] = [];
    for (const { transactionId } of this.transactions.values()) {
      const evs = this.events(transactionId);
      const say = (m: string) => out.push(`${transactionId}: ${m}`);
      evs.forEach((e, i) => e.seqNo !== i && say(`seqNo ${e.seqNo} at position ${i} (a gap)`));
      if (evs[0]?.eventType !== 'Started') say(`first event is ${evs[0]?.eventType}`);
      const ended = evs.filter((e) => e.eventType === 'Ended');
      if (ended.length > 1) say(`${ended.length} Ended events`);
      if (ended.length === 0 && !allowOpen) say('never Ended');
      if (ended.length === 1 && evs.at(-1) !== ended[0]) say('events after Ended');
      if (evs.filter((e) => e.eventType === 'Started').length > 1) say('more than one Started');
      let last = -Infinity;
      for (const e of evs) {
        for (const mv of e.meterValue ?? []) {
          const wh = energyOf201(mv);
          if (wh === undefined) continue;
          if (wh < last) say(`energy went down from ${last} to ${wh} at seqNo ${e.seqNo}`);
          last = wh;
        }
      }
    }
    return out;
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
      if (method === 'TransactionEvent') this.follow(identity, params);
      const n = (this.nth.get(method) ?? 0) + 1;
      this.nth.set(method, n);
      const override = this.overrides.get(method);
      const answer = override ? await override(call, n) : undefined;
      return answer !== undefined ? answer : this.answer(call);
    });
  }

  private follow(identity: string, params: any): void {
    const id: string = params.transactionInfo.transactionId;
    let tx = this.transactions.get(id);
    if (!tx) this.transactions.set(id, (tx = { identity, transactionId: id, events: [] }));
    tx.events.push(params);
  }

  /** The default responders: a permissive CSMS that accepts everything. */
  private answer({ method }: Received): unknown {
    const currentTime = new Date().toISOString();
    switch (method) {
      case 'BootNotification':
        return { status: 'Accepted', interval: 1, currentTime };
      case 'Heartbeat':
        return { currentTime };
      case 'Authorize':
        return { idTokenInfo: { status: 'Accepted' } };
      case 'TransactionEvent':
      case 'StatusNotification':
      case 'MeterValues':
      case 'NotifyReport':
      case 'NotifyEvent':
      case 'SecurityEventNotification':
      case 'LogStatusNotification':
      case 'FirmwareStatusNotification':
      case 'ReservationStatusUpdate':
      case 'NotifyMonitoringReport':
      case 'NotifyCustomerInformation':
      case 'NotifyDisplayMessages':
      case 'PublishFirmwareStatusNotification':
      case 'NotifyChargingLimit':
      case 'ClearedChargingLimit':
      case 'ReportChargingProfiles':
        return {};
      case 'NotifyEVChargingSchedule':
      case 'NotifyEVChargingNeeds':
      case 'SignCertificate':
        return { status: 'Accepted' };
      case 'Get15118EVCertificate':
        return { status: 'Failed', exiResponse: '' };
      case 'GetCertificateStatus':
        return { status: 'Failed' };
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      default:
        throw createRPCError('NotImplemented', `${method} is not handled by the test CSMS`);
    }
  }
}

export { NOREPLY, createRPCError, safeParse };

/** The Energy.Active.Import.Register reading of a 2.0.1 MeterValueType (Wh), when it has one. */
export function energyOf201(meterValue: { sampledValue: { measurand?: string; value: number }[] }): number | undefined {
  const s = meterValue.sampledValue.find((v) => (v.measurand ?? 'Energy.Active.Import.Register') === 'Energy.Active.Import.Register');
  return s ? s.value : undefined;
}
