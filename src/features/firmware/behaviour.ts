/**
 * What a firmware update or a log upload does on this charge point model (the profile's `firmware:`
 * section, with a scenario's overrides): the same for every OCPP version's firmware and log jobs.
 */
import { DEFAULT_FIRMWARE, type FirmwareBehaviour } from '../../station/profile.js';
import type { Station } from '../../station/station.js';

/** The behaviour of this station's model, with a scenario's overrides. */
export function firmwareBehaviour(st: Station): FirmwareBehaviour {
  const base = st.ctx.profile.firmware ?? DEFAULT_FIRMWARE;
  const o = st.firmware?.overrides;
  if (!o) return base;
  return {
    ...base,
    downloadFails: o.downloadFails ?? base.downloadFails,
    installFails: o.installFails ?? base.installFails,
    uploadFails: o.uploadFails ?? base.uploadFails,
    signatureFails: o.signatureFails ?? base.signatureFails,
    installVerificationFails: o.installVerificationFails ?? base.installVerificationFails,
    downloadPaused: o.downloadPaused ?? base.downloadPaused,
    signingCertificateRevoked: o.signingCertificateRevoked ?? base.signingCertificateRevoked,
  };
}
