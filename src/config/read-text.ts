/**
 * Reading a file the user names, never more than a limit: a 50 MB file (or /dev/zero) named as a
 * profile must be refused before it is read into memory, not after.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** The file is larger than the limit; `message` says both. */
export class FileTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly limit: number,
  ) {
    super(`larger than ${formatBytes(limit)}, the limit for this kind of file`);
    this.name = 'FileTooLargeError';
  }
}

/**
 * The file's text (UTF-8), reading at most `limit` + 1 bytes: one more tells a file of exactly the
 * limit from a larger one, whatever its reported size (pipes and devices report none). Errors of
 * the file system (ENOENT, EISDIR, EACCES) are thrown as they are.
 */
export function readBoundedText(file: string, limit: number): string {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let got = 0;
    while (got <= limit) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - got));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      got += n;
    }
    if (got > limit) throw new FileTooLargeError(file, limit);
    return Buffer.concat(chunks, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

const CHUNK = 64 * 1024;

/** `1 MiB`, `512 KiB`, `300 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** A file system error as one short phrase: "no such file", "is a directory", or Node's message. */
export function describeReadError(e: unknown): string {
  if (e instanceof FileTooLargeError) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES') return 'permission denied';
  return (e as Error).message;
}
