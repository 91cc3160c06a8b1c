/**
 * Live progress (src/cli/progress.ts): the terminal block rewrites itself in place and never wraps,
 * CI logs get a plain line every 5 s, --json-logs one JSON object per line.
 */
import { describe, expect, it } from 'vitest';
import { ProgressMeter, progressLine, ProgressView, statusBlock, type Progress } from '../../src/cli/progress.js';
import type { FleetStats } from '../../src/metrics/fleet-stats.js';

const sample = (elapsedMs: number): Progress => ({
  elapsedMs,
  total: 100,
  states: { connecting: 0, connected: 0, booted: 80, charging: 15, faulted: 2, offline: 3, stopped: 0 },
  booted: 97,
  callsPerSec: 1234,
  p95Ms: 12.5,
  errors: 4,
  txStarted: 40,
  txCompleted: 25,
  energyWh: 123_456,
  reconnects: 6,
});

/** A stream that keeps what is written. */
function sink(columns?: number) {
  const chunks: string[] = [];
  return { columns, chunks, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WritableStream & { columns?: number; chunks: string[] };
}

// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

describe('progress', () => {
  it('the plain line carries every figure', () => {
    expect(plain(progressLine(sample(61_000)))).toBe(
      ' 1m01s · booted 97/100 · charging 15 · offline 3 · faulted 2 · 1234 calls/s · p95 12.5 ms · errors 4 · tx 40/25 · 123.5 kWh',
    );
  });

  it('the terminal block is rewritten in place, each line cut to the terminal width', () => {
    const out = sink(30);
    const view = new ProgressView(out, 'tty');
    view.show(sample(1000));
    view.show(sample(2000));
    const lines = statusBlock(sample(2000)).length;
    expect(out.chunks[1].startsWith(`\x1b[${lines}F`)).toBe(true); // back to the block's first line
    for (const line of plain(out.chunks[1]).split('\n')) expect(line.length).toBeLessThanOrEqual(29);
    view.clear();
    expect(out.chunks.at(-1)).toBe(`\x1b[${lines}F\x1b[0J`);
  });

  it('off a terminal, a plain line every 5 s', () => {
    const out = sink();
    const view = new ProgressView(out, 'plain');
    for (let s = 1; s <= 11; s++) view.show(sample(s * 1000));
    expect(out.chunks.length).toBe(3); // at 1 s, 6 s and 11 s
  });

  it('--json-logs: progress and notes as JSON lines', () => {
    const out = sink();
    const view = new ProgressView(out, 'json');
    view.show(sample(1000));
    view.note('careful', 'warn');
    expect(JSON.parse(out.chunks[0])).toMatchObject({ event: 'progress', booted: 97, energyWh: 123_456 });
    expect(JSON.parse(out.chunks[1])).toMatchObject({ event: 'log', level: 'warn', message: 'careful' });
  });

  it('the call rate spans the last few looks: reports that arrive two in one second and none in the next never read as 0 calls/s', () => {
    // 1,000 calls a second, reported in bursts: 2,000 at once every other second (a shard's report landing on the other side of a look).
    let calls = 0;
    const stats = { actions: () => [{ sent: calls, received: 0, errors: 0 }], states: () => ({}), total: () => 0, overallQuantile: () => 0 } as unknown as FleetStats;
    const meter = new ProgressMeter(stats, 10, 0);
    const rates = [];
    for (let t = 1; t <= 10; t++) {
      if (t % 2 === 0) calls += 2000;
      rates.push(meter.take(t * 1000).callsPerSec);
    }
    expect(rates[0]).toBe(0);
    expect(Math.min(...rates.slice(1))).toBeGreaterThanOrEqual(500);
    expect(rates.slice(5).every((r) => r >= 750 && r <= 1250)).toBe(true);
  });
});
