/**
 * Where Arlo's conservative choices differ from the published formulas, the same sample measured both
 * ways. The Arlo figures are Arlo's own functions (votingworks/arlo server/audit_math at 8d86156c, run
 * unmodified with CPython 3.11): `supersimple.compute_risk` and `macro.compute_risk`, risk limit 10%.
 */
import { describe, expect, it } from 'vitest';
import { batchUnits, measureBatchContest } from '../../src/core/audit/batches.js';
import { measureContest, type Observation } from '../../src/core/audit/measure.js';
import type { ManifestBatchRecord, ReportedContest } from '../../src/core/audit/records.js';
import { DEFAULT_GAMMA, superSimplePValue } from '../../src/core/rla/comparison.js';
import { macroPValue } from '../../src/core/rla/macro.js';

/** Contest(Governor, {A: 600, B: 400, ballots: 1000, numWinners: 1, votesAllowed: 1}): diluted margin 0.2. */
const contest: ReportedContest = {
  contest: 'gov',
  name: 'Governor',
  votes: { A: 600, B: 400 },
  winners: ['A'],
  ballots: 1000,
};
const seen = (cvr: string[], paper: string[] | null): Observation => ({ cvr, paper });

describe('arloCompatible', () => {
  // 45 clean A, 25 clean B, a one-vote overstatement (CVR A, paper blank), a one-vote understatement
  // (CVR blank, paper A), a two-vote understatement (CVR B, paper A).
  const sample: Observation[] = [
    ...Array.from({ length: 45 }, () => seen(['A'], ['A'])),
    ...Array.from({ length: 25 }, () => seen(['B'], ['B'])),
    seen(['A'], []),
    seen([], ['A']),
    seen(['B'], ['A']),
  ];

  it('comparison: understatements count 0, as Arlo; the published Kaplan–Markov credits them', () => {
    const published = measureContest('comparison', contest, 1000, 0.1, sample);
    const arlo = measureContest('comparison', contest, 1000, 0.1, sample, { arloCompatible: true });
    // Arlo: supersimple.compute_risk(10, contest, cvrs, sample) = (0.0011935019430473225, True).
    expect(arlo.risk).toBeCloseTo(0.0011935019430473225, 15);
    expect(arlo.risk / 0.0011935019430473225).toBeCloseTo(1, 12);
    expect(published.risk).toBe(superSimplePValue(73, 0.2, DEFAULT_GAMMA, { o1: 1, u1: 1, u2: 1 }));
    expect(published.risk).toBeLessThan(arlo.risk);
    // The next round: Arlo ignores understatements there too.
    expect(arlo.needed).toBeGreaterThan(published.needed);
  });

  it('comparison: a ballot not found is a two-vote overstatement, as Arlo; the published rule takes its CVR', () => {
    // The paper of a ballot whose CVR reads B cannot be found.
    const withLost = [...sample, seen(['B'], null)];
    const published = measureContest('comparison', contest, 1000, 0.1, withLost);
    const arlo = measureContest('comparison', contest, 1000, 0.1, withLost, { arloCompatible: true });
    // Arlo: (0.028700588978709026, True).
    expect(arlo.risk / 0.028700588978709026).toBeCloseTo(1, 12);
    // Published: at worst the lost paper is a vote for B, as its CVR says: no discrepancy.
    expect(published.risk).toBe(superSimplePValue(74, 0.2, DEFAULT_GAMMA, { o1: 1, u1: 1, u2: 1 }));
  });

  it('batch: a negative taint counts 0, as Arlo; MACRO as published keeps it', () => {
    // Ten batches of 100, each reported A 60, B 40 (u_p = 0.6, U = 6); b0 counts A 62 B 38 (an
    // understatement), b1 A 58 B 42 (an overstatement), b2 as reported.
    const manifest: ManifestBatchRecord[] = Array.from({ length: 10 }, (_, i) => ({
      batch: `b${i}`,
      ballots: 100,
      votes: { gov: { A: 60, B: 40 } },
    }));
    const units = batchUnits([contest], manifest);
    const counted = [
      { A: 62, B: 38 },
      { A: 58, B: 42 },
      { A: 60, B: 40 },
    ].map((audited, i) => ({ unit: units.units[i]!, audited }));
    const published = measureBatchContest(contest, units, 0.1, counted);
    const arlo = measureBatchContest(contest, units, 0.1, counted, { arloCompatible: true });
    // Arlo: macro.compute_risk(10, contest, batches, sample, tickets, []) = (0.5986590038314177, False).
    expect(arlo.risk / 0.5986590038314177).toBeCloseTo(1, 12);
    const taint = 0.02 / 0.6;
    expect(published.risk).toBeCloseTo(macroPValue(6, [-taint, taint, 0]), 15);
    expect(published.risk).toBeLessThan(arlo.risk);
  });
});
