/**
 * TriggerMessage (F06): the station sends what the CSMS asks for after its answer — also while its
 * boot is Pending (B02: only triggered messages then), which the `triggered` flag lets through.
 */
import { Kind, OutboundCall } from '../../station/outbound.js';
import { Boot, type Station } from '../../station/station.js';
import type { TriggerMessageRequest, TriggerMessageResponse } from '../generated/types.gen.js';
import { bootPayload, sampleReading, txUpdated } from '../dialect.js';
import { memberList, reading } from '../meter-values.js';
import { modelOf, variable } from '../station-model.js';
import * as firmware from './firmware.js';
import { requestCertificate } from '../security/signing.js';


/** F06.FR.06: a triggered reading has the measurands of AlignedDataCtrlr.Measurands, context Trigger. */
function triggerReading(st: Station, i: number, now: number) {
  const { slots } = modelOf(st.ctx.profile);
  return reading(st.connectors[i], st.ctx.profile.quirks, memberList(variable(st, slots.alignedMeasurands)), now, 'Trigger');
}

export function triggerMessage(st: Station, req: TriggerMessageRequest, now: number): TriggerMessageResponse {
  // The connectors asked about: one connector, one EVSE's, or all (evse absent: the whole station).
  const m = modelOf(st.ctx.profile);
  const ids: number[] = [];
  for (let i = 1; i < st.connectors.length; i++) {
    if (req.evse === undefined || (m.evseOf[i] === req.evse.id && (req.evse.connectorId === undefined || m.connectorOf[i] === req.evse.connectorId))) ids.push(i);
  }
  if (req.evse !== undefined && ids.length === 0) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEvse', additionalInfo: 'no such EVSE or connector' } };
  switch (req.requestedMessage) {
    case 'BootNotification':
      // F06.FR.17: not once the boot is accepted.
      if (st.boot === Boot.Accepted) return { status: 'Rejected' };
      st.enqueue(new OutboundCall(Kind.Boot, 'BootNotification', bootPayload(st, 'Triggered') as never).asTriggered());
      break;
    case 'Heartbeat':
      st.enqueue(st.ctx.dialect.heartbeat().asTriggered());
      break;
    case 'StatusNotification':
      // F06.FR.12: a StatusNotification is about one connector; without it there is nothing to name.
      if (req.evse?.connectorId === undefined) return { status: 'Rejected', statusInfo: { reasonCode: 'MissingParam', additionalInfo: 'evse.connectorId is required' } };
      for (const i of ids) st.enqueue(st.ctx.dialect.status(st, st.connectors[i], now)!.asTriggered());
      break;
    case 'MeterValues':
      for (const i of ids) {
        const c = st.connectors[i];
        st.ctx.advanceMeter(c, now);
        st.enqueue(new OutboundCall(Kind.MeterValues, 'MeterValues', { evseId: m.evseOf[i], meterValue: [triggerReading(st, i, now)] }, null, i).asTriggered());
      }
      break;
    case 'TransactionEvent': {
      // An Updated event with triggerReason Trigger for each transaction running there; with none,
      // there is nothing to send.
      const running = ids.filter((i) => st.connectors[i].tx !== null && !st.connectors[i].tx!.stopped);
      if (running.length === 0) return { status: 'Rejected', statusInfo: { reasonCode: 'NoTransaction', additionalInfo: 'no transaction is ongoing there' } };
      for (const i of running) {
        const c = st.connectors[i];
        st.ctx.advanceMeter(c, now);
        // The transaction's own measurands (SampledDataCtrlr.TxUpdatedMeasurands).
        st.enqueue(txUpdated(st, c, c.tx!, now, 'Trigger', sampleReading(st, c, now, 'Trigger')).asTriggered());
      }
      break;
    }
    // The real status of the firmware update, log upload or publication (handlers/firmware.ts).
    case 'LogStatusNotification':
      st.enqueue(new OutboundCall(Kind.Other, 'LogStatusNotification', firmware.logStatusNow(st) as never).asTriggered());
      break;
    case 'FirmwareStatusNotification':
      st.enqueue(new OutboundCall(Kind.Other, 'FirmwareStatusNotification', firmware.firmwareStatusNow(st) as never).asTriggered());
      break;
    case 'PublishFirmwareStatusNotification': {
      const publish = firmware.publishStatusNow(st);
      if (publish === null) return { status: 'NotImplemented' }; // not a Local Controller
      st.enqueue(new OutboundCall(Kind.Other, 'PublishFirmwareStatusNotification', publish as never).asTriggered());
      break;
    }
    case 'SignChargingStationCertificate':
      // A02 started by the CSMS: a new key and its CSR in a SignCertificate, sent after this answer.
      requestCertificate(st, 'ChargingStationCertificate', true, now);
      break;
    case 'SignV2GCertificate':
      // A03 for the ISO 15118 SECC certificate: only a station that speaks ISO 15118.
      if (!st.ctx.features.has('ISO15118Ctrlr')) return { status: 'Rejected', statusInfo: { reasonCode: 'UnsupportedRequest', additionalInfo: 'no ISO15118Ctrlr' } };
      requestCertificate(st, 'V2GCertificate', true, now);
      break;
    case 'SignCombinedCertificate':
      // A02/A03 for one certificate of both uses (OCTT TC_A_13): one CSR, SignCertificate without certificateType.
      if (!st.ctx.features.has('ISO15118Ctrlr')) return { status: 'Rejected', statusInfo: { reasonCode: 'UnsupportedRequest', additionalInfo: 'no ISO15118Ctrlr' } };
      requestCertificate(st, 'Combined', true, now);
      break;
    default:
      return { status: 'NotImplemented' };
  }
  return { status: 'Accepted' };
}
