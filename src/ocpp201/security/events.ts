/**
 * The security events a 2.0.1 charging station raises (A04; Part 2 Appendix 1 "Security events"):
 * every one goes into the security log (A04.FR.04) and out as a SecurityEventNotification, kept until
 * delivered (A04.FR.02). The critical ones SHALL be sent (A04.FR.01: FirmwareUpdated, SettingSystemTime,
 * StartupOfTheDevice, ResetOrReboot, SecurityLogWasCleared, MemoryExhaustion,
 * TamperDetectionActivated); the others are sent as well, as
 * the use cases that raise them expect the CSMS to hear of them (A02: InvalidChargingStationCertificate,
 * A01/A05: ReconfigurationOfSecurityParameters).
 *
 * Raised, those a virtual station can truthfully observe: StartupOfTheDevice, ResetOrReboot,
 * FirmwareUpdated, InvalidFirmwareSignature / InvalidFirmwareSigningCertificate (the firmware feature),
 * FailedToAuthenticateAtCsms (HTTP 401), InvalidCsmsCertificate and InvalidTLSVersion (the TLS
 * handshake), InvalidMessages (a malformed or schema-invalid CSMS message),
 * ReconfigurationOfSecurityParameters (BasicAuthPassword, a network profile switch) and
 * InvalidChargingStationCertificate (a CertificateSigned we rejected).
 */
import { recordSecurityEvent } from '../../features/security/events.js';
import type { Station } from '../../station/station.js';

/** The shared core and features name some events as the 1.6 Security Whitepaper does; 2.0.1 renamed them. */
const RENAMED: Readonly<Record<string, string>> = {
  FailedToAuthenticateAtCentralSystem: 'FailedToAuthenticateAtCsms',
  CentralSystemFailedToAuthenticate: 'CsmsFailedToAuthenticate',
  InvalidCentralSystemCertificate: 'InvalidCsmsCertificate',
  InvalidChargePointCertificate: 'InvalidChargingStationCertificate',
};

/** Logs and reports a security event (always: security is part of 2.0.1's core). */
export function securityEvent201(st: Station, type: string, techInfo?: string, now = st.ctx.now()): boolean {
  recordSecurityEvent(st, RENAMED[type] ?? type, techInfo, now);
  return true;
}
