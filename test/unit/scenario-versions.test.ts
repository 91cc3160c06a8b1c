/**
 * One scenario, either OCPP version (issue #11): a program as written is checked and compiled for
 * the version of the charge points that run it (src/scenario/version-check.ts, versions.ts) — CSMS
 * calls translated, steps that do not apply rejected at their file:line:col with what to use instead.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/config/errors.js';
import { builtinScenarios, checkScenarioFile, compileScenarioText, loadScenario, readScenario } from '../../src/scenario/parse.js';
import { Op } from '../../src/scenario/program.js';
import { checkProgramForVersion, programForVersion } from '../../src/scenario/version-check.js';
import { answerStatuses, callIn, SCENARIO_VERSIONS, scenarioVersion, tokenStatuses, VERSION_NAMES } from '../../src/scenario/versions.js';

const v16 = scenarioVersion('1.6')!;
const v201 = scenarioVersion('2.0.1')!;
const show = (issues: ConfigIssue[]) => issues.map((i) => `${i.line}:${i.col} ${i.field}: ${i.message}`);
const scenario = (steps: string, head = '') => compileScenarioText('s.yaml', `description: d\n${head}steps:\n${steps}`);
const calls = (p: { instrs: { action?: string }[] }) => p.instrs.map((i) => i.action);

describe('the versions a scenario knows', () => {
  it('are 1.6 and 2.0.1, each with its own actions, statuses and token length', () => {
    expect(VERSION_NAMES).toEqual(['1.6', '2.0.1']);
    expect(v16.csmsActions).toContain('RemoteStartTransaction');
    expect(v16.csmsActions).not.toContain('RequestStartTransaction');
    expect(v201.csmsActions).toContain('RequestStartTransaction');
    expect(v201.cpActions).toContain('TransactionEvent');
    expect(v201.cpActions).not.toContain('StartTransaction');
    // DataTransfer goes either way in both.
    for (const v of SCENARIO_VERSIONS) expect([v.cpActions.includes('DataTransfer'), v.csmsActions.includes('DataTransfer')]).toEqual([true, true]);
    expect(tokenStatuses(v16)).toEqual(['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']);
    expect(tokenStatuses(v201)).toEqual(['Accepted', 'Blocked', 'ConcurrentTx', 'Expired', 'Invalid', 'NoCredit', 'NotAllowedTypeEVSE', 'NotAtThisLocation', 'NotAtThisTime', 'Unknown']);
    expect([v16.tokenMaxLength, v201.tokenMaxLength]).toEqual([20, 36]);
  });

  it('read answer statuses from each version schemas (a 2.0.1 $ref followed)', () => {
    expect(answerStatuses(v16, 'DataTransfer')).toEqual(['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId']);
    expect(answerStatuses(v201, 'DataTransfer')).toEqual(['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId']);
    expect(answerStatuses(v16, 'Heartbeat')).toEqual(['Accepted']); // no status: Accepted when answered
    expect(answerStatuses(v16, 'TransactionEvent')).toBeUndefined();
  });

  it('translate every CSMS call to an action the target version has, or to none', () => {
    for (const from of SCENARIO_VERSIONS) {
      for (const action of from.csmsActions) {
        for (const to of SCENARIO_VERSIONS) {
          const target = callIn(action, to);
          if (target !== undefined) expect(to.csmsActions, `${action} → ${to.version}`).toContain(target);
        }
      }
    }
  });
});

describe('compiling for a version', () => {
  const STEPS = [
    'RemoteStartTransaction',
    'RemoteStopTransaction',
    'ChangeConfiguration',
    'GetConfiguration',
    'GetDiagnostics',
    'ExtendedTriggerMessage',
    'SignedUpdateFirmware',
    'UpdateFirmware',
    'Reset',
    'TriggerMessage',
    'GetLog',
    'DataTransfer',
  ];
  const written = scenario(STEPS.map((a) => `  - expect: {call: ${a}, within: 1m}\n`).join(''));

  it('waits on a 2.0.1 charge point for the call of the same concept under its 2.0.1 name', () => {
    const p = programForVersion(written, '2.0.1');
    expect(calls(p)).toEqual([
      'RequestStartTransaction',
      'RequestStopTransaction',
      'SetVariables',
      'GetVariables',
      'GetLog',
      'TriggerMessage',
      'UpdateFirmware',
      'UpdateFirmware',
      'Reset',
      'TriggerMessage',
      'GetLog',
      'DataTransfer',
    ]);
    expect(p.version).toBe('2.0.1');
    expect(p).not.toHaveProperty('sites'); // the program a run ships to its workers stays small
    expect(calls(written)).toEqual(STEPS); // the program as written is left as it was
    expect(p.instrs[8]).toBe(written.instrs[8]); // an unchanged step is shared, not copied
  });

  it('takes 2.0.1 names on a 1.6 charge point, a name 1.6 has itself meaning its own action', () => {
    const p = programForVersion(scenario('  - expect: {call: RequestStartTransaction, within: 1m}\n  - respond: {action: SetVariables, default: true}\n  - expect: {call: GetLog, within: 1m}\n'), '1.6');
    expect(calls(p)).toEqual(['RemoteStartTransaction', 'ChangeConfiguration', 'GetLog']);
    expect(p.instrs.map((i) => i.op)).toEqual([Op.ExpectCall, Op.Respond, Op.ExpectCall]);
  });

  it('on 1.6, the program is the one as written (what runs today)', () => {
    expect(programForVersion(written, '1.6').instrs).toEqual(written.instrs);
    expect(loadScenario('remote-start-stop').instrs).toEqual(readScenario('remote-start-stop').instrs);
    expect(calls(loadScenario('remote-start-stop', '2.0.1')).filter(Boolean)).toEqual(['RequestStartTransaction', 'RequestStopTransaction']);
  });

  it('compiles once: a program already bound to a version is not bound to another', () => {
    const p = programForVersion(written, '2.0.1');
    expect(programForVersion(p, '2.0.1')).toBe(p);
    expect(() => programForVersion(p, '1.6')).toThrow(/compiled for OCPP 2\.0\.1/);
  });
});

describe('steps that do not apply to the version', () => {
  const mixed = scenario(
    [
      '  - send: {action: StartTransaction, payload: {connectorId: 1, idTag: A, meterStart: 0, timestamp: "2024-01-01T00:00:00Z"}}',
      '  - send: {action: StatusNotification, payload: {connectorId: 1, errorCode: NoError, status: Available}}',
      '  - send: {action: DataTransfer, payload: {vendorId: x}, expect: UnknownVendorId}',
      '  - send: {action: NotifyEvent, payload: {generatedAt: "2024-01-01T00:00:00Z", seqNo: 0, eventData: []}}',
      '  - send: {action: TransactionEvent}',
      '  - expect: {call: RemoteStartTransaction, within: 1m}',
      '  - expect: {call: GetTransactionStatus, within: 1m}',
      '  - respond: {action: ChangeConfiguration, with: {status: Rejected}}',
      '  - respond: {action: Reset, with: {status: Scheduled}}',
      '  - respond: {action: RemoteStopTransaction, with: {status: Rejected}}',
      '  - authorize: {idTag: ABCDEFGHIJKLMNOPQRSTUVWXYZ, expect: NoCredit}',
      '  - start: {idTag: A, expect: Unknown}',
      '  - send: {action: Authorize, payload: {idTag: A}, expect: NotAtThisTime}',
    ].join('\n') + '\n',
  );

  it('on 1.6: 2.0.1-only calls and messages, 2.0.1 payloads and statuses, and tokens beyond 20 characters', () => {
    expect(show(checkProgramForVersion(mixed, '1.6', 'profile generic-16-ac (fleets[0])'))).toEqual([
      '6:20 steps[3].send.action: NotifyEvent is an OCPP 2.0.1 message with no 1.6 equivalent, and profile generic-16-ac (fleets[0]) speaks OCPP 1.6: mark the scenario ocpp: ["2.0.1"]',
      '7:20 steps[4].send.action: TransactionEvent is an OCPP 2.0.1 message (1.6 says it with StartTransaction or StopTransaction), and profile generic-16-ac (fleets[0]) speaks OCPP 1.6: use the start and stop steps (each version sends its own message), send StartTransaction or StopTransaction with a 1.6 payload, or mark the scenario ocpp: ["2.0.1"]',
      '9:20 steps[6].expect.call: GetTransactionStatus is an OCPP 2.0.1 call with no 1.6 equivalent, and profile generic-16-ac (fleets[0]) speaks OCPP 1.6: leave the step out, or mark the scenario ocpp: ["2.0.1"]',
      '11:36 steps[8].respond.with: this is an OCPP 2.0.1 Reset answer, not a 1.6 Reset one (/status must be equal to one of the allowed values), and profile generic-16-ac (fleets[0]) speaks OCPP 1.6: write the 1.6 payload, or mark the scenario ocpp: ["2.0.1"]',
      "13:24 steps[10].authorize.idTag: idTag 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' is 26 characters, and profile generic-16-ac (fleets[0]) speaks OCPP 1.6, which allows at most 20",
      "13:60 steps[10].authorize.expect: 'NoCredit' is an OCPP 2.0.1 authorization status, and profile generic-16-ac (fleets[0]) speaks OCPP 1.6, whose CSMS answers Accepted, Blocked, Expired, Invalid, ConcurrentTx",
      "14:31 steps[11].start.expect: 'Unknown' is an OCPP 2.0.1 authorization status, and profile generic-16-ac (fleets[0]) speaks OCPP 1.6, whose CSMS answers Accepted, Blocked, Expired, Invalid, ConcurrentTx",
      "15:60 steps[12].send.expect: 'NotAtThisTime' is not a status an OCPP 1.6 Authorize can get (Accepted, Blocked, Expired, Invalid, ConcurrentTx, a CALLERROR code, or Failed), and profile generic-16-ac (fleets[0]) speaks OCPP 1.6",
    ]);
  });

  it('on 2.0.1: 1.6 messages and payloads, with the step or message to use instead', () => {
    expect(show(checkProgramForVersion(mixed, '2.0.1'))).toEqual([
      '3:20 steps[0].send.action: StartTransaction is an OCPP 1.6 message (2.0.1 says it with TransactionEvent), and the charge point speaks OCPP 2.0.1: use the start step (each version sends its own message), send TransactionEvent with a 2.0.1 payload, or mark the scenario ocpp: ["1.6"]',
      "4:49 steps[1].send.payload: this is an OCPP 1.6 StatusNotification request, not a 2.0.1 StatusNotification one ((root) must have required property 'timestamp'), and the charge point speaks OCPP 2.0.1: write the 2.0.1 payload, or mark the scenario ocpp: [\"1.6\"]",
      "10:50 steps[7].respond.with: this is an OCPP 1.6 ChangeConfiguration answer, not a 2.0.1 SetVariables one ((root) must have required property 'setVariableResult'), and the charge point speaks OCPP 2.0.1: write the 2.0.1 payload, or mark the scenario ocpp: [\"1.6\"]",
      "15:40 steps[12].send.payload: this is an OCPP 1.6 Authorize request, not a 2.0.1 Authorize one ((root) must have required property 'idToken'), and the charge point speaks OCPP 2.0.1: write the 2.0.1 payload, or mark the scenario ocpp: [\"1.6\"]",
    ]);
    expect(() => programForVersion(mixed, '2.0.1')).toThrow(ConfigError);
  });

  it('leaves a payload no version accepts alone: a negative test of the CSMS', () => {
    const negative = scenario('  - send: {action: StatusNotification, payload: {connectorId: 9}, expect: PropertyConstraintViolation}\n  - respond: {action: Reset, with: {status: Maybe}}\n');
    for (const v of VERSION_NAMES) expect(checkProgramForVersion(negative, v), v).toEqual([]);
  });

  it('a payload both versions accept passes on either (DataTransfer, a RemoteStart answer)', () => {
    const shared = scenario('  - send: {action: DataTransfer, payload: {vendorId: acme, data: "hi ${id}"}, expect: Accepted}\n  - respond: {action: RemoteStartTransaction, with: {status: Rejected}}\n');
    expect(calls(programForVersion(shared, '2.0.1'))).toEqual(['DataTransfer', 'RequestStartTransaction']);
    expect(calls(programForVersion(shared, '1.6'))).toEqual(['DataTransfer', 'RemoteStartTransaction']);
  });

  it('a version no scenario knows is one issue, not a crash', () => {
    expect(show(checkProgramForVersion(mixed, '2.1'))).toEqual(["1:1 : scenarios can be run on OCPP 1.6 and 2.0.1, not on the charge point's OCPP 2.1"]);
  });
});

describe('the ocpp field', () => {
  it('a scenario for one version is refused on another, with that one issue at its ocpp field', () => {
    const p = scenario('  - expect: {call: GetTransactionStatus, within: 1m}\n', 'ocpp: ["2.0.1"]\n');
    expect(p.ocpp).toEqual(['2.0.1']);
    expect(show(checkProgramForVersion(p, '1.6', 'profile generic-16-ac (fleets[1])'))).toEqual([
      "2:7 ocpp: this scenario is written for OCPP 2.0.1 only, and profile generic-16-ac (fleets[1]) speaks OCPP 1.6: pick a scenario for 1.6 (`ocpp-sim list scenarios` shows each one's versions) or a profile that speaks 2.0.1",
    ]);
    expect(calls(programForVersion(p, '2.0.1'))).toEqual(['GetTransactionStatus']);
  });

  it('takes a list or one version, a YAML number 1.6 as "1.6"; anything else is an error at its item', () => {
    expect(scenario('  - wait: 1s\n', 'ocpp: [1.6, "2.0.1"]\n').ocpp).toEqual(['1.6', '2.0.1']);
    expect(scenario('  - wait: 1s\n', 'ocpp: "1.6"\n').ocpp).toEqual(['1.6']);
    expect(scenario('  - wait: 1s\n').ocpp).toBeUndefined();
    const errors = (head: string) => {
      try {
        scenario('  - wait: 1s\n', head);
      } catch (e) {
        return show((e as ConfigError).issues);
      }
      return [];
    };
    expect(errors('ocpp: ["1.6", "2.0"]\n')).toEqual([`2:15 ocpp[1]: '2.0' is not an OCPP version a scenario can be written for (1.6, 2.0.1), e.g. ocpp: ["1.6"], or leave it out for a scenario that suits every version`]);
    expect(errors('ocpp: []\n')).toEqual([`2:7 ocpp: ocpp lists the OCPP versions the scenario is written for, e.g. ocpp: ["1.6"], or leave it out for a scenario that suits every version`]);
    expect(errors('ocpp: ["1.6", 1.6]\n')).toEqual(['2:15 ocpp[1]: OCPP 1.6 is listed twice']);
  });

  it('validate checks a scenario for each version it names, or for every version when it names none', () => {
    expect(show(checkScenarioFile('test/fixtures/scenarios/ocpp-16-steps.yaml'))).toEqual([
      '5:15 steps[0].send.action: StartTransaction is an OCPP 1.6 message (2.0.1 says it with TransactionEvent), and the charge point speaks OCPP 2.0.1: use the start step (each version sends its own message), send TransactionEvent with a 2.0.1 payload, or mark the scenario ocpp: ["1.6"]',
      "7:50 steps[1].respond.with: this is an OCPP 1.6 ChangeConfiguration answer, not a 2.0.1 SetVariables one ((root) must have required property 'setVariableResult'), and the charge point speaks OCPP 2.0.1: write the 2.0.1 payload, or mark the scenario ocpp: [\"1.6\"]",
    ]);
    expect(checkScenarioFile('test/fixtures/scenarios/ocpp-201-only.yaml')).toEqual([]);
  });
});

describe('the shipped scenarios', () => {
  it.each(builtinScenarios().map((s) => [s.name]))('%s runs on every version it is written for, and is refused on the others', (name) => {
    const p = readScenario(name);
    // The OCA compliance ones mirror test cases of the 1.6 Compliancy Testing Tool; the others suit either version.
    expect(p.ocpp).toEqual(name.startsWith('oca-') ? ['1.6'] : undefined);
    for (const version of VERSION_NAMES) {
      const issues = checkProgramForVersion(p, version);
      if (p.ocpp === undefined || p.ocpp.includes(version)) expect(show(issues), version).toEqual([]);
      else expect(issues.map((i) => i.field)).toEqual(['ocpp']);
    }
  });
});
