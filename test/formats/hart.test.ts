import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { importFiles } from '../../src/app/import-cvrs.js';
import { tallyStore } from '../../src/app/tally.js';
import { Store } from '../../src/store/store.js';
import { now, testKeys } from '../support/fixtures.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

describeWithShared('Hart per-ballot XML exports', 'conformance/rctab/_shared/hart_cvr_archive', (source) => {
  const open = async () => Store.open({ sqlitePath: path.join(tempDir(), 's.db') });

  it('imports one CVR per ballot file; the Travis County contest is on the 9 ballots RCTab counted', async () => {
    const store = await open();
    try {
      const [r] = await importFiles(store, [source], { format: 'hart', signer: testKeys().signer, now });
      expect(r!.cvrs).toBe(readdirSync(source).filter((n) => n.endsWith('.xml')).length);
      const { tally } = await tallyStore(store);
      const travis = tally.contests.find((c) => c.id === 'e9ca8235-893e-43df-93eb-3cc61eeb133c')!;
      expect(travis.name).toBe('TRAVIS COUNTY OFFICERS');
      expect(travis.ballots).toBe(9);
      const president = tally.contests.find((c) => c.name === 'US  PRESIDENT')!;
      expect(president.results).toEqual({ 'Bernie Sanders': 1, 'Donald Trump': 4, 'Hillary Clinton': 2 });
    } finally {
      await store.close();
    }
  });

  it('refuses a folder with a malformed ballot file, storing nothing', async () => {
    const dir = tempDir();
    cpSync(source, dir, { recursive: true });
    writeFileSync(path.join(dir, 'zz-broken.xml'), '<?xml version="1.0"?><Cvr><Contests><Contest></Cvr>');
    const store = await open();
    try {
      await expect(
        importFiles(store, [dir], { format: 'hart', signer: testKeys().signer, now }),
      ).rejects.toThrow(/zz-broken\.xml: not well-formed XML/);
      expect(await store.logSize()).toBe(0);
    } finally {
      await store.close();
    }
  });
});
