/** OCPP-J framing: decodeFrame's malformed cases (code + replyId) and encode round-trips. */
import { describe, expect, it } from 'vitest';
import {
  CALL,
  CALLERROR,
  CALLRESULT,
  decodeFrame,
  encodeCall,
  encodeCallError,
  encodeCallResult,
  FrameError,
  MAX_MESSAGE_ID_LENGTH,
} from '../../src/protocol/frame.js';

const ID36 = 'x'.repeat(36);
const ID37 = 'x'.repeat(37);

describe('decodeFrame: malformed frames', () => {
  // [case name, raw text, expected code, expected replyId]
  const cases: [string, string, string, string | null][] = [
    // Not an RPC message at all: answer with '-1' (2.0.1 Part 4 §4.2.3).
    ['not JSON', '[2,"a","Heartbeat",{}', 'RpcFrameworkError', '-1'],
    ['empty text', '', 'RpcFrameworkError', '-1'],
    ['JSON object, not array', '{"type":2}', 'RpcFrameworkError', '-1'],
    ['JSON string', '"[2,\\"a\\"]"', 'RpcFrameworkError', '-1'],
    ['JSON null', 'null', 'RpcFrameworkError', '-1'],
    ['empty array', '[]', 'RpcFrameworkError', '-1'],
    ['type is a string', '["2","a","Heartbeat",{}]', 'RpcFrameworkError', '-1'],
    ['type is null', '[null,"a","Heartbeat",{}]', 'RpcFrameworkError', '-1'],
    // Unknown message type: MessageTypeNotSupported, answered to its id when readable.
    ['unknown type 5', '[5,"abc",{}]', 'MessageTypeNotSupported', 'abc'],
    ['unknown type 0', '[0,"abc"]', 'MessageTypeNotSupported', 'abc'],
    ['unknown type 2.5', '[2.5,"abc","Heartbeat",{}]', 'MessageTypeNotSupported', 'abc'],
    ['unknown type, unreadable id', '[7,42]', 'MessageTypeNotSupported', '-1'],
    ['unknown type, id too long', `[7,"${ID37}"]`, 'MessageTypeNotSupported', '-1'],
    // CALL with a bad id: cannot be answered to its id.
    ['CALL id is a number', '[2,17,"Heartbeat",{}]', 'RpcFrameworkError', '-1'],
    ['CALL id is empty', '[2,"","Heartbeat",{}]', 'RpcFrameworkError', '-1'],
    ['CALL id is 37 chars', `[2,"${ID37}","Heartbeat",{}]`, 'RpcFrameworkError', '-1'],
    ['CALL id missing', '[2]', 'RpcFrameworkError', '-1'],
    // CALL with a readable id but the wrong shape: answered to that id.
    ['CALL with 3 elements', '[2,"id1","Heartbeat"]', 'FormatViolation', 'id1'],
    ['CALL with 5 elements', '[2,"id1","Heartbeat",{},{}]', 'FormatViolation', 'id1'],
    ['CALL action is a number', '[2,"id1",7,{}]', 'FormatViolation', 'id1'],
    ['CALL action is null', '[2,"id1",null,{}]', 'FormatViolation', 'id1'],
    ['CALL payload is an array', '[2,"id1","Heartbeat",[]]', 'FormatViolation', 'id1'],
    ['CALL payload is null', '[2,"id1","Heartbeat",null]', 'FormatViolation', 'id1'],
    ['CALL payload is a string', '[2,"id1","Heartbeat","{}"]', 'FormatViolation', 'id1'],
    // Responses are never answered: replyId null.
    ['CALLRESULT id is a number', '[3,1,{}]', 'RpcFrameworkError', null],
    ['CALLRESULT id is empty', '[3,"",{}]', 'RpcFrameworkError', null],
    ['CALLRESULT id too long', `[3,"${ID37}",{}]`, 'RpcFrameworkError', null],
    ['CALLRESULT with 2 elements', '[3,"r1"]', 'FormatViolation', null],
    ['CALLRESULT with 4 elements', '[3,"r1",{},{}]', 'FormatViolation', null],
    ['CALLRESULT payload array', '[3,"r1",[]]', 'FormatViolation', null],
    ['CALLRESULT payload null', '[3,"r1",null]', 'FormatViolation', null],
    ['CALLERROR id is a number', '[4,9,"GenericError","",{}]', 'RpcFrameworkError', null],
    ['CALLERROR with 4 elements', '[4,"e1","GenericError",""]', 'FormatViolation', null],
    ['CALLERROR code not a string', '[4,"e1",5,"",{}]', 'FormatViolation', null],
    ['CALLERROR description not a string', '[4,"e1","GenericError",null,{}]', 'FormatViolation', null],
    ['CALLERROR details an array', '[4,"e1","GenericError","",[]]', 'FormatViolation', null],
    ['CALLERROR details missing', '[4,"e1","GenericError","",null]', 'FormatViolation', null],
  ];

  it.each(cases)('%s', (_name, text, code, replyId) => {
    const result = decodeFrame(text);
    expect(result).toBeInstanceOf(FrameError);
    const err = result as FrameError;
    expect(err.code).toBe(code);
    expect(err.replyId).toBe(replyId);
    expect(err.message.length).toBeGreaterThan(0);
  });

  it('never throws, even on pathological input', () => {
    for (const text of ['[', ']', '[[[[', '\u0000', '1e999', '[2,"a","b",{"x":1e999}]', 'undefined']) {
      expect(() => decodeFrame(text)).not.toThrow();
    }
  });
});

