/** The pure rules of 2.0.1 display messages (O01–O06): judging a SetDisplayMessage, selecting, showing, splitting, expiring. */
import { describe, expect, it } from 'vitest';
import type { MessageInfoType } from '../../src/ocpp201/generated/types.gen.js';
import { judgeSetDisplayMessage, notifyDisplayMessagesParts, selectMessages, visibleMessages } from '../../src/ocpp201/display/rules.js';
import type { DisplayCapabilities } from '../../src/ocpp201/display/settings.js';
import { DisplayState, windowOf, type StoredMessage } from '../../src/ocpp201/display/state.js';
import { validator201 } from '../../src/ocpp201/schemas.js';

const CAPS: DisplayCapabilities = {
  usable: true,
  formats: ['ASCII', 'UTF8'],
  priorities: ['AlwaysFront', 'InFront', 'NormalCycle'],
  states: ['Charging', 'Idle'],
  maxMessages: 2,
};
const ROOM = { transactionOpen: false, stored: 0, replaces: false };
const info = (id: number, more: Partial<MessageInfoType> = {}): MessageInfoType => ({ id, priority: 'NormalCycle', message: { format: 'UTF8', content: `m${id}` }, ...more });
const stored = (i: MessageInfoType): StoredMessage => ({ info: i, ...windowOf(i) });

describe('judgeSetDisplayMessage', () => {
  it('answers each DisplayMessageStatusEnumType value in the order a display finds out', () => {
    expect(judgeSetDisplayMessage(info(1), CAPS, ROOM)).toEqual({ status: 'Accepted' });
    expect(judgeSetDisplayMessage(info(1), { ...CAPS, usable: false }, ROOM).status).toBe('Rejected');
    // Priority before format before state before transaction.
    const everythingWrong = info(1, { priority: 'AlwaysFront', state: 'Faulted', transactionId: 't', message: { format: 'HTML', content: 'x' } });
    expect(judgeSetDisplayMessage(everythingWrong, { ...CAPS, priorities: ['NormalCycle'] }, ROOM).status).toBe('NotSupportedPriority');
    expect(judgeSetDisplayMessage(everythingWrong, CAPS, ROOM).status).toBe('NotSupportedMessageFormat');
    expect(judgeSetDisplayMessage({ ...everythingWrong, message: { format: 'ASCII', content: 'x' } }, CAPS, ROOM).status).toBe('NotSupportedState');
    expect(judgeSetDisplayMessage(info(1, { transactionId: 't' }), CAPS, ROOM).status).toBe('UnknownTransaction');
    expect(judgeSetDisplayMessage(info(1, { transactionId: 't' }), CAPS, { ...ROOM, transactionOpen: true }).status).toBe('Accepted');
    // Without a SupportedStates variable every state is taken.
    expect(judgeSetDisplayMessage(info(1, { state: 'Faulted' }), { ...CAPS, states: null }, ROOM).status).toBe('Accepted');
  });

  it('refuses a new message beyond DisplayMessages maxLimit but takes a replacement; refuses a window that ends before it starts', () => {
    expect(judgeSetDisplayMessage(info(3), CAPS, { ...ROOM, stored: 2 })).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'MaxMessagesReached' } });
    expect(judgeSetDisplayMessage(info(2), CAPS, { ...ROOM, stored: 2, replaces: true }).status).toBe('Accepted');
    const backwards = info(1, { startDateTime: '2030-01-02T00:00:00Z', endDateTime: '2030-01-01T00:00:00Z' });
    expect(judgeSetDisplayMessage(backwards, CAPS, ROOM)).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'InvalidValue' } });
  });

  it('builds schema-valid answers', () => {
    for (const caps of [CAPS, { ...CAPS, usable: false }]) {
      for (const ctx of [ROOM, { ...ROOM, stored: 2 }]) expect(validator201().response('SetDisplayMessage', judgeSetDisplayMessage(info(9), caps, ctx))).toBeNull();
    }
  });
});

