/**
 * What a manual action (control API) does to one charge point: the same station and driver functions
 * the scenario interpreter's steps use (station/driver.ts, Station), so the CSMS sees exactly what a
 * scenario step would make it see, in the charge point's own OCPP version.
 *
 * Semantics (README "Driving a running fleet by hand"): an action on a connector (plug, unplug,
 * authorize, start, stop, fault, recover, demand) PAUSES that connector's scenario or default driver
 * (control/pause.ts) until `resume` or the end of the run; charge-point actions (disconnect, reboot,
 * reset-link, send) pause nothing. A manual unplug ends the session as an EV leaving does.
 */
import { STOP_CAUSES, type StopCause } from '../station/dialect.js';
import { Phase, cableIn, type Connector } from '../station/connector.js';
import * as driver from '../station/driver.js';
import { refusesStart } from '../station/reservation.js';
import { Setting } from '../station/settings.js';
import { ObservedCall, type CallAnswer } from '../station/outbound.js';
import { Link, type Station } from '../station/station.js';
import { SCENARIO_VERSIONS } from '../scenario/versions.js';
import { hidePaused, pause, unpause } from './pause.js';

/** Actions of the API, in the order the docs list them. */
export const ACTIONS = ['plug', 'unplug', 'authorize', 'start', 'stop', 'fault', 'recover', 'demand', 'resume', 'disconnect', 'reboot', 'reset-link', 'send'] as const;
export type ActionName = (typeof ACTIONS)[number];

/** 1.6 ChargePointErrorCode values a fault may carry (2.0.1 reports any code as the event's techCode). */
const ERROR_CODES_16 = [
  'ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature', 'InternalError', 'LocalListConflict', 'OtherError',
  'OverCurrentFailure', 'PowerMeterFailure', 'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'OverVoltage', 'WeakSignal',
];

/** A refusal: HTTP status and why. */
export class ActionError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 504,
    message: string,
  ) {
    super(message);
  }
}

const conflict = (m: string) => new ActionError(409, m);
const bad = (m: string) => new ActionError(400, m);

function num(args: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw bad(`${key} must be a number from ${min} to ${max}`);
  return v;
}

function str(args: Record<string, unknown>, key: string): string | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') throw bad(`${key} must be a non-empty string`);
  return v;
}

function connectorOf(st: Station, args: Record<string, unknown>): Connector {
  const id = num(args, 'connector', 1, 1000) ?? 1;
  if (!Number.isInteger(id) || id >= st.connectors.length) throw new ActionError(404, `${st.identity} has no connector ${id} (it has ${st.connectors.length - 1})`);
  return st.connectors[id];
}

/**
 * Checks an action's arguments without touching a station (so a bad request is a 400 before any
 * charge point acts). Throws ActionError.
 */
export function checkArgs(action: string, args: Record<string, unknown>): void {
  if (!(ACTIONS as readonly string[]).includes(action)) throw new ActionError(404, `No action ${action}; actions: ${ACTIONS.join(', ')}`);
  num(args, 'connector', 1, 1000);
  if (action === 'plug') {
    num(args, 'soc', 0, 100);
    num(args, 'batteryWh', 1, 1e7);
    num(args, 'maxPowerW', 0, 1e7);
  } else if (action === 'demand') {
    num(args, 'powerW', 0, 1e7);
    num(args, 'soc', 0, 100);
  } else if (action === 'authorize' || action === 'start') {
    str(args, 'idTag');
  } else if (action === 'stop') {
    const reason = str(args, 'reason');
    if (reason !== undefined && !(STOP_CAUSES as readonly string[]).includes(reason)) throw bad(`reason must be one of ${STOP_CAUSES.join(', ')}`);
  } else if (action === 'fault') {
    const code = str(args, 'errorCode');
    if (code === 'NoError') throw bad('NoError is not a fault (use recover)');
    if (code !== undefined && code.length > 50) throw bad('errorCode is at most 50 characters');
  } else if (action === 'disconnect') {
    num(args, 'forMs', 0, 24 * 3600_000);
  } else if (action === 'send') {
    if (typeof args.action !== 'string' || args.action === '') throw bad('send needs {action, payload}');
    if (args.payload !== undefined && (typeof args.payload !== 'object' || args.payload === null || Array.isArray(args.payload))) throw bad('payload must be a JSON object');
  }
}

