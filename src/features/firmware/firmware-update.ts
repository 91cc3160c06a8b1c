/**
 * A firmware update in progress, in either version: OCPP 1.6 UpdateFirmware (§5.19, statuses §4.5),
 * the 1.6 Security Whitepaper's SignedUpdateFirmware and 2.0.1's UpdateFirmware (use case L01 in
 * both). One job per charge point at a time, driven by the station's alarms (`st.later`) and by the
 * download's I/O callbacks:
 *
 *   [with a requestId: DownloadScheduled while the retrieve date is to come, or a reboot is]
 *   retrieve date → Downloading → (retries) → Downloaded | DownloadFailed
 *     (paused by a scenario: DownloadPaused, then Downloading again from the start of the image)
 *     signed: → SignatureVerified | InvalidSignature
 *   → [InstallScheduled until installDateTime] → [wait for transactions to end]
 *   → Installing → Installed | InstallationFailed | InstallVerificationFailed
 *   → Installed: reboot; the next BootNotification carries the new firmware version.
 *   (2.0.1: Installing → InstallRebooting → reboot → Installed once the new firmware runs.)
 *
 * The statuses are the same words in both versions; how they reach the CSMS (which notification,
 * with which requestId) is the version's {@link UpdateReporting}. The version installed is taken
 * from the image's file name (version-name.ts).
 */
import type { X509Certificate } from 'node:crypto';
import { download } from '../../station/file-transfer.js';
import { firmwareOf, rebootPlanned, type TransferJob } from '../../station/firmware-state.js';
import { LogKind, stationLog } from '../../station/log.js';
import { Link, type Station } from '../../station/station.js';
import { firmwareBehaviour } from './behaviour.js';
import { ImageSignature } from './signature.js';
import { versionFromLocation } from './version-name.js';

/** Alarm tags: the job's steps, and the reboot after a successful install. */
const TAG = 'firmware';
const REBOOT_TAG = 'firmware-reboot';
/** While waiting for transactions to end, look again this often (ms). */
const WAIT_POLL_MS = 1000;
/** How often to check whether Installed has been delivered before rebooting (ms). */
const DELIVERY_POLL_MS = 100;
/** Retries when UpdateFirmware leaves it to the charge point (§6.55: "left to Charge Point"). */
export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_INTERVAL_S = 60;

/** A status an update reports (1.6 FirmwareStatus and its Whitepaper's; 2.0.1 FirmwareStatusEnumType). */
export type FirmwareStatus =
  | 'DownloadScheduled'
  | 'Downloading'
  /** Whitepaper and 2.0.1 only (a scenario's `firmware: {download: pause}`); the 1.6 UpdateFirmware has no word for it. */
  | 'DownloadPaused'
  | 'Downloaded'
  | 'DownloadFailed'
  | 'SignatureVerified'
  | 'InvalidSignature'
  | 'InstallScheduled'
  | 'Installing'
  | 'Installed'
  | 'InstallationFailed'
  /** Whitepaper and 2.0.1 only: the 1.6 FirmwareStatusNotification reports them as InstallationFailed / not at all. */
  | 'InstallVerificationFailed'
  | 'InstallRebooting';

/** How the charge point's version reports an update to the CSMS. */
export interface UpdateReporting {
  /** Queues the version's status notification (and remembers it for TriggerMessage). */
  status(st: Station, order: UpdateOrder, status: FirmwareStatus): void;
  /** Raises a security event; the version decides whether and how it is reported. */
  securityEvent(st: Station, type: 'InvalidFirmwareSignature' | 'FirmwareUpdated', techInfo: string, now: number): void;
  /**
   * 2.0.1 (L01.FR.15/L01.FR.32, L02.FR.21): InstallRebooting before the reboot, and Installed (with
   * FirmwareUpdated, L01.FR.31) once the new firmware runs; InstallScheduled while the install waits
   * for transactions to end. 1.6: Installed, then the reboot; no status while waiting.
   */
  readonly installedAfterReboot: boolean;
  /** New sessions may start while the install waits for transactions (2.0.1 AllowNewSessionsPendingFirmwareUpdate, L01.FR.07); 1.6: never. */
  allowNewSessions(st: Station): boolean;
  /** The version has a word for a paused download (DownloadPaused); the 1.6 UpdateFirmware has none. */
  reportsPause(order: UpdateOrder): boolean;
}

