/**
 * How a charge point that uses the security functions connects: the HTTP Basic password, the trusted
 * CSMS roots, its client certificate and the URL, as the CSMS set them over OCPP (1.6 Security
 * Whitepaper A01/A02/A05; 2.0.1 the same use cases). Read through the version binding's linkOptions
 * for stations with security state.
 */
import type { ClientOptions } from 'ws';
import type { SecurityState } from './state.js';

export interface ConnectionSettings {
  /** The HTTP Basic password (security profiles 1 and 2), or undefined for none. */
  password: string | Buffer | undefined;
  /** TLS options on top of the fleet's: trusted roots and the client certificate. */
  tls: Pick<ClientOptions, 'ca' | 'cert' | 'key'>;
}

/**
 * The connection settings of a station with security state. `fleetPassword` and `base` are what the
 * run was started with (--password/--passwords, --ca/--cert/--key); what the CSMS installed comes on
 * top: a password set over OCPP replaces the run's (A01), installed CSMS roots are trusted
 * besides the fleet's CA, and a valid certificate from CertificateSigned replaces the client
 * certificate from its 'not valid before' on (A02.FR.08).
 */
export function connectionSettings(sec: SecurityState, fleetPassword: string | undefined, base: ClientOptions, now: number): ConnectionSettings {
  const tls: ConnectionSettings['tls'] = {};
  const roots = sec.store?.ofType('CsmsRoot') ?? [];
  if (roots.length > 0) tls.ca = [...asList(base.ca), ...roots.map((c) => c.toString())];
  const own = sec.ownCertificate;
  if (own && own.notBefore <= now) {
    tls.cert = own.chain;
    tls.key = own.key;
  }
  return { password: sec.basicAuthPassword ?? fleetPassword, tls };
}

function asList(ca: ClientOptions['ca']): (string | Buffer)[] {
  if (ca === undefined) return [];
  return (Array.isArray(ca) ? ca : [ca]) as (string | Buffer)[];
}


/** The wss:// URL a ws:// charge point uses from security profile 2 on (TLS, A00.FR.311/415). */
export function tlsUrl(url: string): string {
  return url.startsWith('ws://') ? `wss://${url.slice(5)}` : url;
}
