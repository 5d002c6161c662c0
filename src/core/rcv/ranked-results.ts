/**
 * The published results of every ranked contest of an election, counted from the logged CVRs as `rcv`
 * counts them (RCTab's rules, the definition's or the defaults): each round's votes, who was elected or
 * eliminated, the inactive (exhausted) ballots, and the winners. `publish` writes them into results.json and
 * `verify` recounts them from the bundle's CVRs, so the same code must give the same bytes in both places.
 * Identical rankings are kept once with a count: memory follows the distinct rankings, not the ballots.
 */

import { compareText } from '../compare.js';
import type { Cvr } from '../cvr/model.js';
import type { Election, RankedContest } from '../election/schema.js';
import { RcvConfigError } from './config.js';
import type { Dec } from './decimal.js';
import { rcvBallotOf, rcvContestOf } from './from-election.js';
import { INACTIVE } from './report.js';
import { ballotKey, countContest, type RcvBallot, type RcvResult, RcvTabulationError } from './tabulator.js';

/** Exact decimal text ("1234", "12.5"): STV's fractional transfers do not round-trip as binary floats. */
const decimal = (d: Dec) => d.stripTrailingZeros().toString();

export interface RankedRoundResult {
  readonly round: number;
  /** Votes of each candidate still counted (elected ones included), in RCTab's display order. */
  readonly votes: readonly { readonly candidate: string; readonly votes: string }[];
  readonly threshold: string;
  /** Ballots inactive by each of RCTab's reasons, ballots that ranked nobody left out. */
  readonly inactive: Readonly<Record<string, string>>;
  /** Every ballot inactive by this round (RCTab's "Inactive Ballots Total"). */
  readonly exhausted: string;
  readonly elected: readonly string[];
  readonly eliminated: readonly string[];
}

export interface RankedPassResult {
  readonly winners: readonly string[];
  readonly rounds: readonly RankedRoundResult[];
}

interface RankedContestBase {
  readonly id: string;
  readonly name: string;
  /** Ballots on which the contest appears. */
  readonly ballots: number;
}

export type RankedContestResult = RankedContestBase &
  (
    | {
        /** Every seat's winner, in the order elected. */
        readonly winners: readonly string[];
        /** Ballots that ranked nobody (RCTab's undervotes). */
        readonly undervotes: number;
        /** Inactive ballots at the end of the count (of its last pass). */
        readonly exhausted: string;
        /** Candidates elected or eliminated by a tiebreak rule. */
        readonly decidedByTie: readonly string[];
        /** One pass, or one per seat for multi-pass IRV. */
        readonly passes: readonly RankedPassResult[];
      }
    | {
        /** Why the count cannot finish from the records alone (a tie the officials must decide, rules that do not apply). */
        readonly unresolved: string;
      }
  );

const inRound = (m: ReadonlyMap<string, number>, round: number) =>
  [...m]
    .filter(([, r]) => r === round)
    .map(([c]) => c)
    .sort(compareText);

function passResult(result: RcvResult): RankedPassResult {
  const noRankings = result.rounds[0]!.status('undervote');
  const rounds = result.rounds.map((tally, i) => {
    const inactive: Record<string, string> = {};
    for (const [key, , status] of INACTIVE) inactive[key] = decimal(tally.status(status));
    return {
      round: i + 1,
      votes: result.candidateOrder
        .filter((c) => tally.candidates.has(c))
        .map((candidate) => ({ candidate, votes: decimal(tally.candidates.get(candidate)!) })),
      threshold: decimal(tally.threshold),
      inactive,
      exhausted: decimal(tally.inactiveBallots().sub(noRankings)),
      elected: inRound(result.winnerRound, i + 1),
      eliminated: inRound(result.eliminatedRound, i + 1),
    };
  });
  const winners = [...result.winnerRound].sort((a, b) => a[1] - b[1]).map(([c]) => c);
  return { winners, rounds };
}

interface Counted {
  readonly contest: RankedContest;
  /** Distinct rankings → the first ballot with them and how many ballots share them. */
  readonly ballots: Map<string, { ballot: RcvBallot; count: number }>;
  total: number;
}

/** Counts every ranked contest of an election over a stream of CVRs. */
export class RankedTally {
  private readonly counted: Counted[];

  constructor(private readonly election: Election) {
    this.counted = election.contests
      .filter((c): c is RankedContest => c.type === 'ranked')
      .map((contest) => ({ contest, ballots: new Map(), total: 0 }));
  }

  /** Whether the election has a ranked contest to count. */
  get hasContests(): boolean {
    return this.counted.length > 0;
  }

  add(cvr: Cvr): void {
    for (const c of this.counted) {
      const ballot = rcvBallotOf(cvr, c.contest);
      if (!ballot) continue;
      c.total++;
      const key = ballotKey(ballot.rankings);
      const seen = c.ballots.get(key);
      if (seen) seen.count++;
      else c.ballots.set(key, { ballot: { id: ballot.id, rankings: ballot.rankings }, count: 1 });
    }
  }

  contests(): RankedContestResult[] {
    return this.counted.map((c) => {
      const base = { id: c.contest.id, name: c.contest.title, ballots: c.total };
      // A count of no ballots would end in a tie of every candidate, decided for nobody.
      if (c.total === 0) return { ...base, unresolved: 'no ballot carries this contest' };
      let results: RcvResult[];
      try {
        const ballots = [...c.ballots.values()].map(({ ballot, count }) => ({ ...ballot, count }));
        results = countContest(rcvContestOf(c.contest, this.election), ballots);
      } catch (e) {
        if (e instanceof RcvTabulationError || e instanceof RcvConfigError)
          return { ...base, unresolved: e.message };
        throw e;
      }
      const passes = results.map(passResult);
      return {
        ...base,
        winners: passes.flatMap((p) => p.winners),
        undervotes: Number(results[0]!.rounds[0]!.status('undervote').toIntTruncated()),
        exhausted: passes.at(-1)!.rounds.at(-1)!.exhausted,
        decidedByTie: [...new Set(results.flatMap((r) => [...r.decidedByTie]))].sort(compareText),
        passes,
      };
    });
  }
}
