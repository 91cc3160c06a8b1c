/**
 * How a 2.0.1 station connects (A00/A05, B09/B10): with the network connection profile of the first
 * slot of OCPPCommCtrlr.NetworkConfigurationPriority that has one — slot 1 without a stored profile is
 * the run's own URL and options — chosen at power-up (the priority needs a reboot, B10.FR.04). After
 * OCPPCommCtrlr.NetworkProfileConnectionAttempts failed attempts it moves on to the next entry, or
 * back to the slot it used before when there is none (B10.FR.03; A05: a station never cuts itself off
 * with an upgrade it cannot use; station/socket.ts). One step: the next entry is then kept.
 *
 * Security profile 1: HTTP Basic with SecurityCtrlr.BasicAuthPassword (else the run's password);
 * 2: the same over TLS, the server verified with the run's CA and the installed CSMS roots; 3: TLS
 * with our client certificate (the one CertificateSigned gave, else the run's). SecurityCtrlr.
 * SecurityProfile tells the profile of the connection in use.
 */
import type { ClientOptions } from 'ws';
import { connectionSettings } from '../../features/security/connection.js';
import { securityOf, securityState } from '../../features/security/state.js';
import { reconnectAt } from '../../features/security/trust.js';
import { Setting } from '../../station/settings.js';
import type { Station } from '../../station/station.js';
import { findVariable, type VariableChange } from '../device-model/index.js';
import { modelOf } from '../station-model.js';
import type { NetworkConnectionProfileType, SetVariableDataType, StatusInfoType } from '../generated/types.gen.js';
import { dmValue } from './device-values.js';
import { runSecurityProfile } from './run-profile.js';
import { settleClientTrial } from './client-certificate-trial.js';

/** The run's connection: slot 1 until the CSMS stores a profile there. */
const RUN_SLOT = 1;

/** SecurityCtrlr.BasicAuthPassword (write-only over OCPP: the station reads it itself). */
function basicAuthPassword(st: Station): string | undefined {
  return dmValue(st, 'SecurityCtrlr', 'BasicAuthPassword') || undefined;
}

/** A stored connection profile's URL for this station: ocppCsmsUrl with the identity as the last path segment. */
function urlOf(cd: NetworkConnectionProfileType, st: Station): string {
  return `${cd.ocppCsmsUrl.replace(/\/+$/, '')}/${encodeURIComponent(st.identity)}`;
}

/**
 * At power-up, takes the network configuration priority in effect: the first slot with a profile.
 * A switch keeps the way back (the slot in use before), dropped once a connection succeeds.
 */
function applyPriority(st: Station): void {
  const profiles = st.networkProfiles as Map<number, NetworkConnectionProfileType> | null;
  if (profiles === null) return;
  const priority = dmValue(st, 'OCPPCommCtrlr', 'NetworkConfigurationPriority') ?? String(RUN_SLOT);
  const sec = securityOf(st);
  const order = priority
    .split(',')
    .map(Number)
    .filter((s) => profiles.has(s) || s === RUN_SLOT);
  const first = order[0];
  if (first === undefined) return;
  const cd = profiles.get(first);
  // Once per configuration: a profile it fell back from is not tried again until the CSMS changes something.
  const key = `${priority}|${JSON.stringify(cd ?? null)}`;
  if (sec.appliedPriority === key) return;
  sec.appliedPriority = key;
  const current = sec.slot ?? RUN_SLOT;
  const url = cd ? urlOf(cd, st) : null;
  if (first === current && url === sec.url && String(cd?.securityProfile ?? runSecurityProfile(st)) === st.setting(Setting.SecurityProfile)) return;
  const attempts = Math.max(1, Number(dmValue(st, 'OCPPCommCtrlr', 'NetworkProfileConnectionAttempts') ?? 3));
  // B10.FR.03: after that many failed attempts, the next entry of the priority; with none, the slot in use now.
  const next = order[1] ?? current;
  const target = next === current ? undefined : profiles.get(next);
  sec.fallback =
    next === current
      ? { profile: st.setting(Setting.SecurityProfile) ?? String(runSecurityProfile(st)), url: sec.url, failures: 0, attempts, slot: current }
      : { profile: String(target?.securityProfile ?? runSecurityProfile(st)), url: target ? urlOf(target, st) : null, failures: 0, attempts, slot: next };
  sec.slot = first;
  sec.url = url;
  st.storeSetting(Setting.SecurityProfile, String(cd?.securityProfile ?? runSecurityProfile(st)));
  st.ctx.securityEvent(st, 'ReconfigurationOfSecurityParameters', `network configuration slot ${first}, security profile ${cd?.securityProfile ?? runSecurityProfile(st)}`);
}

