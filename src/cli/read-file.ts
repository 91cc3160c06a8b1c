/** Files named by flags (`--passwords`, `--ca`, …): read as UTF-8 up to a size limit, or a UsageError naming the flag. */
import { describeReadError, readBoundedText } from '../config/read-text.js';
import { UsageError } from './exit-codes.js';

export function readFlagFile(path: string, flag: string, limitBytes: number): string {
  try {
    return readBoundedText(path, limitBytes);
  } catch (e) {
    throw new UsageError(`${flag} ${path}: ${describeReadError(e)}`);
  }
}
