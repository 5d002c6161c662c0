import { binomialUpperTail, logBinomialPmf } from './binomial.js';

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

export interface BravoPair {
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

/** Every reported winner–loser pair with its shares. */
export function bravoPairs(contest: BravoContest): BravoPair[] {
  const winners = contest.winners ?? reportedWinners(contest.tally);
  const total = contest.ballots ?? Object.values(contest.tally).reduce((a, b) => a + b, 0);
  const out: BravoPair[] = [];
  for (const w of winners)
    for (const [l, votes] of Object.entries(contest.tally)) {
      if (winners.includes(l)) continue;
      const vw = contest.tally[w] ?? 0;
      out.push({ winner: w, loser: l, s: vw / (vw + votes), pWinner: vw / total, pLoser: votes / total });
    }
  return out;
}

/** A contest, or pairs already formed (RAIRE's assertions are pairs of tallies too). */
export type BravoPairs = BravoContest | readonly BravoPair[];
const pairsOf = (c: BravoPairs): readonly BravoPair[] =>
  Array.isArray(c) ? c : bravoPairs(c as BravoContest);

/** One pair's expected sample size, before rounding up; Infinity when the winner does not lead. */
export function bravoPairAsn(p: BravoPair, riskLimit: number): number {
  if (!(p.s > 0.5)) return Number.POSITIVE_INFINITY;
  const num = Math.log(1 / riskLimit) + Math.log(2 * p.s) / 2;
  const den = p.pWinner * Math.log(2 * p.s) + p.pLoser * Math.log(2 - 2 * p.s);
  return num / den;
}

/** Expected sample size, maximised over pairs; Infinity when a winner does not lead a loser. */
export function bravoAsn(contest: BravoPairs, riskLimit: number): number {
  return Math.max(0, ...pairsOf(contest).map((p) => Math.ceil(bravoPairAsn(p, riskLimit))));
}

/** The measured risk of a sample (votes per choice among the sampled ballots), maximised over pairs. */
export function bravoPValue(contest: BravoContest, sample: Readonly<Record<string, number>>): number {
  let risk = 0;
  for (const p of bravoPairs(contest))
    risk = Math.max(risk, Math.min(1, Math.exp(-bravoLogT(p, sample[p.winner] ?? 0, sample[p.loser] ?? 0))));
  return risk;
}

/** ln T of one pair's test after the sample shows `winnerVotes` and `loserVotes` (1/T is its risk). */
export const bravoLogT = (p: BravoPair, winnerVotes: number, loserVotes: number): number =>
  winnerVotes * Math.log(p.s / 0.5) + loserVotes * Math.log((1 - p.s) / 0.5);

/**
 * The chance that a first round of `n` ballots already confirms the outcome, were the reported shares
 * true: the hardest pair's T after n draws reaches 1/α. Exact: the pair's ballots among the n are
 * binomial, and the winner's among those binomial again.
 */
export function bravoFirstRoundProbability(contest: BravoPairs, riskLimit: number, n: number): number {
  let worst = 1;
  for (const p of pairsOf(contest)) {
    if (!(p.s > 0.5)) return 0;
    const up = Math.log(2 * p.s);
    const down = Math.log(2 - 2 * p.s);
    const inPair = p.pWinner + p.pLoser;
    let prob = 0;
    // Only pair counts within 12 standard deviations of the mean carry weight above ~1e-30.
    const spread = 12 * Math.sqrt(n * inPair * (1 - inPair)) + 2;
    const from = Math.max(0, Math.floor(n * inPair - spread));
    const to = Math.min(n, Math.ceil(n * inPair + spread));
    for (let m = from; m <= to; m++) {
      const weight = Math.exp(logBinomialPmf(m, n, inPair));
      if (weight < 1e-16) continue;
      // k·up + (m − k)·down ≥ ln(1/α)  ⇔  k ≥ (ln(1/α) − m·down)/(up − down)
      const need = Math.ceil((Math.log(1 / riskLimit) - m * down) / (up - down) - 1e-12);
      prob += weight * binomialUpperTail(Math.max(0, need), m, p.s);
    }
    worst = Math.min(worst, prob);
  }
  return worst;
}

/**
 * The smallest first round that confirms with at least `probability`, were the reported shares true. The
 * chance is saw-toothed in n (the votes a round needs step up by whole ballots), so a bisection can land
 * past a smaller round that already suffices: the search doubles to a round that suffices, then takes the
 * first n up to it that does.
 */
export function bravoSampleSizeForProbability(
  contest: BravoPairs,
  riskLimit: number,
  probability: number,
  limit = 1_000_000,
): number {
  if (bravoFirstRoundProbability(contest, riskLimit, limit) < probability) return Number.POSITIVE_INFINITY;
  let hi = 1;
  while (hi < limit && bravoFirstRoundProbability(contest, riskLimit, hi) < probability)
    hi = Math.min(limit, hi * 2);
  for (let n = 1; n < hi; n++) if (bravoFirstRoundProbability(contest, riskLimit, n) >= probability) return n;
  return hi;
}
