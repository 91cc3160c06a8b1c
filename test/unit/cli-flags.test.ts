/**
 * The command line's own logic, without spawning: flag values checked as they are read
 * (cli/flag-values.ts), yargs' usage errors with a "did you mean" (cli/usage-message.ts), and the
 * colour conventions (cli/colour.ts). The CLI tests run the same through the binary.
 */
import { describe, expect, it } from 'vitest';
import { colourLevel } from '../../src/cli/colour.js';
import { UsageError } from '../../src/cli/exit-codes.js';
import { csmsUrl, once, positiveNumber, wholeNumber } from '../../src/cli/flag-values.js';
import { usageMessage } from '../../src/cli/usage-message.js';

describe('flag values', () => {
  const count = wholeNumber('--count', 1, 1_000_000);

  it.each([
    ['10', 10],
    [' 7 ', 7],
    [20, 20], // a default
    ['1000000', 1_000_000],
  ])('--count %j → %d', (v, n) => expect(count(v)).toBe(n));

  it.each(['abc', '', '0', '-5', '1e9', '2.5', '0x10', '1000001'])('--count %j: the input echoed and the range', (v) => {
    expect(() => count(v)).toThrow(UsageError);
    expect(() => count(v)).toThrow(`--count must be a whole number from 1 to 1000000, not '${v.trim()}'`);
  });

  it('a port is called one', () => {
    expect(() => wholeNumber('--metrics-port', 0, 65_535, 'a port number')('-1')).toThrow("--metrics-port must be a port number from 0 to 65535, not '-1'");
  });

  it('a scalar flag given twice is refused, naming it and both values', () => {
    expect(() => once('--duration')(['3s', '90'])).toThrow("--duration was given 2 times ('3s', '90'): give it once");
    expect(() => count(['1', '2'])).toThrow("--count was given 2 times ('1', '2'): give it once");
    expect(once('--duration')('3s')).toBe('3s');
  });

  it('--power is a positive number of kW up to a limit', () => {
    const power = positiveNumber('--power', 10_000, 'kW');
    expect(power('22')).toBe(22);
    expect(power('7.4')).toBe(7.4);
    for (const v of ['0', '-1', 'x', '1e308', '10001']) expect(() => power(v)).toThrow(`--power must be a number of kW above 0 and at most 10000, not '${v}'`);
  });

  it.each([
    ['localhost:9000', "--csms 'localhost:9000' needs a scheme: ws://localhost:9000/… (or wss:// for TLS)"],
    ['csms.example.com/ocpp', "--csms 'csms.example.com/ocpp' needs a scheme: ws://csms.example.com/ocpp (or wss:// for TLS)"],
    ['http://x', "--csms 'http://x' must be ws:// or wss://, not http://"],
    ['not a url', "--csms 'not a url' is not a URL: expected e.g. ws://localhost:9000/ocpp"],
    ['ws://', "--csms 'ws://' is not a URL: expected e.g. ws://localhost:9000/ocpp"],
  ])('--csms %j', (text, message) => {
    expect(() => csmsUrl(text)).toThrow(message);
  });

  it('a ws:// or wss:// URL is accepted', () => {
    expect(csmsUrl('ws://127.0.0.1:9000/ocpp').port).toBe('9000');
    expect(csmsUrl('wss://csms.example.com/ocpp').protocol).toBe('wss:');
  });
});

describe('usage messages', () => {
  const ctx = (tokens: string[]) => ({ tokens, flags: ['help', 'version', 'count', 'csms', 'duration', 'id-start', 'id-prefix', 'color'], commands: ['run', 'csms', 'demo', 'validate', 'list'] });

  it.each([
    [['run', '--cont', '3'], 'Unknown argument: cont', 'Unknown argument: --cont (did you mean --count?)'],
    [['run', '--id-star', '3'], 'Unknown arguments: id-star, idStar', 'Unknown argument: --id-star (did you mean --id-start?)'],
    [['run', '--idStar=3'], 'Unknown argument: idStar', 'Unknown argument: --id-star (did you mean --id-start?)'],
    [['run', '--duraton', '3s', '--xyzzy'], 'Unknown arguments: duraton, xyzzy', 'Unknown arguments: --duraton (did you mean --duration?), --xyzzy'],
    [['rnu'], 'Unknown argument: rnu', 'Unknown argument: rnu (did you mean run?)'],
    [['frobnicate'], 'Unknown argument: frobnicate', 'Unknown argument: frobnicate (commands: run, csms, demo, validate, list)'],
    [['run', 'plan.yaml', 'extra'], 'Unknown argument: extra', 'Unknown argument: extra'],
    [['run', '--duration'], 'Not enough arguments following: duration', '--duration needs a value'],
    [['list', 'plans'], 'Invalid values:\n  Argument: what, Given: "plans"', 'Invalid values: Argument: what, Given: "plans"'],
  ])('%j: %j', (tokens, msg, want) => {
    expect(usageMessage(msg, ctx(tokens))).toBe(want);
  });
});

describe('colour', () => {
  const TTY = 1; // chalk's detection on a terminal
  it.each([
    ['a terminal', [], {}, TTY, 1],
    ['a pipe', [], {}, 0, 0],
    ['NO_COLOR=1 on a terminal', [], { NO_COLOR: '1' }, TTY, 0],
    ['NO_COLOR empty is not set (no-color.org)', [], { NO_COLOR: '' }, TTY, 1],
    ['--no-color', ['list', '--no-color'], {}, TTY, 0],
    ['--color=never', ['--color=never'], {}, TTY, 0],
    ['--color false', ['--color', 'false'], {}, TTY, 0],
    ['--color in a pipe', ['--color'], {}, 0, 1],
    ['--color over NO_COLOR', ['--color'], { NO_COLOR: '1' }, 0, 1],
    ['FORCE_COLOR=0 on a terminal', [], { FORCE_COLOR: '0' }, TTY, 0],
    ['FORCE_COLOR=3 in a pipe', [], { FORCE_COLOR: '3' }, 0, 3],
    ['FORCE_COLOR over NO_COLOR (as Node.js reads them)', [], { FORCE_COLOR: '1', NO_COLOR: '1' }, 0, 1],
    ['--no-color over FORCE_COLOR', ['--no-color'], { FORCE_COLOR: '1' }, TTY, 0],
    ['flags after -- are not ours', ['run', '--', '--no-color'], {}, TTY, 1],
  ] as const)('%s', (_name, tokens, env, detected, want) => {
    expect(colourLevel(tokens, env, detected)).toBe(want);
  });
});
