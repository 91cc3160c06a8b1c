/**
 * Every limit on what a user may ask for, in one place: a configuration file's size and shape, and
 * the ranges of the numbers in profiles, scenarios, plans and flags. Inputs beyond them are refused
 * with a clear error (exit 2) instead of exhausting memory, overflowing a timer or producing
 * `Infinity` in a meter value. The JSON schemas (profiles/profile.schema.json,
 * scenarios/plan.schema.json) repeat the numeric ones for editors; a unit test keeps them equal.
 */

/**
 * A profile, scenario or plan file: 512 KiB (built-in ones are under 10 KiB). YAML costs ~10 µs and
 * ~1 KiB per value to parse, so the densest such file (a list of 260,000 one-digit values) still
 * parses in seconds and ~250 MB rather than exhausting the heap.
 */
export const MAX_CONFIG_BYTES = 512 * 1024;

/** A scenario's idTagsFile (one idTag per line, not YAML): 4 MiB, some 300,000 idTags. */
export const MAX_ID_TAGS_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Values in one YAML document, aliases expanded (an alias counts as a copy of what it refers to):
 * the bound that stops an alias bomb ("billion laughs") and a file of a million tiny values alike.
 */
export const MAX_YAML_NODES = 100_000;

/** Nesting of maps and lists in a YAML document. */
export const MAX_YAML_DEPTH = 64;

/** Charge points of a whole fleet (`--count`, a plan's fleets together). */
export const MAX_COUNT = 1_000_000;

/** Connectors of one charge point (a profile's `connectors:`, `--connectors`). */
export const MAX_CONNECTORS = 64;

/** Worker threads (`--workers`, a plan's `workers:`). */
export const MAX_WORKERS = 256;
/** Local processes a run spreads over (`--processes`): 100,000 charge points need 6 here. */
export const MAX_PROCESSES = 64;

/** Fleets of one run plan (each gets at least one worker thread). */
export const MAX_FLEETS = 100;

/** An identity prefix: with nine digits of n, an identity fits OCPP 2.0.1's 48 characters. */
export const MAX_ID_PREFIX = 39;

/** The largest charge point number n (identities `<prefix><n>`, `${n}` in templates): nine digits. */
export const MAX_ID_N = 999_999_999;

/** `--seed` and a plan's `seed:`: the random streams are 32-bit. */
export const MAX_SEED = 0xffff_ffff;

/** The longest duration anywhere (24 days, below Node's timer limit) and the largest `--speed`. */
export { MAX_DURATION_MS, MAX_SPEED } from '../util/duration.js';

/** Power of one connector or one power cabinet (W): 10 MW, above the Megawatt Charging System's 3.75 MW. */
export const MAX_POWER_W = 10_000_000;

/** Voltage of a connector (V): 1500 V, the top of the low-voltage DC range (IEC 61851-23). */
export const MAX_VOLTAGE = 1500;

/** Current of a connector (A): 3000 A, the Megawatt Charging System's. */
export const MAX_CURRENT_A = 3000;

/** An EV battery (kWh), e.g. a scenario's `plug: {ev: {batteryKWh}}`. */
export const MAX_BATTERY_KWH = 10_000;

/** A meter register (Wh): a terawatt-hour. */
export const MAX_REGISTER_WH = 1e12;

/** A firmware download speed (bytes/s). */
export const MAX_BYTES_PER_SECOND = 1e10;

/** A scenario's `repeat: {times}`. */
export const MAX_REPEAT_TIMES = 1_000_000_000;

/** A scenario's lognormal sigma: at 10 its draws already span forty orders of magnitude. */
export const MAX_SIGMA = 10;

/** The width of a zero-padded number in a template (`${n:06}`): OCPP 1.6 strings are at most CiString50. */
export const MAX_TEMPLATE_WIDTH = 50;

/** An idTag: IdToken is CiString20Type (OCPP 1.6 §7.28). */
export const MAX_ID_TAG_LENGTH = 20;

/** Most calls one charge point may keep queued (--queue-limit): ~1.5 KiB each, so 150 MiB per charge point at most. */
export const MAX_QUEUE_LIMIT = 100_000;

/** A credentials file (`--passwords`): 64 MiB, a password for each of a million charge points. */
export const MAX_PASSWORDS_BYTES = 64 * 1024 * 1024;

/** A PEM file (`--ca`, `--cert`, `--key`): 1 MiB, some thousand certificates. */
export const MAX_PEM_BYTES = 1024 * 1024;

/** Problems shown per file; the others are counted ("… and 39,950 more"). */
export const MAX_ISSUES_SHOWN = 50;