export interface UpdateOrder {
  location: string;
  /** Not before then (ms). */
  retrieveAt: number;
  /** Retries after the first attempt. */
  retries: number;
  retryIntervalMs: number;
  /**
   * The request's id (1.6 SignedUpdateFirmware, 2.0.1 UpdateFirmware); null for 1.6's UpdateFirmware,
   * which knows no DownloadScheduled.
   */
  requestId: number | null;
  /** Install not before then (ms; 0 = as soon as downloaded). */
  installAt: number;
  /** The checked signing certificate and the image's signature; null for an unsigned image. */
  signature: { cert: X509Certificate; signature: string } | null;
  reporting: UpdateReporting;
}

const enum Step {
  Scheduled,
  Downloading,
  /** Downloading, but held by a scenario (`firmware: {download: pause}`) until it says `ok`. */
  Paused,
  Installing,
  /** Downloaded (and verified); waiting for installDateTime or for transactions to end. */
  Pending,
  Rebooting,
  Done,
}

export class FirmwareUpdate implements TransferJob {
  private step = Step.Scheduled;
  private attempts = 0;
  private controller: AbortController | null = null;
  /** Connectors this update made inoperative while it waits for transactions to end (L01.FR.07). */
  private blocked: number[] = [];
  /** DownloadScheduled has been sent (once per request). */
  private scheduled = false;
  /** InstallScheduled has been sent (for installDateTime, or while waiting for transactions in 2.0.1). */
  private installScheduled = false;
  /** The version this update replaces (for FirmwareUpdated's techInfo). */
  private from = '';
  /** DownloadPaused was reported: Downloading follows when the download starts again. */
  private pauseReported = false;
  readonly version: string;

  constructor(
    st: Station,
    readonly order: UpdateOrder,
  ) {
    this.version = versionFromLocation(order.location, st.firmware?.version ?? st.ctx.profile.firmwareVersion);
  }

  /** Takes the station's update slot (cancelling one in progress: true if there was) and plans the download. */
  static begin(st: Station, order: UpdateOrder, now: number): boolean {
    const fw = firmwareOf(st);
    const previous = fw.update;
    // An update that is Installed and only waits for its reboot is finished, not cancelled: the
    // reboot into its firmware goes ahead, and the new download starts after it (see tryDownload).
    const installed = previous?.awaitingReboot === true;
    if (installed) fw.installed = previous;
    else if (previous instanceof FirmwareUpdate) previous.cancel(st, now);
    else previous?.abort();
    st.cancel(TAG);
    const job = new FirmwareUpdate(st, order);
    fw.update = job;
    stationLog.record(st, LogKind.Event, `firmware: update to ${job.version} from ${order.location}, not before ${new Date(order.retrieveAt).toISOString()}`, now);
    // L01.FR.13 (Whitepaper and 2.0.1): an update whose retrieveDateTime is still to come is DownloadScheduled.
    if (order.requestId !== null && order.retrieveAt > now) job.notify(st, 'DownloadScheduled', now);
    st.later(Math.max(now, order.retrieveAt), TAG, (s, t) => job.live(s) && job.tryDownload(s, t));
    return previous !== null && !installed;
  }

  /** Still the station's update, and the station still runs (I/O callbacks may come late). */
  private live(st: Station): boolean {
    return this.step !== Step.Done && st.firmware?.update === this && st.link !== Link.Closed;
  }

