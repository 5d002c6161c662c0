/**
 * Vendors that write names instead of ids (ES&S, Clear Ballot, Dominion CSV, generic CSV) are resolved
 * against the definition: a contest, choice or precinct given by its exact name (or by a name the office's
 * mapping file standardises) becomes its id; a choice labelled "Write-in" is the contest's one write-in
 * slot. Readers that number what they read (Dominion's JSON export) also say what each number is called in
 * their manifests (`VendorNames`): a number the definition does not have as an id is resolved by that name,
 * so a county's own definition loads beside its export. Anything else is left for validation to refuse,
 * with the closest valid name.
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
  /** precinct or split name (or a mapped name) → id */
  readonly units: ReadonlyMap<string, string>;
  /** ballot style name in an export (a definition id, or a mapped name) → id */
  readonly ballotStyles: ReadonlyMap<string, string>;
}

/** What a reader's own ids are called in its export (its manifests), keyed by those ids. */
export interface VendorNames {
  readonly contests: Record<string, string>;
  /** Keyed by the reader's contest id, then its choice id. */
  readonly choices: Record<string, Record<string, string>>;
  readonly units: Record<string, string>;
  readonly ballotStyles: Record<string, string>;
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
    /** The export's precinct or portion name → the definition's precinct or split (id or name). */
    precincts: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** The export's ballot style name → the definition's ballot style id. */
    ballotStyles: z.record(z.string().min(1), z.string().min(1)).default({}),
  })
  .strict();
/** As an office writes it: every part optional. */
export type NameMapping = z.input<typeof NameMappingSchema>;

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
  const allUnits = e.precincts.flatMap((p) => [p, ...p.splits]);
  const units = new Map(allUnits.map((u) => [u.name, u.id]));
  for (const [from, to] of Object.entries(mapping?.precincts ?? {})) {
    const id = (allUnits.find((u) => u.id === to) ?? allUnits.find((u) => u.name === to))?.id;
    if (id) units.set(from, id);
    else
      problems.push(
        `mapping: precinct ${JSON.stringify(to)} is not in the definition${didYouMean(
          to,
          allUnits.flatMap((u) => [u.id, u.name]),
        )}`,
      );
  }
  const ballotStyles = new Map(e.ballotStyles.map((b) => [b.id, b.id]));
  for (const [from, to] of Object.entries(mapping?.ballotStyles ?? {})) {
    if (e.ballotStyles.some((b) => b.id === to)) ballotStyles.set(from, to);
    else
      problems.push(
        `mapping: ballot style ${JSON.stringify(to)} is not in the definition${didYouMean(
          to,
          e.ballotStyles.map((b) => b.id),
        )}`,
      );
  }
  if (problems.length > 0) return err(problems);
  return ok({ contests, choices, units, ballotStyles });
}

const NO_NAMES: Record<string, string> = {};
/** A record's own entry only: an export may number a contest "constructor". */
const own = <T>(record: Record<string, T> | undefined, key: string): T | undefined =>
  record && Object.hasOwn(record, key) ? record[key] : undefined;

/** `name` (a vendor id or name) resolved: kept when it is already an id, else by the vendor's name for it, else by itself. */
function resolveOne(
  value: string,
  isId: (v: string) => boolean,
  byName: ReadonlyMap<string, string>,
  vendorName: string | undefined,
  fallback?: (v: string) => string | undefined,
): string | undefined {
  if (isId(value)) return undefined;
  for (const name of vendorName === undefined ? [value] : [vendorName, value]) {
    const id = byName.get(name) ?? fallback?.(name);
    if (id !== undefined) return id;
  }
  return undefined;
}

export function resolveNames(
  cvr: Cvr,
  names: NameIndex,
  ids: {
    units: ReadonlyMap<string, string>;
    contests: ReadonlyMap<string, { choices: ReadonlySet<string> }>;
    ballotStyles: ReadonlySet<string>;
  },
  vendor?: VendorNames,
): Cvr {
  let changed = false;
  const contests = cvr.contests.map((entry) => {
    let c = entry;
    const contestId = resolveOne(
      c.contest,
      (v) => ids.contests.has(v),
      names.contests,
      own(vendor?.contests, c.contest),
    );
    if (contestId !== undefined) {
      c = { ...c, contest: contestId };
      changed = true;
    }
    const choiceIds = ids.contests.get(c.contest)?.choices;
    const byName = names.choices.get(c.contest);
    if (!choiceIds || !byName) return c;
    const vendorChoices = own(vendor?.choices, entry.contest) ?? NO_NAMES;
    const writeInSlot = (name: string) => (isWriteInLabel(name) ? byName.get(WRITE_IN_SLOT) : undefined);
    const marks = c.marks.map((m) => {
      const id = resolveOne(
        m.choice,
        (v) => choiceIds.has(v),
        byName,
        own(vendorChoices, m.choice),
        writeInSlot,
      );
      if (id === undefined) return m;
      changed = true;
      return { ...m, choice: id };
    });
    return { ...c, marks };
  });
  let { precinct, ballotStyle } = cvr;
  if (precinct !== undefined) {
    const id = resolveOne(precinct, (v) => ids.units.has(v), names.units, own(vendor?.units, precinct));
    if (id !== undefined) {
      precinct = id;
      changed = true;
    }
  }
  if (ballotStyle !== undefined) {
    const id = resolveOne(
      ballotStyle,
      (v) => ids.ballotStyles.has(v),
      names.ballotStyles,
      own(vendor?.ballotStyles, ballotStyle),
    );
    if (id !== undefined) {
      ballotStyle = id;
      changed = true;
    }
  }
  return changed
    ? {
        ...cvr,
        ...(precinct !== undefined ? { precinct } : {}),
        ...(ballotStyle !== undefined ? { ballotStyle } : {}),
        contests,
      }
    : cvr;
}
