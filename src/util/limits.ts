/**
 * Process limits that cap a fleet before it starts: open files (each charge point holds one socket)
 * and memory.
 */
import { readFileSync } from 'node:fs';

/** File descriptors the process needs besides sockets (stdio, worker pipes, modules, CSMS in demo). */
export const FD_RESERVE = 200;

/** The soft open-file limit from /proc/self/limits, or undefined where that cannot be read. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

/** How many charge points fit in one process under a file limit. */
export function chargePointsThatFit(limit: number): number {
  return Math.max(0, limit - FD_RESERVE);
}

/**
 * Memory one charge point may take, with room to spare: the benchmark measures 8–17 KiB each at
 * 10,000 (README, "Performance"), plus worker threads' own heaps.
 */
export const BYTES_PER_CHARGE_POINT = 32 * 1024;

/** How many charge points fit in one process on a machine with `totalBytes` of memory. */
export function chargePointsThatFitMemory(totalBytes: number): number {
  return Math.floor(totalBytes / BYTES_PER_CHARGE_POINT);
}
