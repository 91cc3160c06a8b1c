/**
 * The scenario's Plug & Charge option (`plug: {contract, installContract}`): what it compiles to and
 * what it refuses. The session itself runs end to end in test/integration/ocpp201-security.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { compileScenarioText } from '../../src/scenario/parse.js';
import { Op } from '../../src/scenario/program.js';
import { programForVersion } from '../../src/scenario/version-check.js';

function compile(step: string) {
  return compileScenarioText('pnc.yaml', `description: pnc\nsteps:\n  - ${step}\n`);
}

function errorsOf(step: string): string[] {
  try {
    compile(step);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => i.message);
    throw e;
  }
  return [];
}

describe('scenario plug: Plug & Charge', () => {
  it('compiles the EV contract (an eMAID) and whether it first installs its certificate', () => {
    const plug = compile('plug: { contract: NL-TNM-012204530-6, installContract: true }').instrs.find((i) => i.op === Op.Plug)!;
    expect(plug).toMatchObject({ contract: 'NL-TNM-012204530-6', installContract: true });
    const bare = compile('plug').instrs.find((i) => i.op === Op.Plug)!;
    expect(bare.contract).toBeUndefined();
  });

  it('refuses a contract that is no eMAID, and installContract without a contract', () => {
    expect(errorsOf('plug: { contract: not-an-emaid }')[0]).toMatch(/not an eMAID/);
    expect(errorsOf('plug: { installContract: true }')[0]).toMatch(/with a contract/);
    expect(errorsOf('plug: { contract: NL-TNM-012204530-6, installContract: yes please }')[0]).toMatch(/true or false/);
  });
});

describe('Plug & Charge is OCPP 2.0.1', () => {
  it('a 1.6 charge point cannot run a plug with a contract: refused at its file:line:col', () => {
    const p = compile('plug: {contract: NL-TNM-012204530-6}');
    expect(programForVersion(p, '2.0.1').instrs).toHaveLength(1);
    expect(() => programForVersion(p, '1.6')).toThrow(/3:12: steps\[0\]\.plug\.contract: this step is told with Get15118EVCertificate, an OCPP 2\.0\.1 message/);
  });
});
