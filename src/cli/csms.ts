/**
 * `ocpp-sim csms`: runs the embedded OCPP 1.6J CSMS in the foreground until SIGINT/SIGTERM.
 *
 * The first line on stdout is always `listening ws://<host>:<port>/ocpp` (the actual port, also
 * with `--port 0`), so a parent process such as the benchmark can parse where to connect.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { startCsms } from '../csms/server.js';

/** The options of `ocpp-sim csms`. */
function builder(yargs: Argv<object>) {
  return yargs
    .option('port', { type: 'number', default: 9000, describe: 'TCP port (0 = any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on' })
    .option('heartbeat-interval', { type: 'number', default: 60, describe: 'Heartbeat interval (s) in BootNotification answers' })
    .option('boot-status', {
      choices: ['Accepted', 'Pending', 'Rejected'] as const,
      default: 'Accepted' as const,
      describe: 'Status of every BootNotification answer',
    })
    .option('password', { type: 'string', describe: 'Require HTTP Basic auth with this password (security profile 1)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'Print only the listening line' })
    .option('verbose', { type: 'boolean', default: false, describe: 'Log events of every connection, not just the first 20' })
    .option('strict', { type: 'boolean', default: false, describe: 'Also validate our own responses and calls (abort on a bug)' })
    .check((argv) => {
      if (!Number.isInteger(argv.port) || argv.port < 0 || argv.port > 65535) throw new Error('--port must be an integer 0..65535');
      if (!(argv['heartbeat-interval'] > 0)) throw new Error('--heartbeat-interval must be a positive number of seconds');
      return true;
    });
}

/** Parsed options of `ocpp-sim csms`. */
export type CsmsArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** The `csms` command module, registered by the top-level CLI. */
export const csmsCommand: CommandModule<object, CsmsArgs> = {
  command: 'csms',
  describe: 'Run the embedded OCPP 1.6J CSMS (demo backend, test peer and benchmark sink)',
  builder,
  handler: runCsms,
};

async function runCsms(argv: ArgumentsCamelCase<CsmsArgs>): Promise<void> {
  const log = argv.quiet ? undefined : (line: string) => console.log(line);
  const csms = await startCsms({
    port: argv.port,
    host: argv.host,
    heartbeatInterval: argv.heartbeatInterval,
    bootStatus: argv.bootStatus,
    password: argv.password,
    strict: argv.strict,
    verbose: argv.verbose,
    log,
  });
  console.log(`listening ${csms.url}`);
  if (!argv.quiet) {
    const api = csms.url.replace(/^ws/, 'http').replace(/\/ocpp$/, '/api');
    console.log(`ocpp-sim CSMS (OCPP 1.6J): charge points connect to ${csms.url}/<identity> with subprotocol ocpp1.6`);
    console.log(`  boot status ${argv.bootStatus}, heartbeat interval ${argv.heartbeatInterval} s${argv.password ? ', HTTP Basic auth on' : ''}`);
    console.log(`  operator API (loopback only): ${api}/charge-points, ${api}/stats, POST ${api}/charge-points/<identity>/<action>`);
    console.log(`  e.g. curl -X POST -H 'Content-Type: application/json' -d '{"type":"Soft"}' ${api}/charge-points/CP001/Reset`);
    console.log('  Ctrl-C to stop');
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
      csms.close().then(done, (error: unknown) => {
        console.error(`csms: close failed: ${String(error)}`);
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.exitCode = 0;
}
