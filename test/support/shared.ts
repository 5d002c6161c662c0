import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The project's shared checks (vectors, conformance data), read in place and never copied. */
export const sharedDir = process.env.TALLYPROOF_SHARED ?? path.resolve(repoRoot, '../shared');

/** describe() that skips loudly when ../shared (or a part of it) is absent. */
export function describeWithShared(name: string, relative: string, body: (dir: string) => void): void {
  const dir = path.join(sharedDir, relative);
  if (!existsSync(dir)) {
    console.warn(`SKIPPED "${name}": shared check data not found at ${dir}`);
    describe.skip(name, () => body(dir));
    return;
  }
  describe(name, () => body(dir));
}
