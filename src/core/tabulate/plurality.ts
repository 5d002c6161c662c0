/**
 * Plurality-family tabulation (plurality, vote-for-N, yes/no) over a stream of CVRs, by the VVSG convention:
 * an overvoted contest gives no votes and counts `votesAllowed` overvotes; otherwise unused votes are
 * undervotes. Write-in slots are reported as one "Write-in" line until adjudicated. Ranked contests are
 * left to the ranked-choice tabulator. Memory depends on the definition (and groups), not on the ballots.
 */

import { z } from 'zod';
import { fromUtf8, utf8 } from '../bytes.js';
import { type CanonicalValue, canonicalJson } from '../canonical-json.js';
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

/** What a tally holds for one contest. */
interface ContestCounts {
  readonly votes: Map<string, number>;
  overvotes: number;
  undervotes: number;
  ballots: number;
}
type CountsByContest = Map<string, ContestCounts>;

const Count = z.number().int().min(0);
const Key = z.string().min(1);
const ContestCountsSchema = z
  .object({
    contest: Key,
    votes: z.array(z.tuple([Key, Count])),
    overvotes: Count,
    undervotes: Count,
    ballots: Count,
  })
  .strict();
const GroupCountsSchema = z.object({ group: z.string(), contests: z.array(ContestCountsSchema) }).strict();

/**
 * The counts of a set of CVRs (one import): totals, and the same per group for each way of grouping.
 * Serialised as canonical JSON, its SHA-256 is logged with the import, so a tally can add imports' counts
 * instead of recounting every record, and `verify` recounts the records to check each logged hash.
 * Ids and group names are values, never object keys: any text an export holds round-trips.
 */
export const TallyCountsSchema = z
  .object({
    format: z.literal('tallyproof-counts/1'),
    contests: z.array(ContestCountsSchema),
    groups: z.partialRecord(z.enum(GROUP_BY), z.array(GroupCountsSchema)),
  })
  .strict();
export type TallyCounts = z.infer<typeof TallyCountsSchema>;
type ContestCountsJson = z.infer<typeof ContestCountsSchema>;

/** The exact bytes an import's counts are logged by: canonical JSON. */
export const countsBytes = (counts: TallyCounts): Uint8Array =>
  utf8(canonicalJson(counts as unknown as CanonicalValue));

