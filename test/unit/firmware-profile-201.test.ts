/**
 * The profile's `firmware:` section for the 2.0.1 firmware features (src/profile/load.ts and
 * profiles/profile.schema.json): a Local Controller (L03/L04) and the failure modes of the signature
 * and the install verification; and the scenario step that switches those on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProfileFile, loadProfile } from '../../src/profile/load.js';
import { compileScenarioText } from '../../src/scenario/parse.js';
import { DEFAULT_FIRMWARE } from '../../src/station/profile.js';

const TMP = mkdtempSync(join(tmpdir(), 'ocpp-sim-fw-profile-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function profileFile(name: string, firmware: string): string {
  const file = join(TMP, `${name}.yaml`);
  writeFileSync(file, `description: ${name}\nidentity: { vendor: V, model: M }\nocpp: ["2.0.1"]\nconnectors:\n  - { type: Type2, current: AC, maxPowerW: 22000 }\nfirmware:\n${firmware}`);
  return file;
}

describe('profile firmware section', () => {
  it('localController, signatureFails and installVerificationFails load; they are off by default', () => {
    const p = loadProfile(profileFile('lc', '  localController: true\n  signatureFails: true\n  installVerificationFails: true\n'));
    expect(p.firmware).toMatchObject({ localController: true, signatureFails: true, installVerificationFails: true, installFails: false });
    const plain = loadProfile(profileFile('plain', '  installFails: true\n'));
    expect(plain.firmware).toMatchObject({ signatureFails: false, installVerificationFails: false });
    expect(plain.firmware?.localController).toBeUndefined();
    expect(DEFAULT_FIRMWARE.localController).toBeUndefined();
  });

  it('a misspelt or mistyped flag is an error of the profile', () => {
    expect(checkProfileFile(profileFile('good', '  localController: false\n'))).toEqual([]);
    expect(checkProfileFile(profileFile('typo', '  localControler: true\n')).map((i) => i.message).join()).toMatch(/localControler/);
    expect(checkProfileFile(profileFile('type', '  localController: yes please\n')).map((i) => i.message).join()).toMatch(/boolean/);
  });
});

describe('scenario `firmware:` step', () => {
  it('signature and verify switch the signature check and the install verification', () => {
    const program = compileScenarioText('fw.yaml', 'description: fw\nconnectors: [1]\nsteps:\n  - firmware: {signature: fail, verify: fail, install: ok}\n');
    const step = program.instrs.find((i) => i.firmware !== undefined);
    expect(step?.firmware).toEqual({ signatureFails: true, installVerificationFails: true, installFails: false });
  });

  it('an unknown key is an error that names the known ones', () => {
    expect(() => compileScenarioText('fw.yaml', 'description: fw\nconnectors: [1]\nsteps:\n  - firmware: {checksum: fail}\n')).toThrow(/signature|verify/);
  });
});
