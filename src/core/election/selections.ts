/** A CVR's selections in a contest as a person reads them: choice names, ranks, overvotes and blanks. */

import type { CvrContest } from '../cvr/model.js';
import { err, ok, type Result } from '../result.js';
import { type Contest, choicesOf, type Election } from './schema.js';

/** The name of each choice id of a contest; an id it does not know stays as it is. */
export function choiceNamer(contest: Contest): (id: string) => string {
  const names = new Map(choicesOf(contest).map((c) => [c.id, c.name]));
  return (id) => names.get(id) ?? id;
}

export interface NamedSelections {
  contest: string;
  title: string;
  /** What the record shows, in order: `Alice`, `1. Alice`, `2. OVERVOTE`; empty when left blank. */
  selections: string[];
}

/**
 * A CVR contest named by its definition, or why the definition cannot name it: a contest or choice the
 * definition lacks says the definition is not this record's election, so nothing is guessed.
 */
export function nameSelections(election: Election, record: CvrContest): Result<NamedSelections> {
  const contest = election.contests.find((c) => c.id === record.contest);
  if (!contest) return err(`the definition has no contest ${JSON.stringify(record.contest)}`);
  const known = new Set(choicesOf(contest).map((c) => c.id));
  const unknown = record.marks.find((m) => !known.has(m.choice));
  if (unknown)
    return err(`the definition's contest ${contest.title} has no choice ${JSON.stringify(unknown.choice)}`);
  const name = choiceNamer(contest);
  const written = (m: CvrContest['marks'][number]) =>
    m.writeIn ? `${name(m.choice)} (${JSON.stringify(m.writeIn)})` : name(m.choice);
  const overvoted = record.overvotedRanks ?? [];
  if (contest.type !== 'ranked')
    return ok({
      contest: contest.id,
      title: contest.title,
      selections: overvoted.length > 0 ? ['OVERVOTE'] : record.marks.map(written),
    });
  const ranked = [
    ...record.marks.map((m) => ({ rank: m.rank ?? 1, text: written(m) })),
    ...overvoted.map((rank) => ({ rank, text: 'OVERVOTE' })),
  ].sort((a, b) => a.rank - b.rank);
  return ok({
    contest: contest.id,
    title: contest.title,
    selections: ranked.map((r) => `${r.rank}. ${r.text}`),
  });
}
