/**
 * `npm run bench`: the project's own benchmark. Starts the embedded CSMS in a separate process on
 * loopback, then runs each case (N charge points × W workers) in a fresh process of its own, prints
 * a table and writes it as JSON (bench-results.json, or --out FILE).
 *
 *   npm run bench                      # N = 1,000 and 10,000 with 1 and 2 workers, OCPP 1.6 and 2.0.1
 *   npm run bench -- --ocpp 2.0.1      # only 2.0.1 charge points
 *   npm run bench -- --n 1000,10000,19000 --workers 1,2 --steady 20 --saturation 10
 *   npm run bench -- --n 10000 --workers 2 --scenario bench-charging   # the scenario interpreter instead
 *   npm run bench -- --n 10000 --scrape 1                              # Prometheus scraping it every second
 *   npm run bench -- --n 10000 --ocpp 2.0.1 --features smart-charging,monitoring,display
 *   npm run bench -- --n 19000 --workers 2 --csms-processes 1,2   # the CSMS on 1, then on 2 processes
 *   npm run bench -- --n 100000 --workers 2 --ocpp 1.6   # the simulator over 6 processes, the CSMS over 6
 *   npm run bench -- --n 10000 --workers 2 --control off,on   # without, then with the control page connected
 *
 * Past one process's open-file limit the simulator spreads over processes as `run` does, and the CSMS
 * runs on enough processes for N unless --csms-processes says otherwise. --meter-interval sets the
 * steady state's MeterValues interval (default 10 s; 60 s from 50,000 charge points, the production-like
 * load of issue #13: one connector charging each, MeterValues and heartbeats every 60 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CaseResult, CaseSpec } from './bench-case.js';
import { BENCH_FEATURES, type BenchApi, type BenchFeature } from './features.js';

const bin = fileURLToPath(new URL('../../bin/ocpp-sim.js', import.meta.url));
const caseScript = fileURLToPath(new URL('./bench-case.js', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function startCsmsProcess(processes: number): Promise<{ url: string; proc: ChildProcess; api: BenchApi }> {
  const token = randomBytes(16).toString('hex');
  // Heartbeats every 60 s: the steady state is dominated by MeterValues every 10 s, as in the brief.
  const args = [bin, 'csms', '--port', '0', '--quiet', '--heartbeat-interval', '60', '--api-token', token, '--processes', String(processes)];
  const proc = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /(ws:\/\/[^\s]+\/ocpp)/.exec(buf);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`csms exited with ${code}`)));
  });
  proc.stdout!.resume();
  return { url, proc, api: { base: `${url.replace(/^ws/, 'http').replace(/\/ocpp$/, '')}/api`, token } };
}

function runCase(spec: CaseSpec): Promise<CaseResult> {
  const { n, workers } = spec;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [caseScript, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`case N=${n} W=${workers} failed (exit ${code}): ${out}`));
      }
    });
  });
}

/** Connections one CSMS process is given by default (its open-file limit is 20,000). */
const CSMS_CONNECTIONS_PER_PROCESS = 18_000;

/** A case's figures and the number of processes the CSMS ran on. */
type BenchRow = CaseResult & { csmsProcesses: number };

function table(rows: BenchRow[]): string {
  const head = ['CSMS procs', 'sim procs', 'OCPP', 'features', 'N', 'W', 'meter s', 'page req/ev', 'scrapes', 'booted', 'boot s', 'boots/s', 'steady msg/s', 'CPU % core', 'µs/msg', 'RSS MiB', 'KiB/CP', 'round trips/s', 'errors'];
  const cells = rows.map((r) => [r.csmsProcesses, r.processes, r.ocpp, r.features.join(',') || '-', r.n, r.workers, r.meterIntervalS, r.control ? `${r.pageRequests}/${r.pageEvents}` : '-', r.scrapes, r.booted, r.bootSeconds, r.bootsPerSec, r.steadyMsgsPerSec, r.steadyCpuPctOfCore, r.cpuUsPerMsg, r.rssMiB, r.rssPerCpKiB, r.roundTripsPerSec, r.errors].map(String));
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [head, ...cells].map((c) => c.map((x, i) => x.padStart(w[i])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const versions = arg('ocpp', '1.6,2.0.1').split(',');
  const ns = arg('n', '1000,10000').split(',').map(Number);
  const ws = arg('workers', '1,2').split(',').map(Number);
  const steadyS = Number(arg('steady', '20'));
  const saturationS = Number(arg('saturation', '10'));
  const scrapeEveryMs = Number(arg('scrape', '0')) * 1000;
  const out = arg('out', 'bench-results.json');
  const scenario = arg('scenario', '');
  const features = arg('features', '').split(',').filter((f) => f !== '');
  const unknown = features.filter((f) => !(BENCH_FEATURES as readonly string[]).includes(f));
  if (unknown.length > 0) throw new Error(`--features: unknown ${unknown.join(', ')} (known: ${BENCH_FEATURES.join(', ')})`);
  // Each CSMS process holds up to ~19,000 connections (the open-file limit is 20,000 a process).
  const csmsProcesses = arg('csms-processes', String(Math.ceil(Math.max(...ns) / CSMS_CONNECTIONS_PER_PROCESS))).split(',').map(Number);
  const meterArg = arg('meter-interval', '');
  const controls = arg('control', 'off').split(',').map((c) => c === 'on');
  if (!csmsProcesses.every((p) => Number.isInteger(p) && p >= 1 && p <= 64)) throw new Error('--csms-processes: whole numbers from 1 to 64, comma-separated');
  const rows: BenchRow[] = [];
  for (const processes of csmsProcesses) {
    process.stderr.write(`bench: the CSMS on ${processes} process(es)\n`);
    const { url, proc, api } = await startCsmsProcess(processes);
    try {
      for (const n of ns) {
        for (const w of ws) {
          for (const ocpp of versions) for (const control of controls) {
            process.stderr.write(`bench: OCPP ${ocpp} N=${n} workers=${w}${control ? ' control page' : ''} …\n`);
            // The features are 2.0.1's functional blocks: 1.6 cases run without them.
            const caseFeatures = ocpp === '2.0.1' ? (features as BenchFeature[]) : [];
            const meterIntervalS = meterArg ? Number(meterArg) : n >= 50_000 ? 60 : 10;
            const row = await runCase({ csmsUrl: url, api, features: caseFeatures, ocpp, n, workers: w, steadyS, saturationS, scenario: scenario || undefined, scrapeEveryMs, meterIntervalS, control });
            for (const c of row.featureCalls) if (c.failed > 0) process.stderr.write(`bench: ${c.action} failed on ${c.failed} of ${c.ok + c.failed} charge points (${c.firstError})\n`);
            rows.push({ ...row, csmsProcesses: processes });
            // Let the CSMS see the previous fleet's sockets close before the next storm.
            await new Promise((r) => setTimeout(r, 2000));
          }
        }
      }
    } finally {
      proc.kill('SIGTERM');
      await new Promise((resolve) => (proc.exitCode === null ? proc.once('exit', resolve) : resolve(undefined)));
    }
  }
  const text = table(rows);
  process.stdout.write(`\n${text}\n`);
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n');
  process.stdout.write(`\nwritten to ${out}\n`);
}

void main();
