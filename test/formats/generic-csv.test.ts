/** RCTab's generic CSV cases: every ballot read, and the first choices are RCTab's round-1 tally. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { importFiles } from '../../src/app/import-cvrs.js';
import { decodeEntry } from '../../src/core/entries.js';
import { Store } from '../../src/store/store.js';
import { now, testKeys } from '../support/fixtures.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

describeWithShared('generic CSV', 'conformance/rctab', (dir) => {
  for (const stem of ['generic_csv_test', 'csv_missing_header_test']) {
    it(`${stem}: the ballots and first choices RCTab counted`, async () => {
      const config = JSON.parse(readFileSync(path.join(dir, stem, `${stem}_config.json`), 'utf8'));
      const source = config.cvrFileSources[0];
      const expected = JSON.parse(
        readFileSync(path.join(dir, stem, `${stem}_expected_detailed_report.json`), 'utf8'),
      );
      const store = await Store.open({ sqlitePath: path.join(tempDir(), 's.db') });
      try {
        const col = (v: string) => (v ? Number(v) : 0);
        const [r] = await importFiles(store, [path.join(dir, stem, source.filePath)], {
          format: 'csv',
          signer: testKeys().signer,
          now,
          readerOptions: {
            firstVoteColumn: col(source.firstVoteColumnIndex),
            firstVoteRow: col(source.firstVoteRowIndex) || undefined,
            idColumn: col(source.idColumnIndex),
            precinctColumn: col(source.precinctColumnIndex),
            batchColumn: col(source.batchColumnIndex),
          },
        });
        expect(r!.cvrs).toBe(Number(expected.summary.totalNumBallots));
        const firsts: Record<string, number> = {};
        for await (const rows of store.entries(0, await store.logSize()))
          for (const row of rows) {
            const d = decodeEntry(row.body);
            if (!d.ok || d.value.kind !== 'cvr') continue;
            const ranked = [...d.value.cvr.contests[0]!.marks].sort((a, b) => a.rank! - b.rank!);
            const first = ranked[0]?.choice;
            if (first) {
              const name = first === source.undeclaredWriteInLabel ? 'Undeclared Write-ins' : first;
              firsts[name] = (firsts[name] ?? 0) + 1;
            }
          }
        const round1 = Object.fromEntries(
          Object.entries(expected.results[0].tally as Record<string, string>).map(([k, v]) => [k, Number(v)]),
        );
        expect(firsts).toEqual(round1);
      } finally {
        await store.close();
      }
    });
  }
});
