/**
 * `ocpp-sim validate FILE...`: checks configuration files (profiles, scenarios, run plans) and
 * reports every problem with file:line:column, the field, and the nearest valid name where one fits. Exit 0 when all are good,
 * 2 otherwise (the same code a run gives for a bad configuration).
 */
import chalk from 'chalk';
import type { Argv, CommandModule } from 'yargs';
import { formatIssues, type ConfigIssue } from '../config/errors.js';
import { MAX_CONFIG_BYTES } from '../config/bounds.js';
import { readBoundedText } from '../config/read-text.js';
import { checkProfileFile } from '../profile/load.js';
import { checkScenarioFile } from '../scenario/parse.js';
import { checkPlanFile, isPlanText } from '../plan/plan.js';
import { ExitCode } from './exit-codes.js';

interface ValidateArgs {
  files: string[];
}

/**
 * Checks each file as what it is (a run plan has `fleets:`, a scenario `steps:`, a profile neither);
 * returns the issues per file. One file's problems, however hostile the file, never keep the
 * others from being checked: an unexpected error becomes that file's issue.
 */
export function validateFiles(files: readonly string[]): Map<string, ConfigIssue[]> {
  const out = new Map<string, ConfigIssue[]>();
  for (const f of files) {
    try {
      const kind = kindOf(f);
      out.set(f, kind === 'plan' ? checkPlanFile(f) : kind === 'scenario' ? checkScenarioFile(f) : checkProfileFile(f));
    } catch (e) {
      out.set(f, [{ file: f, line: 1, col: 1, field: '', message: `could not be checked: ${(e as Error).message}` }]);
    }
  }
  return out;
}

function kindOf(file: string): 'plan' | 'scenario' | 'profile' {
  let text: string;
  try {
    text = readBoundedText(file, MAX_CONFIG_BYTES);
  } catch {
    return 'profile'; // unreadable or too large: the profile check reports it
  }
  if (isPlanText(text)) return 'plan';
  return /^steps\s*:/m.test(text) ? 'scenario' : 'profile';
}

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate <files..>',
  describe: 'Check profiles, scenarios and run plans: every error with file:line:column and a suggestion',
  builder: (y: Argv) =>
    y.positional('files', { type: 'string', array: true, demandOption: true, describe: 'YAML files to check' }) as unknown as Argv<ValidateArgs>,
  handler: (args) => {
    const results = validateFiles(args.files);
    let bad = 0;
    for (const [file, issues] of results) {
      if (issues.length === 0) {
        process.stdout.write(`${chalk.green('✓')} ${file}\n`);
        continue;
      }
      bad++;
      process.stdout.write(`${chalk.red('✗')} ${file}\n`);
      for (const line of formatIssues(issues)) process.stdout.write(`  ${line}\n`);
    }
    process.stdout.write(`\n${results.size - bad} of ${results.size} file(s) valid\n`);
    process.exitCode = bad === 0 ? ExitCode.Ok : ExitCode.Usage;
  },
};
