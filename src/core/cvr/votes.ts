/** Overvotes and undervotes, determined from the marks and the contest's rules (VVSG convention). */
import { type Contest, votesAllowedOf } from '../election/schema.js';
import type { Mark } from './model.js';

export interface ContestVoteSummary {
  /** More marks than votes allowed: the contest gives no votes. */
  readonly overvoted: boolean;
  /** Unused votes (0 when overvoted). */
  readonly undervotes: number;
}

export function summarizeMarks(
  contest: Contest,
  marks: readonly Mark[],
  overvotedRanks: readonly number[] = [],
): ContestVoteSummary {
  const unnamedOvervote = overvotedRanks.includes(1);
  if (contest.type === 'ranked') {
    const firstRank = marks.filter((m) => m.rank === 1).length;
    return {
      overvoted: firstRank > 1 || unnamedOvervote,
      undervotes: marks.length === 0 && overvotedRanks.length === 0 ? 1 : 0,
    };
  }
  const allowed = votesAllowedOf(contest);
  const overvoted = marks.length > allowed || unnamedOvervote;
  return { overvoted, undervotes: overvoted ? 0 : allowed - marks.length };
}
