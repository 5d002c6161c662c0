/**
 * An import of several exports with no definition loaded derives one definition from all of them: every
 * file's contests, choices, precincts and ballot styles — the second file's were refused as unknown when the
 * definition came from the first file alone.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Election } from '../../src/core/election/schema.js';
import { Store } from '../../src/store/store.js';
import { ok, okJson, tp } from '../support/cli.js';
import { tempDir } from '../support/stores.js';

const FILES = {
  'north.csv': [
    'Cast Vote Record,Precinct,Ballot Style,Mayor Choice 1,Mayor Choice 2',
    '1,P-1,BS-1,Duson,Bryant',
    '2,P-1,BS-1,Bryant,undervote',
  ],
  'south.csv': [
    'Cast Vote Record,Precinct,Ballot Style,Mayor Choice 1,Mayor Choice 2,Mayor Choice 3',
    '11,P-2,BS-2,Smith,Duson,undervote',
  ],
  'council.csv': [
    'Cast Vote Record,Precinct,Ballot Style,Council Choice 1,Council Choice 2',
    '21,P-3,BS-2,Xu,Yang',
  ],
};

describe('a definition derived from several exports', () => {
  it("takes every file's contests, choices, precincts and ballot styles", async () => {
    const dir = tempDir();
    const key = path.join(dir, 'k');
    ok(['keygen', '--name', 'county.example/2026', '--out', key]);
    const files = Object.entries(FILES).map(([name, lines]) => {
      const file = path.join(dir, name);
      writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    });
    const db = path.join(dir, 's.db');
    const r = tp(['import', '--db', db, '--key', key, '--format', 'ess', ...files]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('derived one from north.csv, south.csv, council.csv');
    expect(okJson(['status', '--db', db])).toMatchObject({ cvrs: 4, imports: 3 });
    const store = await Store.open({ sqlitePath: db });
    const election = JSON.parse(Buffer.from((await store.election())!.bytes).toString('utf8')) as Election;
    await store.close();
    expect(election.precincts.map((p) => p.id)).toEqual(['P-1', 'P-2', 'P-3']);
    expect(election.ballotStyles.map((b) => b.id)).toEqual(['BS-1', 'BS-2']);
    const mayor = election.contests.find((c) => c.id === 'Mayor');
    expect(mayor).toMatchObject({ type: 'ranked', maxRankings: 3 });
    expect(mayor?.type === 'ranked' && mayor.candidates.map((c) => c.name)).toEqual([
      'Duson',
      'Bryant',
      'Smith',
    ]);
    expect(election.contests.map((c) => c.id)).toEqual(['Mayor', 'Council']);
    ok(['verify', '--db', db, '--vkey', `${key}.pub`]);
  });
});
