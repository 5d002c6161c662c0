import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { importFiles } from '../../src/app/import-cvrs.js';
import { tallyStore } from '../../src/app/tally.js';
import { Store } from '../../src/store/store.js';
import { now, testKeys } from '../support/fixtures.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';
import { writeStoredZip } from '../support/zip.js';

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

  it('reads the same export from a .zip archive, ballot for ballot', async () => {
    const names = readdirSync(source).filter((n) => n.endsWith('.xml'));
    const zip = path.join(tempDir(), 'hart-export.zip');
    writeStoredZip(zip, [
      { name: 'README.txt', bytes: Buffer.from('not a ballot') },
      ...names.map((n) => ({ name: `cvrs/${n}`, bytes: readFileSync(path.join(source, n)) })),
    ]);
    const store = await open();
    try {
      const [r] = await importFiles(store, [zip], { format: 'hart', signer: testKeys().signer, now });
      expect(r!.cvrs).toBe(names.length);
      const { tally } = await tallyStore(store);
      const president = tally.contests.find((c) => c.name === 'US  PRESIDENT')!;
      expect(president.results).toEqual({ 'Bernie Sanders': 1, 'Donald Trump': 4, 'Hillary Clinton': 2 });
    } finally {
      await store.close();
    }
    // A truncated archive is refused as bad input, nothing stored.
    const cut = path.join(tempDir(), 'cut.zip');
    writeFileSync(cut, readFileSync(zip).subarray(0, 3000));
    const again = await open();
    try {
      await expect(
        importFiles(again, [cut], { format: 'hart', signer: testKeys().signer, now }),
      ).rejects.toThrow(/not a readable zip archive/);
      expect(await again.logSize()).toBe(0);
    } finally {
      await again.close();
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
