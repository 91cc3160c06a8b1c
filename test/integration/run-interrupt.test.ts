/**
 * runFleet (src/cli/run-fleet.ts) in this process, with worker threads, against the embedded CSMS:
 * an interrupt that arrives while the workers are still starting (deterministically: before the
 * call's first await) stops them before any charge point connects, and the run still ends with a
 * summary and a verdict that says so.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runFleet } from '../../src/cli/run-fleet.js';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { testFleetConfig } from '../helpers/fleet.js';

const servers: Csms[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A stream that keeps what is written. */
function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(w, { text: () => chunks.join('') });
}

describe('an interrupt during worker start-up', () => {
  it('stops the workers before any charge point connects, and gives a summary and exit code 105', async () => {
    const csms = await startCsms({ port: 0, heartbeatInterval: 1 });
    servers.push(csms);
    const out = sink();
    const listeners = process.listenerCount('SIGINT');
    const running = runFleet(testFleetConfig(csms.url, { count: 4, workers: 2 }), {
      durationMs: 60_000,
      quiet: true,
      allowInvalid: false,
      out: out as unknown as NodeJS.WriteStream,
    });
    // runFleet has started the pool and is waiting for the workers: the interrupt comes now.
    process.emit('SIGINT', 'SIGINT');
    const result = await running;
    expect(result.exitCode).toBe(105);
    expect(result.verdict.aborted).toMatchObject({ by: 'signal', signal: 'SIGINT', afterMs: 0, reason: 'interrupted by SIGINT during worker start-up' });
    expect(result.verdict.reasons[0]).toBe('interrupted by SIGINT during worker start-up');
    expect(result.stats.total('chargePointsStarted')).toBe(0);
    expect(csms.stats.connections.total).toBe(0);
    expect(out.text()).toMatch(/Summary after/);
    expect(out.text()).toMatch(/^Interrupted by SIGINT during worker start-up: stopped gracefully/m);
    // The interrupt handlers are released with the run.
    await new Promise((r) => setTimeout(r, 600));
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  }, 30_000);
});
