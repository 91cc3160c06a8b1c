/**
 * What a scenario needs to know about each OCPP version: its actions and who sends them, its schemas
 * (to tell a payload written for one version from one for another, and the statuses an answer can
 * carry), how long a token may be, and which CSMS calls are the same concept under another name. The
 * only file of scenario/ that names versions; a step is checked and translated with these facts
 * before a run starts (version-check.ts), so the interpreter compares plain action names as before.
 */
import { readFileSync } from 'node:fs';
import { INITIATOR as INITIATOR_16 } from '../ocpp16/generated/actions.gen.js';
import { OCPP16, validator16 } from '../ocpp16/schemas.js';
import { INITIATOR as INITIATOR_201 } from '../ocpp201/generated/actions.gen.js';
import { OCPP201, validator201 } from '../ocpp201/schemas.js';
import { ERROR_DESCRIPTIONS, wireErrorCode, type ErrorCode } from '../protocol/errors.js';
import type { SchemaValidator } from '../protocol/validate.js';

export interface ScenarioVersion {
  /** '1.6', '2.0.1': as profiles and the `ocpp` field of a scenario name it. */
  readonly version: string;
  /** Actions a charge point sends (a `send` step), DataTransfer included. */
  readonly cpActions: readonly string[];
  /** Actions the CSMS sends (an `expect: {call}` or a `respond`), DataTransfer included. */
  readonly csmsActions: readonly string[];
  validator(): SchemaValidator;
  /** The longest token: 1.6 idTag is CiString20Type (§7.28 IdToken); 2.0.1 IdTokenType.idToken is string[36]. */
  readonly tokenMaxLength: number;
  /** How the version names the token in a step's error messages. */
  readonly tokenName: string;
  readonly schemaFile: URL;
}

function actionsSentBy(initiator: Readonly<Record<string, 'cp' | 'csms' | 'both'>>, by: 'cp' | 'csms'): string[] {
  return Object.keys(initiator).filter((a) => initiator[a] === by || initiator[a] === 'both');
}

/** Every version a scenario can be written for, oldest first. */
export const SCENARIO_VERSIONS: readonly ScenarioVersion[] = [
  {
    version: OCPP16,
    cpActions: actionsSentBy(INITIATOR_16, 'cp'),
    csmsActions: actionsSentBy(INITIATOR_16, 'csms'),
    validator: validator16,
    tokenMaxLength: 20,
    tokenName: 'idTag',
    schemaFile: new URL('../../src/ocpp16/schemas/ocpp1_6.json', import.meta.url),
  },
  {
    version: OCPP201,
    cpActions: actionsSentBy(INITIATOR_201, 'cp'),
    csmsActions: actionsSentBy(INITIATOR_201, 'csms'),
    validator: validator201,
    tokenMaxLength: 36,
    tokenName: 'idToken',
    schemaFile: new URL('../../src/ocpp201/schemas/ocpp2_0_1.json', import.meta.url),
  },
];

export const VERSION_NAMES: readonly string[] = SCENARIO_VERSIONS.map((v) => v.version);

export function scenarioVersion(version: string): ScenarioVersion | undefined {
  return SCENARIO_VERSIONS.find((v) => v.version === version);
}

/**
 * CSMS calls that are one concept under two names (OCPP 2.0.1 Part 2 renamed or merged them): a
 * scenario may name either, and waits for or answers the one its charge point's version sends. A
 * name a version has itself always means that version's action (1.6's security-extension GetLog,
 * ExtendedTriggerMessage and SignedUpdateFirmware are 2.0.1's GetLog, TriggerMessage, UpdateFirmware).
 */
const SAME_CALL: readonly Readonly<Record<string, string>>[] = [
  { [OCPP16]: 'RemoteStartTransaction', [OCPP201]: 'RequestStartTransaction' },
  { [OCPP16]: 'RemoteStopTransaction', [OCPP201]: 'RequestStopTransaction' },
  { [OCPP16]: 'ChangeConfiguration', [OCPP201]: 'SetVariables' },
  { [OCPP16]: 'GetConfiguration', [OCPP201]: 'GetVariables' },
  { [OCPP16]: 'GetDiagnostics', [OCPP201]: 'GetLog' },
  { [OCPP16]: 'ExtendedTriggerMessage', [OCPP201]: 'TriggerMessage' },
  { [OCPP16]: 'SignedUpdateFirmware', [OCPP201]: 'UpdateFirmware' },
];

/**
 * Charge point messages whose concept the other version says with another message. A raw `send` is
 * not translated (its payload is one version's), so these only name what to use instead.
 */
