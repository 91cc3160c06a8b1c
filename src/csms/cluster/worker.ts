/**
 * One worker of `ocpp-sim csms --processes N`: a whole embedded CSMS for the connections the
 * primary hands it (they all share one listening socket, held by the primary), whose operator API
 * asks the primary for what needs every process (primary.ts).
 *
 * Per process: the connections, the 1.6 and 2.0.1 transaction ledgers and the counters. Shared
 * through the primary: each identity's registration (boot, vendor, model), so a charge point that
 * reconnects to another process is booted there too, and which process holds each identity, so a
 * newer connection replaces an older one on another process as it would within one. Unique over
 * the CSMS: the 1.6 transactionIds (worker i of N issues i+1, i+1+N, …, a restarted one from a
 * fresh range).
 */
import process from 'node:process';
import { CLOSE_REPLACED, coreOf, ListenError, startCsms, type Csms, type CsmsOptions } from '../server.js';
import { broadcast, listChargePoints, localCall, type ApiFleet } from '../operator-api.js';
import type { CsmsCore } from '../core.js';
import { MAX_ASKS_IN_FLIGHT, deadlineOf, type FleetOp, type SharedRegistration, type ToPrimary, type ToWorker } from './messages.js';

/** Transaction ids a worker generation may issue before the next generation's range (1.6 ids are int32). */
const IDS_PER_GENERATION = 10_000_000;

const ignore = (): void => undefined;

/**
 * The first 1.6 transactionId of worker `index` of `count` in its `generation`: each generation of
 * workers gets its own range of IDS_PER_GENERATION ids a worker, cycling so ids stay below 2^31
 * (a 1.6 transactionId is an integer; charge points keep it in 32 bits).
 */
export function firstTransactionId(index: number, count: number, generation: number): number {
  const ranges = Math.max(1, Math.floor(2 ** 31 / (count * IDS_PER_GENERATION)) - 1);
  return 1 + index + count * IDS_PER_GENERATION * (generation % ranges);
}

/** Runs this worker until the primary says stop, a signal comes, or the primary is gone. */
export async function runCsmsWorker(opts: Omit<CsmsOptions, 'apiToken' | 'log'>, print?: (line: string) => void): Promise<void> {
  const send = (m: ToPrimary): void => {
    // The primary may be gone: a failed send is then no error of ours ('disconnect' stops us).
    if (process.connected) process.send!(m, undefined, undefined, ignore);
  };
  const start = await new Promise<Extract<ToWorker, { t: 'start' }>>((resolve) => {
    const onStart = (m: ToWorker): void => {
      if (m.t !== 'start') return;
      process.off('message', onStart);
      resolve(m);
    };
    process.on('message', onStart);
    send({ t: 'hello' });
  });
  if (start.ignoreSignals) {
    // Embedded in the demo, the primary stops us after its fleet's graceful stop, which needs this
    // CSMS: a Ctrl-C reaching the whole process group must not close it first.
    process.on('SIGINT', ignore);
    process.on('SIGTERM', ignore);
  }
  let csms: Csms;
  try {
    // Each line says which process it comes from, numbered as the primary's reports number them.
    const log = print === undefined ? undefined : (line: string) => print(`[${start.index + 1}] ${line}`);
    csms = await startCsms({ ...opts, apiToken: start.apiToken, log });
  } catch (error) {
    // Exit once the message is out: the failed server may still hold the event loop.
    const failed: ToPrimary = { t: 'failed', message: (error as Error).message, usage: error instanceof ListenError };
    if (process.connected) process.send!(failed, undefined, undefined, () => process.exit(2));
    else process.exit(2);
    return;
  }
  const core = coreOf(csms);
  const ledger = core.ledger16;
  ledger.transactionIdStep = start.count;
  ledger.nextTransactionId = firstTransactionId(start.index, start.count, start.generation);
  const asks = new AskChannel(send);
  core.fleet = asks;
  core.peers = {
    connected: (conn) => send({ t: 'connected', identity: conn.identity, at: conn.connectedTick, known: conn.registration !== null }),
    booted: (identity, r) => send({ t: 'booted', identity, booted: r.booted, vendor: r.vendor, model: r.model }),
  };
  process.on('message', (m: ToWorker) => {
    if (m.t === 'do') void doLocally(core, m.req).then((value) => send({ t: 'reply', id: m.id, value }), (e: unknown) => send({ t: 'reply', id: m.id, error: String(e) }));
    else if (m.t === 'answer') asks.settle(m);
    else if (m.t === 'registration') adoptRegistration(core, m.identity, m);
    else if (m.t === 'replace') replaceHere(core, m.identity, m.before);
  });
  send({ t: 'ready', port: csms.port, url: csms.url });
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    if (!start.ignoreSignals) {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
    process.once('disconnect', stop); // the primary is gone: never stay behind as an orphan
    process.on('message', (m: ToWorker) => {
      if (m.t === 'stop') stop();
    });
  });
  asks.failAll('The CSMS is shutting down');
  await csms.close();
  process.exit(0);
}

