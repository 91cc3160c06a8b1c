/**
 * What a station does with the CSMS's answer to each kind of call it made. Payloads arrive already
 * validated against the action's response schema.
 */
import { T } from '../metrics/shard-stats.js';
import * as driver from './driver.js';
import { Kind, type OutboundCall } from './outbound.js';
import { Boot, type Station } from './station.js';

interface IdTagInfo {
  status: string;
}

export function onResponse(st: Station, call: OutboundCall, payload: Record<string, unknown>, now: number): void {
  switch (call.kind) {
    case Kind.Boot:
      return onBoot(st, payload as { status: string; interval: number }, now);
    case Kind.Status:
      st.connectors[call.connectorId].reportedStatus = call.payload.status as never;
      return;
    case Kind.Authorize:
      return driver.authorized(st, call.connectorId, (payload.idTagInfo as IdTagInfo).status, now);
    case Kind.StartTx: {
      const tx = call.tx!;
      tx.transactionId = payload.transactionId as number;
      const status = (payload.idTagInfo as IdTagInfo).status;
      if (status !== 'Accepted') {
        st.ctx.stats.totals[T.TxRejected]++;
        driver.transactionRefused(st, tx, now);
      }
      return;
    }
    case Kind.StopTx:
      st.ctx.stats.totals[T.TxCompleted]++;
      return;
    default:
      return;
  }
}

/**
 * BootNotification.conf (OCPP 1.6 §4.2): Accepted starts the heartbeat at `interval` seconds; Pending
 * and Rejected mean "try again after `interval`" (0 = our own default).
 */
function onBoot(st: Station, res: { status: string; interval: number }, now: number): void {
  const { totals } = st.ctx.stats;
  const intervalMs = res.interval > 0 ? res.interval * 1000 : 0;
  if (res.status === 'Accepted') {
    totals[T.BootsAccepted]++;
    if (!st.everBooted) {
      st.everBooted = true;
      totals[T.ChargePointsBooted]++;
      st.ctx.stats.lastFirstBootAt = Date.now();
    }
    // The CSMS's interval becomes the HeartbeatInterval key's value (OCPP 1.6 §4.2), so a later
    // ChangeConfiguration of the key changes the rate too.
    if (intervalMs > 0) (st.config ??= new Map()).set('HeartbeatInterval', String(res.interval));
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
  st.bootRetryAt = now + (intervalMs || st.ctx.options.bootRetryMs);
  st.arm(now);
}
