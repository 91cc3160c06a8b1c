/**
 * CustomerInformation (N09 report, N10 clear): what the charge point holds about one customer. A
 * simulated charge point knows a customer by their idToken only: its Authorization Cache entry (which
 * it owns: cleared on request), its Local Authorization List entry (reported, not cleared: the list is
 * the CSMS's, changed only by SendLocalList) and the transactions running with it. It holds nothing
 * under a customerIdentifier or a customer certificate, and says so. The report goes in
 * NotifyCustomerInformation parts of at most 512 characters (NotifyCustomerInformationRequest.data).
 */
import type { Station } from '../../station/station.js';
import { statusAt, type TagInfo } from '../../station/authorization.js';
import { tokenOf } from '../../station/id-token.js';
import type { CustomerInformationRequest, CustomerInformationResponse, NotifyCustomerInformationRequest } from '../generated/types.gen.js';

/** NotifyCustomerInformationRequest.data is at most 512 characters. */
export const DATA_PER_MESSAGE = 512;
/** The longest report sent (a bound on the parts; what we hold is far less). */
const MAX_REPORT = 50 * DATA_PER_MESSAGE;

export interface CustomerOutcome {
  response: CustomerInformationResponse;
  /** The report to send after the answer (null: none asked, or not accepted). */
  report: string | null;
}

/** N09/N10: Invalid without a customer reference, Rejected when asked neither to report nor to clear. */
export function customerInformation(st: Station, req: CustomerInformationRequest, now: number): CustomerOutcome {
  if (req.idToken === undefined && req.customerIdentifier === undefined && req.customerCertificate === undefined) {
    return { response: { status: 'Invalid', statusInfo: { reasonCode: 'MissingParam', additionalInfo: 'no customerIdentifier, idToken or customerCertificate' } }, report: null };
  }
  if (!req.report && !req.clear) return { response: { status: 'Rejected', statusInfo: { reasonCode: 'InvalidValue', additionalInfo: 'neither report nor clear' } }, report: null };
  // The report describes what was held before a clear of the same request.
  const report = req.report ? describe(st, req, now).slice(0, MAX_REPORT) : null;
  if (req.clear && req.idToken !== undefined) {
    const cache = st.auth?.cache;
    if (cache) cache.delete(tokenOf(req.idToken.idToken, req.idToken.type));
  }
  return { response: { status: 'Accepted' }, report };
}

function entry(kind: string, e: TagInfo, now: number): string {
  return `${kind} entry: status ${statusAt(e, now)}${e.expiresAt !== Infinity ? `, expires ${new Date(e.expiresAt).toISOString()}` : ''}${e.parentIdTag ? `, group ${e.parentIdTag}` : ''}.`;
}

function describe(st: Station, req: CustomerInformationRequest, now: number): string {
  const lines: string[] = [];
  if (req.idToken !== undefined) {
    const { idToken, type } = req.idToken;
    const key = tokenOf(idToken, type);
    const held: string[] = [];
    const cached = st.auth?.cache?.get(key);
    if (cached) held.push(entry('Authorization Cache', cached, now));
    const listed = st.auth?.list?.get(key);
    if (listed) held.push(entry('Local Authorization List', listed, now));
    for (let i = 1; i < st.connectors.length; i++) {
      const tx = st.connectors[i].tx;
      if (tx !== null && !tx.stopped && tx.idTag === key) held.push(`Transaction ${tx.id} running since ${new Date(tx.startedAt).toISOString()}.`);
    }
    lines.push(held.length > 0 ? `idToken ${idToken} (${type}): ${held.join(' ')}` : `idToken ${idToken} (${type}): no data held.`);
  }
  if (req.customerIdentifier !== undefined) lines.push(`customerIdentifier ${req.customerIdentifier}: no data held.`);
  if (req.customerCertificate !== undefined) lines.push(`customer certificate ${req.customerCertificate.serialNumber}: no data held.`);
  return lines.join('\n');
}

/** The report in parts: seqNo from 0, tbc on all but the last, each part's data at most 512 characters. */
export function customerInformationParts(requestId: number, data: string, generatedAt: string): NotifyCustomerInformationRequest[] {
  const parts: NotifyCustomerInformationRequest[] = [];
  let at = 0;
  do {
    const chunk = data.slice(at, at + DATA_PER_MESSAGE);
    at += DATA_PER_MESSAGE;
    parts.push({ data: chunk, tbc: at < data.length, seqNo: parts.length, generatedAt, requestId });
  } while (at < data.length);
  return parts;
}
