/**
 * The `ocpp-sim` command line: one file per command; this one wires them up and turns errors into
 * exit codes (2 for usage and configuration errors, 1 for anything unexpected).
 */
import chalk from 'chalk';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError, formatIssue } from '../config/errors.js';
import { csmsCommand } from './csms.js';
import { demoCommand } from './demo.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { listCommand } from './list.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

export async function main(argv: string[]): Promise<void> {
  try {
    await yargs(argv)
      .scriptName('ocpp-sim')
      .usage('$0 <command> [options]\n\nLarge-scale virtual EV charge point simulator (OCPP 1.6J).')
      .command(runCommand as never)
      .command(csmsCommand as never)
      .command(demoCommand)
      .command(validateCommand as never)
      .command(listCommand as never)
      .demandCommand(1, 'Name a command: run, csms, demo, validate or list (see --help).')
      .strict()
      .example('$0 demo', 'Embedded CSMS and 20 charge points, live')
      .example('$0 csms --port 9000', 'Start the embedded CSMS')
      .example('$0 run --csms ws://localhost:9000/ocpp --count 200 --duration 5m', 'Run 200 charge points against a CSMS')
      .example('$0 run --csms ws://localhost:9000/ocpp --profile abb-terra-54 --count 50', 'Run 50 ABB Terra 54 DC chargers')
      .epilogue('Exit codes: 0 all good, 1 failures found, 2 usage or configuration error, 105 interrupted (SIGINT or SIGTERM before the run ended).')
      .fail((msg, err) => {
        if (err) throw err;
        process.stderr.write(`${chalk.red(msg)}\nRun with --help for usage.\n`);
        process.exit(ExitCode.Usage);
      })
      .help()
      .wrap(Math.min(110, process.stdout.columns || 110))
      .parseAsync();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(chalk.red(`ocpp-sim: configuration errors:\n`) + err.issues.map((i) => `  ${formatIssue(i)}\n`).join(''));
      process.exitCode = ExitCode.Usage;
      return;
    }
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
