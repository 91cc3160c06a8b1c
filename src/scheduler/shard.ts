/**
 * A shard: the charge points one worker (or, in tests, the main thread) simulates. It owns the timer
 * wheel, the counters and everything the stations share, spreads their first connections over the
 * ramp-up, and stops them gracefully.
 *
 * Partition: the fleet's positions p = 0…N-1 are striped over W shards (p mod W = w), so every shard
 * shares the ramp-up and computes its own connect times, t(p) = p ÷ rate, with no coordinator.
 */
import type { ClientOptions } from 'ws';
import { ShardStats, S, T, type StatsSnapshot } from '../metrics/shard-stats.js';
import { basicAuthorization } from '../protocol/basic-auth.js';
import type { SchemaValidator } from '../protocol/validate.js';
import type { Dialect } from '../station/dialect.js';
import type { Capability, SettingNames } from '../station/settings.js';
import type { VersionBinding } from '../station/version.js';
import { bindingFor } from '../versions.js';
import type { Connector } from '../station/connector.js';
import { advanceMeter, powerLimitW } from '../station/meter.js';
import type { DriverModel, StationProfile } from '../station/profile.js';
import type { Behaviour, ShardContext, StationOptions, StationTap } from '../station/shard-context.js';
import { defaultBehaviour } from '../station/driver.js';
import { pausable } from '../control/pause.js';
import type { ControlEvent } from '../control/protocol.js';
import type { ScenarioProgram } from '../scenario/program.js';
import { countPending, scenarioBehaviour } from '../scenario/interpreter.js';
import { messageIdGenerator, type MessageIdGenerator } from '../station/message-ids.js';
import { Link, Station } from '../station/station.js';
import { formatIdentity } from '../util/ids.js';
import { Decision, decide, seedFor } from '../util/random.js';
import { TimerWheel } from '../util/timer-wheel.js';

/** Everything a shard needs, as plain data (it crosses the worker boundary). */
export interface ShardConfig {
  /** The CSMS URL; each identity is appended as the last path segment. */
  csmsUrl: string;
  idPrefix: string;
  idStart: number;
  idWidth: number;
  /** Fleet positions of this shard: first, first + stride, … (count of them). */
  first: number;
  count: number;
  stride: number;
  profile: StationProfile;
  driver: DriverModel;
  options: StationOptions;
  /** Security profile 1: HTTP Basic auth, one password for all or one per identity. */
  password?: string;
  passwords?: Record<string, string>;
  /** Security profiles 2/3: PEM strings. */
  tls?: { ca?: string; cert?: string; key?: string };
  seed: number;
  /** New connections per second across the whole fleet; 0 = as fast as possible. */
  rampPerSec: number;
  /**
   * Ramp slots before this fleet's first position (a run plan's later fleets queue behind the
   * earlier ones: the sum of their counts); default 0.
   */
  rampOffset?: number;
  /** Source addresses to spread outgoing connections over. */
  localAddresses?: string[];
  /**
   * How long a graceful stop waits for queued transaction messages (ms); what is left then is counted
   * as undelivered (--graceful-stop).
   */
  stopTimeoutMs: number;
  /** WebSocket handshakes in flight at once in this shard (default 256). */
  maxConnecting?: number;
  /** What happens to each charge point; without one, the default behaviour (station/driver.ts). */
  scenario?: ScenarioProgram;
  /** Time compression of the local side (see ShardContext.speed); default 1. */
  speed?: number;
  /** Index of this shard's fleet in a run plan (0 for a single fleet): the control API's `fleet`. */
  fleet?: number;
}

