/**
 * Reads a run report written by `--report` for `ocpp-sim merge`: bounded in size, parsed, and checked
 * against report.schema.json, so a truncated, foreign or hand-edited file is refused with its name
 * and the first problem, before any figure of it is added up.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { describeReadError, readBoundedText } from '../config/read-text.js';
import type { RunReport } from './report.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as typeof import('ajv').default;
const addFormats = require('ajv-formats') as (ajv: InstanceType<typeof Ajv>) => unknown;

/** A report keeps at most 50 problems and failures and ~2,048 buckets per action: far below this. */
export const MAX_REPORT_BYTES = 64 * 2 ** 20;

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!validate) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    addFormats(ajv);
    // From src/ (beside report.ts) whether this runs from src or dist, like the OCPP schemas.
    validate = ajv.compile(JSON.parse(readFileSync(new URL('../../src/report/report.schema.json', import.meta.url), 'utf8')) as object);
  }
  return validate;
}

/**
 * The JSON of an ocpp-sim report in `file`, not yet checked against the schema (so reports of
 * different formats can be told apart first), or an Error whose message starts with the file's name.
 */
export function readReportJson(file: string): { reportFormat: unknown } {
  let text: string;
  try {
    text = readBoundedText(file, MAX_REPORT_BYTES);
  } catch (e) {
    throw new Error(`${file}: ${describeReadError(e)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  const isReport = typeof value === 'object' && value !== null && (value as { tool?: unknown }).tool === 'ocpp-sim';
  if (!isReport) throw new Error(`${file}: not an ocpp-sim report (no "tool": "ocpp-sim")`);
  return value as { reportFormat: unknown };
}

/** A report's JSON checked against report.schema.json, or an Error naming the file and the first problem. */
export function checkReport(file: string, value: unknown): RunReport {
  const check = validator();
  if (!check(value)) {
    const [e] = check.errors ?? [];
    const where = e?.instancePath ? `at ${e.instancePath}` : 'at the top level';
    const what = e?.keyword === 'required' || e?.keyword === 'additionalProperties' ? JSON.stringify(e.params) : (e?.message ?? 'invalid');
    throw new Error(`${file}: not a valid ocpp-sim report ${where}: ${what} (written by an older or newer ocpp-sim, or edited?)`);
  }
  return value as RunReport;
}
