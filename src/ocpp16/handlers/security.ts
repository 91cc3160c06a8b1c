/**
 * The OCPP 1.6 security extension (Security Whitepaper, edition 2/3) as a charge point answers it:
 * certificate management (M03 GetInstalledCertificateIds, M04 DeleteCertificate, M05
 * InstallCertificate), its own client certificate (A02/A03 SignCertificate → CertificateSigned),
 * ExtendedTriggerMessage (§5.5), and the security configuration keys (A01 AuthorizationKey, A05
 * SecurityProfile) for ChangeConfiguration. GetLog and SignedUpdateFirmware live elsewhere.
 */
import { Kind, OutboundCall } from '../../station/outbound.js';
import type { Station } from '../../station/station.js';
import type {
  CertificateSignedRequest,
  CertificateSignedResponse,
  ChangeConfigurationResponse,
  DeleteCertificateRequest,
  DeleteCertificateResponse,
  ExtendedTriggerMessageRequest,
  ExtendedTriggerMessageResponse,
  GetInstalledCertificateIdsRequest,
  GetInstalledCertificateIdsResponse,
  InstallCertificateRequest,
  InstallCertificateResponse,
} from '../generated/types.gen.js';
import { CertificateStore } from '../../features/security/certificate-store.js';
import { reconnectAt, trustedRoots, verifiesConnection } from '../../features/security/trust.js';
import { checkSignedChain } from '../../features/security/client-certificate.js';
import { tlsUrl } from '../../features/security/connection.js';
import { createCsr, newKeyPair } from '../../features/security/csr.js';
import { parseAuthorizationKey } from '../security/authorization-key.js';
import { CERTIFICATE_USE } from '../security/certificate-uses.js';
import { securityEvent } from '../security/events.js';
import { bootPayload } from '../dialect.js';
import { securityOf, securityProfile } from '../../features/security/state.js';
import { triggeredStatus } from '../security/trigger-status.js';
import { triggerCommon } from './remote-trigger.js';

// ---------------------------------------------------------------- certificates (M03–M05)

/** InstallCertificate (M05): see CertificateStore.install for the rules. */
export function installCertificate(st: Station, req: InstallCertificateRequest, now: number): InstallCertificateResponse {
  const sec = securityOf(st);
  const status = (sec.store ??= new CertificateStore()).install(CERTIFICATE_USE[req.certificateType], req.certificate, {
    maxLength: st.configInt('CertificateStoreMaxLength'),
    additionalRootCheck: st.getConfig('AdditionalRootCertificateCheck') === 'true',
    now,
  });
  return { status };
}

/** DeleteCertificate (M04): a Central System root the open TLS connection was verified with is kept (M04.FR.06). */
export function deleteCertificate(st: Station, req: DeleteCertificateRequest): DeleteCertificateResponse {
  const store = securityOf(st).store;
  if (!store) return { status: 'NotFound' };
  return { status: store.remove(req.certificateHashData, (e) => verifiesConnection(st, e)) };
}

/** GetInstalledCertificateIds (M03): Accepted with the hash data, or NotFound when none of the type is installed. */
export function getInstalledCertificateIds(st: Station, req: GetInstalledCertificateIdsRequest): GetInstalledCertificateIdsResponse {
  const list = securityOf(st).store?.hashData(CERTIFICATE_USE[req.certificateType]) ?? [];
  return list.length > 0 ? { status: 'Accepted', certificateHashData: list } : { status: 'NotFound' };
}

// ---------------------------------------------------------------- own certificate (A02/A03)

/**
 * Makes a new key pair and sends its CSR in a SignCertificate (A02.FR.02/03). Key generation is
 * synchronous and cheap (EC P-256); the CSR is signed asynchronously and queued when ready.
 */
