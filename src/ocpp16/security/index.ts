/**
 * What other features use of the security extension: raising security events (the firmware update
 * raises FirmwareUpdated), the security log for GetLog(SecurityLog), the installed roots for the
 * signed firmware check, and the statuses ExtendedTriggerMessage reports for firmware and log uploads.
 */
import { securityState } from '../../features/security/state.js';
import type { X509Certificate } from 'node:crypto';
import type { Station } from '../../station/station.js';
import type { CertificateUseEnumType } from '../generated/types.gen.js';

export { SECURITY_EVENTS, securityEvent, securityLogLines, usesSecurityExtension } from '../../features/security/events.js';
export { triggeredStatus } from './trigger-status.js';

/** The installed certificates of a type (InstallCertificate), oldest first; empty when none. */
export function installedCertificates(st: Station, type: CertificateUseEnumType): X509Certificate[] {
  return securityState(st)?.store?.ofType(type) ?? [];
}
