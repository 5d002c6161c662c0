/**
 * BRAVO ballot-polling audits (Lindeman, Stark & Yates 2012): a sequential probability ratio test per
 * reported winner–loser pair, with the reported shares as the alternative.
 */

export interface BravoContest {
  /** Reported votes per choice. */
  readonly tally: Readonly<Record<string, number>>;
  /** Reported winners (default: the one with most votes). */
  readonly winners?: readonly string[];
  /** Ballots cast in the contest's population (default: the votes in the tally). */
  readonly ballots?: number;
}

interface Pair {
  readonly winner: string;
  readonly loser: string;
  /** The winner's share of the pair's votes. */
  readonly s: number;
  readonly pWinner: number;
  readonly pLoser: number;
}

export function reportedWinners(tally: Readonly<Record<string, number>>, seats = 1): string[] {
  return Object.entries(tally)
    .sort((a, b) => b[1] - a[1])
    .slice(0, seats)
    .map(([c]) => c);
}

function pairs(contest: BravoContest): Pair[] {
  const winners = contest.winners ?? reportedWinners(contest.tally);
  const total = contest.ballots ?? Object.values(contest.tally).reduce((a, b) => a + b, 0);
  const out: Pair[] = [];
  for (const w of winners)
    for (const [l, votes] of Object.entries(contest.tally)) {
      if (winners.includes(l)) continue;
      const vw = contest.tally[w] ?? 0;
      out.push({ winner: w, loser: l, s: vw / (vw + votes), pWinner: vw / total, pLoser: votes / total });
    }
  return out;
}

/** Expected sample size, maximised over pairs; Infinity when a winner does not lead a loser. */
export function bravoAsn(contest: BravoContest, riskLimit: number): number {
  let worst = 0;
  for (const p of pairs(contest)) {
    if (!(p.s > 0.5)) return Number.POSITIVE_INFINITY;
    const num = Math.log(1 / riskLimit) + Math.log(2 * p.s) / 2;
    const den = p.pWinner * Math.log(2 * p.s) + p.pLoser * Math.log(2 - 2 * p.s);
    worst = Math.max(worst, Math.ceil(num / den));
  }
  return worst;
}

/** The measured risk of a sample (votes per choice among the sampled ballots), maximised over pairs. */
export function bravoPValue(contest: BravoContest, sample: Readonly<Record<string, number>>): number {
  let risk = 0;
  for (const p of pairs(contest)) {
    const logT =
      (sample[p.winner] ?? 0) * Math.log(p.s / 0.5) + (sample[p.loser] ?? 0) * Math.log((1 - p.s) / 0.5);
    risk = Math.max(risk, Math.min(1, Math.exp(-logT)));
  }
  return risk;
}
