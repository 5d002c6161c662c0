/**
 * RAIRE against the figures of "A Guide to RAIRE" (Blom, Conway, Stuckey, Teague, Vukcevic; Democracy
 * Developers), Example 10 / chapter 6, with difficulty = 1 / diluted margin, as raire-rs and raire-java test it.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/random.js';
import {
  type Assertion,
  assertionVotes,
  irvElimination,
  RankingTally,
  raire,
  rulesOut,
  unruledOrder,
} from '../../src/core/rla/raire.js';

const guideExample10 = () => {
  const t = new RankingTally();
  t.add(['C', 'B', 'A'], 5000);
  t.add(['B', 'C', 'D'], 1000);
  t.add(['D', 'A'], 1500);
  t.add(['A', 'D'], 4000);
  t.add(['D'], 2000);
  return t;
};
const candidates = ['A', 'B', 'C', 'D'];
const oneOnDilutedMargin = (ballots: number) => (w: number, l: number) =>
  w > l ? ballots / (w - l) : Number.POSITIVE_INFINITY;

describe('RAIRE', () => {
  it('tallies the Guide example as published: first preferences, restricted tallies, elimination order', () => {
    const t = guideExample10();
    expect(t.ballots).toBe(13500);
    expect([...t.restricted(candidates)]).toEqual([
      ['A', 4000],
      ['B', 1000],
      ['C', 5000],
      ['D', 3500],
    ]);
    expect([...t.restricted(['A', 'C', 'D']).values()]).toEqual([4000, 6000, 3500]);
    expect([...t.restricted(['A', 'C']).values()]).toEqual([5500, 6000]);
    expect(irvElimination(t, candidates)).toEqual({ ok: true, value: ['B', 'D', 'A', 'C'] });
  });

  it('gives NEB assertions the Guide’s difficulties (table 6.1)', () => {
    const t = guideExample10();
    const d = (w: string, l: string) => {
      const a = t.tallied({ kind: 'NEB', winner: w, loser: l });
      return oneOnDilutedMargin(13500)(a.winnerVotes, a.loserVotes);
    };
    expect(d('C', 'B')).toBeCloseTo(3.375, 6);
    for (const [w, l] of [
      ['B', 'A'],
      ['C', 'A'],
      ['D', 'A'],
      ['A', 'B'],
      ['D', 'B'],
      ['A', 'D'],
      ['B', 'D'],
      ['C', 'D'],
    ] as const)
      expect(d(w, l)).toBe(Number.POSITIVE_INFINITY);
  });

  it('finds assertions of difficulty 27 that rule out every order in which C loses, none of them redundant', () => {
    const t = guideExample10();
    const r = raire(t, candidates, 'C', oneOnDilutedMargin(13500));
    if (!r.ok) throw new Error(r.error);
    expect(r.value.difficulty).toBeCloseTo(27, 9);
    const hardest = Math.max(...r.value.assertions.map((a) => 13500 / (a.winnerVotes - a.loserVotes)));
    expect(hardest).toBeCloseTo(27, 9);
    expect(r.value.assertions.length).toBeLessThanOrEqual(6);
    expect(unruledOrder(r.value.assertions, candidates, 'C')).toEqual({ ok: true, value: undefined });
    for (const a of r.value.assertions) {
      expect(t.tallied(a)).toEqual(a);
      const without = r.value.assertions.filter((b) => b !== a);
      const gap = unruledOrder(without, candidates, 'C');
      expect(gap.ok && gap.value).toBeTruthy();
    }
  });

  it('refuses a winner the ballots do not elect, and a tie for last place', () => {
    const t = guideExample10();
    const r = raire(t, candidates, 'A', oneOnDilutedMargin(13500));
    expect(r.ok).toBe(false);
    const tie = new RankingTally();
    tie.add(['A'], 10);
    tie.add(['B'], 5);
    tie.add(['C', 'B'], 5);
    tie.add(['D'], 0);
    expect(irvElimination(tie, ['A', 'B', 'C', 'D'])).toEqual({
      ok: false,
      error: { tied: ['B', 'C'], votes: 5 },
    });
  });

  it('reads ballots and tails as the definitions say', () => {
    const neb: Assertion = { kind: 'NEB', winner: 'C', loser: 'B' };
    expect(assertionVotes(neb, ['C', 'B'])).toEqual([1, 0]);
    expect(assertionVotes(neb, ['B', 'C'])).toEqual([0, 1]);
    expect(assertionVotes(neb, ['A', 'B'])).toEqual([0, 1]);
    expect(assertionVotes(neb, ['A', 'C', 'B'])).toEqual([0, 0]);
    const nen: Assertion = { kind: 'NEN', winner: 'A', loser: 'D', remaining: ['A', 'C', 'D'] };
    expect(assertionVotes(nen, ['B', 'D', 'A'])).toEqual([0, 1]);
    expect(assertionVotes(nen, ['B'])).toEqual([0, 0]);
    // NEB(C, B): no order where B outlasts C, nor where C goes first with B still in.
    expect(rulesOut(neb, ['B'])).toBe(true);
    expect(rulesOut(neb, ['C', 'B'])).toBe(true);
    expect(rulesOut(neb, ['B', 'C'])).toBe(false);
    expect(rulesOut(nen, ['A', 'D', 'C'])).toBe(true);
    expect(rulesOut(nen, ['B', 'A', 'D', 'C'])).toBe(true);
    expect(rulesOut(nen, ['D', 'A', 'C'])).toBe(false);
    expect(rulesOut(nen, ['D', 'C'])).toBe(false);
  });
});

/** Every order of `items`. */
function permutations(items: readonly string[]): string[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]),
  );
}

