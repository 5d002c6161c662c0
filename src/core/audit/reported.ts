/**
 * The reported outcome an audit checks: votes per choice id of the logged CVRs (VVSG convention: an
 * overvoted contest gives no votes) and the winners they make; for an IRV contest, the rankings, the IRV
 * winner they elect and the RAIRE assertions that confirm it.
 */
import { compareText } from '../compare.js';
import type { Cvr, CvrContest } from '../cvr/model.js';
import { summarizeMarks } from '../cvr/votes.js';
import { type Contest, choicesOf, type Election, type RankedContest } from '../election/schema.js';
import { err, ok, type Result } from '../result.js';
import { irvElimination, RankingTally, raire } from '../rla/raire.js';
import { pairDifficulty } from './measure.js';
import { batchKey } from './population.js';
import type { AuditType, ReportedContest } from './records.js';

/** The choice ids a contest on one ballot gives a vote to: none when absent or overvoted. */
function votesOn(contest: Contest, cc: Pick<CvrContest, 'marks' | 'overvotedRanks'> | undefined): string[] {
  if (!cc || summarizeMarks(contest, cc.marks, cc.overvotedRanks).overvoted) return [];
  return cc.marks.map((m) => m.choice);
}

/**
 * A ranked contest on one ballot as IRV reads it: candidates in rank order, each once (a repeat is
 * skipped), skipped ranks passed over unless the contest's rules limit them; an overvoted rank exhausts the
 * ballot unless the rules skip it (`alwaysSkipToNextRank`).
 */
export function rankingOf(
  contest: RankedContest,
  cc: Pick<CvrContest, 'marks' | 'overvotedRanks'> | undefined,
): string[] {
  if (!cc) return [];
  const skipOvervotes = contest.rules?.overvoteRule === 'alwaysSkipToNextRank';
  const maxSkipped = Number(contest.rules?.maxSkippedRanksAllowed ?? 'unlimited');
  // Marks come sorted by rank (the canonical order); this runs once per ballot in every verification.
  const rankOf = (m: { rank?: number }) => m.rank ?? 1;
  const marks = cc.marks.every((m, i, a) => i === 0 || rankOf(a[i - 1]!) <= rankOf(m))
    ? cc.marks
    : [...cc.marks].sort((a, b) => rankOf(a) - rankOf(b));
  const over = [...(cc.overvotedRanks ?? [])].sort((a, b) => a - b);
  const out: string[] = [];
  let i = 0;
  let k = 0;
  let last = 0;
  while (i < marks.length || k < over.length) {
    const rank = Math.min(
      i < marks.length ? rankOf(marks[i]!) : Number.POSITIVE_INFINITY,
      k < over.length ? over[k]! : Number.POSITIVE_INFINITY,
    );
    if (rank - last - 1 > maxSkipped) break;
    last = rank;
    let marked = 0;
    let choice = '';
    for (; i < marks.length && rankOf(marks[i]!) === rank; i++, marked++) choice = marks[i]!.choice;
    for (; k < over.length && over[k] === rank; k++) marked += 2;
    if (marked > 1) {
      if (skipOvervotes) continue;
      break;
    }
    if (!out.includes(choice)) out.push(choice);
  }
  return out;
}

/** What the audit compares on one ballot: the votes a contest gives, or an IRV contest's ranking. */
export const readingOf = (contest: Contest, cc: Pick<CvrContest, 'marks' | 'overvotedRanks'> | undefined) =>
  contest.type === 'ranked' ? rankingOf(contest, cc) : votesOn(contest, cc);

/**
 * The reading of a paper ballot as the audit board recorded it, or of a contest not on it: a ranked
 * contest's choices by rank (in rank order when no ranks are given), with the ranks it overvoted, read by
 * the contest's rules exactly as its CVR is.
 */
export const paperReadingOf = (
  contest: Contest,
  read:
    | { choices: readonly string[]; ranks?: readonly number[]; overvotedRanks?: readonly number[] }
    | undefined,
) =>
  readingOf(
    contest,
    read
      ? {
          marks: read.choices.map((choice, i) => ({ choice, rank: read.ranks?.[i] ?? i + 1 })),
          ...(read.overvotedRanks ? { overvotedRanks: [...read.overvotedRanks] } : {}),
        }
      : undefined,
  );

