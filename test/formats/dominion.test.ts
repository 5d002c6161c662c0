/** Dominion JSON exports as RCTab reads them: every case's export imports, and the Alaska export matches RCTab's own normalisation. */

import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/app/import-cvrs.js';
import { Store } from '../../src/store/store.js';
import { now, testKeys } from '../support/fixtures.js';
import { importAndRead } from '../support/import.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

/** The Dominion import, with the CVRs by id. */
async function importDominionById(folder: string) {
  const r = await importAndRead('dominion', folder);
  return { ...r, cvrs: new Map(r.cvrs.map((c) => [c.id, c])) };
}

const sessionsIn = (folder: string) =>
  readdirSync(folder)
    .filter((n) => /^CvrExport.*\.json$/.test(n))
    .reduce(
      (n, f) =>
        n +
        (JSON.parse(readFileSync(path.join(folder, f), 'utf8')) as { Sessions: unknown[] }).Sessions.length,
      0,
    );

describeWithShared('Dominion CVR exports', 'conformance/rctab', (dir) => {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'MANIFEST.json'), 'utf8')) as {
    missing_from_snapshot: string[];
    tests: { dir: string; cvr_sources: { provider: string; filePath: string }[] }[];
  };
  const missing = (folder: string) =>
    manifest.missing_from_snapshot.some((m) => m.includes(`/${path.basename(folder)}/`));
  const folders = [
    ...new Set(
      manifest.tests.flatMap((t) =>
        t.cvr_sources
          .filter((s) => s.provider === 'dominion')
          .map((s) => path.resolve(dir, t.dir, s.filePath)),
      ),
    ),
  ];

  for (const folder of folders) {
    it(`${path.relative(dir, folder)} imports every session`, async () => {
      if (missing(folder)) {
        console.warn(`SKIPPED ${folder}: its CvrExport is not in the shared snapshot`);
        return;
      }
      const { summary, report } = await importDominionById(folder);
      expect(summary.cvrs).toBe(sessionsIn(folder));
      expect(report.failures).toEqual([]);
    });
  }

  it("matches RCTab's normalisation of the Alaska export (ids, tabulator, batch, portion, every rank)", async () => {
    const config = JSON.parse(
      readFileSync(path.join(dir, 'conversions_from_dominion/conversions_from_dominion_config.json'), 'utf8'),
    ) as {
      candidates: { name: string; aliases: string[] }[];
    };
    const alias = new Map(config.candidates.map((c) => [c.name, c.aliases[0]!]));
    const rows = parse(
      readFileSync(path.join(dir, 'conversions_from_dominion/conversions_from_dominion_expected.csv')),
      {
        columns: true,
      },
    ) as Record<string, string>[];
    const { cvrs, election } = await importDominionById(
      path.join(dir, '_shared/dominion_alaska/alaska_input_data'),
    );
    expect(rows).toHaveLength(cvrs.size);
    const portionName = new Map(election.precincts.flatMap((p) => p.splits.map((s) => [s.id, s.name])));
    for (const row of rows) {
      const cvr = cvrs.get(row['RCTab CVR Id']!);
      expect(cvr, row['RCTab CVR Id']).toBeDefined();
      expect([cvr!.tabulator, cvr!.batch, portionName.get(cvr!.precinct!)]).toEqual([
        row['Tabulator Id'],
        row['Batch Id'],
        row['Precinct Portion'],
      ]);
      const marks = cvr!.contests.find((c) => c.contest === '1')?.marks ?? [];
      for (let rank = 1; rank <= 5; rank++) {
        const cell = row[`Rank ${rank}`]!;
        const want = cell === 'undervote' ? [] : cell.split('\n').map((name) => alias.get(name) ?? name);
        const got = marks.filter((m) => m.rank === rank).map((m) => m.choice);
        expect(got.sort(), `${row['RCTab CVR Id']} rank ${rank}`).toEqual(want.sort());
      }
    }
  });

  it('tallies by counting group (voting method) from the CountingGroupManifest', async () => {
    const keys = testKeys();
    const store = await Store.open({ sqlitePath: path.join(tempDir(), 's.db') });
    try {
      const folder = path.join(dir, 'dominion_multi_file/dominion_multi_file_input_data');
      await importFiles(store, [folder], { format: 'dominion', signer: keys.signer, now });
      const names = (
        JSON.parse(readFileSync(path.join(folder, 'CountingGroupManifest.json'), 'utf8')) as {
          List: { Description: string }[];
        }
      ).List.map((g) => g.Description);
      const { tallyStore } = await import('../../src/app/tally.js');
      const { tally } = await tallyStore(store, { by: 'group' });
      // every session of this export is counting group 2, "Vote by Mail"
      expect(tally.groups!.map((g) => g.id)).toEqual([names[1]]);
      const president = (contests: { id: string; ballots: number }[]) =>
        contests.find((c) => c.id === '1')?.ballots ?? 0;
      expect(tally.groups!.reduce((n, g) => n + president(g.contests), 0)).toBe(president(tally.contests));
    } finally {
      await store.close();
    }
  });

  it('uses the Modified snapshot where the adjudicated record replaced the original', async () => {
    const folder = path.join(dir, 'dominion_multi_file/dominion_multi_file_input_data');
    const sessions = (
      JSON.parse(readFileSync(path.join(folder, 'CvrExport_1.json'), 'utf8')) as {
        Sessions: Record<string, unknown>[];
      }
    ).Sessions;
    const modified = sessions.find((s) => s.Modified) as {
      TabulatorId: number;
      BatchId: number;
      RecordId: number;
      Modified: { PrecinctPortionId: number };
    };
    const { cvrs } = await importDominionById(folder);
    const cvr = cvrs.get(`${modified.TabulatorId}-${modified.BatchId}-${modified.RecordId}`)!;
    expect(cvr.precinct).toBe(`portion-${modified.Modified.PrecinctPortionId}`);
  });

  describe('bad exports are refused, naming the file, record and reason', () => {
    const copy = () => {
      const d = tempDir();
      cpSync(path.join(dir, '_shared/dominion_alaska/alaska_input_data'), d, { recursive: true });
      return d;
    };
    const refuse = async (folder: string, pattern: RegExp) => {
      const store = await Store.open({ sqlitePath: path.join(tempDir(), 's.db') });
      try {
        await expect(
          importFiles(store, [folder], { format: 'dominion', signer: testKeys().signer, now }),
        ).rejects.toThrow(pattern);
        expect(await store.logSize()).toBe(0);
      } finally {
        await store.close();
      }
    };

    it('a missing manifest', async () => {
      const d = copy();
      rmSync(path.join(d, 'ContestManifest.json'));
      await refuse(d, /ContestManifest\.json: the ContestManifest is missing/);
    });

    it('a truncated export', async () => {
      const d = copy();
      const f = path.join(d, 'CvrExport.json');
      const text = readFileSync(f, 'utf8');
      writeFileSync(f, text.slice(0, text.length / 2));
      await refuse(d, /CvrExport\.json: the file ends early \(truncated\) inside Sessions\[\d+\]/);
    });

    it('a mark for a candidate the manifest does not have', async () => {
      const d = copy();
      const f = path.join(d, 'CvrExport.json');
      const data = JSON.parse(readFileSync(f, 'utf8'));
      data.Sessions[3].Original.Cards[0].Contests[0].Marks[0].CandidateId = 999;
      writeFileSync(f, JSON.stringify(data));
      await refuse(d, /CvrExport\.json: Sessions\[3\] \(id [\d-]+\): contest "1" has no choice "999"/);
    });
  });
});

