/** The audit mathematics against the published figures (STANDARDS.md §5), and the risk limit by simulation. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/random.js';
import { alphaMartingale, alphaSampleSize, comparisonValues } from '../../src/core/rla/alpha.js';
import { pluralityAssorter, superMajorityAssorter } from '../../src/core/rla/assorters.js';
import { binomialUpperTail, logBinomialPmf, logGamma } from '../../src/core/rla/binomial.js';
import {
  bravoAsn,
  bravoFirstRoundProbability,
  bravoPValue,
  bravoSampleSizeForProbability,
} from '../../src/core/rla/bravo.js';
import {
  kaplanMarkovPValue,
  overstatementAssorter,
  superSimplePValue,
  superSimpleSampleSize,
  superSimpleSampleSizeForRates,
} from '../../src/core/rla/comparison.js';
import { batchErrorBound, batchTaint, macroPValue, macroSampleSize } from '../../src/core/rla/macro.js';

describe('BRAVO', () => {
  it('needs 119 ballots for a 60/40 contest at α = 0.1', () => {
    expect(bravoAsn({ tally: { A: 600, B: 400 } }, 0.1)).toBe(119);
  });
  it('cannot confirm a tie, and measures the risk of a sample', () => {
    expect(bravoAsn({ tally: { A: 500, B: 500 } }, 0.1)).toBe(Number.POSITIVE_INFINITY);
    // 60/40: each A multiplies T by 1.2, each B by 0.8.
    expect(bravoPValue({ tally: { A: 600, B: 400 } }, { A: 30, B: 10 })).toBeCloseTo(
      1 / (1.2 ** 30 * 0.8 ** 10),
      12,
    );
    expect(bravoPValue({ tally: { A: 600, B: 400 } }, { B: 5 })).toBe(1);
  });
});

describe('super-simple / Kaplan–Markov', () => {
  it('needs 48 ballots at α = 0.1, γ = 1.03905, μ = 0.1 with no discrepancies', () => {
    expect(superSimpleSampleSize(0.1, 0.1)).toBe(48);
  });
  it('needs more for overstatements, fewer for understatements; the sample it asks for meets the risk limit', () => {
    expect(superSimpleSampleSize(0.1, 0.1, undefined, { o1: 1 })).toBeGreaterThan(48);
    expect(superSimpleSampleSize(0.1, 0.1, undefined, { u1: 1 })).toBeLessThan(48);
    expect(superSimplePValue(48, 0.1)).toBeLessThan(0.1);
    const n = superSimpleSampleSize(0.05, 0.02, undefined, { o1: 2, o2: 1 });
    expect(superSimplePValue(n, 0.02, undefined, { o1: 2, o2: 1 })).toBeLessThanOrEqual(0.05);
    expect(superSimplePValue(0, 0.1)).toBe(1);
  });
  it('computes the general Kaplan–Markov P-value as published', () => {
    expect(kaplanMarkovPValue([1, 1, 1, 1, 1], 0.5, 0)).toBeCloseTo(2 ** -5, 15);
    expect(kaplanMarkovPValue([1, 1, 1, 1, 1, 0], 0.5, 0.1)).toBeCloseTo((1.1 / 0.6) ** -5, 15);
  });
});

describe('SHANGRLA assorters', () => {
  it('gives the published overstatement values', () => {
    expect(overstatementAssorter(0.5, 0.5, 0.2)).toBeCloseTo(1 / 1.8, 15);
    expect(overstatementAssorter(1, 0, 0.2)).toBe(0);
    expect(overstatementAssorter(0, 1, 0.3)).toBeCloseTo(2 / 1.7, 15);
  });
  it('scores ballots for plurality and super-majority', () => {
    const a = pluralityAssorter('A', 'B');
    expect([a(['A']), a(['B']), a([]), a(['C'])]).toEqual([1, 0, 0.5, 0.5]);
    const s = superMajorityAssorter('Yes', 2 / 3);
    expect([s(['Yes']), s(['No']), s([]), s(['Yes', 'No'])]).toEqual([0.75, 0, 0.5, 0.5]);
  });
});

describe('ALPHA', () => {
  it('gives the published running P-values (N = 7, t = 3/7, fixed η = 0.75)', () => {
    const { pValues, pValue } = alphaMartingale([1, 0, 1, 1, 0, 0, 1], {
      t: 3 / 7,
      u: 1,
      eta: 0.75,
      estimator: 'fixed',
      N: 7,
    });
    const want = [0.5714285714285714, 1, 0.6146458583433375, 0.18912180256718078, 1, 1, 0];
    pValues.forEach((p, i) => expect(p).toBeCloseTo(want[i]!, 12));
    expect(pValue).toBe(0);
  });
  it('needs 8 draws of 1s and 14 of 0.75s at α = 0.05 (N = 1000, fixed η = 0.75)', () => {
    const firstBelow = (x: number) =>
      alphaMartingale(Array(40).fill(x), {
        t: 0.5,
        u: 1,
        eta: 0.75,
        estimator: 'fixed',
        N: 1000,
      }).pValues.findIndex((p) => p <= 0.05) + 1;
    expect(firstBelow(1)).toBe(8);
    expect(firstBelow(0.75)).toBe(14);
  });
  it('estimates sample sizes: 8 and 14 as published; a comparison audit needs more with overstatements', () => {
    const fixed = { t: 0.5, u: 1, eta: 0.75, estimator: 'fixed' as const, N: 1000 };
    expect(alphaSampleSize(0.05, fixed, () => 1)).toBe(8);
    expect(alphaSampleSize(0.05, fixed, () => 0.75)).toBe(14);
    expect(alphaSampleSize(0.05, fixed, () => 0.5)).toBe(Number.POSITIVE_INFINITY);
    // Comparison, diluted margin 0.1: the overstatement assorter, shrink-trunc starting at 0.9·u.
    const sizeFor = (rates: { o1?: number; o2?: number }) => {
      const { u, value } = comparisonValues(0.1, rates);
      const options = { t: 0.5, u, eta: 0.9 * u, estimator: 'shrink-trunc' as const };
      const n = alphaSampleSize(0.05, options, value);
      // The estimate is the first draw at which those very values meet the risk limit.
      const running = alphaMartingale(
        Array.from({ length: n }, (_, j) => value(j + 1)),
        options,
      ).pValues;
      expect(running[n - 1]).toBeLessThanOrEqual(0.05);
      expect(running.slice(0, n - 1).every((p) => p > 0.05)).toBe(true);
      return n;
    };
    const clean = sizeFor({});
    const o1 = sizeFor({ o1: 0.01 });
    const o2 = sizeFor({ o2: 0.01 });
    expect(clean).toBeGreaterThan(10);
    expect(o1).toBeGreaterThan(clean);
    expect(o2).toBeGreaterThan(o1);
    // The values it assumed: at rate 0.01 exactly one one-vote overstatement per 100 draws.
    const { value } = comparisonValues(0.1, { o1: 0.01 });
    const values = Array.from({ length: 200 }, (_, j) => value(j + 1));
    expect(values.filter((x) => x === 0.5 / 1.9)).toHaveLength(2);
    expect(values.filter((x) => x === 1 / 1.9)).toHaveLength(198);
  });

  // Reference values: pbstark/SHANGRLA shangrla/core/NonnegMean.py (at 9d5db92) run unmodified with
  // numpy 2.4: NonnegMean(N, t, u, eta, estim=shrink_trunc | fixed_alternative_mean).alpha_mart(x).
  it("shrink-trunc caps η at u(1−ε) − c/√(d+j−1), as SHANGRLA since May 2025: SHANGRLA's own figures", () => {
    // A comparison audit's overstatement values (margin 0.1): six clean ballots, a one-vote overstatement,
    // five clean; η starts at 1.04, above the cap u(1−ε) − c/√100 = 1.02563…, which binds at once.
    const u = 2 / 1.9;
    const x = [...Array(6).fill(1 / 1.9), 0.5 / 1.9, ...Array(5).fill(1 / 1.9)];
    const clean = [
      0.9523263973420787, 0.9069145452298989, 0.863657824011023, 0.8225284017746805, 0.7836985341670221,
      0.7470206154197165, 1, 1, 1, 1, 1, 1,
    ];
    const withReplacement = alphaMartingale(x, { t: 0.5, u, eta: 1.04, estimator: 'shrink-trunc' });
    expect(withReplacement.pValues).toEqual(clean);
    expect(withReplacement.pValue).toBe(0.7470206154197165);
    const finite = alphaMartingale(x, { t: 0.5, u, eta: 1.04, estimator: 'shrink-trunc', N: 500 });
    expect(finite.pValues.slice(0, 6)).toEqual([
      0.9523263973420787, 0.9068231060542686, 0.8633962171602731, 0.8220298426305115, 0.7829087390276573,
      0.7458951941886102,
    ]);
    expect(finite.pValue).toBe(0.7458951941886102);
    // c too large for (t, u): SHANGRLA resets it to (u − c)/2 and says so.
    const reset = alphaMartingale([1, 1, 0.9, 1, 0.2, 1], {
      t: 0.5,
      u: 1,
      eta: 0.8,
      c: 0.3,
      d: 10,
      estimator: 'shrink-trunc',
    });
    expect(reset.pValues).toEqual([
      0.625, 0.38194444444444436, 0.24909420289855072, 0.14854241457253023, 0.25610761133194865,
      0.15874438718922437,
    ]);
    expect(reset.warnings).toEqual(['c=0.3 is too large: resetting to 0.35']);
  });

  it('a fixed alternative the draws make impossible: a P-value and a warning, as SHANGRLA gives', () => {
    // N = 10, η = 0.9: after 0, 0.5 the rest would have to average (9 − 0.5)/8 > u = 1.
    const r = alphaMartingale([0, 0.5, 0, 1, 1], { t: 0.5, u: 1, eta: 0.9, estimator: 'fixed', N: 10 });
    expect(r.pValue).toBe(1);
    expect(r.pValues[0]).toBe(1);
    expect(r.pValues[1]).toBe(1);
    // SHANGRLA's running values go on with the impossible alternative: the martingale turns negative.
    [-38.88888888888891, -20.58823529411766, -9.607843137254909].forEach((p, i) =>
      expect(r.pValues[i + 2]).toBe(p),
    );
    expect(r.warnings).toEqual(['Implied population mean is greater than u=1 in 3 of 5 terms']);
    // The published example warns too (η_j > 1 in two terms) and keeps its published figures.
    expect(
      alphaMartingale([1, 0, 1, 1, 0, 0, 1], { t: 3 / 7, u: 1, eta: 0.75, estimator: 'fixed', N: 7 })
        .warnings,
    ).toEqual(['Implied population mean is greater than u=1 in 2 of 7 terms']);
  });

  it('shrink-trunc confirms a clear margin and does not confirm a losing one', () => {
    const strong = alphaMartingale(Array(200).fill(0.7), {
      t: 0.5,
      u: 1,
      eta: 0.6,
      estimator: 'shrink-trunc',
    });
    expect(strong.pValue).toBeLessThan(0.05);
    const weak = alphaMartingale(Array(200).fill(0.45), {
      t: 0.5,
      u: 1,
      eta: 0.6,
      estimator: 'shrink-trunc',
    });
    expect(weak.pValue).toBe(1);
  });
});

describe('MACRO', () => {
  const contest = { winners: ['A'], losers: ['B'], tally: { A: 600, B: 400 } };
  it('bounds each batch’s error and sizes a clean sample', () => {
    const batch = { ballots: 100, votes: { A: 60, B: 40 } };
    expect(batchErrorBound(contest, batch)).toBeCloseTo((20 + 100) / 200, 15);
    const U = 10 * batchErrorBound(contest, batch);
    expect(macroSampleSize(0.1, U)).toBe(Math.ceil(Math.log(0.1) / Math.log(1 - 1 / U)) + 1);
    expect(batchTaint(contest, batch, batch)).toBe(0);
    expect(macroPValue(U, [0, 0])).toBeCloseTo((1 - 1 / U) ** 2, 15);
  });
});

describe('the risk limit, by simulation', () => {
  it('BRAVO confirms a wrong outcome at most α of the time; a right one quickly', () => {
    // Reported 55/45 for A, but the paper says 48/52: every confirmation is an error.
    const alpha = 0.1;
    const rand = seededRandom('bravo-risk');
    const trials = 2000;
    let confirmed = 0;
    for (let t = 0; t < trials; t++) {
      const sample: Record<string, number> = { A: 0, B: 0 };
      for (let n = 0; n < 600; n++) {
        sample[rand() < 0.48 ? 'A' : 'B']!++;
        if (bravoPValue({ tally: { A: 550, B: 450 } }, sample) <= alpha) {
          confirmed++;
          break;
        }
      }
    }
    // Binomial(2000, ≤ 0.1): the observed rate stays below α plus 4 standard deviations.
    expect(confirmed / trials).toBeLessThan(alpha + 4 * Math.sqrt((alpha * (1 - alpha)) / trials));
  });

  it('ALPHA (comparison, shrink-trunc) confirms a wrong outcome at most α of the time', () => {
    // Paper assorter values with true mean 0.48 (the reported winner lost): values 0 or 1.
    const alpha = 0.05;
    const rand = seededRandom('alpha-risk');
    const trials = 1000;
    let confirmed = 0;
    for (let t = 0; t < trials; t++) {
      const x = Array.from({ length: 400 }, () => (rand() < 0.48 ? 1 : 0));
      if (alphaMartingale(x, { t: 0.5, u: 1, eta: 0.55, estimator: 'shrink-trunc' }).pValue <= alpha)
        confirmed++;
    }
    expect(confirmed / trials).toBeLessThan(alpha + 4 * Math.sqrt((alpha * (1 - alpha)) / trials));
  });
});

describe('planning a first round', () => {
  it('computes binomial tails exactly (against a direct sum)', () => {
    expect(Math.exp(logGamma(5))).toBeCloseTo(24, 10);
    const n = 20;
    const p = 0.37;
    for (const k of [0, 1, 5, 8, 13, 20]) {
      let direct = 0;
      for (let j = k; j <= n; j++) direct += Math.exp(logBinomialPmf(j, n, p));
      expect(binomialUpperTail(k, n, p)).toBeCloseTo(direct, 12);
    }
  });

  it('BRAVO: the chance a first round confirms agrees with simulation; the planned size reaches the chance asked for', () => {
    const contest = { tally: { A: 600, B: 400 } };
    const n = 119;
    const exact = bravoFirstRoundProbability(contest, 0.1, n);
    const rand = seededRandom('bravo-first-round');
    const trials = 4000;
    let hits = 0;
    for (let t = 0; t < trials; t++) {
      const sample = { A: 0, B: 0 };
      for (let i = 0; i < n; i++) sample[rand() < 0.6 ? 'A' : 'B']++;
      if (bravoPValue(contest, sample) <= 0.1) hits++;
    }
    expect(Math.abs(hits / trials - exact)).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / trials));
    const size = bravoSampleSizeForProbability(contest, 0.1, 0.9);
    expect(bravoFirstRoundProbability(contest, 0.1, size)).toBeGreaterThanOrEqual(0.9);
    expect(bravoFirstRoundProbability(contest, 0.1, size - 1)).toBeLessThan(0.9);
    expect(size).toBeGreaterThan(bravoAsn(contest, 0.1));
  });

  it('BRAVO: the planned first round is the smallest that reaches the chance (the chance is saw-toothed in n)', () => {
    const cases: [Record<string, number>, number, number][] = [
      [{ A: 600, B: 400 }, 0.1, 0.9],
      [{ A: 550, B: 450 }, 0.05, 0.8],
      [{ A: 520, B: 380, C: 100 }, 0.1, 0.7],
      [{ A: 5800, B: 4200 }, 0.05, 0.95],
      // Close contests, where the teeth are widest (and scanning from 1 took minutes at audit scale).
      [{ A: 530, B: 470 }, 0.1, 0.8],
      [{ A: 4400, B: 4100, C: 1500 }, 0.05, 0.6],
    ];
    for (const [tally, alpha, chance] of cases) {
      const contest = { tally };
      const size = bravoSampleSizeForProbability(contest, alpha, chance);
      expect(bravoFirstRoundProbability(contest, alpha, size)).toBeGreaterThanOrEqual(chance);
      // Every smaller round falls short: checked one by one, not by bisection.
      for (let n = 1; n < size; n++)
        expect(bravoFirstRoundProbability(contest, alpha, n), `${JSON.stringify(tally)} n=${n}`).toBeLessThan(
          chance,
        );
    }
  });

  it('super-simple: plans for expected discrepancy rates, and says when no sample can do', () => {
    expect(superSimpleSampleSizeForRates(0.1, 0.1, {})).toBe(48);
    const n = superSimpleSampleSizeForRates(0.05, 0.02, { o1: 0.002, o2: 0.0005 });
    const at = (m: number) => ({ o1: Math.ceil(0.002 * m), o2: Math.ceil(0.0005 * m) });
    expect(superSimplePValue(n, 0.02, undefined, at(n))).toBeLessThanOrEqual(0.05);
    expect(superSimplePValue(n - 1, 0.02, undefined, at(n - 1))).toBeGreaterThan(0.05);
    expect(superSimpleSampleSizeForRates(0.05, 0.01, { o2: 0.1 })).toBe(Number.POSITIVE_INFINITY);
  });
});
