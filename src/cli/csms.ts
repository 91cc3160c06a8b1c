/**
 * `ocpp-sim csms`: runs the embedded OCPP CSMS (1.6J and 2.0.1) in the foreground until SIGINT/SIGTERM.
 *
 * The first line on stdout is always `listening ws://<host>:<port>/ocpp` (the actual port, also
 * with `--port 0`), so a parent process such as the benchmark can parse where to connect.
 */
import cluster from 'node:cluster';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { startCsmsCluster } from '../csms/cluster/primary.js';
import { runCsmsWorker } from '../csms/cluster/worker.js';
import { generateApiToken } from '../csms/api-guard.js';
import { ListenError, OCPP_VERSIONS, startCsms, type CsmsOptions, type OcppVersion } from '../csms/server.js';
import { ocppVersion } from '../csms/versions.js';
import { UsageError } from './exit-codes.js';
import { API_TOKEN_ENV, apiBase, bearerExample, givenApiToken } from './api-token.js';
import { readPasswords } from './passwords.js';
import { portNumber, readWholeNumber } from './flag-values.js';

/** The options of `ocpp-sim csms`. */
function builder(yargs: Argv<object>) {
  return yargs
    // Numbers are read as text and checked in the handler, so a bad one is named as typed.
    .option('port', { type: 'string', default: '9000', describe: 'TCP port (0 = any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on' })
    .option('ocpp', {
      type: 'string',
      default: OCPP_VERSIONS.join(','),
      describe: 'OCPP versions to speak, comma-separated (1.6, 2.0.1); a charge point gets the first of its offered subprotocols among them',
    })
    .option('heartbeat-interval', { type: 'string', default: '60', describe: 'Heartbeat interval (s) in BootNotification answers' })
    .option('boot-status', {
      choices: ['Accepted', 'Pending', 'Rejected'] as const,
      default: 'Accepted' as const,
      describe: 'Status of every BootNotification answer',
    })
    .option('price-per-kwh', { type: 'string', describe: 'What a kWh costs: 2.0.1 TransactionEvent answers then give the running and final cost (totalCost)' })
    .option('password', { type: 'string', describe: 'Require HTTP Basic auth (security profile 1): this password for every identity not in --passwords' })
    .option('passwords', { type: 'string', describe: 'Require HTTP Basic auth (security profile 1) with per-identity passwords: JSON {"<identity>": "<password>"} or lines "<identity>,<password>"' })
    .option('api-token', { type: 'string', describe: `Token of the operator API (Authorization: Bearer <token>; 16+ characters); default: $${API_TOKEN_ENV}, else generated and printed` })
    .option('processes', {
      type: 'string',
      default: '1',
      describe:
        'Processes sharing the port (node:cluster, connections handed out round-robin); each holds up to ~19,000 connections (the open-file limit is 20,000 a process), so 6 hold 100,000. The operator API sees them all',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'Print only the listening line (and a generated API token)' })
    .option('verbose', { type: 'boolean', default: false, describe: 'Log events of every connection, not just the first 20' })
    .option('strict', { type: 'boolean', default: false, describe: 'Also validate our own responses and calls (abort on a bug)' });
}

/** `--host`: a non-empty interface name or address (whether it is this machine's is found when listening). */
function hostName(value: unknown): string {
  if (Array.isArray(value)) throw new UsageError(`--host is given ${value.length} times; give it once`);
  const host = String(value ?? '').trim();
  if (host === '') throw new UsageError('--host must name an interface or address, e.g. 127.0.0.1 or 0.0.0.0');
  return host;
}

/** `--price-per-kwh`: a price of 0 or more (decimal digits, one point). */
function price(value: unknown): number {
  if (Array.isArray(value)) throw new UsageError(`--price-per-kwh is given ${value.length} times; give it once`);
  const text = String(value ?? '').trim();
  if (!/^\d{1,9}(\.\d{1,6})?$/.test(text)) throw new UsageError(`--price-per-kwh must be a price of 0 or more, e.g. 0.35, not '${text}'`);
  return Number(text);
}

/** `--ocpp 1.6,2.0.1`: the versions to speak, each once (also spelt as subprotocols, `ocpp2.0.1`). */
export function ocppVersions(value: unknown): OcppVersion[] {
  if (Array.isArray(value)) throw new UsageError(`--ocpp is given ${value.length} times; give it once, with the versions comma-separated`);
  const text = String(value ?? '');
  const versions: OcppVersion[] = [];
  for (const item of text.split(',')) {
    const version = ocppVersion(item.trim());
    if (version === null) {
      throw new UsageError(`--ocpp must be a comma-separated list of OCPP versions from ${OCPP_VERSIONS.join(', ')}, not '${text}'`);
    }
    if (!versions.includes(version)) versions.push(version);
  }
  return versions;
}

/** The most processes `--processes` takes. */
const MAX_PROCESSES = 64;

/** Parsed options of `ocpp-sim csms`. */
export type CsmsArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** The `csms` command module, registered by the top-level CLI. */
export const csmsCommand: CommandModule<object, CsmsArgs> = {
  command: 'csms',
  describe: 'Run the embedded OCPP 1.6J and 2.0.1 CSMS (demo backend, test peer and benchmark sink)',
  builder,
  handler: runCsms,
};