export function requestClientCertificate(st: Station, triggered = false): void {
  const sec = securityOf(st);
  const { privateKey, publicKey } = newKeyPair();
  const subject = { o: st.getConfig('CpoName') ?? '', cn: serialNumber(st) };
  sec.pendingKey = privateKey;
  sec.pendingSubject = subject;
  createCsr(privateKey, publicKey, subject.o, subject.cn).then(
    (csr) => {
      // A newer request replaced this one meanwhile: its CSR is the one to send.
      if (sec.pendingKey !== privateKey) return;
      const call = new OutboundCall(Kind.Other, 'SignCertificate', { csr });
      // Asked for by ExtendedTriggerMessage: it may go out while the boot is Pending, when the CSMS
      // updates the credentials (Whitepaper A00.FR.806; OCPP 1.6 §4.2.1).
      call.triggered = triggered;
      st.enqueue(call);
    },
    (err: Error) => st.ctx.stats.problem(`${st.identity}: cannot build a CSR: ${err.message}`),
  );
}

/** The charge point's serial number, the CN of its certificate (A00.FR.511). */
function serialNumber(st: Station): string {
  const serial = bootPayload(st).chargePointSerialNumber;
  return typeof serial === 'string' && serial !== '' ? serial : st.identity;
}

/** How long before its certificate expires a charge point renews it (A03: "will expire in one month"). */
const RENEW_BEFORE_EXPIRY_MS = 30 * 24 * 3600 * 1000;

/**
 * CertificateSigned (A02/A03): the chain is checked (security/client-certificate.ts); a valid one
 * becomes our client certificate — used from its 'not valid before' on, with a reconnect when security
 * profile 3 is in use (A02.FR.08) — an invalid one is discarded with an InvalidChargePointCertificate
 * security event (A02.FR.07).
 */
export function certificateSigned(st: Station, req: CertificateSignedRequest, now: number): CertificateSignedResponse {
  const sec = securityOf(st);
  const key = sec.pendingKey;
  const check = key
    ? checkSignedChain(req.certificateChain, {
        key,
        subject: sec.pendingSubject!,
        roots: trustedRoots(st),
        maxChainSize: st.configInt('CertificateSignedMaxChainSize'),
        now,
      })
    : ({ ok: false, reason: 'no certificate signing request outstanding' } as const);
  if (!check.ok) {
    securityEvent(st, 'InvalidChargePointCertificate', check.reason, now);
    return { status: 'Rejected' };
  }
  sec.ownCertificate = { chain: req.certificateChain, key: key!.export({ type: 'pkcs8', format: 'pem' }) as string, notBefore: check.notBefore };
  sec.pendingKey = null;
  sec.pendingSubject = null;
  if (securityProfile(st) === 3) reconnectAt(st, Math.max(now, check.notBefore), 'new client certificate');
  // A03.FR.02: a month before it expires, the charge point asks for a new one by itself.
  st.cancel('security-renew');
  const renewAt = check.notAfter - RENEW_BEFORE_EXPIRY_MS;
  if (renewAt > now) st.later(renewAt, 'security-renew', (s) => s.getConfig('CpoName') && requestClientCertificate(s));
  return { status: 'Accepted' };
}

// ---------------------------------------------------------------- ExtendedTriggerMessage (§5.5)

/**
 * ExtendedTriggerMessage: like TriggerMessage for BootNotification, Heartbeat, MeterValues and
 * StatusNotification; FirmwareStatusNotification means SignedFirmwareStatusNotification (§6.16);
 * SignChargePointCertificate starts A02 (Rejected while CpoName is not set: the use case's
 * prerequisite). connectorId, when given, is a connector of this charge point (> 0, §5.5).
 */
