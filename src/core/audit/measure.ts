/**
 * The risk of one contest from the sample so far, and the sample it would take to finish. Every reported
 * winner–loser pair is an assertion — in an IRV contest, every RAIRE assertion — and a contest is
 * confirmed when every one's risk is within the limit.
 * - comparison: Kaplan–Markov with super-simple discrepancies (Stark 2010) per pair, diluted by the
 *   ballots the sample is drawn from; a missing CVR counts as a vote for the winner, a ballot not found
 *   on paper as a vote for the loser (the worst case both ways).
 * - polling: BRAVO per pair (Lindeman, Stark & Yates 2012); a ballot not found counts for the loser.
 * With `arloCompatible` (logged with the audit's start), comparison makes Arlo's conservative choices
 * (server/audit_math/supersimple.py `compute_risk`, `get_sample_sizes`): an understatement counts as no
 * discrepancy, and a ballot without its CVR or not found on paper as a two-vote overstatement.
 */
import { type BravoPair, bravoLogT, bravoPairAsn, bravoSampleSizeForProbability } from '../rla/bravo.js';
import {
  DEFAULT_GAMMA,
  type Discrepancies,
  superSimplePValue,
  superSimpleSampleSize,
} from '../rla/comparison.js';
import { assertionVotes, type Difficulty } from '../rla/raire.js';
import type { AuditType, ReportedContest } from './records.js';

/** One draw of the sample, as far as one contest is concerned. */
export interface Observation {
  /** Choice ids the CVR gives a vote to; null when the ballot has no CVR (comparison only). */
  readonly cvr?: readonly string[] | null;
  /** Choice ids read on paper; null when the ballot was not found. */
  readonly paper: readonly string[] | null;
}

export interface Measurement {
  readonly risk: number;
  /** Draws the sample would need in all to confirm, were the rest of it like what is planned; Infinity if none. */
  readonly needed: number;
}

/** The chance of finishing in one round that ballot-polling rounds are planned for (as Arlo plans them). */
export const POLLING_ROUND_PROBABILITY = 0.9;

/** How an audit measures: absent, Tallyproof's published formulas; `arloCompatible`, Arlo's choices. */
export interface MeasureOptions {
  readonly arloCompatible?: boolean;
}

export function measureContest(
  type: AuditType,
  contest: ReportedContest,
  population: number,
  riskLimit: number,
  sample: readonly Observation[],
  options: MeasureOptions = {},
): Measurement {
  if (type === 'batch') throw new Error('batch audits are measured by batches.ts');
  return type === 'comparison'
    ? measureComparison(contest, population, riskLimit, sample, options.arloCompatible === true)
    : measurePolling(contest, population, riskLimit, sample);
}

const losersOf = (c: ReportedContest) => Object.keys(c.votes).filter((id) => !c.winners.includes(id));
const has = (votes: readonly string[], id: string) => (votes.includes(id) ? 1 : 0);

/**
 * One comparison the audit tests: the ballots that count for its winner against those for its loser —
 * a reported winner–loser pair, or a RAIRE assertion of an IRV contest.
 */
interface Pair {
  readonly winner: string;
  readonly loser: string;
  readonly winnerVotes: number;
  readonly loserVotes: number;
  /** What one ballot (its votes, or its ranking in an IRV contest) gives [the winner, the loser]. */
  readonly read: (ballot: readonly string[]) => [number, number];
}

function pairsOf(c: ReportedContest): Pair[] {
  if (c.assertions) return c.assertions.map((a) => ({ ...a, read: (ballot) => assertionVotes(a, ballot) }));
  return c.winners.flatMap((w) =>
    losersOf(c).map((l) => ({
      winner: w,
      loser: l,
      winnerVotes: c.votes[w] ?? 0,
      loserVotes: c.votes[l] ?? 0,
      read: (ballot: readonly string[]): [number, number] => [has(ballot, w), has(ballot, l)],
    })),
  );
}

