/**
 * Runs a compiled scenario (program.ts) on every participating connector of a station: each
 * connector has a program counter, loop registers and the answer it waits for, and the station's
 * single wake-up calls {@link step} when a connector's wait is over. Steps drive the local side only
 * (EV, driver, hardware); CSMS calls are answered by the handlers as under the default behaviour.
 *
 * A step that makes a call (authorize, start, send) blocks its connector until the answer arrives
 * (Connector.awaiting); `expect` then compares the status and records a pass or a failure naming
 * the charge point, connector, file:line:col, expected and got.
 *
 * Random draws (durations, idTags from a list) are decisions keyed by the step and how many times
 * this connector has drawn there (util/random.ts): the n-th run of a step draws the same under one
 * seed, however long earlier steps waited for the CSMS.
 */
import { Setting } from '../station/settings.js';
import { T } from '../metrics/shard-stats.js';
import { Await, Phase, cableIn, type Connector } from '../station/connector.js';
import * as driver from '../station/driver.js';
import { firmwareOf } from '../station/firmware-state.js';
import { securityOf } from '../features/security/state.js';
import { refusesStart } from '../station/reservation.js';
import { Kind, OutboundCall } from '../station/outbound.js';
import { expandTemplate } from '../station/profile.js';
import type { Behaviour } from '../station/shard-context.js';
import type { Station } from '../station/station.js';
import { decideAmong, DecisionDraws, scenarioSite } from '../util/random.js';
import { sampleDuration } from './parse.js';
import { Op, type Instr, type ScenarioProgram } from './program.js';

/** Instructions one connector may run without blocking in one go: a repeat with no wait in it is a bug. */
const MAX_STEPS_AT_ONCE = 1000;

/** The program this shard runs (the station core holds it without knowing its shape). */
function programOf(st: Station): ScenarioProgram {
  return st.ctx.scenario as ScenarioProgram;
}

function participates(prog: ScenarioProgram, c: Connector): boolean {
  return c.id > 0 && (prog.connectors === 'all' || prog.connectors.includes(c.id));
}

/** After a boot: connectors that are not waiting for anything go on (or begin) now. */
function start(st: Station, now: number): void {
  const prog = programOf(st);
  for (let i = 1; i < st.connectors.length; i++) {
    const c = st.connectors[i];
    if (participates(prog, c) && c.awaiting === Await.Nothing && c.phaseUntil === Infinity) c.phaseUntil = now;
  }
  step(st, now);
}

function step(st: Station, now: number): void {
  for (let i = 1; i < st.connectors.length; i++) {
    const c = st.connectors[i];
    if (c.phaseUntil > now) continue;
    if (c.awaiting === Await.Call) {
      // The expected CSMS call did not come in time.
      const ins = programOf(st).instrs[c.pc - 1];
      const within = `${ins.duration?.kind === 'fixed' ? ins.duration.ms / 1000 : '?'} s`;
      expectation(st, c, ins, false, `${ins.action} within ${within}`, 'nothing', `no ${ins.action} from the CSMS within ${within}`);
      c.awaiting = Await.Nothing;
    } else if (c.awaiting !== Await.Nothing) continue;
    c.phaseUntil = Infinity;
    run(st, c, now);
  }
  st.arm(now);
}

/** The CSMS sent `action`: connectors waiting for it pass their expectation and go on. */
function called(st: Station, action: string, now: number): void {
  const prog = programOf(st);
  for (let i = 1; i < st.connectors.length; i++) {
    const c = st.connectors[i];
    if (c.awaiting !== Await.Call || prog.instrs[c.pc - 1].action !== action) continue;
    expectation(st, c, prog.instrs[c.pc - 1], true);
    c.awaiting = Await.Nothing;
    c.phaseUntil = Infinity;
    run(st, c, now);
  }
}

/** The answer a step was waiting for: check the expectation, then carry on. */
function resume(st: Station, c: Connector, status: string, now: number): void {
  const ins = programOf(st).instrs[c.pc - 1];
  if (ins?.expect !== undefined) expectation(st, c, ins, ins.expect === status, ins.expect, status);
  run(st, c, now);
  st.arm(now);
}

export const scenarioBehaviour: Behaviour = { start, step, resume, called };

