/**
 * The reported outcome an audit checks: votes per choice id of the logged CVRs (VVSG convention: an
 * overvoted contest gives no votes) and the winners they make.
 */
import type { CvrContest } from '../cvr/model.js';
import { summarizeMarks } from '../cvr/votes.js';
import { type Contest, choicesOf, type Election } from '../election/schema.js';
import { err, ok, type Result } from '../result.js';
import type { ReportedContest } from './records.js';

/** The choice ids a contest on one ballot gives a vote to: none when absent or overvoted. */
export function votesOn(
  contest: Contest,
  cc: Pick<CvrContest, 'marks' | 'overvotedRanks'> | undefined,
): string[] {
  if (!cc || summarizeMarks(contest, cc.marks, cc.overvotedRanks).overvoted) return [];
  return cc.marks.map((m) => m.choice);
}

/** Contests an audit can check with plurality assertions (ranked contests need RAIRE). */
export const auditable = (c: Contest) => c.type !== 'ranked';

export const seatsOf = (c: Contest): number => (c.type === 'candidate' ? c.seats : 1);

export class ReportedTally {
  private readonly votes = new Map<string, Map<string, number>>();
  private readonly ballots = new Map<string, number>();
  private readonly contests = new Map<string, Contest>();

  constructor(election: Election) {
    for (const c of election.contests.filter(auditable)) {
      this.contests.set(c.id, c);
      this.votes.set(c.id, new Map(choicesOf(c).map((ch) => [ch.id, 0])));
      this.ballots.set(c.id, 0);
    }
  }

  add(cvr: { contests: readonly CvrContest[] }): void {
    for (const cc of cvr.contests) {
      const votes = this.votes.get(cc.contest);
      if (!votes) continue;
      this.ballots.set(cc.contest, this.ballots.get(cc.contest)! + 1);
      for (const id of votesOn(this.contests.get(cc.contest)!, cc)) votes.set(id, (votes.get(id) ?? 0) + 1);
    }
  }

  /** The reported outcome of one contest; a tie for the last seat cannot be audited and is refused. */
  report(contest: Contest): Result<ReportedContest> {
    const votes = this.votes.get(contest.id);
    if (!votes)
      return err(`contest ${contest.title} is ranked: risk-limiting audits of IRV (RAIRE) are not built yet`);
    const seats = seatsOf(contest);
    const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1]);
    const names = new Map(choicesOf(contest).map((c) => [c.id, c.name]));
    const lastWinner = ranked[seats - 1];
    const firstLoser = ranked[seats];
    if (!lastWinner || lastWinner[1] === 0)
      return err(`contest ${contest.title} has no reported winner: no votes were cast in it`);
    if (firstLoser && firstLoser[1] === lastWinner[1])
      return err(
        `contest ${contest.title} is a reported tie between ${names.get(lastWinner[0])} and ${names.get(firstLoser[0])} (${lastWinner[1]} votes each): no sample can confirm a tie; count it by hand`,
      );
    return ok({
      contest: contest.id,
      name: contest.title,
      votes: Object.fromEntries(votes),
      winners: ranked.slice(0, seats).map(([id]) => id),
      ballots: this.ballots.get(contest.id)!,
    });
  }
}