async function runCsms(argv: ArgumentsCamelCase<CsmsArgs>): Promise<void> {
  const port = portNumber(argv.port, '--port');
  const host = hostName(argv.host);
  const ocpp = ocppVersions(argv.ocpp);
  // An integer in BootNotification.conf (OCPP 1.6 §6.3), so a fraction would make our answer invalid.
  const heartbeatInterval = readWholeNumber(argv.heartbeatInterval, '--heartbeat-interval', 1, 2 ** 31 - 1, 'a whole number of seconds');
  if (argv.password === '') throw new UsageError('--password must not be empty');
  const passwords = argv.passwords === undefined ? undefined : readPasswords(argv.passwords);
  const { token: apiToken, source: tokenSource } = givenApiToken(argv.apiToken);
  const pricePerKWh = argv.pricePerKwh === undefined ? undefined : price(argv.pricePerKwh);
  const processes = readWholeNumber(argv.processes, '--processes', 1, MAX_PROCESSES);
  const options: Omit<CsmsOptions, 'apiToken' | 'log'> = {
    port,
    host,
    ocpp,
    heartbeatInterval,
    bootStatus: argv.bootStatus,
    pricePerKWh,
    password: argv.password,
    passwords,
    strict: argv.strict,
    verbose: argv.verbose,
  };
  if (cluster.isWorker) {
    // One of the --processes: the same command line, run by the primary below (cluster/worker.ts).
    return runCsmsWorker(options, argv.quiet ? undefined : (line: string) => console.log(line));
  }
  const log = argv.quiet ? undefined : (line: string) => console.log(line);
  const running: RunningCsms = await (processes === 1 ? startCsms({ ...options, apiToken, log }) : startCluster(processes, apiToken ?? generateApiToken())).catch(
    (error: unknown) => {
      // Port in use, not a local address, …: the environment, not a bug (exit 2, one line).
      throw error instanceof ListenError ? new UsageError(error.message) : error;
    },
  );
  const csms = { url: running.url, apiToken: running.apiToken };
  // The token is printed once, here, and only when generated: without it the API cannot be used. One
  // write with the address, so whoever reads the first lines (a script, a test) gets both together.
  process.stdout.write(`listening ${csms.url}\n${tokenSource === 'generated' ? `operator API token: ${csms.apiToken}\n` : ''}`);
  if (!argv.quiet) {
    const api = apiBase(csms);
    const spoken = OCPP_VERSIONS.filter((v) => ocpp.includes(v));
    console.log(`ocpp-sim CSMS (OCPP ${spoken.join(' and ')}): charge points connect to ${csms.url}/<identity> with subprotocol ${spoken.map((v) => `ocpp${v}`).join(' or ')}`);
    if (processes > 1) console.log(`  ${processes} processes share the port (connections handed out round-robin)`);
    console.log(`  boot status ${argv.bootStatus}, heartbeat interval ${heartbeatInterval} s, ${pricePerKWh === undefined ? '' : `${pricePerKWh} per kWh, `}${authSummary(argv.password, passwords, argv.passwords)}`);
    console.log(`  operator API (loopback clients with the token): ${api}/charge-points, ${api}/stats, POST ${api}/charge-points/<identity>/<action>`);
    console.log(`  e.g. curl -X POST -H "Authorization: ${bearerExample(csms, tokenSource)}" -H 'Content-Type: application/json' -d '{"type":"Soft"}' ${api}/charge-points/CP001/Reset`);
    console.log('  Ctrl-C to stop');
  }
  if (running.done !== undefined) {
    // Restarts exhausted (cluster/primary.ts): the CSMS stops by itself, with exit code 1.
    void running.done.then((code) => {
      if (code !== 0) {
        process.exitCode = code;
        process.exit();
      }
    });
  }
  await new Promise<void>((resolve) => {
    // A second signal while closing forces the exit.
    const force = (): never => process.exit(1);
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.on('SIGINT', force);
      process.on('SIGTERM', force);
      log?.(`csms: ${signal}, closing`);
      const done = (): void => {
        process.off('SIGINT', force);
        process.off('SIGTERM', force);
        resolve();
      };
      running.close().then(done, (error: unknown) => {
        console.error(`csms: close failed: ${String(error)}`);
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.exitCode = 0;
}

/** What the handler needs of the CSMS, alone or over several processes. */
interface RunningCsms {
  url: string;
  apiToken: string;
  close(): Promise<unknown>;
  /** Cluster only: resolves with a non-zero exit code when the CSMS stopped by itself. */
  done?: Promise<number>;
}

async function startCluster(processes: number, apiToken: string): Promise<RunningCsms> {
  const c = await startCsmsCluster({ processes, apiToken, log: (line) => console.error(line) });
  return { url: c.url, apiToken, close: () => c.stop(), done: c.done };
}

/** Who may connect, for the start-up lines (never the passwords themselves). */
function authSummary(password: string | undefined, passwords: Record<string, string> | undefined, file: string | undefined): string {
  if (password === undefined && passwords === undefined) return 'no authentication: any client may connect as any identity';
  const listed = passwords === undefined ? '' : `${Object.keys(passwords).length} identities from ${file}`;
  if (password === undefined) return `HTTP Basic auth: ${listed}, no others`;
  return `HTTP Basic auth: ${listed ? `${listed}, ` : ''}${listed ? 'others' : 'every identity'} with --password`;
}
