/**
 * Deterministic randomness. Every decision a charge point takes — how long a connector stays idle,
 * which idTag a driver presents, the EV's state of charge, how long a session or a scenario wait
 * lasts — is a pure function of (seed, charge point, connector, what is decided, its ordinal):
 * a counter-based hash, not a stream. No decision consumes a draw another one would have used, so
 * the order in which decisions happen (which depends on when the CSMS answers, on reconnects and
 * timeouts) changes nothing: the n-th session of connector 2 of CP042 lasts the same under seed 7
 * whatever happened before it.
 *
 * Hash: two rounds of the lowbias32 finalizer (a bijection on 32 bits with full avalanche), keyed
 * in stages so that distinct inputs never share a stage's state by construction.
 */

/** One 32-bit round: lowbias32 (C. Wellons' hash-prospector), a bijection with good avalanche. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** The charge point's key: the run seed mixed with its fleet number; non-zero. */
export function seedFor(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h === 0 ? 0x6d2b79f5 : h;
}

/** Holder of a charge point's key (seedFor); stations implement it with one numeric field, never changed. */
export interface RandomState {
  rng: number;
}

/**
 * What is being decided. A scenario's draws use {@link scenarioSite}: one kind per step of the
 * program, so every step has its own sequence.
 */
export const enum Decision {
  /** Delay before the first connection after power-up (profile boot.jitter). */
  BootJitter = 1,
  /** The default driver: idle time before the next car, keyed by the car number. */
  Idle,
  /** The idTag the driver of car n presents. */
  IdTag,
  /** The EV's state of charge when car n plugs in. */
  Soc,
  /** How long car n's session lasts. */
  Session,
  /** The ambient temperature around the charge point (OCPP 2.0.1 EVSE Temperature, ocpp201/monitoring/temperature.ts). */
  Ambient,
  /** First scenario site; see {@link scenarioSite}. */
  Scenario = 16,
}

/** The kind of a scenario step's draws: two per step (a gaussian duration takes two uniforms). */
export function scenarioSite(pc: number): number {
  return Decision.Scenario + 2 * pc;
}

/**
 * Decision number `ordinal` of kind `what` at `connector` (0 = the charge point) of the charge point
 * keyed `key`, as a uniform draw in [0, 1).
 */
export function decide(key: number, connector: number, what: number, ordinal: number): number {
  let h = mix32((key + Math.imul(connector + 1, 0x9e3779b9)) >>> 0);
  h = mix32((h + Math.imul(what, 0x85ebca77)) >>> 0);
  h = mix32((h + Math.imul(ordinal + 1, 0xc2b2ae3d)) >>> 0);
  return h / 4294967296;
}

/** A uniform value in [min, max] for one decision. */
export function decideBetween(key: number, connector: number, what: number, ordinal: number, min: number, max: number): number {
  return min + (max - min) * decide(key, connector, what, ordinal);
}

/** An element of `list` for one decision. */
export function decideAmong<T>(key: number, connector: number, what: number, ordinal: number, list: readonly T[]): T {
  return list[Math.floor(decide(key, connector, what, ordinal) * list.length)];
}

/**
 * The draws of one decision that needs several uniforms (a gaussian duration): `next` yields them
 * in turn. One reusable instance per caller, so sampling allocates nothing.
 */
export class DecisionDraws {
  private key = 0;
  private connector = 0;
  private what = 0;
  private ordinal = 0;
  private n = 0;
  /** The next uniform of the current decision; bound once, so it can be passed as a callback. */
  readonly next = (): number => decide(this.key, this.connector, this.what + this.n++, this.ordinal);

  /** Starts a decision; its draws use kinds what, what + 1, … (reserve as many as it may take). */
  of(key: number, connector: number, what: number, ordinal: number): this {
    this.key = key;
    this.connector = connector;
    this.what = what;
    this.ordinal = ordinal;
    this.n = 0;
    return this;
  }
}

/**
 * A keyed permutation of 32-bit integers: distinct `n` give distinct results under one key, looking
 * random (random-style message ids: unique for 2^32 calls, without remembering any).
 */
export function scramble(key: number, n: number): number {
  return mix32((key + Math.imul(n, 0x9e3779b9)) >>> 0);
}

/**
 * Backoff jitter is no decision: it may depend on timing, but must never move a decision. It has its
 * own counter per worker thread, hashed with the charge point's key so stations that drop together
 * reconnect apart.
 */
let jitterDraws = 0;

/** Multiplies `value` by a factor in [1 - spread, 1 + spread]: jitter for backoffs and retries. */
export function jitter(s: RandomState, value: number, spread: number): number {
  const u = mix32((s.rng + Math.imul(++jitterDraws, 0x9e3779b9)) >>> 0) / 4294967296;
  return value * (1 - spread + 2 * spread * u);
}
