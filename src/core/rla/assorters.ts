/**
 * SHANGRLA assorters: every assertion reads "the mean of this assorter over all ballots exceeds ½".
 * A ballot is given as the choices it votes for in the contest (an overvote counts as no vote).
 */

/** Plurality, winner w over loser ℓ: (b_w − b_ℓ + 1)/2, with values 0, ½ or 1 (u = 1). */
export const pluralityAssorter =
  (winner: string, loser: string) =>
  (votes: readonly string[]): number =>
    ((votes.includes(winner) ? 1 : 0) - (votes.includes(loser) ? 1 : 0) + 1) / 2;

/** Super-majority with fraction f: b_w/(2f) when the ballot has exactly one valid vote, else ½ (u = 1/(2f)). */
export const superMajorityAssorter =
  (winner: string, fraction: number) =>
  (votes: readonly string[]): number =>
    votes.length === 1 ? (votes[0] === winner ? 1 : 0) / (2 * fraction) : 0.5;
