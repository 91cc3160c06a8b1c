import { describe, expect, it } from 'vitest';
import { basicAuthOk, chooseSubprotocol, identityFromPath, isLoopback } from '../../src/csms/handshake.js';

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

describe('chooseSubprotocol', () => {
  const v16 = { subprotocol: 'ocpp1.6' };
  const v201 = { subprotocol: 'ocpp2.0.1' };
  const both = [v16, v201];

  it('The_client_order_decides (RFC 6455 §4.2.2, OCPP 2.0.1 Part 4 §3.1.2)', () => {
    expect(chooseSubprotocol('ocpp2.0.1, ocpp1.6', both)).toBe(v201);
    expect(chooseSubprotocol('ocpp1.6,ocpp2.0.1', both)).toBe(v16);
    expect(chooseSubprotocol('ocpp1.6,ocpp2.0.1', [v201, v16])).toBe(v16);
  });

  it('Skips_what_the_server_does_not_speak', () => {
    expect(chooseSubprotocol('ocpp2.1, ocpp2.0.1, ocpp1.6', both)).toBe(v201);
    expect(chooseSubprotocol('ocpp2.0.1, ocpp1.6', [v16])).toBe(v16);
    expect(chooseSubprotocol('ocpp1.6', [v201])).toBeNull();
  });

  it('Whole_tokens_only', () => {
    expect(chooseSubprotocol('ocpp1.6j', both)).toBeNull();
    expect(chooseSubprotocol('OCPP1.6', both)).toBeNull(); // subprotocol names are case-sensitive (RFC 6455 §4.1)
    expect(chooseSubprotocol('', both)).toBeNull();
    expect(chooseSubprotocol(undefined, both)).toBeNull();
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
