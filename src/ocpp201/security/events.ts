/**
 * The security events a 2.0.1 charging station raises (A04; Part 2 Appendix 1 "Security events"):
 * every one goes into the security log (A04.FR.04) and out as a SecurityEventNotification, kept until
 * delivered (A04.FR.02). The critical ones SHALL be sent (A04.FR.01); the others are sent as well, as
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

/** The appendix's events (2.0.1 names) and whether each is critical. */
export const SECURITY_EVENTS_201: Readonly<Record<string, boolean>> = {
  FirmwareUpdated: true,
  FailedToAuthenticateAtCsms: false,
  CsmsFailedToAuthenticate: false,
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
  InvalidCsmsCertificate: false,
  InvalidChargingStationCertificate: false,
  InvalidTLSVersion: false,
  InvalidTLSCipherSuite: false,
  MaintenanceLoginAccepted: false,
  MaintenanceLoginFailed: false,
};

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
