/**
 * A scenario as written, bound to the OCPP version of the charge points that run it. Concepts both
 * versions share pass as they are; a CSMS call a version names differently is translated (an
 * `expect: {call: RemoteStartTransaction}` on a 2.0.1 charge point waits for RequestStartTransaction),
 * so the running program compares plain action names, as before. A step that cannot apply — a 1.6
 * message sent to a 2.0.1 CSMS, a payload written for the other version, a status or token length
 * the version does not have, a scenario marked for another version — is an issue at its own
 * file:line:col, before anything connects.
 */
import { tokenProblem, tokenValue } from '../station/id-token.js';
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import { Op, type Instr, type ScenarioProgram, type VersionSite } from './program.js';
import { answerStatuses, callIn, contractStatuses, FAILURES, messagesIn, scenarioVersion, SCENARIO_VERSIONS, tokenStatuses, VERSION_NAMES, versionsWith, type ScenarioVersion } from './versions.js';

/**
 * Every reason `program` (as written: see parse.ts) cannot run on charge points of OCPP `version`;
 * empty when it can. `whose` names those charge points in the messages (a plan says which profile
 * and fleet).
 */
export function checkProgramForVersion(program: ScenarioProgram, version: string, whose = 'the charge point'): ConfigIssue[] {
  const v = scenarioVersion(version);
  const at = (s: Pick<VersionSite, 'line' | 'col' | 'field'>, message: string): ConfigIssue => ({ file: program.file, line: s.line, col: s.col, field: s.field, message });
  if (!v) return [at({ line: 1, col: 1, field: '' }, `scenarios can be run on OCPP ${VERSION_NAMES.join(' and ')}, not on ${whose}'s OCPP ${version}`)];
  const speaks = `${whose} speaks OCPP ${version}`;
  const sites = program.sites ?? [];
  const ocpp = sites.find((s) => s.kind === 'ocpp');
  if (program.ocpp && !program.ocpp.includes(version)) {
    // Nothing else matters: the scenario says it is not for this version.
    const listed = program.ocpp.join(', ');
    return [at(ocpp ?? { line: 1, col: 1, field: 'ocpp' }, `this scenario is written for OCPP ${listed} only, and ${speaks}: pick a scenario for ${version} (\`ocpp-sim list scenarios\` shows each one's versions) or a profile that speaks ${listed}`)];
  }
  const issues: ConfigIssue[] = [];
  for (const s of sites) {
    const ins = program.instrs[s.pc];
    const problem = ins && problemOf(s, ins, v, speaks);
    if (problem) issues.push(at(s, problem));
  }
  return issues.sort((a, b) => a.line - b.line || a.col - b.col); // in file order, as parse.ts reports
}

/**
 * `program` (as written) compiled for charge points of OCPP `version`: CSMS calls under the names
 * that version sends; throws ConfigError with {@link checkProgramForVersion}'s issues. The result
 * keeps only what the run needs (no sites).
 */
export function programForVersion(program: ScenarioProgram, version: string, whose?: string): ScenarioProgram {
  if (program.version !== undefined) {
    if (program.version === version) return program;
    throw new Error(`scenario ${program.name} is compiled for OCPP ${program.version}; compile it from the file for ${version}`);
  }
  const issues = checkProgramForVersion(program, version, whose);
  if (issues.length > 0) throw new ConfigError(issues);
  const v = scenarioVersion(version)!;
  const instrs = program.instrs.map((ins): Instr => {
    if ((ins.op !== Op.ExpectCall && ins.op !== Op.Respond) || ins.action === undefined) return ins;
    const action = callIn(ins.action, v)!;
    return action === ins.action ? ins : { ...ins, action };
  });
  const { sites: _written, ...rest } = program;
  return { ...rest, instrs, version };
}

