/**
 * `ocpp-sim ctl <operation> <identity|glob> [args]`: drives a running fleet's charge points from a shell
 * through its control API (`ocpp-sim run … --control-port P`), e.g. `ocpp-sim ctl fault CP3` (connector 1,
 * the generic error code), `ocpp-sim ctl start 'CP00*' --id-tag TAG1`, `ocpp-sim ctl list`.
 *
 * Every argument has a default (the API's). The run is `--control URL --token T`, or OCPP_SIM_CONTROL /
 * OCPP_SIM_TOKEN, or the only run on this machine with a control port. Human output by default, `--json`
 * for scripts. Exit 0 when every target did it, 1 when the action failed on any (or matched none, or the
 * run could not be reached), 2 for usage errors (a bad flag, the API refusing the input or the token).
 * Text from the network (identities, errors, frames, answers) is escaped before it reaches the terminal.
 */
import { readFileSync } from 'node:fs';
import chalk from 'chalk';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { ControlClient, ControlError, RunNotFound, locateRun, type ActReply, type ChargePointDetail, type ChargePointSummary, type ControlEvent, type FleetOverview } from '../control/client.js';
import { parseDuration } from '../util/duration.js';
import { printable } from '../util/printable.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { readWholeNumber } from './flag-values.js';

/** Actions on charge points (the API's), and the flags each takes (every one optional). */
const ACTION_FLAGS = {
  plug: ['connector', 'soc', 'power'],
  unplug: ['connector'],
  authorize: ['connector', 'id-tag'],
  start: ['connector', 'id-tag'],
  stop: ['connector', 'reason'],
  fault: ['connector', 'error-code'],
  recover: ['connector'],
  demand: ['connector', 'power', 'soc'],
  resume: ['connector'],
  disconnect: ['for'],
  reboot: [],
  'reset-link': [],
  send: ['action', 'payload'],
} as const satisfies Record<string, readonly string[]>;
type ActionName = keyof typeof ACTION_FLAGS;

/** Read-only operations. */
const VIEWS = ['list', 'show', 'events', 'status'] as const;
const OPERATIONS = [...VIEWS, ...Object.keys(ACTION_FLAGS)] as string[];
const ACTION_ARG_FLAGS = ['connector', 'soc', 'power', 'id-tag', 'reason', 'error-code', 'for', 'action', 'payload'];

function builder(y: Argv<object>) {
  return y
    .positional('operation', { type: 'string', choices: OPERATIONS, describe: 'What to do' })
    .positional('target', { type: 'string', describe: "Charge point identity or glob (`*`, `?`; quote it in the shell: 'CP00*')" })
    .positional('args', { type: 'string', array: true, describe: 'send: the OCPP action and its JSON payload' })
    .option('connector', { type: 'string', describe: 'Connector (EVSE) id; default 1' })
    .option('error-code', { type: 'string', describe: 'fault: the error code (default: OtherError in 1.6, a generic one in 2.0.1)' })
    .option('id-tag', { type: 'string', describe: "authorize/start: the token (default: the fleet's first idTag)" })
    .option('reason', { type: 'string', describe: 'stop: the stop reason (default Local)' })
    .option('soc', { type: 'string', describe: "plug/demand: the EV's state of charge, 0-100 %" })
    .option('power', { type: 'string', describe: "plug: the EV's max power; demand: its power demand (W, or e.g. 11kW)" })
    .option('for', { type: 'string', describe: 'disconnect: how long to stay offline (default 60s; e.g. 2m)' })
    .option('action', { type: 'string', describe: 'send: the OCPP action (default Heartbeat)' })
    .option('payload', { type: 'string', describe: "send: the call's JSON payload, or @file (default {})" })
    .option('state', { type: 'string', describe: 'list: only charge points in this state' })
    .option('profile', { type: 'string', describe: 'list: only charge points of this profile' })
    .option('limit', { type: 'string', describe: 'list: at most this many (default 100, at most 1000); events: stop after this many' })
    .option('offset', { type: 'string', describe: 'list: skip this many first' })
    .option('types', { type: 'string', describe: 'events: comma-separated event types (status, call, answer, problem, action); default all' })
    .option('control', { type: 'string', describe: 'The run\'s control URL (as printed at its start); default $OCPP_SIM_CONTROL, else the only run on this machine' })
    .option('token', { type: 'string', describe: "The run's control token; default $OCPP_SIM_TOKEN, the URL's #token=, or the run's own announcement" })
    .option('json', { type: 'boolean', default: false, describe: 'Print JSON (for scripts)' })
    .example("$0 ctl fault CP3", 'Fault connector 1 of CP3 with the generic error code')
    .example("$0 ctl fault CP3 --connector 2 --error-code GroundFailure", 'Fault connector 2 with GroundFailure')
    .example("$0 ctl start 'CP00*' --id-tag TAG1", 'Start a session on CP000…CP009')
    .example('$0 ctl disconnect CP40 --for 2m', 'Drop CP40 offline for 2 minutes')
    .example('$0 ctl send CP8 DataTransfer \'{"vendorId":"acme"}\'', "Send a raw call and print the CSMS's answer")
    .example("$0 ctl list 'CP1*' --state Faulted", 'List charge points')
    .example('$0 ctl events CP3', 'Follow CP3\'s events (Ctrl-C ends)');
}

