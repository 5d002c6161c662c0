/**
 * A simulated audit board: reads each sampled ballot's paper — its CVR, changed where the generated paper
 * truth (`paper.json`) says the paper differs — and writes the `audit record` CSV an office would.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { NOT_ON_BALLOT } from '../../src/app/audit/record.js';
import { rankingOf, readingOf } from '../../src/core/audit/reported.js';
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

/**
 * A simulated batch audit board: hand-counts each sampled batch from its ballots' paper (each CVR, changed
 * where the paper truth differs) and writes the `batch,contest,choice,votes` CSV; `shift` moves votes
 * between two choices in one batch, as a miscount or a hidden error would.
 */
export async function tallyBatches(
  store: Store,
  election: Election,
  batches: readonly { ballotId: string; tabulator: string | null; batch: string | null }[],
  contests: readonly string[],
  options: {
    differences?: Map<string, PaperDifference>;
    notFound?: ReadonlySet<string>;
    shift?: { batch: string; contest: string; from: string; to: string; votes: number };
  } = {},
): Promise<string[][]> {
  const defs = contests.map((title) => election.contests.find((c) => c.title === title)!);
  const wanted = new Map(batches.map((b) => [`${b.tabulator}\u0000${b.batch}`, b.ballotId]));
  const counts = new Map<string, Map<string, Map<string, number>>>();
  for (const b of batches)
    counts.set(b.ballotId, new Map(defs.map((d) => [d.id, new Map(choicesOf(d).map((c) => [c.id, 0]))])));
  for await (const page of store.cvrKeys())
    for (const key of page) {
      const decoded = decodeEntry((await store.entryBody(key.seq))!);
      if (!decoded.ok || decoded.value.kind !== 'cvr') throw new Error(`entry ${key.seq} is not a CVR`);
      const cvr = decoded.value.cvr;
      const id = wanted.get(`${cvr.tabulator}\u0000${cvr.batch}`);
      if (id === undefined) continue;
      for (const def of defs) {
        const diff = options.differences?.get(`${cvr.id}\u0000${def.id}`);
        const cc = cvr.contests.find((c) => c.contest === def.id);
        for (const choice of readingOf(def, diff ? { marks: diff.paper } : cc)) {
          const votes = counts.get(id)!.get(def.id)!;
          votes.set(choice, votes.get(choice)! + 1);
        }
      }
    }
  const rows: string[][] = [['batch', 'contest', 'choice', 'votes']];
  for (const [id, byContest] of counts) {
    if (options.notFound?.has(id)) {
      rows.push([id, '', 'NOT_FOUND', '']);
      continue;
    }
    for (const def of defs) {
      const votes = byContest.get(def.id)!;
      const s = options.shift;
      if (s && s.batch === id && s.contest === def.title) {
        const from = choicesOf(def).find((c) => c.name === s.from)!.id;
        const to = choicesOf(def).find((c) => c.name === s.to)!.id;
        votes.set(from, votes.get(from)! - s.votes);
        votes.set(to, votes.get(to)! + s.votes);
      }
      for (const c of choicesOf(def)) rows.push([id, def.title, c.name, String(votes.get(c.id))]);
    }
  }
  return rows;
}
