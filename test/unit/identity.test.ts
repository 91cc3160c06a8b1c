import { describe, expect, it } from 'vitest';
import { IDENTITY_MAX_LENGTH, identityProblem, isValidIdentity } from '../../src/util/identity.js';
import { printable } from '../../src/util/printable.js';

describe('identityProblem (OCPP 2.0.1 Part 4 §3.1.1: identifierString without ":", at most 48)', () => {
  it('Valid__letters_digits_and_the_identifierString_symbols_up_to_48', () => {
    for (const id of ['CP001', 'a', 'x'.repeat(IDENTITY_MAX_LENGTH), 'A*b-c_d=e+f|g@h.i', 'DE*ICE*E45B*78C', '..']) {
      expect(identityProblem(id), id).toBeNull();
      expect(isValidIdentity(id), id).toBe(true);
    }
  });

  it('Invalid__empty_too_long_or_a_character_outside_the_set', () => {
    const cases: [string, string][] = [
      ['', 'is empty'],
      ['x'.repeat(49), 'is 49 characters long; at most 48 are allowed'],
      ['x'.repeat(10 * 1024), 'is 10240 characters long'],
      ['CP:1', "has the character ':' U+003A"],
      ['CP 1', 'has the character U+0020'],
      ['../x', "has the character '/' U+002F"],
      ['CP\n1', 'has the character U+000A'],
      ['CP\u001b[31m', 'has the character U+001B'],
      ['CPé', 'has the character U+00E9'],
      ['CP😀', 'has the character U+1F600'],
    ];
    for (const [id, message] of cases) {
      expect(identityProblem(id), JSON.stringify(id)).toContain(message);
      expect(isValidIdentity(id), JSON.stringify(id)).toBe(false);
    }
    expect(identityProblem('CP%1')).toContain('only a-z A-Z 0-9 * - _ = + | @ . are allowed (OCPP 2.0.1 Part 4 §3.1.1)');
  });
});

describe('printable', () => {
  it('Unsafe_characters__escaped', () => {
    expect(printable('a\nb\r\tc')).toBe('a\\nb\\r\\tc');
    expect(printable('\u001b[31mred')).toBe('\\x1b[31mred');
    expect(printable('\u0000\u007f\u0085')).toBe('\\x00\\x7f\\x85');
    expect(printable('abc\u202edef\u2028')).toBe('abc\\u202edef\\u2028');
  });

  it('Safe_text__the_same_string', () => {
    const s = 'csms: boot Accepted CP001 (ocpp-sim Virtual-1 é 😀)';
    expect(printable(s)).toBe(s);
  });
});
