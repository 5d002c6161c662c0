/**
 * Vendors that write names instead of ids (ES&S, Clear Ballot, generic CSV) are resolved against the
 * definition: a choice or precinct given by its exact name becomes its id. Anything else is left for
 * validation to refuse, with the closest valid name.
 */
import type { Election } from '../election/schema.js';
import { choicesOf } from '../election/schema.js';
import type { Cvr } from './model.js';

export interface NameIndex {
  /** contest id → choice name → choice id */
  readonly choices: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** precinct or split name → id */
  readonly units: ReadonlyMap<string, string>;
}

export function indexNames(e: Election): NameIndex {
  return {
    choices: new Map(e.contests.map((c) => [c.id, new Map(choicesOf(c).map((x) => [x.name, x.id]))])),
    units: new Map(
      e.precincts.flatMap((p) => [[p.name, p.id] as const, ...p.splits.map((s) => [s.name, s.id] as const)]),
    ),
  };
}

export function resolveNames(
  cvr: Cvr,
  names: NameIndex,
  ids: {
    units: ReadonlyMap<string, string>;
    contests: ReadonlyMap<string, { choices: ReadonlySet<string> }>;
  },
): Cvr {
  let changed = false;
  const contests = cvr.contests.map((c) => {
    const choiceIds = ids.contests.get(c.contest)?.choices;
    const byName = names.choices.get(c.contest);
    if (!choiceIds || !byName) return c;
    const marks = c.marks.map((m) => {
      if (choiceIds.has(m.choice)) return m;
      const id = byName.get(m.choice);
      if (id === undefined) return m;
      changed = true;
      return { ...m, choice: id };
    });
    return { ...c, marks };
  });
  let precinct = cvr.precinct;
  if (precinct !== undefined && !ids.units.has(precinct) && names.units.has(precinct)) {
    precinct = names.units.get(precinct);
    changed = true;
  }
  return changed ? { ...cvr, precinct, contests } : cvr;
}
