/**
 * The security events a 1.6 charge point raises (Security Whitepaper §8 and use case A04); logging
 * and reporting them is shared (features/security/events.ts).
 *
 * Which events this simulator raises — those a virtual charge point can truthfully observe:
 * StartupOfTheDevice (a boot after power-up), ResetOrReboot (a Reset), FirmwareUpdated (the firmware
 * feature calls {@link securityEvent} after an install), ReconfigurationOfSecurityParameters
 * (AuthorizationKey / SecurityProfile changed), InvalidChargePointCertificate (a CertificateSigned we
 * rejected), InvalidFirmwareSignature / InvalidFirmwareSigningCertificate (signed firmware),
 * InvalidCentralSystemCertificate, InvalidTLSVersion and FailedToAuthenticateAtCentralSystem
 * (station/socket.ts: a TLS or HTTP 401 failure, once per outage) and InvalidMessages
 * (station/inbound.ts: a schema-invalid CSMS call; station.ts: a malformed frame). It has no clock to
 * set, no memory to exhaust and no tamper switch.
 *
 * Only charge points that use the security extension raise them: SecurityProfile ≥ 1, or the CSMS
 * has used a security message with it. Plain 1.6 charge points keep sending exactly what they did.
 */
import type { Station } from '../../station/station.js';
import { recordSecurityEvent } from '../../features/security/events.js';
import { securityProfile } from '../../features/security/state.js';

/** The events of the Whitepaper's table (§8) and whether each is critical. */
export const SECURITY_EVENTS: Readonly<Record<string, boolean>> = {
  FirmwareUpdated: true,
  FailedToAuthenticateAtCentralSystem: false,
  CentralSystemFailedToAuthenticate: false,
  SettingSystemTime: true,
  StartupOfTheDevice: true,
  ResetOrReboot: true,
  SecurityLogWasCleared: true,
  ReconfigurationOfSecurityParameters: false,
  MemoryExhaustion: true,
  InvalidMessages: false,
  AttemptedReplayAttacks: false,
  TamperDetectionActivated: true,
  InvalidFirmwareSignature: false,
  InvalidFirmwareSigningCertificate: false,
  InvalidCentralSystemCertificate: false,
  InvalidChargePointCertificate: false,
  InvalidTLSVersion: false,
  InvalidTLSCipherSuite: false,
};

export type SecurityEventType = keyof typeof SECURITY_EVENTS;

/** True when the station speaks the security extension (see the module comment). */
export function usesSecurityExtension(st: Station): boolean {
  return st.security !== null || securityProfile(st) >= 1;
}

/**
 * Raises a security event: logs it and queues a SecurityEventNotification (A04.FR.01, N01.FR.05).
 * Returns false when the station does not use the security extension (nothing happens then).
 * `type` is one of {@link SECURITY_EVENTS} (or a vendor's own, ≤ 50 characters).
 */
export function securityEvent(st: Station, type: string, techInfo?: string, now = st.ctx.now()): boolean {
  if (!usesSecurityExtension(st)) return false;
  recordSecurityEvent(st, type, techInfo, now);
  return true;
}
