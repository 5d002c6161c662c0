/**
 * Paper that disagrees with its CVR, at a chosen rate: what an audit board would find on the paper
 * ballot where the scanner (or an attacker) recorded something else. Each differing contest is one of
 * three kinds, each a discrepancy a comparison audit must catch:
 *  - `flip`: the paper shows another choice than the CVR (for a ranked contest, another first choice);
 *  - `blank`: the CVR records a vote the paper does not show;
 *  - `mark`: the paper shows a vote the CVR does not record.
 */
import type { CvrContest, Mark } from '../../core/cvr/model.js';
import { type Contest, choicesOf } from '../../core/election/schema.js';

export type PaperDifferenceKind = 'flip' | 'blank' | 'mark';

export interface PaperDifference {
  readonly ballot: string;
  readonly contest: string;
  readonly kind: PaperDifferenceKind;
  readonly cvr: readonly Mark[];
  readonly paper: readonly Mark[];
}

/** The paper's marks for `entry` when it is to differ from the CVR; undefined when it cannot. */
export function paperVariant(
  contest: Contest,
  entry: CvrContest,
  rand: () => number,
): { kind: PaperDifferenceKind; paper: Mark[] } | undefined {
  const choices = choicesOf(contest).filter((c) => !('writeIn' in c && c.writeIn));
  const ranked = contest.type === 'ranked';
  const one = (choice: string): Mark => (ranked ? { choice, rank: 1 } : { choice });
  if (entry.marks.length === 0) {
    const pick = choices[Math.floor(rand() * choices.length)];
    return pick ? { kind: 'mark', paper: [one(pick.id)] } : undefined;
  }
  if (rand() < 1 / 3) return { kind: 'blank', paper: [] };
  const first = entry.marks.find((m) => (m.rank ?? 1) === 1) ?? entry.marks[0]!;
  const others = choices.filter((c) => !entry.marks.some((m) => m.choice === c.id));
  const to = others[Math.floor(rand() * others.length)];
  if (!to) return { kind: 'blank', paper: [] };
  return { kind: 'flip', paper: entry.marks.map((m) => (m === first ? { ...m, choice: to.id } : m)) };
}
