/**
 * `--control`: a bench case with the run's control port open and the control page connected, so the
 * steady state measures what a user watching the fleet costs the simulator (issue #14: within 10 %).
 * The server runs here, as in a run; the page's traffic comes from a process of its own
 * (page-client.ts), as a browser's would, and its CPU is left out of the figures.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Fleet } from '../scheduler/fleet.js';
import { startControlServer } from '../control/server.js';

export interface PageLoad {
  /** The page's process: not the simulator's CPU. */
  readonly pid: number;
  /** Stops the page and the server: the page's requests answered and events received. */
  stop(): Promise<{ requests: number; events: number }>;
}

export async function connectPage(fleet: Fleet, total: number, shown: string): Promise<PageLoad> {
  const server = await startControlServer({ fleet, port: 0, fleetSizes: [total], startedAt: () => Date.now() });
  const client = fileURLToPath(new URL('./page-client.js', import.meta.url));
  const page = spawn(process.execPath, [client, server.url, server.token, String(total), shown], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  page.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((r) => page.once('exit', () => r()));
  return {
    pid: page.pid!,
    async stop() {
      page.kill('SIGTERM');
      await exited;
      await server.close();
      try {
        return JSON.parse(out.trim().split('\n').pop() ?? '') as { requests: number; events: number };
      } catch {
        return { requests: 0, events: 0 };
      }
    },
  };
}