export type CtlArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

export const ctlCommand: CommandModule<object, CtlArgs> = {
  command: 'ctl <operation> [target] [args..]',
  describe: "Drive a running fleet's charge points by hand (plug, start, fault, send, …) through its control port",
  builder,
  handler: runCtl,
};

async function runCtl(argv: ArgumentsCamelCase<CtlArgs>): Promise<void> {
  const operation = String(argv.operation);
  const flags = argv as unknown as Record<string, unknown>;
  for (const f of [...ACTION_ARG_FLAGS, 'state', 'profile', 'limit', 'offset', 'types', 'control', 'token', 'target']) {
    if (Array.isArray(flags[f])) throw new UsageError(`--${f} was given ${(flags[f] as unknown[]).length} times: give it once`);
  }
  const target = argv.target === undefined ? undefined : String(argv.target);
  const extra = (argv.args ?? []).map(String);
  checkFlagsApply(operation, flags, extra);

  let run;
  try {
    run = locateRun({ control: str(flags.control), token: str(flags.token) });
  } catch (e) {
    if (e instanceof RunNotFound) throw new UsageError(e.message);
    throw e;
  }
  const client = new ControlClient(run);
  const json = argv.json === true;
  try {
    if (operation === 'status') return printFleet(await client.fleet(), json);
    if (operation === 'list') return await list(client, target, flags, json);
    if (operation === 'show') {
      if (target === undefined) throw new UsageError('ctl show needs a charge point identity, e.g. ocpp-sim ctl show CP1');
      return printDetail(await client.detail(target), json);
    }
    if (operation === 'events') return await followEvents(client, target, flags, json);
    if (target === undefined) throw new UsageError(`ctl ${operation} needs a charge point identity or glob ('*' for all), e.g. ocpp-sim ctl ${operation} CP1`);
    const args = actionArgs(operation as ActionName, flags, extra);
    const reply = await client.act(target, operation, args);
    printAct(operation, target, reply, json);
    // A lone charge point refusing the input (an invalid raw call, a bad argument) is a usage error.
    if (reply.status === 400) process.exitCode = ExitCode.Usage;
    else if (reply.matched === 0 || reply.results.some((r) => !r.ok)) process.exitCode = ExitCode.Failed;
  } catch (e) {
    if (!(e instanceof ControlError)) throw e;
    // The API refusing the input or the token is a usage error; anything else failed the action.
    const usage = e.status === 400 || e.status === 401 || e.status === 403;
    if (json) process.stdout.write(`${JSON.stringify({ error: e.code, description: e.description, status: e.status })}\n`);
    const what = e.status === 0 ? printable(e.description) : `${e.status} ${printable(e.code)}${e.description ? `: ${printable(e.description)}` : ''}`;
    process.stderr.write(chalk.red(`ocpp-sim ctl ${operation}${target === undefined ? '' : ` ${printable(target)}`}: ${what}\n`));
    process.exitCode = usage ? ExitCode.Usage : ExitCode.Failed;
  }
}

function str(v: unknown): string | undefined {
  return v === undefined ? undefined : String(v);
}

/** A flag that the operation does not take is a mistake worth saying (`reboot --connector 2`). */
function checkFlagsApply(operation: string, flags: Record<string, unknown>, extra: string[]): void {
  const takes: readonly string[] =
    operation === 'list' ? ['state', 'profile', 'limit', 'offset']
      : operation === 'events' ? ['types', 'limit']
        : operation in ACTION_FLAGS ? ACTION_FLAGS[operation as ActionName] : [];
  for (const f of [...ACTION_ARG_FLAGS, 'state', 'profile', 'limit', 'offset', 'types']) {
    if (flags[f] !== undefined && !takes.includes(f)) {
      throw new UsageError(`--${f} does not apply to ctl ${operation}${takes.length > 0 ? ` (it takes ${takes.map((t) => `--${t}`).join(', ')})` : ''}`);
    }
  }
  if (extra.length > (operation === 'send' ? 2 : 0)) {
    throw new UsageError(`ctl ${operation} takes ${operation === 'send' ? 'at most an action and a payload' : 'one charge point identity or glob'} after it, not also '${extra.join(' ')}'`);
  }
}

