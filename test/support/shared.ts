import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The project's shared checks (vectors, conformance data), read in place and never copied. */
export const sharedDir = process.env.TALLYPROOF_SHARED ?? path.resolve(repoRoot, '../shared');

/**
 * CI has the shared data and must not pass by skipping it: there (CI=true, or TALLYPROOF_REQUIRE_SHARED=1)
 * a missing part fails the run instead of skipping.
 */
const sharedRequired = process.env.CI === 'true' || process.env.TALLYPROOF_REQUIRE_SHARED === '1';

/**
 * describe() that skips loudly when ../shared (or a part of it) is absent. The body is not run then:
 * it reads the shared files while it declares its tests (vitest evaluates even a describe.skip body).
 */
export function describeWithShared(name: string, relative: string, body: (dir: string) => void): void {
  const dir = path.join(sharedDir, relative);
  if (existsSync(dir)) {
    describe(name, () => body(dir));
    return;
  }
  if (sharedRequired) {
    describe(name, () => {
      it('reads the shared check data', () => {
        throw new Error(
          `shared check data not found at ${dir} (required: CI or TALLYPROOF_REQUIRE_SHARED=1)`,
        );
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": shared check data not found at ${dir}`);
  describe(name, () => {
    it.skip(`needs the shared check data at ${dir}`, () => {});
  });
}
