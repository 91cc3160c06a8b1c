/** GetBaseReport (OCPP 2.0.1 B07), GetReport (B08) and their NotifyReport parts. */
import { describe, expect, it } from 'vitest';
import {
  answerGetBaseReport,
  answerGetReport,
  baseReport,
  customReport,
  notifyReportParts,
  setVariables,
  type LiveValues,
} from '../../src/ocpp201/device-model/index.js';
import type { GetReportRequest, NotifyReportRequest, ReportBaseEnumType, ReportDataType } from '../../src/ocpp201/generated/types.gen.js';
import { validator201 } from '../../src/ocpp201/schemas.js';
import { expectValidRequest, expectValidResponse, model } from './device-model-fixture.js';

const dm = model();
const NOW = '2024-05-01T12:00:00.000Z';

const names = (entries: ReportDataType[]) =>
  entries.map((e) => {
    const tier = e.component.evse ? `@${e.component.evse.id}${e.component.evse.connectorId === undefined ? '' : `.${e.component.evse.connectorId}`}` : '';
    return `${e.component.name}${tier}.${e.variable.name}${e.variable.instance ? `[${e.variable.instance}]` : ''}`;
  });

/** A GetReport as a CSMS sends it: request and response schema-checked. */
function getReport(request: GetReportRequest, live?: LiveValues, state = null as Parameters<typeof answerGetReport>[1]) {
  expectValidRequest('GetReport', request);
  const answer = answerGetReport(dm, state, request, { live });
  expectValidResponse('GetReport', answer.response);
  return answer;
}

