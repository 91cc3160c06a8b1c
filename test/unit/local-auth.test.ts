/**
 * The Local Authorization List's update rules, the Authorization Cache and the local decisions of
 * OCPP 1.6 §3.5 (station/authorization.ts, station/authorize-locally.ts).
 */
import { SETTINGS_16 } from '../../src/ocpp16/settings.js';
import type { Capability, Setting } from '../../src/station/settings.js';
import { OCPP16_BINDING } from '../../src/ocpp16/version.js';
import { describe, expect, it } from 'vitest';
import type { SendLocalListRequest } from '../../src/ocpp16/generated/types.gen.js';
import {
  applyLocalList,
  badLocalList,
  cachePut,
  isValid,
  newAuthState,
  reportedListVersion,
  statusAt,
  tagInfo,
  type AuthState,
  type TagInfo,
} from '../../src/station/authorization.js';
import { decideLocally, decideOffline, learn, lookup, parentOf } from '../../src/station/authorize-locally.js';
import { Boot, Link, type Station } from '../../src/station/station.js';

const LIMITS = { maxLength: 5, sendMaxLength: 3 };
const NOW = Date.parse('2026-01-01T12:00:00Z');

function full(listVersion: number, entries: SendLocalListRequest['localAuthorizationList']): SendLocalListRequest {
  return { listVersion, updateType: 'Full', localAuthorizationList: entries };
}
function diff(listVersion: number, entries: SendLocalListRequest['localAuthorizationList']): SendLocalListRequest {
  return { listVersion, updateType: 'Differential', localAuthorizationList: entries };
}
const ok = (idTag: string) => ({ idTag, idTagInfo: { status: 'Accepted' as const } });
const tags = (s: AuthState) => [...(s.list?.keys() ?? [])].sort();

