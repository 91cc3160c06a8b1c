/**
 * OCPP 2.0.1 Local Authorization List (D01, D02) and local / offline authorization from the list and
 * the Authorization Cache (C10–C15), end to end over loopback sockets against the strict ocpp-rpc
 * 2.0.1 peer, which validates every message both ways. Offline cases run a scenario that takes the
 * charging station offline while a driver presents tokens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/parse.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { connectorsOf, DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import type { Station } from '../../src/station/station.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { NOREPLY, StrictPeer201, type Received } from '../helpers/ocpp-rpc-peer-201.js';

const CP = 'TEST001';
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'local-auth-201', ocppVersions: ['2.0.1'] };
/** No car arrives by itself: sessions start only when the test says so. */
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-auth201-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withPeer(profile: StationProfile = PROFILE_201, scenarioYaml?: string): Promise<{ p: StrictPeer201; f: Fleet; st: () => Station }> {
  const p = await StrictPeer201.start();
  cleanups.push(() => p.close());
  const scenario = scenarioYaml === undefined ? undefined : scenarioFile(scenarioYaml);
  const f = startTestFleet(p.url, { count: 1, driver: QUIET_DRIVER, profile, ...(scenario ? { scenario } : {}) });
  cleanups.push(() => f.stop());
  await until(() => new Set(p.calls(CP, 'StatusNotification').map((c) => c.params.evseId)).size === profile.connectors.length, 'the boot and every EVSE reported');
  return { p, f, st: () => f.shards![0].stations[0] };
}

function scenarioFile(yaml: string) {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadScenario(file);
}

async function arrives(p: StrictPeer201, method: string, pred: (params: any) => boolean = () => true, since = 0, timeoutMs = 5000): Promise<Received> {
  const find = () => p.received.slice(since).find((r) => r.identity === CP && r.method === method && pred(r.params));
  await until(() => find() !== undefined, method, timeoutMs);
  return find()!;
}

/** An AuthorizationData entry: a token (type Local unless given) and, unless null, its idTokenInfo. */
const entry = (idToken: string, status: string | null = 'Accepted', more: object = {}, type = 'Local') =>
  status === null ? { idToken: { idToken, type } } : { idToken: { idToken, type }, idTokenInfo: { status, ...more } };

const send = (p: StrictPeer201, versionNumber: number, updateType: 'Full' | 'Differential', list?: object[]) =>
  p.call(CP, 'SendLocalList', { versionNumber, updateType, ...(list ? { localAuthorizationList: list } : {}) });
const version = async (p: StrictPeer201) => (await p.call(CP, 'GetLocalListVersion', {})).versionNumber;

async function setVariables(p: StrictPeer201, vars: [component: string, variable: string, value: string][]): Promise<void> {
  const res = await p.call(CP, 'SetVariables', {
    setVariableData: vars.map(([component, variable, attributeValue]) => ({ component: { name: component }, variable: { name: variable }, attributeValue })),
  });
  expect(res.setVariableResult.map((r: any) => r.attributeStatus)).toEqual(vars.map(() => 'Accepted'));
}

async function getVariable(p: StrictPeer201, component: string, variable: string): Promise<string> {
  const res = await p.call(CP, 'GetVariables', { getVariableData: [{ component: { name: component }, variable: { name: variable } }] });
  return res.getVariableResult[0].attributeValue;
}

function problems(f: Fleet): string[] {
  f.refresh();
  return f.stats.problems;
}

