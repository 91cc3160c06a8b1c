/** The message id generators of station/message-ids.ts: their formats, uniqueness and the 36-character limit (OCPP-J 1.6 §4.1.3). */
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_ID_LENGTH } from '../../src/protocol/frame.js';
import { messageIdGenerator } from '../../src/station/message-ids.js';
import { seedFor } from '../../src/util/random.js';

const KEY = seedFor(1, 1);
const ids = (style: 'counter' | 'uuid' | 'random', n: number, key = KEY) => {
  const next = messageIdGenerator(style);
  return Array.from({ length: n }, (_, i) => next(key, i + 1));
};

describe('message id generators', () => {
  it('counter (the default): the call number', () => {
    expect(ids('counter', 5)).toEqual(['1', '2', '3', '4', '5']);
    expect(messageIdGenerator()(KEY, 42)).toBe('42');
  });

  it('uuid: RFC 4122 version 4, 36 characters, never repeated', () => {
    const xs = ids('uuid', 20_000);
    for (const id of xs.slice(0, 100)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(xs).size).toBe(xs.length);
  });

  it('random: up to 10 decimal digits, never repeated for one charge point, different between charge points', () => {
    const xs = ids('random', 200_000);
    expect(xs.filter((id) => !/^\d{1,10}$/.test(id))).toEqual([]);
    expect(new Set(xs).size).toBe(xs.length);
    const other = ids('random', 1_000, seedFor(1, 2));
    expect(other.filter((id, i) => id === xs[i]).length).toBe(0);
    // Replayable: the same charge point numbers its calls the same way under one seed.
    expect(ids('random', 1_000)).toEqual(xs.slice(0, 1_000));
  });

  it.each(['counter', 'uuid', 'random'] as const)('%s ids fit OCPP-J (1 to 36 characters)', (style) => {
    const next = messageIdGenerator(style);
    for (const seq of [1, 2 ** 31, 2 ** 32 - 1, Number.MAX_SAFE_INTEGER]) {
      const id = next(KEY, seq);
      expect(id.length).toBeGreaterThan(0);
      expect(id.length).toBeLessThanOrEqual(MAX_MESSAGE_ID_LENGTH);
    }
  });
});
