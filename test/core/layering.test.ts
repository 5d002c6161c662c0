/** core is pure and isomorphic: no Node built-ins and no imports from the outer layers (also enforced by biome). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);

it('core imports only core and isomorphic packages', () => {
  const core = path.join(repoRoot, 'src/core');
  const allowedPackages = new Set([
    'zod',
    '@noble/hashes/sha2.js',
    '@noble/curves/ed25519.js',
    '@scure/base',
    'fastest-levenshtein',
  ]);
  for (const file of sources(core)) {
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.'))
        expect(path.resolve(path.dirname(file), spec).startsWith(core), `${file} imports ${spec}`).toBe(true);
      else expect(allowedPackages.has(spec), `${path.relative(repoRoot, file)} imports ${spec}`).toBe(true);
    }
  }
});

it('store and formats never import the cli or app layers', () => {
  for (const layer of ['store', 'formats', 'platform'])
    for (const file of sources(path.join(repoRoot, 'src', layer)))
      for (const spec of importsOf(file))
        expect(/\/(cli|app)\//.test(spec), `${file} imports ${spec}`).toBe(false);
});
