/** Durations, ranges and rates as people write them on the command line, and back for summaries. */
import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_MS, parseDuration, parsePositiveDuration, parseRange, parseRate, parseSpeed } from '../../src/util/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1h0m5s250ms', 3_605_250],
    ['1.5s', 1_500],
    ['0.25h', 900_000],
    ['0s', 0],
    ['  30s  ', 30_000],
    // bare numbers are seconds
    ['30', 30_000],
    ['0', 0],
    ['2.5', 2_500],
  ])('%j → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    [30, 30_000],
    [0.5, 500],
    [0, 0],
  ])('number %d (seconds) → %i ms', (n, ms) => {
    expect(parseDuration(n)).toBe(ms);
  });

  it.each(['', '   ', 'abc', '30x', '30 s', 's', '-5s', '5m30', '1h 30m', '.5s', '1,5s', 'ms', '30sec', '1e3'])(
    '%j is rejected with an error naming the input',
    (text) => {
      expect(() => parseDuration(text)).toThrow(`invalid duration '${text}'`);
    },
  );

  it('names the option in the error', () => {
    expect(() => parseDuration('soon', '--heartbeat')).toThrow(/invalid --heartbeat 'soon': use e\.g\. 500ms/);
  });

  it('a negative duration is said to be one', () => {
    expect(() => parseDuration('-5s', '--duration')).toThrow("invalid --duration '-5s': a duration cannot be negative; use e.g. 500ms");
  });

  // Node fires a timer of more than 2^31-1 ms at once: --duration 100000h ended a run immediately.
  it.each(['24d1ms', '100000h', '596h', '9999999999999999999999s', 2_073_601])('%j is longer than the longest supported (24d)', (text) => {
    expect(() => parseDuration(text, '--duration')).toThrow(`--duration '${text}' is longer than 24d, the longest supported`);
  });

  it('24d itself is fine, and below the timer limit', () => {
    expect(parseDuration('24d')).toBe(MAX_DURATION_MS);
    expect(MAX_DURATION_MS).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it('a value that is not text (a flag given twice, a YAML map) is named, not a crash', () => {
    expect(() => parseDuration(['3s', '90'] as unknown as string, '--duration')).toThrow("invalid --duration '3s', '90'");
    expect(() => parseDuration({ for: '1s' } as unknown as string)).toThrow(`invalid duration '{"for":"1s"}'`);
  });

  it('parsePositiveDuration refuses 0', () => {
    expect(parsePositiveDuration('1ms', '--duration')).toBe(1);
    expect(() => parsePositiveDuration('0s', '--duration')).toThrow("--duration must be more than 0, not '0s'");
  });
});

describe('parseRange', () => {
  it.each([
    ['5s-60s', [5, 60]],
    ['30s', [30, 30]],
    ['30', [30, 30]],
    ['1m-5m', [60, 300]],
    ['30s-1h', [30, 3_600]],
    ['500ms-1s', [0.5, 1]],
    ['10-20', [10, 20]],
    ['60s-1m', [60, 60]],
  ] as const)('%j → %j seconds', (text, range) => {
    expect(parseRange(text, '--session')).toEqual(range);
  });

  it.each(['60s-5s', '5m-1m', '1-2-3', 'a-b', '5s-', '-5s', ''])('%j is rejected', (text) => {
    expect(() => parseRange(text, '--idle')).toThrow(/--idle/);
  });
});

describe('parseRate', () => {
  it.each([
    ['500/s', 500],
    ['60/m', 1],
    ['30/m', 0.5],
    ['3600/h', 1],
    ['10', 10],
    ['0.5', 0.5],
    ['0.5/s', 0.5],
    [' 500 / s ', 500],
    ['0/s', 0],
  ])('%j → %d per second', (text, rate) => {
    expect(parseRate(text)).toBeCloseTo(rate, 12);
  });

  it.each(['', 'fast', '500/d', '500/', '/s', '-1/s', '5 00/s', '500/s/s', '1e3', `1${'0'.repeat(400)}/s`])('%j is rejected', (text) => {
    expect(() => parseRate(text, '--rate')).toThrow(`invalid --rate '${text}'`);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [999, '999ms'],
    [1_000, '1.0s'],
    [12_345, '12.3s'],
    [59_000, '59.0s'],
    [60_000, '1m00s'],
    [185_000, '3m05s'],
    [3_599_000, '59m59s'],
    [3_600_000, '1h00m'],
    [3_720_000, '1h02m'],
    [90_061_000, '25h01m'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('parseDuration reads back the minute/hour forms', () => {
    for (const ms of [60_000, 185_000, 3_600_000, 3_720_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  // Regression: lookups must not find inherited Object.prototype members (or round into the wrong unit).
  it.each([
    [59_999, '1m00s'],
    [999.6, '1.0s'],
  ])('%d ms near a unit boundary → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('parseSpeed', () => {
  it.each([
    ['1', 1],
    ['60', 60],
    ['60x', 60],
    [' 2.5X ', 2.5],
    [10, 10],
  ])('%j → %d', (text, speed) => expect(parseSpeed(text)).toBe(speed));

  it.each(['0', '-2', 'fast', '', '60xx', '1e3', '10001', `1${'0'.repeat(400)}`])('%j is refused with the flag named', (text) => {
    expect(() => parseSpeed(text)).toThrow(/--speed must be a positive factor/);
  });
});
