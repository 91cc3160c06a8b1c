/**
 * Issue #12's small gaps, end to end against ocpp-rpc's strict (schema-validating) 2.0.1 server:
 * - a profile's own monitors (N03/N04 hard-wired and preconfigured) in NotifyMonitoringReport, refused
 *   changes to the hard-wired one, and bad `monitors:` entries reported at file:line:col;
 * - EVSE Temperature (ambient + heating with power), a HighTemperature fault crossing the profile's
 *   hard-wired threshold: NotifyEvent (N07) Alerting, then cleared on recovery.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../src/scheduler/fleet.js';
import { loadScenario } from '../../src/scenario/parse.js';
import type { StationProfile } from '../../src/station/profile.js';
import { checkProfileFile, loadProfile } from '../../src/profile/load.js';
import { until } from '../helpers/fleet.js';
import type { Received, StrictPeer201 } from '../helpers/ocpp-rpc-peer-201.js';
import { CP, oneStationPerTest } from '../helpers/one-station-201.js';

/** A shipped profile with monitors of its own (profiles/alpitronic-hyc300.yaml), run as 2.0.1. */
const HYC300: StationProfile = { ...loadProfile('alpitronic-hyc300'), ocppVersions: ['2.0.1'], meterValueSampleInterval: 1 };

