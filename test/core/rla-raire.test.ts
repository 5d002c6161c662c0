/**
 * RAIRE against the figures of "A Guide to RAIRE" (Blom, Conway, Stuckey, Teague, Vukcevic; Democracy
 * Developers), Example 10 / chapter 6, with difficulty = 1 / diluted margin, as raire-rs and raire-java test it.
 */
import { describe, expect, it } from 'vitest';
import { measureContest, type Observation, pairDifficulty } from '../../src/core/audit/measure.js';
import type { ReportedContest } from '../../src/core/audit/records.js';
import { ReportedTally, rankingOf } from '../../src/core/audit/reported.js';
import type { Election, RankedContest } from '../../src/core/election/schema.js';
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

describe('auditing RAIRE assertions, by simulation (ballot comparison, as the audit workflow plans rounds)', () => {
  const alpha = 0.05;
  /** The Guide's 13,500 CVRs (C wins), and paper on which `flipped` of the CBA ballots read A, D (A wins). */
  const election = (flipped: number) => {
    const cvrs: string[][] = [];
    for (const [ranking, n] of guideExample10().rankings())
      for (let i = 0; i < n; i++) cvrs.push([...ranking]);
    const paper = cvrs.map((r, i) => (i < flipped && r.join() === 'C,B,A' ? ['A', 'D'] : r));
    const t = new RankingTally();
    for (const r of cvrs) t.add(r);
    const found = raire(t, candidates, 'C', pairDifficulty('comparison', alpha, t.ballots));
    if (!found.ok) throw new Error(found.error);
    const contest: ReportedContest = {
      contest: 'mayor',
      name: 'Mayor',
      votes: Object.fromEntries(t.restricted(candidates)),
      winners: ['C'],
      ballots: t.ballots,
      assertions: found.value.assertions.map((a) => ({ ...a, remaining: a.remaining && [...a.remaining] })),
    };
    return { cvrs, paper, contest };
  };

  /** One audit: rounds drawn without replacement until confirmed or a full hand count. */
  function audit(e: ReturnType<typeof election>, rand: () => number): { confirmed: boolean; drawn: number } {
    const order = e.cvrs.map((_, i) => i);
    const sample: Observation[] = [];
    let target = measureContest('comparison', e.contest, e.cvrs.length, alpha, []).needed;
    for (;;) {
      while (sample.length < target) {
        const k = sample.length + Math.floor(rand() * (order.length - sample.length));
        [order[sample.length], order[k]] = [order[k]!, order[sample.length]!];
        const i = order[sample.length]!;
        sample.push({ cvr: e.cvrs[i]!, paper: e.paper[i]! });
      }
      const m = measureContest('comparison', e.contest, e.cvrs.length, alpha, sample);
      if (m.risk <= alpha) return { confirmed: true, drawn: sample.length };
      if (!Number.isFinite(m.needed) || m.needed >= e.cvrs.length)
        return { confirmed: false, drawn: sample.length };
      target = Math.max(sample.length + 1, m.needed);
    }
  }

  it('confirms a correct outcome in one round of the planned size', () => {
    const e = election(0);
    const planned = measureContest('comparison', e.contest, e.cvrs.length, alpha, []).needed;
    // Difficulty 27 (margin 500 of 13,500): the super-simple size for μ = 1/27.
    expect(planned).toBe(Math.ceil(-2 * 1.03905 * Math.log(alpha) * 27 - 1e-9));
    expect(audit(e, seededRandom('raire-clean'))).toEqual({ confirmed: true, drawn: planned });
  });

  it('confirms an outcome the paper contradicts at most α of the time', () => {
    const e = election(300);
    const paper = new RankingTally();
    for (const r of e.paper) paper.add(r);
    const truth = irvElimination(paper, candidates);
    expect(truth.ok && truth.value.at(-1)).toBe('A');
    const rand = seededRandom('raire-risk');
    const trials = 300;
    let confirmed = 0;
    for (let t = 0; t < trials; t++) if (audit(e, rand).confirmed) confirmed++;
    expect(confirmed / trials).toBeLessThan(alpha + 4 * Math.sqrt((alpha * (1 - alpha)) / trials));
  });
});

