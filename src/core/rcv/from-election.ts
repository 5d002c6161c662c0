/**
 * A ranked contest of an election definition as an RCV count: its rules (RCTab's names, with defaults
 * for what the definition leaves unset) and its CVRs as ranked ballots.
 */
import type { Cvr } from '../cvr/model.js';
import type { RankedContest } from '../election/schema.js';
import {
  EXPLICIT_OVERVOTE,
  type RctabConfigFile,
  RcvConfigError,
  type RcvContest,
  resolveRctabRules,
  UNDECLARED_WRITE_IN,
} from './config.js';
import type { RcvBallot, RcvRanking } from './tabulator.js';

/**
 * Defaults where the definition is silent: the usual IRV/STV modes for the number of seats, an
 * overvote exhausts the ballot, no limit on skipped ranks, and a tie stops the count for the
 * officials' decision rather than being settled by a rule nobody chose.
 */
export function defaultRules(contest: RankedContest): RctabConfigFile['rules'] {
  return {
    winnerElectionMode:
      contest.seats > 1 ? 'multiWinnerAllowMultipleWinnersPerRound' : 'singleWinnerMajority',
    numberOfWinners: String(contest.seats),
    tiebreakMode: 'stopCountingAndAsk',
    overvoteRule: 'exhaustImmediately',
    maxSkippedRanksAllowed: 'unlimited',
    maxRankingsAllowed: String(contest.maxRankings),
    decimalPlacesForVoteArithmetic: '4',
  };
}

/** The count of `contest` as `electionTitle` defines it; a candidate marked as a write-in slot counts as undeclared write-ins. */
export function rcvContestOf(contest: RankedContest, election: { title: string; date: string }): RcvContest {
  const declared = contest.candidates.filter((c) => !c.writeIn);
  const problems: string[] = [];
  const rules = resolveRctabRules(
    { ...defaultRules(contest), ...(contest.rules ?? {}) },
    declared.length,
    problems,
  );
  if (!rules) throw new RcvConfigError(`contest ${contest.id}`, problems);
  return {
    name: contest.title,
    date: election.date,
    jurisdiction: election.title,
    office: contest.title,
    candidates: declared.map((c) => ({ name: c.name, aliases: [], excluded: false })),
    undeclaredWriteIns: declared.length < contest.candidates.length,
    tabulateByPrecinct: false,
    tabulateByBatch: false,
    rules,
  };
}

/** The ballot `cvr` casts in `contest`, or undefined when the contest is not on it. */
export function rcvBallotOf(cvr: Cvr, contest: RankedContest): RcvBallot | undefined {
  const entry = cvr.contests.find((c) => c.contest === contest.id);
  if (!entry) return undefined;
  const byId = new Map(contest.candidates.map((c) => [c.id, c.writeIn ? UNDECLARED_WRITE_IN : c.name]));
  const byRank = new Map<number, string[]>();
  const add = (rank: number, name: string) => byRank.set(rank, [...(byRank.get(rank) ?? []), name]);
  for (const m of entry.marks) add(m.rank ?? 1, byId.get(m.choice) ?? m.choice);
  for (const rank of entry.overvotedRanks ?? []) add(rank, EXPLICIT_OVERVOTE);
  const rankings: RcvRanking[] = [...byRank]
    .sort((a, b) => a[0] - b[0])
    .map(([rank, candidates]) => ({ rank, candidates }));
  return {
    id: cvr.id,
    ...(cvr.precinct !== undefined ? { precinct: cvr.precinct } : {}),
    ...(cvr.batch !== undefined ? { batch: cvr.batch } : {}),
    rankings,
  };
}
