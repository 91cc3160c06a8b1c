/**
 * One simulated charge point: its connection, its single outstanding call, its queue and its
 * connectors — all plain fields, initialised in the constructor in a fixed order so every station
 * has the same hidden class. What a station shares with its shard (profile, validators, handlers,
 * the timer wheel, counters) is reached through `ctx`, never copied.
 *
 * Life cycle: connect → BootNotification (retried on Pending/Rejected) → StatusNotification for every
 * connector → heartbeats, the driver's sessions, meter values → on a dropped connection, reconnect
 * with backoff and resend what was not confirmed.
 */
import { WebSocket } from 'ws';
import { decodeFrame, encodeCall, encodeCallError, FrameError, CALL, CALLRESULT } from '../protocol/frame.js';
import { isVersionErrorCode, parseErrorCode } from '../protocol/errors.js';
import type { ResponseRule } from './response-rule.js';
import { A, S, T } from '../metrics/shard-stats.js';
import { jitter } from '../util/random.js';
import { atLeastRetryFloor } from './retry.js';
import { Setting } from './settings.js';
import { TxBounds, type StopCause } from './dialect.js';
import { Connector, Transaction, type ConnectorStatus } from './connector.js';
import { evAcceptanceW, powerLimitW, splitPower } from './meter.js';
import { CallQueue, Kind, ObservedCall, OutboundCall } from './outbound.js';
import type { ShardContext } from './shard-context.js';
import { handleCall } from './inbound.js';
import type { FirmwareState } from './firmware-state.js';
import type { AuthState } from './authorization.js';
import { reservationsSeeStatus, type ReservationState } from './reservation.js';
import { LogKind, stationLog } from './log.js';
import { onFailure, onResponse } from './responses.js';
import { attachSocket, connectFailed, failsOnPurpose } from './socket.js';
import * as driver from './driver.js';
import { keptItems, withItem } from '../util/exact-array.js';

/** Connection state. */
export const enum Link {
  /** Not connected; `reconnectAt` says when to try. */
  Down,
  /** Waiting for one of the shard's connection slots (see Shard.requestConnect). */
  Waiting,
  Connecting,
  Open,
  /** Stopping for good (end of run). */
  Closed,
}

/** Boot state (OCPP 1.6 §4.2 BootNotification, RegistrationStatus). */
export const enum Boot {
  None,
  Pending,
  Accepted,
  Rejected,
}

/**
 * Heartbeats and periodic meter values, and their answers, are left out of the charge point's own
 * log: they are most of the traffic and say little, and keeping every frame alive for the log would
 * cost the fleet measurable GC time (the bench showed +1.5 % of a core at 10,000 charge points).
 */
function isRoutine(call: OutboundCall): boolean {
  return call.kind === Kind.Heartbeat || (call.kind === Kind.MeterValues && call.tx !== null);
}

function isTriggered(call: OutboundCall): boolean {
  return call.triggered;
}

function isMeterValues(call: OutboundCall): boolean {
  return call.kind === Kind.MeterValues;
}

/** A call that may go before kept ones when the queue is full: not kept, and not the boot. */
function isExpendable(call: OutboundCall): boolean {
  return !call.isTransactional && call.kind !== Kind.Boot;
}

/**
 * A connection proves itself by a boot accepted on it or by staying up this long; only then does the
 * reconnect backoff start again from its initial delay. A CSMS that accepts the WebSocket and closes
 * it at once thus meets the full backoff (1 s doubling to 30 s), not one attempt a second forever.
 */
export const STABLE_LINK_MS = 10_000;

/** A call that timed out: its answer may still come, and is then a late answer, not a stray frame. */
interface TimedOut {
  id: string;
  action: number;
  sentAt: number;
}
/** Timed-out calls remembered per station for late answers (the newest few; older ones are forgotten). */
const LATE_SLOTS = 4;

/**
 * What smart charging (a version's feature) needs to hear from the core: a transaction's start and end
 * change which charging profiles bind its connector.
 */
export interface ChargingLimits {
  transactionStarted(c: Connector, now: number): void;
  transactionEnded(c: Connector, now: number): void;
}

/**
 * What a version's variable monitoring (2.0.1 N07) hears from the core: values it watches (a
 * connector's state, its power) may have changed.
 */
export interface ValueWatch {
  changed(st: Station, now: number): void;
}

/**
 * What the link needs of the security functions' state (the version's security feature keeps more):
 * the URL after a security profile upgrade, the outage's connection event, and the way back.
 */
export interface LinkSecurity {
  /** wss:// URL after an upgrade of a ws:// charge point to security profile 2 or 3. */
  url: string | null;
  /** The connection event raised in the current outage (socket.ts), so it is raised once; null when connected. */
  linkEvent: string | null;
  /** After a security profile upgrade, until a connection with it succeeds: what to fall back to. */
  fallback: { profile: string; url: string | null; failures: number; attempts?: number; slot?: number } | null;
  /** 2.0.1: the network configuration slot in use (B09/B10), and the configuration (priority and profile) last applied at power-up. */
  slot?: number;
  appliedPriority?: string;
  /**
   * 2.0.1 A02.FR.10/28: a renewed client certificate on trial until a connection with it opens — failed
   * attempts with it (socket.ts counts), of how many, and the certificate before it (its version's; null: the run's).
   */
  clientTrial?: { failures: number; attempts: number; previous: object | null } | null;
  /** Scenario `network: {fail: next}`: armed, then failing while the station tries new connection settings (socket.ts). */
  failNext?: 'armed' | 'failing' | null;
}

/**
 * Why a charge point rebooted: the power came (back), a reset the CSMS asked for at once or once idle,
 * or new firmware.
 */
export type RebootCause = 'PowerUp' | 'Reset' | 'ScheduledReset' | 'FirmwareUpdate';

/**
 * Connectors a manual action (the control API) paused, with what their behaviour had planned: when
 * its next step was due, and an answer it waited for that came meanwhile (control/pause.ts).
 */
export interface ManualControl {
  paused: Map<number, { due: number; answer: string | null }>;
}

/** A one-off deadline of a station (see Station.later). */
export interface Alarm {
  at: number;
  run(st: Station, now: number): void;
  /** Who set it, so a feature can cancel its own alarms (e.g. a reservation's expiry). */
  readonly tag: string;
}

export class Station {
  // Timer wheel bookkeeping (see util/timer-wheel.ts).
  wakeAt = Infinity;
  filedAt = NaN;

  ws: WebSocket | null = null;
  link = Link.Down;
  boot = Boot.None;
  /** The state this station is counted under in the fleet gauge. */
  gauge = S.Connecting;