/** Why the field of `s` does not apply to version `v`, or undefined when it does. */
function problemOf(s: VersionSite, ins: Instr, v: ScenarioVersion, speaks: string): string | undefined {
  const action = ins.action;
  switch (s.kind) {
    case 'call': {
      if (action === undefined || callIn(action, v) !== undefined) return undefined;
      const from = versionsOf(versionsWith(action, 'csms'));
      return `${action} is an OCPP ${from} call with no ${v.version} equivalent, and ${speaks}: leave the step out, or mark the scenario ocpp: ["${from}"]`;
    }
    case 'send': {
      if (action === undefined || v.cpActions.includes(action)) return undefined;
      const from = versionsOf(versionsWith(action, 'cp'));
      const instead = messagesIn(action, v);
      const steps = [...new Set(instead.flatMap((m) => (m.step ? [m.step] : [])))];
      const names = [...new Set(instead.map((m) => m.message))];
      const use = [
        steps.length > 0 ? `use the ${steps.join(' and ')} step${steps.length > 1 ? 's' : ''} (each version sends its own message)` : '',
        names.length > 0 ? `send ${names.join(' or ')} with a ${v.version} payload` : '',
        `mark the scenario ocpp: ["${from}"]`,
      ].filter(Boolean);
      return `${action} is an OCPP ${from} message${names.length > 0 ? ` (${v.version} says it with ${names.join(' or ')})` : ` with no ${v.version} equivalent`}, and ${speaks}: ${use.slice(0, -1).join(', ')}${use.length > 1 ? ', or ' : ''}${use[use.length - 1]}`;
    }
    case 'payload':
      return action === undefined ? undefined : payloadProblem(ins, action, v, speaks);
    case 'status': {
      if (ins.expect === undefined) return undefined;
      if (ins.op === Op.Send) {
        if (action === undefined || !v.cpActions.includes(action)) return undefined; // the send's own issue says why
        const statuses = answerStatuses(v, action) ?? [];
        if (statuses.includes(ins.expect) || FAILURES.includes(ins.expect)) return undefined;
        return `'${ins.expect}' is not a status an OCPP ${v.version} ${action} can get (${statuses.join(', ')}, a CALLERROR code, or Failed), and ${speaks}`;
      }
      const answers = ins.op === Op.Plug ? contractStatuses : tokenStatuses;
      const statuses = answers(v);
      if (statuses.includes(ins.expect)) return undefined;
      return `'${ins.expect}' is an OCPP ${versionsOf(SCENARIO_VERSIONS.filter((w) => answers(w).includes(ins.expect!)))} authorization status, and ${speaks}, whose CSMS answers ${statuses.join(', ')}`;
    }
    case 'token': {
      const literal = [...(ins.idTag !== undefined ? [ins.idTag] : []), ...(ins.idTags ?? [])].filter((t) => !t.includes('${'));
      // A `Type:value` token (station/id-token.ts) is as long as its value; the value must suit the type.
      const problem = literal.map(tokenProblem).find((p) => p !== null);
      if (problem) return `${v.tokenName} ${problem}`;
      const long = literal.find((t) => tokenValue(t).length > v.tokenMaxLength);
      if (long === undefined) return undefined;
      return `${v.tokenName} '${long}' is ${tokenValue(long).length} characters, and ${speaks}, which allows at most ${v.tokenMaxLength}`;
    }
    case 'tells': {
      // What the step tells the CSMS: an external limit (K12), an ISO 15118 EV's needs (K15), a Plug & Charge contract (M01, C07).
      const message = ins.op === Op.Limit ? 'NotifyChargingLimit' : ins.iso15118 !== undefined ? 'NotifyEVChargingNeeds' : 'Get15118EVCertificate';
      if (v.cpActions.includes(message)) return undefined;
      const from = versionsOf(versionsWith(message, 'cp'));
      return `this step is told with ${message}, an OCPP ${from} message, and ${speaks}: leave it out, or mark the scenario ocpp: ["${from}"]`;
    }
    case 'ocpp':
      return undefined; // checked first, for the whole scenario
  }
}

/**
 * A payload the charge point's version rejects while another version accepts it was written for
 * that other version. One every version rejects is left alone: a `send` may be a deliberate
 * negative test, and the CSMS's answer to it is what the step checks.
 */
function payloadProblem(ins: Instr, action: string, v: ScenarioVersion, speaks: string): string | undefined {
  const send = ins.op === Op.Send;
  const payload = send ? ins.payload : ins.rule?.payload;
  const nameIn = (w: ScenarioVersion) => (send ? (w.cpActions.includes(action) ? action : undefined) : callIn(action, w));
  const check = (w: ScenarioVersion, name: string) => (send ? w.validator().request(name, payload) : w.validator().response(name, payload));
  const own = nameIn(v);
  if (payload === undefined || own === undefined) return undefined; // a step that does not apply says so itself
  const violation = check(v, own);
  if (violation === null) return undefined;
  const what = send ? 'request' : 'answer';
  for (const w of SCENARIO_VERSIONS) {
    const other = w === v ? undefined : nameIn(w);
    if (other === undefined || check(w, other) !== null) continue;
    return `this is an OCPP ${w.version} ${other} ${what}, not a ${v.version} ${own} one (${violation.message}), and ${speaks}: write the ${v.version} payload, or mark the scenario ocpp: ["${w.version}"]`;
  }
  return undefined;
}

function versionsOf(vs: readonly ScenarioVersion[]): string {
  return vs.map((w) => w.version).join('/');
}
