/**
 * Dev-time code generator: OCPP JSON schemas → TypeScript types and action tables.
 *
 * Inputs (vendored OCA schemas, one JSON array per version, each element's `$id` is
 * `urn:<Action>.req` or `urn:<Action>.conf`):
 *   - src/ocpp16/schemas/ocpp1_6.json
 *   - src/ocpp201/schemas/ocpp2_0_1.json
 *
 * Outputs per version (in src/<version>/generated/):
 *   - types.gen.ts   one interface per message, `<Action>Request` / `<Action>Response`, plus the
 *                    shared sub-types from the schemas' `definitions` (e.g. `CustomDataType`,
 *                    `BootReasonEnumType`). Definitions with the same name are structurally
 *                    identical across messages (checked here, ignoring `description`), so they
 *                    are merged into a single definitions map and emitted once.
 *                    Also `AnyMessage`, the union of every request and response type.
 *   - actions.gen.ts ACTIONS, Action, ACTION_INDEX, RequestMap, ResponseMap, RequestOf,
 *                    ResponseOf, INITIATOR, CpAction, CsmsAction.
 *
 * How: all message schemas of one version are folded into one root schema whose `definitions`
 * hold the shared sub-types and every message (keyed `<Action>Request|Response`); the root itself
 * is `anyOf` all messages. That single schema is compiled once with json-schema-to-typescript,
 * so each name appears exactly once and the output is deterministic.
 *
 * The initiator (who sends the CALL) is not in the schemas; it is encoded below from the specs.
 * Generation fails if an action in a schema file is missing from its initiator table (or vice versa).
 *
 * `generateAll()` returns the files in memory (used by the drift test); running this module as a
 * script (`npm run gen` → `node dist/codegen/generate.js`) writes them to disk.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

export type Initiator = 'cp' | 'csms' | 'both';

interface VersionSpec {
  /** Repo-relative schema file. */
  schemaFile: string;
  /** Repo-relative output directory. */
  outDir: string;
  /** Actions initiated by the charge point; 'both' listed separately; everything else must be in `csms`. */
  cp: readonly string[];
  both: readonly string[];
  csms: readonly string[];
}

export const VERSIONS: Readonly<Record<'ocpp16' | 'ocpp201', VersionSpec>> = {
  ocpp16: {
    schemaFile: 'src/ocpp16/schemas/ocpp1_6.json',
    outDir: 'src/ocpp16/generated',
    cp: [
      'Authorize', 'BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification',
      'Heartbeat', 'MeterValues', 'StartTransaction', 'StatusNotification', 'StopTransaction',
      // Security extension (whitepaper edition 2)
      'SecurityEventNotification', 'SignCertificate', 'LogStatusNotification', 'SignedFirmwareStatusNotification',
    ],
    both: ['DataTransfer'],
    csms: [
      'CancelReservation', 'ChangeAvailability', 'ChangeConfiguration', 'ClearCache', 'ClearChargingProfile',
      'GetCompositeSchedule', 'GetConfiguration', 'GetDiagnostics', 'GetLocalListVersion',
      'RemoteStartTransaction', 'RemoteStopTransaction', 'ReserveNow', 'Reset', 'SendLocalList',
      'SetChargingProfile', 'TriggerMessage', 'UnlockConnector', 'UpdateFirmware',
      // Security extension (whitepaper edition 2)
      'CertificateSigned', 'DeleteCertificate', 'ExtendedTriggerMessage', 'GetInstalledCertificateIds',
      'GetLog', 'InstallCertificate', 'SignedUpdateFirmware',
    ],
  },
  ocpp201: {
    schemaFile: 'src/ocpp201/schemas/ocpp2_0_1.json',
    outDir: 'src/ocpp201/generated',
    cp: [
      'Authorize', 'BootNotification', 'ClearedChargingLimit', 'FirmwareStatusNotification',
      'Get15118EVCertificate', 'GetCertificateStatus', 'Heartbeat', 'LogStatusNotification', 'MeterValues',
      'NotifyChargingLimit', 'NotifyCustomerInformation', 'NotifyDisplayMessages', 'NotifyEVChargingNeeds',
      'NotifyEVChargingSchedule', 'NotifyEvent', 'NotifyMonitoringReport', 'NotifyReport',
      'PublishFirmwareStatusNotification', 'ReportChargingProfiles', 'ReservationStatusUpdate',
      'SecurityEventNotification', 'SignCertificate', 'StatusNotification', 'TransactionEvent',
    ],
    both: ['DataTransfer'],
    csms: [
      'CancelReservation', 'CertificateSigned', 'ChangeAvailability', 'ClearCache', 'ClearChargingProfile',
      'ClearDisplayMessage', 'ClearVariableMonitoring', 'CostUpdated', 'CustomerInformation',
      'DeleteCertificate', 'GetBaseReport', 'GetChargingProfiles', 'GetCompositeSchedule',
      'GetDisplayMessages', 'GetInstalledCertificateIds', 'GetLocalListVersion', 'GetLog',
      'GetMonitoringReport', 'GetReport', 'GetTransactionStatus', 'GetVariables', 'InstallCertificate',
      'PublishFirmware', 'RequestStartTransaction', 'RequestStopTransaction', 'ReserveNow', 'Reset',
      'SendLocalList', 'SetChargingProfile', 'SetDisplayMessage', 'SetMonitoringBase', 'SetMonitoringLevel',
      'SetNetworkProfile', 'SetVariableMonitoring', 'SetVariables', 'TriggerMessage', 'UnlockConnector',
      'UnpublishFirmware', 'UpdateFirmware',
    ],
  },
};

