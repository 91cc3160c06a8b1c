/**
 * `ocpp-sim mcp`: an MCP server on stdio (the official SDK) whose tools drive a running fleet through
 * its control API (control/mcp-tools.ts): list_charge_points, inspect_charge_point, act, send_call,
 * fleet_status. The run is found as `ctl` finds it (--control/--token, OCPP_SIM_CONTROL/OCPP_SIM_TOKEN,
 * or the only run on this machine), at every tool call. stdout carries only MCP messages.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { ControlClient, locateRun } from '../control/client.js';
import { registerControlTools } from '../control/mcp-tools.js';
import { packageVersion } from '../report/report.js';
import { once } from './flag-values.js';

function builder(y: Argv<object>) {
  return y
    .option('control', { type: 'string', coerce: once('--control'), describe: "The run's control URL; default $OCPP_SIM_CONTROL, else the only run on this machine" })
    .option('token', { type: 'string', coerce: once('--token'), describe: "The run's control token; default $OCPP_SIM_TOKEN, the URL's #token=, or the run's announcement" })
    .example('$0 mcp', 'Serve the tools for the only run on this machine (e.g. as an MCP server command of an assistant)');
}

export type McpArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

export const mcpCommand: CommandModule<object, McpArgs> = {
  command: 'mcp',
  describe: 'MCP server (stdio) whose tools drive a running fleet: list, inspect, act, send a raw call, fleet status',
  builder,
  handler: runMcp,
};

async function runMcp(argv: ArgumentsCamelCase<McpArgs>): Promise<void> {
  const server = new McpServer({ name: 'ocpp-sim', version: packageVersion() });
  registerControlTools(server, () => new ControlClient(locateRun({ control: argv.control, token: argv.token })));
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
