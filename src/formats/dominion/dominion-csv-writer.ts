/**
 * Writes an election's CVRs as a Dominion CSV CVR export: the four header rows, then a row per ballot with
 * the ballot's numbers as Excel text cells (`="1"`), as Democracy Suite writes them. Ranked contests have a
 * column per rank and candidate, rank by rank (`Name(1)`, …, `Name(2)`, …).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { Cvr } from '../../core/cvr/model.js';
import { choicesOf, type Election, votesAllowedOf } from '../../core/election/schema.js';

const FIXED = [
  'CvrNumber',
  'TabulatorNum',
  'BatchId',
  'RecordId',
  'ImprintedId',
  'CountingGroup',
  'PrecinctPortion',
  'BallotType',
];
const excel = (v: string | number) => `="${v}"`;

export async function writeDominionCsv(
  file: string,
  election: Election,
  cvrs: Iterable<Cvr>,
  version = '5.17.17.1',
): Promise<number> {
  const columns = election.contests.flatMap((c) => {
    const header =
      c.type === 'ranked'
        ? `${c.title} (Number of positions=${c.seats}, Number of ranks=${c.maxRankings})`
        : `${c.title} (Vote For=${votesAllowedOf(c)})`;
    const ranks = c.type === 'ranked' ? Array.from({ length: c.maxRankings }, (_, r) => r + 1) : [undefined];
    return ranks.flatMap((rank) =>
      choicesOf(c).map((x) => ({
        contest: c.id,
        header,
        choice: x.id,
        rank,
        label: `${'writeIn' in x && x.writeIn ? 'Write-in' : x.name}${rank === undefined ? '' : `(${rank})`}`,
      })),
    );
  });
  const units = new Map(election.precincts.flatMap((p) => [p, ...p.splits].map((u) => [u.id, u.name])));
  const out = createWriteStream(file);
  const line = async (text: string) => {
    if (!out.write(`${text}\r\n`)) await once(out, 'drain');
  };
  const row = (cells: readonly (string | number)[]) => stringify([cells], { record_delimiter: '' });
  const before = FIXED.map(() => '');
  await line(row([election.title, version, ...before.slice(2), ...columns.map(() => '')]));
  await line(row([...before, ...columns.map((c) => c.header)]));
  await line(row([...before, ...columns.map((c) => c.label)]));
  await line(row([...FIXED, ...columns.map(() => '')]));
  let n = 0;
  for (const cvr of cvrs) {
    n++;
    const entries = new Map(cvr.contests.map((c) => [c.contest, c]));
    const fixed = [
      excel(n),
      excel(cvr.tabulator ?? ''),
      excel(cvr.batch ?? ''),
      excel(cvr.position ?? n),
      excel(cvr.imprintedId ?? ''),
      cvr.countingGroup ?? 'Election Day',
      cvr.precinct ? (units.get(cvr.precinct) ?? cvr.precinct) : '',
      cvr.ballotStyle ?? '',
    ];
    const votes = columns.map((col) => {
      const entry = entries.get(col.contest);
      if (!entry) return '';
      return entry.marks.some((m) => m.choice === col.choice && m.rank === col.rank) ? '1' : '0';
    });
    // The Excel cells go out raw: quoting them would make them the text `="1"`, not the number's text.
    await line([fixed.slice(0, 5).join(','), row([...fixed.slice(5), ...votes])].join(','));
  }
  out.end();
  await once(out, 'finish');
  return n;
}
