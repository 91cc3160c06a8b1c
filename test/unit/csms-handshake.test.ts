import { describe, expect, it } from 'vitest';
import { basicAuthOk, identityFromPath, isLoopback, offersSubprotocol } from '../../src/csms/handshake.js';

describe('identityFromPath', () => {
  it.each([
    ['/ocpp/CP001', 'CP001'],
    ['/ocpp/CP001/', 'CP001'],
    ['/a/b/CP%20one?x=1', 'CP one'],
    ['/CP001', 'CP001'],
    ['/ocpp/site%2F7', 'site/7'],
  ])('%s → %s', (url, identity) => {
    expect(identityFromPath(url)).toBe(identity);
  });

  it.each(['/', '', '//', '/?id=x', '/ocpp/%E0%A4%A'])('%s → null', (url) => {
    expect(identityFromPath(url)).toBeNull();
  });
});

describe('offersSubprotocol', () => {
  it('Finds_the_token_in_a_comma_list', () => {
    expect(offersSubprotocol('ocpp2.0.1, ocpp1.6', 'ocpp1.6')).toBe(true);
    expect(offersSubprotocol('ocpp1.6', 'ocpp1.6')).toBe(true);
    expect(offersSubprotocol('ocpp1.6j', 'ocpp1.6')).toBe(false);
    expect(offersSubprotocol(undefined, 'ocpp1.6')).toBe(false);
  });
});

describe('basicAuthOk', () => {
  const header = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
  it('Needs_identity_as_user_and_the_password', () => {
    expect(basicAuthOk(header('CP1:pass:with:colons'), 'CP1', 'pass:with:colons')).toBe(true);
    expect(basicAuthOk(header('CP1:pass').replace('Basic', 'basic'), 'CP1', 'pass')).toBe(true);
    expect(basicAuthOk(header('CP2:pass'), 'CP1', 'pass')).toBe(false);
    expect(basicAuthOk(header('CP1:other'), 'CP1', 'pass')).toBe(false);
    expect(basicAuthOk(header('CP1'), 'CP1', 'pass')).toBe(false);
    expect(basicAuthOk('Bearer abc', 'CP1', 'pass')).toBe(false);
    expect(basicAuthOk(undefined, 'CP1', 'pass')).toBe(false);
  });
});

describe('isLoopback', () => {
  it('Accepts_v4_v6_and_mapped_loopback_only', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', undefined].some(isLoopback)).toBe(false);
  });
});
