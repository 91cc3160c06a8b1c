/**
 * Checks a YAML file's value against one of our JSON Schemas (the same files editors use for
 * autocompletion), turning every ajv error into a positioned issue with a "did you mean" where the
 * schema lists the valid names.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { nearest, type ConfigIssue } from './errors.js';
import type { PathItem, YamlFile } from './yaml-file.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as typeof import('ajv').default;

const compiled = new Map<object, ValidateFunction>();

function compile(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true }); // verbose: errors carry their schema, for suggestions
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/** Every schema violation in `file`, positioned; empty when valid. */
export function checkSchema(file: YamlFile, schema: object, value: unknown = file.value): ConfigIssue[] {
  const validate = compile(schema);
  if (validate(value)) return [];
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    // oneOf/anyOf/if report their branches' errors too, and propertyNames its subschema's: those say more.
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    const issue = toIssue(file, e);
    const key = `${issue.line}:${issue.col}:${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function toIssue(file: YamlFile, e: ErrorObject): ConfigIssue {
  const path: PathItem[] = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const hint = nearest(name, allowed);
      return file.issue([...path, name], `unknown key '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}`, true);
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const got = valueAt(file.value, path);
      const hint = typeof got === 'string' ? nearest(got, allowed) : undefined;
      // Key names checked by propertyNames arrive here with the key as the "instance".
      const isKey = e.propertyName !== undefined;
      const keyName = isKey ? (e.propertyName ?? String(path[path.length - 1])) : '';
      if (isKey) {
        const h = nearest(keyName, allowed);
        return file.issue([...path, keyName], `unknown key '${keyName}'${h ? ` (did you mean '${h}'?)` : ''}`, true);
      }
      return file.issue(
        path,
        `'${String(got)}' is not one of ${allowed.length <= 12 ? allowed.join(', ') : `the ${allowed.length} allowed values`}${hint ? ` (did you mean '${hint}'?)` : ''}`,
      );
    }
    case 'required':
      return file.issue(path, `missing required key '${(e.params as { missingProperty: string }).missingProperty}'`);
    case 'pattern':
      return file.issue(path, `'${String(valueAt(file.value, path))}' is not valid here: ${(e.parentSchema as { description?: string }).description ?? `must match ${(e.params as { pattern: string }).pattern}`}`);
    case 'maximum':
    case 'exclusiveMaximum':
    case 'minimum':
    case 'exclusiveMinimum': {
      const { limit } = e.params as { limit: number };
      const bound = { maximum: 'at most', exclusiveMaximum: 'below', minimum: 'at least', exclusiveMinimum: 'above' }[e.keyword];
      return file.issue(path, `${String(valueAt(file.value, path))} is out of range: must be ${bound} ${limit.toLocaleString('en-US')}`);
    }
    case 'maxItems':
    case 'minItems': {
      const { limit } = e.params as { limit: number };
      const got = valueAt(file.value, path);
      const n = Array.isArray(got) ? got.length : 0;
      return file.issue(path, `${n} item${n === 1 ? '' : 's'}, but ${e.keyword === 'maxItems' ? 'at most' : 'at least'} ${limit} ${e.keyword === 'maxItems' ? 'are' : 'is'} allowed`);
    }
    case 'maxLength': {
      const { limit } = e.params as { limit: number };
      return file.issue(path, `${String(valueAt(file.value, path)).length} characters, but at most ${limit} are allowed`);
    }
    default:
      return file.issue(path, e.message ?? `invalid (${e.keyword})`);
  }
}

function valueAt(root: unknown, path: readonly PathItem[]): unknown {
  let v: unknown = root;
  for (const p of path) v = v != null && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}