/** Walk up from this module until a directory containing package.json is found. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('codegen: could not find repo root (package.json)');
    dir = up;
  }
  return dir;
}

type Schema = Record<string, unknown> & { definitions?: Record<string, Schema> };

const TYPING_KEYS = ['type', '$ref', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', 'properties', 'items'];

/**
 * Drop keys json-schema-to-typescript does not need; normalise CRLF in descriptions. A property
 * schema with no typing keyword at all (2.0.1 DataTransfer `data`: any JSON value) becomes `unknown`
 * (json-schema-to-typescript would otherwise guess an open object).
 */
function clean(node: unknown, isProperty = false): unknown {
  if (Array.isArray(node)) return node.map((n) => clean(n));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$id' || k === '$schema' || k === 'javaType' || k === 'comment') continue;
    if (k === 'description' && typeof v === 'string') out[k] = v.replace(/\r\n?/g, '\n').trim();
    else if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, clean(sub, true)]));
    } else out[k] = clean(v);
  }
  if (isProperty && !TYPING_KEYS.some((k) => k in out)) out.tsType = 'unknown';
  return out;
}

/** Parse a schema file into action → { req, conf } (sorted by action). */
export function loadSchemas(file: string): Map<string, { req: Schema; conf: Schema }> {
  const list = JSON.parse(readFileSync(join(repoRoot(), file), 'utf8')) as Schema[];
  const parts = new Map<string, { req?: Schema; conf?: Schema }>();
  for (const s of list) {
    const m = /^urn:([A-Za-z0-9]+)\.(req|conf)$/.exec(String(s.$id));
    if (!m) throw new Error(`codegen: ${file}: unexpected $id ${String(s.$id)}`);
    const entry = parts.get(m[1]!) ?? {};
    if (entry[m[2] as 'req' | 'conf']) throw new Error(`codegen: ${file}: duplicate ${String(s.$id)}`);
    entry[m[2] as 'req' | 'conf'] = s;
    parts.set(m[1]!, entry);
  }
  const out = new Map<string, { req: Schema; conf: Schema }>();
  for (const action of [...parts.keys()].sort()) {
    const { req, conf } = parts.get(action)!;
    if (!req || !conf) throw new Error(`codegen: ${file}: ${action} lacks its ${req ? '.conf' : '.req'} schema`);
    out.set(action, { req, conf });
  }
  return out;
}

/** Build the initiator table for the given actions, failing on any gap or inconsistency. */
export function initiators(spec: VersionSpec, actions: readonly string[]): Map<string, Initiator> {
  const table = new Map<string, Initiator>();
  for (const [who, names] of [['cp', spec.cp], ['both', spec.both], ['csms', spec.csms]] as const) {
    for (const n of names) {
      if (table.has(n)) throw new Error(`codegen: ${spec.schemaFile}: ${n} listed twice in initiator table`);
      table.set(n, who);
    }
  }
  const missing = actions.filter((a) => !table.has(a));
  if (missing.length) throw new Error(`codegen: ${spec.schemaFile}: no initiator for ${missing.join(', ')}`);
  const extra = [...table.keys()].filter((a) => !actions.includes(a));
  if (extra.length) throw new Error(`codegen: ${spec.schemaFile}: initiator table names unknown ${extra.join(', ')}`);
  return new Map(actions.map((a) => [a, table.get(a)!]));
}

const header = (schemaFile: string): string =>
  `// GENERATED by src/codegen/generate.ts from ${schemaFile} — do not edit. Run \`npm run gen\`.\n`;

