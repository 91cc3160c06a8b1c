/**
 * Whether every command's output is coloured (chalk's level), by the usual conventions, the first
 * that applies deciding:
 *
 *   1. `--no-color` / `--color=false` (off) or `--color` / `--color=always` (on), on the command line;
 *   2. FORCE_COLOR: `0` or `false` off; `1`, `2`, `3` that level; `true`, empty or anything else 1
 *      (as Node.js reads it; it outranks NO_COLOR there too);
 *   3. NO_COLOR with any non-empty value: off (https://no-color.org), on a terminal too;
 *   4. otherwise chalk's detection: colour on a terminal, none in a pipe or file.
 *
 * chalk knows 1, 2 and 4 but not NO_COLOR, so on a terminal NO_COLOR=1 still coloured the output.
 */
import chalk, { type ColorSupportLevel } from 'chalk';

/** The colour level for these command-line tokens and environment; `detected` is chalk's own. */
export function colourLevel(tokens: readonly string[], env: NodeJS.ProcessEnv, detected: ColorSupportLevel): ColorSupportLevel {
  const flag = colourFlag(tokens);
  if (flag !== undefined) return flag ? (Math.max(detected, 1) as ColorSupportLevel) : 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    return (['1', '2', '3'].includes(force) ? Number(force) : 1) as ColorSupportLevel;
  }
  if (env.NO_COLOR) return 0;
  return detected;
}

/** true / false when the command line asks for colour or none (the last such flag wins); undefined when silent. */
function colourFlag(tokens: readonly string[]): boolean | undefined {
  let wanted: boolean | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === '--') break;
    if (t === '--no-color' || t === '--no-colors' || t === '--color=false' || t === '--color=never') wanted = false;
    else if (t === '--color=true' || t === '--color=always') wanted = true;
    else if (t === '--color' || t === '--colors') {
      // yargs reads `--color false` as the boolean false.
      const next = tokens[i + 1];
      wanted = next !== 'false';
      if (next === 'false' || next === 'true') i++;
    }
  }
  return wanted;
}

/** Sets chalk's level for this process from its command line and environment. */
export function setUpColour(tokens: readonly string[]): void {
  chalk.level = colourLevel(tokens, process.env, chalk.level);
}
