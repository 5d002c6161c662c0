/**
 * Vendors that write names instead of ids (ES&S, Clear Ballot, Dominion CSV, generic CSV) are resolved
 * against the definition: a contest, choice or precinct given by its exact name (or by a name the office's
 * mapping file standardises) becomes its id; a choice labelled "Write-in" is the contest's one write-in
 * slot. Anything else is left for validation to refuse, with the closest valid name.
 */
import { z } from 'zod';
import { didYouMean } from '../closest.js';
import type { Election } from '../election/schema.js';
import { choicesOf } from '../election/schema.js';
import { err, ok, type Result } from '../result.js';
import type { Cvr } from './model.js';

/**
 * Vendors head a contest's write-in column "Write-in" (or "Write-in 2", …) whatever the definition calls
 * its slot: where the contest has exactly one write-in slot, that label means it.
 */
export const isWriteInLabel = (name: string): boolean => /^write[- ]?in\b/i.test(name);
const WRITE_IN_SLOT = '\u0000write-in slot';

export interface NameIndex {
  /** contest name in an export (a definition title, or a mapped name) → contest id */
  readonly contests: ReadonlyMap<string, string>;
  /** contest id → choice name (the definition's, or a mapped one) → choice id */
  readonly choices: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** precinct or split name → id */
  readonly units: ReadonlyMap<string, string>;
}

/**
 * Contest and choice standardisation, as Arlo offers it: the names an export uses, mapped to the
 * definition's contests and choices (by id or by name), for exports whose names differ from the definition.
 */
export const NameMappingSchema = z
  .object({
    contests: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** Keyed by the definition's contest (id or title), then the export's choice name. */
    choices: z.record(z.string().min(1), z.record(z.string().min(1), z.string().min(1))).default({}),
  })
  .strict();
export type NameMapping = z.infer<typeof NameMappingSchema>;

/** Indexes the definition's names, and a mapping's names after checking every target exists. */
export function indexNames(e: Election, mapping?: NameMapping): Result<NameIndex, string[]> {
  const problems: string[] = [];
  const contestIdOf = (idOrTitle: string) =>
    e.contests.find((c) => c.id === idOrTitle)?.id ?? e.contests.find((c) => c.title === idOrTitle)?.id;
  const contests = new Map(e.contests.map((c) => [c.title, c.id]));
  for (const [from, to] of Object.entries(mapping?.contests ?? {})) {
    const id = contestIdOf(to);
    if (id) contests.set(from, id);
    else
      problems.push(
        `mapping: contest ${JSON.stringify(to)} is not in the definition${didYouMean(
          to,
          e.contests.map((c) => c.title),
        )}`,
      );
  }
  const choices = new Map(
    e.contests.map((c) => {
      const byName = new Map(choicesOf(c).map((x) => [x.name, x.id]));
      const slots = c.type === 'yesno' ? [] : c.candidates.filter((x) => x.writeIn);
      if (slots.length === 1) byName.set(WRITE_IN_SLOT, slots[0]!.id);
      return [c.id, byName];
    }),
  );
  for (const [contest, names] of Object.entries(mapping?.choices ?? {})) {
    const id = contestIdOf(contest);
    const c = e.contests.find((x) => x.id === id);
    if (!c || !id) {
      problems.push(
        `mapping: contest ${JSON.stringify(contest)} is not in the definition${didYouMean(
          contest,
          e.contests.map((x) => x.title),
        )}`,
      );
      continue;
    }
    for (const [from, to] of Object.entries(names)) {
      const target = choicesOf(c).find((x) => x.id === to) ?? choicesOf(c).find((x) => x.name === to);
      if (target) choices.get(id)!.set(from, target.id);
      else
        problems.push(
          `mapping: contest ${JSON.stringify(contest)} has no choice ${JSON.stringify(to)}${didYouMean(
            to,
            choicesOf(c).map((x) => x.name),
          )}`,
        );
    }
  }
  if (problems.length > 0) return err(problems);
  return ok({
    contests,
    choices,
    units: new Map(
      e.precincts.flatMap((p) => [[p.name, p.id] as const, ...p.splits.map((s) => [s.name, s.id] as const)]),
    ),
  });
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
  const contests = cvr.contests.map((entry) => {
    let c = entry;
    if (!ids.contests.has(c.contest) && names.contests.has(c.contest)) {
      c = { ...c, contest: names.contests.get(c.contest)! };
      changed = true;
    }
    const choiceIds = ids.contests.get(c.contest)?.choices;
    const byName = names.choices.get(c.contest);
    if (!choiceIds || !byName) return c;
    const marks = c.marks.map((m) => {
      if (choiceIds.has(m.choice)) return m;
      const id = byName.get(m.choice) ?? (isWriteInLabel(m.choice) ? byName.get(WRITE_IN_SLOT) : undefined);
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
