/**
 * SecurityCtrlr.SecurityProfile of the run's own connection (A00, Part 2 §A "Security profiles"),
 * what a station reports until the CSMS moves it to another network connection profile (B09/B10):
 * 1 for ws:// (HTTP Basic authentication, or none), 2 for wss:// (TLS, the server verified),
 * 3 for wss:// with a client certificate (the run's --cert/--key).
 */
import type { Station } from '../../station/station.js';

export function runSecurityProfile(st: Station): number {
  if (!st.url.startsWith('wss://')) return 1;
  const { cert, key } = st.ctx.baseWsOptions;
  return cert !== undefined && key !== undefined ? 3 : 2;
}
