/**
 * Schema validation against the official OCA JSON schemas, with failures mapped to OCPP-J error
 * codes. One {@link SchemaValidator} per OCPP version per process (or worker); each action's
 * request/response validator is compiled by ajv on first use and then reused.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { AJV_KEYWORD_CODES, type ErrorCode } from './errors.js';

// ajv and ajv-formats are CommonJS; createRequire keeps their default exports simple under NodeNext.
const require = createRequire(import.meta.url);
const Ajv = require('ajv') as typeof import('ajv').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

/** A validation failure: the OCPP error code to answer with and a readable reason. */
export interface SchemaViolation {
  code: ErrorCode;
  message: string;
}

type Direction = 'req' | 'conf';

export class SchemaValidator {
  private readonly ajv: InstanceType<typeof Ajv>;
  /** By direction, then action: no key to build per message. */
  private readonly compiled = { req: new Map<string, ValidateFunction>(), conf: new Map<string, ValidateFunction>() };
  private readonly known: Set<string>;

  constructor(readonly version: string, schemas: readonly Record<string, unknown>[]) {
    // strictSchema off: the OCA files carry non-standard keywords (javaType, comment) and draft-06 ids.
    this.ajv = new Ajv({ strictSchema: false, allErrors: false });
    addFormats(this.ajv, ['date-time', 'uri']);
    // 1.6 charging schedules declare multipleOf 0.1; exact decimal arithmetic would reject 0.3 and
    // similar values that peers send in good faith, so compare with a tolerance (as ocpp-rpc does).
    this.ajv.removeKeyword('multipleOf');
    this.ajv.addKeyword({
      keyword: 'multipleOf',
      type: 'number',
      compile: (step: number) => (data: number) => {
        const ratio = data / step;
        return Math.abs(Math.round(ratio) - ratio) < 1e-6;
      },
      errors: false,
    });
    this.known = new Set();
    for (const { $id, ...schema } of schemas) {
      // The OCA ids ("urn:Authorize.req") are URNs without a namespace id, which ajv's URI library
      // refuses to resolve; the schemas only use local "#/definitions" refs, so register them by a
      // plain key ("Authorize.req").
      const id = String($id).replace(/^urn:/, '');
      this.ajv.addSchema(schema, id);
      this.known.add(id);
    }
  }

  /** True when the schema set has this action (in either direction). */
  hasAction(action: string): boolean {
    return this.known.has(`${action}.req`);
  }

  /** Validates a CALL payload for `action`; null when valid. */
  request(action: string, payload: unknown): SchemaViolation | null {
    return this.check(action, 'req', payload);
  }

  /** Validates a CALLRESULT payload for `action`; null when valid. */
  response(action: string, payload: unknown): SchemaViolation | null {
    return this.check(action, 'conf', payload);
  }

  private check(action: string, direction: Direction, payload: unknown): SchemaViolation | null {
    const fn = this.validatorFor(action, direction);
    if (!fn) return { code: 'NotImplemented', message: `Unknown action ${action}` };
    if (fn(payload)) return null;
    return toViolation(fn.errors ?? []);
  }

  private validatorFor(action: string, direction: Direction): ValidateFunction | undefined {
    const compiled = this.compiled[direction];
    let fn = compiled.get(action);
    if (fn === undefined) {
      const id = `${action}.${direction}`;
      if (!this.known.has(id)) return undefined;
      fn = this.ajv.getSchema(id)!;
      compiled.set(action, fn);
    }
    return fn;
  }
}

function toViolation(errors: ErrorObject[]): SchemaViolation {
  const first = errors[0];
  if (!first) return { code: 'FormatViolation', message: 'Payload does not match the schema' };
  const where = first.instancePath || '(root)';
  const extra =
    first.keyword === 'additionalProperties'
      ? ` '${(first.params as { additionalProperty: string }).additionalProperty}'`
      : '';
  return {
    code: AJV_KEYWORD_CODES[first.keyword] ?? 'FormatViolation',
    message: `${where} ${first.message ?? 'is invalid'}${extra}`,
  };
}

const instances = new Map<string, SchemaValidator>();

/** The shared validator for an OCPP version ('1.6' or '2.0.1'), created once per process/worker. */
export function validatorFor(version: string, load: () => readonly Record<string, unknown>[]): SchemaValidator {
  let v = instances.get(version);
  if (!v) {
    v = new SchemaValidator(version, load());
    instances.set(version, v);
  }
  return v;
}