/** Executes instructions until one blocks (a wait, an answer) or the program ends. */
function run(st: Station, c: Connector, now: number): void {
  const prog = programOf(st);
  for (let budget = MAX_STEPS_AT_ONCE; budget > 0; budget--) {
    if (st.ctx.stopping) return;
    const ins = prog.instrs[c.pc];
    if (!ins) return; // the program has ended: the connector stays as it is
    c.pc++;
    switch (ins.op) {
      case Op.Wait:
        c.phaseUntil = now + localTime(st, c, ins);
        return;
      case Op.Plug:
        if (unpluggedTx(c)) {
          // The EV comes back to its open transaction: energy may flow again (§9.1 StopTransactionOnEVSideDisconnect).
          c.evMaxPowerW = c.spec?.current === 'DC' ? st.ctx.driver.evMaxDcPowerW : st.ctx.driver.evMaxPowerW;
          if (ins.ev?.maxPowerW !== undefined) c.evMaxPowerW = ins.ev.maxPowerW;
          st.ctx.advanceMeter(c, now);
          st.sharePower(now);
          st.setStatus(c, c.powerW > 0 ? 'Charging' : 'SuspendedEV', now);
        } else if (c.phase === Phase.Idle || c.status === 'Available') {
          driver.plugIn(st, c, now);
          if (ins.ev?.batteryWh !== undefined) c.evBatteryWh = ins.ev.batteryWh;
          if (ins.ev?.soc !== undefined) c.soc = ins.ev.soc;
          if (ins.ev?.maxPowerW !== undefined) c.evMaxPowerW = ins.ev.maxPowerW;
          // An EV that speaks ISO 15118 tells its needs (2.0.1 K15; a version without them ignores it).
          const hlc = ins.iso15118;
          if (hlc !== undefined) st.ctx.dialect.evPlugged?.(st, c, hlc.departureMs === undefined ? { energyWh: hlc.energyWh } : { energyWh: hlc.energyWh, departureAt: now + hlc.departureMs / st.ctx.speed }, now);
        }
        if (ins.contract !== undefined) {
          // Plug & Charge: the EV (first getting its contract certificate, when asked) authorizes with its
          // contract; the steps go on with the answer, and a `start` then uses that token.
          if (ins.installContract || ins.updateContract) {
            const call = st.ctx.dialect.evCertificateRequest?.(st, ins.contract, ins.updateContract ? 'Update' : 'Install');
            if (call) st.enqueue(call);
          }
          const local = driver.requestAuthorization(st, c, `eMAID:${ins.contract}`, now);
          c.phase = Phase.Plugged;
          if (local === null) {
            c.awaiting = Await.Authorize;
            return;
          }
          if (ins.expect !== undefined) expectation(st, c, ins, ins.expect === local, ins.expect, local);
        }
        break;
      case Op.Authorize: {
        const local = driver.requestAuthorization(st, c, idTagFor(st, c, ins), now);
        // The scenario, not the driver, goes on.
        c.phase = cableIn(c) ? Phase.Plugged : Phase.Idle;
        if (local === null) {
          c.awaiting = Await.Authorize;
          return;
        }
        // Decided by the local list, the cache or the offline rules (OCPP 1.6 §3.5): no answer to wait for.
        if (ins.expect !== undefined) expectation(st, c, ins, ins.expect === local, ins.expect, local);
        break;
      }
      case Op.Start: {
        // A transaction opened at plug-in (2.0.1 TxStartPoint EVConnected) is the one this start authorizes.
        if (c.tx && !c.tx.stopped && c.tx.authorized) {
          expectation(st, c, ins, false, 'no transaction running', 'a running transaction', 'a transaction is already running on this connector');
          break;
        }
        const idTag = ins.idTag !== undefined || ins.idTags !== undefined ? idTagFor(st, c, ins) : c.idTag || idTagFor(st, c, ins);
        if (refusesStart(st, c, idTag)) {
          // OCPP 1.6 §5.13: a connector reserved for another idTag refuses to charge.
          expectation(st, c, ins, false, 'a connector free for this idTag', 'reserved for another idTag', `connector ${c.id} is reserved for another idTag than ${idTag}`);
          break;
        }
        driver.startSession(st, c, idTag, now); // plugs the EV in first if it is not
        c.phaseUntil = Infinity; // the scenario decides when the session ends
        // Only an expectation waits for the answer: offline, the start is queued and charging goes on.
        if (ins.expect === undefined) break;
        c.awaiting = Await.Start;
        return;
      }
      case Op.Charge:
        c.phaseUntil = now + localTime(st, c, ins);
        return;
      case Op.Stop:
        if (c.tx && !c.tx.stopped) {
          st.endTransaction(c, ins.reason ?? 'Local', now);
          driver.finish(st, c, now);
          c.phaseUntil = Infinity;
        }
        break;
      case Op.Unplug:
        // Pulling the cable mid-session ends it from the EV side (StopTransactionOnEVSideDisconnect).
        if (c.tx && !c.tx.stopped && st.setting(Setting.StopTxOnEVSideDisconnect) === 'false') {
          // Set to false, the transaction stays open without an EV (OCPP 1.6 §9.1): no energy flows and
          // the connector shows SuspendedEV — never Available while a transaction runs — until the EV is back.
          st.ctx.advanceMeter(c, now);
          c.evMaxPowerW = 0;
          st.ctx.advanceMeter(c, now);
          st.sharePower(now);
          st.setStatus(c, 'SuspendedEV', now);
          c.phaseUntil = Infinity;
          break;
        }
        if (c.tx && !c.tx.stopped) st.endTransaction(c, 'EVDisconnected', now);
        driver.unplug(st, c, now);
        c.phaseUntil = Infinity;
        break;
      case Op.Fault:
        c.statusBeforeFault = c.status === 'Faulted' ? c.statusBeforeFault : c.status;
        c.errorCode = ins.errorCode ?? 'OtherError';
        st.ctx.advanceMeter(c, now); // the energy up to the fault; none flows while Faulted
        st.setStatus(c, 'Faulted', now);
        st.ctx.advanceMeter(c, now);
        break;
      case Op.Recover:
        if (c.status === 'Faulted') {
          c.errorCode = 'NoError';
          // Back to what it was, unless that was a session that has ended meanwhile.
          const running = c.tx !== null && !c.tx.stopped;
          const before = c.statusBeforeFault;
          st.ctx.advanceMeter(c, now);
          st.setStatus(c, !running && (before === 'Charging' || before === 'SuspendedEV' || before === 'SuspendedEVSE') ? 'Finishing' : before, now);
          st.ctx.advanceMeter(c, now); // energy flows again
        }
        break;
      case Op.Disconnect: {
        const until = now + localTime(st, c, ins);
        st.goOffline(until);
        if (ins.noWait) break; // e.g. start a transaction while offline: it is queued for the reconnect
        c.phaseUntil = until;
        return;
      }
      case Op.Reboot:
        // Carry on after the reboot: start() resumes the connector once the boot is accepted.
        st.powerLoss(now);
        c.phaseUntil = Infinity;
        return;
      case Op.Send:
        c.awaiting = Await.Send;
        st.enqueue(new OutboundCall(Kind.Scenario, ins.action!, expandPayload(st, c, ins.payload ?? {}), null, c.id));
        return;
      case Op.Loop:
        enterLoop(st, c, ins, prog, now);
        break;
      case Op.EndLoop:
        if (loopAgain(c, prog.instrs[ins.start!], now)) c.pc = ins.start! + 1;
        break;
      case Op.Respond:
        if (ins.rule!.mode === 'default' && !ins.rule!.delayMs) st.rules?.delete(ins.action!);
        else (st.rules ??= new Map()).set(ins.action!, ins.rule!);
        break;
      case Op.Firmware: {
        // Per charge point, like `respond`: the failure modes its firmware jobs see from now on.
        const fw = firmwareOf(st);
        fw.overrides = { ...fw.overrides, ...ins.firmware };
        fw.update?.overridesChanged?.(st, now);
        break;
      }
      case Op.Limit: {
        // An energy management system or the grid operator limits the station (2.0.1 K12/K13).
        const { source, watts, evse } = ins.limit!;
        st.ctx.dialect.externalLimit?.(st, evse, watts === null ? null : { source, watts }, now);
        break;
      }
      case Op.Renegotiate: {
        // K17: an ISO 15118 EV on a running transaction renegotiates (a version without it ignores it).
        const hlc = ins.iso15118!;
        if (c.tx === null || c.tx.stopped) {
          expectation(st, c, ins, false, 'a running transaction', 'none', 'renegotiate needs a running transaction of an ISO 15118 EV (plug: {iso15118})');
          break;
        }
        st.ctx.dialect.evRenegotiates?.(st, c, hlc.departureMs === undefined ? { energyWh: hlc.energyWh } : { energyWh: hlc.energyWh, departureAt: now + hlc.departureMs / st.ctx.speed }, now);
        break;
      }
      case Op.Network:
        // Per charge point: armed until its next new connection settings have failed (station/socket.ts).
        securityOf(st).failNext = ins.network!.failNext ? 'armed' : null;
        break;
      case Op.ExpectCall:
        c.awaiting = Await.Call;
        c.phaseUntil = now + draw(st, c, ins);
        return;
    }
  }
  // A repeat without a blocking step would spin forever: say so, and slow it down to once a second.
  st.ctx.stats.problem(`${st.identity} connector ${c.id}: ${where(st, prog.instrs[c.pc - 1])}: ${MAX_STEPS_AT_ONCE} steps without a wait; pausing 1 s`);
  c.phaseUntil = now + 1000;
}

