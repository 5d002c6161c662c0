import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/app/import-cvrs.js';
import { tallyStore } from '../../src/app/tally.js';
import { Store } from '../../src/store/store.js';
import { now, testKeys } from '../support/fixtures.js';
import { importAndRead } from '../support/import.js';
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

describe('Hart ranked contests: Value is one position per rank, read left to right', () => {
  const option = (id: string, value: string) =>
    `<Option><Name>${id}</Name><Id>${id}</Id><Value>${value}</Value></Option>`;
  const ballot = (guid: string, options: string) =>
    '<?xml version="1.0" encoding="utf-8"?><Cvr xmlns="http://tempuri.org/CVRDesign.xsd"><Contests>' +
    `<Contest><Name>Mayor</Name><Id>mayor</Id><Options>${options}</Options></Contest>` +
    '<Contest><Name>Clerk</Name><Id>clerk</Id><Options>' +
    option('clerk-a', '1') +
    `</Options></Contest></Contests><BatchSequence>1</BatchSequence><BatchNumber>7</BatchNumber><CvrGuid>${guid}</CvrGuid></Cvr>`;

  it('reads ranks by position, a repeated ranking, and an overvote at a rank', async () => {
    const dir = tempDir();
    const ballots: Record<string, string> = {
      // B first, A second: the 0100 of A is rank 2, not rank 100.
      'b-first': option('A', '0100') + option('B', '1000') + option('C', '0000'),
      // A at ranks 2 and 4, C first.
      repeated: option('A', '0101') + option('C', '1000'),
      // A and B both at rank 1: an overvote at that rank; C second.
      overvote: option('A', '1000') + option('B', '1000') + option('C', '0100'),
    };
    for (const [guid, options] of Object.entries(ballots))
      writeFileSync(path.join(dir, `${guid}.xml`), ballot(guid, options));
    const { cvrs, election, report } = await importAndRead('hart', dir);
    expect(report.failures).toEqual([]);
    const marks = (id: string) =>
      cvrs.find((c) => c.id === id)!.contests.find((c) => c.contest === 'mayor')!.marks;
    expect(marks('b-first')).toEqual([
      { choice: 'B', rank: 1 },
      { choice: 'A', rank: 2 },
    ]);
    expect(marks('repeated')).toEqual([
      { choice: 'C', rank: 1 },
      { choice: 'A', rank: 2 },
      { choice: 'A', rank: 4 },
    ]);
    expect(marks('overvote')).toEqual([
      { choice: 'A', rank: 1 },
      { choice: 'B', rank: 1 },
      { choice: 'C', rank: 2 },
    ]);
    const mayor = election.contests.find((c) => c.id === 'mayor')!;
    expect(mayor.type === 'ranked' && mayor.maxRankings).toBe(4);
    expect(election.contests.find((c) => c.id === 'clerk')!.type).toBe('candidate');
    expect(cvrs.find((c) => c.id === 'b-first')!.contests.find((c) => c.contest === 'clerk')!.marks).toEqual([
      { choice: 'clerk-a' },
    ]);
  });

  it('refuses a Value that is not 0s and 1s, naming the ballot and option', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'bad.xml'), ballot('bad', option('A', '0200')));
    await expect(importAndRead('hart', dir)).rejects.toThrow(
      /bad\.xml: Contest\[0\]\.Option\[0\]: Value "0200" is not a string of 0s and 1s/,
    );
  });
});