describe('IRV contests as the audit reads them', () => {
  const mayor = (rules?: RankedContest['rules'], seats = 1): RankedContest => ({
    id: 'mayor',
    title: 'Mayor',
    type: 'ranked',
    seats,
    maxRankings: 4,
    candidates: ['A', 'B', 'C', 'D'].map((id) => ({ id, name: `Candidate ${id}` })),
    ...(rules ? { rules } : {}),
  });
  const marks = (...ranks: [string, number][]) => ranks.map(([choice, rank]) => ({ choice, rank }));

  it('reads rankings by rank: repeats skipped, an overvote exhausts unless the rules skip it, skipped ranks within the limit', () => {
    expect(rankingOf(mayor(), { marks: marks(['B', 2], ['A', 1], ['B', 3], ['C', 4]) })).toEqual([
      'A',
      'B',
      'C',
    ]);
    expect(rankingOf(mayor(), { marks: marks(['A', 1], ['C', 3]), overvotedRanks: [2] })).toEqual(['A']);
    expect(rankingOf(mayor(), { marks: marks(['A', 1], ['B', 2], ['C', 2], ['D', 3]) })).toEqual(['A']);
    expect(
      rankingOf(mayor({ overvoteRule: 'alwaysSkipToNextRank' }), {
        marks: marks(['A', 1], ['B', 2], ['C', 2], ['D', 3]),
      }),
    ).toEqual(['A', 'D']);
    expect(rankingOf(mayor(), { marks: marks(['A', 1], ['D', 4]) })).toEqual(['A', 'D']);
    expect(rankingOf(mayor({ maxSkippedRanksAllowed: '1' }), { marks: marks(['A', 1], ['D', 4]) })).toEqual([
      'A',
    ]);
  });

  const election = (contest: RankedContest): Election =>
    ({ title: 'E', date: '2026-11-03', contests: [contest] }) as unknown as Election;
  const cast = (tally: ReportedTally, ranking: string[], n: number) => {
    for (let i = 0; i < n; i++)
      tally.add({
        contests: [{ contest: 'mayor', marks: ranking.map((choice, r) => ({ choice, rank: r + 1 })) }],
      });
  };
  const plan = { type: 'comparison', riskLimit: 0.05 } as const;

  it('reports the IRV winner with first preferences and the assertions that confirm it', () => {
    const tally = new ReportedTally(election(mayor()));
    cast(tally, ['C', 'B', 'A'], 50);
    cast(tally, ['B', 'C', 'D'], 10);
    cast(tally, ['D', 'A'], 15);
    cast(tally, ['A', 'D'], 40);
    cast(tally, ['D'], 20);
    const r = tally.report(mayor(), plan);
    if (!r.ok) throw new Error(r.error);
    expect(r.value).toMatchObject({ winners: ['C'], ballots: 135, votes: { A: 40, B: 10, C: 50, D: 35 } });
    const assertions = r.value.assertions!;
    expect(Math.max(...assertions.map((a) => 135 / (a.winnerVotes - a.loserVotes)))).toBeCloseTo(27, 9);
    expect(unruledOrder(assertions, ['A', 'B', 'C', 'D'], 'C')).toEqual({ ok: true, value: undefined });
  });

  it('refuses what RAIRE cannot audit, saying why', () => {
    const tie = new ReportedTally(election(mayor()));
    cast(tie, ['A'], 10);
    cast(tie, ['B'], 5);
    cast(tie, ['C', 'B'], 5);
    const r = tie.report(mayor(), plan);
    expect(r.ok === false && r.error).toMatch(
      /tie for elimination between Candidate B and Candidate C \(5 votes each\)/,
    );
    const stv = new ReportedTally(election(mayor(undefined, 2)));
    cast(stv, ['A'], 10);
    const s = stv.report(mayor(undefined, 2), plan);
    expect(s.ok === false && s.error).toMatch(/elects 2 by ranked choice: RAIRE audits single-winner IRV/);
  });
});
