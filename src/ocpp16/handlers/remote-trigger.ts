/**
 * OCPP 1.6 Remote Trigger profile (§5.17 TriggerMessage). The response goes out first; the requested
 * message follows it (the station holds follow-ups while replying), as the specification requires:
 * "the Charge Point SHALL first send the TriggerMessage response, before sending the requested message".
 */
import { OcppError } from '../../protocol/errors.js';
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import { diagnosticsStatusNow, firmwareStatusNow } from './firmware.js';
import { mainMeterValues, samplePayload } from '../dialect.js';
import type { TriggerMessageRequest, TriggerMessageResponse } from '../generated/types.gen.js';

export function triggerMessage(st: Station, req: TriggerMessageRequest, now: number): TriggerMessageResponse {
  // A model without the Remote Trigger profile does not support the action (OCPP-J 1.6 §4.2.3), as
  // the other optional profiles' actions are answered.
  if (!st.ctx.features.has('RemoteTrigger')) throw new OcppError('NotSupported', 'TriggerMessage: this charge point does not support Remote Trigger');
  const { connectorId } = req;
  if (connectorId !== undefined && (connectorId < 0 || connectorId >= st.connectors.length)) return { status: 'Rejected' };
  if (triggerCommon(st, req.requestedMessage, connectorId, now)) return { status: 'Accepted' };
  // The firmware and diagnostics notifications belong to Firmware Management: a model without it
  // has no such messages to send (TriggerMessageStatus NotImplemented: "not implemented or unknown").
  if (!st.ctx.features.has('FirmwareManagement')) return { status: 'NotImplemented' };
  switch (req.requestedMessage) {
    case 'DiagnosticsStatusNotification':
      // Uploading while a GetDiagnostics upload runs, else Idle (§4.4).
      st.enqueue(new OutboundCall(Kind.Other, 'DiagnosticsStatusNotification', { status: diagnosticsStatusNow(st) }).asTriggered());
      break;
    case 'FirmwareStatusNotification':
      // The status of the update under way; Idle when none is, and after Installed (§4.5).
      st.enqueue(new OutboundCall(Kind.Other, 'FirmwareStatusNotification', { status: firmwareStatusNow(st) }).asTriggered());
      break;
  }
  return { status: 'Accepted' };
}

/** Marks a call as asked for by the CSMS: it may go out while the boot is Pending (OCPP 1.6 §4.2). */

/**
 * The messages TriggerMessage and the security extension's ExtendedTriggerMessage (Security
 * Whitepaper §5.5) trigger alike: queues `requested` and returns true, or returns false for others.
 * `connectorId` has been checked by the caller.
 */
export function triggerCommon(st: Station, requested: string, connectorId: number | undefined, now: number): boolean {
  switch (requested) {
    case 'BootNotification':
      st.enqueue(st.ctx.dialect.boot(st).asTriggered());
      break;
    case 'Heartbeat':
      st.enqueue(new OutboundCall(Kind.Heartbeat, 'Heartbeat', {}).asTriggered());
      break;
    case 'StatusNotification':
      for (const c of connectorId === undefined ? st.connectors : [st.connectors[connectorId]]) {
        // A model that never reports connector 0 does not when asked for every connector either.
        if (connectorId === undefined && c.id === 0 && !st.ctx.profile.quirks.statusNotificationConnectorZero) continue;
        st.enqueue(st.ctx.dialect.status(st, c, now)!.asTriggered()); // 1.6 reports every connector
      }
      break;
    case 'MeterValues':
      // A triggered sample (context Trigger) is not part of a transaction's data: it is not kept or
      // retried like one, but it names the transaction running on its connector (OCPP 1.6 §7.29
      // MeterValues.req: transactionId "the transaction to which these meter samples are related").
      if (connectorId === 0) {
        // The main meter: every connector's register summed (each brought up to now first).
        let wh = 0;
        for (let i = 1; i < st.connectors.length; i++) {
          st.ctx.advanceMeter(st.connectors[i], now);
          wh += st.connectors[i].energyWh;
        }
        st.enqueue(new OutboundCall(Kind.Other, 'MeterValues', mainMeterValues(wh, now, 'Trigger') as never).asTriggered());
        break;
      }
      for (const c of connectorId === undefined ? st.connectors.slice(1) : [st.connectors[connectorId]]) {
        st.ctx.advanceMeter(c, now);
        const payload = samplePayload(st, c, now, 'Trigger') as unknown as Record<string, unknown>;
        const tx = c.tx !== null && !c.tx.stopped ? c.tx : null;
        // Until the CSMS has confirmed the StartTransaction there is no id to name yet.
        if (tx !== null && tx.id !== null) payload.transactionId = Number(tx.id);
        st.enqueue(new OutboundCall(Kind.Other, 'MeterValues', payload, null, c.id).asTriggered());
      }
      break;
    default:
      return false;
  }
  return true;
}