/** Every subset of `items` with at least two members. */
const subsets = (items: readonly string[]) =>
  Array.from({ length: 2 ** items.length }, (_, m) => items.filter((_, i) => m & (1 << i))).filter(
    (s) => s.length >= 2,
  );

describe('RAIRE, against brute force', () => {
  it('reaches the least possible hardest difficulty on random 5-candidate elections', () => {
    const rand = seededRandom('raire-brute');
    const cands = ['A', 'B', 'C', 'D', 'E'];
    let checked = 0;
    for (let trial = 0; trial < 40; trial++) {
      const t = new RankingTally();
      const weights = cands.map(() => rand() ** 2);
      for (let b = 0; b < 400; b++) {
        const left = [...cands];
        const r: string[] = [];
        const length = 1 + Math.floor(rand() * cands.length);
        while (r.length < length) {
          const total = left.reduce((s, c) => s + weights[cands.indexOf(c)]!, 0);
          let x = rand() * total;
          const pick =
            left.find((c) => {
              x -= weights[cands.indexOf(c)]!;
              return x <= 0;
            }) ?? left.at(-1)!;
          r.push(pick);
          left.splice(left.indexOf(pick), 1);
        }
        t.add(r);
      }
      const order = irvElimination(t, cands);
      if (!order.ok) continue;
      const winner = order.value.at(-1)!;
      const difficulty = oneOnDilutedMargin(t.ballots);
      const all = (
        [
          ...cands.flatMap((w) =>
            cands.filter((l) => l !== w).map((l): Assertion => ({ kind: 'NEB', winner: w, loser: l })),
          ),
          ...subsets(cands).flatMap((s) =>
            s.flatMap((w) =>
              s
                .filter((l) => l !== w)
                .map((l): Assertion => ({ kind: 'NEN', winner: w, loser: l, remaining: s })),
            ),
          ),
        ] as Assertion[]
      ).map((a) => {
        const { winnerVotes, loserVotes } = t.tallied(a);
        return { a, d: difficulty(winnerVotes, loserVotes) };
      });
      // The least hardest difficulty: the worst losing order's cheapest refutation.
      let optimum = 0;
      for (const p of permutations(cands).filter((p) => p.at(-1) !== winner))
        optimum = Math.max(optimum, Math.min(...all.filter(({ a }) => rulesOut(a, p)).map(({ d }) => d)));
      const r = raire(t, cands, winner, difficulty);
      if (!Number.isFinite(optimum)) {
        expect(r.ok).toBe(false);
        continue;
      }
      if (!r.ok) throw new Error(r.error);
      expect(r.value.difficulty).toBeCloseTo(optimum, 9);
      expect(unruledOrder(r.value.assertions, cands, winner)).toEqual({ ok: true, value: undefined });
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });
});
