/**
 * `ocpp-sim mcp` through the official SDK's real MCP client over stdio: the spawned bin/ocpp-sim.js
 * serves the tools, which drive an in-process fleet's control server (embedded strict CSMS); a fault
 * through the `act` tool shows up at the CSMS, a raw call's answer comes back.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, BUILT, ROOT } from '../cli/spawn-cli.js';
import { controlledFleet, TEST_CONTROL_TOKEN, type ControlledFleet } from '../helpers/control-fleet.js';
import { until } from '../helpers/fleet.js';

let f: ControlledFleet;
let client: Client;
beforeAll(async () => {
  f = await controlledFleet(3);
  client = new Client({ name: 'ocpp-sim-test', version: '1.0.0' });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'OCPP_SIM_CONTROL' && k !== 'OCPP_SIM_TOKEN') env[k] = v;
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', '--control', f.control.url, '--token', TEST_CONTROL_TOKEN], cwd: ROOT, env, stderr: 'pipe' }),
  );
}, 30_000);
afterAll(async () => {
  await client?.close();
  await f?.close();
});

/** A tool's reply: its JSON text parsed, and whether it is an error. */
async function call(name: string, args: Record<string, unknown> = {}): Promise<{ value: any; isError: boolean }> {
  const r = (await client.callTool({ name, arguments: args })) as { content: { type: string; text: string }[]; isError?: boolean };
  return { value: JSON.parse(r.content[0].text), isError: r.isError === true };
}

describe.skipIf(!BUILT)('ocpp-sim mcp', () => {
  it('offers the control tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['act', 'fleet_status', 'inspect_charge_point', 'list_charge_points', 'send_call']);
    const act = tools.find((t) => t.name === 'act')!;
    expect(act.inputSchema.required).toEqual(['action', 'target']);
  });

  it('lists, faults through `act` (the CSMS receives it), inspects, and reports the fleet', async () => {
    const list = await call('list_charge_points', { q: 'TEST00*' });
    expect(list.isError).toBe(false);
    expect(list.value.total).toBe(3);

    const fault = await call('act', { action: 'fault', target: 'TEST002', connector: 2, errorCode: 'HighTemperature' });
    expect(fault.isError, JSON.stringify(fault.value)).toBe(false);
    expect(fault.value).toMatchObject({ matched: 1, results: [{ identity: 'TEST002', ok: true }] });
    await until(
      () => f.received.some((r) => r.identity === 'TEST002' && r.action === 'StatusNotification' && r.payload.connectorId === 2 && r.payload.status === 'Faulted' && r.payload.errorCode === 'HighTemperature'),
      'TEST002 connector 2 Faulted HighTemperature at the CSMS',
    );

    const inspected = await call('inspect_charge_point', { identity: 'TEST002', frames: 4 });
    expect(inspected.value.connectors[1]).toMatchObject({ id: 2, status: 'Faulted', errorCode: 'HighTemperature' });
    expect(inspected.value.frames.length).toBeLessThanOrEqual(4);

    const status = await call('fleet_status');
    expect(status.value).toMatchObject({ total: 3, manualActions: { fault: 1 } });
    expect(status.value.connectors.Faulted).toBe(1);
  }, 20_000);

  it("sends a raw call and returns the CSMS's answer; refusals come back as tool errors", async () => {
    f.answers.set('DataTransfer', { status: 'Accepted', data: 'pong' });
    const sent = await call('send_call', { identity: 'TEST001', action: 'DataTransfer', payload: { vendorId: 'acme', messageId: 'ping' } });
    expect(sent.isError).toBe(false);
    expect(sent.value.results[0]).toMatchObject({ identity: 'TEST001', ok: true, answer: { status: 'Accepted', data: 'pong' } });
    expect(f.received.some((r) => r.identity === 'TEST001' && r.action === 'DataTransfer' && r.payload.messageId === 'ping')).toBe(true);

    const invalid = await call('send_call', { identity: 'TEST001', action: 'DataTransfer', payload: {} });
    expect(invalid.isError).toBe(true);
    const unknown = await call('act', { action: 'recover', target: 'NOPE' });
    expect(unknown).toMatchObject({ isError: true, value: { status: 404 } });
  }, 20_000);
});
