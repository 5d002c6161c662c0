/**
 * Writes one ranked contest as a generic CSV (RCTab's genericCsv): `Ballot ID, Precinct, Batch`, then
 * one column per candidate holding the rank given to them. A cell holds one rank, so a candidate
 * ranked twice keeps only their best rank — the layout cannot say more.
 */

import type { Cvr } from '../../core/cvr/model.js';
import type { RankedContest } from '../../core/election/schema.js';
import { csvFileWriter } from '../csv/csv-writer.js';

export async function writeGenericCsv(
  file: string,
  contest: RankedContest,
  cvrs: Iterable<Cvr>,
): Promise<number> {
  const csv = csvFileWriter(file);
  const write = csv.write;
  await write(['Ballot ID', 'Precinct', 'Batch', ...contest.candidates.map((c) => c.name)]);
  let rows = 0;
  for (const cvr of cvrs) {
    const entry = cvr.contests.find((c) => c.contest === contest.id);
    if (!entry) continue;
    const best = new Map<string, number>();
    for (const m of entry.marks) best.set(m.choice, Math.min(best.get(m.choice) ?? Infinity, m.rank ?? 1));
    await write([
      cvr.id,
      cvr.precinct ?? '',
      cvr.batch ?? '',
      ...contest.candidates.map((c) => (best.has(c.id) ? String(best.get(c.id)) : '')),
    ]);
    rows++;
  }
  await csv.close();
  return rows;
}