describe('SendLocalList update rules (§5.15)', () => {
  it('Full replaces the list and sets its version; Differential adds, updates and removes', () => {
    const s = newAuthState();
    expect(applyLocalList(s, full(2, [ok('A'), ok('B')]), LIMITS)).toBe('Accepted');
    expect(tags(s)).toEqual(['A', 'B']);
    expect(s.listVersion).toBe(2);
    expect(applyLocalList(s, diff(5, [{ idTag: 'A', idTagInfo: { status: 'Blocked' } }, { idTag: 'B' }, ok('C')]), LIMITS)).toBe('Accepted');
    expect(tags(s)).toEqual(['A', 'C']);
    expect(s.list!.get('A')!.status).toBe('Blocked');
    expect(s.listVersion).toBe(5);
    expect(applyLocalList(s, full(3, [ok('Z')]), LIMITS)).toBe('Accepted'); // a Full list may have any version
    expect(tags(s)).toEqual(['Z']);
    expect(s.listVersion).toBe(3);
  });

  it('Differential with a version not above the list\'s is VersionMismatch and changes nothing', () => {
    const s = newAuthState();
    applyLocalList(s, full(5, [ok('A')]), LIMITS);
    expect(applyLocalList(s, diff(5, [ok('B')]), LIMITS)).toBe('VersionMismatch');
    expect(applyLocalList(s, diff(4, [ok('B')]), LIMITS)).toBe('VersionMismatch');
    expect(tags(s)).toEqual(['A']);
    expect(s.listVersion).toBe(5);
  });

  it('too many entries in one request (SendLocalListMaxLength) or in the list (LocalAuthListMaxLength) is Failed, atomically', () => {
    const s = newAuthState();
    expect(applyLocalList(s, full(1, [ok('A'), ok('B'), ok('C'), ok('D')]), LIMITS)).toBe('Failed');
    expect(s.list).toBeNull();
    expect(s.listVersion).toBe(0);
    applyLocalList(s, full(1, [ok('A'), ok('B'), ok('C')]), LIMITS);
    applyLocalList(s, diff(2, [ok('D'), ok('E')]), LIMITS);
    expect(applyLocalList(s, diff(3, [ok('F')]), LIMITS)).toBe('Failed');
    expect(tags(s)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(s.listVersion).toBe(2);
  });

  it('an empty Full list empties it: GetLocalListVersion then says 0 (TC_042_2_CS), but the version still guards Differentials', () => {
    const s = newAuthState();
    expect(reportedListVersion(null)).toBe(0);
    applyLocalList(s, full(4, [ok('A')]), LIMITS);
    expect(reportedListVersion(s)).toBe(4);
    expect(applyLocalList(s, { listVersion: 6, updateType: 'Full' }, LIMITS)).toBe('Accepted');
    expect(s.list).toBeNull();
    expect(reportedListVersion(s)).toBe(0);
    expect(applyLocalList(s, diff(6, [ok('B')]), LIMITS)).toBe('VersionMismatch');
    // A Differential without entries changes nothing but the version.
    expect(applyLocalList(s, { listVersion: 7, updateType: 'Differential' }, LIMITS)).toBe('Accepted');
    expect(s.listVersion).toBe(7);
  });

  it('listVersion 0 or -1 and duplicate idTags are malformed (errata v4.0, "MUST be unique")', () => {
    expect(badLocalList(full(0, []))).toMatch(/listVersion 0/);
    expect(badLocalList(full(-1, []))).toMatch(/listVersion -1/);
    expect(badLocalList(full(1, [ok('A'), ok('A')]))).toMatch(/A appears more than once/);
    expect(badLocalList(full(1, [ok('A'), ok('B')]))).toBeNull();
  });

  it('a listed idTag leaves the cache (§3.5.3)', () => {
    const s = newAuthState();
    s.cache = new Map([['A', tagInfo({ status: 'Accepted' })], ['B', tagInfo({ status: 'Accepted' })]]);
    applyLocalList(s, full(1, [ok('A')]), LIMITS);
    expect([...s.cache.keys()]).toEqual(['B']);
  });
});

describe('entries and validity', () => {
  it('entries without expiry or parent share one record per status; others carry their expiry and parent', () => {
    expect(tagInfo({ status: 'Accepted' })).toBe(tagInfo({ status: 'Accepted' }));
    const e = tagInfo({ status: 'Accepted', expiryDate: '2026-01-01T13:00:00Z', parentIdTag: 'FLEET' });
    expect(e).toEqual({ status: 'Accepted', expiresAt: Date.parse('2026-01-01T13:00:00Z'), parentIdTag: 'FLEET' });
  });

  it('Accepted and ConcurrentTx are valid until expiryDate; afterwards the entry counts as Expired', () => {
    const until = (status: TagInfo['status']) => tagInfo({ status, expiryDate: '2026-01-01T12:30:00Z' });
    expect(isValid(until('Accepted'), NOW)).toBe(true);
    expect(isValid(until('ConcurrentTx'), NOW)).toBe(true);
    expect(isValid(until('Blocked'), NOW)).toBe(false);
    expect(isValid(until('Accepted'), NOW + 3_600_000)).toBe(false);
    expect(statusAt(until('Accepted'), NOW + 3_600_000)).toBe('Expired');
    expect(statusAt(until('Invalid'), NOW)).toBe('Invalid');
  });
});

describe('Authorization Cache (§3.5.1)', () => {
  it('an update becomes the newest; when full, not-valid entries go first, then the oldest valid', () => {
    const c = new Map<string, TagInfo>();
    const acc = tagInfo({ status: 'Accepted' });
    cachePut(c, 'A', acc, NOW, 3);
    cachePut(c, 'B', tagInfo({ status: 'Blocked' }), NOW, 3);
    cachePut(c, 'C', acc, NOW, 3);
    cachePut(c, 'D', acc, NOW, 3); // B (not valid) goes, though A is older
    expect([...c.keys()]).toEqual(['A', 'C', 'D']);
    cachePut(c, 'A', acc, NOW, 3); // A refreshed: now the newest
    cachePut(c, 'E', acc, NOW, 3); // all valid: the oldest (C) goes
    expect([...c.keys()]).toEqual(['D', 'A', 'E']);
  });
});

/** A station as far as the local decisions look at it: link, boot, configuration, features, state. */
function fakeStation(config: Record<string, string>, opts: { online?: boolean; features?: string[]; auth?: AuthState } = {}): Station {
  return {
    link: opts.online === false ? Link.Down : Link.Open,
    boot: Boot.Accepted,
    auth: opts.auth ?? null,
    reservations: null,
    connectors: [],
    ctx: { supports: (c: Capability) => OCPP16_BINDING.supports(new Set(opts.features ?? ['Core', 'LocalAuthListManagement']), c) },
    getConfig: (k: string) => config[k],
    setting: (s: Setting) => config[SETTINGS_16[s]],
    settingOn: (s: Setting) => config[SETTINGS_16[s]] === 'true',
  } as unknown as Station;
}

function listed(entries: SendLocalListRequest['localAuthorizationList']): AuthState {
  const s = newAuthState();
  applyLocalList(s, full(1, entries), { maxLength: 100, sendMaxLength: 100 });
  return s;
}

describe('deciding locally (§3.5)', () => {
  const base = { LocalAuthListEnabled: 'true', AuthorizationCacheEnabled: 'false', LocalPreAuthorize: 'false', LocalAuthorizeOffline: 'true', AllowOfflineTxForUnknownId: 'false' };
  const auth = () => listed([ok('GOOD'), { idTag: 'BAD', idTagInfo: { status: 'Blocked' } }, { idTag: 'OLD', idTagInfo: { status: 'Accepted', expiryDate: '2020-01-01T00:00:00Z' } }]);

  it('online, the CSMS is asked unless LocalPreAuthorize lets a valid entry start at once', () => {
    expect(decideLocally(fakeStation(base, { auth: auth() }), 'GOOD', NOW)).toBeNull();
    const pre = fakeStation({ ...base, LocalPreAuthorize: 'true' }, { auth: auth() });
    expect(decideLocally(pre, 'GOOD', NOW)).toBe('Accepted');
    expect(decideLocally(pre, 'BAD', NOW)).toBeNull(); // not valid: checked with the CSMS
    expect(decideLocally(pre, 'OLD', NOW)).toBeNull(); // expired
    expect(decideLocally(pre, 'UNKNOWN', NOW)).toBeNull();
  });

  it('offline, listed idTags decide by their status and expiry; unknown ones by AllowOfflineTxForUnknownId', () => {
    const off = fakeStation(base, { online: false, auth: auth() });
    expect(decideLocally(off, 'GOOD', NOW)).toBe('Accepted');
    expect(decideLocally(off, 'BAD', NOW)).toBe('Blocked');
    expect(decideLocally(off, 'OLD', NOW)).toBe('Expired');
    expect(decideLocally(off, 'UNKNOWN', NOW)).toBe('Invalid');
    const lenient = fakeStation({ ...base, AllowOfflineTxForUnknownId: 'true' }, { online: false, auth: auth() });
    expect(decideLocally(lenient, 'UNKNOWN', NOW)).toBe('Accepted');
    expect(decideLocally(lenient, 'BAD', NOW)).toBe('Blocked'); // listed as not valid: MUST be rejected (§3.5.4)
  });

  it('LocalAuthorizeOffline false: a listed idTag is no better than an unknown one offline', () => {
    const strict = fakeStation({ ...base, LocalAuthorizeOffline: 'false' }, { online: false, auth: auth() });
    expect(decideOffline(strict, 'GOOD', NOW)).toBe('Invalid');
    const lenient = fakeStation({ ...base, LocalAuthorizeOffline: 'false', AllowOfflineTxForUnknownId: 'true' }, { online: false, auth: auth() });
    expect(decideOffline(lenient, 'GOOD', NOW)).toBe('Accepted');
  });

  it('the list is not used when LocalAuthListEnabled is false or the model lacks the profile', () => {
    expect(lookup(fakeStation({ ...base, LocalAuthListEnabled: 'false' }, { auth: auth() }), 'GOOD')).toBeUndefined();
    expect(lookup(fakeStation(base, { auth: auth(), features: ['Core'] }), 'GOOD')).toBeUndefined();
    expect(lookup(fakeStation(base, { auth: auth() }), 'GOOD')?.status).toBe('Accepted');
  });

  it('answers from the CSMS fill the cache only when it is enabled, never for listed idTags, and name parents', () => {
    const off = fakeStation(base);
    learn(off, 'X', { status: 'Accepted' }, NOW);
    expect(off.auth).toBeNull(); // cache disabled: nothing is allocated
    const on = fakeStation({ ...base, AuthorizationCacheEnabled: 'true' }, { auth: listed([ok('GOOD')]) });
    learn(on, 'X', { status: 'Accepted', parentIdTag: 'FAMILY' }, NOW);
    learn(on, 'GOOD', { status: 'Accepted' }, NOW);
    expect([...on.auth!.cache!.keys()]).toEqual(['X']);
    expect(parentOf(on, 'X')).toBe('FAMILY');
    (on as { link: Link }).link = Link.Down;
    expect(decideLocally(on, 'X', NOW)).toBe('Accepted'); // offline, from the cache
  });
});