/** The version binding's linkOptions for 2.0.1 (station/version.ts); null: the run's options as they are. */
export function linkOptions201(st: Station, password: string | undefined, base: ClientOptions, now: number): { password: string | Buffer | undefined; tls: ClientOptions } | null {
  // Power-up (or a reboot): before the boot, the priority in effect is applied.
  if (!st.poweredUp && st.networkProfiles !== null) applyPriority(st);
  // A renewed client certificate on trial: kept, or given up for the previous one (A02.FR.10/28).
  settleClientTrial(st, now);
  const sec = securityState(st);
  if (sec === null) return null;
  const settings = connectionSettings(sec, basicAuthPassword(st) ?? password, base, now);
  return { password: settings.password, tls: settings.tls };
}

/**
 * SetVariables of SecurityCtrlr.BasicAuthPassword (A01): logged as ReconfigurationOfSecurityParameters
 * without the password, and the station reconnects with it at once (A01: disconnect, then connect with
 * the new password) unless it uses security profile 3, which does not use it.
 */
export function securityVariablesSet(st: Station, changes: readonly VariableChange[], now: number): void {
  for (const c of changes) {
    if (c.def.component.component.name !== 'SecurityCtrlr' || c.def.variable.name !== 'BasicAuthPassword' || c.attribute !== 'Actual') continue;
    securityOf(st);
    st.ctx.securityEvent(st, 'ReconfigurationOfSecurityParameters', 'BasicAuthPassword changed', now);
    if (st.settingInt(Setting.SecurityProfile) !== 3) reconnectAt(st, now, 'new BasicAuthPassword');
  }
}

/**
 * Why the station cannot take a connection profile of this security profile, or null (A05.FR.03/04):
 * profiles 2 and 3 need a CSMS root to verify the server with (installed, or the run's --ca), profile 3
 * also a Charging Station certificate (signed through A02, or the run's --cert/--key).
 */
export function profileUnusable(st: Station, securityProfile: number): string | null {
  if (securityProfile < 2) return null;
  const sec = securityState(st);
  const opts = st.ctx.wsOptions(st);
  if (opts.ca === undefined && !(sec?.store?.ofType('CsmsRoot').length)) return 'no CSMS root certificate installed';
  if (securityProfile === 3 && !sec?.ownCertificate && (opts.cert === undefined || opts.key === undefined)) return 'no Charging Station certificate installed';
  return null;
}

/**
 * A05.FR.02/03 (and B10): a SetVariables of OCPPCommCtrlr.NetworkConfigurationPriority naming a stored
 * profile below the current security profile, or one whose certificates are missing, is Rejected;
 * null for anything else.
 */
export function networkPriorityRefusal(st: Station, d: SetVariableDataType): StatusInfoType | null {
  // Names are case-insensitive in the device model (as findVariable reads them).
  if (d.component.name.toLowerCase() !== 'ocppcommctrlr' || d.variable.name.toLowerCase() !== 'networkconfigurationpriority' || (d.attributeType ?? 'Actual') !== 'Actual') return null;
  const profiles = st.networkProfiles as Map<number, NetworkConnectionProfileType> | null;
  const current = st.settingInt(Setting.SecurityProfile);
  for (const slot of d.attributeValue.split(',').map(Number)) {
    const cd = profiles?.get(slot);
    if (!cd) continue;
    if (cd.securityProfile < current) return { reasonCode: 'NoSecurityDowngrade', additionalInfo: `slot ${slot} has security profile ${cd.securityProfile}, below the current ${current}` };
    const unusable = profileUnusable(st, cd.securityProfile);
    if (unusable !== null) return { reasonCode: 'NoCertificate', additionalInfo: `slot ${slot}: ${unusable}` };
  }
  return null;
}

/** The configuration slots there are: the valuesList of OCPPCommCtrlr.NetworkConfigurationPriority (B09.FR.05). */
export function networkSlots(st: Station): number[] {
  const def = findVariable(modelOf(st.ctx.profile).dm, 'OCPPCommCtrlr', 'NetworkConfigurationPriority');
  return (def?.characteristics.valuesList ?? '1').split(',').map(Number);
}
