/**
 * `ocpp-sim demo` (what `npm start` runs): the embedded CSMS on a free loopback port and a small
 * fleet against it with short, lively sessions, live progress, and the summary — a newcomer's first
 * minute. At any --count the machine can hold (issue #13): the CSMS in this process while it fits,
 * else on cluster processes (demo-csms.ts); the fleet beside it while both fit, else in child
 * processes (spreadOverProcesses). Ctrl-C stops the fleet gracefully, then the CSMS.
 */
import chalk from 'chalk';
import type { Argv, CommandModule } from 'yargs';
import { startDemoCsms } from './demo-csms.js';
import { API_TOKEN_ENV, apiBase, bearerExample, givenApiToken } from './api-token.js';
import { hideBin } from 'yargs/helpers';
import { explicitFlags } from '../plan/precedence.js';
import { parseRunFlags, runFromFlags, runOptions, type RunArgs } from './run.js';

/** The default demo profiles: half the fleet speaks OCPP 1.6, half 2.0.1, to the one CSMS. */
const DEMO_PROFILES = ['generic-16-ac', 'generic-201-ac'] as const;

/**
 * Without --profile or --ocpp the demo shows both versions side by side: the first half of the
 * identities (CP01…) speak 1.6, the rest 2.0.1. With either flag it runs that one fleet.
 */
function mixedFleet(args: RunArgs): RunArgs | RunArgs[] {
  const given = explicitFlags(hideBin(process.argv));
  const count = Number(args.count);
  if (given.has('profile') || given.has('p') || given.has('ocpp') || count < 2) return args;
  const first = Math.ceil(count / 2);
  const start = Number(args['id-start']);
  return [
    { ...args, profile: DEMO_PROFILES[0], count: first },
    { ...args, profile: DEMO_PROFILES[1], count: count - first, 'id-start': start + first },
  ];
}

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
    // A bad flag is a usage error before the CSMS starts (on cluster processes, at a large --count).
    parseRunFlags(mixedFleet({ ...(argv as unknown as RunArgs), csms: 'ws://127.0.0.1:1/ocpp' }));
    const csms = await startDemoCsms(Number(argv.count), { heartbeatInterval: 10, apiToken });
    const args = { ...(argv as unknown as RunArgs), csms: csms.url };
    const out = process.stdout;
    try {
      await runFromFlags(
        mixedFleet(args),
        (configs) => {
          if (args['json-logs']) return; // every line JSON
          const fleets = configs.map((c) => `${c.count} OCPP ${c.profile.ocppVersions[0]} charge points (${c.profile.name})`).join(' and ');
          out.write(
            chalk.bold('ocpp-sim demo') +
              `: embedded CSMS at ${csms.url}${csms.inCluster ? ` (${csms.processes} processes sharing the port)` : ''}, ${fleets} for ${args.duration}.\n` +
              `Its operator API: curl -H "Authorization: ${bearerExample(csms, tokenSource)}" ${apiBase(csms)}/charge-points\n` +
              chalk.dim(`Point your own CSMS at it instead: npx ocpp-sim run --csms ws://your-csms/ocpp --count 200 --duration 5m\n\n`),
          );
        },
        // Before the verdict: the exit code is the last line.
        async () => {
          if (args['json-logs']) return [];
          // In cluster mode a process that is restarting cannot be counted: say so rather than fail the demo.
          const s = await csms.stats().catch((e: Error) => e);
          if (s instanceof Error) return ['', chalk.dim(`The CSMS's counters could not be read: ${s.message}`)];
          const started = s.transactions.started + s.ocpp201.transactions.started;
          const ended = s.transactions.stopped + s.ocpp201.transactions.ended;
          return ['', chalk.dim(`The CSMS saw ${s.boots} boots, ${started} transactions started and ${ended} ended.`)];
        },
        csms.heldHere,
      );
    } finally {
      await csms.close();
    }
  },
};
