/**
 * Test helper: validates JUnit XML against the two JUnit XSDs under test/fixtures (Jenkins' lenient
 * junit-10.xsd and Ant's strict JUnit schema) with xmllint compiled to wasm (xmllint-wasm).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const SCHEMAS = ['junit-10.xsd', 'junit-ant.xsd'];

/** xmllint's complaints about `xml` against each schema; empty when it is valid against both. */
export async function junitProblems(xml: string): Promise<string[]> {
  const problems: string[] = [];
  for (const xsd of SCHEMAS) {
    const r = await validateXML({ xml: { fileName: 'junit.xml', contents: xml }, schema: { fileName: xsd, contents: readFileSync(join(FIXTURES, xsd), 'utf8') } });
    if (!r.valid) problems.push(`${xsd}: ${r.errors.map((e) => e.rawMessage).join('\n') || r.rawOutput}`);
  }
  return problems;
}
