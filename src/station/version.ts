/**
 * What a charge point's OCPP version gives the station core: one object per version (ocpp16/version.ts),
 * chosen per charge point from its profile (src/versions.ts) and shared by every charge point that
 * speaks it. The core reaches its version only through this.
 */
import type { ClientOptions } from 'ws';
import type { SchemaValidator } from '../protocol/validate.js';
import type { Dialect } from './dialect.js';
import type { StationProfile } from './profile.js';
import type { Capability, Setting, SettingNames } from './settings.js';
import type { InboundHandler } from './shard-context.js';
import type { Station } from './station.js';

export interface VersionBinding {
  /** '1.6', '2.0.1': as the schemas, error codes and reports name it. */
  readonly version: string;
  /** The WebSocket subprotocol (OCPP-J §3.1.2). */
  readonly subprotocol: string;
  /** The version's schemas, compiled once per thread. */
  validator(): SchemaValidator;
  /** What the charge point does when the CSMS calls an action (null: known but not supported). */
  readonly handlers: Readonly<Record<string, InboundHandler | undefined>>;
  readonly dialect: Dialect;
  /** The version's name of each setting (1.6: its configuration key; 2.0.1: Component.Variable). */
  readonly settingNames: SettingNames;
  /** A setting's value for this charge point: where the version keeps it (1.6 configuration, 2.0.1 device model). */
  readSetting(st: Station, s: Setting): string | undefined;
  /** Stores a setting's value (the CSMS gave it, e.g. a boot's interval); nothing is re-armed. */
  writeSetting(st: Station, s: Setting, value: string): void;
  /** A model's configuration defaults and its read-only names (version-named: 1.6 keys). */
  defaultConfig(profile: StationProfile): ReadonlyMap<string, string>;
  readonlyKeys(profile: StationProfile): ReadonlySet<string>;
  /** The optional functions the model has (given its configuration defaults), in the version's names. */
  features(profile: StationProfile, defaults: ReadonlyMap<string, string>): ReadonlySet<string>;
  supports(features: ReadonlySet<string>, c: Capability): boolean;
  securityEvent(st: Station, type: string, techInfo?: string, now?: number): boolean;
  /**
   * The WebSocket options of a charge point's next connection, when its version's security functions
   * changed them (a password or certificates the CSMS set); null to use `base` as given.
   */
  linkOptions(st: Station, password: string | undefined, base: ClientOptions, now: number): { password: string | Buffer | undefined; tls: ClientOptions } | null;
}
