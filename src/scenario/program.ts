/**
 * A compiled scenario: a flat array of instructions shared by every charge point that runs it.
 * Each connector runs its own copy of the program (a program counter and a few registers on the
 * connector); `repeat` compiles to Loop … EndLoop with a loop register, so running a scenario
 * allocates nothing per step.
 */
import type { StopCause } from '../station/dialect.js';
import type { FirmwareOverrides } from '../station/firmware-state.js';
import type { ResponseRule } from '../station/response-rule.js';

/** A duration in milliseconds, fixed or drawn from a distribution (with the charge point's random stream). */
export type Duration =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'lognormal'; median: number; sigma: number };

export const enum Op {
  /** Pause for `duration`. */
  Wait,
  /** The EV arrives and the cable goes in (Preparing). */
  Plug,
  /** Authorize an idTag; `expect` checks idTagInfo.status. */
  Authorize,
  /** StartTransaction; `expect` checks idTagInfo.status. */
  Start,
  /** Keep charging for `duration` (or until the EV is full / the transaction ends). */
  Charge,
  /** StopTransaction with `reason`. */
  Stop,
  /** The cable comes out (Available). */
  Unplug,
  /** The connector faults with `errorCode` (Faulted). */
  Fault,
  /** The fault clears (back to Available). */
  Recover,
  /** Drop the connection and stay offline for `duration`; the steps wait for the link, unless `noWait`. */
  Disconnect,
  /** Power cycle: stop transactions (PowerLoss), reboot, boot again. */
  Reboot,
  /** Send `action` with `payload` as is (negative tests); `expect` checks the response's status. */
  Send,
  /** Start of a repeat block: `times`, `forMs` or forever; `end` is the index of its EndLoop. */
  Loop,
  /** End of a repeat block: jump back to `start` + 1 while the loop goes on. */
  EndLoop,
  /** From now on answer the CSMS's `action` as `respond` says (fault injection). */
  Respond,
  /** Wait until the CSMS sends `action`, at most `duration`; a failed expectation otherwise. */
  ExpectCall,
  /** From now on firmware downloads / installs / log uploads of this charge point fail or work (`firmware`). */
  Firmware,
  /** An external limit (an EMS, the grid operator) is set on the station or an EVSE, or released (`limit`). */
  Limit,
  /** A plugged-in ISO 15118 EV asks for a new schedule with new needs (`iso15118`; OCPP 2.0.1 K17). */
  Renegotiate,
  /** The charge point's next new connection settings fail, or no longer will (`network: {fail: next|none}`). */
  Network,
}

export type { ResponseRule } from '../station/response-rule.js';

export interface Instr {
  op: Op;
  /** Source position, for failure messages: file:line:col. */
  line: number;
  col: number;
  duration?: Duration;
  /** Authorize / Start: an idTag template (${n}, ${id}, ${connector}, ${var}) or a list to pick from. */
  idTag?: string;
  idTags?: string[];
  /** Authorize / Start / Send: the expected status. */
  expect?: string;
  reason?: StopCause;
  errorCode?: string;
  action?: string;
  payload?: Record<string, unknown>;
  /** Disconnect: the connector's steps go on at once, offline (scenario `wait: false`). */
  noWait?: boolean;
  /** Firmware: which failure modes to switch on (true) or off (false); absent ones stay as they are. */
  firmware?: FirmwareOverrides;
  /** Plug: the EV. */
  ev?: { batteryWh?: number; soc?: number; maxPowerW?: number };
  /** Plug: the EV speaks ISO 15118 and needs this much energy, leaving this long after plug-in (ms). */
  iso15118?: { energyWh: number; departureMs?: number };
  /** Network: whether the next new connection settings fail (socket.ts failsOnPurpose). */
  network?: { failNext: boolean };
  /** Limit: who sets how many watts where (evse 0: the station), or (null watts) releases them all. */
  limit?: { source: string; watts: number | null; evse: number };
  /**
   * Plug: a Plug & Charge EV's contract (eMAID) it authorizes with; installContract: it first asks for
   * its certificate (2.0.1 M01); updateContract: for a new one, its certificate about to expire (M02).
   */
  contract?: string;
  installContract?: boolean;
  updateContract?: boolean;
  /** Loop: how many times (undefined = forever unless forMs) and for how long. */
  times?: number;
  forMs?: number;
  /** Loop: index of its register in Connector.loops. */
  register?: number;
  /** Respond: the rule for `action`. */
  rule?: ResponseRule;
  /** Loop: index of the matching EndLoop. EndLoop: index of the matching Loop. */
  end?: number;
  start?: number;
}

export interface ScenarioProgram {
  /** Built-in name, or the file relative to the working directory: how failures, report sites and JUnit name it. */
  name: string;
  file: string;
  description: string;
  /** Which connectors run the steps (each in parallel); 'all' = every connector of the profile. */
  connectors: 'all' | number[];
  /** Per-charge-point variables: name → template. */
  vars: Record<string, string>;
  instrs: Instr[];
  /** Loop registers a connector needs. */
  registers: number;
  /** The OCPP versions the scenario is written for (its `ocpp` field); absent: any version. */
  ocpp?: string[];
  /**
   * The OCPP version the program was compiled for (version-check.ts: action names translated, steps
   * checked); absent: the program as written, not yet bound to a version.
   */
  version?: string;
  /** As written only: the fields whose meaning depends on the version, for the check; dropped once compiled for one. */
  sites?: VersionSite[];
}

/**
 * A field of a step that means something different, or nothing, in another OCPP version: where it
 * is (file position and field path) and which instruction holds its value.
 *  - call: an `expect: {call}` or `respond: {action}` (a CSMS call, renamed in some versions)
 *  - send: a `send` step's action (a charge point message)
 *  - payload: a `send` payload or a `respond` answer (one version's schema)
 *  - status: an authorize/start/send `expect` (each version's status words)
 *  - token: an authorize/start idTag, idTags or idTagsFile (each version's length)
 *  - ocpp: the scenario's `ocpp` field (pc is -1)
 *  - tells: a step that tells the CSMS with a message only some versions have (a `limit`, a plug's `iso15118`)
 */
export interface VersionSite {
  kind: 'call' | 'send' | 'payload' | 'status' | 'token' | 'ocpp' | 'tells';
  /** Index of the instruction in instrs. */
  pc: number;
  field: string;
  line: number;
  col: number;
}