  // The one outstanding outbound CALL (OCPP-J 1.6 §4.1.1: at most one at a time).
  pending: OutboundCall | null = null;
  pendingId = '';
  pendingSentAt = 0;
  pendingDeadline = Infinity;
  readonly queue = new CallQueue();
  /** While answering an inbound CALL, follow-up calls wait until the answer is on the wire. */
  replying = false;
  private msgSeq = 0;

  // Deadlines (absolute ms); Infinity = not planned.
  reconnectAt = 0;
  reconnectAttempt = 0;
  /** When the current connection opened (ms), and whether a boot was accepted on it (see STABLE_LINK_MS). */
  openedAt = 0;
  linkProven = false;
  /** Calls that timed out, newest last, so their late answers are recognised (lazy; see TimedOut). */
  timedOutCalls: TimedOut[] | null = null;
  bootRetryAt = Infinity;
  nextHeartbeatAt = Infinity;
  nextMeterAt = Infinity;
  /** Next clock-aligned meter reading (ClockAlignedDataInterval, aligned to midnight UTC). */
  nextClockAt = Infinity;
  /**
   * Next WebSocket ping (WebSocketPingInterval, OCPP-J 1.6 §5); a ping still unanswered by then means
   * the link is dead, and it is dropped so the reconnect logic takes over.
   */
  nextPingAt = Infinity;
  awaitingPong = false;
  /** A Reset in progress: reboot once the queue has drained or this deadline passes. */
  rebootAt = Infinity;
  /** The reboot waits for the queue to drain (soft reset); false: nothing more is sent before it (hard). */
  rebootDrains = false;
  /** How the scenario wants CSMS calls answered, by action (lazy); and an answer held back until deferredAt. */
  rules: Map<string, ResponseRule> | null = null;
  deferred: string | null = null;
  deferredAt = Infinity;
  /** A scenario took the station offline until then (ms). */
  offlineUntil = 0;
  /** Ever booted since power-up: a reconnect after that does not boot again (OCPP 1.6 §4.2). */
  poweredUp = false;
  everBooted = false;
  everConnected = false;

  /**
   * One-off deadlines of rarely used features (a firmware download, a reservation's expiry…), sorted
   * by time; null until first used. They ride on this station's single wheel entry (see {@link later}).
   */
  alarms: Alarm[] | null = null;

  // Feature-profile state (issue #6), each null until the CSMS first uses the feature, so the
  // thousands of charge points that never do cost nothing for it.

  /** Firmware Management and log uploads: installed version, update and upload in progress (lazy). */
  firmware: FirmwareState | null = null;
  /** Smart Charging: installed charging profiles and the limits they set (lazy; OCPP 1.6 §3.13). */
  smartCharging: ChargingLimits | null = null;
  /** Local Authorization List and Authorization Cache (lazy; OCPP 1.6 §3.5, station/authorization.ts). */
  auth: AuthState | null = null;
  /** Reservations held on this charge point (null while none; OCPP 1.6 §5.13, station/reservation.ts). */
  reservations: ReservationState | null = null;
  /** Security extension: credentials and certificates the CSMS set, security log (lazy; features/security/state.ts). */
  security: LinkSecurity | null = null;

  /** Configuration keys the CSMS changed; defaults live in the shared profile (lazy). */
  config: Map<string, string> | null = null;
  /**
   * Device-model values the CSMS changed, by the model's value slot (2.0.1 addresses its settings by
   * component and variable, which its shared device model numbers; lazy, null while untouched).
   */
  variables: Map<number, string> | null = null;
  /** Connection profiles the CSMS stored, by configuration slot (2.0.1 SetNetworkProfile, B09; lazy). */
  networkProfiles: Map<number, object> | null = null;
  /** Variable monitors and their alarm state (2.0.1 N04/N07, ocpp201/monitoring/); null until monitoring is first used (lazy). */
  monitoring: ValueWatch | null = null;
  /** What the CSMS gave the driver's display: messages and prices (2.0.1 O, I; lazy; its version's, ocpp201/display/state.ts). */
  display: object | null = null;
  /** Connectors a manual action (control API) paused, with their saved plans (lazy; control/pause.ts). */
  control: ManualControl | null = null;
  /** Why the charge point last rebooted: its next boot's reason in versions that give one (2.0.1 B01). */
  lastReboot: RebootCause = 'PowerUp';
  /** A reset waits for the last transaction to end (2.0.1 Reset OnIdle); no new session starts meanwhile. */
  resetWhenIdle = false;
  /** This charge point's random key: its decisions are hashed from it, never drawn from a stream (util/random.ts). */
  rng: number;
  readonly connectors: Connector[];

  constructor(
    readonly ctx: ShardContext,
    readonly index: number,
    readonly identity: string,
    readonly url: string,
    rngSeed: number,
  ) {
    this.rng = rngSeed;
    const specs = ctx.profile.connectors;
    this.connectors = new Array(specs.length + 1);
    this.connectors[0] = new Connector(0, 0);
    for (let i = 1; i <= specs.length; i++) this.connectors[i] = new Connector(i, ctx.profile.registerStartWh, specs[i - 1]);
  }

  // ---------------------------------------------------------------- configuration

  /** A configuration value by the version's own name (a 1.6 key); see {@link setting} for the core's reads. */
  getConfig(key: string): string | undefined {
    return this.config?.get(key) ?? this.ctx.defaultConfig.get(key);
  }

  configInt(key: string): number {
    return Number(this.getConfig(key) ?? 0);
  }

  /** A setting by meaning, wherever the charge point's OCPP version keeps it (station/settings.ts). */
  setting(s: Setting): string | undefined {
    return this.ctx.readSetting(this, s);
  }

  settingInt(s: Setting): number {
    return Number(this.setting(s) ?? 0);
  }

  settingOn(s: Setting): boolean {
    return this.setting(s) === 'true';
  }

  /** Changes a configuration value; one the station's clocks depend on re-arms them. */
  setConfig(key: string, value: string): void {
    (this.config ??= new Map()).set(key, value);
    const s = this.ctx.settingNames.indexOf(key);
    if (s >= 0) this.settingChanged(s);
  }

  /** Stores a setting's value without re-arming anything (the caller does). */
  storeSetting(s: Setting, value: string): void {
    this.ctx.writeSetting(this, s, value);
  }

  /** A setting the station's clocks depend on changed: re-arm them. */
  settingChanged(s: Setting): void {
    const now = this.ctx.now();
    if (s === Setting.HeartbeatInterval) this.armHeartbeat(now);
    else if (s === Setting.MeterSampleInterval) this.armMeter(now);
    else if (s === Setting.ClockAlignedInterval) this.armClock(now);
    else if (s === Setting.PingInterval) this.armPing(now);
  }