describe('GetBaseReport', () => {
  it.each(['ConfigurationInventory', 'FullInventory', 'SummaryInventory'] as ReportBaseEnumType[])('accepts %s (B07.FR.01, B07.FR.12)', (reportBase) => {
    expectValidRequest('GetBaseReport', { requestId: 7, reportBase });
    const { response, reportData } = answerGetBaseReport(dm, null, { requestId: 7, reportBase });
    expectValidResponse('GetBaseReport', response);
    expect(response.status).toBe('Accepted');
    expect(reportData!.length).toBeGreaterThan(0);
  });

  it('FullInventory: every component-variable, every supported attribute even unset, with characteristics (B07.FR.08, B07.FR.11)', () => {
    const full = baseReport(dm, null, 'FullInventory');
    expect(full).toHaveLength(dm.variables.length);
    for (const e of full) expect(e.variableCharacteristics).toBeDefined();
    const components = new Set(full.map((e) => e.component.name));
    for (const c of [
      'OCPPCommCtrlr', 'TxCtrlr', 'SampledDataCtrlr', 'AlignedDataCtrlr', 'AuthCtrlr', 'AuthCacheCtrlr', 'DeviceDataCtrlr', 'SecurityCtrlr',
      'ClockCtrlr', 'LocalAuthListCtrlr', 'ReservationCtrlr', 'SmartChargingCtrlr', 'TariffCostCtrlr', 'MonitoringCtrlr', 'DisplayMessageCtrlr',
      'ISO15118Ctrlr', 'ChargingStation', 'EVSE', 'Connector',
    ]) {
      expect(components, c).toContain(c);
    }
    const power = full.find((e) => e.component.name === 'EVSE' && e.component.evse?.id === 2 && e.variable.name === 'Power')!;
    expect(power.variableAttribute.map((a) => [a.type, a.value, a.mutability])).toEqual([
      ['Actual', '0', 'ReadOnly'],
      ['MaxSet', '22000', 'ReadOnly'],
    ]);
    expect(power.variableCharacteristics).toMatchObject({ dataType: 'decimal', unit: 'W', maxLimit: 22000 });
    const timeZone = full.find((e) => e.variable.name === 'TimeZone')!;
    expect(timeZone.variableAttribute[0]).toMatchObject({ type: 'Actual', value: '', mutability: 'ReadWrite', persistent: true });
  });

  it('never reports the value of a WriteOnly variable, even once set (B07.FR.03, errata 2025-09 §2.10)', () => {
    const { state } = setVariables(dm, null, [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: 'Abcdefgh12345678xyz' }]);
    for (const base of ['FullInventory', 'ConfigurationInventory'] as const) {
      const entry = baseReport(dm, state, base).find((e) => e.variable.name === 'BasicAuthPassword')!;
      expect(entry.variableAttribute).toEqual([{ type: 'Actual', mutability: 'WriteOnly', persistent: true, constant: false }]);
    }
    expect(JSON.stringify(baseReport(dm, state, 'FullInventory'))).not.toContain('Abcdefgh12345678xyz');
  });

  it('ConfigurationInventory: only what the operator can set, with characteristics (B07.FR.07)', () => {
    const config = baseReport(dm, null, 'ConfigurationInventory');
    expect(config.length).toBeGreaterThan(20);
    expect(config.length).toBeLessThan(dm.variables.length);
    for (const e of config) {
      expect(e.variableCharacteristics).toBeDefined();
      for (const a of e.variableAttribute) expect(['ReadWrite', 'WriteOnly']).toContain(a.mutability);
    }
    expect(names(config)).toContain('OCPPCommCtrlr.HeartbeatInterval');
    expect(names(config)).not.toContain('DeviceDataCtrlr.ItemsPerMessage[GetReport]');
    expect(names(config)).not.toContain('EVSE@1.Power');
  });

  it('SummaryInventory: availability of station, EVSEs, connectors that differ from their EVSE, and problems (B07.FR.09)', () => {
    expect(names(baseReport(dm, null, 'SummaryInventory'))).toEqual(['ChargingStation.AvailabilityState', 'EVSE@1.AvailabilityState', 'EVSE@2.AvailabilityState']);
    const live: LiveValues = {
      liveValue: (v) => {
        const at = v.component.component.evse;
        if (v.variable.name === 'AvailabilityState' && at?.id === 2) return at.connectorId === undefined ? 'Occupied' : 'Faulted';
        if (v.variable.name === 'Problem' && at?.id === 2 && at.connectorId === 1) return 'true';
        return undefined;
      },
    };
    const summary = baseReport(dm, null, 'SummaryInventory', live);
    expect(names(summary)).toEqual([
      'ChargingStation.AvailabilityState',
      'EVSE@1.AvailabilityState',
      'EVSE@2.AvailabilityState',
      'Connector@2.1.AvailabilityState',
      'Connector@2.1.Problem',
    ]);
    expect(summary[3].variableAttribute[0].value).toBe('Faulted');
  });

  it('answers NotSupported for a base the model leaves out, Rejected while busy, with no report (B07.FR.02, B07.FR.05, B07.FR.13)', () => {
    const noSummary = model({ summaryInventory: false });
    const unsupported = answerGetBaseReport(noSummary, null, { requestId: 1, reportBase: 'SummaryInventory' });
    expectValidResponse('GetBaseReport', unsupported.response);
    expect(unsupported).toMatchObject({ response: { status: 'NotSupported' }, reportData: null });
    const busy = answerGetBaseReport(dm, null, { requestId: 1, reportBase: 'FullInventory' }, { busy: true });
    expectValidResponse('GetBaseReport', busy.response);
    expect(busy).toMatchObject({ response: { status: 'Rejected' }, reportData: null });
  });

  it('shares the model\'s entries between charge points, and builds fresh ones only for values that differ', () => {
    const a = baseReport(dm, null, 'FullInventory');
    const b = baseReport(dm, null, 'FullInventory');
    const hb = a.findIndex((e) => e.variable.name === 'HeartbeatInterval');
    expect(b[hb]).toBe(a[hb]);
    const { state } = setVariables(dm, null, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '77' }]);
    const c = baseReport(dm, state, 'FullInventory');
    expect(c[hb]).not.toBe(a[hb]);
    expect(c[hb].variableAttribute[0].value).toBe('77');
    expect(a[hb].variableAttribute[0].value).toBe('300');
  });
});