  private tryDownload(st: Station, now: number): void {
    if (this.attempts === 0 && rebootPlanned(st)) {
      // A reboot is coming (a Reset, or the previous update's): download after it, not into it.
      if (this.order.requestId !== null && !this.scheduled) this.notify(st, 'DownloadScheduled', now); // L01.FR.13
      st.later(now + WAIT_POLL_MS, TAG, (s, t) => this.live(s) && this.tryDownload(s, t));
      return;
    }
    if (firmwareBehaviour(st).downloadPaused) return this.pause(st, now);
    if (this.attempts === 0) this.notify(st, 'Downloading', now);
    this.step = Step.Downloading;
    this.attempts++;
    this.fetchImage(st, now);
  }

  /** One download attempt of the image. */
  private fetchImage(st: Station, now: number): void {
    const behaviour = firmwareBehaviour(st);
    if (behaviour.downloadFails) return this.downloadFailed(st, now, 'download failure (simulated)');
    const controller = (this.controller = new AbortController());
    const check = this.order.signature ? new ImageSignature(this.order.signature.cert) : null;
    stationLog.record(st, LogKind.Event, `firmware: downloading ${this.order.location} (attempt ${this.attempts})`, now);
    const ca = st.ctx.wsOptions(st).ca;
    download(this.order.location, { signal: controller.signal, ca, bytesPerSecond: behaviour.downloadBytesPerSecond }, check ? (c) => check.update(c) : undefined)
      .then(
        (r) => {
          if (!this.live(st)) return;
          const t = st.ctx.now();
          stationLog.record(st, LogKind.Event, `firmware: downloaded ${r.bytes} bytes, sha256 ${r.sha256}`, t);
          this.downloaded(st, check, t);
        },
        // A download paused meanwhile was aborted on purpose: not a failure.
        (e: Error) => this.live(st) && this.controller === controller && this.downloadFailed(st, st.ctx.now(), e.message),
      )
      .catch((e: Error) => st.ctx.stats.problem(`${st.identity}: firmware update failed: ${e.message}`))
      .finally(() => {
        if (this.controller === controller) this.controller = null;
      });
  }

  /**
   * A scenario paused downloads (the backhaul is gone, the operator holds the rollout): the transfer in
   * flight stops, DownloadPaused is reported, and the download starts again once the scenario says
   * `firmware: {download: ok}` — looked at every WAIT_POLL_MS.
   */
  private pause(st: Station, now: number): void {
    if (this.step !== Step.Paused) {
      const controller = this.controller;
      this.controller = null;
      controller?.abort();
      this.step = Step.Paused;
      stationLog.record(st, LogKind.Event, 'firmware: download paused', now);
      this.pauseReported = this.order.reporting.reportsPause(this.order);
      if (this.pauseReported) this.notify(st, 'DownloadPaused', now);
    }
    st.later(now + WAIT_POLL_MS, TAG, (s, t) => this.live(s) && this.resumeDownload(s, t));
  }

  private resumeDownload(st: Station, now: number): void {
    if (firmwareBehaviour(st).downloadPaused) return this.pause(st, now);
    this.step = Step.Downloading;
    // Downloading again after DownloadPaused; or for the first time, when paused before the first attempt.
    if (this.pauseReported || this.attempts === 0) this.notify(st, 'Downloading', now);
    if (this.attempts === 0) this.attempts++;
    this.fetchImage(st, now);
  }

  /** A scenario changed the failure modes: a download under way pauses at once when told to. */
  overridesChanged(st: Station, now: number): void {
    if (this.step === Step.Downloading && firmwareBehaviour(st).downloadPaused) {
      st.cancel(TAG); // a retry planned after a failed attempt waits for the resume too
      this.pause(st, now);
    }
  }

  private downloadFailed(st: Station, now: number, reason: string): void {
    stationLog.record(st, LogKind.Event, `firmware: download attempt ${this.attempts} failed: ${reason}`, now);
    if (this.attempts <= this.order.retries) {
      st.later(now + this.order.retryIntervalMs, TAG, (s, t) => this.live(s) && this.tryDownload(s, t));
      return;
    }
    this.notify(st, 'DownloadFailed', now);
    this.finish(st);
  }

