/**
 * The security functions' per-charge-point state (OCPP 1.6 Security Whitepaper, edition 2/3; the same
 * use cases in OCPP 2.0.1). One lazy object per station, created the first time they are used (the
 * CSMS sends a security message or changes a security setting, or a security event is raised): the
 * thousands of charge points that never use them pay one null field.
 */
import type { KeyObject } from 'node:crypto';
import { Setting } from '../../station/settings.js';
import type { LinkSecurity, Station } from '../../station/station.js';
import type { CertificateStore } from './certificate-store.js';
import type { SecurityLog } from './security-log.js';

/** A client certificate the charge point got through CertificateSigned (use cases A02/A03). */
export interface OwnCertificate {
  /** The PEM chain as the CSMS sent it: our certificate first, then any sub-CA certificates. */
  chain: string;
  /** Our private key, PEM (PKCS #8). It never leaves the charge point (A02.FR.05). */
  key: string;
  /** Not valid before (ms): the charge point switches to it from then on (A02.FR.08). */
  notBefore: number;
}

export interface SecurityState extends LinkSecurity {
  /** The HTTP Basic password the CSMS set (1.6 AuthorizationKey, decoded octets; 2.0.1 BasicAuthPassword). */
  basicAuthPassword: Buffer | null;
  /** Installed CA certificates (InstallCertificate); null until first used. */
  store: CertificateStore | null;
  /** The private key of the last CSR we sent, waiting for its CertificateSigned. */
  pendingKey: KeyObject | null;
  /** The subject we asked for in that CSR, checked against the signed certificate (A02.FR.06). */
  pendingSubject: { o: string; cn: string } | null;
  ownCertificate: OwnCertificate | null;
  /** 2.0.1's ISO 15118 (V2G) certificate: CSR outstanding and the signed chain (A03 with certificateType V2GCertificate). */
  pendingV2g: { key: KeyObject; subject: { o: string; cn: string } } | null;
  v2gCertificate: OwnCertificate | null;
  /** The security log (A04.FR.04); null until the first event. */
  log: SecurityLog | null;
}

/** The station's security state, or null while the security functions were never used. */
export function securityState(st: Station): SecurityState | null {
  // The station holds it as its LinkSecurity part; every one it holds was made by securityOf below.
  return st.security as SecurityState | null;
}

/** The station's security state, created on first use. */
export function securityOf(st: Station): SecurityState {
  let sec = securityState(st);
  if (sec !== null) return sec;
  sec = {
    basicAuthPassword: null,
    store: null,
    pendingKey: null,
    pendingSubject: null,
    ownCertificate: null,
    pendingV2g: null,
    v2gCertificate: null,
    url: null,
    log: null,
    linkEvent: null,
    fallback: null,
  };
  st.security = sec;
  return sec;
}

/** The station's security profile setting (0 = none configured yet, 1.6 Whitepaper §7.6). */
export function securityProfile(st: Station): number {
  return st.settingInt(Setting.SecurityProfile);
}