/**
 * A charge point that booted on another process and reconnected here without a new boot (OCPP-J
 * 1.6 §5.4) is booted here too, as it would be in one process.
 */
function adoptRegistration(core: CsmsCore, identity: string, shared: SharedRegistration): void {
  const conn = core.conns.get(identity);
  if (conn === undefined || conn.registration !== null) return; // gone, or booted here meanwhile
  const registration = core.registrationOf(conn);
  registration.vendor = shared.vendor;
  registration.model = shared.model;
  registration.booted = shared.booted;
  if (shared.booted) core.countBooted(conn, 1);
}

/** `identity` connected to another process: its older connection here is replaced, as within one process (core.register). */
function replaceHere(core: CsmsCore, identity: string, before: number): void {
  const conn = core.conns.get(identity);
  if (conn === undefined || conn.connectedTick > before) return;
  core.unregister(conn);
  core.stats.connections.replaced++;
  conn.ws.close(CLOSE_REPLACED, 'Replaced by a newer connection with the same identity');
}

/** This process's share of an operator API request. */
async function doLocally(core: CsmsCore, req: FleetOp): Promise<unknown> {
  switch (req.op) {
    case 'stats':
      return core.stats;
    case 'chargePoints':
      return listChargePoints(core);
    case 'call':
      return localCall(core, req.identity, req.action, req.payload, req.timeoutMs);
    case 'broadcast':
      return broadcast(core, req.action, req.payload, req.timeoutMs);
  }
}

/** The operator API's requests to the primary, each answered once, bounded in number and time. */
class AskChannel implements ApiFleet {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();

  constructor(private readonly send: (m: ToPrimary) => void) {}

  stats(): Promise<unknown> {
    return this.ask({ op: 'stats' });
  }

  chargePoints(): Promise<object[]> {
    return this.ask({ op: 'chargePoints' }) as Promise<object[]>;
  }

  call(identity: string, action: string, payload: unknown, timeoutMs: number): Promise<{ status: number; body: object }> {
    return this.ask({ op: 'call', identity, action, payload, timeoutMs }) as Promise<{ status: number; body: object }>;
  }

  broadcast(action: string, payload: unknown, timeoutMs: number): Promise<object> {
    return this.ask({ op: 'broadcast', action, payload, timeoutMs }) as Promise<object>;
  }

  settle(m: Extract<ToWorker, { t: 'answer' }>): void {
    const w = this.waiting.get(m.id);
    if (w === undefined) return; // timed out already
    this.waiting.delete(m.id);
    clearTimeout(w.timer);
    if (m.error !== undefined) w.reject(new Error(m.error));
    else w.resolve(m.value);
  }

  failAll(reason: string): void {
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new Error(reason));
      this.waiting.delete(id);
    }
  }

  private ask(req: FleetOp): Promise<unknown> {
    if (this.waiting.size >= MAX_ASKS_IN_FLIGHT) {
      return Promise.reject(new Error(`${MAX_ASKS_IN_FLIGHT} operator API requests are already in flight in this process; try again`));
    }
    if (!process.connected) return Promise.reject(new Error('The primary CSMS process is gone'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // The primary gives up on a process a little before us, so normally its answer says which.
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error('The other CSMS processes did not answer in time'));
      }, deadlineOf(req) + 2000);
      this.waiting.set(id, { resolve, reject, timer });
      this.send({ t: 'ask', id, req });
    });
  }
}
