/**
 * MACRO batch-level comparison audits (Stark 2008): each batch's largest possible overstatement of any
 * winner–loser margin, as a share of that margin, bounds how much error the batch can hide.
 */

export interface BatchVotes {
  /** Ballots in the batch. */
  readonly ballots: number;
  /** Votes per choice in the batch. */
  readonly votes: Readonly<Record<string, number>>;
}

export interface MacroContest {
  readonly winners: readonly string[];
  readonly losers: readonly string[];
  /** Reported votes per choice over the whole contest. */
  readonly tally: Readonly<Record<string, number>>;
}

const pairsOf = (c: MacroContest) => c.winners.flatMap((w) => c.losers.map((l) => [w, l] as const));
const margin = (c: MacroContest, w: string, l: string) => (c.tally[w] ?? 0) - (c.tally[l] ?? 0);

/** u_p: the batch's maximum relative overstatement over winner–loser pairs. */
export function batchErrorBound(c: MacroContest, batch: BatchVotes): number {
  let u = 0;
  for (const [w, l] of pairsOf(c))
    u = Math.max(u, ((batch.votes[w] ?? 0) - (batch.votes[l] ?? 0) + batch.ballots) / margin(c, w, l));
  return u;
}

/** e_p: the batch's largest observed overstatement of a winner–loser margin, relative to that margin. */
export function batchOverstatement(
  c: MacroContest,
  reported: Pick<BatchVotes, 'votes'>,
  audited: Pick<BatchVotes, 'votes'>,
): number {
  let e = Number.NEGATIVE_INFINITY;
  for (const [w, l] of pairsOf(c)) {
    const rep = (reported.votes[w] ?? 0) - (reported.votes[l] ?? 0);
    const aud = (audited.votes[w] ?? 0) - (audited.votes[l] ?? 0);
    e = Math.max(e, (rep - aud) / margin(c, w, l));
  }
  return e;
}

/** The batch's taint: its largest observed relative overstatement over its error bound. */
export const batchTaint = (c: MacroContest, reported: BatchVotes, audited: BatchVotes): number =>
  batchOverstatement(c, reported, audited) / batchErrorBound(c, reported);

/** Batches to draw (with probability proportional to error bound) when none show error. */
export function macroSampleSize(riskLimit: number, totalErrorBound: number): number {
  return Math.ceil(Math.log(riskLimit) / Math.log(1 - 1 / totalErrorBound)) + 1;
}

/** P-value of the drawn batches' taints: Π (1 − 1/U)/(1 − taint); 1 once a taint reaches 1. */
export function macroPValue(totalErrorBound: number, taints: readonly number[]): number {
  if (taints.some((t) => t >= 1)) return 1;
  let log = 0;
  for (const taint of taints) log += Math.log(1 - 1 / totalErrorBound) - Math.log(1 - taint);
  return Math.min(1, Math.exp(log));
}