/** Whether two readings of a contest agree (order matters in a ranking only). */
export const sameReading = (contest: Contest, a: readonly string[], b: readonly string[]) =>
  contest.type === 'ranked'
    ? a.join('\u0000') === b.join('\u0000')
    : [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

/** How an audit will test the outcome: what RAIRE weighs its assertions by. */
export interface AuditPlan {
  readonly type: AuditType;
  readonly riskLimit: number;
}

export const seatsOf = (c: Contest): number => (c.type === 'candidate' ? c.seats : 1);

export class ReportedTally {
  private readonly votes = new Map<string, Map<string, number>>();
  private readonly ballots = new Map<string, number>();
  private readonly contests = new Map<string, Contest>();
  private readonly rankings = new Map<string, RankingTally>();
  /** Votes per batch key, contest and choice (contests that are not ranked): a batch audit's reported results. */
  private readonly batches = new Map<string, Map<string, Map<string, number>>>();

  constructor(election: Election) {
    for (const c of election.contests) {
      this.contests.set(c.id, c);
      this.votes.set(c.id, new Map(choicesOf(c).map((ch) => [ch.id, 0])));
      this.ballots.set(c.id, 0);
      if (c.type === 'ranked') this.rankings.set(c.id, new RankingTally());
    }
  }

  add(cvr: Pick<Cvr, 'contests' | 'tabulator' | 'batch'>): void {
    const key = batchKey(cvr.tabulator, cvr.batch);
    const batch = this.batches.get(key) ?? new Map<string, Map<string, number>>();
    this.batches.set(key, batch);
    for (const cc of cvr.contests) {
      const votes = this.votes.get(cc.contest);
      const contest = this.contests.get(cc.contest);
      if (!votes || !contest) continue;
      this.ballots.set(cc.contest, this.ballots.get(cc.contest)! + 1);
      const reading = readingOf(contest, cc);
      const ranking = this.rankings.get(cc.contest);
      if (ranking) {
        ranking.add(reading);
        // An IRV contest's votes are its first preferences.
        if (reading[0] !== undefined) votes.set(reading[0], votes.get(reading[0])! + 1);
        continue;
      }
      const inBatch = batch.get(cc.contest) ?? new Map<string, number>();
      batch.set(cc.contest, inBatch);
      for (const id of reading) {
        votes.set(id, (votes.get(id) ?? 0) + 1);
        inBatch.set(id, (inBatch.get(id) ?? 0) + 1);
      }
    }
  }

  /** The batch keys (tabulator, batch) the CVRs name, sorted. */
  batchKeys(): string[] {
    return [...this.batches.keys()].sort(compareText);
  }

  /** Reported votes of `contest` in the batch, every choice listed (0 where none). */
  batchVotes(key: string, contest: Contest): Record<string, number> {
    const votes = this.batches.get(key)?.get(contest.id);
    return Object.fromEntries(choicesOf(contest).map((c) => [c.id, votes?.get(c.id) ?? 0]));
  }

  /**
   * The reported outcome of one contest; a tie for the last seat cannot be audited and is refused. An IRV
   * contest's comes with RAIRE's assertions, chosen for the way `plan` audits them.
   */
  report(contest: Contest, plan: AuditPlan): Result<ReportedContest> {
    const votes = this.votes.get(contest.id);
    if (!votes) return err(`contest ${contest.title} is not in the election the CVRs were tallied for`);
    if (contest.type === 'ranked') return this.reportIrv(contest, votes, plan);
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

  private reportIrv(
    contest: RankedContest,
    votes: Map<string, number>,
    plan: AuditPlan,
  ): Result<ReportedContest> {
    const names = new Map(choicesOf(contest).map((c) => [c.id, c.name]));
    if (contest.seats > 1)
      return err(
        `contest ${contest.title} elects ${contest.seats} by ranked choice: RAIRE audits single-winner IRV contests only`,
      );
    if (contest.rules?.overvoteRule === 'exhaustIfMultipleContinuing')
      return err(
        `contest ${contest.title} counts overvotes by exhaustIfMultipleContinuing, which no fixed ranking expresses: RAIRE cannot audit it`,
      );
    const tally = this.rankings.get(contest.id)!;
    const candidates = choicesOf(contest).map((c) => c.id);
    const order = irvElimination(tally, candidates);
    if (!order.ok)
      return err(
        `contest ${contest.title} has a tie for elimination between ${order.error.tied.map((id) => names.get(id)).join(' and ')} (${order.error.votes} votes each): no sample can confirm an outcome a tie decides; count it by hand`,
      );
    const winner = order.value.at(-1)!;
    if ([...votes.values()].every((v) => v === 0))
      return err(`contest ${contest.title} has no reported winner: no votes were cast in it`);
    const ballots = this.ballots.get(contest.id)!;
    const found = raire(tally, candidates, winner, pairDifficulty(plan.type, plan.riskLimit, ballots), {
      names,
    });
    if (!found.ok) return err(`contest ${contest.title}: ${found.error}`);
    return ok({
      contest: contest.id,
      name: contest.title,
      votes: Object.fromEntries(votes),
      winners: [winner],
      ballots,
      ...(found.value.assertions.length > 0
        ? {
            assertions: found.value.assertions.map((a) => ({
              kind: a.kind,
              winner: a.winner,
              loser: a.loser,
              ...(a.remaining ? { remaining: [...a.remaining] } : {}),
              winnerVotes: a.winnerVotes,
              loserVotes: a.loserVotes,
            })),
          }
        : {}),
    });
  }
}
