/**
 * yargs' usage errors as one line that says what was probably meant: `Unknown argument: cont`
 * becomes `Unknown argument: --cont (did you mean --count?)`, an unknown command gets the nearest
 * command, and `Not enough arguments following: duration` becomes `--duration needs a value`.
 * yargs runs with the 'en' locale (main.ts), so its messages have these forms.
 */
import { nearest } from '../config/errors.js';

export interface UsageContext {
  /** The command line after the binary. */
  tokens: readonly string[];
  /** Long flag names of the command that failed (yargs' described options). */
  flags: readonly string[];
  /** Command names. */
  commands: readonly string[];
}

/** The message to print for yargs' `msg`. */
export function usageMessage(msg: string, ctx: UsageContext): string {
  msg = msg.trim().replace(/\s*\n\s*/g, ' '); // one line: "Invalid values:\n  Argument: …" too
  const unknown = /^Unknown arguments?: (.+)$/.exec(msg);
  if (unknown) {
    const names = [...new Set(unknown[1].split(', ').map(kebab))];
    return `Unknown argument${names.length === 1 ? '' : 's'}: ${names.map((n) => explain(n, ctx)).join(', ')}`;
  }
  const missing = /^Not enough arguments following: (.+)$/.exec(msg);
  if (missing) return `--${missing[1]} needs a value`;
  return msg;
}

/** `--cont (did you mean --count?)`, `rnu (did you mean run?)`, or the word as given. */
function explain(name: string, ctx: UsageContext): string {
  if (givenAsFlag(name, ctx.tokens)) {
    const dashes = name.length === 1 ? '-' : '--';
    const hint = nearest(name, ctx.flags.filter((f) => f.length > 1));
    return `${dashes}${name}${hint ? ` (did you mean --${hint}?)` : ''}`;
  }
  if (ctx.tokens[0] === name) {
    const hint = nearest(name, ctx.commands);
    return `${name}${hint ? ` (did you mean ${hint}?)` : ` (commands: ${ctx.commands.join(', ')})`}`;
  }
  return name;
}

/** Whether `name` appears as `--name`, `--name=…`, `--no-name`, the camelCase spelling, or `-n`. */
function givenAsFlag(name: string, tokens: readonly string[]): boolean {
  for (const t of tokens) {
    if (t === '--') return false;
    if (t.startsWith('--')) {
      const flag = kebab(t.slice(2).split('=')[0]);
      if (flag === name || flag === `no-${name}`) return true;
    } else if (/^-[A-Za-z]/.test(t) && name.length === 1 && t.slice(1).split('=')[0].includes(name)) {
      return true;
    }
  }
  return false;
}

/** yargs reports `--idStar` as idStar and `--id-star` as both spellings: one form. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
