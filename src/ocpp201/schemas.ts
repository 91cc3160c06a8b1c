/**
 * The OCPP 2.0.1 schema set (official OCA JSON schemas, see schemas/README.md) and its shared validator.
 * The JSON is read from the source tree, which sits at the same depth from src/ and dist/.
 */
import { readFileSync } from 'node:fs';
import { type SchemaValidator, validatorFor } from '../protocol/validate.js';

export const OCPP201 = '2.0.1';
export const SUBPROTOCOL_201 = 'ocpp2.0.1';

function load(): Record<string, unknown>[] {
  return JSON.parse(readFileSync(new URL('../../src/ocpp201/schemas/ocpp2_0_1.json', import.meta.url), 'utf8'));
}

/** The process-wide (per worker) 2.0.1 validator; validators compile lazily per action. */
export function validator201(): SchemaValidator {
  return validatorFor(OCPP201, load);
}
