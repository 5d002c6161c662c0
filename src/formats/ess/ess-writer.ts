/**
 * Writes one ranked contest as ES&S writes its ballot-per-row RCV export (.xlsx, streamed): `Cast Vote
 * Record`, `Precinct`, `Ballot Style`, then `<contest> Choice <n>` columns holding a name, `overvote`
 * or `undervote`. Only ballots on which the contest appears are rows, as in the vendor's export.
 */
import type { Cvr } from '../../core/cvr/model.js';
import type { RankedContest } from '../../core/election/schema.js';
import { rankCells } from '../synthetic/ranks.js';

export async function writeEssWorkbook(
  file: string,
  contest: RankedContest,
  cvrs: Iterable<Cvr>,
): Promise<number> {
  const { default: ExcelJS } = await import('exceljs'); // loaded only when a workbook is written
  const names = new Map(contest.candidates.map((c) => [c.id, c.name]));
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = book.addWorksheet('Sheet1');
  const ranks = Array.from(
    { length: contest.maxRankings },
    (_, i) => `${contest.title} Choice ${i + 1} of ${contest.maxRankings}`,
  );
  sheet.addRow(['Cast Vote Record', 'Precinct', 'Ballot Style', ...ranks]).commit();
  let rows = 0;
  for (const cvr of cvrs) {
    const entry = cvr.contests.find((c) => c.contest === contest.id);
    if (!entry) continue;
    const cells = rankCells(entry, contest.maxRankings).map((c) =>
      c.kind === 'one' ? (names.get(c.choice) ?? c.choice) : c.kind === 'overvote' ? 'overvote' : 'undervote',
    );
    sheet.addRow([cvr.id, cvr.precinct ?? '', cvr.ballotStyle ?? '', ...cells]).commit();
    rows++;
  }
  sheet.commit();
  await book.commit();
  return rows;
}
