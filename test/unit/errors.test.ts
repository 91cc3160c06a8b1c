/** The OCPP-J error code table: wire spellings per version, parsing both spellings, OcppError. */
import { describe, expect, it } from 'vitest';
import {
  AJV_KEYWORD_CODES,
  ERROR_DESCRIPTIONS,
  type ErrorCode,
  OcppError,
  isVersionErrorCode,
  parseErrorCode,
  wireErrorCode,
} from '../../src/protocol/errors.js';

const ALL_CODES = Object.keys(ERROR_DESCRIPTIONS) as ErrorCode[];

describe('wireErrorCode', () => {
  const renamed16: Partial<Record<ErrorCode, string>> = {
    FormatViolation: 'FormationViolation',
    OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
    MessageTypeNotSupported: 'ProtocolError',
    RpcFrameworkError: 'ProtocolError',
  };

  it.each(ALL_CODES)('%s: 1.6 spelling', (code) => {
    expect(wireErrorCode(code, '1.6')).toBe(renamed16[code] ?? code);
  });

  // OCPP 2.0.1 Part 4 §4.3 fixed "FormationViolation" but still spells "OccurenceConstraintViolation";
  // only 2.1 corrects it (mobilityhouse/ocpp PR #490).
  it.each(ALL_CODES)('%s: 2.0.1 spelling (one r in Occurence)', (code) => {
    expect(wireErrorCode(code, '2.0.1')).toBe(code === 'OccurrenceConstraintViolation' ? 'OccurenceConstraintViolation' : code);
  });

  it.each(ALL_CODES)('%s: 2.1 uses our spelling unchanged', (code) => {
    expect(wireErrorCode(code, '2.1')).toBe(code);
  });

  it('only the exact version strings get their spellings', () => {
    expect(wireErrorCode('FormatViolation', 'ocpp1.6')).toBe('FormatViolation');
    expect(wireErrorCode('OccurrenceConstraintViolation', 'ocpp2.0.1')).toBe('OccurrenceConstraintViolation');
    expect(wireErrorCode('FormatViolation', '2.1')).toBe('FormatViolation');
  });

  it('every 1.6 wire spelling is itself a code a 1.6 peer knows', () => {
    const known16 = new Set([
      'NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError', 'FormationViolation',
      'PropertyConstraintViolation', 'OccurenceConstraintViolation', 'TypeConstraintViolation', 'GenericError',
    ]);
    for (const code of ALL_CODES) expect(known16.has(wireErrorCode(code, '1.6')), code).toBe(true);
  });
});

describe('isVersionErrorCode', () => {
  it('1.6: its ten codes, spelt as its errata keep them', () => {
    expect(isVersionErrorCode('FormationViolation', '1.6')).toBe(true);
    expect(isVersionErrorCode('OccurenceConstraintViolation', '1.6')).toBe(true);
    for (const code of ['FormatViolation', 'OccurrenceConstraintViolation', 'RpcFrameworkError', 'MessageTypeNotSupported']) {
      expect(isVersionErrorCode(code, '1.6'), code).toBe(false);
    }
  });

  it('2.0.1: its twelve codes, with one r in OccurenceConstraintViolation', () => {
    const table201 = ALL_CODES.map((c) => (c === 'OccurrenceConstraintViolation' ? 'OccurenceConstraintViolation' : c));
    for (const code of table201) expect(isVersionErrorCode(code, '2.0.1'), code).toBe(true);
    expect(isVersionErrorCode('OccurrenceConstraintViolation', '2.0.1')).toBe(false);
    expect(isVersionErrorCode('FormationViolation', '2.0.1')).toBe(false);
  });

  it('every wire spelling of a version is a code of that version', () => {
    for (const version of ['1.6', '2.0.1', '2.1']) {
      for (const code of ALL_CODES) {
        if (version === '1.6' && (code === 'RpcFrameworkError' || code === 'MessageTypeNotSupported')) continue; // sent as ProtocolError
        expect(isVersionErrorCode(wireErrorCode(code, version), version), `${version} ${code}`).toBe(true);
      }
    }
  });

  it.each([42, null, undefined, 'constructor', ''])('rejects %s', (wire) => {
    expect(isVersionErrorCode(wire, '2.0.1')).toBe(false);
  });
});

describe('parseErrorCode', () => {
  it.each(ALL_CODES)('accepts our spelling %s', (code) => {
    expect(parseErrorCode(code)).toBe(code);
  });

  it.each([
    ['FormationViolation', 'FormatViolation'],
    ['OccurenceConstraintViolation', 'OccurrenceConstraintViolation'],
  ])('accepts the 1.6 misspelling %s as %s', (wire, code) => {
    expect(parseErrorCode(wire)).toBe(code);
  });

  it.each([
    ['unknown string', 'NotAnError'],
    ['wrong case', 'formatviolation'],
    ['empty', ''],
    ['number', 42],
    ['null', null],
    ['undefined', undefined],
    ['object', { code: 'GenericError' }],
  ])('rejects %s', (_name, wire) => {
    expect(parseErrorCode(wire)).toBeUndefined();
  });

  it('round-trips every code through both wire spellings', () => {
    for (const code of ALL_CODES) {
      expect(parseErrorCode(wireErrorCode(code, '2.0.1'))).toBe(code);
      // 1.6 folds the two framework codes into ProtocolError; everything else comes back intact.
      const back = parseErrorCode(wireErrorCode(code, '1.6'));
      if (code === 'MessageTypeNotSupported' || code === 'RpcFrameworkError') expect(back).toBe('ProtocolError');
      else expect(back).toBe(code);
    }
  });

  // Regression: lookups must not find inherited Object.prototype members (or round into the wrong unit).
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])(
    'rejects the inherited property name %s',
    (wire) => {
      expect(parseErrorCode(wire)).toBeUndefined();
    },
  );
});

describe('OcppError', () => {
  it.each(ALL_CODES)('%s defaults to its specification description and empty details', (code) => {
    const err = new OcppError(code);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('OcppError');
    expect(err.code).toBe(code);
    expect(err.message).toBe(ERROR_DESCRIPTIONS[code]);
    expect(err.message.length).toBeGreaterThan(0);
    expect(err.details).toEqual({});
  });

  it('keeps an explicit message and details', () => {
    const err = new OcppError('PropertyConstraintViolation', 'limit too high', { field: 'limit' });
    expect(err.message).toBe('limit too high');
    expect(err.details).toEqual({ field: 'limit' });
    expect(String(err)).toBe('OcppError: limit too high');
  });

  it('default details are not shared between instances', () => {
    const a = new OcppError('GenericError');
    const b = new OcppError('GenericError');
    expect(a.details).not.toBe(b.details);
  });
});

describe('AJV_KEYWORD_CODES', () => {
  it.each([
    ['required', 'OccurrenceConstraintViolation'],
    ['maxItems', 'OccurrenceConstraintViolation'],
    ['type', 'TypeConstraintViolation'],
    ['enum', 'PropertyConstraintViolation'],
    ['maxLength', 'PropertyConstraintViolation'],
    ['format', 'PropertyConstraintViolation'],
    ['multipleOf', 'PropertyConstraintViolation'],
    ['additionalProperties', 'FormatViolation'],
  ])('%s → %s', (keyword, code) => {
    expect(AJV_KEYWORD_CODES[keyword]).toBe(code);
  });

  it('maps only to known codes', () => {
    for (const code of Object.values(AJV_KEYWORD_CODES)) expect(ALL_CODES).toContain(code);
  });
});
