/**
 * Scenarios and OCPP versions through the real binary (issue #11): a scenario whose steps do not
 * apply to the version of the charge points that would run it is refused before anything connects —
 * by `validate`, by `run plan.yaml` and by `run --scenario` — with exit code 2 and each problem at
 * the scenario's file:line:col; `list scenarios` shows which versions each built-in one is for.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, beforeAll, describe, it } from 'vitest';
import { BUILT, describeRun, runCli } from './spawn-cli.js';

const PLAN = 'test/fixtures/plans/scenario-wrong-version.yaml';
const ONLY_201 = /ocpp-201-only\.yaml:2:7: ocpp: this scenario is written for OCPP 2\.0\.1 only, and profile generic-16-ac \(fleets\[0\]\) speaks OCPP 1\.6: pick a scenario for 1\.6/;
const CALL_201 = /ocpp-201-steps\.yaml:5:20: steps\[1\]\.expect\.call: GetTransactionStatus is an OCPP 2\.0\.1 call with no 1\.6 equivalent, and profile generic-16-dc \(fleets\[1\]\) speaks OCPP 1\.6: leave the step out, or mark the scenario ocpp: \["2\.0\.1"\]/;
const SEND_201 = /ocpp-201-steps\.yaml:7:15: steps\[2\]\.send\.action: NotifyEvent is an OCPP 2\.0\.1 message with no 1\.6 equivalent, and profile generic-16-dc \(fleets\[1\]\) speaks OCPP 1\.6/;

/** A loopback TCP server standing in for a CSMS: it only counts the connections it gets. */
let server: Server | undefined;
let connections = 0;

async function listen(): Promise<string> {
  connections = 0;
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return `ws://127.0.0.1:${port}/ocpp`;
}

beforeAll(() => {
  if (!BUILT) throw new Error('dist/cli/main.js is missing: run `npx tsc -p tsconfig.json` before these tests');
});

afterEach(async () => {
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
});

describe('a scenario for another OCPP version', () => {
  it('validate of a plan: every problem at the scenario line, naming the fleet and its profile; exit 2', async ({ expect }) => {
    const r = await runCli(['validate', PLAN]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toMatch(ONLY_201);
    expect(r.stdout).toMatch(CALL_201);
    expect(r.stdout).toMatch(SEND_201);
    // RequestStartTransaction has a 1.6 equivalent (RemoteStartTransaction), and the 1.6 OCA scenario fits its 1.6 fleet.
    expect(r.stdout).not.toMatch(/RequestStartTransaction|oca-core-cold-boot/);
  });

  it('run of the plan refuses it before opening a socket', async ({ expect }) => {
    const url = await listen();
    const r = await runCli(['run', PLAN, '--csms', url, '--duration', '2s']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(ONLY_201);
    expect(r.stderr).toMatch(CALL_201);
    expect(r.stderr).not.toMatch(/\n\s+at /); // one line per problem, no stack trace
    expect(connections).toBe(0);
  });

  it('run --scenario refuses a scenario marked for 2.0.1 on the default 1.6 profile before opening a socket', async ({ expect }) => {
    const url = await listen();
    const r = await runCli(['run', '--csms', url, '--count', '1', '--duration', '2s', '--scenario', 'test/fixtures/scenarios/ocpp-201-only.yaml']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/ocpp-201-only\.yaml:2:7: ocpp: this scenario is written for OCPP 2\.0\.1 only, and profile generic-16-ac speaks OCPP 1\.6/);
    expect(connections).toBe(0);
  });

  it('run --scenario on a 2.0.1 profile takes the scenario written for 2.0.1 and connects', async ({ expect }) => {
    const url = await listen();
    // The file refused above for 1.6 gets as far as connecting on 2.0.1 (nothing answers here).
    const r = await runCli(['run', '--csms', url, '--count', '1', '--duration', '2s', '--give-up-after', '1s', '--profile', 'generic-201-ac', '--scenario', 'test/fixtures/scenarios/ocpp-201-only.yaml']);
    expect(r.stderr).not.toMatch(/configuration errors/);
    expect(connections).toBeGreaterThan(0);
  });

  it('validate of a scenario alone checks it for every version, as it names none', async ({ expect }) => {
    const r = await runCli(['validate', 'test/fixtures/scenarios/ocpp-16-steps.yaml', 'test/fixtures/scenarios/ocpp-201-only.yaml']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toMatch(
      /ocpp-16-steps\.yaml:5:15: steps\[0\]\.send\.action: StartTransaction is an OCPP 1\.6 message \(2\.0\.1 says it with TransactionEvent\), and the charge point speaks OCPP 2\.0\.1: use the start step/,
    );
    expect(r.stdout).toMatch(/✓ test\/fixtures\/scenarios\/ocpp-201-only\.yaml/);
  });
});

describe('ocpp-sim list scenarios', () => {
  it('shows the versions each built-in scenario is written for', async ({ expect }) => {
    const r = await runCli(['list', 'scenarios']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^oca-core-cold-boot\s+OCPP 1\.6\s+OCA TC_001/m);
    expect(r.stdout).toMatch(/^charging-session\s+any OCPP\s+One charging session/m);
  });
});