  private downloaded(st: Station, check: ImageSignature | null, now: number): void {
    this.notify(st, 'Downloaded', now);
    const { signature, installAt } = this.order;
    if (signature && check) {
      // L01.FR.04, L01.FR.12: the signature over the whole image, with the signing certificate's key
      // (a scenario may declare the image corrupt: `firmware: {signature: fail}`).
      if (!check.verify(signature.signature) || firmwareBehaviour(st).signatureFails) {
        this.notify(st, 'InvalidSignature', now);
        this.order.reporting.securityEvent(st, 'InvalidFirmwareSignature', `requestId ${this.order.requestId}: signature does not match ${this.order.location}`, now); // L01.FR.03
        return this.finish(st);
      }
      this.notify(st, 'SignatureVerified', now);
    }
    if (installAt > now) {
      // L01.FR.16: install at installDateTime.
      this.step = Step.Pending;
      this.notify(st, 'InstallScheduled', now);
      st.later(installAt, TAG, (s, t) => this.live(s) && this.install(s, t));
      return;
    }
    this.install(st, now);
  }

  /**
   * Installs now, or — when the model cannot charge while installing — once every transaction has
   * ended, with the connectors not in use Unavailable meanwhile and until the reboot (1.6 §5.19
   * RECOMMENDED; L01.FR.06/07).
   */
  private install(st: Station, now: number): void {
    const behaviour = firmwareBehaviour(st);
    if (behaviour.waitForTransactions) {
      // L01.FR.07: unless new sessions are allowed meanwhile (2.0.1 AllowNewSessionsPendingFirmwareUpdate);
      // once installing, none may start (it would be cut by the reboot).
      const charging = st.anyCharging();
      if (charging && this.order.reporting.allowNewSessions(st)) this.unblockConnectors(st, now, false);
      else this.blockIdleConnectors(st, now);
      if (charging) {
        this.step = Step.Pending;
        // 2.0.1: the install is put off until the transactions end (as OCTT TC_L_15_CS expects).
        if (this.order.reporting.installedAfterReboot && !this.installScheduled) this.notify(st, 'InstallScheduled', now);
        st.later(now + WAIT_POLL_MS, TAG, (s, t) => this.live(s) && this.install(s, t));
        return;
      }
    }
    this.step = Step.Installing;
    this.notify(st, 'Installing', now);
    // Installing is the hardware's time: --speed compresses it like the rest of the local side.
    st.later(now + behaviour.installMs / st.ctx.speed, TAG, (s, t) => this.live(s) && this.installed(s, t));
  }

  private installed(st: Station, now: number): void {
    const behaviour = firmwareBehaviour(st);
    if (behaviour.installFails || behaviour.installVerificationFails) {
      // L01.FR.29: a new firmware that does not verify once installed is InstallVerificationFailed.
      const status = behaviour.installFails ? 'InstallationFailed' : 'InstallVerificationFailed';
      stationLog.record(st, LogKind.Event, `firmware: installing ${this.version} failed (simulated: ${status})`, now);
      this.notify(st, status, now);
      this.unblockConnectors(st, now, false);
      return this.finish(st);
    }
    const fw = firmwareOf(st);
    this.from = fw.version ?? st.ctx.profile.firmwareVersion;
    fw.version = this.version;
    // 2.0.1: the new firmware is activated by the reboot (L01.FR.15, L02.FR.21): Installed follows it.
    if (this.order.reporting.installedAfterReboot) this.notify(st, 'InstallRebooting', now);
    else this.reportInstalled(st, now);
    // Reboot (the connectors stay Unavailable until then: no session may start and be lost in it) into the new version once that status has been answered (or could not be).
    this.step = Step.Rebooting;
    const deadline = now + st.ctx.options.callTimeoutMs;
    const rebootWhenDelivered = (s: Station, t: number): void => {
      if (s.link === Link.Closed) return;
      if ((s.pending === null && s.queue.length === 0) || s.link !== Link.Open || t >= deadline) s.rebootSelf(t);
      else s.later(t + DELIVERY_POLL_MS, REBOOT_TAG, rebootWhenDelivered);
    };
    st.later(now, REBOOT_TAG, rebootWhenDelivered);
  }

