/**
 * Test helper: a CSMS whose answer timing the test controls. A WebSocket proxy on loopback in front
 * of a real CSMS (the embedded one): charge points connect to it, it relays every frame, holds back
 * the CSMS's answers to the actions `delayMs` names, and keeps the CSMS's record of the transactions
 * it saw per charge point (idTag, connector, start and stop as the charge point stamped them).
 */
import { WebSocket, WebSocketServer } from 'ws';

export interface TransactionRecord {
  connectorId: number;
  idTag: string;
  /** StartTransaction.timestamp and StopTransaction.timestamp (ms); stop is NaN while it runs. */
  startedAt: number;
  stoppedAt: number;
  reason: string;
}

export interface DelayProxy {
  /** Where charge points connect: `ws://127.0.0.1:<port>/ocpp`. */
  url: string;
  /** Transactions per identity, in the order the charge point started them. */
  transactions: Map<string, TransactionRecord[]>;
  /** Answers held back so far. */
  delayed(): number;
  close(): Promise<void>;
}

/**
 * `delayMs(identity, action)` says how long to hold back the CSMS's answer to a charge point's call
 * (0 = at once).
 */
export async function startDelayProxy(upstream: string, delayMs: (identity: string, action: string) => number): Promise<DelayProxy> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'ocpp1.6' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const transactions = new Map<string, TransactionRecord[]>();
  const byTransactionId = new Map<number, TransactionRecord>();
  const timers = new Set<NodeJS.Timeout>();
  const upstreams = new Set<WebSocket>();
  let delayed = 0;

  wss.on('connection', (cp: WebSocket, req) => {
    const identity = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
    const csms = new WebSocket(`${upstream}/${encodeURIComponent(identity)}`, 'ocpp1.6');
    upstreams.add(csms);
    const early: string[] = [];
    // The charge point's calls still unanswered: message id → action and the transaction it starts.
    const calls = new Map<string, { action: string; record?: TransactionRecord }>();

    cp.on('message', (data) => {
      const text = String(data);
      const frame = JSON.parse(text);
      if (frame[0] === 2) {
        const [, id, action, payload] = frame;
        let record: TransactionRecord | undefined;
        if (action === 'StartTransaction') {
          record = { connectorId: payload.connectorId, idTag: payload.idTag, startedAt: Date.parse(payload.timestamp), stoppedAt: NaN, reason: '' };
        } else if (action === 'StopTransaction') {
          const started = byTransactionId.get(payload.transactionId);
          if (started) {
            started.stoppedAt = Date.parse(payload.timestamp);
            started.reason = payload.reason ?? 'Local';
          }
        }
        calls.set(id, { action, record });
      }
      if (csms.readyState === WebSocket.OPEN) csms.send(text);
      else early.push(text);
    });
    csms.on('open', () => {
      for (const text of early.splice(0)) csms.send(text);
    });
    csms.on('message', (data) => {
      const text = String(data);
      const frame = JSON.parse(text);
      const call = frame[0] === 3 || frame[0] === 4 ? calls.get(frame[1]) : undefined;
      if (call) calls.delete(frame[1]);
      if (call?.record && frame[0] === 3 && typeof frame[2].transactionId === 'number') {
        const list = transactions.get(identity) ?? [];
        list.push(call.record);
        transactions.set(identity, list);
        byTransactionId.set(frame[2].transactionId, call.record);
      }
      const wait = call ? delayMs(identity, call.action) : 0;
      if (wait <= 0) return cp.readyState === WebSocket.OPEN && cp.send(text);
      delayed++;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (cp.readyState === WebSocket.OPEN) cp.send(text);
      }, wait);
      timers.add(timer);
    });
    const closeBoth = () => {
      if (cp.readyState === WebSocket.OPEN) cp.close();
      if (csms.readyState === WebSocket.OPEN || csms.readyState === WebSocket.CONNECTING) csms.terminate();
      upstreams.delete(csms);
    };
    cp.on('close', closeBoth);
    csms.on('close', closeBoth);
    csms.on('error', closeBoth);
    cp.on('error', closeBoth);
  });

  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/ocpp`,
    transactions,
    delayed: () => delayed,
    close: () =>
      new Promise<void>((r) => {
        for (const t of timers) clearTimeout(t);
        for (const u of upstreams) u.terminate();
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}
