/**
 * The log file a charge point uploads (1.6 GetDiagnostics, GetLog of the Security Whitepaper; 2.0.1
 * GetLog, N01): its name, its text, and how a failed GetLog upload is reported.
 *
 * The file is plain UTF-8 text: a header (identity, vendor, model, firmware, the period asked for),
 * then this charge point's recent frames and events from the station log (src/station/log.ts), one
 * per line: `<ISO time> <identity> <mark> <frame or event>` (`<` from the CSMS, `>` to it, `*` event).
 * A security log holds the security log's events (features/security/), `<ISO time> <type> <techInfo>`.
 */
import { stationLog } from '../../station/log.js';
import type { Station } from '../../station/station.js';
import { formatLogLine } from '../security/security-log.js';
import { securityState } from '../security/state.js';

/** Which log: the charge point's diagnostics, or its security log. */
export type LogFileKind = 'diagnostics' | 'security';

/** The file name a charge point gives its log (≤ 255 characters, 1.6 GetDiagnostics.conf, GetLog.conf). */
export function logFileName(identity: string, kind: LogFileKind, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${identity.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200)}-${kind}-${stamp}.log`;
}

/** The file's text (see the file comment) for the period from … to (ms; ±Infinity = all). */
export function logFileText(st: Station, kind: LogFileKind, from: number, to: number, now: number): string {
  const security = kind === 'security';
  const p = st.ctx.profile;
  const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : '-');
  const header = [
    `# ocpp-sim ${security ? 'security log' : 'diagnostics'} of ${st.identity}`,
    `# vendor ${p.vendor}, model ${p.model}, firmware ${st.firmware?.version ?? p.firmwareVersion}`,
    `# generated ${new Date(now).toISOString()}, period ${iso(from)} .. ${iso(to)}`,
  ];
  const lines = security
    ? (securityState(st)?.log?.list() ?? []).filter((e) => e.at >= from && e.at <= to).map(formatLogLine)
    : stationLog.lines(st, st.identity, from, to);
  return `${header.join('\n')}\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`;
}

/**
 * The status of a failed GetLog upload, "as precise as possible" (1.6 Whitepaper N01.FR.10; the same
 * words in 2.0.1's UploadLogStatusEnumType): the server refused our credentials (HTTP 401/403, FTP
 * 530/532) → PermissionDenied; it does not support the operation (HTTP 405/501, FTP 500–504) →
 * NotSupportedOperation; else UploadFailure.
 */
export function uploadLogFailure(reason: string): 'PermissionDenied' | 'NotSupportedOperation' | 'UploadFailure' {
  if (/^HTTP 40[13] |^FTP \S+: 53[02]\b/.test(reason)) return 'PermissionDenied';
  if (/^HTTP (405|501) |^FTP \S+: 50[0-4]\b/.test(reason)) return 'NotSupportedOperation';
  return 'UploadFailure';
}