describe('selectMessages and visibleMessages', () => {
  const all = [info(1, { state: 'Idle' }), info(2, { priority: 'InFront' }), info(3, { priority: 'AlwaysFront', state: 'Charging' })].map(stored);

  it('O03/O04: every criterion given must match; none given: all', () => {
    expect(selectMessages(all, {}).map((m) => m.id)).toEqual([1, 2, 3]);
    expect(selectMessages(all, { id: [] }).map((m) => m.id)).toEqual([1, 2, 3]);
    expect(selectMessages(all, { id: [3, 1] }).map((m) => m.id)).toEqual([1, 3]);
    expect(selectMessages(all, { priority: 'InFront' }).map((m) => m.id)).toEqual([2]);
    expect(selectMessages(all, { state: 'Charging', priority: 'AlwaysFront' }).map((m) => m.id)).toEqual([3]);
    expect(selectMessages(all, { id: [1], state: 'Charging' })).toEqual([]);
  });

  it('O01: front first, only in their state and window, NormalCycle ones in the order set', () => {
    expect(visibleMessages(all, 'Idle', 0).map((m) => m.id)).toEqual([2, 1]);
    expect(visibleMessages(all, 'Charging', 0).map((m) => m.id)).toEqual([3, 2]);
    const at = Date.parse('2030-01-01T00:00:00Z');
    const timed = [stored(info(5, { startDateTime: '2030-01-01T00:00:00Z', endDateTime: '2030-01-01T01:00:00Z' })), stored(info(4))];
    expect(visibleMessages(timed, 'Idle', at - 1).map((m) => m.id)).toEqual([4]);
    expect(visibleMessages(timed, 'Idle', at).map((m) => m.id)).toEqual([5, 4]);
    expect(visibleMessages(timed, 'Idle', at + 3_600_000).map((m) => m.id)).toEqual([4]);
  });
});

describe('notifyDisplayMessagesParts', () => {
  const many = [1, 2, 3, 4, 5].map((id) => info(id));

  it('fills parts up to the item and byte limits, tbc on all but the last, each schema-valid', () => {
    expect(notifyDisplayMessagesParts(7, many, { maxItems: Infinity, maxBytes: Infinity })).toEqual([{ requestId: 7, messageInfo: many, tbc: false }]);
    const byItems = notifyDisplayMessagesParts(7, many, { maxItems: 2, maxBytes: Infinity });
    expect(byItems.map((p) => [p.messageInfo!.map((m) => m.id), p.tbc])).toEqual([[[1, 2], true], [[3, 4], true], [[5], false]]);
    const oneSize = Buffer.byteLength(JSON.stringify({ requestId: 7, messageInfo: [many[0]], tbc: false }));
    const byBytes = notifyDisplayMessagesParts(7, many, { maxItems: Infinity, maxBytes: oneSize + 5 });
    expect(byBytes).toHaveLength(5);
    for (const part of byBytes) {
      expect(Buffer.byteLength(JSON.stringify(part))).toBeLessThanOrEqual(oneSize + 5);
      expect(validator201().request('NotifyDisplayMessages', part)).toBeNull();
    }
    // An entry larger than the limit on its own still goes, alone.
    expect(notifyDisplayMessagesParts(7, many.slice(0, 2), { maxItems: Infinity, maxBytes: 10 }).map((p) => p.messageInfo!.length)).toEqual([1, 1]);
  });
});

describe('DisplayState', () => {
  it('drops expired messages and those of a transaction no longer open when tidied', () => {
    const d = new DisplayState();
    for (const i of [info(1, { endDateTime: '2030-01-01T00:00:00Z' }), info(2, { transactionId: 'gone' }), info(3, { transactionId: 'open' }), info(4)]) d.set(stored(i));
    d.purge(Date.parse('2030-01-01T00:00:00Z'), (id) => id === 'open');
    expect(d.messages.map((m) => m.info.id)).toEqual([3, 4]);
  });

  it('a replacement keeps its place; remove says whether there was one', () => {
    const d = new DisplayState();
    for (const i of [info(1), info(2), info(3)]) d.set(stored(i));
    d.set(stored(info(2, { endDateTime: '2031-01-01T00:00:00Z' })));
    expect(d.messages.map((m) => [m.info.id, m.info.endDateTime])).toEqual([[1, undefined], [2, '2031-01-01T00:00:00Z'], [3, undefined]]);
    expect(d.remove(2)).toBe(true);
    expect(d.remove(2)).toBe(false);
    expect(d.has(1) && d.has(3) && !d.has(2)).toBe(true);
  });

  it('keeps a bounded list of price notes: a tariff before the transaction is adopted by it; the oldest note goes first', () => {
    const d = new DisplayState();
    const early = d.priceBefore(2, 0);
    early.personal = { format: 'UTF8', content: 'tariff' };
    expect(d.priceBefore(2, 1)).toBe(early);
    expect(d.adopt('tx-b', 1)).toBeNull();
    expect(d.priceFor('tx-a', 2, 2)).toBe(early);
    expect(early.transactionId).toBe('tx-a');
    for (let i = 0; i < 20; i++) d.priceFor(`tx-${i}`, 1, 3);
    expect(d.prices).toHaveLength(8);
    expect(d.price('tx-a')).toBeNull();
    expect(d.price('tx-19')).not.toBeNull();
  });
});
