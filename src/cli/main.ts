/**
 * The `ocpp-sim` command line: one file per command; this one wires them up and turns errors into
 * exit codes (2 for usage and configuration errors, 1 for anything unexpected).
 */
import chalk from 'chalk';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError, formatIssues } from '../config/errors.js';
import { setUpColour } from './colour.js';
import { usageMessage } from './usage-message.js';
import { csmsCommand } from './csms.js';
import { ctlCommand } from './ctl.js';
import { demoCommand } from './demo.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { listCommand } from './list.js';
import { mcpCommand } from './mcp.js';
import { mergeCommand } from './merge.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

const COMMANDS = [runCommand, csmsCommand, demoCommand, validateCommand, listCommand, mergeCommand, ctlCommand, mcpCommand];
const COMMAND_NAMES = COMMANDS.map((c) => String(c.command).split(' ')[0]);

export async function main(argv: string[]): Promise<void> {
  setUpColour(argv);
  endQuietlyOnClosedPipe();
  try {
    await yargs(argv)
      .scriptName('ocpp-sim')
      .locale('en') // usage-message.ts reads yargs' messages
      .usage('$0 <command> [options]\n\nLarge-scale virtual EV charge point simulator (OCPP 1.6J and 2.0.1).')
      .command(runCommand as never)
      .command(csmsCommand as never)
      .command(demoCommand)
      .command(validateCommand as never)
      .command(listCommand as never)
      .command(mergeCommand as never)
      .command(ctlCommand as never)
      .command(mcpCommand as never)
      // Read by colour.ts from the command line itself, before yargs; declared so strict mode takes it.
      .option('color', { type: 'boolean', describe: 'Colour the output (default: on a terminal, unless NO_COLOR is set); --no-color for none' })
      .demandCommand(1, `Name a command: ${COMMAND_NAMES.join(', ')} (ocpp-sim --help says more)`)
      .strict()
      .example('$0 demo', 'Embedded CSMS and 20 charge points, live')
      .example('$0 csms --port 9000', 'Start the embedded CSMS')
      .example('$0 run --csms ws://localhost:9000/ocpp --count 200 --duration 5m', 'Run 200 charge points against a CSMS')
      .example('$0 run --csms ws://localhost:9000/ocpp --profile abb-terra-54 --count 50', 'Run 50 ABB Terra 54 DC chargers')
      .epilogue('Exit codes: 0 all good, 1 failures found, 2 usage or configuration error, 105 interrupted (SIGINT or SIGTERM before the run ended).')
      .fail((msg, err, usage) => {
        // yargs' own errors (a flag's value refused by its coerce, a missing value) are usage errors;
        // anything else (a ConfigError, a crash in a handler) goes to the catch below.
        if (err && err.name !== 'YError') throw err;
        msg ??= err.message;
        // The third argument is yargs' usage instance (not the Argv the typings say): the failing command's flags.
        const flags = Object.keys((usage as unknown as { getDescriptions(): Record<string, unknown> }).getDescriptions());
        const line = usageMessage(msg, { tokens: argv, flags, commands: COMMAND_NAMES });
        process.stderr.write(`${chalk.red(`ocpp-sim: ${line}`)}\n`);
        process.exit(ExitCode.Usage);
      })
      .help()
      .wrap(Math.min(110, process.stdout.columns || 110))
      .parseAsync();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(chalk.red(`ocpp-sim: configuration errors:\n`) + formatIssues(err.issues).map((line) => `  ${line}\n`).join(''));
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

/**
 * A reader that stops early (`ocpp-sim list profiles | head -3`) closes the pipe: the output ends
 * there, as with any Unix tool, instead of in an EPIPE stack trace.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(process.exitCode ?? ExitCode.Ok);
    });
  }
}

void main(hideBin(process.argv));
