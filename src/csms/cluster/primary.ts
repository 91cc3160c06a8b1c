/**
 * The primary of `ocpp-sim csms --processes N`: forks N workers (node:cluster, re-running the same
 * command line) that share one listening socket. The primary accepts the connections and hands them
 * out round-robin (cluster.SCHED_RR, Node's default on Linux), so each worker holds ~1/N of the
 * charge points and its own file descriptors (the open-file limit is per process).
 *
 * It holds no connection itself. It keeps each identity's registration and the worker it last
 * connected to (from the workers' `connected` and `booted` messages), so a charge point reconnecting
 * to another worker is booted there and replaces its older connection. It relays the operator API: the worker an HTTP request lands on
 * `ask`s, the primary sends `do` to every ready worker, merges (merge.ts) and answers; a process that
 * does not reply within the operation's deadline counts as unanswered.
 *
 * A worker that dies after start-up is reported and restarted (its charge points reconnect, to any
 * worker); more than {@link MAX_RESTARTS} restarts within a minute stop the CSMS with exit code 1.
 * A worker that cannot start (port in use) fails the start.
 *
 * Embedded (the demo): `worker` names the command the workers run instead of this process's own, and
 * `ownsSignals` makes them leave SIGINT/SIGTERM to this process, which stops them after its fleet's
 * graceful stop (a Ctrl-C reaches the whole process group).
 */
import cluster, { type Worker } from 'node:cluster';
import { ListenError } from '../listen.js';
import { concatLists, mergeBroadcasts, mergeCalls, sumCounters, type CallOutcome } from './merge.js';
import { MAX_REGISTRATIONS } from '../core.js';
import { deadlineOf, type FleetOp, type SharedRegistration, type ToPrimary, type ToWorker } from './messages.js';

/** Restarts allowed within {@link RESTART_WINDOW_MS} before the CSMS gives up. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/** How long stop() waits for the workers' graceful close (1 s close grace each) before killing them. */
const STOP_GRACE_MS = 5000;

/** A running cluster CSMS, seen from the primary. */
export interface CsmsCluster {
  readonly url: string;
  readonly port: number;
  /** Worker process ids, by index (for tests and logs). */
  pids(): number[];
  /** Resolves with the exit code once every worker has exited: 0 after stop(), 1 when restarts were exhausted. */
  readonly done: Promise<number>;
  /** Stops every worker gracefully (SIGKILL after {@link STOP_GRACE_MS}). */
  stop(): Promise<number>;
  /** The CSMS's counters summed over every process, as `GET /api/stats` answers (rejects while a process restarts). */
  stats(): Promise<unknown>;
}

/** What `startCsmsCluster` needs. */
export interface ClusterOptions {
  processes: number;
  apiToken: string;
  log: (line: string) => void;
  /** The command each worker runs (a `csms` command line, see cli/csms.ts); default: this process's own (node:cluster's default). */
  worker?: { exec: string; args: string[] };
  /** Workers ignore SIGINT/SIGTERM and stop when told (stop()) or when this process is gone. */
  ownsSignals?: boolean;
}

interface Slot {
  index: number;
  generation: number;
  worker: Worker;
  ready: boolean;
}

interface Pending {
  slot: Slot;
  settle(r: { value?: unknown; error?: string }): void;
}

const ignore = (): void => undefined;

