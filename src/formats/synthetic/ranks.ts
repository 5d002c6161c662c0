/** What a ranked contest's marks say rank by rank, as ballot-per-row exports write it. */
import type { CvrContest } from '../../core/cvr/model.js';

export type RankCell = { kind: 'none' } | { kind: 'one'; choice: string } | { kind: 'overvote' };

/** Rank 1..maxRankings: nothing marked, one choice, or an overvote (several choices, or one the vendor recorded). */
export function rankCells(entry: CvrContest, maxRankings: number): RankCell[] {
  return Array.from({ length: maxRankings }, (_, i): RankCell => {
    const rank = i + 1;
    const at = entry.marks.filter((m) => (m.rank ?? 1) === rank);
    if (entry.overvotedRanks?.includes(rank) || at.length > 1) return { kind: 'overvote' };
    return at[0] ? { kind: 'one', choice: at[0].choice } : { kind: 'none' };
  });
}
