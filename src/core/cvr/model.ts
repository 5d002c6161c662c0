/** The one normalised cast vote record, whatever the vendor format it came from. */
import { z } from 'zod';

/** The longest text a CVR field may hold (an id, a batch, a write-in), in UTF-16 code units as zod counts. */
export const CVR_TEXT_MAX = 1000;
/** No NUL character: SQLite stores one in an id, PostgreSQL refuses it, so no backend may accept it. */
const NoNul = /^[^\0]*$/;
const Text = z.string().min(1).max(CVR_TEXT_MAX).regex(NoNul);

export const MarkSchema = z
  .object({
    /** A candidate / write-in slot / yes-no option id of the contest. */
    choice: Text,
    /** 1-based rank, for ranked contests only. */
    rank: z.number().int().min(1).optional(),
    /** The write-in text, where the vendor gives it. */
    writeIn: z.string().max(CVR_TEXT_MAX).regex(NoNul).optional(),
  })
  .strict();

export const CvrContestSchema = z
  .object({
    contest: Text,
    /** Every indicated mark; none = the contest was on the ballot and left blank. */
    marks: z.array(MarkSchema),
    /**
     * Ranks at which the vendor records an overvote without naming the choices (ES&S `overvote` cells).
     * For a contest that is not ranked, [1] stands for the contest.
     */
    overvotedRanks: z.array(z.number().int().min(1)).optional(),
  })
  .strict();

export const CvrSchema = z
  .object({
    jurisdiction: Text,
    /** The CVR / ballot id exactly as the vendor gives it (unique within the jurisdiction). */
    id: Text,
    tabulator: Text.optional(),
    batch: Text.optional(),
    /** Position of the ballot within its batch, as the vendor numbers it. */
    position: z.number().int().min(0).optional(),
    imprintedId: Text.optional(),
    /** Precinct or precinct-split id. */
    precinct: Text.optional(),
    ballotStyle: Text.optional(),
    countingGroup: Text.optional(),
    contests: z.array(CvrContestSchema),
  })
  .strict();

export type Mark = z.infer<typeof MarkSchema>;
export type CvrContest = z.infer<typeof CvrContestSchema>;
export type Cvr = z.infer<typeof CvrSchema>;

const TEXT_FIELDS = [
  'jurisdiction',
  'id',
  'tabulator',
  'batch',
  'imprintedId',
  'precinct',
  'ballotStyle',
  'countingGroup',
] as const;

/**
 * What the schema would refuse in a CVR a reader made, said per field; null when it is well formed. Import
 * runs this on every record (zod on a million CVRs costs seconds), verify parses the entry with the schema:
 * both hold the same limits, so nothing import signs is refused by verify later (tested on random CVRs).
 */
export function cvrFieldProblem(cvr: Cvr): string | null {
  const text = (value: string, what: string, allowEmpty = false) =>
    value.length > CVR_TEXT_MAX
      ? `${what} is ${value.length} characters long; a CVR field holds at most ${CVR_TEXT_MAX}`
      : !allowEmpty && value.length === 0
        ? `${what} is empty`
        : value.includes('\0')
          ? `${what} holds a NUL character`
          : null;
  for (const field of TEXT_FIELDS) {
    const value = cvr[field];
    const problem = value === undefined ? null : text(value, field);
    if (problem) return problem;
  }
  if (cvr.position !== undefined && !(Number.isInteger(cvr.position) && cvr.position >= 0))
    return `position ${cvr.position} is not a whole number of 0 or more`;
  for (const c of cvr.contests) {
    const problem = text(c.contest, 'a contest id');
    if (problem) return problem;
    for (const m of c.marks) {
      const bad =
        text(m.choice, `a choice of contest ${c.contest}`) ??
        (m.writeIn === undefined ? null : text(m.writeIn, `a write-in of contest ${c.contest}`, true));
      if (bad) return bad;
      if (m.rank !== undefined && !(Number.isInteger(m.rank) && m.rank >= 1))
        return `contest ${c.contest}: rank ${m.rank} is not a whole number of 1 or more`;
    }
    for (const r of c.overvotedRanks ?? [])
      if (!(Number.isInteger(r) && r >= 1))
        return `contest ${c.contest}: overvoted rank ${r} is not a whole number of 1 or more`;
  }
  return null;
}

const byMark = (a: Mark, b: Mark) =>
  (a.rank ?? 0) - (b.rank ?? 0) || (a.choice < b.choice ? -1 : a.choice > b.choice ? 1 : 0);

const byContest = (a: CvrContest, b: CvrContest) =>
  a.contest < b.contest ? -1 : a.contest > b.contest ? 1 : 0;
const isSorted = <T>(items: readonly T[], cmp: (a: T, b: T) => number) => {
  for (let i = 1; i < items.length; i++) if (cmp(items[i - 1]!, items[i]!) > 0) return false;
  return true;
};

/** Contests sorted by id and marks by (rank, choice): the order the canonical encoding commits to. */
export function normalizeCvr(cvr: Cvr): Cvr {
  const sortedRanks = (r: readonly number[] | undefined) => !r || isSorted(r, (a, b) => a - b);
  if (
    isSorted(cvr.contests, byContest) &&
    cvr.contests.every((c) => isSorted(c.marks, byMark) && sortedRanks(c.overvotedRanks))
  )
    return cvr;
  const contests = cvr.contests
    .map((c) => ({
      contest: c.contest,
      marks: [...c.marks].sort(byMark),
      ...(c.overvotedRanks ? { overvotedRanks: [...c.overvotedRanks].sort((a, b) => a - b) } : {}),
    }))
    .sort(byContest);
  return { ...cvr, contests };
}
