/**
 * `ocpp-sim demo` (what `npm start` runs): the embedded CSMS on a free loopback port and a small
 * fleet against it with short, lively sessions, live progress, and the summary — a newcomer's first
 * minute.
 */
import chalk from 'chalk';
import type { Argv, CommandModule } from 'yargs';
import { startCsms } from '../csms/server.js';
import { API_TOKEN_ENV, apiBase, bearerExample, givenApiToken } from './api-token.js';
import { runFromFlags, runOptions, type RunArgs } from './run.js';

export const demoCommand: CommandModule = {
  command: 'demo',
  describe: 'Start the embedded CSMS and a small fleet against it (what `npm start` runs)',
  builder: (y: Argv) =>
    runOptions(y)
      .default('count', 20)
      .default('duration', '20s')
      .default('ramp-up', '2s')
      .default('session', '4s-10s')
      .default('idle', '1s-4s')
      .default('meter-interval', '2s')
      .option('api-token', { type: 'string', describe: `Token of the embedded CSMS's operator API; default: $${API_TOKEN_ENV}, else generated and printed` }),
  handler: async (argv) => {
    const { token: apiToken, source: tokenSource } = givenApiToken(argv['api-token'] as string | undefined);
    const csms = await startCsms({ heartbeatInterval: 10, apiToken });
    const args = { ...(argv as unknown as RunArgs), csms: csms.url };
    const out = process.stdout;
    try {
      await runFromFlags(
        args,
        (config) => {
          if (args['json-logs']) return; // every line JSON
          out.write(
            chalk.bold('ocpp-sim demo') +
              `: embedded CSMS at ${csms.url}, ${config.count} OCPP 1.6J charge points for ${args.duration}.\n` +
              `Its operator API: curl -H "Authorization: ${bearerExample(csms, tokenSource)}" ${apiBase(csms)}/charge-points\n` +
              chalk.dim(`Point your own CSMS at it instead: npx ocpp-sim run --csms ws://your-csms/ocpp --count 200 --duration 5m\n\n`),
          );
        },
        // Before the verdict: the exit code is the last line.
        () => {
          const s = csms.stats;
          return args['json-logs'] ? [] : ['', chalk.dim(`The CSMS saw ${s.boots} boots, ${s.transactions.started} transactions started and ${s.transactions.stopped} stopped.`)];
        },
      );
    } finally {
      await csms.close();
    }
  },
};
