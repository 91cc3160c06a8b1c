/**
 * Test helper: a small OCPP 1.6 CSMS on a bare `ws` server whose answers a test scripts, for hostile
 * behaviours the embedded CSMS never shows (closing the socket on a call, never answering, answering
 * late, refusing with any CALLERROR code, closing every connection at once). Every call is recorded
 * with the time and the identity it came from.
 */
import { WebSocketServer, type WebSocket } from 'ws';

/** What to do with one call: answer it (now or after `delayMs`), refuse it, ignore it, or close the socket. */
export type Reply =
  | { result: object; delayMs?: number }
  | { error: string; description?: string }
  | 'ignore'
  | 'close';

export interface CallRecord {
  identity: string;
  id: string;
  action: string;
  payload: any;
  at: number;
}

export interface ScriptedCsmsOptions {
  /** Decides the reply to a call; undefined falls back to a schema-valid default answer. */
  script?: (call: CallRecord) => Reply | undefined;
  /** Close every connection as soon as it opens (after the handshake). */
  closeOnOpen?: boolean;
}

export interface ScriptedCsms {
  url: string;
  calls: CallRecord[];
  /** CALLRESULT/CALLERROR frames received from charge points (answers to our own CALLs), parsed. */
  answers: any[][];
  /** When each connection opened, per identity (ms epoch). */
  opens: Map<string, number[]>;
  /** Sends raw text to one connected charge point (or to all with '*'). */
  send(identity: string, text: string): void;
  close(): Promise<void>;
}

let nextTx = 1;
const now = () => new Date().toISOString();

function defaultAnswer(action: string): object {
  switch (action) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime: now(), interval: 300 };
    case 'Heartbeat':
      return { currentTime: now() };
    case 'Authorize':
      return { idTagInfo: { status: 'Accepted' } };
    case 'StartTransaction':
      return { transactionId: nextTx++, idTagInfo: { status: 'Accepted' } };
    case 'DataTransfer':
      return { status: 'Accepted' };
    default:
      return {};
  }
}

export async function startScriptedCsms(opts: ScriptedCsmsOptions = {}): Promise<ScriptedCsms> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'ocpp1.6' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const calls: CallRecord[] = [];
  const answers: any[][] = [];
  const opens = new Map<string, number[]>();
  const sockets = new Map<string, WebSocket>();
  wss.on('connection', (ws: WebSocket, req) => {
    const identity = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
    opens.set(identity, [...(opens.get(identity) ?? []), Date.now()]);
    if (opts.closeOnOpen) return ws.close(1000, 'go away');
    sockets.set(identity, ws);
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame[0] !== 2) {
        answers.push(frame);
        return;
      }
      const call: CallRecord = { identity, id: frame[1], action: frame[2], payload: frame[3], at: Date.now() };
      calls.push(call);
      const reply = opts.script?.(call) ?? { result: defaultAnswer(call.action) };
      if (reply === 'ignore') return;
      if (reply === 'close') return ws.close(1000, 'closing on purpose');
      if ('error' in reply) return ws.send(JSON.stringify([4, call.id, reply.error, reply.description ?? '', {}]));
      const text = JSON.stringify([3, call.id, reply.result]);
      if (reply.delayMs) setTimeout(() => ws.readyState === ws.OPEN && ws.send(text), reply.delayMs);
      else ws.send(text);
    });
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/ocpp`,
    calls,
    answers,
    opens,
    send(identity, text) {
      for (const [id, ws] of sockets) if ((identity === '*' || id === identity) && ws.readyState === ws.OPEN) ws.send(text);
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}
