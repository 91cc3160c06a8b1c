/**
 * How a fleet too big for one process is spread over several local ones (issue #13), as pure rules:
 * - processes: one process may hold only as many sockets as its open-file limit allows (20,000 here,
 *   and it cannot be raised), so a fleet needs ⌈count ÷ what fits⌉ of them; beside sockets held for
 *   something else (the demo's CSMS) it runs in a child even when it alone would fit, and the demo's
 *   CSMS itself goes on cluster processes when its connections do not fit in one;
 * - slices: process k of P takes slice k of P of this process's fleet, composed with a --shard slice
 *   (slice i of n, then k of P of that, is slice i + n·k of n·P: positions stay striped, so every
 *   process shares the ramp-up and the identities never overlap);
 * - source addresses: Linux gives each source address ~28,000 ephemeral ports, which a fleet bound to
 *   one address exhausts; against a CSMS on IPv4 loopback every 127.x address is ours, so a large
 *   fleet spreads over 127.0.0.2, 127.0.0.3, …
 */
import { isIP } from 'node:net';
import type { FleetConfig } from './fleet.js';

/**
 * Connections one source address carries at most when we choose the addresses. A socket bound to a
 * source address gets its port from bind(), which must find one no other socket on that address holds:
 * the kernel's search grows with the share of the ~28,000 ephemeral ports in use, and at 10,000 per
 * address connecting turned into system time (50,000 charge points: 48,800 booted in 76 s at 10,000
 * per address, all 50,000 in 27 s at 1,000). A few per cent of the range keeps every search short and
 * leaves room for ports in TIME_WAIT after reconnects; 127.0.0.0/8 has addresses to spare.
 */
export const CONNECTIONS_PER_SOURCE = 1_000;

/** Past this many connections to one CSMS, one source address may run out of ports. */
export const ONE_SOURCE_LIMIT = 20_000;

/** Processes a fleet of `count` needs when each may hold `perProcess` charge points. */
export function processesNeeded(count: number, perProcess: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, perProcess)));
}

/** Where a fleet runs: in `processes` local processes, in this one or in child processes. */
export interface FleetPlacement {
  processes: number;
  /** True: child processes, even one (this process holds sockets for something else, e.g. the demo's CSMS). */
  inChildren: boolean;
}

/**
 * Where a fleet of `count` runs when one process holds at most `perProcess` sockets and this one
 * already holds `heldHere` for something else (the demo's embedded CSMS: one socket per charge
 * point): this process while fleet and heldHere fit, else child processes (⌈count ÷ perProcess⌉,
 * or `wanted`, --processes); several processes always run as children.
 */
export function placeFleet(count: number, perProcess: number, heldHere = 0, wanted?: number): FleetPlacement {
  const processes = Math.max(1, Math.min(wanted ?? processesNeeded(count, perProcess), count));
  return { processes, inChildren: processes > 1 || count + heldHere > perProcess };
}

/** Where the demo's embedded CSMS runs: in this process, or a cluster of `processes` (`csms --processes`). */
export interface CsmsPlacement {
  inCluster: boolean;
  processes: number;
}

/**
 * The demo's embedded CSMS for `connections` charge points: in this process while they fit in one
 * (`perProcess` sockets), else on ⌈connections ÷ perProcess⌉ cluster processes sharing one port.
 */
export function placeCsms(connections: number, perProcess: number): CsmsPlacement {
  return connections <= perProcess ? { inCluster: false, processes: 1 } : { inCluster: true, processes: processesNeeded(connections, perProcess) };
}

/** Positions of a fleet of `total` in slice `index` of `of` (index from 0). */
export function sliceCount(total: number, index: number, of: number): number {
  return Math.max(0, Math.ceil((total - index) / of));
}

/**
 * The fleets process k of P runs: slice k of P of each (composed with the config's own slice). A fleet
 * with no charge point in the slice stays, with count 0, so a run plan's later fleets keep their
 * ramp-up offsets and fleet indices. Worker threads: the budget is shared out, and a process with
 * one thread or less runs its charge points on its own main thread (`workers: 0`).
 */
export function processShare(configs: readonly FleetConfig[], k: number, processes: number): FleetConfig[] {
  return configs.map((c, g) => {
    const total = c.slice?.total ?? c.count;
    const index = (c.slice?.index ?? 0) + (c.slice?.of ?? 1) * k;
    const of = (c.slice?.of ?? 1) * processes;
    const count = sliceCount(total, index, of);
    const threads = Math.floor(c.workers / processes) + (k < c.workers % processes ? 1 : 0);
    return { ...c, fleet: c.fleet ?? g, count, workers: threads <= 1 ? 0 : Math.min(threads, count), slice: { index, of, total } };
  });
}

/**
 * Loopback source addresses for `connections` to `csmsUrl`, or undefined when none are needed (a
 * small fleet) or ours to choose (a CSMS not on IPv4 loopback: IPv6 has a single loopback address,
 * and other hosts' routes are the user's; --local-address gives blocks there).
 */
export function loopbackSources(csmsUrl: string, connections: number): string[] | undefined {
  if (connections <= ONE_SOURCE_LIMIT) return undefined;
  const host = new URL(csmsUrl).hostname;
  if (isIP(host) !== 4 || !host.startsWith('127.')) return undefined;
  const n = Math.ceil(connections / CONNECTIONS_PER_SOURCE);
  // 127.0.0.2 onwards: 127.0.0.1 stays what other programs on the machine use.
  return Array.from({ length: n }, (_, i) => `127.0.${(i + 2) >> 8}.${(i + 2) & 255}`);
}
