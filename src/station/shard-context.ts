/**
 * What every station of a shard shares: the profile, the protocol dialect, validators, handlers,
 * counters and the timer wheel. One object per shard; stations hold a reference, never a copy.
 */
import type { ClientOptions } from 'ws';
import type { ShardStats } from '../metrics/shard-stats.js';
import type { SchemaValidator } from '../protocol/validate.js';
import type { TimerWheel } from '../util/timer-wheel.js';
import type { Connector, Transaction } from './connector.js';
import type { DriverModel, StationProfile } from './profile.js';
import type { Station } from './station.js';
import type { Capability, Setting, SettingNames } from './settings.js';
import type { Dialect } from './dialect.js';
import type { MessageIdGenerator } from './message-ids.js';

/**
 * What drives the local side (EV, driver, hardware events): the default behaviour (station/driver.ts)
 * or a scenario (scenario/interpreter.ts). The protocol side is the same under either.
 */
export interface Behaviour {
  /** After a fresh boot. */
  start(st: Station, now: number): void;
  /** Some connector's `phaseUntil` has come. */
  step(st: Station, now: number): void;
  /** The answer a connector was waiting for (Connector.awaiting): a status, or 'Failed'/an error code. */
  resume(st: Station, c: Connector, status: string, now: number): void;
  /** The CSMS sent `action` (a scenario may be waiting for it). */
  called?(st: Station, action: string, now: number): void;
}

/** Handles one CSMS-initiated action: returns the response payload or throws an OcppError. */
export type InboundHandler = (station: Station, request: any, now: number) => object;

export interface StationOptions {
  /** Call timeout (ms): a call not answered by then is counted as a timeout (OCPP-J leaves it to us). */
  callTimeoutMs: number;
  connectTimeoutMs: number;
  /** Validate every outgoing message too, refusing to send an invalid one. */
  strict: boolean;
  /** Reconnect backoff: initial delay doubling up to max, ±25 % jitter. */
  reconnect: { initialMs: number; maxMs: number };
  /** Wait before retrying a boot whose CSMS gave no interval, or that failed. */
  bootRetryMs: number;
  /** How long a soft reset waits for queued messages before rebooting, and how long a reboot takes. */
  softResetDrainMs: number;
  rebootDelayMs: number;
  /**
   * The most calls a charge point keeps queued (its memory for messages waiting to be sent, offline or
   * behind a slow CSMS); when full, the least important goes first (Station.makeRoom), counted as dropped.
   */
  queueLimit: number;
  /** Benchmark saturation: send the next Heartbeat as soon as the previous call is answered. */
  backToBack?: boolean;
}

/**
 * What the control API's event stream hears while someone subscribes (control/shard-events.ts): every
 * frame in and out (routine ones too, which the station's own log leaves out), and connector status
 * changes. Null while nobody listens, so
 * it costs one null check.
 */
export interface StationTap {
  frame(st: Station, dir: 'in' | 'out', text: string, now: number): void;
  status(st: Station, c: Connector, from: string, now: number): void;
}

export interface ShardContext {
  /** The control API's event tap (see StationTap); null while nobody listens. */
  readonly tap: StationTap | null;
  readonly version: string;
  readonly subprotocols: string[];
  readonly options: StationOptions;
  readonly profile: StationProfile;
  readonly driver: DriverModel;
  readonly behaviour: Behaviour;
  /** The fleet number of position 0 (charge point n = idStart + position). */
  readonly idStart: number;
  /** The scenario being run, if any (for variables and failure messages). */
  readonly scenario: object | null;
  readonly defaultConfig: ReadonlyMap<string, string>;
  /** The version's name of each setting the core reads (station/settings.ts). */
  readonly settingNames: SettingNames;
  /** A setting's value, and storing one, where the charge point's version keeps them (VersionBinding). */
  readSetting(st: Station, s: Setting): string | undefined;
  writeSetting(st: Station, s: Setting, value: string): void;
  /**
   * Time compression (--speed): the local side's time — scenario waits, charging sessions, arrivals,
   * and the energy a given power delivers — runs this many times faster than the wall clock. Protocol
   * timing (heartbeats, meter sample intervals, call timeouts, reconnect backoff) stays real, so the
   * CSMS sees a normal charge point that charges remarkably fast.
   */
  readonly speed: number;
  /** The optional functions this model has, in its version's names (1.6: its read-only SupportedFeatureProfiles). */
  readonly features: ReadonlySet<string>;
  /** Whether this model has an optional function the core asks about (station/settings.ts). */
  supports(c: Capability): boolean;
  /**
   * Raises a security event (log and notification, for models that use the security functions);
   * false when the model does not. The version binding provides it.
   */
  securityEvent(st: Station, type: string, techInfo?: string, now?: number): boolean;
  /** Configuration keys that cannot be changed on this model. */
  readonly readonlyKeys: ReadonlySet<string>;
  readonly validator: SchemaValidator;
  /** The model's message id style (profile `messageIds`), picked once for the shard. */
  readonly messageId: MessageIdGenerator;
  readonly handlers: Readonly<Record<string, InboundHandler | undefined>>;
  readonly stats: ShardStats;
  readonly wheel: TimerWheel<Station>;
  now(): number;
  /** The run's own WebSocket options (--ca, --cert/--key): what a charge point connects with until the CSMS changes them. */
  readonly baseWsOptions: ClientOptions;
  wsOptions(station: Station): ClientOptions;
  /**
   * Connects the station when one of the shard's connection slots is free, or later in arrival
   * order: a bounded number of handshakes in flight keeps the kernel's SYN backlog from overflowing
   * (dropped SYNs are retried only after 1 s, 3 s, 7 s…, which turns a storm into minutes).
   */
  requestConnect(station: Station): void;
  /** A handshake ended (open or failed): its slot goes to the next waiting station. */
  connectSettled(): void;
  /** The run is ending: no new sessions. */
  readonly stopping: boolean;

  /** The version's words for what a station reports, and its reading of the answers (station/dialect.ts). */
  readonly dialect: Dialect;
  /** Brings a connector's meter up to `now` under the hardware limit. */
  advanceMeter(c: Connector, now: number): void;
}
