/** A ranked contest's first choices as the generator's truth.json counts them (a lone mark at rank 1). */
import type { Cvr } from '../../src/core/cvr/model.js';
import type { RankedContest } from '../../src/core/election/schema.js';

export function firstChoices(
  contest: Pick<RankedContest, 'id'> & { candidates?: readonly { id: string; name: string }[] },
  cvrs: readonly Pick<Cvr, 'contests'>[],
) {
  const names = new Map((contest.candidates ?? []).map((c) => [c.id, c.name]));
  const firsts: Record<string, number> = {};
  let ballots = 0;
  for (const cvr of cvrs) {
    const entry = cvr.contests.find((c) => c.contest === contest.id);
    if (!entry) continue;
    ballots++;
    const atOne = entry.marks.filter((m) => m.rank === 1);
    if (atOne.length === 1 && !entry.overvotedRanks?.includes(1)) {
      const name = names.get(atOne[0]!.choice)!;
      firsts[name] = (firsts[name] ?? 0) + 1;
    }
  }
  return { firsts, ballots };
}
