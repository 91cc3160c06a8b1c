import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/exit-codes.js';
import { portNumber, readWholeNumber as wholeNumber } from '../../src/cli/flag-values.js';

describe('readWholeNumber / portNumber', () => {
  it('Digits__within_the_range_are_read', () => {
    expect(portNumber('0', '--port')).toBe(0);
    expect(portNumber(' 9000 ', '--port')).toBe(9000);
    expect(portNumber('65535', '--port')).toBe(65535);
    expect(wholeNumber('60', '--heartbeat-interval', 1, 100)).toBe(60);
  });

  it('Anything_else__a_UsageError_naming_the_flag_and_the_text_as_typed', () => {
    for (const bad of ['abc', '-1', '65536', '1.5', '1e3', '0x10', '+80', '', '99999999999']) {
      expect(() => portNumber(bad, '--port'), bad).toThrow(UsageError);
      expect(() => portNumber(bad, '--port'), bad).toThrow(`--port must be a whole number from 0 to 65535, not '${bad}'`);
    }
    expect(() => wholeNumber('0', '--heartbeat-interval', 1, 10, 'a whole number of seconds')).toThrow(
      "--heartbeat-interval must be a whole number of seconds from 1 to 10, not '0'",
    );
    expect(() => portNumber(['1', '2'], '--port')).toThrow("--port was given 2 times ('1', '2'): give it once");
  });
});
