/**
 * `run --scenario` end to end through the binary: a built-in scenario whose expectations hold exits
 * 0 and reports them; a failing expectation exits 1 naming the charge point, file:line:col, expected
 * and got; a bad scenario is a usage error before any socket opens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCsms, type Csms } from '../../src/csms/server.js';
import { ROOT, runCli } from './spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-cli-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers: Csms[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function csms(): Promise<Csms> {
  const s = await startCsms({ port: 0, heartbeatInterval: 5 });
  servers.push(s);
  return s;
}

describe('run --scenario', () => {
  it('expectations that hold pass the run and are counted', async () => {
    const s = await csms();
    const file = join(dir, 'data-transfer.yaml');
    writeFileSync(
      file,
      `description: both vendors
connectors: [1]
steps:
  - send: {action: DataTransfer, payload: {vendorId: ocpp-sim, messageId: echo, data: "hi \${id}"}, expect: Accepted}
  - send: {action: DataTransfer, payload: {vendorId: nobody}, expect: UnknownVendorId}
  - wait: 1h
`,
    );
    const r = await runCli(['run', '--csms', s.url, '--count', '2', '--duration', '3s', '--scenario', file, '--quiet', '--strict']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const m = /^expectations +(\d+) passed · (\d+) failed · 0 pending$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![2])).toBe(0);
    expect(Number(m![1])).toBe(4);
    expect(s.stats.received.DataTransfer).toBe(4);
  });

  it('a failing expectation fails the run and names where it is', async () => {
    const s = await csms();
    const file = join(dir, 'expect-accepted.yaml');
    writeFileSync(file, 'description: a blocked tag expected to pass\nconnectors: [1]\nsteps:\n  - authorize: {idTag: BLOCKED-9, expect: Accepted}\n');
    const r = await runCli(['run', '--csms', s.url, '--count', '1', '--duration', '2s', '--scenario', file, '--quiet']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    // Named relative to the working directory (the package folder), never by an absolute path.
    expect(r.stdout).toContain(`CP1 connector 1: ${relative(ROOT, file)}:4:5: authorize: expected Accepted, got Blocked`);
    expect(r.stdout).not.toContain(` ${file}`);
    expect(r.stdout).toMatch(/^FAILED: 1 scenario expectation\(s\) failed/m);
  });

  it('a scenario with errors is refused before anything runs', async () => {
    const s = await csms();
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'description: typo\nsteps:\n  - plugg\n');
    const r = await runCli(['run', '--csms', s.url, '--count', '1', '--duration', '2s', '--scenario', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file}:3:5: .*unknown step 'plugg' \\(did you mean 'plug'\\?\\)`));
    expect(s.stats.connections.total).toBe(0);
  });
});

describe('a run shorter than its arrivals', () => {
  it('says which charge points had not started yet, without failing the CSMS for it', async () => {
    const s = await csms();
    const file = join(dir, 'slow-boot.yaml');
    writeFileSync(file, 'description: boots up to an hour after power-up\nextends: generic-16-ac\nboot:\n  jitter: 1h\n');
    const r = await runCli(['run', '--csms', s.url, '--count', '2', '--duration', '2s', '--profile', file, '--quiet']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(s.stats.connections.total).toBe(0);
    expect(r.stdout).toMatch(/^Note: 2 of 2 charge points had not started when the run ended/m);
    expect(r.stdout).toMatch(/^PASSED$/m);
  });
});
