/**
 * Plurality-family tabulation (plurality, vote-for-N, yes/no) over a stream of CVRs, by the VVSG convention:
 * an overvoted contest gives no votes and counts `votesAllowed` overvotes; otherwise unused votes are
 * undervotes. Write-in slots are reported as one "Write-in" line until adjudicated. Ranked contests are
 * left to the ranked-choice tabulator. Memory depends on the definition (and groups), not on the ballots.
 */

import { compareText } from '../compare.js';
import type { Cvr } from '../cvr/model.js';
import { summarizeMarks } from '../cvr/votes.js';
import { type Contest, type Election, votesAllowedOf } from '../election/schema.js';

export const GROUP_BY = ['precinct', 'batch', 'tabulator', 'style', 'group'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const WRITE_IN_LINE = 'Write-in';

export interface ContestResult {
  readonly id: string;
  readonly name: string;
  /** Votes per choice name, in definition order, write-ins as one line. */
  readonly results: Record<string, number>;
  readonly overvotes: number;
  readonly undervotes: number;
  /** Ballots on which the contest appears. */
  readonly ballots: number;
}

interface Accumulator {
  readonly contest: Contest;
  readonly votes: Map<string, number>;
  overvotes: number;
  undervotes: number;
  ballots: number;
}

const tabulated = (c: Contest) => c.type !== 'ranked';

function emptyAccumulators(election: Election): Map<string, Accumulator> {
  return new Map(
    election.contests.filter(tabulated).map((contest) => {
      const choices = contest.type === 'yesno' ? contest.choices : contest.candidates;
      return [
        contest.id,
        { contest, votes: new Map(choices.map((c) => [c.id, 0])), overvotes: 0, undervotes: 0, ballots: 0 },
      ];
    }),
  );
}

function report(acc: Accumulator): ContestResult {
  const c = acc.contest;
  const results: Record<string, number> = {};
  const choices = c.type === 'yesno' ? c.choices : c.candidates;
  for (const choice of choices) {
    const name = 'writeIn' in choice && choice.writeIn ? WRITE_IN_LINE : choice.name;
    results[name] = (results[name] ?? 0) + (acc.votes.get(choice.id) ?? 0);
  }
  return {
    id: c.id,
    name: c.title,
    results,
    overvotes: acc.overvotes,
    undervotes: acc.undervotes,
    ballots: acc.ballots,
  };
}

export class PluralityTally {
  private readonly totals: Map<string, Accumulator>;
  private readonly grouped = new Map<string, Map<string, Accumulator>>();

  constructor(
    private readonly election: Election,
    private readonly groupBy?: GroupBy,
  ) {
    this.totals = emptyAccumulators(election);
  }

  add(cvr: Cvr): void {
    let group: Map<string, Accumulator> | undefined;
    if (this.groupBy) {
      const key = groupKey(cvr, this.groupBy);
      group = this.grouped.get(key);
      if (!group) {
        group = emptyAccumulators(this.election);
        this.grouped.set(key, group);
      }
    }
    for (const cc of cvr.contests) {
      const acc = this.totals.get(cc.contest);
      if (!acc) continue; // ranked, or not in the definition (validation refuses those before tabulation)
      count(acc, cc);
      if (group) count(group.get(cc.contest)!, cc);
    }
  }

  contests(): ContestResult[] {
    return [...this.totals.values()].map(report);
  }

  groups(): { id: string; contests: ContestResult[] }[] {
    return [...this.grouped.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([id, accs]) => ({ id, contests: [...accs.values()].filter((a) => a.ballots > 0).map(report) }));
  }
}

function count(acc: Accumulator, { marks, overvotedRanks }: Cvr['contests'][number]): void {
  acc.ballots++;
  const s = summarizeMarks(acc.contest, marks, overvotedRanks);
  if (s.overvoted) {
    acc.overvotes += votesAllowedOf(acc.contest);
    return;
  }
  acc.undervotes += s.undervotes;
  for (const m of marks) acc.votes.set(m.choice, (acc.votes.get(m.choice) ?? 0) + 1);
}

const GROUP_FIELD = {
  precinct: 'precinct',
  batch: 'batch',
  tabulator: 'tabulator',
  style: 'ballotStyle',
  group: 'countingGroup',
} as const;

/** The group a CVR counts in; `group` is the counting group / voting method. */
export function groupKey(cvr: Cvr, by: GroupBy): string {
  return cvr[GROUP_FIELD[by]] ?? '(none)';
}