describe('D01/D02 SendLocalList and GetLocalListVersion against the strict 2.0.1 peer', () => {
  it('Full and Differential updates, D01.FR.18/19, Failed on duplicates and Full entries without idTokenInfo; Entries reports the size', async () => {
    const { p, f, st } = await withPeer();
    const listed = () => [...(st().auth?.list?.entries() ?? [])].map(([tag, e]) => `${tag}:${e.status}`).sort();

    expect(await version(p)).toBe(0);
    expect(st().auth).toBeNull(); // nothing allocated before the first list
    expect(await send(p, 2, 'Full', [entry('A'), entry('B'), entry('04A2B3C4', 'Accepted', {}, 'ISO14443')])).toEqual({ status: 'Accepted' });
    expect(await version(p)).toBe(2);
    expect(await getVariable(p, 'LocalAuthListCtrlr', 'Entries')).toBe('3');
    // D01.FR.03/04: entries with idTokenInfo are added or updated, those without removed.
    expect(await send(p, 5, 'Differential', [entry('A', null), entry('B', 'Blocked'), entry('C')])).toEqual({ status: 'Accepted' });
    expect(await version(p)).toBe(5);
    expect(listed()).toEqual(['04A2B3C4:Accepted', 'B:Blocked', 'C:Accepted']);
    // D01.FR.19: a Differential update not newer than the list.
    expect(await send(p, 5, 'Differential', [entry('D')])).toMatchObject({ status: 'VersionMismatch' });
    expect(await send(p, 4, 'Differential', [entry('D')])).toMatchObject({ status: 'VersionMismatch' });
    // D01.FR.05: a Differential update without entries only moves the version on.
    expect(await send(p, 6, 'Differential')).toEqual({ status: 'Accepted' });
    expect(await version(p)).toBe(6);
    // D01.FR.18: versionNumber 0 or below.
    expect(await send(p, 0, 'Full', [entry('X')])).toMatchObject({ status: 'Failed' });
    expect(await send(p, -1, 'Differential', [entry('X')])).toMatchObject({ status: 'Failed' });
    // C01.FR.25: the same idToken and type twice; the same value with another type is another token.
    expect(await send(p, 7, 'Full', [entry('X'), entry('X')])).toMatchObject({ status: 'Failed' });
    expect(await send(p, 7, 'Full', [entry('X'), entry('X', 'Accepted', {}, 'Central')])).toEqual({ status: 'Accepted' });
    expect(listed()).toEqual(['Central:X:Accepted', 'X:Accepted']);
    expect(await send(p, 8, 'Full', [entry('Y'), entry('Z', null)])).toMatchObject({ status: 'Failed' });
    expect(await version(p)).toBe(7); // nothing changed
    // D01.FR.02: a Full update without entries empties the list.
    expect(await send(p, 9, 'Full')).toEqual({ status: 'Accepted' });
    expect(await version(p)).toBe(0);
    expect(await getVariable(p, 'LocalAuthListCtrlr', 'Entries')).toBe('0');
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('LocalAuthListCtrlr limits: ItemsPerMessage, BytesPerMessage and Entries maxLimit answer Failed; Enabled false: Failed and version 0', async () => {
    const profile: StationProfile = {
      ...PROFILE_201,
      deviceModel: { LocalAuthListCtrlr: { ItemsPerMessage: 3, BytesPerMessage: 400, Entries: { maxLimit: 4 } } },
    };
    const { p, f } = await withPeer(profile);
    expect(await send(p, 1, 'Full', [entry('A'), entry('B'), entry('C')])).toEqual({ status: 'Accepted' });
    const over = await send(p, 2, 'Differential', [entry('D'), entry('E'), entry('F'), entry('G')]);
    expect(over.status).toBe('Failed');
    expect(over.statusInfo.additionalInfo).toMatch(/ItemsPerMessage 3/);
    const long = 'L'.repeat(35);
    const big = await send(p, 2, 'Differential', [entry(`${long}1`, 'Accepted', { cacheExpiryDateTime: new Date(Date.now() + 86_400_000).toISOString() }), entry(`${long}2`), entry(`${long}3`)]);
    expect(big.status).toBe('Failed');
    expect(big.statusInfo.additionalInfo).toMatch(/BytesPerMessage 400/);
    // 3 + 2 = 5 entries > maxLimit 4.
    const full = await send(p, 2, 'Differential', [entry('D'), entry('E')]);
    expect(full.status).toBe('Failed');
    expect(full.statusInfo.additionalInfo).toMatch(/4 entries/);
    expect(await send(p, 2, 'Differential', [entry('D')])).toEqual({ status: 'Accepted' });
    expect(await version(p)).toBe(2);

    await setVariables(p, [['LocalAuthListCtrlr', 'Enabled', 'false']]);
    expect(await version(p)).toBe(0);
    expect(await send(p, 3, 'Differential', [entry('E')])).toMatchObject({ status: 'Failed' });
    await setVariables(p, [['LocalAuthListCtrlr', 'Enabled', 'true']]);
    expect(await version(p)).toBe(2); // kept, not used while disabled
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });
});

describe('C12/C14: local authorization online (LocalPreAuthorize) from the list and the cache', () => {
  const FOUR_EVSES: StationProfile = { ...PROFILE_201, connectors: connectorsOf(DEFAULT_PROFILE.connectors[0], 4) };

  async function online(profile: StationProfile) {
    const ctx = await withPeer(profile);
    await setVariables(ctx.p, [
      ['AuthCtrlr', 'LocalPreAuthorize', 'true'],
      ['AuthCtrlr', 'AuthorizeRemoteStart', 'true'],
      ['AuthCacheCtrlr', 'Enabled', 'true'],
    ]);
    const authorizes = (token: string) => ctx.p.calls(CP, 'Authorize').filter((c) => c.params.idToken.idToken === token).length;
    /** RequestStartTransaction: resolves with the Started event, or null when none follows within `quietMs`. */
    const start = async (evseId: number, token: string, remoteStartId: number, quietMs = 0) => {
      expect(await ctx.p.call(CP, 'RequestStartTransaction', { evseId, remoteStartId, idToken: { idToken: token, type: 'Local' } })).toMatchObject({ status: 'Accepted' });
      const started = (q: any) => q.eventType === 'Started' && q.transactionInfo.remoteStartId === remoteStartId;
      if (quietMs > 0) {
        await sleep(quietMs);
        return ctx.p.calls(CP, 'TransactionEvent').find((c) => started(c.params)) ?? null;
      }
      return arrives(ctx.p, 'TransactionEvent', started);
    };
    return { ...ctx, authorizes, start };
  }

  it('C14.FR.01/C12.FR.02: listed and cached tokens start without Authorize; the cache fills from answers (C10.FR.01), Storage counts it; ClearCache (C11)', async () => {
    const { p, f, st, authorizes, start } = await online(FOUR_EVSES);
    expect(await send(p, 1, 'Full', [entry('LISTED')])).toEqual({ status: 'Accepted' });
    await start(1, 'LISTED', 1);
    expect(authorizes('LISTED')).toBe(0);
    await start(2, 'CACHED', 2); // unknown: asked, and the answer cached
    expect(authorizes('CACHED')).toBe(1);
    expect(st().auth!.cache!.get('CACHED')?.status).toBe('Accepted');
    expect(st().auth!.cache!.has('LISTED')).toBe(false); // a listed token is not cached as well
    expect(await getVariable(p, 'AuthCacheCtrlr', 'Storage')).toBe('128');
    await start(3, 'CACHED', 3); // now from the cache
    expect(authorizes('CACHED')).toBe(1);
    expect(await p.call(CP, 'ClearCache', {})).toEqual({ status: 'Accepted' });
    expect(st().auth!.cache).toBeNull();
    expect(await getVariable(p, 'AuthCacheCtrlr', 'Storage')).toBe('0');
    await start(4, 'CACHED', 4);
    expect(authorizes('CACHED')).toBe(2);
    // C11.FR.05: with the cache disabled, ClearCache is Rejected.
    await setVariables(p, [['AuthCacheCtrlr', 'Enabled', 'false']]);
    expect(await p.call(CP, 'ClearCache', {})).toEqual({ status: 'Rejected' });
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('C10.FR.10: a cache entry lapses AuthCacheCtrlr.LifeTime seconds after the CSMS said it, and the token is asked about again', async () => {
    const { p, f, authorizes, start } = await online(FOUR_EVSES);
    await setVariables(p, [['AuthCacheCtrlr', 'LifeTime', '1']]);
    await start(1, 'SHORT', 1);
    await start(2, 'SHORT', 2);
    expect(authorizes('SHORT')).toBe(1); // the second from the cache
    await sleep(1100);
    await start(3, 'SHORT', 3);
    expect(authorizes('SHORT')).toBe(2); // lapsed: asked again
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('C14.FR.03/C12.FR.05: a not-Accepted entry is checked with Authorize, unless DisablePostAuthorize trusts it', async () => {
    const { p, f, authorizes, start } = await online(FOUR_EVSES);
    expect(await send(p, 1, 'Full', [entry('BLOCKED', 'Blocked')])).toEqual({ status: 'Accepted' });
    // The CSMS now accepts it: asked, and the transaction starts (the list is the CSMS's to change).
    expect(await start(1, 'BLOCKED', 1)).not.toBeNull();
    expect(authorizes('BLOCKED')).toBe(1);
    await setVariables(p, [['LocalAuthListCtrlr', 'DisablePostAuthorize', 'true']]);
    expect(await start(2, 'BLOCKED', 2, 400)).toBeNull(); // refused from the list, the CSMS not asked
    expect(authorizes('BLOCKED')).toBe(1);

    // The cache: the CSMS says NoCredit once; with AuthCacheCtrlr.DisablePostAuthorize that answer stands.
    p.respond('Authorize', (call) => (call.params.idToken.idToken === 'POOR' ? { idTokenInfo: { status: 'NoCredit' } } : undefined));
    expect(await start(3, 'POOR', 3, 400)).toBeNull();
    expect(authorizes('POOR')).toBe(1);
    await setVariables(p, [['AuthCacheCtrlr', 'DisablePostAuthorize', 'true']]);
    expect(await start(3, 'POOR', 4, 400)).toBeNull();
    expect(authorizes('POOR')).toBe(1);
    await setVariables(p, [['AuthCacheCtrlr', 'DisablePostAuthorize', 'false']]);
    p.respond('Authorize', undefined);
    expect(await start(3, 'POOR', 5)).not.toBeNull(); // asked again, now Accepted
    expect(authorizes('POOR')).toBe(2);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });
});

describe('AuthCtrlr.DisableRemoteAuthorization and AuthCtrlr.Enabled', () => {
  it('DisableRemoteAuthorization: the list and the cache alone decide, never Authorize; Enabled false: every token is accepted unasked', async () => {
    const { p, f } = await withPeer({ ...PROFILE_201, connectors: connectorsOf(DEFAULT_PROFILE.connectors[0], 4) });
    await setVariables(p, [
      ['AuthCtrlr', 'AuthorizeRemoteStart', 'true'],
      ['AuthCtrlr', 'DisableRemoteAuthorization', 'true'],
    ]);
    expect(await send(p, 1, 'Full', [entry('LISTED'), entry('BLOCKED', 'Blocked')])).toEqual({ status: 'Accepted' });
    const start = async (evseId: number, token: string, remoteStartId: number) => {
      expect(await p.call(CP, 'RequestStartTransaction', { evseId, remoteStartId, idToken: { idToken: token, type: 'Local' } })).toMatchObject({ status: 'Accepted' });
      await sleep(300);
      return p.calls(CP, 'TransactionEvent').some((c) => c.params.eventType === 'Started' && c.params.transactionInfo.remoteStartId === remoteStartId);
    };
    expect(await start(1, 'LISTED', 1)).toBe(true);
    expect(await start(2, 'STRANGER', 2)).toBe(false);
    expect(await start(2, 'BLOCKED', 3)).toBe(false);
    await setVariables(p, [['AuthCtrlr', 'Enabled', 'false']]);
    expect(await start(3, 'STRANGER', 4)).toBe(true);
    expect(p.calls(CP, 'Authorize')).toEqual([]);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });
});

describe('C12/C13/C15: offline authorization from the list and the cache after a dropped connection', () => {
  const list = [entry('LOCAL1'), entry('LOCKED', 'Blocked'), entry('PAST', 'Accepted', { cacheExpiryDateTime: new Date(Date.now() - 60_000).toISOString() })];
  const CACHE_ON: StationProfile = { ...PROFILE_201, deviceModel: { AuthCacheCtrlr: { Enabled: true } } };

  it('C15.FR.01, C12.FR.04, C13: listed and cached tokens start offline, known-invalid and unknown ones do not; the Started event is delivered after the reconnect', async () => {
    const { p, f } = await withPeer(
      CACHE_ON,
      `description: offline start
connectors: [1]
steps:
  - expect: {call: SendLocalList, within: 10s}
  - authorize: {idTag: CACHED1, expect: Accepted}
  - disconnect: {for: 1500ms, wait: false}
  - wait: 200ms
  - plug
  - authorize: {idTag: STRANGER, expect: Invalid}
  - authorize: {idTag: LOCKED, expect: Blocked}
  - authorize: {idTag: PAST, expect: Expired}
  - authorize: {idTag: CACHED1, expect: Accepted}
  - authorize: {idTag: LOCAL1, expect: Accepted}
  - start: {idTag: LOCAL1, expect: Accepted}
  - charge: 2500ms
  - stop
  - unplug
`,
    );
    expect(await send(p, 1, 'Full', list)).toEqual({ status: 'Accepted' });
    const started = await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started', 0, 8000);
    await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Ended', 0, 8000);
    // Only the online one was asked about; everything offline was decided locally.
    expect(p.calls(CP, 'Authorize').map((c) => c.params.idToken.idToken)).toEqual(['CACHED1']);
    expect(started.params.idToken).toEqual({ idToken: 'LOCAL1', type: 'Local' });
    expect(started.params.offline).toBe(true); // E12: it happened while offline
    expect(started.conn).toBe(1); // delivered on the new connection
    expect(started.at - Date.parse(started.params.timestamp)).toBeGreaterThan(800);
    f.refresh();
    expect(f.stats.total('reconnects')).toBe(1);
    expect(f.stats.total('expectationsFailed')).toBe(0);
    expect(f.stats.total('expectationsPassed')).toBe(8);
    expect(p.sequenceProblems()).toEqual([]);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  }, 15_000);

  it('the CSMS drops the connection while Authorize waits: the cache decides offline (C12.FR.04) and the Started event follows the reconnect', async () => {
    const { p, f } = await withPeer(CACHE_ON);
    await setVariables(p, [['AuthCtrlr', 'AuthorizeRemoteStart', 'true']]);
    const start = (evseId: number, remoteStartId: number) => p.call(CP, 'RequestStartTransaction', { evseId, remoteStartId, idToken: { idToken: 'KNOWN', type: 'Local' } });
    expect(await start(1, 1)).toMatchObject({ status: 'Accepted' }); // asked, and cached
    await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started' && q.transactionInfo.remoteStartId === 1);
    p.respond('Authorize', () => NOREPLY); // from now on the CSMS never answers
    expect(await start(2, 2)).toMatchObject({ status: 'Accepted' });
    await until(() => p.calls(CP, 'Authorize').length === 2, 'the second Authorize');
    await p.drop(CP);
    const started = await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Started' && q.transactionInfo.remoteStartId === 2);
    expect(started.conn).toBe(1); // on the new connection
    expect(started.params.offline).toBe(true);
    expect(p.calls(CP, 'Authorize')).toHaveLength(2);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  });

  it('C13 OfflineTxForUnknownIdEnabled lets an unknown token start offline; LocalAuthorizeOffline false leaves listed tokens to that rule too', async () => {
    const { p, f } = await withPeer(
      PROFILE_201,
      `description: offline unknown
connectors: [1]
steps:
  - expect: {call: SendLocalList, within: 10s}
  - disconnect: {for: 1s, wait: false}
  - wait: 200ms
  - plug
  - authorize: {idTag: STRANGER, expect: Accepted}
  - authorize: {idTag: LOCKED, expect: Blocked}
  - authorize: {idTag: LOCAL1, expect: Accepted}
  - wait: 1500ms
  - disconnect: {for: 1s, wait: false}
  - wait: 200ms
  - authorize: {idTag: STRANGER, expect: Invalid}
  - authorize: {idTag: LOCAL1, expect: Invalid}
  - unplug
`,
    );
    await setVariables(p, [['AuthCtrlr', 'OfflineTxForUnknownIdEnabled', 'true']]);
    expect(await send(p, 1, 'Full', list)).toEqual({ status: 'Accepted' });
    // Back online between the two outages: change the rules for the second.
    await until(() => (p.connections.get(CP)?.length ?? 0) === 2, 'the first reconnect', 5000);
    await setVariables(p, [
      ['AuthCtrlr', 'OfflineTxForUnknownIdEnabled', 'false'],
      ['AuthCtrlr', 'LocalAuthorizeOffline', 'false'],
    ]);
    await until(() => (p.connections.get(CP)?.length ?? 0) === 3, 'the second reconnect', 5000);
    await until(() => (f.refresh(), f.stats.total('expectationsPassed') + f.stats.total('expectationsFailed') === 6), 'the six expectations', 5000);
    expect(f.stats.total('expectationsFailed')).toBe(0);
    expect(p.calls(CP, 'Authorize')).toEqual([]);
    expect(p.failures).toEqual([]);
    expect(problems(f)).toEqual([]);
  }, 15_000);
});
