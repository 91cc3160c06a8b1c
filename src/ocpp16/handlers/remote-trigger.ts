/**
 * OCPP 1.6 Remote Trigger profile (§5.17 TriggerMessage). The response goes out first; the requested
 * message follows it (the station holds follow-ups while replying), as the specification requires:
 * "the Charge Point SHALL first send the TriggerMessage response, before sending the requested message".
 */
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import { diagnosticsStatusNow, firmwareStatusNow } from './firmware.js';
import type { TriggerMessageRequest, TriggerMessageResponse } from '../generated/types.gen.js';

export function triggerMessage(st: Station, req: TriggerMessageRequest, now: number): TriggerMessageResponse {
  const { connectorId } = req;
  if (connectorId !== undefined && (connectorId < 0 || connectorId >= st.connectors.length)) return { status: 'Rejected' };
  if (triggerCommon(st, req.requestedMessage, connectorId, now)) return { status: 'Accepted' };
  switch (req.requestedMessage) {
    case 'DiagnosticsStatusNotification':
      // Uploading while a GetDiagnostics upload runs, else Idle (§4.4).
      st.enqueue(new OutboundCall(Kind.Other, 'DiagnosticsStatusNotification', { status: diagnosticsStatusNow(st) }));
      break;
    case 'FirmwareStatusNotification':
      // The status of the update under way; Idle when none is, and after Installed (§4.5).
      st.enqueue(new OutboundCall(Kind.Other, 'FirmwareStatusNotification', { status: firmwareStatusNow(st) }));
      break;
  }
  return { status: 'Accepted' };
}

/**
 * The messages TriggerMessage and the security extension's ExtendedTriggerMessage (Security
 * Whitepaper §5.5) trigger alike: queues `requested` and returns true, or returns false for others.
 * `connectorId` has been checked by the caller.
 */
export function triggerCommon(st: Station, requested: string, connectorId: number | undefined, now: number): boolean {
  switch (requested) {
    case 'BootNotification':
      st.enqueue(new OutboundCall(Kind.Boot, 'BootNotification', st.ctx.bootPayload(st)));
      break;
    case 'Heartbeat':
      st.enqueue(new OutboundCall(Kind.Heartbeat, 'Heartbeat', {}));
      break;
    case 'StatusNotification':
      for (const c of connectorId === undefined ? st.connectors : [st.connectors[connectorId]]) st.reportStatus(c, now);
      break;
    case 'MeterValues':
      // A triggered sample is a plain reading (context Trigger), not part of a transaction's data.
      for (const c of connectorId === undefined ? st.connectors.slice(1) : [st.connectors[connectorId]]) {
        if (c.id === 0) continue;
        st.ctx.advanceMeter(c, now);
        const payload = st.ctx.meterPayload(st, c, now, 'Trigger');
        st.enqueue(new OutboundCall(Kind.Other, 'MeterValues', payload, null, c.id));
      }
      break;
    default:
      return false;
  }
  return true;
}
