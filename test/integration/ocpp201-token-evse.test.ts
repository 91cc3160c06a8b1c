/**
 * OCPP 2.0.1 IdTokenInfoType.evseId — a token "only valid for one or more specific EVSEs, not for the
 * entire Charging Station" — over loopback sockets against the strict ocpp-rpc 2.0.1 peer: whether the
 * CSMS says it in an Authorize answer (C01), in a local list entry (D01, decided locally with
 * LocalPreAuthorize, C13) or in a TransactionEvent answer (E01), the token is not accepted at another EVSE.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/parse.js';
import type { Fleet } from '../../src/scheduler/fleet.js';
import { DEFAULT_DRIVER, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';
import { startTestFleet, until } from '../helpers/fleet.js';
import { StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';

const CP = 'TEST001';
const PROFILE_201: StationProfile = { ...DEFAULT_PROFILE, name: 'token-evse-201', ocppVersions: ['2.0.1'] };
const QUIET_DRIVER = { ...DEFAULT_DRIVER, idleMinS: 3600, idleMaxS: 3600, sessionMinS: 3600, sessionMaxS: 3600 };
const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-tokevse201-'));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withPeer(profile: StationProfile, scenarioYaml?: string, before?: (p: StrictPeer201) => void): Promise<{ p: StrictPeer201; f: Fleet }> {
  const p = await StrictPeer201.start();
  cleanups.push(() => p.close());
  before?.(p);
  let scenario;
  if (scenarioYaml !== undefined) {
    const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, scenarioYaml);
    scenario = loadScenario(file, '2.0.1');
  }
  const f = startTestFleet(p.url, { count: 1, driver: QUIET_DRIVER, profile, ...(scenario ? { scenario } : {}) });
  cleanups.push(() => f.stop());
  await until(() => p.calls(CP, 'StatusNotification').length >= profile.connectors.length, 'the boot and every connector reported');
  return { p, f };
}

const token = (idToken: string) => ({ idToken, type: 'Local' });
/** Connector 1 (EVSE 1) presents `idTag` 1.5 s into the run and expects `status`. */
const badgeAtEvse1 = (idTag: string, status: string) =>
  ['description: a token at EVSE 1', 'connectors: [1]', 'steps:', '  - wait: 1500ms', `  - authorize: {idTag: ${idTag}, expect: ${status}}`, ''].join('\n');
const started = (p: StrictPeer201) => p.calls(CP, 'TransactionEvent').filter((c) => c.params.eventType === 'Started');

function expectations(f: Fleet): { passed: number; problems: string[] } {
  f.refresh();
  return { passed: f.stats.total('expectationsPassed'), problems: f.stats.problems };
}

describe('IdTokenInfoType.evseId: a token valid at some EVSEs only', () => {
  it('an Authorize answer valid at EVSE 2 only: refused at EVSE 1 (NotAtThisLocation), a start at EVSE 2 goes ahead', async () => {
    const profile: StationProfile = { ...PROFILE_201, deviceModel: { AuthCtrlr: { AuthorizeRemoteStart: true } } };
    const { p, f } = await withPeer(profile, badgeAtEvse1('ALICE', 'NotAtThisLocation'), (peer) =>
      peer.respond('Authorize', () => ({ idTokenInfo: { status: 'Accepted', evseId: [2] } })),
    );
    await until(() => p.calls(CP, 'Authorize').length === 1, 'ALICE badges at EVSE 1', 4000);
    expect(await p.call(CP, 'RequestStartTransaction', { idToken: token('ALICE'), remoteStartId: 7, evseId: 2 })).toMatchObject({ status: 'Accepted' });
    await until(() => started(p).length === 1, 'the start at EVSE 2');
    expect(started(p)[0].params).toMatchObject({ evse: { id: 2 }, idToken: token('ALICE') });
    expect(p.calls(CP, 'Authorize')).toHaveLength(2); // AuthorizeRemoteStart: asked again for EVSE 2
    expect(expectations(f)).toEqual({ passed: 1, problems: [] }); // the scenario's expect NotAtThisLocation held
    expect(p.failures).toEqual([]);
  });

  it('a local list entry valid at EVSE 1 only, LocalPreAuthorize: decided at the station, refused at EVSE 2 and accepted at EVSE 1 without an Authorize', async () => {
    const profile: StationProfile = { ...PROFILE_201, deviceModel: { AuthCtrlr: { LocalPreAuthorize: true } } };
    const yaml = ['description: a listed token at EVSE 2', 'connectors: [2]', 'steps:', '  - wait: 1500ms', '  - authorize: {idTag: OWNER, expect: NotAtThisLocation}', '  - wait: 200ms', '  - authorize: {idTag: GUEST, expect: Accepted}', ''].join('\n');
    const { p, f } = await withPeer(profile, yaml);
    const list = [
      { idToken: token('OWNER'), idTokenInfo: { status: 'Accepted', evseId: [1] } },
      { idToken: token('GUEST'), idTokenInfo: { status: 'Accepted' } },
    ];
    expect(await p.call(CP, 'SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: list })).toEqual({ status: 'Accepted' });
    await until(() => expectations(f).passed + expectations(f).problems.length === 2, 'both badges', 4000);
    expect(expectations(f)).toEqual({ passed: 2, problems: [] });
    expect(p.calls(CP, 'Authorize')).toEqual([]); // both decided by the list
    // At EVSE 1 the owner's entry is good (a remote start authorized locally, AuthorizeRemoteStart).
    expect(
      (await p.call(CP, 'SetVariables', { setVariableData: [{ component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' }, attributeValue: 'true' }] })).setVariableResult[0]
        .attributeStatus,
    ).toBe('Accepted');
    expect(await p.call(CP, 'RequestStartTransaction', { idToken: token('OWNER'), remoteStartId: 8, evseId: 1 })).toMatchObject({ status: 'Accepted' });
    await until(() => started(p).length === 1, 'the owner starts at EVSE 1');
    expect(started(p)[0].params.evse.id).toBe(1);
    expect(p.calls(CP, 'Authorize')).toEqual([]);
    expect(p.failures).toEqual([]);
  });

  it('a TransactionEvent answer valid at EVSE 2 only ends a transaction at EVSE 1 (StopTxOnInvalidId: DeAuthorized)', async () => {
    const { p } = await withPeer(PROFILE_201, undefined, (peer) =>
      peer.respond('TransactionEvent', (call) => (call.params.idToken !== undefined ? { idTokenInfo: { status: 'Accepted', evseId: [2] } } : undefined)),
    );
    expect(await p.call(CP, 'RequestStartTransaction', { idToken: token('ALICE'), remoteStartId: 9, evseId: 1 })).toMatchObject({ status: 'Accepted' });
    const ended = () => p.calls(CP, 'TransactionEvent').find((c) => c.params.eventType === 'Ended');
    await until(() => ended() !== undefined, 'the transaction ends');
    expect(ended()!.params).toMatchObject({ evse: { id: 1 }, transactionInfo: { stoppedReason: 'DeAuthorized' } });
    expect(p.failures).toEqual([]);
  });
});
