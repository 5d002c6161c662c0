/** Every NIST CDF JSON input in the RCTab cases imports with a derived definition, with every CVR accounted for. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { importFiles } from '../../src/app/import-cvrs.js';
import { verifyStore } from '../../src/app/verify-store.js';
import { Store } from '../../src/store/store.js';
import { now, testKeys } from '../support/fixtures.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

describeWithShared('RCTab CDF JSON inputs', 'conformance/rctab', (dir) => {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'MANIFEST.json'), 'utf8')) as {
    tests: { dir: string; cvr_sources: { provider: string; filePath: string }[] }[];
  };
  const files = [
    ...new Set(
      manifest.tests.flatMap((t) =>
        t.cvr_sources
          .filter((s) => s.provider === 'cdf' && s.filePath.endsWith('.json'))
          .map((s) => path.resolve(dir, t.dir, s.filePath)),
      ),
    ),
  ];
  it('lists the CDF JSON sources', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const file of files) {
    it(path.relative(dir, file), async () => {
      const expected = (JSON.parse(readFileSync(file, 'utf8')) as { CVR: unknown[] }).CVR.length;
      const keys = testKeys();
      const store = await Store.open({ sqlitePath: path.join(tempDir(), 's.db') });
      try {
        const [r] = await importFiles(store, [file], { format: 'cdf', signer: keys.signer, now });
        expect(r!.cvrs).toBe(expected);
        expect(r!.derivedDefinition).toBe(true);
        expect((await verifyStore(store, keys.verifier)).failures).toEqual([]);
      } finally {
        await store.close();
      }
    });
  }
});