/** A transaction left open by an unplug with StopTransactionOnEVSideDisconnect false (see Op.Unplug). */
function unpluggedTx(c: Connector): boolean {
  return c.tx !== null && !c.tx.stopped && c.evMaxPowerW === 0 && c.status === 'SuspendedEV';
}

function enterLoop(st: Station, c: Connector, ins: Instr, prog: ScenarioProgram, now: number): void {
  const loops = registersOf(c, prog);
  // A count of iterations left, or the time the loop ends; forever is Infinity.
  loops[ins.register!] = ins.times !== undefined ? ins.times : ins.forMs !== undefined ? now + ins.forMs / st.ctx.speed : Infinity;
  if (ins.times === 0) c.pc = ins.end! + 1;
}

function loopAgain(c: Connector, loop: Instr, now: number): boolean {
  const r = loop.register!;
  if (loop.times !== undefined) return --c.loops![r] > 0;
  return now < c.loops![r];
}

/**
 * A connector's registers: the program's loop registers, then one draw counter per step that draws
 * (see drawSlots); allocated on first use, so a scenario without loops or draws costs nothing.
 */
function registersOf(c: Connector, prog: ScenarioProgram): Float64Array {
  return (c.loops ??= new Float64Array(prog.registers + drawSlots(prog).count));
}

