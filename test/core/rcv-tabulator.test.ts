/** The counting rules the RCTab regression cases do not reach: the other tiebreak modes, overvote rules, grouping. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RcvContest, type RcvRules, UNDECLARED_WRITE_IN } from '../../src/core/rcv/config.js';
import { type RcvBallot, RcvTabulationError, tabulateRcv } from '../../src/core/rcv/tabulator.js';

const RULES: RcvRules = {
  winnerElectionMode: 'singleWinnerMajority',
  numberOfWinners: 1,
  tiebreakMode: 'useCandidateOrder',
  overvoteRule: 'exhaustImmediately',
  maxSkippedRanksAllowed: Number.POSITIVE_INFINITY,
  maxRankingsAllowed: 4,
  decimalPlaces: 4,
  nonIntegerWinningThreshold: false,
  hareQuota: false,
  firstRoundDeterminesThreshold: false,
  batchElimination: false,
  cutoffElimination: false,
  continueUntilTwoCandidatesRemain: false,
  stopTabulationEarlyAfterRound: Number.POSITIVE_INFINITY,
  exhaustOnDuplicateCandidate: false,
};

function contest(names: string[], rules: Partial<RcvRules> = {}): RcvContest {
  return {
    name: 'Test',
    date: '2026-11-03',
    jurisdiction: 'Test County',
    office: 'Mayor',
    candidates: names.map((name) => ({ name, aliases: [], excluded: false })),
    undeclaredWriteIns: false,
    tabulateByPrecinct: false,
    tabulateByBatch: false,
    rules: { ...RULES, ...rules },
  };
}

/** "AB" → one ballot ranking A then B; "A=B" → A and B both at rank 1. */
function ballots(spec: Record<string, number>): RcvBallot[] {
  const out: RcvBallot[] = [];
  for (const [pattern, n] of Object.entries(spec))
    for (let i = 0; i < n; i++)
      out.push({
        id: `${pattern}-${i}`,
        rankings: pattern.split(' ').map((group, r) => ({ rank: r + 1, candidates: group.split('=') })),
      });
  return out;
}

const eliminatedIn = (r: ReturnType<typeof tabulateRcv>, round: number) =>
  [...r.eliminatedRound].filter(([, n]) => n === round).map(([c]) => c);

describe('tiebreaks', () => {
  // Round 1: A 4, B 3, C 3, D 2 → D out, D's ballots go 1 to B, 1 to C → round 2: A 4, B 4, C 4.
  const tied = ballots({ A: 4, B: 3, C: 3, 'D B': 1, 'D C': 1 });

  it('previousRoundCounts… looks back for the fewest votes, then falls back', () => {
    const r = tabulateRcv(
      contest(['A', 'B', 'C', 'D'], { tiebreakMode: 'previousRoundCountsThenRandom', randomSeed: 1n }),
      tied,
    );
    // In round 1 B and C had 3, A had 4: A is spared, B and C are still tied, so the seeded draw decides.
    expect(['B', 'C']).toContain(eliminatedIn(r, 2)[0]);
    expect(r.decidedByTie.has(eliminatedIn(r, 2)[0]!)).toBe(true);
  });

  it('previousRoundCountsThenAsk stops with the tied candidates named when looking back does not settle it', () => {
    expect(() =>
      tabulateRcv(contest(['A', 'B', 'C', 'D'], { tiebreakMode: 'previousRoundCountsThenAsk' }), tied),
    ).toThrow(/round 2: tie to eliminate one of "B", "C"/);
  });

  it('stopCountingAndAsk stops at the first tie and names everyone in it', () => {
    expect(() =>
      tabulateRcv(contest(['A', 'B', 'C', 'D'], { tiebreakMode: 'stopCountingAndAsk' }), tied),
    ).toThrow(RcvTabulationError);
    expect(() =>
      tabulateRcv(contest(['A', 'B', 'C', 'D'], { tiebreakMode: 'stopCountingAndAsk' }), tied),
    ).toThrow(/"A", "B", "C"/);
  });

  it('useCandidateOrder eliminates the latest in the configuration; generatePermutation the latest in a seeded shuffle', () => {
    const ordered = tabulateRcv(contest(['A', 'B', 'C', 'D']), tied);
    expect(eliminatedIn(ordered, 2)).toEqual(['C']);
    // Collections.shuffle([A, B, C, D], new Random(3)) puts the four in an order OpenJDK fixes; whichever of the
    // tied three is latest in it goes.
    const shuffled = tabulateRcv(
      contest(['A', 'B', 'C', 'D'], { tiebreakMode: 'generatePermutation', randomSeed: 3n }),
      tied,
    );
    expect(['A', 'B', 'C']).toContain(eliminatedIn(shuffled, 2)[0]);
    expect(shuffled.decidedByTie.size).toBeGreaterThan(0);
  });
});

describe('overvotes', () => {
  const spec = { A: 3, B: 3, 'A=B C': 2, C: 1 };
  it('exhaustImmediately exhausts an overvoted ballot; alwaysSkipToNextRank moves to the next rank', () => {
    const exhaust = tabulateRcv(contest(['A', 'B', 'C']), ballots(spec));
    expect(exhaust.rounds[0]!.status('overvote').toString()).toBe('2');
    const skip = tabulateRcv(
      contest(['A', 'B', 'C'], { overvoteRule: 'alwaysSkipToNextRank' }),
      ballots(spec),
    );
    expect(skip.rounds[0]!.candidates.get('C')!.toString()).toBe('3');
  });

  it('exhaustIfMultipleContinuing counts the mark once only one of the overvoted candidates is still in', () => {
    const r = tabulateRcv(
      contest(['A', 'B', 'C'], { overvoteRule: 'exhaustIfMultipleContinuing' }),
      ballots({ A: 3, B: 4, 'A=C': 2, C: 1 }),
    );
    // Round 1: A=C is an overvote of two continuing candidates (exhausted); C out; then still exhausted.
    expect(r.rounds[0]!.status('overvote').toString()).toBe('2');
  });
});

describe('grouping identical ballots', () => {
  it('gives the same count whatever order the ballots come in', () => {
    const all = ballots({ 'A B': 5, 'B C': 4, 'C A': 3, 'D A': 2, 'D=A B': 1, A: 1, 'C B': 2 });
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), (order) => {
        const a = tabulateRcv(contest(['A', 'B', 'C', 'D']), all);
        const b = tabulateRcv(contest(['A', 'B', 'C', 'D']), order);
        expect(b.rounds.map((t) => [...t.candidates].map(([c, v]) => `${c}:${v}`).sort())).toEqual(
          a.rounds.map((t) => [...t.candidates].map(([c, v]) => `${c}:${v}`).sort()),
        );
        expect([...b.winnerRound]).toEqual([...a.winnerRound]);
      }),
      { numRuns: 25 },
    );
  });

  it('drops undeclared write-ins first and never elects them', () => {
    const c = { ...contest(['A', 'B']), undeclaredWriteIns: true };
    const writeIns: RcvBallot[] = Array.from({ length: 6 }, (_, i) => ({
      id: `w${i}`,
      rankings: [{ rank: 1, candidates: [UNDECLARED_WRITE_IN] }],
    }));
    const r = tabulateRcv(c, [...writeIns, ...ballots({ A: 3, B: 2 })]);
    expect(r.eliminatedRound.get(UNDECLARED_WRITE_IN)).toBe(1);
    expect([...r.winnerRound.keys()]).toEqual(['A']);
  });
});