  /** Installed, and the critical security event FirmwareUpdated (1.6 Security Whitepaper §8; 2.0.1 L01.FR.31). */
  private reportInstalled(st: Station, now: number): void {
    this.notify(st, 'Installed', now);
    this.order.reporting.securityEvent(st, 'FirmwareUpdated', `${this.from} -> ${this.version}`, now);
  }

  private notify(st: Station, status: FirmwareStatus, now: number): void {
    stationLog.record(st, LogKind.Event, `firmware: ${status}`, now);
    if (status === 'DownloadScheduled') this.scheduled = true;
    if (status === 'InstallScheduled') this.installScheduled = true;
    this.order.reporting.status(st, this.order, status);
  }

  /** Installed: only the reboot into the new firmware is left. */
  get awaitingReboot(): boolean {
    return this.step === Step.Rebooting;
  }

  /** True while the update is under way (TriggerMessage must not say Idle then, §4.5). */
  get busy(): boolean {
    return this.step !== Step.Done && this.step !== Step.Scheduled;
  }

  private blockIdleConnectors(st: Station, now: number): void {
    for (let i = 1; i < st.connectors.length; i++) {
      const c = st.connectors[i];
      if (!c.operative || this.blocked.includes(i)) continue;
      // Inoperative: no new session starts; a connector that becomes available goes Unavailable (L01.FR.07).
      c.operative = false;
      this.blocked.push(i);
      if (c.status === 'Available') st.setStatus(c, 'Unavailable', now);
    }
  }

  /**
   * Gives back the connectors this update blocked: now, with a StatusNotification (a failed install),
   * or in a power cycle, where the boot reports every connector anyway.
   */
  private unblockConnectors(st: Station, now: number, rebooting: boolean): void {
    for (const i of this.blocked) {
      const c = st.connectors[i];
      c.operative = true;
      if (c.status !== 'Unavailable' || (c.tx !== null && !c.tx.stopped)) continue;
      if (rebooting) c.status = 'Available';
      else st.setStatus(c, 'Available', now);
    }
    this.blocked = [];
  }

  private finish(st: Station): void {
    this.step = Step.Done;
    const fw = st.firmware;
    if (fw?.update === this) fw.update = null;
  }

  powerCycled(st: Station, now: number): boolean {
    switch (this.step) {
      case Step.Scheduled:
      case Step.Pending:
      case Step.Paused:
        // Not started yet, paused, or the image is in flash: the job goes on after the boot.
        return true;
      case Step.Downloading:
        this.abort();
        this.notify(st, 'DownloadFailed', now);
        return false;
      case Step.Installing:
        this.abort();
        this.notify(st, 'InstallationFailed', now);
        this.unblockConnectors(st, now, true);
        return false;
      case Step.Rebooting:
        // The reboot we asked for: the new firmware runs, the connectors are free again.
        this.step = Step.Done;
        st.cancel(REBOOT_TAG);
        this.unblockConnectors(st, now, true);
        // 2.0.1: queued now, sent once the boot is accepted (L01.FR.28: the new firmware is active).
        if (this.order.reporting.installedAfterReboot) this.reportInstalled(st, now);
        return false;
      default:
        return false;
    }
  }

  /** A new update replaces this one: stop, and give the connectors back. */
  cancel(st: Station, now: number): void {
    stationLog.record(st, LogKind.Event, `firmware: update to ${this.version} cancelled`, now);
    this.abort();
    this.unblockConnectors(st, now, false);
  }

  abort(): void {
    this.step = Step.Done;
    this.controller?.abort();
    this.controller = null;
  }
}