const bravoPairOf = (p: Omit<Pair, 'read'>, population: number): BravoPair => ({
  winner: p.winner,
  loser: p.loser,
  s: p.winnerVotes / (p.winnerVotes + p.loserVotes),
  pWinner: p.winnerVotes / population,
  pLoser: p.loserVotes / population,
});

/**
 * How hard one pair is to audit, which RAIRE minimises over its assertions: 1/diluted margin for
 * comparison audits (the sample grows with it), BRAVO's expected sample size for polling.
 */
export const pairDifficulty =
  (type: AuditType, riskLimit: number, ballots: number): Difficulty =>
  (winnerVotes, loserVotes) =>
    !(winnerVotes > loserVotes)
      ? Number.POSITIVE_INFINITY
      : type === 'comparison'
        ? ballots / (winnerVotes - loserVotes)
        : bravoPairAsn(bravoPairOf({ winner: 'w', loser: 'l', winnerVotes, loserVotes }, ballots), riskLimit);

function measureComparison(
  c: ReportedContest,
  population: number,
  riskLimit: number,
  sample: readonly Observation[],
  arlo: boolean,
): Measurement {
  let risk = 0;
  let needed = 0;
  for (const p of pairsOf(c)) {
    const margin = (p.winnerVotes - p.loserVotes) / population;
    if (!(margin > 0)) return { risk: 1, needed: Number.POSITIVE_INFINITY };
    const d = { o1: 0, o2: 0, u1: 0, u2: 0 };
    for (const o of sample) {
      let over: number;
      // Arlo: "if ballot wasn't in CVR or ballot can't be found by audit board, count it as a two-vote
      // overstatement"; Tallyproof takes the worst case for the missing side only.
      if (arlo && (!o.cvr || !o.paper)) over = 2;
      else over = (o.cvr ? difference(p.read(o.cvr)) : 1) - (o.paper ? difference(p.read(o.paper)) : -1);
      if (over === 1) d.o1++;
      else if (over === 2) d.o2++;
      // Arlo "ignore[s] understatements (i.e. errors that favor the winner)", in the risk and the next round.
      else if (over === -1 && !arlo) d.u1++;
      else if (over === -2 && !arlo) d.u2++;
    }
    risk = Math.max(risk, superSimplePValue(sample.length, margin, DEFAULT_GAMMA, d));
    needed = Math.max(needed, comparisonSampleSize(riskLimit, margin, d));
  }
  return { risk, needed };
}

const difference = ([w, l]: [number, number]) => w - l;

/** Ballots in all to confirm if no further discrepancy turns up (the sample size the super-simple formula gives). */
const comparisonSampleSize = (riskLimit: number, margin: number, d: Discrepancies) =>
  Math.max(1, superSimpleSampleSize(riskLimit, margin, DEFAULT_GAMMA, d));

function measurePolling(
  c: ReportedContest,
  population: number,
  riskLimit: number,
  sample: readonly Observation[],
): Measurement {
  const pairs = pairsOf(c);
  const bravo = pairs.map((p) => bravoPairOf(p, population));
  let minLogT = Number.POSITIVE_INFINITY;
  for (const [i, p] of pairs.entries()) {
    if (!(bravo[i]!.s > 0.5)) return { risk: 1, needed: Number.POSITIVE_INFINITY };
    let w = 0;
    let l = 0;
    for (const o of sample) {
      if (!o.paper) l++;
      else {
        const [x, y] = p.read(o.paper);
        w += x;
        l += y;
      }
    }
    minLogT = Math.min(minLogT, bravoLogT(bravo[i]!, w, l));
  }
  const risk = Math.min(1, Math.exp(-minLogT));
  // The test goes on multiplying: the rest of the sample must bring T from its value now to 1/α.
  const remaining = Math.min(1, riskLimit * Math.exp(minLogT));
  // No round past the whole population is sought: one that large means counting every ballot by hand.
  const rest = Math.max(1, population - sample.length);
  const more =
    remaining >= 1 ? 0 : bravoSampleSizeForProbability(bravo, remaining, POLLING_ROUND_PROBABILITY, rest);
  return { risk, needed: sample.length + Math.min(more, rest) };
}