export function extendedTriggerMessage(st: Station, req: ExtendedTriggerMessageRequest, now: number): ExtendedTriggerMessageResponse {
  const { connectorId } = req;
  if (connectorId !== undefined && (connectorId < 1 || connectorId >= st.connectors.length)) return { status: 'Rejected' };
  securityOf(st); // the CSMS speaks the extension with this charge point: it raises security events from now on
  if (triggerCommon(st, req.requestedMessage, connectorId, now)) return { status: 'Accepted' };
  switch (req.requestedMessage) {
    case 'FirmwareStatusNotification':
      // A model without Firmware Management has no firmware status to send (as TriggerMessage answers).
      if (!st.ctx.features.has('FirmwareManagement')) return { status: 'NotImplemented' };
      st.enqueue(new OutboundCall(Kind.Other, 'SignedFirmwareStatusNotification', triggeredStatus.signedFirmware(st) as never).asTriggered());
      return { status: 'Accepted' };
    case 'LogStatusNotification':
      st.enqueue(new OutboundCall(Kind.Other, 'LogStatusNotification', triggeredStatus.log(st) as never).asTriggered());
      return { status: 'Accepted' };
    case 'SignChargePointCertificate':
      if (!st.getConfig('CpoName')) return { status: 'Rejected' };
      requestClientCertificate(st, true);
      return { status: 'Accepted' };
    default:
      return { status: 'NotImplemented' };
  }
}

/** Marks a call as asked for by the CSMS: it may go out while the boot is Pending (OCPP 1.6 §4.2.1). */

// ---------------------------------------------------------------- configuration keys (A01, A05)

/**
 * ChangeConfiguration of AuthorizationKey and SecurityProfile, which do more than store a value;
 * null for any other key. A key the model made read-only is Rejected.
 */
export function changeSecurityKey(st: Station, key: string, value: string, now: number): ChangeConfigurationResponse | null {
  if (key !== 'AuthorizationKey' && key !== 'SecurityProfile') return null;
  if (st.ctx.readonlyKeys.has(key)) return { status: 'Rejected' };
  return key === 'AuthorizationKey' ? changeAuthorizationKey(st, value, now) : changeSecurityProfile(st, value, now);
}

/**
 * A01: a valid key (16–20 bytes in hexadecimal, A00.FR.205) is stored (A01.FR.01), the change is
 * logged without the key (A01.FR.11/12), and the charge point reconnects with it unless it
 * authenticates with a client certificate (security profile 3).
 */
function changeAuthorizationKey(st: Station, value: string, now: number): ChangeConfigurationResponse {
  const password = parseAuthorizationKey(value);
  if (!password) return { status: 'Rejected' };
  securityOf(st).basicAuthPassword = password;
  securityEvent(st, 'ReconfigurationOfSecurityParameters', 'AuthorizationKey changed', now);
  if (securityProfile(st) !== 3) reconnectAt(st, now, 'new AuthorizationKey');
  return { status: 'Accepted' };
}

/**
 * A05: only upwards (A05.FR.01), and only when the new profile's prerequisites are met — a password
 * for 1 and 2 (A05.FR.02), a Central System root for 2 and 3 (A05.FR.03), a client certificate for 3
 * (A05.FR.04). Then the charge point reconnects with it (A05.FR.06/07), over wss:// from profile 2 on.
 */
function changeSecurityProfile(st: Station, value: string, now: number): ChangeConfigurationResponse {
  if (!/^[0-3]$/.test(value)) return { status: 'Rejected' };
  const next = Number(value);
  if (next <= securityProfile(st)) return { status: 'Rejected' };
  const sec = securityOf(st);
  const opts = st.ctx.wsOptions(st);
  const hasPassword = sec.basicAuthPassword !== null || typeof opts.headers?.authorization === 'string';
  const hasRoot = opts.ca !== undefined;
  const hasClientCertificate = sec.ownCertificate !== null || (opts.cert !== undefined && opts.key !== undefined);
  if ((next <= 2 && !hasPassword) || (next >= 2 && !hasRoot) || (next === 3 && !hasClientCertificate)) return { status: 'Rejected' };
  // Kept until a connection with the new profile succeeds (A05.FR.08/09, station/socket.ts).
  if (sec.fallback === null) sec.fallback = { profile: String(securityProfile(st)), url: sec.url, failures: 0 };
  st.setConfig('SecurityProfile', value);
  if (next >= 2) sec.url = tlsUrl(st.url);
  securityEvent(st, 'ReconfigurationOfSecurityParameters', `SecurityProfile ${next}`, now);
  reconnectAt(st, now, 'new security profile');
  return { status: 'Accepted' };
}
