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
 * The smallest first round that confirms with at least `probability`, were the reported shares true.
 *
 * The chance is saw-toothed in n: the winner's votes a round needs step up by whole ballots, so the chance
 * drops at each step and climbs until the next; a round just before a step can reach the chance where the
 * next few rounds fall short (342 suffices for 60/40 at α 0.1 and 90%; 343–352 do not). The search
 * doubles to a round that suffices and bisects to a round where the chance crosses (a handful of
 * evaluations), then looks below it for earlier teeth: the teeth that can still reach the chance lie within
 * a few tooth-widths of the crossing (the tooth's height over the trend's slope, about 1/(q·(s − f)) ballots
 * for a pair of share s, weight q and step fraction f), so it scans down until `window` rounds in a row
 * fall short. Scanning every n from 1, as before, took minutes for a close contest.
 */
export function bravoSampleSizeForProbability(
  contest: BravoPairs,
  riskLimit: number,
  probability: number,
  limit = 1_000_000,
): number {
  const chance = (n: number) => bravoFirstRoundProbability(contest, riskLimit, n);
  if (chance(limit) < probability) return Number.POSITIVE_INFINITY;
  let below = 0; // a round that falls short (0 draws confirm nothing)
  let enough = 1;
  while (enough < limit && chance(enough) < probability) {
    below = enough;
    enough = Math.min(limit, enough * 2);
  }
  while (enough - below > 1) {
    const mid = Math.floor((below + enough) / 2);
    if (chance(mid) >= probability) enough = mid;
    else below = mid;
  }
  const window = toothWindow(pairsOf(contest), enough);
  for (let n = enough - 1, short = 0; n >= 1 && short < window; n--) {
    if (chance(n) >= probability) {
      enough = n;
      short = 0;
    } else short++;
  }
  return enough;
}

/**
 * Rounds in a row that must fall short below the crossing `n` before no earlier tooth can reach the chance.
 * A pair that shares the ballots with others (weight q < 1) has its pair count m spread binomially over
 * n draws; once that spread is several ballots wide it smooths the steps away, and only a short window is
 * scanned.
 */
function toothWindow(pairs: readonly BravoPair[], n: number): number {
  let widest = 0;
  for (const p of pairs) {
    const q = p.pWinner + p.pLoser;
    if (n * q * (1 - q) >= 25) continue;
    const up = Math.log(2 * p.s);
    const down = Math.log(2 - 2 * p.s);
    const drift = q * (p.s + down / (up - down));
    widest = Math.max(widest, drift > 0 ? 4 / drift : Number.POSITIVE_INFINITY);
  }
  return Math.min(20_000, Math.ceil(widest) + 16);
}