/** Sets `key` as the newest entry of `map`, forgetting the oldest when the map is full. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= MAX_REGISTRATIONS) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/** Forks `processes` workers and resolves once all listen; rejects (ListenError when it is the port) if one cannot start. */
export function startCsmsCluster(opts: ClusterOptions): Promise<CsmsCluster> {
  const { processes, apiToken, log } = opts;
  cluster.schedulingPolicy = cluster.SCHED_RR; // before the first fork; explicit, whatever NODE_CLUSTER_SCHED_POLICY says
  // Forks re-run process.argv unless told otherwise: the demo's workers must run `csms`, not the demo.
  if (opts.worker !== undefined) cluster.setupPrimary({ exec: opts.worker.exec, args: opts.worker.args });
  const slots: Slot[] = [];
  const pending = new Map<number, Pending>();
  const restarts: number[] = [];
  /** Each identity's latest registration, and the worker it last connected to; the oldest forgotten beyond MAX_REGISTRATIONS. */
  const registrations = new Map<string, SharedRegistration>();
  const owners = new Map<string, { index: number; at: number }>();
  let nextId = 1;
  let started = false;
  let stopping = false;
  let exitCode = 0;
  let url = '';
  let port = 0;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  return new Promise<CsmsCluster>((resolveStart, rejectStart) => {
    const handle: CsmsCluster = {
      get url() {
        return url;
      },
      get port() {
        return port;
      },
      pids: () => slots.map((s) => s.worker.process.pid ?? 0),
      done,
      stop,
      stats: () => fanOut({ op: 'stats' }),
    };

    function fork(index: number, generation: number): void {
      const slot: Slot = { index, generation, worker: cluster.fork(), ready: false };
      slots[index] = slot;
      slot.worker.on('message', (m: ToPrimary) => onMessage(slot, m));
      slot.worker.on('exit', (code, signal) => onExit(slot, code, signal));
    }

    function send(slot: Slot, m: ToWorker): void {
      // A worker may be exiting: a failed send (EPIPE) is that worker's exit, handled in onExit.
      if (slot.worker.isConnected()) slot.worker.send(m, ignore);
    }

    function onMessage(slot: Slot, m: ToPrimary): void {
      switch (m.t) {
        case 'hello':
          send(slot, { t: 'start', index: slot.index, count: processes, generation: slot.generation, apiToken, ignoreSignals: opts.ownsSignals === true });
          break;
        case 'ready':
          slot.ready = true;
          if (!started && slots.length === processes && slots.every((s) => s.ready)) {
            started = true;
            ({ url, port } = m);
            resolveStart(handle);
          }
          break;
        case 'failed':
          if (!started) {
            void stop();
            rejectStart(m.usage ? new ListenError(undefined, m.message) : new Error(m.message));
          } else log(`csms: process ${slot.index + 1} could not start again: ${m.message}`);
          break;
        case 'connected': {
          // Messages of two workers may arrive in either order: the connection made last stays.
          const previous = owners.get(m.identity);
          if (previous === undefined || previous.index === slot.index || previous.at <= m.at) {
            remember(owners, m.identity, { index: slot.index, at: m.at });
            if (previous !== undefined && previous.index !== slot.index) send(slots[previous.index], { t: 'replace', identity: m.identity, before: m.at });
          } else {
            send(slot, { t: 'replace', identity: m.identity, before: previous.at });
          }
          const known = m.known ? undefined : registrations.get(m.identity);
          if (known !== undefined) send(slot, { t: 'registration', identity: m.identity, ...known });
          break;
        }
        case 'booted':
          remember(registrations, m.identity, { booted: m.booted, vendor: m.vendor, model: m.model });
          break;
        case 'ask':
          void fanOut(m.req).then(
            (value) => send(slot, { t: 'answer', id: m.id, value }),
            (error: unknown) => send(slot, { t: 'answer', id: m.id, error: (error as Error).message }),
          );
          break;
        case 'reply': {
          const p = pending.get(m.id);
          if (p !== undefined && p.slot === slot) p.settle(m);
          break;
        }
      }
    }

    function onExit(slot: Slot, code: number | null, signal: string | null): void {
      slot.ready = false;
      for (const p of pending.values()) if (p.slot === slot) p.settle({ error: `process ${slot.index + 1} exited` });
      if (slots[slot.index] !== slot) return;
      if (stopping) {
        if (slots.every((s) => s.worker.isDead())) resolveDone(exitCode);
        return;
      }
      const how = signal !== null ? `signal ${signal}` : `code ${code}`;
      if (!started) {
        void stop();
        rejectStart(new Error(`CSMS process ${slot.index + 1} exited with ${how} while starting`));
        return;
      }
      const now = Date.now();
      while (restarts.length > 0 && restarts[0] < now - RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length >= MAX_RESTARTS) {
        log(`csms: process ${slot.index + 1} (pid ${slot.worker.process.pid}) exited with ${how}; ${MAX_RESTARTS} restarts within a minute already, stopping`);
        exitCode = 1;
        void stop();
        return;
      }
      restarts.push(now);
      log(`csms: process ${slot.index + 1} (pid ${slot.worker.process.pid}) exited with ${how}; its charge points were disconnected; restarting it`);
      fork(slot.index, slot.generation + 1);
    }

    /** `req` on every ready worker, merged. */
    async function fanOut(req: FleetOp): Promise<unknown> {
      const live = slots.filter((s) => s.ready);
      const parts = await Promise.all(live.map((slot) => doOn(slot, req)));
      const values = parts.filter((p) => p.error === undefined).map((p) => p.value);
      const unanswered = parts.length - values.length;
      const missing = (): Error => new Error(`${unanswered} of ${processes} CSMS processes did not answer (${parts.find((p) => p.error)?.error})`);
      switch (req.op) {
        case 'stats':
          if (unanswered > 0 || live.length < processes) throw unanswered > 0 ? missing() : new Error('A CSMS process is restarting; try again');
          return sumCounters(values);
        case 'chargePoints':
          if (unanswered > 0) throw missing();
          return concatLists(values);
        case 'call': {
          const outcome = mergeCalls(values as CallOutcome[], unanswered, req.identity);
          if (outcome === null) throw missing();
          return outcome;
        }
        case 'broadcast': {
          const merged: Record<string, unknown> = { ...mergeBroadcasts(values) };
          if (unanswered > 0) merged.processesUnanswered = unanswered;
          return merged;
        }
      }
    }

    function doOn(slot: Slot, req: FleetOp): Promise<{ value?: unknown; error?: string }> {
      const id = nextId++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => settle({ error: `process ${slot.index + 1} did not answer in time` }), deadlineOf(req));
        const settle = (r: { value?: unknown; error?: string }): void => {
          clearTimeout(timer);
          pending.delete(id);
          resolve(r);
        };
        pending.set(id, { slot, settle });
        send(slot, { t: 'do', id, req });
      });
    }

    async function stop(): Promise<number> {
      if (!stopping) {
        stopping = true;
        for (const slot of slots) if (slot !== undefined) send(slot, { t: 'stop' });
        if (slots.every((s) => s.worker.isDead())) resolveDone(exitCode);
        const kill = setTimeout(() => {
          for (const slot of slots) if (!slot.worker.isDead()) slot.worker.process.kill('SIGKILL');
        }, STOP_GRACE_MS);
        void done.then(() => clearTimeout(kill));
      }
      return done;
    }

    for (let i = 0; i < processes; i++) fork(i, 0);
  });
}