async function generateTypes(file: string, schemas: Map<string, { req: Schema; conf: Schema }>): Promise<string> {
  const definitions: Record<string, unknown> = {};
  const shapes = new Map<string, string>(); // definition name → JSON without descriptions
  const noDesc = (k: string, v: unknown): unknown => (k === 'description' ? undefined : v);
  const messages: string[] = [];
  for (const [action, pair] of schemas) {
    for (const [suffix, raw] of [['Request', pair.req], ['Response', pair.conf]] as const) {
      const { definitions: defs = {}, ...body } = clean(raw) as Schema;
      for (const [name, def] of Object.entries(defs)) {
        const shape = JSON.stringify(def, noDesc);
        if (shapes.has(name) && shapes.get(name) !== shape) {
          throw new Error(`codegen: ${file}: definition ${name} differs between messages; cannot merge`);
        }
        if (!shapes.has(name)) {
          shapes.set(name, shape);
          definitions[name] = def;
        }
      }
      const name = `${action}${suffix}`;
      if (name in definitions) throw new Error(`codegen: ${file}: message name ${name} clashes with a definition`);
      definitions[name] = body;
      messages.push(name);
    }
  }
  const root: JSONSchema = {
    title: 'AnyMessage',
    description: 'Any request or response payload of this OCPP version.',
    anyOf: messages.map((m) => ({ $ref: `#/definitions/${m}` })),
    definitions: definitions as JSONSchema['definitions'],
  };
  const ts = await compile(root, 'AnyMessage', {
    bannerComment: '',
    additionalProperties: true, // only `additionalProperties: false` in a schema closes an object
    strictIndexSignatures: true,
    unreachableDefinitions: true,
    declareExternallyReferenced: true,
    ignoreMinAndMaxItems: true, // plain T[] rather than tuple unions; bounds are checked at runtime by ajv
    format: true,
    style: { printWidth: 120, singleQuote: true, trailingComma: 'all', endOfLine: 'lf' },
  });
  return `${header(file)}/* eslint-disable */\n\n${ts.trim()}\n`;
}

function generateActions(file: string, actions: readonly string[], who: Map<string, Initiator>): string {
  const lines: string[] = [header(file)];
  const imports = actions.flatMap((a) => [`${a}Request`, `${a}Response`]);
  lines.push(`import type {\n${imports.map((n) => `  ${n},`).join('\n')}\n} from './types.gen.js';\n`);
  lines.push(`/** Every action in the schema file, sorted alphabetically. */`);
  lines.push(`export const ACTIONS = [\n${actions.map((a) => `  '${a}',`).join('\n')}\n] as const;\n`);
  lines.push(`export type Action = (typeof ACTIONS)[number];\n`);
  lines.push(`/** Position of each action in ACTIONS. */`);
  lines.push(
    `export const ACTION_INDEX: Readonly<Record<Action, number>> = Object.freeze({\n` +
      `${actions.map((a, i) => `  ${a}: ${i},`).join('\n')}\n});\n`,
  );
  lines.push(`export interface RequestMap {\n${actions.map((a) => `  ${a}: ${a}Request;`).join('\n')}\n}\n`);
  lines.push(`export interface ResponseMap {\n${actions.map((a) => `  ${a}: ${a}Response;`).join('\n')}\n}\n`);
  lines.push(`export type RequestOf<A extends Action> = RequestMap[A];\n`);
  lines.push(`export type ResponseOf<A extends Action> = ResponseMap[A];\n`);
  lines.push(
    `/** Who initiates the call: 'cp' = charge point → CSMS, 'csms' = CSMS → charge point, 'both' (DataTransfer). */`,
  );
  lines.push(
    `export const INITIATOR: Readonly<Record<Action, 'cp' | 'csms' | 'both'>> = Object.freeze({\n` +
      `${actions.map((a) => `  ${a}: '${who.get(a)}',`).join('\n')}\n});\n`,
  );
  const union = (pred: (w: Initiator) => boolean): string =>
    actions.filter((a) => pred(who.get(a)!)).map((a) => `\n  | '${a}'`).join('');
  lines.push(`/** Actions the charge point initiates (incl. 'both'). */`);
  lines.push(`export type CpAction =${union((w) => w !== 'csms')};\n`);
  lines.push(`/** Actions the CSMS initiates (incl. 'both'). */`);
  lines.push(`export type CsmsAction =${union((w) => w !== 'cp')};`);
  return lines.join('\n') + '\n';
}

/** Produce every generated file in memory: repo-relative path → content. */
export async function generateAll(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const spec of Object.values(VERSIONS)) {
    const schemas = loadSchemas(spec.schemaFile);
    const actions = [...schemas.keys()];
    const who = initiators(spec, actions);
    files.set(`${spec.outDir}/types.gen.ts`, await generateTypes(spec.schemaFile, schemas));
    files.set(`${spec.outDir}/actions.gen.ts`, generateActions(spec.schemaFile, actions, who));
  }
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = repoRoot();
  for (const [path, content] of await generateAll()) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    console.log(`wrote ${path}`);
  }
}
