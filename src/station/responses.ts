/**
 * What a station does with the CSMS's answer to each kind of call it made. Payloads arrive already
 * validated against the action's response schema.
 */
import { T } from '../metrics/shard-stats.js';
import * as driver from './driver.js';
import { Await, type ConnectorStatus } from './connector.js';
import type { BootAnswer } from './dialect.js';
import { Kind, type OutboundCall } from './outbound.js';
import { Boot, type Station } from './station.js';
import { decideOffline, learn, statusHere } from './authorize-locally.js';
import { atLeastRetryFloor } from './retry.js';
import { Setting } from './settings.js';

export function onResponse(st: Station, call: OutboundCall, payload: Record<string, unknown>, now: number): void {
  const { dialect } = st.ctx;
  dialect.readExtras?.(st, call, payload, now);
  switch (call.kind) {
    case Kind.Boot:
      return onBoot(st, dialect.readBoot(payload), now);
    case Kind.Status:
      st.connectors[call.connectorId].reportedStatus = call.about as ConnectorStatus;
      return;
    case Kind.Authorize: {
      const info = dialect.readTokenInfo(payload)!;
      // 2.0.1 C07: a contract certificate the CSMS does not accept authorizes nothing, whatever it says
      // of the token, and the token is not remembered (it would authorize offline later, C07.FR.09).
      if (info.certificateStatus !== undefined) return authorizeAnswered(st, call, info.certificateStatus, now);
      learn(st, call.about, info, now); // the cache and the list's conflicts (§3.5)
      // 2.0.1: a token valid only at other EVSEs is not accepted at this one (IdTokenInfoType.evseId).
      return authorizeAnswered(st, call, statusHere(info, st.connectors[call.connectorId]), now);
    }
    case Kind.StartTx: {
      const tx = call.tx!;
      const id = dialect.readTransactionId(payload);
      if (id !== undefined) tx.id = id;
      // 2.0.1's answer to a transaction's start need not judge the token (E01: idTokenInfo is optional).
      const info = dialect.readTokenInfo(payload);
      if (info !== undefined) learn(st, tx.idTag, info, now);
      const status = info === undefined ? 'Accepted' : statusHere(info, st.connectors[tx.connectorId]);
      if (status !== 'Accepted') {
        st.ctx.stats.totals[T.TxRejected]++;
        driver.transactionRefused(st, tx, now);
      }
      return startAnswered(st, call, status, now);
    }
    case Kind.Scenario:
      return resumeIf(st, call, Await.Send, dialect.readStatus(payload), now);
    case Kind.MeterValues: {
      // An update that carries the token is judged too (2.0.1 E01/E05: idTokenInfo answers an event
      // with an idToken — the authorization of a transaction opened at plug-in); 1.6 MeterValues never is.
      const tx = call.tx;
      const info = tx === null || call.payload.idToken === undefined ? undefined : dialect.readTokenInfo(payload);
      if (info === undefined) return;
      learn(st, tx!.idTag, info, now);
      if (statusHere(info, st.connectors[tx!.connectorId]) !== 'Accepted' && !tx!.stopped) {
        st.ctx.stats.totals[T.TxRejected]++;
        driver.transactionRefused(st, tx!, now);
      }
      return;
    }
    case Kind.StopTx: {
      st.ctx.stats.totals[T.TxCompleted]++;
      const info = dialect.readTokenInfo(payload);
      if (info !== undefined) learn(st, call.tx!.idTag, info, now);
      return;
    }
    default:
      return;
  }
}

/**
 * A call failed (CALLERROR, invalid answer, timeout): whoever waits for it hears `status`
 * ('Failed' or the error code) — the scenario step that made it, or the default flow.
 */
export function onFailure(st: Station, call: OutboundCall, status: string, now: number): void {
  switch (call.kind) {
    case Kind.Authorize:
      // The link went down while the driver waited: the charge point is offline now and decides
      // as it would offline (OCPP 1.6 §3.5.4) — unless it is going down for a reboot.
      if (status === 'Disconnected' && st.rebootAt === Infinity) status = decideOffline(st, call.about, now, st.connectors[call.connectorId].spec?.evse);
      return authorizeAnswered(st, call, status, now);
    case Kind.StartTx:
      return startAnswered(st, call, status, now);
    case Kind.Scenario:
      return resumeIf(st, call, Await.Send, status, now);
    default:
      return;
  }
}

function authorizeAnswered(st: Station, call: OutboundCall, status: string, now: number): void {
  if (st.connectors[call.connectorId].awaiting === Await.Authorize) return resumeIf(st, call, Await.Authorize, status, now);
  driver.authorized(st, call.connectorId, status, now);
}

function startAnswered(st: Station, call: OutboundCall, status: string, now: number): void {
  if (st.connectors[call.connectorId].tx === call.tx) resumeIf(st, call, Await.Start, status, now);
}

function resumeIf(st: Station, call: OutboundCall, what: Await, status: string, now: number): void {
  const c = st.connectors[call.connectorId];
  if (c.awaiting !== what) return;
  c.awaiting = Await.Nothing;
  st.ctx.behaviour.resume(st, c, status, now);
}

/**
 * The boot's answer (OCPP 1.6 §4.2, 2.0.1 B01): Accepted starts the heartbeat at `interval` seconds;
 * Pending and Rejected mean "try again after `interval`" (0 = our own default).
 */
function onBoot(st: Station, res: BootAnswer, now: number): void {
  const { totals } = st.ctx.stats;
  const intervalMs = res.intervalS * 1000;
  if (res.status === 'Accepted') {
    // A boot a TriggerMessage asked for while Pending is the registration: no retry is due any more.
    st.bootRetryAt = Infinity;
    st.linkProven = true; // the reconnect backoff may start from its initial delay again
    totals[T.BootsAccepted]++;
    if (!st.everBooted) {
      st.everBooted = true;
      totals[T.ChargePointsBooted]++;
      st.ctx.stats.lastFirstBootAt = Date.now();
    }
    // The CSMS's interval becomes the HeartbeatInterval key's value (OCPP 1.6 §4.2), so a later
    // ChangeConfiguration of the key changes the rate too.
    if (intervalMs > 0) st.storeSetting(Setting.HeartbeatInterval, String(res.intervalS));
    st.afterAccepted(now, !st.poweredUp || st.boot !== Boot.Accepted);
    return;
  }
  if (res.status === 'Pending') {
    totals[T.BootsPending]++;
    st.boot = Boot.Pending;
  } else {
    totals[T.BootsRejected]++;
    st.boot = Boot.Rejected;
  }
  st.bootRetryAt = now + atLeastRetryFloor(intervalMs || st.ctx.options.bootRetryMs);
  st.arm(now);
}