  // ---------------------------------------------------------------- connection

  connect(): void {
    const { options } = this.ctx;
    if (!this.everConnected) {
      this.everConnected = true;
      this.ctx.stats.totals[T.ChargePointsStarted]++;
    }
    this.link = Link.Connecting;
    this.setGauge(S.Connecting);
    let ws: WebSocket;
    try {
      // After a security profile upgrade the CSMS is reached over TLS (Security Whitepaper A05).
      // The options first: a 2.0.1 station picks its network profile (and URL) as it makes them.
      const opts = this.ctx.wsOptions(this);
      if (failsOnPurpose(this)) {
        // Scenario `network: {fail: next}`: no socket; the attempt ends as a refused one would, on the next wake-up.
        this.later(this.ctx.now(), 'scenario-link-failure', (st, now) => st.onClosed(now));
        return;
      }
      ws = new WebSocket(this.security?.url ?? this.url, this.ctx.subprotocols, opts);
    } catch (err) {
      this.ctx.stats.problem(`${this.identity}: cannot connect: ${(err as Error).message}`);
      this.onClosed(this.ctx.now());
      return;
    }
    attachSocket(this, ws);
    this.ws = ws;
    this.pendingDeadline = this.ctx.now() + options.connectTimeoutMs;
  }

  onOpen(now: number): void {
    if (this.ws!.protocol !== this.ctx.subprotocols[0]) {
      // OCPP-J §3.1.2: the server must agree on the OCPP version; without it we cannot talk. The link
      // stays Connecting: its close counts as a failed attempt (and frees the connection slot).
      connectFailed(this, 'subprotocol', `CSMS did not accept subprotocol ${this.ctx.subprotocols[0]}`);
      this.ws!.close(1002, 'subprotocol required');
      return;
    }
    this.ctx.connectSettled();
    this.link = Link.Open;
    this.pendingDeadline = Infinity;
    this.openedAt = now;
    this.linkProven = false;
    this.ctx.stats.totals[T.LinksOpened]++;
    this.ctx.stats.lastOpenAt = Date.now();
    this.setGauge(S.Connected);
    this.awaitingPong = false;
    this.armPing(now);
    if (this.boot === Boot.Accepted && this.poweredUp) {
      this.afterAccepted(now, false);
    } else {
      this.sendBoot();
    }
  }

  /** The socket is gone: requeue what must not be lost, plan a reconnect with backoff. */
  onClosed(now: number): void {
    this.ws = null;
    const wasOpen = this.link === Link.Open;
    if (this.link === Link.Connecting) this.ctx.connectSettled();
    const lost: OutboundCall[] = [];
    if (this.pending) {
      const call = this.pending;
      this.pending = null;
      this.pendingDeadline = Infinity;
      if (call.isTransactional) this.queue.unshift(call);
      else lost.push(call);
    }
    // Only transaction messages are kept for later (OCPP 1.6 §4.7); status is re-synced on reconnect
    // and heartbeats or authorizations made for a connection that is gone mean nothing.
    this.queue.retain((c) => c.isTransactional || (lost.push(c), false));
    this.nextHeartbeatAt = Infinity;
    this.nextPingAt = Infinity;
    this.bootRetryAt = Infinity;
    if (this.boot !== Boot.Accepted) this.boot = Boot.None;
    if (this.link === Link.Closed) return;
    // Whoever waited for a dropped call's answer hears that it failed — with the link already Down,
    // so a call they queue in turn waits for the reconnect instead of going to the dead socket.
    this.link = Link.Down;
    for (const call of lost) onFailure(this, call, 'Disconnected', now);
    if (this.rebootAt !== Infinity) {
      this.powerCycle(now);
      return;
    }
    if (wasOpen) this.ctx.stats.totals[T.Reconnects]++;
    else this.ctx.stats.totals[T.ConnectFailures]++;
    this.setGauge(S.Offline);
    if (this.offlineUntil > now) {
      // Offline on purpose: come back when planned, without backoff.
      this.reconnectAt = this.offlineUntil;
      return this.arm(now);
    }
    const proven = wasOpen && (this.linkProven || now - this.openedAt >= STABLE_LINK_MS);
    if (proven) this.reconnectAttempt = 0;
    const { initialMs, maxMs } = this.ctx.options.reconnect;
    const delay = Math.min(maxMs, initialMs * 2 ** this.reconnectAttempt);
    this.reconnectAttempt++;
    this.reconnectAt = now + jitter(this, delay, 0.25);
    if (wasOpen && !proven) {
      this.ctx.stats.totals[T.EarlyCloses]++;
      this.ctx.stats.problemOnce('early-close', `${this.identity}: the CSMS closed the connection ${Math.round(now - this.openedAt)} ms after it opened, before it proved itself (counted as early closes; the reconnect backoff keeps growing)`);
    }
    this.arm(now);
  }