export class Shard implements ShardContext {
  /** The charge points' OCPP version, from their profile (src/versions.ts). */
  readonly binding: VersionBinding;
  readonly version: string;
  readonly subprotocols: string[];
  readonly validator: SchemaValidator;
  readonly messageId: MessageIdGenerator;
  readonly handlers: VersionBinding['handlers'];
  readonly settingNames: SettingNames;
  readonly readSetting: VersionBinding['readSetting'];
  readonly writeSetting: VersionBinding['writeSetting'];
  readonly dialect: Dialect;
  readonly stats: ShardStats;
  readonly wheel: TimerWheel<Station>;
  readonly defaultConfig: ReadonlyMap<string, string>;
  readonly readonlyKeys: ReadonlySet<string>;
  readonly features: ReadonlySet<string>;
  readonly speed: number;
  readonly stations: Station[] = [];
  stopping = false;
  readonly behaviour: Behaviour;
  readonly scenario: ScenarioProgram | null;
  readonly baseWsOptions: ClientOptions;
  /** Where control API events go while a subscriber listens (control/shard-events.ts); set by the thread that owns the shard. */
  onControlEvents: ((events: ControlEvent[]) => void) | null = null;
  /** The control API's event tap while a subscriber listens (control/shard-events.ts). */
  tap: StationTap | null = null;
  private connecting = 0;
  private readonly waiting: Station[] = [];
  private waitingHead = 0;

  constructor(readonly config: ShardConfig) {
    const binding = bindingFor(config.profile);
    if (!binding) throw new Error(`profile ${config.profile.name} speaks OCPP ${config.profile.ocppVersions.join(', ')}, which this simulator cannot (yet)`);
    this.binding = binding;
    this.version = binding.version;
    this.stats = new ShardStats(binding.version);
    this.subprotocols = [binding.subprotocol];
    this.validator = binding.validator();
    this.handlers = binding.handlers;
    this.settingNames = binding.settingNames;
    this.readSetting = binding.readSetting;
    this.writeSetting = binding.writeSetting;
    this.dialect = binding.dialect;
    this.wheel = new TimerWheel<Station>((st, now) => st.wake(now));
    this.messageId = messageIdGenerator(config.profile.messageIds);
    this.defaultConfig = binding.defaultConfig(config.profile);
    this.readonlyKeys = binding.readonlyKeys(config.profile);
    this.features = binding.features(config.profile, this.defaultConfig);
    this.scenario = config.scenario ?? null;
    this.speed = config.speed ?? 1;
    this.behaviour = pausable(this.scenario ? scenarioBehaviour : defaultBehaviour);
    this.baseWsOptions = {
      // permessage-deflate costs ~230 KiB per socket (DESIGN §4, measured); OCPP frames are small.
      perMessageDeflate: false,
      handshakeTimeout: config.options.connectTimeoutMs,
      maxPayload: 1 << 20,
      ...(config.tls ?? {}),
    };
    const base = config.csmsUrl.replace(/\/+$/, '');
    for (let k = 0; k < config.count; k++) {
      const p = config.first + k * config.stride;
      const identity = formatIdentity(config.idPrefix, config.idStart + p, config.idWidth);
      const st = new Station(this, p, identity, `${base}/${encodeURIComponent(identity)}`, seedFor(config.seed, config.idStart + p));
      this.stations.push(st);
    }
    this.stats.states[S.Connecting] = this.stations.length;
  }

  get profile(): StationProfile {
    return this.config.profile;
  }
  get driver(): DriverModel {
    return this.config.driver;
  }
  get idStart(): number {
    return this.config.idStart;
  }
  get options(): StationOptions {
    return this.config.options;
  }

  now(): number {
    return Date.now();
  }

  supports(c: Capability): boolean {
    return this.binding.supports(this.features, c);
  }

  securityEvent(st: Station, type: string, techInfo?: string, now?: number): boolean {
    return this.binding.securityEvent(st, type, techInfo, now);
  }

  /**
   * Plans every station's first connection along the ramp — plus the model's power-up jitter, a
   * decision of the station's own (util/random.ts) — and starts the clock.
   */
  start(): void {
    const t0 = this.now();
    const rate = this.config.rampPerSec;
    const offset = this.config.rampOffset ?? 0;
    const jitterMs = this.config.profile.bootJitterS * 1000;
    for (const st of this.stations) {
      st.reconnectAt = (rate > 0 ? t0 + ((offset + st.index) * 1000) / rate : t0) + (jitterMs > 0 ? decide(st.rng, 0, Decision.BootJitter, 0) * jitterMs : 0);
      this.wheel.schedule(st, st.reconnectAt);
    }
    this.wheel.start();
    this.wheel.advance();
  }

