/**
 * Writes an election's CVRs as a Clear Ballot ClearVote CSV: fixed ballot columns, then one column per
 * choice (and per rank in a ranked contest) headed `Choice_<n>_<m>:<Contest>:[<Rank>:]Vote For <N>:<Choice>:<Party>`,
 * holding 1 where marked, 0 where not, and nothing where the contest is not on the ballot.
 */

import type { Cvr } from '../../core/cvr/model.js';
import { choicesOf, type Election, votesAllowedOf } from '../../core/election/schema.js';
import { csvFileWriter } from '../csv/csv-writer.js';
import { CLEAR_BALLOT_FIXED_COLUMNS } from './clearballot-format.js';

export async function writeClearBallotCsv(
  file: string,
  election: Election,
  cvrs: Iterable<Cvr>,
): Promise<number> {
  const columns = election.contests.flatMap((c, n) => {
    const ranks = c.type === 'ranked' ? Array.from({ length: c.maxRankings }, (_, r) => r + 1) : [undefined];
    return ranks.flatMap((rank) =>
      choicesOf(c).map((x, m) => ({
        contest: c.id,
        choice: x.id,
        rank,
        header: `Choice_${n + 1}_${m + 1}:${c.title}:${rank === undefined ? '' : `${rank}:`}Vote For ${votesAllowedOf(c)}:${x.name}:`,
      })),
    );
  });
  const csv = csvFileWriter(file);
  const write = csv.write;
  await write([...CLEAR_BALLOT_FIXED_COLUMNS, ...columns.map((c) => c.header)]);
  let row = 0;
  for (const cvr of cvrs) {
    row++;
    const entries = new Map(cvr.contests.map((c) => [c.contest, c]));
    await write([
      row,
      cvr.batch ?? '',
      cvr.position ?? '',
      cvr.id,
      cvr.precinct ?? '',
      cvr.ballotStyle ?? '',
      cvr.tabulator ?? '',
      ...columns.map((col) => {
        const entry = entries.get(col.contest);
        if (!entry) return '';
        return entry.marks.some((m) => m.choice === col.choice && m.rank === col.rank) ? 1 : 0;
      }),
    ]);
  }
  await csv.close();
  return row;
}
