/**
 * The OCPP 1.6 schema set (official OCA JSON schemas, see schemas/README.md) and its shared validator.
 * The JSON is read from the source tree, which sits at the same depth from src/ and dist/.
 */
import { readFileSync } from 'node:fs';
import { type SchemaValidator, validatorFor } from '../protocol/validate.js';

export const OCPP16 = '1.6';
export const SUBPROTOCOL_16 = 'ocpp1.6';

function load(): Record<string, unknown>[] {
  return JSON.parse(readFileSync(new URL('../../src/ocpp16/schemas/ocpp1_6.json', import.meta.url), 'utf8'));
}

/** The process-wide (per worker) 1.6 validator; validators compile lazily per action. */
export function validator16(): SchemaValidator {
  return validatorFor(OCPP16, load);
}