describe('a synthetic Dominion export', () => {
  it('round-trips through the writer and the reader to the ground truth', async () => {
    const { generateElection } = await import('../../src/app/generate.js');
    const { tallyStore } = await import('../../src/app/tally.js');
    const gen = await generateElection(tempDir(), {
      ballots: 800,
      seed: 'dominion',
      format: 'dominion',
      files: 2,
    });
    expect(readdirSync(gen.cvrFiles[0]!).filter((n) => n.startsWith('CvrExport_'))).toHaveLength(2);
    const store = await Store.open({ sqlitePath: path.join(tempDir(), 's.db') });
    try {
      const [r] = await importFiles(store, gen.cvrFiles, {
        format: 'dominion',
        signer: testKeys().signer,
        now,
      });
      expect(r!.cvrs).toBe(800);
      const truth = JSON.parse(readFileSync(gen.truth, 'utf8')) as { contests: { name: string }[] };
      const { tally } = await tallyStore(store);
      for (const c of tally.contests) {
        const { id: _id, ...rest } = c;
        expect(rest).toEqual(truth.contests.find((t) => t.name === c.name));
      }
      expect(tally.contests).toHaveLength(3); // the ranked contest is left to the ranked-choice tabulator
    } finally {
      await store.close();
    }
  });
});