/** The API body of an action from the flags given (the API fills in every default). */
export function actionArgs(action: ActionName, flags: Record<string, unknown>, extra: string[] = []): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const f = (name: string) => (flags[name] === undefined ? undefined : String(flags[name]));
  if (f('connector') !== undefined) args.connector = readWholeNumber(f('connector'), '--connector', 1, 1000);
  if (f('soc') !== undefined) args.soc = percent(f('soc')!);
  if (f('power') !== undefined) args[action === 'plug' ? 'maxPowerW' : 'powerW'] = watts(f('power')!);
  if (f('id-tag') !== undefined) args.idTag = nonEmpty(f('id-tag')!, '--id-tag');
  if (f('reason') !== undefined) args.reason = nonEmpty(f('reason')!, '--reason');
  if (f('error-code') !== undefined) args.errorCode = nonEmpty(f('error-code')!, '--error-code');
  if (f('for') !== undefined) {
    try {
      args.forMs = parseDuration(f('for')!, '--for');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (action === 'send') {
    if (extra.length > 0 && f('action') !== undefined) throw new UsageError('ctl send: give the OCPP action once (as an argument or --action)');
    if (extra.length > 1 && f('payload') !== undefined) throw new UsageError('ctl send: give the payload once (as an argument or --payload)');
    args.action = nonEmpty(extra[0] ?? f('action') ?? 'Heartbeat', '--action');
    args.payload = payload(extra[1] ?? f('payload') ?? '{}');
  }
  return args;
}

function nonEmpty(v: string, flag: string): string {
  if (v.trim() === '') throw new UsageError(`${flag} must not be empty`);
  return v;
}

function percent(text: string): number {
  const n = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 100)) throw new UsageError(`--soc must be a state of charge from 0 to 100 (%), not '${text}'`);
  return n;
}

/** `11000`, `11000W`, `11kW`, `7.4 kW` → watts. */
function watts(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(k?w)?$/i.exec(text.trim());
  const n = m ? Number(m[1]) * (m[2]?.toLowerCase() === 'kw' ? 1000 : 1) : NaN;
  if (!(n >= 0 && n <= 10_000_000)) throw new UsageError(`--power must be a power in W (or kW with the unit), e.g. 11000 or 11kW, not '${text}'`);
  return n;
}

