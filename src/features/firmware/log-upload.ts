/**
 * A log upload in progress, in either version: OCPP 1.6 GetDiagnostics (§5.9, statuses §4.4
 * DiagnosticsStatusNotification), GetLog of the 1.6 Security Whitepaper and of 2.0.1 (use case N01,
 * LogStatusNotification with the requestId). All share the station's one upload slot: a new request
 * cancels the upload in progress. How a status reaches the CSMS is the version's {@link UploadReporting};
 * the file is log-file.ts's.
 */
import { upload } from '../../station/file-transfer.js';
import { firmwareOf, rebootPlanned, type TransferJob } from '../../station/firmware-state.js';
import { LogKind, stationLog } from '../../station/log.js';
import { Link, type Station } from '../../station/station.js';
import { firmwareBehaviour } from './behaviour.js';
import { logFileText } from './log-file.js';

const TAG = 'log-upload';
/** While a reboot is coming, look again this often (ms). */
const WAIT_POLL_MS = 1000;

export interface UploadOrder {
  location: string;
  /** Retries after the first attempt. */
  retries: number;
  retryIntervalMs: number;
  /** The period of log wanted (ms; ±Infinity = all). */
  from: number;
  to: number;
  /** GetLog: its requestId and log type; null for 1.6's GetDiagnostics. */
  getLog: { requestId: number; logType: 'DiagnosticsLog' | 'SecurityLog' } | null;
  reporting: UploadReporting;
}

/** How the charge point's version reports an upload to the CSMS. */
export interface UploadReporting {
  /** Queues the version's status notification for Uploading, Uploaded or a failure status. */
  status(st: Station, order: UploadOrder, status: string): void;
  /** The status of a failed upload, from the reason it failed (`null`: the power went). */
  failure(order: UploadOrder, reason: string | null): string;
  /** A new request cancelled this upload (2.0.1 reports it: AcceptedCanceled with its requestId; 1.6 does not). */
  cancelled?(st: Station, order: UploadOrder): void;
}

const enum Step {
  Scheduled,
  Uploading,
  Done,
}

export class LogUpload implements TransferJob {
  private step = Step.Scheduled;
  private attempts = 0;
  private controller: AbortController | null = null;
  private body: Buffer | null = null;

  constructor(
    readonly order: UploadOrder,
    readonly fileName: string,
  ) {}

  /** Takes the station's upload slot (cancelling one in progress: true if there was) and starts after the answer. */
  static begin(st: Station, order: UploadOrder, fileName: string, now: number): boolean {
    const fw = firmwareOf(st);
    const cancelled = fw.upload !== null;
    fw.upload?.abort();
    if (fw.upload instanceof LogUpload) fw.upload.order.reporting.cancelled?.(st, fw.upload.order);
    st.cancel(TAG);
    const job = new LogUpload(order, fileName);
    fw.upload = job;
    st.later(now, TAG, (s, t) => job.live(s) && job.tryUpload(s, t));
    return cancelled;
  }

  get isGetLog(): boolean {
    return this.order.getLog !== null;
  }

  get busy(): boolean {
    return this.step === Step.Uploading;
  }

  private live(st: Station): boolean {
    return this.step !== Step.Done && st.firmware?.upload === this && st.link !== Link.Closed;
  }

  /** An upload has no reboot of its own to wait for. */
  get awaitingReboot(): boolean {
    return false;
  }

  private tryUpload(st: Station, now: number): void {
    if (this.attempts === 0 && rebootPlanned(st)) {
      // A reboot is coming (a Reset, or an installed update's): upload after it, not into it.
      st.later(now + WAIT_POLL_MS, TAG, (s, t) => this.live(s) && this.tryUpload(s, t));
      return;
    }
    if (this.attempts === 0) {
      this.notify(st, 'Uploading', now);
      // Built once, at the start: every attempt sends the same file.
      this.body = Buffer.from(logFileText(st, this.order.getLog?.logType === 'SecurityLog' ? 'security' : 'diagnostics', this.order.from, this.order.to, now), 'utf8');
    }
    this.step = Step.Uploading;
    this.attempts++;
    if (firmwareBehaviour(st).uploadFails) return this.failed(st, now, 'upload failure (simulated)');
    stationLog.record(st, LogKind.Event, `log: uploading ${this.fileName} to ${this.order.location} (attempt ${this.attempts})`, now);
    const controller = (this.controller = new AbortController());
    upload(this.order.location, this.fileName, this.body!, { signal: controller.signal, ca: st.ctx.wsOptions(st).ca })
      .then(
        () => {
          if (!this.live(st)) return;
          const t = st.ctx.now();
          stationLog.record(st, LogKind.Event, `log: uploaded ${this.fileName} (${this.body!.length} bytes)`, t);
          this.notify(st, 'Uploaded', t);
          this.finish(st);
        },
        (e: Error) => this.live(st) && this.failed(st, st.ctx.now(), e.message),
      )
      .catch((e: Error) => st.ctx.stats.problem(`${st.identity}: log upload failed: ${e.message}`))
      .finally(() => {
        if (this.controller === controller) this.controller = null;
      });
  }

  private failed(st: Station, now: number, reason: string): void {
    stationLog.record(st, LogKind.Event, `log: upload attempt ${this.attempts} failed: ${reason}`, now);
    if (this.attempts <= this.order.retries) {
      st.later(now + this.order.retryIntervalMs, TAG, (s, t) => this.live(s) && this.tryUpload(s, t));
      return;
    }
    this.notify(st, this.order.reporting.failure(this.order, reason), now);
    this.finish(st);
  }

  private notify(st: Station, status: string, now: number): void {
    stationLog.record(st, LogKind.Event, `log: ${status}`, now);
    this.order.reporting.status(st, this.order, status);
  }

  private finish(st: Station): void {
    this.step = Step.Done;
    this.body = null;
    const fw = st.firmware;
    if (fw?.upload === this) fw.upload = null;
  }

  powerCycled(st: Station, now: number): boolean {
    if (this.step === Step.Scheduled) return true;
    if (this.step === Step.Uploading) {
      this.abort();
      this.notify(st, this.order.reporting.failure(this.order, null), now);
    }
    return false;
  }

  abort(): void {
    this.step = Step.Done;
    this.body = null;
    this.controller?.abort();
    this.controller = null;
  }
}
