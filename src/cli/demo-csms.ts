/**
 * The demo's embedded CSMS (issue #13): in the demo's own process while its connections fit there,
 * else on as many node:cluster processes as they need, sharing one port (`csms --processes`,
 * csms/cluster/primary.ts) — so `demo --count N` runs at any N the machine can hold. Either way one
 * URL, one operator API (every cluster worker answers for all) and one set of counters.
 */
import { fileURLToPath } from 'node:url';
import { generateApiToken } from '../csms/api-guard.js';
import { startCsmsCluster } from '../csms/cluster/primary.js';
import { startCsms, type CsmsStats } from '../csms/server.js';
import { placeCsms } from '../scheduler/spread.js';
import { chargePointsThatFit, openFileLimit } from '../util/limits.js';

export interface DemoCsms {
  readonly url: string;
  readonly apiToken: string;
  /** Processes it runs on: 1 in this process, else cluster workers. */
  readonly processes: number;
  readonly inCluster: boolean;
  /** Sockets it holds in this process at full fleet (one per charge point; none in cluster mode). */
  readonly heldHere: number;
  /** Its counters (over every process in cluster mode: the same sum as GET /api/stats). */
  stats(): Promise<CsmsStats>;
  close(): Promise<unknown>;
}

/** Starts the CSMS for `count` charge points where they fit (see placeCsms). */
export async function startDemoCsms(count: number, opts: { heartbeatInterval: number; apiToken?: string }): Promise<DemoCsms> {
  const limit = openFileLimit();
  const placement = placeCsms(count, limit === undefined ? Infinity : chargePointsThatFit(limit));
  if (!placement.inCluster) {
    const csms = await startCsms({ heartbeatInterval: opts.heartbeatInterval, apiToken: opts.apiToken });
    return { url: csms.url, apiToken: csms.apiToken, processes: 1, inCluster: false, heldHere: count, stats: async () => csms.stats, close: () => csms.close() };
  }
  const apiToken = opts.apiToken ?? generateApiToken();
  const cluster = await startCsmsCluster({
    processes: placement.processes,
    apiToken,
    log: (line) => process.stderr.write(`${line}\n`),
    // The workers run `csms` (its cluster-worker path, cli/csms.ts) on any free loopback port, as
    // startCsms above would; the token comes from the primary.
    worker: { exec: mainFile(), args: ['csms', '--port', '0', '--host', '127.0.0.1', '--heartbeat-interval', String(opts.heartbeatInterval), '--quiet'] },
    // The fleet's graceful stop after a Ctrl-C needs the CSMS: this process stops it afterwards.
    ownsSignals: true,
  });
  return {
    url: cluster.url,
    apiToken,
    processes: placement.processes,
    inCluster: true,
    heldHere: 0,
    stats: () => cluster.stats() as Promise<CsmsStats>,
    close: () => cluster.stop(),
  };
}

/** The compiled CLI entry (also when this module runs from the sources, as for the fleet's children). */
function mainFile(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? '../../dist/cli/main.js' : './main.js', here));
}
