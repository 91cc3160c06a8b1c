/**
 * What a charge point's open connection trusts and relies on, for both versions' certificate
 * handlers: the CSMS roots it verifies the server with (the fleet's CA and the installed ones), whether
 * an installed root anchors the open TLS connection (M04.FR.06: it may not be deleted), and a deliberate
 * reconnect to use new credentials.
 */
import { X509Certificate } from 'node:crypto';
import type { Station } from '../../station/station.js';
import { issuedBy, splitPem } from './certificate-hash.js';
import type { InstalledCertificate } from './certificate-store.js';

interface PeerCertificate {
  raw?: Buffer;
  issuerCertificate?: PeerCertificate;
}

/** True when `e` is a CSMS root that anchors the server certificate chain of the open connection. */
export function verifiesConnection(st: Station, e: InstalledCertificate): boolean {
  if (e.type !== 'CsmsRoot') return false;
  const socket = (st.ws as unknown as { _socket?: { getPeerCertificate?: (detailed: boolean) => PeerCertificate } } | null)?._socket;
  if (!socket?.getPeerCertificate) return false; // not TLS
  const root = e.cert.x509;
  let peer: PeerCertificate | undefined = socket.getPeerCertificate(true);
  for (let depth = 0; peer?.raw && depth < 10; depth++) {
    const cert = new X509Certificate(peer.raw);
    if (cert.fingerprint256 === root.fingerprint256 || issuedBy(cert, root)) return true;
    if (peer.issuerCertificate === peer) break;
    peer = peer.issuerCertificate;
  }
  return false;
}

/** CSMS roots the charge point trusts: the fleet's CA (--ca) and the installed ones. */
export function trustedRoots(st: Station): X509Certificate[] {
  const ca = st.ctx.wsOptions(st).ca;
  const list = ca === undefined ? [] : Array.isArray(ca) ? ca : [ca];
  return list.flatMap((p) => splitPem(String(p))).map((pem) => new X509Certificate(pem));
}

/** Closes the connection at `at` — after the answer has gone out — so the station reconnects with its new settings. */
export function reconnectAt(st: Station, at: number, why: string): void {
  st.cancel('security-reconnect');
  st.later(at, 'security-reconnect', (s) => s.close(1000, why));
}
