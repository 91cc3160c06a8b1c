/**
 * The message ids of the CALLs a charge point sends, in its model's style (profile `messageIds`).
 * OCPP-J 1.6 §4.1.3 only asks for at most 36 characters, unique among the sender's CALLs; models
 * differ, and a CSMS that correlates ids across stations mis-links plain counters:
 *
 * - `counter`: 1, 2, 3, … per charge point (Alfen);
 * - `uuid`: an RFC 4122 version 4 UUID (Keba P40, EVBox Elvi);
 * - `random`: a random-looking decimal number of up to 10 digits (ABB Terra AC, Wallbox), a keyed
 *   permutation of the counter, so never repeated.
 *
 * Every style numbers a charge point's whole life (reconnects included) without a repeat. The shard
 * picks the generator once; a message costs one call (randomUUID draws from Node's entropy cache).
 */
import { randomUUID } from 'node:crypto';
import { scramble } from '../util/random.js';
import type { MessageIdStyle } from './profile.js';

/** The id of a charge point's `seq`-th CALL (from 1); `key` is the charge point's random key. */
export type MessageIdGenerator = (key: number, seq: number) => string;

const GENERATORS: Record<MessageIdStyle, MessageIdGenerator> = {
  counter: (_key, seq) => String(seq),
  uuid: () => randomUUID(),
  random: (key, seq) => String(scramble(key, seq)),
};

export function messageIdGenerator(style: MessageIdStyle = 'counter'): MessageIdGenerator {
  return GENERATORS[style];
}