/** Per program (once per worker): the draw counter of each step that may draw, -1 for the others. */
const slotCache = new WeakMap<ScenarioProgram, { slot: Int32Array; count: number }>();

function drawSlots(prog: ScenarioProgram): { slot: Int32Array; count: number } {
  let slots = slotCache.get(prog);
  if (!slots) {
    const slot = new Int32Array(prog.instrs.length).fill(-1);
    let count = 0;
    prog.instrs.forEach((ins, pc) => {
      const draws = (ins.duration !== undefined && ins.duration.kind !== 'fixed') || ins.op === Op.Authorize || ins.op === Op.Start;
      if (draws) slot[pc] = prog.registers + count++;
    });
    slots = { slot, count };
    slotCache.set(prog, slots);
  }
  return slots;
}

/** The ordinal of this draw at the step being run (pc − 1): how many times this connector drew there before. */
function nextOrdinal(st: Station, c: Connector): number {
  const prog = programOf(st);
  const registers = registersOf(c, prog);
  return registers[drawSlots(prog).slot[c.pc - 1]]++;
}

/** One reusable set of draws: a gaussian duration takes two uniforms of one decision. */
const durationDraws = new DecisionDraws();

function draw(st: Station, c: Connector, ins: Instr): number {
  const d = ins.duration;
  if (!d) return 0;
  if (d.kind === 'fixed') return d.ms;
  return sampleDuration(d, durationDraws.of(st.rng, c.id, scenarioSite(c.pc - 1), nextOrdinal(st, c)).next);
}

/**
 * A duration of the local side (wait, charge, offline), compressed by --speed. A CSMS's time to
 * act (`expect … within`) is not: the CSMS runs at wall-clock speed.
 */
function localTime(st: Station, c: Connector, ins: Instr): number {
  return draw(st, c, ins) / st.ctx.speed;
}

/** The idTag of an authorize/start step: its template expanded, or one of its list, or one of --id-tags. */
function idTagFor(st: Station, c: Connector, ins: Instr): string {
  const list = ins.idTags !== undefined && ins.idTags.length > 0 ? ins.idTags : null;
  if (list === null && ins.idTag !== undefined) return expand(st, c, ins.idTag);
  const site = scenarioSite(c.pc - 1);
  const n = nextOrdinal(st, c);
  return list !== null ? expand(st, c, decideAmong(st.rng, c.id, site, n, list)) : decideAmong(st.rng, c.id, site, n, st.ctx.driver.idTags);
}

