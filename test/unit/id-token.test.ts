/** The neutral id token (station/id-token.ts): a token's type from its format or its `Type:` prefix. */
import { describe, expect, it } from 'vitest';
import { parseToken, tokenOf, tokenProblem, tokenValue, typeOfValue } from '../../src/station/id-token.js';
import { idToken } from '../../src/ocpp201/dialect.js';
import { validator201 } from '../../src/ocpp201/schemas.js';

describe('id tokens', () => {
  it('an RFID UID is ISO14443 with 8 or 14 hex digits (IdTokenEnumType: "the 4 or 7 bytes long UID"), 16 digits ISO15693', () => {
    expect(typeOfValue('04A2B3C4')).toBe('ISO14443');
    expect(typeOfValue('04a2b3c4d5e6f7')).toBe('ISO14443');
    expect(typeOfValue('E004010012345678')).toBe('ISO15693');
    // Neither 8, 14 nor 16 hex digits: not an RFID UID.
    for (const v of ['04A2B3C', '04A2B3C4D', '04A2B3C4D5E6F', 'TAG0001', 'G4A2B3C4']) expect(typeOfValue(v)).not.toMatch(/^ISO/);
  });

  it('an eMAID (ISO 15118-2 Annex H) with or without dashes', () => {
    expect(typeOfValue('NL-TNM-012204530-6')).toBe('eMAID');
    expect(typeOfValue('NLTNM0122045306')).toBe('eMAID');
  });

  it("anything else is the station's own (Local) unless a known type prefixes it", () => {
    expect(parseToken('TAG0001')).toEqual({ value: 'TAG0001', type: 'Local' });
    expect(parseToken('KeyCode:1234')).toEqual({ value: '1234', type: 'KeyCode' });
    expect(parseToken('Central:7f3a:b')).toEqual({ value: '7f3a:b', type: 'Central' });
    // Not a type: the colon is part of the value.
    expect(parseToken('AB:CD')).toEqual({ value: 'AB:CD', type: 'Local' });
    expect(tokenValue('KeyCode:1234')).toBe('1234');
    expect(tokenValue('TAG0001')).toBe('TAG0001');
  });

  it('a token the CSMS sent with its type round-trips; the type its format implies stays implicit', () => {
    expect(tokenOf('04A2B3C4', 'ISO14443')).toBe('04A2B3C4');
    expect(tokenOf('04A2B3C4', 'Central')).toBe('Central:04A2B3C4');
    expect(tokenOf('a:b', 'Local')).toBe('Local:a:b');
    for (const [value, type] of [['04A2B3C4', 'Central'], ['x', 'NoAuthorization'], ['a:b', 'Local'], ['04a2b3c4d5e6f7', 'ISO14443']] as const) {
      expect(parseToken(tokenOf(value, type))).toEqual({ value, type });
    }
  });

  it('every form is a schema-valid 2.0.1 IdToken in an Authorize', () => {
    const v = validator201();
    for (const t of ['04A2B3C4', 'E004010012345678', 'NL-TNM-012204530-6', 'TAG0001', 'KeyCode:1234', 'NoAuthorization:']) {
      expect(v.request('Authorize', { idToken: idToken(t) }), t).toBeNull();
    }
  });
});

describe('tokens a user writes', () => {
  it('a value must fit the type it names; 36 characters at most (2.0.1 IdTokenType)', () => {
    expect(tokenProblem('04A2B3C4')).toBeNull();
    expect(tokenProblem('ISO14443:04A2B3C4D5E6F7')).toBeNull();
    expect(tokenProblem('KeyCode:1234')).toBeNull();
    expect(tokenProblem('NoAuthorization:')).toBeNull();
    expect(tokenProblem('ISO14443:TAG1')).toMatch(/not an ISO14443 UID/);
    expect(tokenProblem('ISO15693:04A2B3C4')).toMatch(/not an ISO15693 UID/);
    expect(tokenProblem('eMAID:x')).toMatch(/not an eMAID/);
    expect(tokenProblem('NoAuthorization:x')).toMatch(/has no value/);
    expect(tokenProblem('X'.repeat(37))).toMatch(/longer than 36/);
  });
});