/** Connector actions pause the connector's behaviour; these are the ones that do. */
const CONNECTOR_ACTIONS = new Set(['plug', 'unplug', 'authorize', 'start', 'stop', 'fault', 'recover', 'demand']);

/**
 * Applies a synchronous action (everything but `send`). Throws ActionError when the charge point
 * cannot do it in its present state (nothing changed then).
 */
export function applyAction(st: Station, action: string, args: Record<string, unknown>, now: number): void {
  if (st.link === Link.Closed || st.ctx.stopping) throw conflict('the run is ending');
  if (CONNECTOR_ACTIONS.has(action)) {
    const c = connectorOf(st, args);
    connectorAction(st, c, action, args, now);
    pause(st, c);
    hidePaused(st);
    st.arm(now);
    return;
  }
  switch (action) {
    case 'resume': {
      const c = connectorOf(st, args);
      if (!unpause(st, c, now)) throw conflict(`connector ${c.id} is not paused`);
      return;
    }
    case 'disconnect':
      // As the scenario's `disconnect`: drop the link and stay offline, then reconnect without backoff.
      st.goOffline(now + (num(args, 'forMs', 0, 24 * 3600_000) ?? 60_000));
      st.arm(now);
      return;
    case 'reboot':
      // A power loss (scenario `reboot`): transactions end with PowerLoss, then a boot.
      if (st.rebootAt !== Infinity) throw conflict('a reboot is already under way');
      st.powerLoss(now);
      return;
    case 'reset-link':
      if (st.ws === null || st.link !== Link.Open) throw conflict('not connected');
      st.close(1000, 'reset-link');
      return;
  }
  throw new ActionError(404, `No action ${action}`);
}

