/**
 * The bench's audit board: reads each sampled paper ballot of the current round as its CVR records it and
 * writes the `audit record` CSV. A polled ballot, named by batch and position, is found by the synthetic
 * election's CVR ids (`<batch>-<position>`).
 */

import { writeFile } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import { currentRound, requireAudit } from '../src/app/audit/state.js';
import { parseDefinition } from '../src/app/load-election.js';
import { rankingOf } from '../src/core/audit/reported.js';
import type { Cvr } from '../src/core/cvr/model.js';
import { choicesOf } from '../src/core/election/schema.js';
import { decodeEntry } from '../src/core/entries.js';
import type { Store } from '../src/store/store.js';

/** Readings of up to `limit` of the round's ballots not yet recorded. */
export async function readingsOfCvrs(store: Store, out: string, limit: number) {
  const audit = await requireAudit(store);
  const election = parseDefinition('stored definition', (await store.election())!.bytes).election;
  const { round, ballots } = await currentRound(store, audit);
  const audited = audit.log.start.contests.map((c) => election.contests.find((k) => k.id === c.contest)!);
  const rows: string[][] = [['ballotId', 'contest', 'choices']];
  const awaited = ballots.filter((b) => !audit.log.interpretations.has(b.ballotId)).slice(0, limit);
  for (const b of awaited) {
    let cvr: Cvr | undefined = b.cvr;
    if (!cvr) {
      // By jurisdiction and id, the store's index (the id alone would scan the log for each ballot).
      const [found] = await store.findCvr(`${b.batch}-${b.position}`, election.jurisdictions[0]!.id);
      const decoded = found ? decodeEntry(found.body) : undefined;
      if (decoded?.ok && decoded.value.kind === 'cvr') cvr = decoded.value.cvr;
    }
    if (!cvr) throw new Error(`no CVR for sampled ballot ${b.ballotId}`);
    for (const def of audited) {
      const cc = cvr.contests.find((c) => c.contest === def.id);
      if (!cc) {
        rows.push([b.ballotId, def.title, 'CONTEST_NOT_ON_BALLOT']);
        continue;
      }
      // Marks as the paper shows them; a ranked contest in rank order, as IRV reads it.
      const ids = def.type === 'ranked' ? rankingOf(def, cc) : cc.marks.map((m) => m.choice);
      const names = ids.map((id) => choicesOf(def).find((c) => c.id === id)!.name);
      rows.push([b.ballotId, def.title, names.join(';')]);
    }
  }
  await writeFile(out, stringify(rows));
  return { round, ballots: awaited.length, roundBallots: ballots.length };
}
