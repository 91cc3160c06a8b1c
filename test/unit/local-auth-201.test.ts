/**
 * The 2.0.1 side of the shared local authorization rules (station/authorization.ts,
 * station/authorize-locally.ts): cache entries that lapse after AuthCacheCtrlr.LifeTime (C10.FR.10)
 * and the DisablePostAuthorize variables of LocalAuthListCtrlr and AuthCacheCtrlr (C10.FR.03,
 * C12.FR.05, C14.FR.03), over a station read through the 2.0.1 setting names.
 */
import { describe, expect, it } from 'vitest';
import { OCPP201_BINDING } from '../../src/ocpp201/version.js';
import { SETTINGS_201 } from '../../src/ocpp201/station-model.js';
import { cachePut, isValid, lapsed, lapsing, newAuthState, tagInfo, type AuthState, type TagInfo } from '../../src/station/authorization.js';
import { decideLocally, learn, lookup } from '../../src/station/authorize-locally.js';
import type { Capability, Setting } from '../../src/station/settings.js';
import { Boot, Link, type Station } from '../../src/station/station.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');

/** A 2.0.1 station as far as the local decisions look at it; `vars` by Component.Variable. */
function fakeStation(vars: Record<string, string>, auth: AuthState | null = null): Station {
  const setting = (s: Setting) => vars[SETTINGS_201[s]];
  return {
    link: Link.Open,
    boot: Boot.Accepted,
    auth,
    reservations: null,
    connectors: [],
    ctx: { supports: (c: Capability) => OCPP201_BINDING.supports(new Set(['LocalAuthListCtrlr', 'AuthCacheCtrlr']), c) },
    setting,
    settingOn: (s: Setting) => setting(s) === 'true',
  } as unknown as Station;
}

const BASE = {
  'LocalAuthListCtrlr.Enabled': 'true',
  'AuthCacheCtrlr.Enabled': 'true',
  'AuthCtrlr.LocalPreAuthorize': 'true',
  'AuthCtrlr.LocalAuthorizeOffline': 'true',
  'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'false',
};

describe('cache entries that lapse (C10.FR.10)', () => {
  it('lapsing keeps the shared record without a life, and a lapsed entry is not valid', () => {
    const accepted = tagInfo({ status: 'Accepted' });
    expect(lapsing(accepted, Infinity)).toBe(accepted);
    const e = lapsing(accepted, NOW + 1000);
    expect(e).toMatchObject({ status: 'Accepted', lapsesAt: NOW + 1000 });
    expect([isValid(e, NOW + 999), lapsed(e, NOW + 999)]).toEqual([true, false]);
    expect([isValid(e, NOW + 1000), lapsed(e, NOW + 1000)]).toEqual([false, true]);
  });

  it('a full cache evicts a lapsed entry before the oldest valid one', () => {
    const cache = new Map<string, TagInfo>();
    cachePut(cache, 'OLD', tagInfo({ status: 'Accepted' }), NOW, 2);
    cachePut(cache, 'SHORT', lapsing(tagInfo({ status: 'Accepted' }), NOW + 10), NOW, 2);
    cachePut(cache, 'NEW', tagInfo({ status: 'Accepted' }), NOW + 20, 2);
    expect([...cache.keys()]).toEqual(['OLD', 'NEW']);
  });

  it('learn gives entries LifeTime seconds; a lapsed one counts as unknown and leaves the cache', () => {
    const st = fakeStation({ ...BASE, 'AuthCacheCtrlr.LifeTime': '60' });
    learn(st, 'T', { status: 'Accepted' }, NOW);
    expect(st.auth!.cache!.get('T')?.lapsesAt).toBe(NOW + 60_000);
    expect(decideLocally(st, 'T', NOW + 59_999)).toBe('Accepted');
    expect(decideLocally(st, 'T', NOW + 60_000)).toBeNull(); // lapsed: the CSMS is asked
    expect(st.auth!.cache!.has('T')).toBe(false);
    // Without a LifeTime (1.6, or the variable left out) entries never lapse.
    const forever = fakeStation(BASE);
    learn(forever, 'T', { status: 'Accepted' }, NOW);
    expect(lookup(forever, 'T', NOW + 1e12)?.lapsesAt).toBeUndefined();
  });
});

describe('DisablePostAuthorize (C10.FR.03, C12.FR.05, C14.FR.03)', () => {
  function withEntries(vars: Record<string, string>): Station {
    const auth = newAuthState();
    auth.list = new Map([['LISTED', tagInfo({ status: 'Blocked' })]]);
    auth.cache = new Map([['CACHED', tagInfo({ status: 'NoCredit' })]]);
    return fakeStation({ ...BASE, ...vars }, auth);
  }

  it('a not-Accepted entry is checked with the CSMS by default', () => {
    const st = withEntries({});
    expect(decideLocally(st, 'LISTED', NOW)).toBeNull();
    expect(decideLocally(st, 'CACHED', NOW)).toBeNull();
  });

  it("each controller's variable makes its own entries final", () => {
    const list = withEntries({ 'LocalAuthListCtrlr.DisablePostAuthorize': 'true' });
    expect(decideLocally(list, 'LISTED', NOW)).toBe('Blocked');
    expect(decideLocally(list, 'CACHED', NOW)).toBeNull();
    const cache = withEntries({ 'AuthCacheCtrlr.DisablePostAuthorize': 'true' });
    expect(decideLocally(cache, 'LISTED', NOW)).toBeNull();
    expect(decideLocally(cache, 'CACHED', NOW)).toBe('NoCredit');
  });

  it('only with LocalPreAuthorize: otherwise the CSMS is asked about every token', () => {
    const st = withEntries({ 'AuthCtrlr.LocalPreAuthorize': 'false', 'LocalAuthListCtrlr.DisablePostAuthorize': 'true' });
    expect(decideLocally(st, 'LISTED', NOW)).toBeNull();
  });
});

describe('AuthCtrlr.Enabled and DisableRemoteAuthorization', () => {
  const auth = () => {
    const a = newAuthState();
    a.list = new Map([['GOOD', tagInfo({ status: 'Accepted' })], ['BAD', tagInfo({ status: 'Blocked' })]]);
    return a;
  };

  it('Enabled false accepts every token, online and offline', () => {
    const st = fakeStation({ ...BASE, 'AuthCtrlr.Enabled': 'false' }, auth());
    expect(decideLocally(st, 'BAD', NOW)).toBe('Accepted');
    expect(decideLocally(st, 'ANYONE', NOW)).toBe('Accepted');
    (st as { link: Link }).link = Link.Down;
    expect(decideLocally(st, 'ANYONE', NOW)).toBe('Accepted');
  });

  it('DisableRemoteAuthorization decides from the list and cache alone, even without LocalPreAuthorize', () => {
    const st = fakeStation({ ...BASE, 'AuthCtrlr.LocalPreAuthorize': 'false', 'AuthCtrlr.DisableRemoteAuthorization': 'true' }, auth());
    expect(decideLocally(st, 'GOOD', NOW)).toBe('Accepted');
    expect(decideLocally(st, 'BAD', NOW)).toBe('Blocked');
    expect(decideLocally(st, 'ANYONE', NOW)).toBe('Unknown');
    expect(decideLocally(fakeStation({ ...BASE, 'AuthCtrlr.DisableRemoteAuthorization': 'true' }), 'ANYONE', NOW)).toBe('Unknown');
  });
});