describe('decodeFrame: valid frames', () => {
  const cases: [string, string, unknown[]][] = [
    ['CALL', '[2,"m1","Heartbeat",{}]', [CALL, 'm1', 'Heartbeat', {}]],
    ['CALL with 36-char id', `[2,"${ID36}","Authorize",{"idTag":"T"}]`, [CALL, ID36, 'Authorize', { idTag: 'T' }]],
    ['CALL with 1-char id', '[2,"a","Heartbeat",{}]', [CALL, 'a', 'Heartbeat', {}]],
    ['CALL with whitespace', ' [ 2 , "m1" , "Heartbeat" , { } ] ', [CALL, 'm1', 'Heartbeat', {}]],
    ['CALLRESULT', '[3,"m1",{"currentTime":"x"}]', [CALLRESULT, 'm1', { currentTime: 'x' }]],
    ['CALLERROR', '[4,"m1","NotImplemented","no",{"a":1}]', [CALLERROR, 'm1', 'NotImplemented', 'no', { a: 1 }]],
  ];

  it.each(cases)('%s decodes to the parsed array', (_name, text, expected) => {
    const result = decodeFrame(text);
    expect(result).not.toBeInstanceOf(FrameError);
    expect(Array.isArray(result)).toBe(true);
    expect(result).toEqual(expected);
  });

  it('limits ids to 36 characters', () => {
    expect(MAX_MESSAGE_ID_LENGTH).toBe(36);
  });
});

describe('encode round-trips', () => {
  const payloads: Record<string, unknown>[] = [
    {},
    { idTag: 'TAG0001' },
    { nested: { list: [1, 2, 3], s: 'quote " and \\ backslash', u: 'ünïcødé ⚡' } },
  ];
  const ids = ['1', 'abc-123', ID36, 'with "quote"'];

  it.each(ids.flatMap((id) => payloads.map((p) => [id, p] as const)))('CALL id=%s', (id, payload) => {
    const text = encodeCall(id, 'Authorize', payload);
    expect(JSON.parse(text)).toEqual([2, id, 'Authorize', payload]);
    expect(decodeFrame(text)).toEqual([CALL, id, 'Authorize', payload]);
  });

  it.each(ids.flatMap((id) => payloads.map((p) => [id, p] as const)))('CALLRESULT id=%s', (id, payload) => {
    const text = encodeCallResult(id, payload);
    expect(decodeFrame(text)).toEqual([CALLRESULT, id, payload]);
  });

  it('CALLERROR round-trips with details', () => {
    const text = encodeCallError('e-1', 'NotSupported', 'nope', { key: 'X' }, '2.0.1');
    expect(decodeFrame(text)).toEqual([CALLERROR, 'e-1', 'NotSupported', 'nope', { key: 'X' }]);
  });

  const spellings: [string, string, string][] = [
    ['FormatViolation', '1.6', 'FormationViolation'],
    ['FormatViolation', '2.0.1', 'FormatViolation'],
    ['OccurrenceConstraintViolation', '1.6', 'OccurenceConstraintViolation'],
    // 2.0.1's table (Part 4 §4.3) keeps the one-r spelling; 2.1 corrects it.
    ['OccurrenceConstraintViolation', '2.0.1', 'OccurenceConstraintViolation'],
    ['OccurrenceConstraintViolation', '2.1', 'OccurrenceConstraintViolation'],
    ['RpcFrameworkError', '1.6', 'ProtocolError'],
    ['RpcFrameworkError', '2.0.1', 'RpcFrameworkError'],
    ['NotImplemented', '1.6', 'NotImplemented'],
  ];
  it.each(spellings)('CALLERROR %s for %s is spelt %s on the wire', (code, version, wire) => {
    const text = encodeCallError('id', code as never, 'd', {}, version);
    const frame = decodeFrame(text);
    expect(frame).toEqual([CALLERROR, 'id', wire, 'd', {}]);
  });

  it.each([
    [0, 0],
    [255, 255],
    [256, 255],
    [10_000, 255],
  ])('description of %i chars is sent with %i chars', (len, sent) => {
    const text = encodeCallError('id', 'GenericError', 'd'.repeat(len), {}, '1.6');
    const frame = decodeFrame(text) as unknown[];
    expect((frame[3] as string).length).toBe(sent);
  });

  it('escapes descriptions that contain JSON metacharacters', () => {
    const description = 'bad "value" \\ at\nline 2';
    const frame = decodeFrame(encodeCallError('id', 'GenericError', description, {}, '1.6')) as unknown[];
    expect(frame[3]).toBe(description);
  });
});
