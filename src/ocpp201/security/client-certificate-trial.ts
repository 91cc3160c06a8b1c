/**
 * A renewed client certificate on trial (A02.FR.08/10/28/29 and A03.FR.08/10/24/25, errata 2025-01).
 * After CertificateSigned a station of security profile 3 reconnects with the new certificate
 * (A02.FR.08) and keeps the old one — the one CertificateSigned gave before, or the run's
 * --cert/--key — until a connection with the new one opens; then the old one is discarded
 * (A02.FR.10: only the certificate in use is kept, so the CSMS can manage it; station/socket.ts drops
 * the trial on open). When OCPPCommCtrlr.NetworkProfileConnectionAttempts attempts with the new one
 * all fail, the station falls back to the old certificate (A02.FR.28, B10.FR.07: the settings of its
 * last successful connection), discards the new one (A02.FR.10) and says so with a
 * DiscardedRenewedClientCertificate security event (A02.FR.29), so the CSMS knows to renew it again.
 *
 * The trial is plain data on the station's link state (LinkSecurity.clientTrial): socket.ts counts the
 * failed attempts; the fallback is settled here, as the next connection's options are made.
 */
import { securityOf, securityState, type OwnCertificate } from '../../features/security/state.js';
import type { Station } from '../../station/station.js';
import { dmValue } from './device-values.js';
import { securityEvent201 } from './events.js';

/** Puts `own` in use, on trial, keeping the certificate in use before it as the fallback. */
export function tryClientCertificate(st: Station, own: OwnCertificate, now: number): void {
  const sec = securityOf(st);
  settleClientTrial(st, now);
  // Two CertificateSigned before the reconnect: the untried one is replaced; the fallback stays the
  // one that last connected.
  const previous = sec.clientTrial ? (sec.clientTrial.previous as OwnCertificate | null) : sec.ownCertificate;
  sec.ownCertificate = own;
  const attempts = Math.max(1, Number(dmValue(st, 'OCPPCommCtrlr', 'NetworkProfileConnectionAttempts') ?? 3));
  sec.clientTrial = { failures: 0, attempts, previous };
}

/** A trial whose attempts all failed: back to the previous certificate (A02.FR.28), the new one discarded. */
export function settleClientTrial(st: Station, now: number): void {
  const sec = securityState(st);
  const trial = sec?.clientTrial;
  if (!sec || !trial || trial.failures < trial.attempts) return;
  sec.ownCertificate = trial.previous as OwnCertificate | null;
  sec.clientTrial = null;
  st.ctx.stats.problem(`${st.identity}: cannot connect with the renewed client certificate (${trial.failures} attempts); back to the previous one`);
  // A02.FR.29: the CSMS learns it should renew the certificate again.
  securityEvent201(st, 'DiscardedRenewedClientCertificate', `no connection with the renewed client certificate in ${trial.failures} attempts`, now);
}
