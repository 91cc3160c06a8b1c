/**
 * Clients of the embedded CSMS for its tests, each closed after the test (reverse creation order,
 * the CSMS last): ocpp-rpc's RPCClient in strict mode (an independent implementation that validates
 * our answers against the official schemas of the negotiated version), a raw `ws` client with a
 * frame queue, a refused-upgrade probe and the operator API.
 */
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { RPCClient } from 'ocpp-rpc';
import { startCsms, type Csms, type CsmsOptions } from '../../src/csms/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A strict embedded CSMS on a free loopback port, closed after the test. */
export async function csmsWith(opts: CsmsOptions = {}): Promise<Csms> {
  const csms = await startCsms({ strict: true, ...opts });
  cleanups.push(() => csms.close());
  return csms;
}

/** A connected strict RPCClient offering `protocols` (in that order); `failures` collects its strict-mode findings. */
export async function rpcClient(csms: Csms, identity: string, protocols: string[], extra: Record<string, unknown> = {}): Promise<any> {
  const client = new (RPCClient as any)({ endpoint: csms.url, identity, protocols, strictMode: true, reconnect: false, ...extra });
  client.failures = [] as string[];
  client.on('strictValidationFailure', (ev: any) => client.failures.push(`${ev.outbound ? 'ours' : 'theirs'} ${ev.method}: ${ev.error?.message}`));
  cleanups.push(() => client.close({ force: true }));
  await client.connect();
  return client;
}

/** A raw client with a queue of received frames. */
export interface Raw {
  ws: WebSocket;
  next(): Promise<any[]>;
  /** Sends a frame (text as is, anything else as JSON) and resolves with the next frame received. */
  ask(frame: unknown): Promise<any[]>;
}

export function rawClient(csms: Csms, identity: string, protocols: string[] = ['ocpp1.6'], headers: Record<string, string> = {}): Promise<Raw> {
  const ws = new WebSocket(`${csms.url}/${identity}`, protocols, { headers, perMessageDeflate: false });
  cleanups.push(() => ws.terminate());
  const inbox: any[][] = [];
  const waiters: ((frame: any[]) => void)[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else inbox.push(frame);
  });
  const next = (): Promise<any[]> => (inbox.length > 0 ? Promise.resolve(inbox.shift()!) : new Promise((resolve) => waiters.push(resolve)));
  const ask = (frame: unknown): Promise<any[]> => {
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    return next();
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, next, ask }));
    ws.once('error', reject);
  });
}

/** Resolves with the HTTP status and body of a refused upgrade; rejects when it is accepted. */
export function refusedUpgrade(url: string, protocols: string[]): Promise<{ status: number; body: string }> {
  const ws = new WebSocket(url, protocols);
  return new Promise((resolve, reject) => {
    ws.on('error', () => {}); // also emitted after a refused handshake, when the promise is settled
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error(`upgrade with ${protocols.join(',')} was accepted`));
    });
  });
}

/** One operator API request with the CSMS's token. */
export async function api(csms: Csms, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(csms.url.replace(/^ws/, 'http').replace(/\/ocpp$/, path), {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    headers: { authorization: `Bearer ${csms.apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  });
  return { status: res.status, json: await res.json() };
}