  requestConnect(st: Station): void {
    if (this.connecting < (this.config.maxConnecting ?? 256)) {
      this.connecting++;
      st.connect();
    } else {
      this.waiting.push(st);
    }
  }

  connectSettled(): void {
    this.connecting--;
    while (this.waitingHead < this.waiting.length) {
      const next = this.waiting[this.waitingHead++];
      if (next.link !== Link.Waiting) continue; // stopped meanwhile
      this.connecting++;
      next.connect();
      break;
    }
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
    }
  }

  wsOptions(st: Station): ClientOptions {
    const { password, passwords, localAddresses } = this.config;
    let pw: string | Buffer | undefined = passwords?.[st.identity] ?? password;
    // What the CSMS set over the security extension (AuthorizationKey, roots, client certificate) comes on top.
    const own = this.binding.linkOptions(st, pw, this.baseWsOptions, this.now());
    if (own) pw = own.password;
    if (pw === undefined && !localAddresses?.length && !own) return this.baseWsOptions;
    const opts: ClientOptions = own ? { ...this.baseWsOptions, ...own.tls } : { ...this.baseWsOptions };
    if (pw !== undefined) {
      // Security profiles 1 and 2: Basic auth with the charge point identity as the user (Security Whitepaper A00.FR.202–205).
      opts.headers = { authorization: basicAuthorization(st.identity, pw) };
    }
    if (localAddresses?.length) opts.localAddress = localAddresses[st.index % localAddresses.length];
    return opts;
  }

  advanceMeter(c: Connector, now: number): void {
    const spec = c.spec!;
    // Energy flows only within a transaction: a reading of an idle or merely plugged connector
    // (triggered, clock-aligned) shows the register as it is and no power.
    // A Faulted connector is "not available for energy delivery" (OCPP 1.6 §7.7) even mid-transaction.
    // Nor before a transaction opened at plug-in is authorized (2.0.1 TxStartPoint EVConnected).
    const charging = c.tx !== null && !c.tx.stopped && c.tx.authorized && c.status !== 'Faulted';
    // Energy is counted as the register moves, in the whole Wh it shows, so the live figures rise while
    // cars charge and a finished transaction has added exactly its meterStop - meterStart.
    const before = Math.floor(c.energyWh);
    advanceMeter(c, now, charging ? powerLimitW(c) : 0, spec.current === 'DC', this.speed);
    this.stats.totals[T.EnergyWh] += Math.floor(c.energyWh) - before;
  }

  /** Benchmark saturation: every booted station sends calls back to back (or stops doing so). */
  backToBack(on: boolean): void {
    this.config.options.backToBack = on;
    if (on) for (const st of this.stations) if (st.drained) st.kick();
  }

  // ---------------------------------------------------------------- end of run

  /**
   * Graceful stop: no new sessions; open transactions are stopped and their StopTransaction
   * delivered (up to stopTimeoutMs); then every socket is closed.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const now = this.now();
    for (const st of this.stations) {
      st.stop(now);
      st.arm(now);
    }
    const deadline = now + this.config.stopTimeoutMs;
    // A station between reconnect attempts is not done: it reconnects and delivers its queue.
    while (this.now() < deadline && !this.stations.every((s) => s.drained)) {
      await sleep(50);
    }
    // What a scenario still waited for is pending, not lost (issue #10).
    if (this.scenario) for (const st of this.stations) countPending(st);
    this.wheel.stop();
    // Whatever is still undelivered now is lost: counted per action, never discarded in silence.
    for (const st of this.stations) if (st.countUndelivered()) this.stats.totals[T.StopUnfinished]++;
    for (const st of this.stations) st.shutdown();
    const closeBy = this.now() + 2000;
    while (this.now() < closeBy && this.stations.some((s) => s.ws !== null && s.ws.readyState !== s.ws.CLOSED)) {
      await sleep(20);
    }
    for (const st of this.stations) st.ws?.terminate();
  }

  snapshot(): StatsSnapshot {
    return this.stats.snapshot();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
