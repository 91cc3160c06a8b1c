/**
 * Test helper: a minimal CSMS on a bare `ws` server, for tests that need to see or send what the
 * embedded CSMS never would (control frames, schema-invalid calls). It accepts the boot, answers
 * every other call with a schema-valid minimal payload, and records the calls it receives.
 */
import { WebSocketServer, type WebSocket } from 'ws';

export interface BareCsms {
  url: string;
  /** Calls received, in order: [action, payload]. */
  calls: [string, any][];
  /** Their message ids, in the same order. */
  ids: string[];
  pings(): number;
  connections(): number;
  /** Sends raw text to every connected charge point. */
  sendRaw(text: string): void;
  close(): Promise<void>;
}

const now = () => new Date().toISOString();
const ANSWERS: Record<string, () => object> = {
  BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: 300 }),
  Heartbeat: () => ({ currentTime: now() }),
  Authorize: () => ({ idTagInfo: { status: 'Accepted' } }),
  StartTransaction: () => ({ transactionId: 1, idTagInfo: { status: 'Accepted' } }),
};

export async function startBareCsms(opts: { autoPong?: boolean } = {}): Promise<BareCsms> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: opts.autoPong ?? true, handleProtocols: () => 'ocpp1.6' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  let pings = 0;
  let connections = 0;
  const calls: [string, any][] = [];
  const ids: string[] = [];
  wss.on('connection', (ws: WebSocket) => {
    connections++;
    ws.on('ping', () => pings++);
    ws.on('message', (data) => {
      const [type, id, action, payload] = JSON.parse(String(data));
      if (type !== 2) return;
      calls.push([action, payload]);
      ids.push(id);
      ws.send(JSON.stringify([3, id, ANSWERS[action]?.() ?? {}]));
    });
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/ocpp`,
    calls,
    ids,
    pings: () => pings,
    connections: () => connections,
    sendRaw: (text) => wss.clients.forEach((c) => c.send(text)),
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}
