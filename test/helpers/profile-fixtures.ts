/**
 * The profile fixtures of test/fixtures/profiles/ and what each invalid one must report: shared by
 * the loader's unit tests and the CLI tests, so both check the same positions and messages.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Whether a profile file says `abstract: true` (false when it cannot be parsed: checkProfileFile reports that). */
export function isAbstract(file: string): boolean {
  try {
    return (parse(readFileSync(file, 'utf8')) as { abstract?: boolean } | null)?.abstract === true;
  } catch {
    return false;
  }
}

export const PROFILE_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'profiles');

/** Path of a fixture as the CLI tests name it (relative to the repository root, their working directory). */
export const fixtureArg = (name: string) => `test/fixtures/profiles/${name}`;

export interface ExpectedIssue {
  fixture: string;
  line: number;
  col: number;
  field: string;
  message: RegExp;
}

/** Each invalid fixture has exactly this one issue. Positions are 1-based, as editors show them. */
export const INVALID_FIXTURES: ExpectedIssue[] = [
  { fixture: 'invalid-unknown-key.yaml', line: 6, col: 3, field: 'identity.serail', message: /^unknown key 'serail' \(did you mean 'serial'\?\)$/ },
  {
    fixture: 'invalid-bad-enum.yaml',
    line: 11,
    col: 11,
    field: 'connectors[1].type',
    message: /^'Tpye2' is not one of Type1, Type2, .*\(did you mean 'Type2'\?\)$/,
  },
  { fixture: 'invalid-bad-duration.yaml', line: 12, col: 19, field: 'meter.sampleInterval', message: /^'30 seconds' is not valid here: e\.g\. 500ms, 30s/ },
  { fixture: 'invalid-config-value.yaml', line: 13, col: 22, field: 'configuration.HeartbeatInterval', message: /^'abc' is not a valid value for HeartbeatInterval$/ },
  {
    fixture: 'invalid-config-key.yaml',
    line: 12,
    col: 3,
    field: 'configuration.HeartbeatIntervall',
    message: /^unknown key 'HeartbeatIntervall' \(did you mean 'HeartbeatInterval'\?\)$/,
  },
  { fixture: 'invalid-yaml-syntax.yaml', line: 5, col: 10, field: '', message: /^YAML: Nested mappings are not allowed/ },
  { fixture: 'invalid-missing-vendor.yaml', line: 2, col: 1, field: '', message: /^a runnable profile needs identity\.vendor/ },
  { fixture: 'invalid-extends-unknown.yaml', line: 3, col: 10, field: 'extends', message: /^unknown profile 'generic-16-dcc' \(did you mean 'generic-16-dc'\?\)/ },
  { fixture: 'invalid-serial-too-long.yaml', line: 5, col: 11, field: 'identity.serial', message: /^expands to more than 25 characters/ },
  {
    fixture: 'invalid-device-model-value.yaml',
    line: 13,
    col: 24,
    field: 'deviceModel.OCPPCommCtrlr.HeartbeatInterval',
    message: /^'soon' is not an integer .*\(HeartbeatInterval: integer\)$/,
  },
  {
    fixture: 'invalid-device-model-16.yaml',
    line: 11,
    col: 1,
    field: 'deviceModel',
    message: /^the OCPP 2\.0\.1 device model of a profile that does not speak 2\.0\.1 \(ocpp: 1\.6\) would be ignored/,
  },
];

/** `file:line:col: field: message` as formatIssue prints it, for a fixture named by any path ending in its name. */
export function issueLine(e: ExpectedIssue): RegExp {
  const msg = e.message.source.replace(/^\^/, '');
  return new RegExp(`${e.fixture.replace(/\./g, '\\.')}:${e.line}:${e.col}: ${e.field ? `${e.field.replace(/[.[\]]/g, '\\$&')}: ` : ''}${msg}`, 'm');
}
