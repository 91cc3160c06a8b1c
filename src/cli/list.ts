/**
 * `ocpp-sim list profiles|scenarios`: the built-in library, one line each.
 */
import chalk from 'chalk';
import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../config/errors.js';
import { builtinProfiles, loadProfile } from '../profile/load.js';
import { builtinScenarios, readScenario } from '../scenario/parse.js';
import type { StationProfile } from '../station/profile.js';

interface ListArgs {
  what: 'profiles' | 'scenarios';
}

/** One line describing a profile's hardware: `2× Type2 22 kW AC` or `CCS2 50 kW DC + CHAdeMO 50 kW DC`. */
export function hardwareSummary(p: StationProfile): string {
  const groups = new Map<string, number>();
  for (const c of p.connectors) {
    const key = `${c.type} ${+(c.maxPowerW / 1000).toFixed(1)} kW ${c.current}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([k, n]) => (n > 1 ? `${n}× ${k}` : k)).join(' + ');
}

export const listCommand: CommandModule<object, ListArgs> = {
  command: 'list <what>',
  describe: 'Show the built-in library: profiles or scenarios',
  builder: (y: Argv) => y.positional('what', { choices: ['profiles', 'scenarios'] as const, demandOption: true }) as unknown as Argv<ListArgs>,
  handler: (args) => {
    if (args.what === 'scenarios') return listScenarios();
    const rows: string[][] = [];
    for (const { name, file } of builtinProfiles()) {
      try {
        const p = loadProfile(file);
        rows.push([name, `OCPP ${p.ocppVersions.join('/')}`, hardwareSummary(p), p.description]);
      } catch (e) {
        // Family bases (abstract) are not runnable models; broken files are for `validate` to explain.
        if (!(e instanceof ConfigError) || !e.message.includes('abstract')) rows.push([name, chalk.red('invalid'), '', 'run `ocpp-sim validate` on it']);
      }
    }
    const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) process.stdout.write(`${chalk.bold(r[0].padEnd(w[0]))}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${chalk.dim(r[3])}\n`);
  },
};

/** Built-in scenarios, one line each: name, the OCPP versions it is written for (any: every version), description. */
function listScenarios(): void {
  const rows = builtinScenarios().map(({ name, file }) => {
    try {
      const p = readScenario(file);
      return [name, p.ocpp ? `OCPP ${p.ocpp.join('/')}` : 'any OCPP', p.description];
    } catch {
      return [name, '', chalk.red('invalid: run `ocpp-sim validate` on it')];
    }
  });
  const w = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [name, versions, text] of rows) process.stdout.write(`${chalk.bold(name.padEnd(w[0]))}  ${versions.padEnd(w[1])}  ${chalk.dim(text)}\n`);
}