/** Expands ${var} (the scenario's variables), then ${n}, ${n:06}, ${id} and ${connector}. */
function expand(st: Station, c: Connector, text: string): string {
  if (!text.includes('${')) return text;
  const vars = programOf(st).vars;
  const n = st.ctx.idStart + st.index;
  const withVars = text.replace(/\$\{([A-Za-z_][\w]*)\}/g, (m, name: string) =>
    name === 'n' || name === 'id' || name === 'connector' ? m : vars[name] ?? m,
  );
  return expandTemplate(withVars.replace(/\$\{connector\}/g, String(c.id)), n, st.identity);
}

function expandPayload(st: Station, c: Connector, value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value), (_k, v) => (typeof v === 'string' ? expand(st, c, v) : v));
}

/**
 * file:line:col of a step, with the scenario by its name (a built-in's, or its path relative to the
 * working directory: see scenario/parse.ts), never an absolute path that changes with the checkout.
 */
function where(st: Station, ins: Instr | undefined): string {
  return `${programOf(st).name}:${ins?.line ?? 0}:${ins?.col ?? 0}`;
}

/**
 * Records an expectation's outcome: the totals, its site's counters (for --report and --junit) and,
 * on failure, a problem line and the first few structured failure records. Strings are built on
 * failure only.
 */
function expectation(st: Station, c: Connector, ins: Instr, passed: boolean, expected = '', got = '', detail?: string): void {
  const { stats } = st.ctx;
  stats.expectation(ins, passed, programOf(st), describeSite);
  if (passed) {
    stats.totals[T.ExpectationsPassed]++;
    return;
  }
  stats.totals[T.ExpectationsFailed]++;
  const site = where(st, ins);
  stats.problem(`${st.identity} connector ${c.id}: ${site}: ${stepName(ins.op)}: ${detail ?? `expected ${expected}, got ${got}`}`);
  if (stats.wantsFailure()) {
    stats.failure({ chargePoint: st.identity, connector: c.id, site, label: describeSite(ins, programOf(st)).label, expected, got, at: Date.now() });
  }
}

/**
 * At the end of the run (after the graceful stop's drain): an expectation a connector is still
 * waiting for — the CSMS call of an `expect`, or the answer to an expecting authorize/start/send —
 * neither passed nor failed; it is counted as pending at its site. Waiting stops here, so an answer
 * arriving while the sockets close is not counted a second time.
 */
export function countPending(st: Station): void {
  const prog = programOf(st);
  if (!prog) return;
  const { stats } = st.ctx;
  for (let i = 1; i < st.connectors.length; i++) {
    const c = st.connectors[i];
    if (c.awaiting === Await.Nothing) continue;
    const ins = prog.instrs[c.pc - 1];
    c.awaiting = Await.Nothing;
    if (ins === undefined || (ins.op !== Op.ExpectCall && ins.expect === undefined)) continue;
    stats.pendingExpectation(ins, prog, describeSite);
    stats.totals[T.ExpectationsPending]++;
  }
}

/** An expectation site: where it is, and what it expects (`expect call UpdateFirmware within 30s`). */
function describeSite(ins: Instr, prog: ScenarioProgram): { site: string; label: string } {
  const site = `${prog.name}:${ins.line}:${ins.col}`;
  switch (ins.op) {
    case Op.ExpectCall: {
      const d = ins.duration;
      const within = d?.kind === 'fixed' ? ` within ${d.ms % 1000 === 0 ? `${d.ms / 1000}s` : `${d.ms}ms`}` : '';
      return { site, label: `expect call ${ins.action}${within}` };
    }
    case Op.Send:
      return { site, label: `send ${ins.action} expect ${ins.expect}` };
    case Op.Start:
      return { site, label: ins.expect !== undefined ? `start expect ${ins.expect}` : 'start with no transaction running' };
    default:
      return { site, label: `${stepName(ins.op)} expect ${ins.expect}` };
  }
}

function stepName(op: Op): string {
  return ['wait', 'plug', 'authorize', 'start', 'charge', 'stop', 'unplug', 'fault', 'recover', 'disconnect', 'reboot', 'send', 'repeat', 'repeat', 'respond', 'expect', 'firmware', 'limit', 'renegotiate', 'network'][op];
}
