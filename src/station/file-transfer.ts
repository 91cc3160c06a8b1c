/**
 * File transfers of a charge point: firmware downloads and log uploads over HTTP, HTTPS and FTP
 * (the SupportedFileTransferProtocols the simulator advertises, OCPP 1.6 §9.1.33).
 *
 * Downloads stream: each chunk goes through a SHA-256 hash (and the caller's signature check) and
 * is dropped, so an image of any size costs a few buffers. A slow link is simulated by holding each
 * chunk back (backpressure throttles the server). Every transfer takes an AbortSignal: a reboot or
 * the end of the run cuts it at once.
 *
 * Upload targets (GetDiagnostics' location is a directory, §6.25): FTP stores `<dir>/<fileName>`;
 * HTTP(S) PUTs `<location><fileName>` when the location ends with `/`, and otherwise POSTs the file
 * as multipart/form-data (field `file`) to the location itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rootCertificates } from 'node:tls';
import type { Client as FtpClient } from 'basic-ftp';

export class TransferError extends Error {}

export interface TransferOptions {
  signal: AbortSignal;
  /** PEM CA(s) trusted for https besides the system roots (the fleet's --ca). */
  ca?: string | Buffer | (string | Buffer)[];
  /** A slow link: at most this many bytes per second (0 = as fast as the server sends). */
  bytesPerSecond?: number;
  /** Idle time after which a transfer fails (ms); default 60 s. */
  timeoutMs?: number;
}

export interface DownloadResult {
  bytes: number;
  sha256: string;
}

const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 60_000;

/** Downloads `location`, streaming every chunk to `onChunk`; resolves with the size and SHA-256. */
export async function download(location: string, opts: TransferOptions, onChunk?: (chunk: Buffer) => void): Promise<DownloadResult> {
  const url = parseLocation(location);
  const hash = createHash('sha256');
  let bytes = 0;
  const bps = opts.bytesPerSecond ?? 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      onChunk?.(chunk);
      bytes += chunk.length;
      if (bps > 0) setTimeout(done, (chunk.length * 1000) / bps);
      else done();
    },
  });
  if (url.protocol === 'ftp:') await ftp(url, opts, (client, path) => client.downloadTo(sink, path));
  else await pipeline(await httpGet(url, opts, 0), sink, { signal: opts.signal });
  return { bytes, sha256: hash.digest('hex') };
}

/** Uploads `body` as `fileName` to the directory or endpoint `location` (see the file comment). */
export async function upload(location: string, fileName: string, body: Buffer, opts: TransferOptions): Promise<void> {
  const url = parseLocation(location);
  if (url.protocol === 'ftp:') {
    const dir = decodeURIComponent(url.pathname);
    const path = `${dir.endsWith('/') ? dir : `${dir}/`}${fileName}`;
    await ftp(url, opts, (client) => client.uploadFrom(Readable.from([body]), path));
    return;
  }
  if (url.pathname.endsWith('/')) {
    const target = new URL(encodeURIComponent(fileName), url);
    target.search = url.search;
    await httpSend(target, 'PUT', { 'content-type': 'text/plain; charset=utf-8' }, body, opts);
    return;
  }
  const boundary = `----ocpp-sim-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName.replace(/["\r\n]/g, '_')}"\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  await httpSend(url, 'POST', { 'content-type': `multipart/form-data; boundary=${boundary}` }, Buffer.concat([head, body, tail]), opts);
}

/** The URL of a transfer, or a TransferError naming what is wrong with it. */
export function parseLocation(location: string): URL {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new TransferError(`'${location}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'ftp:') {
    throw new TransferError(`${url.protocol.slice(0, -1)} is not a supported file transfer protocol (HTTP, HTTPS, FTP)`);
  }
  return url;
}

// ------------------------------------------------------------------ HTTP(S)

function requestOptions(url: URL, opts: TransferOptions): https.RequestOptions {
  const ca = opts.ca === undefined ? undefined : [...rootCertificates, ...(Array.isArray(opts.ca) ? opts.ca : [opts.ca])];
  return { signal: opts.signal, timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(url.protocol === 'https:' && ca ? { ca } : {}) };
}

function httpGet(url: URL, opts: TransferOptions, redirects: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).get(url, requestOptions(url, opts), (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new TransferError(`more than ${MAX_REDIRECTS} redirects`));
        let next: URL;
        try {
          next = parseLocation(new URL(res.headers.location, url).href);
        } catch (e) {
          return reject(e);
        }
        if (next.protocol === 'ftp:') return reject(new TransferError('redirect from HTTP to FTP'));
        return resolve(httpGet(next, opts, redirects + 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(new TransferError(`HTTP ${status} from ${url.host}`));
      }
      resolve(res);
    });
    req.on('timeout', () => req.destroy(new TransferError(`no data from ${url.host} for ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

function httpSend(url: URL, method: string, headers: Record<string, string>, body: Buffer, opts: TransferOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(
      url,
      { ...requestOptions(url, opts), method, headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) res.on('end', () => resolve());
        else reject(new TransferError(`HTTP ${status} from ${url.host}`));
      },
    );
    req.on('timeout', () => req.destroy(new TransferError(`no answer from ${url.host}`)));
    req.on('error', reject);
    req.end(body);
  });
}

// ------------------------------------------------------------------ FTP

/** Logs in (anonymous unless the URL has credentials), runs `work` on the URL's path, closes. */
async function ftp(url: URL, opts: TransferOptions, work: (client: FtpClient, path: string) => Promise<unknown>): Promise<void> {
  // Loaded on the first FTP transfer: most runs never make one, and every worker thread would pay for it.
  const { Client } = await import('basic-ftp');
  const client = new Client(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const abort = () => client.close();
  if (opts.signal.aborted) throw new TransferError('aborted');
  opts.signal.addEventListener('abort', abort, { once: true });
  try {
    await client.access({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : 21,
      user: url.username ? decodeURIComponent(url.username) : 'anonymous',
      password: url.password ? decodeURIComponent(url.password) : 'anonymous@',
    });
    await work(client, decodeURIComponent(url.pathname));
  } catch (e) {
    throw opts.signal.aborted ? new TransferError('aborted') : new TransferError(`FTP ${url.host}: ${(e as Error).message}`);
  } finally {
    opts.signal.removeEventListener('abort', abort);
    client.close();
  }
}
