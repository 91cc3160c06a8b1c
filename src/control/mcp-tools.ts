/**
 * The control API as MCP tools (`ocpp-sim mcp`), so an AI assistant can drive a test: each tool is a
 * thin call through client.ts. The run is found at every call (as `ctl` finds it), so the server can
 * start before the run and follows a restarted one.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ControlClient, ControlError, RunNotFound, type ActReply } from './client.js';

/** Actions of the `act` tool (`send` has its own tool: it needs a payload and answers with the CSMS's reply). */
export const ACT_ACTIONS = ['plug', 'unplug', 'authorize', 'start', 'stop', 'fault', 'recover', 'demand', 'resume', 'disconnect', 'reboot', 'reset-link'] as const;

interface ToolReply {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  isError?: boolean;
}

const MAX_FRAMES = 200;

function reply(value: unknown, isError = false): ToolReply {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], ...(isError ? { isError: true } : {}) };
}

/** Runs a tool's call; API refusals and a missing run come back as tool errors the assistant can read. */
async function guarded(call: () => Promise<ToolReply>): Promise<ToolReply> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof ControlError) return reply({ error: e.code, status: e.status, description: e.description }, true);
    if (e instanceof RunNotFound) return reply({ error: 'NoRun', description: e.message }, true);
    throw e;
  }
}

function actReply(r: ActReply): ToolReply {
  return reply(r, r.matched === 0 || r.results.some((x) => !x.ok));
}

/** Registers the tools on `server`; `client()` gives the client of the run to talk to. */
export function registerControlTools(server: McpServer, client: () => ControlClient): void {
  server.registerTool(
    'fleet_status',
    {
      title: 'Fleet status',
      description: 'The running fleet at a glance: charge points by state, connectors by status, transactions, message rate, p95 latency, errors, manual actions so far.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    () => guarded(async () => reply(await client().fleet())),
  );

  server.registerTool(
    'list_charge_points',
    {
      title: 'List charge points',
      description: 'Charge points of the run (in fleet order) with per-connector status, transaction, power, energy, SoC and last error. Filter by identity glob (* and ?), state, profile; page with offset/limit.',
      inputSchema: {
        q: z.string().optional().describe('Identity glob, e.g. CP00* (default: all)'),
        state: z.string().optional().describe('Only charge points in this state (e.g. Online, Charging, Faulted, Offline)'),
        profile: z.string().optional().describe('Only charge points of this profile'),
        offset: z.number().int().min(0).optional().describe('Skip this many first (default 0)'),
        limit: z.number().int().min(1).max(1000).optional().describe('At most this many (default 50)'),
      },
      annotations: { readOnlyHint: true },
    },
    (a) => guarded(async () => reply(await client().list({ q: a.q, state: a.state, profile: a.profile, offset: a.offset ?? 0, limit: a.limit ?? 50 }))),
  );

  server.registerTool(
    'inspect_charge_point',
    {
      title: 'Inspect a charge point',
      description: "One charge point's state, connectors and its last OCPP frames (sent, received and events, newest last).",
      inputSchema: {
        identity: z.string().min(1).describe('The charge point identity'),
        frames: z.number().int().min(0).max(MAX_FRAMES).optional().describe('How many of the last frames (default 30)'),
      },
      annotations: { readOnlyHint: true },
    },
    (a) =>
      guarded(async () => {
        const d = await client().detail(a.identity);
        const n = a.frames ?? 30;
        return reply({ ...d, frames: n === 0 ? [] : (d.frames ?? []).slice(-n) });
      }),
  );

  server.registerTool(
    'act',
    {
      title: 'Act on charge points',
      description:
        'Do something on one charge point, a glob (CP00*) or * — as the station or its EV would: plug (EV arrives), unplug (EV leaves), authorize, ' +
        'start (plug if needed, authorize, start a transaction), stop, fault / recover, demand (EV power demand or SoC), resume (hand the connector ' +
        'back to its scenario), disconnect (stay offline forSeconds), reboot (power loss and boot), reset-link (close the WebSocket; it reconnects). ' +
        'Every argument is optional (connector 1, the generic error code, the fleet\'s first idTag, reason Local, 60 s offline).',
      inputSchema: {
        action: z.enum(ACT_ACTIONS).describe('What to do'),
        target: z.string().min(1).describe('Charge point identity, glob (* and ?) or * for all'),
        connector: z.number().int().min(1).optional().describe('Connector (EVSE) id; default 1'),
        errorCode: z.string().optional().describe('fault: the error code (e.g. GroundFailure; default OtherError / a generic one)'),
        idTag: z.string().optional().describe("authorize/start: the token (default: the fleet's first idTag)"),
        reason: z.string().optional().describe('stop: the stop reason (default Local)'),
        soc: z.number().min(0).max(100).optional().describe("plug/demand: the EV's state of charge, %"),
        powerW: z.number().min(0).optional().describe("demand: the EV's power demand, W"),
        maxPowerW: z.number().min(0).optional().describe("plug: the EV's maximum power, W"),
        batteryWh: z.number().min(0).optional().describe("plug: the EV's battery capacity, Wh"),
        forSeconds: z.number().min(0).optional().describe('disconnect: how long to stay offline, s (default 60)'),
      },
      annotations: { destructiveHint: true },
    },
    (a) =>
      guarded(async () => {
        const { action, target, forSeconds, ...rest } = a;
        const args: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(rest)) if (v !== undefined) args[k] = v;
        if (forSeconds !== undefined) args.forMs = Math.round(forSeconds * 1000);
        return actReply(await client().act(target, action, args));
      }),
  );

  server.registerTool(
    'send_call',
    {
      title: 'Send a raw OCPP call',
      description:
        "Send any OCPP call of the charge point's version (validated against the official schema first) from ONE charge point and return the CSMS's answer payload or its CALLERROR.",
      inputSchema: {
        identity: z.string().min(1).describe('The charge point identity (exactly one)'),
        action: z.string().min(1).describe('The OCPP action, e.g. DataTransfer, Heartbeat, StatusNotification'),
        payload: z.record(z.string(), z.unknown()).optional().describe('The call payload (default {})'),
      },
    },
    (a) => guarded(async () => actReply(await client().send(a.identity, a.action, a.payload ?? {}))),
  );
}
