/**
 * A simulated audit board: reads each sampled ballot's paper — its CVR, changed where the generated paper
 * truth (`paper.json`) says the paper differs — and writes the `audit record` CSV an office would.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { NOT_ON_BALLOT } from '../../src/app/audit/record.js';
import { rankingOf } from '../../src/core/audit/reported.js';
import type { Election } from '../../src/core/election/schema.js';
import { choicesOf } from '../../src/core/election/schema.js';
import { decodeEntry } from '../../src/core/entries.js';
import type { Store } from '../../src/store/store.js';

interface PaperDifference {
  ballot: string;
  contest: string;
  paper: { choice: string; rank?: number }[];
}

export function paperDifferences(paperFile: string): Map<string, PaperDifference> {
  const doc = JSON.parse(readFileSync(paperFile, 'utf8')) as { differences: PaperDifference[] };
  return new Map(doc.differences.map((d) => [`${d.ballot}\u0000${d.contest}`, d]));
}

export async function readBallots(
  store: Store,
  election: Election,
  ballotIds: readonly string[],
  contests: readonly string[],
  options: { differences?: Map<string, PaperDifference>; notFound?: ReadonlySet<string> } = {},
): Promise<string[][]> {
  const rows: string[][] = [['ballotId', 'contest', 'choices']];
  for (const id of ballotIds) {
    if (options.notFound?.has(id)) {
      rows.push([id, '', 'NOT_FOUND']);
      continue;
    }
    const [found] = await store.findCvr(id);
    const decoded = found ? decodeEntry(found.body) : undefined;
    if (!decoded?.ok || decoded.value.kind !== 'cvr') throw new Error(`no CVR ${id}`);
    const cvr = decoded.value.cvr;
    for (const title of contests) {
      const def = election.contests.find((c) => c.title === title)!;
      const cc = cvr.contests.find((c) => c.contest === def.id);
      const diff = options.differences?.get(`${id}\u0000${def.id}`);
      if (!cc && !diff) {
        rows.push([id, title, NOT_ON_BALLOT]);
        continue;
      }
      // A ranked contest is read as IRV reads it: in rank order, up to an overvoted rank.
      const marks = diff ? diff.paper : (cc?.marks ?? []);
      const ids =
        def.type === 'ranked'
          ? rankingOf(def, diff ? { marks: diff.paper } : cc)
          : marks.map((m) => m.choice);
      const names = ids.map((id) => choicesOf(def).find((c) => c.id === id)!.name);
      rows.push([id, title, names.join(';')]);
    }
  }
  return rows;
}

export const writeCsv = (file: string, rows: readonly (readonly string[])[]) =>
  writeFileSync(file, stringify(rows as string[][]));
