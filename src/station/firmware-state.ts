/**
 * A charge point's firmware and file-transfer state (Firmware Management, GetLog): created on the
 * first UpdateFirmware, GetDiagnostics, SignedUpdateFirmware or GetLog and kept for the life of the
 * station, so the thousands of charge points that never see one cost a null field.
 *
 * The installed version is "flash": it survives reboots. Transfers in flight do not: a power cycle
 * aborts them (their job decides what to report after the boot), the end of the run aborts them
 * silently. The jobs live in src/features/firmware/; each version reports them in its own words.
 */
import type { Station } from './station.js';

/** A firmware update or a log upload in progress. */
export interface TransferJob {
  /**
   * The power went: abort a transfer in flight and queue what the CSMS must hear after the boot.
   * Returns true when the job goes on after the reboot (e.g. still waiting for its retrieve date).
   */
  powerCycled(st: Station, now: number): boolean;
  /** The run ends: abort without a word. */
  abort(): void;
  /** True when the job is over but for the reboot it asked for (an update that is Installed). */
  readonly awaitingReboot: boolean;
  /** A scenario changed the failure modes (`firmware:`) while the job runs. */
  overridesChanged?(st: Station, now: number): void;
}

/** Failure modes a scenario step (`firmware:`) switches on or off, over the profile's. */
export interface FirmwareOverrides {
  downloadFails?: boolean;
  installFails?: boolean;
  uploadFails?: boolean;
  signatureFails?: boolean;
  installVerificationFails?: boolean;
  /** Downloads pause (DownloadPaused) until this is false again. */
  downloadPaused?: boolean;
  /** The firmware signing certificate the CSMS sends is revoked (no CRL or OCSP here to learn it from). */
  signingCertificateRevoked?: boolean;
}

/** The last firmware status sent, for TriggerMessage (OCPP 1.6 §4.5; Security Whitepaper L01.FR.28/29). */
export interface SentFirmwareStatus {
  status: string;
  /** SignedUpdateFirmware's requestId; null for the 1.6 UpdateFirmware. */
  requestId: number | null;
}

export class FirmwareState {
  /** The installed firmware version; null = the profile's. */
  version: string | null = null;
  /** The update in progress (UpdateFirmware or SignedUpdateFirmware), if any. */
  update: TransferJob | null = null;
  /**
   * An update that is Installed and waits for its reboot while a newer request has taken the update
   * slot: its reboot still goes ahead (Installed is an end state, nothing left to cancel).
   */
  installed: TransferJob | null = null;
  /** The upload in progress (GetDiagnostics or GetLog), if any. */
  upload: TransferJob | null = null;
  /** 2.0.1 Local Controller: the firmware it publishes or published (PublishFirmware, ocpp201/firmware-publication.ts). */
  publication: TransferJob | null = null;
  lastFirmware: SentFirmwareStatus | null = null;
  lastSignedFirmware: SentFirmwareStatus | null = null;
  overrides: FirmwareOverrides | null = null;

  powerCycled(st: Station, now: number): void {
    this.installed?.powerCycled(st, now);
    this.installed = null;
    if (this.update && !this.update.powerCycled(st, now)) this.update = null;
    if (this.upload && !this.upload.powerCycled(st, now)) this.upload = null;
    if (this.publication && !this.publication.powerCycled(st, now)) this.publication = null;
  }

  stop(): void {
    this.installed?.abort();
    this.installed = null;
    this.update?.abort();
    this.upload?.abort();
    this.update = null;
    this.upload = null;
    this.publication?.abort();
    this.publication = null;
  }
}

/**
 * True while the charge point is about to reboot — a Reset draining, or an installed update waiting to
 * reboot into the new firmware. A transfer does not start then: the reboot would cut it short.
 */
export function rebootPlanned(st: Station): boolean {
  const fw = st.firmware;
  return st.rebootAt !== Infinity || (fw !== null && (fw.installed !== null || fw.update?.awaitingReboot === true));
}

/** The station's firmware state, created on first use. */
export function firmwareOf(st: Station): FirmwareState {
  return (st.firmware ??= new FirmwareState());
}
