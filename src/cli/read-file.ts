/** Files named by flags (`--passwords`, `--ca`, …): read as UTF-8, or a UsageError naming the flag. */
import { readFileSync } from 'node:fs';
import { UsageError } from './exit-codes.js';

export function readFlagFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
