/**
 * Writes one ranked contest in the long format (`--format ranks`): a row per ranking of every ballot on which
 * the contest appears, `ballot_id,contest,precinct,ballot_style,batch,tabulator,rank,choice`. Every rank from
 * 1 to the contest's maximum has a row: each choice marked there (two rows at one rank are an overvote that
 * names its choices), `$OVERVOTE` where the CVR records an overvote without names, `$UNDERVOTE` where
 * nothing is marked. So it reads back to exactly the CVR's marks.
 */
import type { Cvr } from '../../core/cvr/model.js';
import type { RankedContest } from '../../core/election/schema.js';
import { csvFileWriter } from '../csv/csv-writer.js';
import { OVERVOTE_MARKER, UNDERVOTE_MARKER } from './ranks-format.js';

export async function writeRanksCsv(
  file: string,
  contest: RankedContest,
  cvrs: Iterable<Cvr>,
): Promise<number> {
  const csv = csvFileWriter(file);
  const names = new Map(contest.candidates.map((c) => [c.id, c.name]));
  await csv.write([
    'ballot_id',
    'contest',
    'precinct',
    'ballot_style',
    'batch',
    'tabulator',
    'rank',
    'choice',
  ]);
  let ballots = 0;
  for (const cvr of cvrs) {
    const entry = cvr.contests.find((c) => c.contest === contest.id);
    if (!entry) continue;
    const row = (rank: number, choice: string) =>
      csv.write([
        cvr.id,
        contest.title,
        cvr.precinct ?? '',
        cvr.ballotStyle ?? '',
        cvr.batch ?? '',
        cvr.tabulator ?? '',
        rank,
        choice,
      ]);
    for (let rank = 1; rank <= contest.maxRankings; rank++) {
      const at = entry.marks.filter((m) => (m.rank ?? 1) === rank);
      for (const m of at) await row(rank, names.get(m.choice) ?? m.choice);
      if (entry.overvotedRanks?.includes(rank)) await row(rank, OVERVOTE_MARKER);
      else if (at.length === 0) await row(rank, UNDERVOTE_MARKER);
    }
    ballots++;
  }
  await csv.close();
  return ballots;
}
