/**
 * The `ocpp-sim` command line: one file per command; this one wires them up and turns errors into
 * exit codes (2 for usage and configuration errors, 1 for anything unexpected).
 */
import chalk from 'chalk';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { csmsCommand } from './csms.js';
import { demoCommand } from './demo.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { runCommand } from './run.js';

export async function main(argv: string[]): Promise<void> {
  try {
    await yargs(argv)
      .scriptName('ocpp-sim')
      .usage('$0 <command> [options]\n\nLarge-scale virtual EV charge point simulator (OCPP 1.6J).')
      .command(runCommand as never)
      .command(csmsCommand as never)
      .command(demoCommand)
      .demandCommand(1, 'Name a command: run, csms or demo (see --help).')
      .strict()
      .example('$0 demo', 'Embedded CSMS and 20 charge points, live')
      .example('$0 csms --port 9000', 'Start the embedded CSMS')
      .example('$0 run --csms ws://localhost:9000/ocpp --count 200 --duration 5m', 'Run 200 charge points against a CSMS')
      .epilogue('Exit codes: 0 all good, 1 failures found, 2 usage or configuration error.')
      .fail((msg, err) => {
        if (err) throw err;
        process.stderr.write(`${chalk.red(msg)}\nRun with --help for usage.\n`);
        process.exit(ExitCode.Usage);
      })
      .help()
      .wrap(Math.min(110, process.stdout.columns || 110))
      .parseAsync();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(chalk.red(`ocpp-sim: ${err.message}\n`));
      process.exitCode = ExitCode.Usage;
      return;
    }
    process.stderr.write(chalk.red(`ocpp-sim: ${(err as Error).stack ?? err}\n`));
    process.exitCode = ExitCode.Failed;
  }
}

void main(hideBin(process.argv));