const dir = mkdtempSync(join(tmpdir(), 'ocpp-sim-gaps12-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = oneStationPerTest({ profile: HYC300 }, { NotifyMonitoringReport: () => ({}) });
const setup = async (overrides: Partial<FleetConfig> = {}): Promise<StrictPeer201> => (await start(overrides)).p;

let files = 0;
function scenario(yaml: string) {
  const file = join(dir, `s${++files}.yaml`);
  writeFileSync(file, yaml);
  return loadScenario(file);
}

async function arrives(p: StrictPeer201, method: string, pred: (params: any) => boolean = () => true, timeoutMs = 5000): Promise<Received> {
  const find = () => p.received.find((r) => r.identity === CP && r.method === method && pred(r.params));
  await until(() => find() !== undefined, `${method} from ${CP}`, timeoutMs);
  return find()!;
}

function events(p: StrictPeer201): any[] {
  return p.received.filter((r) => r.identity === CP && r.method === 'NotifyEvent').flatMap((r) => r.params.eventData);
}

const TEMP_1 = { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Temperature' } };

describe('N03/N04: a profile’s hard-wired and preconfigured monitors', () => {
  it('GetMonitoringReport lists them with their types; the hard-wired one cannot be changed or cleared', async () => {
    const p = await setup();
    expect((await p.call(CP, 'GetMonitoringReport', { requestId: 3, monitoringCriteria: ['ThresholdMonitoring', 'DeltaMonitoring'] })).status).toBe('Accepted');
    const parts: any[] = [];
    await until(() => {
      parts.splice(0, parts.length, ...p.received.filter((r) => r.method === 'NotifyMonitoringReport' && r.params.requestId === 3).map((r) => r.params));
      return parts.some((q) => q.tbc === false);
    }, 'the report');
    const monitors = parts.flatMap((q) => q.monitor ?? []);
    const temp = monitors.find((m) => m.variable.name === 'Temperature' && m.component.evse?.id === 1);
    expect(temp).toMatchObject({ ...TEMP_1, variableMonitoring: [{ type: 'UpperThreshold', value: 80, severity: 2, transaction: false }] });
    expect(monitors.filter((m) => m.variable.name === 'Temperature')).toHaveLength(2); // both EVSEs
    const states = monitors.filter((m) => m.component.name === 'Connector' && m.variable.name === 'AvailabilityState');
    expect(states).toHaveLength(2);
    expect(states[0].variableMonitoring).toEqual([expect.objectContaining({ type: 'Delta', value: 0, severity: 8 })]);
    // Hard-wired: Rejected on a change or a clear (the CSMS can neither); the preconfigured one is the CSMS's to clear.
    const hwId = temp.variableMonitoring[0].id;
    const set = await p.call(CP, 'SetVariableMonitoring', { setMonitoringData: [{ id: hwId, value: 60, type: 'UpperThreshold', severity: 2, ...TEMP_1 }] });
    expect(set.setMonitoringResult[0]).toMatchObject({ status: 'Rejected' });
    const pcId = states[0].variableMonitoring[0].id;
    const clear = await p.call(CP, 'ClearVariableMonitoring', { id: [hwId, pcId] });
    expect(clear.clearMonitoringResult).toEqual([
      expect.objectContaining({ id: hwId, status: 'Rejected' }),
      { id: pcId, status: 'Accepted' },
    ]);
    expect(p.failures).toEqual([]);
  });

  it('bad monitors: entries are refused at file:line:col', () => {
    const d = join(dir, 'profiles');
    mkdirSync(d, { recursive: true });
    const file = join(d, 'x.yaml');
    writeFileSync(
      file,
      `description: x
identity: { vendor: V, model: M }
ocpp: ["2.0.1"]
connectors:
  - { type: Type2, current: AC, maxPowerW: 22000, evse: 1 }
deviceModel:
  Connector:
    AvailabilityState:
      monitors:
        - { type: UpperThreshold, value: 1, severity: 2 }
  EVSE:
    Temperature:
      monitors:
        - { type: Periodic, value: 60, severity: 12, origin: Factory }
`,
    );
    const issues = checkProfileFile(file).map((i) => [i.line, i.field, i.message]);
    expect(issues).toEqual([
      [10, 'deviceModel.Connector.AvailabilityState.monitors[0].type', 'AvailabilityState is OptionList: no threshold'],
      [14, 'deviceModel.EVSE.Temperature.monitors[0].type', "'Periodic' is not one of UpperThreshold, LowerThreshold, Delta"],
      [14, 'deviceModel.EVSE.Temperature.monitors[0].severity', 'must be an integer 0-9'],
      [14, 'deviceModel.EVSE.Temperature.monitors[0].origin', "'Factory' is not one of HardWiredMonitor, PreconfiguredMonitor"],
    ]);
  });
});

describe('EVSE Temperature: ambient, heating with power, a HighTemperature fault', () => {
  it('reads 15-25 °C idle and more while charging; the fault crosses the hard-wired 80 °C and its recovery clears it (N07)', { timeout: 15_000 }, async () => {
    const p = await setup({
      scenario: scenario(`description: charge, overheat, recover
connectors: [1]
steps:
  - wait: 1500ms
  - plug
  - start: {idTag: TAG201}
  - charge: 2s
  - fault: {errorCode: HighTemperature}
  - wait: 1s
  - recover
  - wait: 1h
`),
    });
    const read = async () => {
      const r = await p.call(CP, 'GetVariables', { getVariableData: [TEMP_1, { ...TEMP_1, component: { name: 'EVSE', evse: { id: 2 } } }] });
      return r.getVariableResult.map((x: any) => Number(x.attributeValue));
    };
    const [idle1, idle2] = await read();
    expect(idle1).toBeGreaterThanOrEqual(15);
    expect(idle1).toBeLessThanOrEqual(25);
    expect(idle2).toBe(idle1); // one ambient per charge point
    await arrives(p, 'TransactionEvent', (q) => q.eventType === 'Updated' && q.meterValue !== undefined);
    const [charging1, charging2] = await read();
    expect(charging1).toBeGreaterThan(idle1);
    expect(charging2).toBe(idle1);
    const alert = await arrives(p, 'NotifyEvent', (q) => q.eventData.some((e: any) => e.variable.name === 'Temperature'));
    const e = alert.params.eventData.find((x: any) => x.variable.name === 'Temperature');
    expect(e).toMatchObject({ ...TEMP_1, trigger: 'Alerting', eventNotificationType: 'HardWiredMonitor' });
    expect(Number(e.actualValue)).toBeGreaterThan(80);
    expect(e.cleared).toBeUndefined();
    await until(() => events(p).some((x) => x.variable.name === 'Temperature' && x.cleared === true), 'the clearing', 5000);
    const cleared = events(p).find((x) => x.variable.name === 'Temperature' && x.cleared === true);
    expect(Number(cleared.actualValue)).toBeLessThanOrEqual(80);
    expect(cleared.variableMonitoringId).toBe(e.variableMonitoringId);
    // The preconfigured outlet-state delta saw the fault too.
    expect(events(p)).toEqual(expect.arrayContaining([expect.objectContaining({ trigger: 'Delta', actualValue: 'Faulted', eventNotificationType: 'PreconfiguredMonitor' })]));
    expect(p.failures).toEqual([]);
  });
});
