/** ES&S ballot-per-row workbooks as RCTab reads them, with the column layout and labels of each RCTab case. */

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import type { ReaderOptions } from '../../src/formats/cvr-format.js';
import { sharedStringsOf } from '../../src/formats/ess/ess-format.js';
import { importAndRead } from '../support/import.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

interface Source {
  provider: string;
  filePath: string;
  firstVoteColumnIndex?: string;
  firstVoteRowIndex?: string;
  idColumnIndex?: string;
  precinctColumnIndex?: string;
  batchColumnIndex?: string;
  overvoteDelimiter?: string;
  overvoteLabel?: string;
  skippedRankLabel?: string;
  undervoteLabel?: string;
}

const num = (v: string | undefined) => (v ? Number(v) : undefined);
/** RCTab: an empty column index means the file has no such column. */
const col = (v: string | undefined) => (v ? Number(v) : 0);
const text = (v: string | undefined) => (v ? v : undefined);
const optionsOf = (s: Source): ReaderOptions => ({
  firstVoteColumn: num(s.firstVoteColumnIndex),
  firstVoteRow: num(s.firstVoteRowIndex),
  idColumn: col(s.idColumnIndex),
  precinctColumn: col(s.precinctColumnIndex),
  batchColumn: col(s.batchColumnIndex),
  overvoteDelimiter: text(s.overvoteDelimiter),
  overvoteLabel: text(s.overvoteLabel),
  undervoteLabel: text(s.skippedRankLabel ?? s.undervoteLabel),
});

describeWithShared('ES&S workbooks', 'conformance/rctab', (dir) => {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'MANIFEST.json'), 'utf8')) as {
    missing_from_snapshot: string[];
    tests: { stem: string; dir: string; config: string; cvr_sources: Source[] }[];
  };
  const cases = new Map<string, { file: string; options: ReaderOptions; ballots: number }>();
  for (const t of manifest.tests) {
    const config = JSON.parse(readFileSync(path.join(dir, t.config), 'utf8')) as { cvrFileSources: Source[] };
    const sources = config.cvrFileSources.filter((s) => s.provider === 'ess');
    if (sources.length !== 1) continue;
    const file = path.resolve(dir, t.dir, sources[0]!.filePath);
    if (manifest.missing_from_snapshot.some((m) => m.endsWith(path.basename(file)))) continue;
    const report = path.join(dir, t.dir, `${t.stem}_expected_detailed_report.json`);
    let ballots: number;
    try {
      ballots = Number(
        (JSON.parse(readFileSync(report, 'utf8')) as { summary: { totalNumBallots: string } }).summary
          .totalNumBallots,
      );
    } catch {
      continue;
    }
    const options = optionsOf(sources[0]!);
    cases.set(`${file} ${JSON.stringify(options)}`, { file, options, ballots });
  }
  it('finds the ES&S cases', () => expect(cases.size).toBeGreaterThan(15));

  for (const { file, options, ballots } of cases.values()) {
    it(`${path.relative(dir, file)} holds the ${ballots} ballots RCTab counted`, async () => {
      if (statSync(file).size > 3_000_000) return;
      const { summary, report } = await importAndRead('ess', file, options);
      expect(summary.cvrs).toBe(ballots);
      expect(report.failures).toEqual([]);
    });
  }

  it("reads a workbook's shared strings from the archive itself, as exceljs resolves them", async () => {
    // The fallback for rows exceljs emits before it has read the table (sheet first in the archive).
    const file = path.join(
      dir,
      'test_set_allow_only_one_winner_per_round/test_set_allow_only_one_winner_per_round_cvr.xlsx',
    );
    const table = await sharedStringsOf(file);
    const { cvrs } = await importAndRead('ess', file, {});
    const names = new Set(cvrs.flatMap((c) => c.contests.flatMap((x) => x.marks.map((m) => m.choice))));
    expect(table.length).toBeGreaterThan(0);
    for (const name of names) expect(table).toContain(name);
  });

  it('reads the same ballots from the CSV form of a workbook, with an overvote delimiter', async () => {
    const csv = path.join(tempDir(), 'portland.csv');
    const lines = [
      'Cast Vote Record,Precinct,Ballot Style,Mayor Choice 1,Mayor Choice 2,Mayor Choice 3',
      '1,P-1,BS-1,"Duson, Jill C.","Bryant, Peter G.",undervote',
      '2,P-1,BS-1,overvote,"Duson, Jill C.",undervote',
      '3,P-2,BS-1,"Bryant, Peter G.|Duson, Jill C.",,undervote',
      '4,P-2,BS-1,,,',
    ];
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const { cvrs } = await importAndRead('ess', csv, { overvoteDelimiter: '|' });
    expect(cvrs.map((c) => [c.id, c.precinct, c.contests[0]])).toEqual([
      [
        '1',
        'P-1',
        {
          contest: 'Mayor',
          marks: [
            { choice: 'Duson, Jill C.', rank: 1 },
            { choice: 'Bryant, Peter G.', rank: 2 },
          ],
        },
      ],
      ['2', 'P-1', { contest: 'Mayor', marks: [{ choice: 'Duson, Jill C.', rank: 2 }], overvotedRanks: [1] }],
      [
        '3',
        'P-2',
        {
          contest: 'Mayor',
          marks: [
            { choice: 'Bryant, Peter G.', rank: 1 },
            { choice: 'Duson, Jill C.', rank: 1 },
          ],
        },
      ],
      ['4', 'P-2', { contest: 'Mayor', marks: [] }],
    ]);
  });

  it("matches RCTab's normalisation of simple_ess_cvr.xlsx rank by rank", async () => {
    const config = JSON.parse(
      readFileSync(path.join(dir, 'conversions_from_ess/conversions_from_ess_config.json'), 'utf8'),
    ) as {
      cvrFileSources: Source[];
    };
    const rows = parse(
      readFileSync(path.join(dir, 'conversions_from_ess/conversions_from_ess_expected.csv')),
      { columns: true },
    ) as Record<string, string>[];
    const { cvrs } = await importAndRead(
      'ess',
      path.join(dir, '_shared/simple_ess_cvr.xlsx'),
      optionsOf(config.cvrFileSources[0]!),
    );
    const byId = new Map(cvrs.map((c) => [c.id, c]));
    expect(rows).toHaveLength(cvrs.length);
    for (const row of rows) {
      const contest = byId.get(row['RCTab CVR Id']!)!.contests[0]!;
      for (let rank = 1; rank <= 3; rank++) {
        const cell = row[`Rank ${rank}`]!;
        const got = contest.overvotedRanks?.includes(rank)
          ? 'overvote'
          : contest.marks
              .filter((m) => m.rank === rank)
              .map((m) => m.choice)
              .join('\n') || 'undervote';
        expect(got, `${row['RCTab CVR Id']} rank ${rank}`).toBe(cell);
      }
    }
  });
});
