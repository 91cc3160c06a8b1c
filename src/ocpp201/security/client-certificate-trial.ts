/**
 * A renewed client certificate on trial (A02.FR.08/10/28/29 and A03.FR.08/10/24/25, errata 2025-01).
 * After CertificateSigned a station of security profile 3 reconnects with the new certificate
 * (A02.FR.08) and keeps the old one — the one CertificateSigned gave before, or the run's
 * --cert/--key — until a connection with the new one succeeds; then the old one is discarded
 * (A02.FR.10: only the certificate in use is kept, so the CSMS can manage it). When
 * OCPPCommCtrlr.NetworkProfileConnectionAttempts attempts with the new one all fail, the station
 * falls back to the old certificate (A02.FR.28, B10.FR.07: the settings of its last successful
 * connection), discards the new one (A02.FR.10) and says so with a DiscardedRenewedClientCertificate
 * security event (A02.FR.29), so the CSMS knows to renew it again.
 *
 * station/socket.ts counts the attempts (LinkSecurity.clientTrial: plain data); the outcome is
 * settled here when the next connection's options are made (security/network.ts).
 */
import { securityOf, securityState, type OwnCertificate } from '../../features/security/state.js';
import type { Station } from '../../station/station.js';
import { dmValue } from './device-values.js';
import { securityEvent201 } from './events.js';

/** Puts `own` in use, on trial, keeping the certificate in use before it as the fallback. */
export function tryClientCertificate(st: Station, own: OwnCertificate, now: number): void {
  const sec = securityOf(st);
  settleClientTrial(st, now);
  // A trial not yet tried (two CertificateSigned before the reconnect): the untried one is replaced,
  // the fallback stays the one that last connected.
  if (!sec.clientTrial) sec.previousCertificate = sec.ownCertificate;
  sec.ownCertificate = own;
  const attempts = Math.max(1, Number(dmValue(st, 'OCPPCommCtrlr', 'NetworkProfileConnectionAttempts') ?? 3));
  sec.clientTrial = { failures: 0, attempts, connected: false };
}

/** Ends a trial that has an outcome: connected (the old certificate goes) or failed (the new one goes). */
export function settleClientTrial(st: Station, now: number): void {
  const sec = securityState(st);
  const trial = sec?.clientTrial;
  if (!sec || !trial) return;
  if (trial.connected) {
    // A02.FR.10: connected with the new certificate: the old one is discarded.
    sec.previousCertificate = null;
    sec.clientTrial = null;
    return;
  }
  if (trial.failures < trial.attempts) return;
  // A02.FR.28: every attempt with the new certificate failed: back to the old one; A02.FR.10: the new one is discarded.
  sec.ownCertificate = sec.previousCertificate;
  sec.previousCertificate = null;
  sec.clientTrial = null;
  st.ctx.stats.problem(`${st.identity}: cannot connect with the renewed client certificate (${trial.failures} attempts); back to the previous one`);
  // A02.FR.29: the CSMS learns it should renew the certificate again.
  securityEvent201(st, 'DiscardedRenewedClientCertificate', `no connection with the renewed client certificate in ${trial.failures} attempts`, now);
}
