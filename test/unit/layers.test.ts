/**
 * The dependency rule, enforced (README "Architecture", issue #11): lower layers never import upper
 * ones. The station core reaches its OCPP version only through the version binding it is handed, so
 * it imports no version folder, and neither the scenario interpreter nor the scheduler that drive it.
 * The feature logic the versions share (src/features/) sits on the core and is imported by the
 * version folders, never the other way round.
 * Type-only imports count too: a type names the thing it belongs to.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** What each folder of src/ may import besides itself (npm packages and node: modules always). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  protocol: [],
  util: [],
  metrics: ['protocol', 'util'],
  station: ['protocol', 'util', 'metrics'],
  features: ['protocol', 'util', 'metrics', 'station'],
  csms: ['protocol', 'util', 'ocpp16', 'ocpp201', 'config'],
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The src/ folder (or top-level file) each relative import of `file` lands in. */
function importedFolders(file: string): { spec: string; folder: string }[] {
  const text = readFileSync(file, 'utf8');
  const out: { spec: string; folder: string }[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = relative(SRC, resolve(dirname(file), m[1]));
    out.push({ spec: m[1], folder: target.split(/[\\/]/)[0] });
  }
  return out;
}

describe('layers', () => {
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`src/${layer} imports only ${[layer, ...allowed].join(', ')}`, () => {
      const wrong: string[] = [];
      for (const file of filesUnder(join(SRC, layer))) {
        for (const { spec, folder } of importedFolders(file)) {
          if (folder !== layer && !allowed.includes(folder)) wrong.push(`${relative(SRC, file)} imports ${spec}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('reads import specifiers, type-only ones included', () => {
    const file = join(SRC, 'station', 'station.ts');
    expect(importedFolders(file).map((i) => i.folder)).toContain('protocol');
  });
});