export function parseCounts(bytes: Uint8Array): TallyCounts {
  const parsed = TallyCountsSchema.safeParse(JSON.parse(fromUtf8(bytes)));
  if (!parsed.success) throw new Error(`not tallyproof-counts/1: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

const byKey = <T>(entries: Iterable<[string, T]>): [string, T][] =>
  [...entries].sort(([a], [b]) => compareText(a, b));

const countsJson = (counts: CountsByContest): ContestCountsJson[] =>
  byKey(counts).map(([contest, c]) => ({
    contest,
    votes: byKey(c.votes),
    overvotes: c.overvotes,
    undervotes: c.undervotes,
    ballots: c.ballots,
  }));

const tabulated = (c: Contest) => c.type !== 'ranked';

function report(contest: Contest, acc: ContestCounts): ContestResult {
  const results: Record<string, number> = {};
  const choices = contest.type === 'yesno' ? contest.choices : contest.candidates;
  for (const choice of choices) {
    const name = 'writeIn' in choice && choice.writeIn ? WRITE_IN_LINE : choice.name;
    results[name] = (results[name] ?? 0) + (acc.votes.get(choice.id) ?? 0);
  }
  return {
    id: contest.id,
    name: contest.title,
    results,
    overvotes: acc.overvotes,
    undervotes: acc.undervotes,
    ballots: acc.ballots,
  };
}

export class PluralityTally {
  private readonly contestsById: Map<string, Contest>;
  private readonly totals: CountsByContest = new Map();
  private readonly grouped = new Map<GroupBy, Map<string, CountsByContest>>();

  /** Groups by none, one or several of the ways of grouping (an import counts by all of them). */
  constructor(election: Election, groupBy?: GroupBy | readonly GroupBy[]) {
    this.contestsById = new Map(election.contests.filter(tabulated).map((c) => [c.id, c]));
    for (const by of groupBy === undefined ? [] : typeof groupBy === 'string' ? [groupBy] : groupBy)
      this.grouped.set(by, new Map());
  }

  private accumulator(counts: CountsByContest, contest: string): ContestCounts | undefined {
    const existing = counts.get(contest);
    if (existing) return existing;
    const c = this.contestsById.get(contest);
    if (!c) return undefined; // ranked, or not in the definition (validation refuses those before tabulation)
    const votes = new Map((c.type === 'yesno' ? c.choices : c.candidates).map((x) => [x.id, 0]));
    const acc = { votes, overvotes: 0, undervotes: 0, ballots: 0 };
    counts.set(contest, acc);
    return acc;
  }

  private group(by: GroupBy, key: string): CountsByContest {
    const groups = this.grouped.get(by)!;
    let g = groups.get(key);
    if (!g) {
      g = new Map();
      groups.set(key, g);
    }
    return g;
  }

  add(cvr: Cvr): void {
    const groups =
      this.grouped.size === 0 ? [] : [...this.grouped.keys()].map((by) => this.group(by, groupKey(cvr, by)));
    for (const cc of cvr.contests) {
      const contest = this.contestsById.get(cc.contest);
      if (!contest) continue;
      const s = summarizeMarks(contest, cc.marks, cc.overvotedRanks);
      this.count(this.totals, contest, cc, s.overvoted, s.undervotes);
      for (const g of groups) this.count(g, contest, cc, s.overvoted, s.undervotes);
    }
  }

  private count(
    counts: CountsByContest,
    contest: Contest,
    cc: Cvr['contests'][number],
    overvoted: boolean,
    undervotes: number,
  ): void {
    const acc = this.accumulator(counts, contest.id)!;
    acc.ballots++;
    if (overvoted) acc.overvotes += votesAllowedOf(contest);
    else {
      acc.undervotes += undervotes;
      for (const m of cc.marks) acc.votes.set(m.choice, (acc.votes.get(m.choice) ?? 0) + 1);
    }
  }

  /** Adds counts made elsewhere (an import's logged counts): totals, and the groupings this tally keeps. */
  addCounts(counts: TallyCounts): void {
    const fold = (into: CountsByContest, from: readonly ContestCountsJson[]) => {
      for (const c of from) {
        const acc = this.accumulator(into, c.contest);
        if (!acc)
          throw new Error(`the counts name contest ${JSON.stringify(c.contest)}, which is not counted here`);
        acc.ballots += c.ballots;
        acc.overvotes += c.overvotes;
        acc.undervotes += c.undervotes;
        for (const [choice, n] of c.votes) acc.votes.set(choice, (acc.votes.get(choice) ?? 0) + n);
      }
    };
    fold(this.totals, counts.contests);
    for (const by of this.grouped.keys()) {
      const groups = counts.groups[by];
      if (!groups) throw new Error(`the counts are not grouped by ${by}`);
      for (const g of groups) fold(this.group(by, g.group), g.contests);
    }
  }

  counts(): TallyCounts {
    return {
      format: 'tallyproof-counts/1',
      contests: countsJson(this.totals),
      groups: Object.fromEntries(
        [...this.grouped.entries()].map(([by, groups]) => [
          by,
          byKey(groups).map(([group, counts]) => ({ group, contests: countsJson(counts) })),
        ]),
      ),
    };
  }

  contests(): ContestResult[] {
    return [...this.contestsById.values()].map((c) =>
      report(c, this.totals.get(c.id) ?? { votes: new Map(), overvotes: 0, undervotes: 0, ballots: 0 }),
    );
  }

  /** Each group's contests, for the one grouping this tally was asked for. */
  groups(): { id: string; contests: ContestResult[] }[] {
    const [groups] = [...this.grouped.values()];
    return byKey(groups ?? new Map<string, CountsByContest>()).map(([id, counts]) => ({
      id,
      contests: [...this.contestsById.values()].flatMap((c) => {
        const acc = counts.get(c.id);
        return acc && acc.ballots > 0 ? [report(c, acc)] : [];
      }),
    }));
  }
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