describe('GetReport', () => {
  it('reports the named component-variables, with characteristics (B08.FR.11, B08.FR.12)', () => {
    const { response, reportData } = getReport({ requestId: 3, componentVariable: [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' } }] });
    expect(response.status).toBe('Accepted');
    expect(names(reportData!)).toEqual(['EVSE@1.AvailabilityState']);
    expect(reportData![0].variableCharacteristics).toMatchObject({ dataType: 'OptionList', valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted' });
  });

  it('widens what is left out: every variable, instance, EVSE, connector (B08.FR.20–23, B08.FR.25)', () => {
    const cases: [GetReportRequest['componentVariable'], string[]][] = [
      [[{ component: { name: 'ReservationCtrlr' } }], ['ReservationCtrlr.Available', 'ReservationCtrlr.Enabled', 'ReservationCtrlr.NonEvseSpecific']],
      [[{ component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage' } }], ['DeviceDataCtrlr.ItemsPerMessage[GetReport]', 'DeviceDataCtrlr.ItemsPerMessage[GetVariables]', 'DeviceDataCtrlr.ItemsPerMessage[SetVariables]']],
      [[{ component: { name: 'DeviceDataCtrlr' }, variable: { name: 'itemspermessage', instance: 'getreport' } }], ['DeviceDataCtrlr.ItemsPerMessage[GetReport]']],
      [[{ component: { name: 'EVSE' }, variable: { name: 'AvailabilityState' } }], ['EVSE@1.AvailabilityState', 'EVSE@2.AvailabilityState']],
      [[{ component: { name: 'Connector', evse: { id: 2 } }, variable: { name: 'ConnectorType' } }], ['Connector@2.1.ConnectorType']],
      [[{ component: { name: 'connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'SUPPLYPHASES' } }], ['Connector@1.1.SupplyPhases']],
      [
        [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }, { component: { name: 'TxCtrlr' }, variable: { name: 'TxStopPoint' } }],
        ['OCPPCommCtrlr.HeartbeatInterval', 'TxCtrlr.TxStopPoint'],
      ],
    ];
    for (const [componentVariable, expected] of cases) expect(names(getReport({ requestId: 1, componentVariable }).reportData!), JSON.stringify(componentVariable)).toEqual(expected);
  });

  it('filters by criteria, any of them (B08.FR.07–10, B08.FR.13)', () => {
    const enabled = names(getReport({ requestId: 1, componentCriteria: ['Enabled'] }).reportData!);
    // AuthCacheCtrlr and ISO15118Ctrlr are disabled by default; ChargingStation has no Enabled.
    expect(enabled).toContain('ChargingStation.Model');
    expect(enabled).toContain('OCPPCommCtrlr.HeartbeatInterval');
    expect(enabled.some((n) => n.startsWith('AuthCacheCtrlr.'))).toBe(false);
    expect(getReport({ requestId: 1, componentCriteria: ['Problem'] })).toMatchObject({ response: { status: 'EmptyResultSet' }, reportData: null });
    const live: LiveValues = { liveValue: (v) => (v.variable.name === 'Problem' && v.component.component.evse?.id === 2 && v.component.component.evse.connectorId === undefined ? 'true' : undefined) };
    const problems = names(getReport({ requestId: 1, componentCriteria: ['Problem'] }, live).reportData!);
    expect(problems.every((n) => n.startsWith('EVSE@2.'))).toBe(true);
    const either = names(getReport({ requestId: 1, componentCriteria: ['Problem', 'Enabled'] }, live).reportData!);
    expect(either).toEqual(expect.arrayContaining([...problems, ...enabled]));
  });

  it('reports what matches both criteria and component-variables, EmptyResultSet when nothing does (B08.FR.05, B08.FR.15)', () => {
    const evse1 = [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' } }];
    expect(getReport({ requestId: 1, componentCriteria: ['Available'], componentVariable: evse1 }).response.status).toBe('Accepted');
    expect(getReport({ requestId: 2, componentCriteria: ['Problem'], componentVariable: evse1 })).toMatchObject({ response: { status: 'EmptyResultSet' }, reportData: null });
    expect(getReport({ requestId: 3, componentVariable: [{ component: { name: 'NoSuchCtrlr' } }] }).response.status).toBe('EmptyResultSet');
  });

  it('answers NotSupported for a criterion the model does not support, Rejected while busy (B08.FR.02, B08.FR.16)', () => {
    const fewer = model({ criteria: ['Available', 'Enabled'] });
    const unsupported = answerGetReport(fewer, null, { requestId: 1, componentCriteria: ['Available', 'Problem'] });
    expectValidResponse('GetReport', unsupported.response);
    expect(unsupported).toMatchObject({ response: { status: 'NotSupported', statusInfo: { reasonCode: 'UnsupportedParam' } }, reportData: null });
    expect(answerGetReport(dm, null, { requestId: 1 }, { busy: true }).response.status).toBe('Rejected');
  });

  it('without criteria or component-variables reports everything', () => {
    expect(customReport(dm, null, undefined, undefined)).toHaveLength(dm.variables.length);
  });
});

describe('notifyReportParts', () => {
  const full = baseReport(dm, null, 'FullInventory');
  const bytes = (p: NotifyReportRequest) => Buffer.byteLength(JSON.stringify(p));

  function checkParts(parts: NotifyReportRequest[], requestId: number, entries: ReportDataType[], maxBytes: number, maxItems = Infinity) {
    parts.forEach((p, i) => {
      expectValidRequest('NotifyReport', p);
      expect(p.requestId).toBe(requestId); // B07.FR.04, B08.FR.04
      expect(p.seqNo).toBe(i); // B07.FR.10: from 0, no gaps
      expect(p.tbc).toBe(i < parts.length - 1);
      expect(p.generatedAt).toBe(NOW);
      expect(bytes(p)).toBeLessThanOrEqual(maxBytes);
      expect(p.reportData!.length).toBeLessThanOrEqual(maxItems);
    });
    expect(parts.flatMap((p) => p.reportData!)).toEqual(entries); // nothing lost, nothing repeated, in order
  }

  it.each([1200, 2000, 4096, 10_000, 65_536])('splits a FullInventory under %i bytes, seqNo from 0, tbc on all but the last', (maxBytes) => {
    const parts = notifyReportParts(42, full, { maxBytes }, NOW);
    checkParts(parts, 42, full, maxBytes);
    if (maxBytes < 10_000) expect(parts.length).toBeGreaterThan(1);
    // As few parts as the limit allows: no part could have taken the next part's first entry.
    for (let i = 0; i < parts.length - 1; i++) {
      const grown = { ...parts[i], reportData: [...parts[i].reportData!, parts[i + 1].reportData![0]] };
      expect(bytes(grown)).toBeGreaterThan(maxBytes);
    }
  });

  it('honours an item limit too', () => {
    const parts = notifyReportParts(1, full, { maxBytes: 1_000_000, maxItems: 25 }, NOW);
    checkParts(parts, 1, full, 1_000_000, 25);
    expect(parts).toHaveLength(Math.ceil(full.length / 25));
  });

  it('counts bytes, not characters, of non-ASCII values', () => {
    const { state } = setVariables(dm, null, [{ component: { name: 'TariffCostCtrlr' }, variable: { name: 'TariffFallbackMessage' }, attributeValue: 'Tarif: 0,35 €/kWh — ünïcödé ✓'.repeat(8) }]);
    const entries = baseReport(dm, state, 'FullInventory');
    checkParts(notifyReportParts(9, entries, { maxBytes: 1500 }, NOW), 9, entries, 1500);
  });

  it('sends one part for a small report, and one without reportData for an empty one', () => {
    const summary = baseReport(dm, null, 'SummaryInventory');
    const [only] = notifyReportParts(5, summary, { maxBytes: 65_536 }, NOW);
    expect(only).toMatchObject({ requestId: 5, seqNo: 0, tbc: false });
    expectValidRequest('NotifyReport', only);
    const [empty, ...more] = notifyReportParts(6, [], { maxBytes: 100 }, NOW);
    expect(more).toEqual([]);
    expect(empty).toEqual({ requestId: 6, generatedAt: NOW, seqNo: 0, tbc: false });
    expectValidRequest('NotifyReport', empty);
  });

  it('sends an entry larger than the limit by itself', () => {
    const parts = notifyReportParts(1, full.slice(0, 3), { maxBytes: 50 }, NOW);
    expect(parts.map((p) => p.reportData!.length)).toEqual([1, 1, 1]);
    expect(parts.map((p) => p.tbc)).toEqual([true, true, false]);
  });

  it('is checked by the official schemas, which do refuse a malformed part', () => {
    const [part] = notifyReportParts(1, full.slice(0, 2), { maxBytes: 65_536 }, NOW);
    const v = validator201();
    expect(v.request('NotifyReport', part)).toBeNull();
    expect(v.request('NotifyReport', { ...part, reportData: [] })).not.toBeNull(); // minItems 1
    expect(v.request('NotifyReport', { ...part, seqNo: undefined })).not.toBeNull();
    const badAttribute = { ...full[0], variableAttribute: [{ ...full[0].variableAttribute[0], type: 'Average' }] };
    expect(v.request('NotifyReport', { ...part, reportData: [badAttribute] })).not.toBeNull();
  });

  it('refuses limits that cannot be met', () => {
    expect(() => notifyReportParts(1, full, { maxBytes: 0 }, NOW)).toThrow(RangeError);
    expect(() => notifyReportParts(1, full, { maxBytes: 100, maxItems: 0 }, NOW)).toThrow(RangeError);
  });
});
