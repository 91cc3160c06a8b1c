/**
 * A Local Controller publishing a firmware image for the charging stations behind it (2.0.1 use
 * cases L03 PublishFirmware, L04 UnpublishFirmware), for a profile with `firmware.localController`.
 * One publication per station: downloaded (retries as UpdateFirmware's), its MD5 checked against the
 * request's checksum (L03.FR.02), then Published. Each step is a PublishFirmwareStatusNotification
 * with the requestId (L03.FR.01).
 *
 * The simulator serves no files: the locations it publishes (L03.FR.04) are the one it downloaded
 * from, which the stations behind a real Local Controller could not reach but simulated ones can.
 */
import { createHash } from 'node:crypto';
import { download } from '../station/file-transfer.js';
import { firmwareOf, type TransferJob } from '../station/firmware-state.js';
import { LogKind, stationLog } from '../station/log.js';
import { Kind, OutboundCall } from '../station/outbound.js';
import { Link, type Station } from '../station/station.js';
import { firmwareBehaviour } from '../features/firmware/behaviour.js';
import type { PublishFirmwareStatusEnumType, PublishFirmwareStatusNotificationRequest } from './generated/types.gen.js';

const TAG = 'firmware-publish';

export interface PublishOrder {
  location: string;
  /** MD5 of the whole image, lower-case hex (32 characters). */
  checksum: string;
  requestId: number;
  retries: number;
  retryIntervalMs: number;
}

export class FirmwarePublication implements TransferJob {
  /** The last status sent (TriggerMessage, L03.FR.10/11). */
  status: PublishFirmwareStatusEnumType = 'Idle';
  private attempts = 0;
  private controller: AbortController | null = null;
  private done = false;

  constructor(readonly order: PublishOrder) {}

  /** Takes the station's publication slot (a previous one is dropped) and downloads after the answer. */
  static begin(st: Station, order: PublishOrder, now: number): void {
    const fw = firmwareOf(st);
    fw.publication?.abort();
    st.cancel(TAG);
    const job = new FirmwarePublication(order);
    fw.publication = job;
    stationLog.record(st, LogKind.Event, `firmware: publishing ${order.location} (md5 ${order.checksum})`, now);
    st.later(now, TAG, (s, t) => job.live(s) && job.tryDownload(s, t));
  }

  /** Downloading (or about to retry): L04.FR.04 answers DownloadOngoing then. */
  get downloading(): boolean {
    return !this.done;
  }

  get published(): boolean {
    return this.status === 'Published';
  }

  get awaitingReboot(): boolean {
    return false;
  }

  private live(st: Station): boolean {
    return !this.done && st.firmware?.publication === this && st.link !== Link.Closed;
  }

  private tryDownload(st: Station, now: number): void {
    if (this.attempts === 0) this.notify(st, 'Downloading', now);
    this.attempts++;
    const behaviour = firmwareBehaviour(st);
    if (behaviour.downloadFails) return this.failed(st, now, 'download failure (simulated)');
    const controller = (this.controller = new AbortController());
    const md5 = createHash('md5');
    download(this.order.location, { signal: controller.signal, ca: st.ctx.wsOptions(st).ca, bytesPerSecond: behaviour.downloadBytesPerSecond }, (c) => md5.update(c))
      .then(
        () => this.live(st) && this.downloaded(st, md5.digest('hex'), st.ctx.now()),
        (e: Error) => this.live(st) && this.failed(st, st.ctx.now(), e.message),
      )
      .catch((e: Error) => st.ctx.stats.problem(`${st.identity}: firmware publication failed: ${e.message}`))
      .finally(() => {
        if (this.controller === controller) this.controller = null;
      });
  }

  private failed(st: Station, now: number, reason: string): void {
    stationLog.record(st, LogKind.Event, `firmware: publication download attempt ${this.attempts} failed: ${reason}`, now);
    if (this.attempts <= this.order.retries) {
      st.later(now + this.order.retryIntervalMs, TAG, (s, t) => this.live(s) && this.tryDownload(s, t));
      return;
    }
    this.notify(st, 'DownloadFailed', now); // L03.FR.06
    this.done = true;
  }

  private downloaded(st: Station, md5: string, now: number): void {
    this.notify(st, 'Downloaded', now);
    this.done = true;
    if (md5 !== this.order.checksum) {
      stationLog.record(st, LogKind.Event, `firmware: publication md5 ${md5} is not ${this.order.checksum}`, now);
      return this.notify(st, 'InvalidChecksum', now); // L03.FR.07
    }
    this.notify(st, 'ChecksumVerified', now);
    this.notify(st, 'Published', now, [this.order.location]); // L03.FR.04, L03.FR.09
  }

  private notify(st: Station, status: PublishFirmwareStatusEnumType, now: number, location?: string[]): void {
    stationLog.record(st, LogKind.Event, `firmware: publication ${status}`, now);
    this.status = status;
    const payload: PublishFirmwareStatusNotificationRequest = { status, requestId: this.order.requestId, ...(location ? { location } : {}) };
    st.enqueue(new OutboundCall(Kind.Kept, 'PublishFirmwareStatusNotification', payload as never));
  }

  /** What TriggerMessage(PublishFirmwareStatusNotification) sends: Idle after Published (L03.FR.10), else the last status (L03.FR.11). */
  triggered(): PublishFirmwareStatusNotificationRequest {
    return this.status === 'Published' || this.status === 'Idle' ? { status: 'Idle' } : { status: this.status, requestId: this.order.requestId };
  }

  /** A published image is on disk and stays; a download in flight dies with the power (DownloadFailed after the boot). */
  powerCycled(st: Station, now: number): boolean {
    if (!this.done) {
      this.abort();
      this.notify(st, 'DownloadFailed', now);
    }
    return true;
  }

  abort(): void {
    this.done = true;
    this.controller?.abort();
    this.controller = null;
  }
}
