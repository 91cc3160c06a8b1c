/** Device model values: every dataType and format of OCPP 2.0.1 Part 2 §2.1.4, limits and value lists. */
import { describe, expect, it } from 'vitest';
import { checkValue } from '../../src/ocpp201/device-model/index.js';
import type { StringFormat } from '../../src/ocpp201/device-model/types.js';
import type { VariableCharacteristicsType } from '../../src/ocpp201/generated/types.gen.js';

type C = Pick<VariableCharacteristicsType, 'dataType' | 'minLimit' | 'maxLimit' | 'valuesList'>;

describe('checkValue', () => {
  // [characteristics, format, value, expected reason or null]
  const cases: [C, StringFormat | undefined, string, string | null][] = [
    // boolean: only "true" and "false"
    [{ dataType: 'boolean' }, undefined, 'true', null],
    [{ dataType: 'boolean' }, undefined, 'false', null],
    [{ dataType: 'boolean' }, undefined, 'TRUE', 'InvalidValue'],
    [{ dataType: 'boolean' }, undefined, '1', 'InvalidValue'],
    [{ dataType: 'boolean' }, undefined, '', 'InvalidValue'],
    // integer: 32 bit, no leading zeros, no plus sign
    [{ dataType: 'integer' }, undefined, '0', null],
    [{ dataType: 'integer' }, undefined, '-1234', null],
    [{ dataType: 'integer' }, undefined, '2147483647', null],
    [{ dataType: 'integer' }, undefined, '2147483648', 'ValueOutOfRange'],
    [{ dataType: 'integer' }, undefined, '-2147483649', 'ValueOutOfRange'],
    [{ dataType: 'integer' }, undefined, '01234', 'InvalidValue'],
    [{ dataType: 'integer' }, undefined, '+1234', 'InvalidValue'],
    [{ dataType: 'integer' }, undefined, '1.5', 'InvalidValue'],
    [{ dataType: 'integer' }, undefined, '1e3', 'InvalidValue'],
    [{ dataType: 'integer' }, undefined, ' 60', 'InvalidValue'],
    [{ dataType: 'integer', minLimit: 1 }, undefined, '0', 'ValueOutOfRange'],
    [{ dataType: 'integer', maxLimit: 9 }, undefined, '10', 'ValueOutOfRange'],
    [{ dataType: 'integer', minLimit: 0, maxLimit: 9 }, undefined, '9', null],
    // decimal: at most six decimal places
    [{ dataType: 'decimal' }, undefined, '0.5', null],
    [{ dataType: 'decimal' }, undefined, '-12', null],
    [{ dataType: 'decimal' }, undefined, '1.123456', null],
    [{ dataType: 'decimal' }, undefined, '1.1234567', 'InvalidValue'],
    [{ dataType: 'decimal' }, undefined, '1,5', 'InvalidValue'],
    [{ dataType: 'decimal' }, undefined, 'NaN', 'InvalidValue'],
    [{ dataType: 'decimal', maxLimit: 100 }, undefined, '100.1', 'ValueOutOfRange'],
    // dateTime: RFC 3339, at most 3 fractional digits
    [{ dataType: 'dateTime' }, undefined, '2019-04-12T23:20:50.52Z', null],
    [{ dataType: 'dateTime' }, undefined, '2019-12-19T16:39:57+01:00', null],
    [{ dataType: 'dateTime' }, undefined, '2019-12-19T16:39:57.1234Z', 'InvalidValue'],
    [{ dataType: 'dateTime' }, undefined, '2019-12-19 16:39:57Z', 'InvalidValue'],
    [{ dataType: 'dateTime' }, undefined, '2019-13-45T16:39:57Z', 'InvalidValue'],
    // string: maxLimit / minLimit are lengths
    [{ dataType: 'string', maxLimit: 3 }, undefined, 'EUR', null],
    [{ dataType: 'string', maxLimit: 3 }, undefined, 'EURO', 'ValueOutOfRange'],
    [{ dataType: 'string', minLimit: 2 }, undefined, 'a', 'ValueOutOfRange'],
    [{ dataType: 'string' }, undefined, 'anything ünïcode', null],
    // formats
    [{ dataType: 'string', maxLimit: 40 }, 'passwordString', 'Abcdefgh12345678', null],
    [{ dataType: 'string', maxLimit: 40 }, 'passwordString', 'short', 'InvalidValue'],
    [{ dataType: 'string', maxLimit: 40 }, 'passwordString', 'Abcdefgh 12345678', 'InvalidValue'],
    [{ dataType: 'string', maxLimit: 48 }, 'identity', 'CP001', null],
    [{ dataType: 'string', maxLimit: 48 }, 'identity', 'CP:001', 'InvalidValue'],
    [{ dataType: 'string' }, 'timeOffset', '+01:00', null],
    [{ dataType: 'string' }, 'timeOffset', '-05:30', null],
    [{ dataType: 'string' }, 'timeOffset', '01:00', 'InvalidValue'],
    [{ dataType: 'string' }, 'timeOffset', '+25:00', 'InvalidValue'],
    // OptionList: one value of the list
    [{ dataType: 'OptionList', valuesList: 'DHCP,manual' }, undefined, 'manual', null],
    [{ dataType: 'OptionList', valuesList: 'DHCP,manual' }, undefined, 'Manual', 'InvalidValue'],
    [{ dataType: 'OptionList', valuesList: 'DHCP,manual' }, undefined, 'DHCP,manual', 'InvalidValue'],
    // MemberList: an unordered subset, empty allowed, no repeats
    [{ dataType: 'MemberList', valuesList: 'A,W' }, undefined, 'W,A', null],
    [{ dataType: 'MemberList', valuesList: 'A,W' }, undefined, 'A', null],
    [{ dataType: 'MemberList', valuesList: 'A,W' }, undefined, '', null],
    [{ dataType: 'MemberList', valuesList: 'A,W' }, undefined, 'A, W', null],
    [{ dataType: 'MemberList', valuesList: 'A,W' }, undefined, 'A,A', 'InvalidValue'],
    [{ dataType: 'MemberList', valuesList: 'A,W' }, undefined, 'A,VA', 'InvalidValue'],
    [{ dataType: 'MemberList', valuesList: 'A,W', maxLimit: 2 }, undefined, 'A,W', 'ValueOutOfRange'],
    // SequenceList: an ordered subset, at least one item
    [{ dataType: 'SequenceList', valuesList: 'Heartbeat,NTP' }, undefined, 'NTP,Heartbeat', null],
    [{ dataType: 'SequenceList', valuesList: 'Heartbeat,NTP' }, undefined, '', 'InvalidValue'],
    [{ dataType: 'SequenceList', valuesList: 'Heartbeat,NTP' }, undefined, 'GPS', 'InvalidValue'],
  ];

  it.each(cases)('%j %s %j → %s', (c, format, value, expected) => {
    expect(checkValue(c, format, value)?.reason ?? null).toBe(expected);
  });

  it('says what is wrong', () => {
    expect(checkValue({ dataType: 'integer', minLimit: 1 }, undefined, '0')?.message).toBe('0 is below the minimum 1');
    expect(checkValue({ dataType: 'OptionList', valuesList: 'DHCP,manual' }, undefined, 'x')?.message).toBe("'x' is not one of DHCP,manual");
  });
});
