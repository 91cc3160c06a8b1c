/**
 * Security events (1.6 Security Whitepaper §8 and use case A04; 2.0.1 A04): logged in the charge
 * point's security log and reported to the CSMS with SecurityEventNotification, whose payload is the
 * same in both versions. Which events a version reports, and from when, is the version's choice
 * (ocpp16/security/events.ts); this is what they share.
 */
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import { formatLogLine, SecurityLog } from './security-log.js';
import { securityOf, securityState } from './state.js';

/** SecurityEventNotification.req in both versions. */
interface SecurityEventNotification {
  type: string;
  timestamp: string;
  techInfo?: string;
}

/**
 * Logs a security event in the station's security log (A04.FR.04) and queues a
 * SecurityEventNotification (A04.FR.01). `type` is one of the version's security events (or a vendor's
 * own, at most 50 characters: CiString50); techInfo is cut to its 255.
 */
export function recordSecurityEvent(st: Station, type: string, techInfo: string | undefined, now: number): void {
  const sec = securityOf(st);
  const info = techInfo?.slice(0, 255);
  (sec.log ??= new SecurityLog()).add(info ? { at: now, type, techInfo: info } : { at: now, type });
  const payload: SecurityEventNotification = { type: type.slice(0, 50), timestamp: new Date(now).toISOString() };
  if (info) payload.techInfo = info;
  // Kept like a transaction message (A04.FR.02: "queued with a guaranteed delivery") — every event we
  // send, so one raised just before a deliberate reconnect (a new password) is not lost either.
  st.enqueue(new OutboundCall(Kind.Kept, 'SecurityEventNotification', payload as never));
}

/** The security log as text lines, oldest first (for GetLog(SecurityLog)); empty when nothing was logged. */
export function securityLogLines(st: Station): string[] {
  return securityState(st)?.log?.list().map(formatLogLine) ?? [];
}