function connectorAction(st: Station, c: Connector, action: string, args: Record<string, unknown>, now: number): void {
  const running = c.tx !== null && !c.tx.stopped;
  switch (action) {
    case 'plug': {
      if (cableIn(c)) throw conflict(`connector ${c.id} already has an EV plugged in (${c.status})`);
      if (!c.operative || st.operativeBlocked() || (c.status !== 'Available' && c.status !== 'Reserved')) throw conflict(`connector ${c.id} is ${c.operative ? c.status : 'Inoperative'}`);
      if (c.phase === Phase.Authorizing) c.phase = Phase.Idle; // a new car, not the one a pending authorize was for
      driver.plugIn(st, c, now);
      const soc = num(args, 'soc', 0, 100);
      const batteryWh = num(args, 'batteryWh', 1, 1e7);
      const maxPowerW = num(args, 'maxPowerW', 0, 1e7);
      if (batteryWh !== undefined) c.evBatteryWh = batteryWh;
      if (soc !== undefined) c.soc = soc / 100;
      if (maxPowerW !== undefined) c.evMaxPowerW = maxPowerW;
      return;
    }
    case 'unplug':
      if (!cableIn(c) && !running) throw conflict(`connector ${c.id} has no EV plugged in`);
      // As an EV leaving (scenario `unplug`): StopTransactionOnEVSideDisconnect false keeps the
      // transaction open without energy (SuspendedEV, OCPP 1.6 §9.1); otherwise it ends, EVDisconnected.
      if (running && st.setting(Setting.StopTxOnEVSideDisconnect) === 'false') {
        st.ctx.advanceMeter(c, now);
        c.evMaxPowerW = 0;
        st.ctx.advanceMeter(c, now);
        st.sharePower(now);
        st.setStatus(c, 'SuspendedEV', now);
        return;
      }
      if (running) st.endTransaction(c, 'EVDisconnected', now);
      driver.unplug(st, c, now);
      return;
    case 'authorize': {
      // Presents the token (Authorize, or the local list/cache decides); no session follows from it.
      const idTag = str(args, 'idTag') ?? st.ctx.driver.idTags[0];
      driver.requestAuthorization(st, c, idTag, now);
      c.phase = running ? Phase.Charging : cableIn(c) ? (c.status === 'Finishing' ? Phase.Finished : Phase.Plugged) : Phase.Idle;
      return;
    }
    case 'start': {
      if (running && c.tx!.authorized) throw conflict(`a transaction is already running on connector ${c.id}`);
      if (!c.operative || st.operativeBlocked() || c.status === 'Faulted' || c.status === 'Unavailable') throw conflict(`connector ${c.id} is ${c.operative ? c.status : 'Inoperative'}`);
      if (c.status === 'Finishing') throw conflict(`connector ${c.id} is Finishing: unplug first`);
      if (!st.takesSessions()) throw conflict('a reset is under way');
      const idTag = str(args, 'idTag') ?? st.ctx.driver.idTags[0];
      if (refusesStart(st, c, idTag)) throw conflict(`connector ${c.id} is reserved for another idTag than ${idTag}`);
      // As a driver would: present the token; once authorized the cable goes in (if it is not) and the transaction starts.
      driver.authorize(st, c, idTag, now);
      return;
    }
    case 'stop':
      if (!running) throw conflict(`no transaction is running on connector ${c.id}`);
      st.endTransaction(c, ((args.reason as StopCause | undefined) ?? 'Local'), now);
      driver.finish(st, c, now);
      return;
    case 'fault': {
      const code = str(args, 'errorCode') ?? 'OtherError';
      if (st.ctx.version === '1.6' && !ERROR_CODES_16.includes(code)) throw bad(`errorCode must be one of ${ERROR_CODES_16.join(', ')} (OCPP 1.6 ChargePointErrorCode)`);
      // As the scenario's `fault`: the energy up to the fault; none flows while Faulted.
      c.statusBeforeFault = c.status === 'Faulted' ? c.statusBeforeFault : c.status;
      c.errorCode = code;
      st.ctx.advanceMeter(c, now);
      st.setStatus(c, 'Faulted', now);
      st.ctx.advanceMeter(c, now);
      return;
    }
    case 'recover': {
      if (c.status !== 'Faulted') throw conflict(`connector ${c.id} is not Faulted (${c.status})`);
      c.errorCode = 'NoError';
      const before = c.statusBeforeFault;
      st.ctx.advanceMeter(c, now);
      st.setStatus(c, !running && (before === 'Charging' || before === 'SuspendedEV' || before === 'SuspendedEVSE') ? 'Finishing' : before, now);
      st.ctx.advanceMeter(c, now);
      return;
    }
    case 'demand': {
      if (!cableIn(c)) throw conflict(`connector ${c.id} has no EV plugged in`);
      const powerW = num(args, 'powerW', 0, 1e7);
      const soc = num(args, 'soc', 0, 100);
      if (powerW === undefined && soc === undefined) throw bad('demand needs powerW and/or soc');
      st.ctx.advanceMeter(c, now); // the energy so far at the old demand
      if (powerW !== undefined) c.evMaxPowerW = powerW;
      if (soc !== undefined) c.soc = soc / 100;
      st.ctx.advanceMeter(c, now);
      st.sharePower(now);
      if (running && c.tx!.authorized && (c.status === 'Charging' || c.status === 'SuspendedEV')) st.setStatus(c, c.powerW > 0 ? 'Charging' : 'SuspendedEV', now);
      return;
    }
  }
}

/**
 * Sends any call of the charge point's version through its normal queue, validated first against
 * the version's schema. Resolves with the CSMS's answer; rejects with ActionError (400 invalid, 409
 * not booted, 504 no answer within the call timeout).
 */
export function sendCall(st: Station, action: string, payload: Record<string, unknown>): Promise<CallAnswer> {
  if (st.link === Link.Closed || st.ctx.stopping) return Promise.reject(conflict('the run is ending'));
  const cpActions = SCENARIO_VERSIONS.find((v) => v.version === st.ctx.version)?.cpActions ?? [];
  if (!cpActions.includes(action)) return Promise.reject(bad(`${action} is not a call an OCPP ${st.ctx.version} charge point sends (${cpActions.join(', ')})`));
  const problem = st.ctx.validator.request(action, payload);
  if (problem) return Promise.reject(bad(`${action} is not a valid OCPP ${st.ctx.version} call: ${problem.message}`));
  const waitMs = st.ctx.options.callTimeoutMs + 1000;
  return new Promise((resolve, reject) => {
    // One timer per call in flight through the API, never per charge point.
    const timer = setTimeout(() => reject(new ActionError(504, `${action}: no answer from the CSMS within ${waitMs} ms`)), waitMs);
    st.enqueue(
      new ObservedCall(action, payload, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      }),
    );
  });
}
