/**
 * `ocpp-sim ctl` end to end: the real bin/ocpp-sim.js, spawned, drives an in-process fleet's control
 * server (embedded strict CSMS), and what the CSMS receives is what the command asked for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlClient } from '../../src/control/client.js';
import { BIN, BUILT, ROOT, runCli } from '../cli/spawn-cli.js';
import { controlledFleet, TEST_CONTROL_TOKEN, type ControlledFleet } from '../helpers/control-fleet.js';
import { until } from '../helpers/fleet.js';

let f: ControlledFleet;
beforeAll(async () => {
  f = await controlledFleet(3);
}, 20_000);
afterAll(async () => {
  await f?.close();
});

/** `ocpp-sim ctl …` against the test fleet's control server, no discovery (other tests may run fleets). */
function ctl(args: string[], env: Record<string, string | undefined> = {}) {
  return runCli(['ctl', ...args, '--control', f.control.url, '--token', TEST_CONTROL_TOKEN], { env: { OCPP_SIM_CONTROL: undefined, OCPP_SIM_TOKEN: undefined, ...env } });
}

describe.skipIf(!BUILT)('ocpp-sim ctl', () => {
  it('lists the charge points, human and --json', async () => {
    const human = await ctl(['list']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^TEST001\s+\S+/m);
    expect(human.stdout).toMatch(/^TEST003\s+/m);
    expect(human.stdout).toMatch(/3 charge points/);
    const json = await ctl(['list', 'TEST00?', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const page = JSON.parse(json.stdout);
    expect(page.total).toBe(3);
    expect(page.items.map((i: { identity: string }) => i.identity)).toEqual(['TEST001', 'TEST002', 'TEST003']);
  }, 60_000);

  it('`ctl fault CP` faults connector 1 with the generic code; flags pick the connector and code; the CSMS receives it', async () => {
    const plain = await ctl(['fault', 'TEST001']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/fault TEST001: ok/);
    await until(() => f.received.some((r) => r.identity === 'TEST001' && r.action === 'StatusNotification' && r.payload.connectorId === 1 && r.payload.status === 'Faulted' && r.payload.errorCode === 'OtherError'), 'TEST001 Faulted OtherError');

    const coded = await ctl(['fault', 'TEST002', '--connector', '1', '--error-code', 'GroundFailure']);
    expect(coded.code, coded.stderr).toBe(0);
    await until(() => f.received.some((r) => r.identity === 'TEST002' && r.action === 'StatusNotification' && r.payload.status === 'Faulted' && r.payload.errorCode === 'GroundFailure'), 'TEST002 Faulted GroundFailure');

    const shown = await ctl(['show', 'TEST002', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const detail = JSON.parse(shown.stdout);
    expect(detail.connectors[0]).toMatchObject({ id: 1, status: 'Faulted', errorCode: 'GroundFailure' });
    expect(detail.frames.some((fr: { text: string }) => fr.text.includes('GroundFailure'))).toBe(true);

    // A glob: the faulted ones recover; TEST003 was not faulted, so the action failed on a target: exit 1.
    const recovered = await ctl(['recover', 'TEST00*']);
    expect(recovered.code, recovered.stderr).toBe(1);
    expect(recovered.stdout).toMatch(/^recover TEST001: ok$/m);
    expect(recovered.stdout).toMatch(/^recover TEST003: failed .*not Faulted/m);
    expect(recovered.stdout).toMatch(/3 matched, 2 ok, 1 failed/);
    await until(() => f.received.some((r) => r.identity === 'TEST002' && r.action === 'StatusNotification' && r.payload.status === 'Available' && r.payload.errorCode === 'NoError'), 'TEST002 Available again');
  }, 60_000);

  it("sends a raw call and prints the CSMS's answer, escaped", async () => {
    f.answers.set('DataTransfer', { status: 'Accepted', data: 'ok\u001b[31mred\n' });
    const sent = await ctl(['send', 'TEST003', 'DataTransfer', '{"vendorId":"acme","messageId":"ping"}']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(f.received.some((r) => r.identity === 'TEST003' && r.action === 'DataTransfer' && r.payload.vendorId === 'acme')).toBe(true);
    expect(sent.stdout).toContain('send TEST003: answered');
    expect(sent.stdout).toContain('"status":"Accepted"');
    expect(sent.stdout).not.toContain('\u001b');
    expect(sent.stdout).toContain('\\u001b[31mred\\n'); // JSON's own escape of the control character
    const json = await ctl(['send', 'TEST003', '--action', 'DataTransfer', '--payload', '{"vendorId":"acme"}', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ matched: 1, results: [{ identity: 'TEST003', ok: true, answer: { status: 'Accepted' } }] });
    // An invalid call is refused before it is sent: a usage error.
    const invalid = await ctl(['send', 'TEST003', 'DataTransfer', '{}']);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toMatch(/send TEST003: failed DataTransfer is not a valid OCPP 1.6 call: .*vendorId/);
  }, 60_000);

  it('finds the run from OCPP_SIM_CONTROL / OCPP_SIM_TOKEN', async () => {
    const r = await runCli(['ctl', 'status'], { env: { OCPP_SIM_CONTROL: f.control.url, OCPP_SIM_TOKEN: TEST_CONTROL_TOKEN } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^charge points\s+3 \(3 booted/m);
    expect(r.stdout).toMatch(/^manual actions .*fault/m);
  }, 60_000);

  it('follows the event stream (--limit ends it)', async () => {
    const following = runCli(['ctl', 'events', 'TEST003', '--types', 'action', '--limit', '1', '--json', '--control', f.control.url, '--token', TEST_CONTROL_TOKEN], { timeoutMs: 30_000 });
    // Until the follower has its event: a manual action on TEST003 (refused, as nothing is paused: still an event).
    const client = new ControlClient({ url: f.control.url, token: TEST_CONTROL_TOKEN });
    let done = false;
    void following.then(() => (done = true));
    while (!done) {
      await client.act('TEST003', 'resume', { connector: 2 });
      await new Promise((r) => setTimeout(r, 300));
    }
    const r = await following;
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ type: 'action', identity: 'TEST003', action: 'resume', ok: false });
  }, 60_000);

  it('exit codes: 1 when the action fails on a target, 2 for usage errors and a wrong token', async () => {
    const unknown = await ctl(['fault', 'NOPE1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/NOPE1/);
    const wrongFlag = await ctl(['reboot', 'TEST001', '--connector', '2']);
    expect(wrongFlag.code).toBe(2);
    expect(wrongFlag.stderr).toMatch(/--connector does not apply to ctl reboot/);
    const noTarget = await ctl(['fault']);
    expect(noTarget.code).toBe(2);
    const badToken = await runCli(['ctl', 'list', '--control', f.control.url, '--token', 'wrong-token-0123456789']);
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toMatch(/401/);
  }, 60_000);
});

describe.skipIf(!BUILT)('ocpp-sim ctl finds the run by itself', () => {
  it('talks to the only run on this machine (its announcement), and says so when there is none', async () => {
    // A private TMPDIR holds the announcements: other tests' runs on this machine stay out of it.
    const tmp = mkdtempSync(join(tmpdir(), 'ocpp-sim-ctl-'));
    const env = { TMPDIR: tmp, OCPP_SIM_CONTROL: undefined, OCPP_SIM_TOKEN: undefined, OCPP_SIM_CONTROL_TOKEN: undefined };
    let child: ChildProcess | undefined;
    try {
      const none = await runCli(['ctl', 'list'], { env });
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/no run with a control port on this machine/);

      child = spawn(process.execPath, [BIN, 'run', '--csms', f.csms.url, '-n', '2', '-d', '60s', '--idle', '60s', '--id-prefix', 'SELF', '--control-port', '0', '--quiet'], {
        cwd: ROOT,
        env: { ...process.env, ...env, TMPDIR: tmp, NO_COLOR: '1' } as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
      await until(() => /Control at http:\/\/127\.0\.0\.1:\d+\/#token=/.test(out), 'the run to print its control line', 20_000);
      await until(() => f.received.filter((r) => r.action === 'BootNotification' && r.identity.startsWith('SELF')).length === 2, 'the run to boot', 20_000);

      const faulted = await runCli(['ctl', 'fault', 'SELF1'], { env });
      expect(faulted.code, faulted.stderr).toBe(0);
      await until(() => f.received.some((r) => r.identity === 'SELF1' && r.action === 'StatusNotification' && r.payload.status === 'Faulted'), 'SELF1 Faulted at the CSMS');
    } finally {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