function payload(text: string): unknown {
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (e) {
      throw new UsageError(`--payload ${text}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  try {
    return JSON.parse(source);
  } catch (e) {
    throw new UsageError(`the payload is not JSON (${(e as Error).message}): give e.g. '{"vendorId":"acme"}' or @file.json`);
  }
}

async function list(client: ControlClient, glob: string | undefined, flags: Record<string, unknown>, json: boolean): Promise<void> {
  const limit = flags.limit === undefined ? 100 : readWholeNumber(flags.limit, '--limit', 1, 1000);
  const offset = flags.offset === undefined ? 0 : readWholeNumber(flags.offset, '--offset', 0, 100_000_000);
  const page = await client.list({ q: glob, state: str(flags.state), profile: str(flags.profile), offset, limit });
  if (json) {
    process.stdout.write(`${JSON.stringify(page)}\n`);
    return;
  }
  for (const cp of page.items) process.stdout.write(`${summaryLine(cp)}\n`);
  const shown = page.items.length;
  process.stdout.write(chalk.dim(`${shown === page.total ? `${shown}` : `${offset + 1}-${offset + shown} of ${page.total}`} charge point${page.total === 1 ? '' : 's'}${shown < page.total ? ' (--offset, --limit for more)' : ''}\n`));
}

/** `CP1  Online  1.6  profile  #1 Charging tx 42 7.4 kW 3.1 kWh SoC 40%; #2 Available`. */
function summaryLine(cp: ChargePointSummary): string {
  const connectors = cp.connectors.map(connectorText).join('; ');
  const error = cp.lastError ? chalk.red(`  last error: ${printable(cp.lastError)}`) : '';
  return `${printable(cp.identity).padEnd(16)} ${printable(cp.state).padEnd(12)} ${printable(cp.ocpp).padEnd(6)} ${printable(cp.profile).padEnd(20)} ${connectors}${error}`;
}

function connectorText(c: ChargePointSummary['connectors'][number]): string {
  const parts = [`#${c.id} ${printable(c.status)}`];
  if (c.errorCode) parts.push(printable(c.errorCode));
  // "" = a transaction the CSMS has not given an id yet (1.6 before StartTransaction.conf).
  if (c.transactionId !== null && c.transactionId !== undefined) parts.push(c.transactionId === '' ? 'tx (id pending)' : `tx ${printable(String(c.transactionId))}`);
  if (c.powerW) parts.push(`${(c.powerW / 1000).toFixed(1)} kW`);
  if (c.energyWh) parts.push(`${(c.energyWh / 1000).toFixed(2)} kWh`);
  if (c.soc !== null && c.soc !== undefined) parts.push(`SoC ${Math.round(c.soc)}%`);
  if (c.paused) parts.push('(scenario paused)');
  return parts.join(' ');
}

function printFleet(f: FleetOverview, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(f)}\n`);
    return;
  }
  const kv = (o: Record<string, number> | undefined) => Object.entries(o ?? {}).map(([k, v]) => `${printable(k)} ${v}`).join(', ') || '-';
  const lines = [
    `charge points  ${f.total} (${f.booted} booted, ${f.online} online)`,
    `by state       ${kv(f.byState)}`,
    `connectors     ${kv(f.connectors)}`,
    `transactions   ${f.transactions?.active ?? 0} active, ${f.transactions?.started ?? 0} started, ${f.transactions?.completed ?? 0} completed`,
    `messages/s     ${f.rates?.messagesPerSec ?? 0}`,
    `p95 latency    ${f.latency?.p95Ms == null ? '-' : `${Math.round(f.latency.p95Ms)} ms`}`,
    `errors         ${f.errors}`,
    `manual actions ${kv(f.manualActions)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printDetail(d: ChargePointDetail, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(d)}\n`);
    return;
  }
  const out = [
    `${chalk.bold(printable(d.identity))}  ${printable(d.state)}  OCPP ${printable(d.ocpp)}  profile ${printable(d.profile)}  fleet ${d.fleet}`,
    ...d.connectors.map((c) => `  ${connectorText(c)}`),
  ];
  if (d.lastError) out.push(chalk.red(`  last error: ${printable(d.lastError)}`));
  const frames = d.frames ?? [];
  if (frames.length > 0) {
    out.push(chalk.dim(`last ${Math.min(20, frames.length)} of ${frames.length} frames:`));
    for (const fr of frames.slice(-20)) out.push(`  ${new Date(fr.at).toISOString().slice(11, 23)} ${fr.dir === 'out' ? '→' : fr.dir === 'in' ? '←' : '·'} ${printable(fr.text)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function printAct(operation: string, target: string, reply: ActReply, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(reply)}\n`);
    return;
  }
  if (reply.matched === 0) {
    process.stderr.write(chalk.red(`ocpp-sim ctl ${operation}: no charge point matches '${printable(target)}'\n`));
    return;
  }
  for (const r of reply.results) {
    const head = `${operation} ${printable(r.identity)}: `;
    if (r.ok && operation === 'send') process.stdout.write(`${head}${chalk.green('answered')} ${printable(JSON.stringify(r.answer ?? null))}\n`);
    else if (r.ok) process.stdout.write(`${head}${chalk.green('ok')}\n`);
    else if (r.callError) process.stdout.write(`${head}${chalk.red(`CALLERROR ${printable(r.callError.code)}`)} ${printable(r.callError.description ?? '')}\n`);
    else process.stdout.write(`${head}${chalk.red('failed')} ${printable(r.error ?? '')}\n`);
  }
  const failed = reply.results.filter((r) => !r.ok).length;
  if (reply.matched > 1 || reply.matched > reply.results.length) {
    const more = reply.matched > reply.results.length ? ` (results of the first ${reply.results.length} shown)` : '';
    process.stdout.write(chalk.dim(`${reply.matched} matched, ${reply.results.length - failed} ok, ${failed} failed${more}\n`));
  }
}

async function followEvents(client: ControlClient, glob: string | undefined, flags: Record<string, unknown>, json: boolean): Promise<void> {
  const max = flags.limit === undefined ? Infinity : readWholeNumber(flags.limit, '--limit', 1, 100_000_000);
  const types = flags.types === undefined ? undefined : String(flags.types).split(',').map((t) => t.trim()).filter(Boolean);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let n = 0;
  try {
    for await (const event of client.events({ q: glob, types, signal: stop.signal })) {
      process.stdout.write(`${json ? JSON.stringify(event) : eventLine(event)}\n`);
      if (++n >= max) break;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stop.abort();
  }
}

/** `12:00:01.234 CP3 status {"connector":1,"status":"Faulted"}`, escaped. */
export function eventLine(e: ControlEvent): string {
  const { type, identity, at, ...rest } = e;
  const time = typeof at === 'number' ? new Date(at).toISOString().slice(11, 23) : '';
  const details = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return printable(`${time} ${identity ?? '-'} ${type}${details}`);
}