const SAME_MESSAGE: readonly { names: Readonly<Record<string, string>>; step?: string }[] = [
  { names: { [OCPP16]: 'StartTransaction', [OCPP201]: 'TransactionEvent' }, step: 'start' },
  { names: { [OCPP16]: 'StopTransaction', [OCPP201]: 'TransactionEvent' }, step: 'stop' },
  { names: { [OCPP16]: 'DiagnosticsStatusNotification', [OCPP201]: 'LogStatusNotification' } },
  { names: { [OCPP16]: 'SignedFirmwareStatusNotification', [OCPP201]: 'FirmwareStatusNotification' } },
];

/** The CSMS call `action` (of any version) is in `v`: itself, its renamed equivalent, or undefined. */
export function callIn(action: string, v: ScenarioVersion): string | undefined {
  if (v.csmsActions.includes(action)) return action;
  return SAME_CALL.find((row) => Object.values(row).includes(action))?.[v.version];
}

/**
 * What says in `v` what the charge point message `action` says in another version: `v`'s message,
 * and the step that makes the charge point send it, if there is one.
 */
export function messagesIn(action: string, v: ScenarioVersion): { message: string; step?: string }[] {
  return SAME_MESSAGE.filter((row) => Object.values(row.names).includes(action) && row.names[v.version] !== undefined).map((row) => ({ message: row.names[v.version], step: row.step }));
}

/** The versions that have `action` (sent by the charge point or by the CSMS). */
export function versionsWith(action: string, by: 'cp' | 'csms'): ScenarioVersion[] {
  return SCENARIO_VERSIONS.filter((v) => (by === 'cp' ? v.cpActions : v.csmsActions).includes(action));
}

// ---------------------------------------------------------------------------------------------
// Answer statuses, read from the schemas

type JsonSchema = { $id?: string; id?: string; $ref?: string; enum?: string[]; properties?: Record<string, JsonSchema>; definitions?: Record<string, JsonSchema> };

const confSchemas = new Map<string, Map<string, JsonSchema>>();

function confSchema(v: ScenarioVersion, action: string): JsonSchema | undefined {
  let byAction = confSchemas.get(v.version);
  if (!byAction) {
    byAction = new Map();
    for (const s of JSON.parse(readFileSync(v.schemaFile, 'utf8')) as JsonSchema[]) {
      const m = /^urn:(\w+)\.conf$/.exec(s.$id ?? s.id ?? '');
      if (m) byAction.set(m[1], s);
    }
    confSchemas.set(v.version, byAction);
  }
  return byAction.get(action);
}

/** A property of `s`, following a local `#/definitions/…` reference (the 2.0.1 schemas use them). */
function property(root: JsonSchema, s: JsonSchema | undefined, name: string): JsonSchema | undefined {
  const p = s?.properties?.[name];
  const ref = p?.$ref && /^#\/definitions\/(\w+)$/.exec(p.$ref);
  return ref ? root.definitions?.[ref[1]] : p;
}

/**
 * The statuses an answer to `action` can carry in `v`: its `status` enum, or its token's status
 * (idTagInfo in 1.6, idTokenInfo in 2.0.1); just Accepted when it has neither; undefined when `v`
 * has no such action.
 */
export function answerStatuses(v: ScenarioVersion, action: string): string[] | undefined {
  const conf = confSchema(v, action);
  if (!conf) return undefined;
  const status = property(conf, conf, 'status') ?? property(conf, property(conf, conf, 'idTagInfo') ?? property(conf, conf, 'idTokenInfo'), 'status');
  return status?.enum ?? ['Accepted'];
}

/** What a CSMS may answer about a token in `v` (an authorize or start step's `expect`). */
export function tokenStatuses(v: ScenarioVersion): string[] {
  return answerStatuses(v, 'Authorize')!;
}

/**
 * What a CSMS may answer about a Plug & Charge contract in `v` (a plug step's `expect`): the token's
 * status, or its certificate's when it refuses that (2.0.1 AuthorizeResponse.certificateStatus, C07).
 */
export function contractStatuses(v: ScenarioVersion): string[] {
  const conf = confSchema(v, 'Authorize')!;
  return [...new Set([...tokenStatuses(v), ...(property(conf, conf, 'certificateStatus')?.enum ?? [])])];
}

/** What a `send` gets when there is no answer: a CALLERROR code (in any version's spelling) or Failed. */
export const FAILURES: readonly string[] = [
  ...new Set([...Object.keys(ERROR_DESCRIPTIONS).flatMap((c) => [c, ...VERSION_NAMES.map((v) => wireErrorCode(c as ErrorCode, v))]), 'Failed']),
];