  /** Sends raw text if the socket is open. */
  sendRaw(text: string): boolean {
    const ws = this.ws;
    if (!ws || this.link !== Link.Open || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(text);
    this.ctx.stats.totals[T.MessagesOut]++;
    return true;
  }

  close(code = 1000, reason = ''): void {
    this.ws?.close(code, reason);
  }

  // ---------------------------------------------------------------- outbound calls

  /** Queues a call; it goes out when the slot is free and the station may send it. */
  enqueue(call: OutboundCall): void {
    if (this.queue.length >= this.ctx.options.queueLimit && !this.makeRoom(call)) return;
    this.queue.push(call);
    if (!this.replying) this.pump(this.ctx.now());
  }

  /**
   * The queue is full (StationOptions.queueLimit, a charge point's memory): one call goes, counted
   * as dropped and named — never silently. What goes first is what matters least: the oldest
   * MeterValues (periodic and clock-aligned readings: a transaction's start and stop meter readings
   * are in its Start/StopTransaction), then the oldest call that is not kept (a status, an
   * Authorize), and only then the oldest message of all — the order libocpp's
   * MessageQueueSizeThreshold follows too. The incoming call counts as the newest of its class.
   * Returns false when the incoming call itself is the one dropped.
   */
  private makeRoom(incoming: OutboundCall): boolean {
    const { queue } = this;
    const victim =
      queue.takeFirst(isMeterValues) ??
      (isMeterValues(incoming) ? incoming : (queue.takeFirst(isExpendable) ?? (isExpendable(incoming) ? incoming : queue.shift()!)));
    const { stats } = this.ctx;
    stats.count(stats.actionIndex(victim.action), A.Dropped);
    stats.problem(`${this.identity}: queue full (${this.ctx.options.queueLimit} messages): dropped a ${victim.action}`);
    // Whoever waits for a dropped call's answer (a scenario step, the driver's Authorize) hears it failed.
    if (!victim.isTransactional) onFailure(this, victim, 'Failed', this.ctx.now());
    return victim !== incoming;
  }

  /** Sends the next queued call if nothing is outstanding and sending is allowed. */
  pump(now: number): void {
    // An answer a scenario holds back (respond with a delay) goes first: what the call made the charge
    // point send follows it, as OCPP requires (e.g. TriggerMessage, OCPP 1.6 §5.17).
    if (this.pending || this.link !== Link.Open || this.deferred !== null) return;
    // Hard reset or power loss: nothing more goes out before the reboot; the queue is delivered after
    // the next boot (OCPP 1.6 §5.14: a hard reset need not stop transactions gracefully).
    if (this.rebootAt !== Infinity && !this.rebootDrains) return;
    const head = this.queue.peek();
    if (!head) return;
    if (this.boot !== Boot.Accepted && head.kind !== Kind.Boot) {
      // Before BootNotification is accepted nothing else may be sent (OCPP 1.6 §4.2) — except, while
      // Pending, what the CSMS asked for with a TriggerMessage (§4.2).
      if (this.boot !== Boot.Pending) return;
      const triggered = this.queue.takeFirst(isTriggered);
      if (triggered) this.send(triggered, now);
      return;
    }
    // A transaction message waiting for its retry keeps transaction messages in order behind it,
    // but must not silence the rest: the first other call that is due may go first.
    const next = head.notBefore <= now ? this.queue.shift() : this.queue.takeFirst((c) => !c.isTransactional);
    if (next) this.send(next, now);
  }

  private send(call: OutboundCall, now: number): void {
    const { ctx } = this;
    const payload = call.payload;
    if (!ctx.dialect.beforeSend(call)) {
      // Its transaction was never confirmed by the CSMS, which cannot place this message. Drop it.
      ctx.stats.count(ctx.stats.actionIndex(call.action), A.Dropped);
      ctx.stats.problem(`${this.identity}: dropped ${call.action} of a transaction the CSMS never confirmed`);
      return this.pump(now);
    }
    const action = ctx.stats.actionIndex(call.action);
    if (ctx.options.strict) {
      const bad = ctx.validator.request(call.action, payload);
      if (bad) {
        ctx.stats.problem(`${this.identity}: refusing to send invalid ${call.action}: ${bad.message}`);
        ctx.stats.count(action, A.CallErrors);
        // Whoever waits for its answer (a scenario step, the driver's Authorize) hears that it failed
        // rather than waiting forever — on the next wake-up, once the caller has started waiting.
        this.later(now, 'refused', (st, at) => st.refused(call, at));
        return this.pump(now);
      }
    }
    this.pendingId = ctx.messageId(this.rng, ++this.msgSeq);
    this.pending = call;
    call.attempts++;
    this.pendingSentAt = performance.now();
    this.pendingDeadline = now + ctx.options.callTimeoutMs;
    ctx.stats.count(action, A.CallsSent);
    const text = encodeCall(this.pendingId, call.action, payload);
    if (!isRoutine(call)) stationLog.record(this, LogKind.Out, text, now);
    // The event stream sees every frame: someone watching this charge point wants its MeterValues too.
    if (ctx.tap !== null) ctx.tap.frame(this, 'out', text, now);
    this.sendRaw(text);
    this.arm(now);
  }

  /** A call --strict refused to send (see send) fails as if the CSMS had refused it. */
  private refused(call: OutboundCall, now: number): void {
    if (call.kind === Kind.StartTx && call.tx) {
      this.ctx.stats.totals[T.TxRejected]++;
      driver.transactionRefused(this, call.tx, now);
    }
    onFailure(this, call, 'Failed', now);
  }

  /** The outstanding call ended (answered, failed or timed out): move on. */
  private settle(now: number): void {
    this.pending = null;
    this.pendingDeadline = Infinity;
    if (this.ctx.options.backToBack && this.queue.length === 0) this.kick();
    this.pump(now);
    this.arm(now);
  }

  /**
   * A transaction message that got a CALLERROR, an invalid answer or no answer is retried up to
   * TransactionMessageAttempts times, waiting TransactionMessageRetryInterval × attempts between
   * tries (OCPP 1.6 §4.7, §9.1.32–33). A notification kept like one (Kind.Kept) is retried only when
   * it went unanswered: the spec asks for retries of transaction messages only, and a CSMS that
   * answered with a CALLERROR (say NotImplemented) has received it and said no — once is enough.
   * Anything else is given up. `code`: the CALLERROR code, 'Timeout', or undefined (invalid answer).
   */
  private failed(call: OutboundCall, now: number, code?: string): void {
    // While the run stops, the attempt stop() made due is the last one.
    const retry = call.isTransactional && !this.ctx.stopping && (call.kind !== Kind.Kept || code === 'Timeout');
    if (retry && call.attempts < Math.max(1, this.settingInt(Setting.TxMessageAttempts))) {
      call.notBefore = now + atLeastRetryFloor(this.settingInt(Setting.TxMessageRetryInterval) * 1000 * call.attempts);
      this.queue.unshift(call);
    } else if (call.kind === Kind.Boot) {
      this.bootRetryAt = now + atLeastRetryFloor(this.ctx.options.bootRetryMs);
    } else {
      if (call.kind === Kind.StartTx && call.tx) {
        this.ctx.stats.totals[T.TxRejected]++;
        driver.transactionRefused(this, call.tx, now);
      }
      onFailure(this, call, 'Failed', now);
    }
  }

  /** Queues a Heartbeat now (benchmark saturation; TriggerMessage uses the same call). */
  kick(): void {
    if (this.boot === Boot.Accepted) this.enqueue(this.ctx.dialect.heartbeat());
  }

  // ---------------------------------------------------------------- inbound frames

  onFrame(text: string, now: number): void {
    const { ctx } = this;
    ctx.stats.totals[T.MessagesIn]++;
    const frame = decodeFrame(text);
    // The charge point's own log (GetDiagnostics): every frame but the routine answers.
    if (frame instanceof FrameError || frame[0] === CALL || !this.pending || !isRoutine(this.pending)) stationLog.record(this, LogKind.In, text, now);
    if (ctx.tap !== null) ctx.tap.frame(this, 'in', text, now);
    if (frame instanceof FrameError) {
      ctx.stats.totals[T.BadFrames]++;
      ctx.stats.problem(`${this.identity}: bad frame from CSMS (${frame.message}): ${text.slice(0, 120)}`);
      if (frame.replyId !== null) {
        this.sendRaw(encodeCallError(frame.replyId, frame.code, frame.message, {}, ctx.version));
      }
      // Not a valid OCPP message: a security event for charge points using the extension (Whitepaper §8).
      ctx.securityEvent(this, 'InvalidMessages', frame.message, now);
      return;
    }
    if (frame[0] === CALL) return handleCall(this, frame[1], frame[2], frame[3], now);
    const call = this.pending;
    if (!call || frame[1] !== this.pendingId) {
      if (this.lateAnswer(frame[1])) return;
      ctx.stats.totals[T.BadFrames]++;
      ctx.stats.problem(`${this.identity}: response to unknown message id ${frame[1]}`);
      return;
    }
    const action = ctx.stats.actionIndex(call.action);
    ctx.stats.latencyUs(action, (performance.now() - this.pendingSentAt) * 1000);
    if (call instanceof ObservedCall) call.observe(frame[0] === CALLRESULT ? { payload: frame[2] } : { error: { code: frame[2], description: frame[3], details: frame[4] } });
    if (frame[0] === CALLRESULT) {
      const bad = ctx.validator.response(call.action, frame[2]);
      if (bad) {
        ctx.stats.count(action, A.InvalidResponses);
        ctx.stats.problem(`${this.identity}: invalid ${call.action} response: ${bad.message}`);
        this.failed(call, now);
      } else {
        ctx.stats.count(action, A.Results);
        onResponse(this, call, frame[2], now);
      }
    } else {
      ctx.stats.count(action, A.CallErrors);
      ctx.stats.callError(action, frame[2]);
      const code = parseErrorCode(frame[2]) ?? frame[2];
      ctx.stats.problem(`${this.identity}: ${call.action} answered with CALLERROR ${code}: ${frame[3]}`);
      if (!isVersionErrorCode(frame[2], ctx.version)) {
        // OCPP-J 1.6 §4.2.3 lists the codes a CALLERROR may carry; another one (e.g. 2.0.1's
        // RpcFrameworkError from a 1.6 CSMS) is a protocol violation of the CSMS, not just a refusal.
        ctx.stats.count(action, A.BadErrorCodes);
        ctx.stats.problem(`${this.identity}: ${call.action} answered with CALLERROR code ${frame[2]}, which is not an OCPP ${ctx.version} error code`);
      }
      this.failed(call, now, code);
    }
    this.settle(now);
  }

  /**
   * An answer to a call that already timed out: counted once, as the late answer it is (the timeout
   * was counted when it happened), with its real latency; not a stray frame. Returns false for an id
   * no timed-out call had.
   */
  private lateAnswer(id: string): boolean {
    const list = this.timedOutCalls;
    if (list === null) return false;
    const i = list.findIndex((t) => t.id === id);
    if (i < 0) return false;
    const late = list[i];
    list.splice(i, 1);
    this.ctx.stats.count(late.action, A.LateAnswers);
    this.ctx.stats.latencyUs(late.action, (performance.now() - late.sentAt) * 1000);
    return true;
  }

  // ---------------------------------------------------------------- boot, heartbeat, status

  sendBoot(): void {
    this.bootRetryAt = Infinity;
    this.queue.retain((c) => c.kind !== Kind.Boot);
    this.queue.unshift(this.ctx.dialect.boot(this));
    this.pump(this.ctx.now());
  }

  /** Boot accepted (or reconnected after an accepted boot): report status, start the clocks. */
  afterAccepted(now: number, fresh: boolean): void {
    this.boot = Boot.Accepted;
    this.poweredUp = true;
    this.updateGauge();
    const zero = this.ctx.profile.quirks.statusNotificationConnectorZero;
    // Statuses queued while the boot was pending are superseded by the reports below (a reservation
    // that expired meanwhile is not shown Reserved after the boot).
    if (fresh) this.queue.retain((call) => call.kind !== Kind.Status || call.triggered || (call.connectorId === 0 && !zero));
    for (const c of this.connectors) {
      if (c.id === 0 && !zero) continue;
      // After a boot every connector is reported; after a reconnect only what changed (OCPP 1.6 §4.9).
      if (fresh || (c.status !== c.reportedStatus && this.ctx.dialect.reports(c.reportedStatus, c.status))) this.reportStatus(c, now);
    }
    const dt = this.ctx.profile.bootDataTransfer;
    if (fresh && dt) this.enqueue(this.ctx.dialect.vendorMessage(this, dt));
    this.armHeartbeat(now);
    this.armMeter(now);
    this.armClock(now);
    if (fresh) this.ctx.behaviour.start(this, now);
    // Booted after power-up: a security event when the security extension is used (Whitepaper §8).
    if (fresh) this.ctx.securityEvent(this, 'StartupOfTheDevice', undefined, now);
    this.pump(now);
    this.arm(now);
  }

  armHeartbeat(now: number): void {
    if (this.boot !== Boot.Accepted || this.ctx.stopping) return;
    const interval = this.settingInt(Setting.HeartbeatInterval) * 1000;
    this.nextHeartbeatAt = interval > 0 ? now + interval : Infinity;
    this.arm(now);
  }

  armPing(now: number): void {
    const interval = this.settingInt(Setting.PingInterval) * 1000;
    this.nextPingAt = interval > 0 && this.link === Link.Open ? now + interval : Infinity;
  }

  /** Sends a WebSocket ping, or drops a link whose last ping was never answered. */
  private ping(now: number): void {
    if (this.awaitingPong) {
      this.ctx.stats.problem(`${this.identity}: no WebSocket pong within WebSocketPingInterval; reconnecting`);
      this.ws!.terminate();
      return;
    }
    this.awaitingPong = true;
    this.ws!.ping();
    this.armPing(now);
  }

  armMeter(now: number): void {
    const interval = this.settingInt(Setting.MeterSampleInterval) * 1000;
    this.nextMeterAt = interval > 0 && this.anyCharging() ? now + interval : Infinity;
    this.arm(now);
  }

  /** ChangeAvailability on connector 0 made the whole charge point inoperative. */
  operativeBlocked(): boolean {
    return !this.connectors[0].operative;
  }

  /**
   * Clock-aligned readings fall on multiples of ClockAlignedDataInterval from midnight (OCPP 1.6
   * §9.1.2); epoch multiples are midnight-UTC multiples for every interval that divides a day.
   */
  armClock(now: number): void {
    const interval = this.settingInt(Setting.ClockAlignedInterval) * 1000;
    this.nextClockAt = interval > 0 && this.boot === Boot.Accepted ? (Math.floor(now / interval) + 1) * interval : Infinity;
    this.arm(now);
  }

  anyCharging(): boolean {
    for (let i = 1; i < this.connectors.length; i++) if (this.connectors[i].tx && !this.connectors[i].tx!.stopped) return true;
    return false;
  }

  /** Changes a connector's status and reports it (checked against the 1.6 transition table). */
  setStatus(c: Connector, status: ConnectorStatus, now: number): void {
    if (c.status === status) return;
    if (!this.ctx.dialect.allowsTransition(c.id, c.status, status)) {
      // A simulator bug, not the CSMS's: say so rather than send an impossible sequence silently.
      this.ctx.stats.problem(`${this.identity}: connector ${c.id} ${c.status} → ${status} is not a transition OCPP ${this.ctx.version} allows`);
    }
    const { dialect } = this.ctx;
    const from = c.status;
    c.status = status;
    if (dialect.reports(from, status)) this.reportStatus(c, now);
    // A running transaction's charging state is news of its own in some versions (2.0.1 E02).
    if (c.tx !== null && !c.tx.stopped) {
      const update = dialect.txChanged(this, c, c.tx, now);
      if (update !== null) this.enqueue(update);
    }
    // A Faulted or Unavailable connector (or charge point) ends its reservations (§5.13); see reservation.ts.
    if (this.reservations !== null) reservationsSeeStatus(this, c, status, now);
    // Problems and monitored values a version reports (2.0.1 NotifyEvent, N07).
    if (dialect.statusChanged !== undefined) dialect.statusChanged(this, c, from, now);
    if (this.ctx.tap !== null) this.ctx.tap.status(this, c, from, now);
    this.updateGauge();
  }

  reportStatus(c: Connector, now: number): void {
    const call = this.ctx.dialect.status(this, c, now);
    if (call !== null) this.enqueue(call);
  }

  /** A connected, booted charge point counts as faulted (any connector Faulted), charging, or booted. */
  updateGauge(): void {
    if (this.link !== Link.Open || this.boot !== Boot.Accepted) return;
    let state = this.anyCharging() ? S.Charging : S.Booted;
    for (const c of this.connectors) if (c.status === 'Faulted') state = S.Faulted;
    this.setGauge(state);
  }

  setGauge(state: S): void {
    if (this.gauge === state) return;
    this.ctx.stats.move(this.gauge, state);
    this.gauge = state;
  }

  // ---------------------------------------------------------------- transactions

  /**
   * The EV is plugged in: a version whose transactions begin at plug-in (TxBounds.StartsAtPlugIn) opens
   * one now, unauthorized and without energy, which {@link beginTransaction} later authorizes.
   */
  evConnected(c: Connector, now: number): void {
    if ((this.ctx.dialect.txBounds(this) & TxBounds.StartsAtPlugIn) === 0 || (c.tx !== null && !c.tx.stopped)) return;
    const tx = new Transaction(c.id, '', Math.floor(c.energyWh), now);
    tx.authorized = false;
    c.tx = tx;
    c.meterAt = now;
    this.enqueue(this.ctx.dialect.txStarted(this, tx, c.status));
    this.ctx.stats.totals[T.TxStarted]++;
    this.ctx.stats.totals[T.TxActive]++;
    if (this.nextMeterAt === Infinity) this.armMeter(now);
  }

  /**
   * The EV leaves (or the run or the power ends, `cause`): a transaction still open — opened at plug-in
   * and never authorized, or kept open after its energy session (TxBounds.EndsAtUnplug) — ends now.
   */
  evGone(c: Connector, cause: StopCause, now: number): void {
    const tx = c.tx;
    if (tx === null) return;
    if (!tx.stopped && !tx.authorized) return this.endTransaction(c, cause, now);
    if (!tx.stopped || tx.openAfter === null) return;
    const call = this.ctx.dialect.txClosed(this, tx, cause, now);
    tx.openAfter = null;
    if (call !== null) this.enqueue(call);
  }

  beginTransaction(c: Connector, idTag: string, now: number, reservationId?: number): Transaction {
    const opened = c.tx !== null && !c.tx.stopped && !c.tx.authorized ? c.tx : null;
    const tx = opened ?? new Transaction(c.id, idTag, Math.floor(c.energyWh), now);
    if (reservationId !== undefined) tx.reservationId = reservationId;
    tx.remoteStartId = c.remoteStartId;
    c.remoteStartId = null;
    c.tx = tx;
    c.meterAt = now;
    if (opened !== null) {
      // Opened at plug-in: now authorized, and energy may flow (E02).
      this.ctx.advanceMeter(c, now);
      tx.idTag = idTag;
      tx.authorized = true;
      const update = this.ctx.dialect.txAuthorized(this, tx);
      if (update !== null) this.enqueue(update);
    }
    // Default and remote-start charging profiles set the limit before the first reading.
    if (this.smartCharging !== null) this.smartCharging.transactionStarted(c, now);
    this.ctx.advanceMeter(c, now);
    this.sharePower(now);
    const status: ConnectorStatus = c.powerW > 0 ? 'Charging' : c.limitW === 0 ? 'SuspendedEVSE' : 'SuspendedEV';
    if (opened === null) {
      this.enqueue(this.ctx.dialect.txStarted(this, tx, status));
      this.ctx.stats.totals[T.TxStarted]++;
      this.ctx.stats.totals[T.TxActive]++;
    }
    this.setStatus(c, status, now);
    this.updateGauge();
    if (this.nextMeterAt === Infinity) this.armMeter(now);
    return tx;
  }

  /**
   * Re-splits the power cabinets of this model (profile powerSharing) among the outlets charging
   * now: every register is first brought up to `now` at the old powers, so energy stays exact.
   */
  sharePower(now: number): void {
    const groups = this.ctx.profile.powerSharing;
    if (!groups) return;
    for (const g of groups) {
      const active: Connector[] = [];
      for (const id of g.connectors) {
        const c = this.connectors[id];
        if (!c) continue;
        this.ctx.advanceMeter(c, now);
        c.shareW = Infinity;
        if (c.tx && !c.tx.stopped) active.push(c);
      }
      if (active.length === 0) continue;
      // What each would draw alone, then the split; advanceMeter (no time has passed) applies it.
      const dc = active[0].spec?.current === 'DC';
      const alloc = splitPower(active.map((c) => Math.min(powerLimitW(c), evAcceptanceW(c, dc))), g.maxPowerW);
      active.forEach((c, i) => {
        c.shareW = alloc[i];
        this.ctx.advanceMeter(c, now);
      });
    }
  }

  /** Ends the connector's transaction with a reason; StopTransaction is queued and kept until confirmed. */
  endTransaction(c: Connector, reason: StopCause, now: number): void {
    const tx = c.tx;
    if (!tx || tx.stopped) return;
    this.ctx.advanceMeter(c, now);
    tx.stopped = true;
    this.ctx.stats.totals[T.TxActive]--;
    tx.meterStop = Math.floor(c.energyWh);
    tx.stoppedAt = now;
    c.powerW = 0;
    if (this.smartCharging !== null) this.smartCharging.transactionEnded(c, now);
    this.sharePower(now); // the other outlets of its cabinet may take more now
    this.enqueue(this.ctx.dialect.txEnded(this, tx, reason));
    if (!this.anyCharging()) {
      this.nextMeterAt = Infinity;
      this.updateGauge();
    }
    if (c.scheduledOperative !== null) {
      // A ChangeAvailability answered "Scheduled" takes effect now that the transaction is over (§5.2).
      c.operative = c.scheduledOperative;
      c.scheduledOperative = null;
    }
    // The last transaction a waiting reset was waiting for (2.0.1 Reset OnIdle answered Scheduled).
    if (this.resetWhenIdle && !this.anyCharging()) this.reset(true, now, 'ScheduledReset');
  }

  findTransaction(id: string): Connector | undefined {
    for (let i = 1; i < this.connectors.length; i++) {
      const tx = this.connectors[i].tx;
      if (tx && !tx.stopped && tx.id === id) return this.connectors[i];
    }
    return undefined;
  }

  /** The connector of the transaction with this id that has not ended — running, or kept open until the EV leaves. */
  openTransaction(id: string): Connector | undefined {
    for (let i = 1; i < this.connectors.length; i++) {
      const tx = this.connectors[i].tx;
      if (tx !== null && tx.id === id && tx.open) return this.connectors[i];
    }
    return undefined;
  }

  /** Clock-aligned readings of every connector (MeterValuesAlignedData), part of a running transaction's data. */
  private sampleClock(now: number): void {
    for (let i = 1; i < this.connectors.length; i++) {
      const c = this.connectors[i];
      const tx = c.tx && !c.tx.stopped ? c.tx : null;
      this.ctx.advanceMeter(c, now);
      this.enqueue(this.ctx.dialect.meterSample(this, c, tx, now, 'Sample.Clock'));
    }
  }

  private sampleMeters(now: number): void {
    this.sharePower(now); // EVs taper as they fill: what one no longer takes, the others may
    for (let i = 1; i < this.connectors.length; i++) {
      const c = this.connectors[i];
      if (!c.tx || c.tx.stopped) continue;
      this.ctx.advanceMeter(c, now);
      this.enqueue(this.ctx.dialect.meterSample(this, c, c.tx, now, 'Sample.Periodic'));
      driver.onSample(this, c, now);
    }
    // The powers just sampled, for monitors watching them.
    if (this.monitoring !== null) this.monitoring.changed(this, now);
  }

  // ---------------------------------------------------------------- reset / reboot

  /** Reset: stop transactions, let the queue drain (soft) or not (hard), then reboot. */
  reset(hard: boolean, now: number, cause: RebootCause = 'Reset'): void {
    this.resetWhenIdle = false;
    this.ctx.securityEvent(this, 'ResetOrReboot', hard ? 'Hard reset' : 'Soft reset', now);
    this.shutDownFor(hard ? 'HardReset' : 'SoftReset', !hard, cause, now);
  }

  /**
   * A reset once no transaction runs (2.0.1 Reset OnIdle, B11): at once when idle, else when the last
   * one ends; until then no new session starts. Returns whether it had to wait.
   */
  resetOnIdle(now: number): boolean {
    if (!this.anyCharging()) {
      this.reset(true, now);
      return false;
    }
    this.resetWhenIdle = true;
    return true;
  }

  /** A power loss (scenario `reboot`): transactions end with PowerLoss, then a reboot at once. */
  powerLoss(now: number): void {
    this.shutDownFor('PowerLoss', false, 'PowerUp', now);
  }

  /** A reboot the charge point decides itself (to run new firmware): transactions end with Reboot. */
  rebootSelf(now: number): void {
    this.shutDownFor('Reboot', true, 'FirmwareUpdate', now);
  }

  /** New sessions may start: the run goes on and no reset is under way or waiting. */
  takesSessions(): boolean {
    return !this.ctx.stopping && this.rebootAt === Infinity && !this.resetWhenIdle;
  }

  /** `drains`: deliver what is queued before rebooting (soft), or send nothing more (hard, power loss). */
  private shutDownFor(reason: StopCause, drains: boolean, cause: RebootCause, now: number): void {
    // Set first: without a drain, the StopTransactions queued below wait for the reboot (see pump).
    this.rebootDrains = drains;
    this.lastReboot = cause;
    this.rebootAt = drains ? now + this.ctx.options.softResetDrainMs : now;
    for (let i = 1; i < this.connectors.length; i++) {
      this.endTransaction(this.connectors[i], reason, now);
      this.evGone(this.connectors[i], reason, now);
    }
    this.arm(now);
  }

  /** Drops the connection and stays offline until `until` (scenario `disconnect`); then reconnects. */
  goOffline(until: number): void {
    this.offlineUntil = until;
    if (this.ws) this.ws.terminate();
    else this.reconnectAt = Math.max(this.reconnectAt, until);
  }

  /** Power cycle: forget the session, come back after the boot delay, boot again. */
  private powerCycle(now: number): void {
    this.rebootAt = Infinity;
    this.boot = Boot.None;
    this.poweredUp = false;
    for (const c of this.connectors) driver.reboot(this, c);
    // Transfers in flight die with the power; the installed firmware stays.
    this.firmware?.powerCycled(this, now);
    this.setGauge(S.Offline);
    this.reconnectAt = now + this.ctx.options.rebootDelayMs;
    this.arm(now);
  }

  // ---------------------------------------------------------------- alarms

  /** Runs `run` at `at` (ms) on this station's wake-up; returns the alarm so it can be cancelled. */
  later(at: number, tag: string, run: (st: Station, now: number) => void): Alarm {
    const alarm: Alarm = { at, run, tag };
    const list = this.alarms ?? [];
    let i = list.length;
    while (i > 0 && list[i - 1].at > at) i--;
    this.alarms = withItem(list, alarm, i);
    this.arm(this.ctx.now());
    return alarm;
  }

  /** Cancels one alarm, or every alarm with this tag. */
  cancel(what: Alarm | string): void {
    if (!this.alarms) return;
    this.alarms = keptItems(this.alarms, (a) => (typeof what === 'string' ? a.tag !== what : a !== what));
    if (this.alarms.length === 0) this.alarms = null;
  }

  /** Runs the alarms that are due (each once; one may set new ones). */
  private runAlarms(now: number): void {
    while (this.alarms && this.alarms[0].at <= now) {
      const alarm = this.alarms[0];
      this.alarms = this.alarms.length === 1 ? null : this.alarms.slice(1);
      alarm.run(this, now);
    }
  }

  // ---------------------------------------------------------------- the one wake-up

  /** Called by the shard's timer wheel when this station's earliest deadline has come. */
  wake(now: number): void {
    if (this.link === Link.Closed) return;
    // The connection: reconnect when due, or time out a handshake or call.
    if (this.link === Link.Down && now >= this.reconnectAt) {
      this.link = Link.Waiting;
      this.ctx.requestConnect(this);
    } else if ((this.link === Link.Open || this.link === Link.Connecting) && now >= this.pendingDeadline) {
      this.timedOut(now);
    }
    // A soft reset reboots once every queued call has been sent and answered (its StopTransactions
    // delivered before the reboot, OCPP 1.6 §5.14), or 5 s past its drain time at the latest.
    const flushed = this.queue.length === 0 && this.pending === null;
    if (this.rebootAt <= now && (!this.rebootDrains || flushed || this.rebootAt + 5000 <= now || this.link !== Link.Open)) {
      // Reboot: close the socket (its close event power-cycles), or power-cycle now if there is none.
      if (this.link === Link.Open) this.close(1000, 'reset');
      else if (this.ws) this.ws.terminate();
      else this.onClosed(now);
      return;
    }
    if (this.link === Link.Open && now >= this.bootRetryAt) this.sendBoot();
    if (this.link === Link.Open && now >= this.nextPingAt) this.ping(now);
    if (this.alarms !== null) this.runAlarms(now);
    if (now >= this.deferredAt) {
      // A CALLRESULT is meaningless on a later connection: it is sent only if the link stayed up.
      if (this.link === Link.Open) this.sendRaw(this.deferred!);
      this.deferred = null;
      this.deferredAt = Infinity;
    }
    if (this.boot === Boot.Accepted) {
      if (this.link === Link.Open && now >= this.nextHeartbeatAt) {
        if (!this.queue.has(Kind.Heartbeat) && this.pending?.kind !== Kind.Heartbeat) {
          this.enqueue(this.ctx.dialect.heartbeat());
        }
        this.armHeartbeat(now);
      }
      // The local side goes on offline: meters keep sampling (transaction data is queued) and the
      // behaviour keeps running.
      if (now >= this.nextMeterAt) {
        this.sampleMeters(now);
        this.armMeter(now);
      }
      if (now >= this.nextClockAt) {
        this.sampleClock(now);
        this.armClock(now);
      }
      // No new sessions while a reset is under way: they would die with the reboot, never stopped.
      if (this.rebootAt === Infinity) this.ctx.behaviour.step(this, now);
    }
    this.pump(now);
    this.arm(now);
  }

  private timedOut(now: number): void {
    if (this.link === Link.Connecting) {
      connectFailed(this, 'timeout', `no WebSocket connection within ${this.ctx.options.connectTimeoutMs} ms`);
      this.ws?.terminate();
      return;
    }
    const call = this.pending;
    if (!call) return;
    const idx = this.ctx.stats.actionIndex(call.action);
    this.ctx.stats.count(idx, A.Timeouts);
    this.ctx.stats.problem(`${this.identity}: ${call.action} not answered within ${this.ctx.options.callTimeoutMs} ms`);
    const list = (this.timedOutCalls ??= []);
    if (list.length === LATE_SLOTS) list.shift();
    list.push({ id: this.pendingId, action: idx, sentAt: this.pendingSentAt });
    this.failed(call, now, 'Timeout');
    this.settle(now);
  }

  /** Files this station in the wheel at its earliest deadline. */
  arm(now: number): void {
    let at = this.pendingDeadline;
    if (this.link === Link.Down) at = Math.min(at, this.reconnectAt);
    if (this.rebootAt < at) at = this.rebootAt;
    if (this.bootRetryAt < at) at = this.bootRetryAt;
    if (this.deferredAt < at) at = this.deferredAt;
    if (this.nextPingAt < at) at = this.nextPingAt;
    if (this.alarms !== null && this.alarms[0].at < at) at = this.alarms[0].at;
    if (this.boot === Boot.Accepted) {
      if (this.nextHeartbeatAt < at) at = this.nextHeartbeatAt;
      if (this.nextMeterAt < at) at = this.nextMeterAt;
      if (this.nextClockAt < at) at = this.nextClockAt;
      for (let i = 1; i < this.connectors.length; i++) if (this.connectors[i].phaseUntil < at) at = this.connectors[i].phaseUntil;
    }
    const head = this.queue.peek();
    if (head && head.notBefore > now && head.notBefore < at && !this.pending) at = head.notBefore;
    if (at !== this.wakeAt) this.ctx.wheel.schedule(this, at);
  }

  // ---------------------------------------------------------------- end of run

  /** Graceful stop: end transactions, deliver what is queued, then close. */
  stop(now: number): void {
    for (let i = 1; i < this.connectors.length; i++) {
      this.endTransaction(this.connectors[i], 'Other', now);
      this.evGone(this.connectors[i], 'Other', now);
    }
    for (const c of this.connectors) c.phaseUntil = Infinity;
    // Only transaction messages still matter: no more heartbeats, and retries waiting for their
    // interval go now.
    this.nextHeartbeatAt = Infinity;
    this.queue.retain((c) => {
      c.notBefore = 0;
      return c.isTransactional;
    });
    this.pump(now);
  }

  /** True when no transaction message is left to deliver (other calls do not hold up a stop). */
  get drained(): boolean {
    return (this.pending === null || !this.pending.isTransactional) && !this.queue.hasTransactional();
  }

  /**
   * At the end of the run, once the graceful stop is over: counts every kept message not delivered
   * (the call in flight and the queue), per action. Returns whether there was any.
   */
  countUndelivered(): boolean {
    const { stats } = this.ctx;
    let left = 0;
    const count = (call: OutboundCall) => {
      if (!call.isTransactional) return;
      stats.count(stats.actionIndex(call.action), A.Undelivered);
      left++;
    };
    if (this.pending) count(this.pending);
    this.queue.forEach(count);
    return left > 0;
  }

  shutdown(): void {
    this.link = Link.Closed;
    this.wakeAt = Infinity;
    this.alarms = null;
    this.firmware?.stop();
    this.setGauge(S.Stopped);
    this.ws?.close(1000, 'simulation ended');
  }
}
