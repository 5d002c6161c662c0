/** The one normalised cast vote record, whatever the vendor format it came from. */
import { z } from 'zod';

const Text = z.string().min(1).max(1000);

export const MarkSchema = z
  .object({
    /** A candidate / write-in slot / yes-no option id of the contest. */
    choice: Text,
    /** 1-based rank, for ranked contests only. */
    rank: z.number().int().min(1).optional(),
    /** The write-in text, where the vendor gives it. */
    writeIn: z.string().max(1000).optional(),
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
