/** Batch comparison audits (MACRO) as the workflow runs them: sampling by error bound, risks, rounds, the risk limit. */
import { describe, expect, it } from 'vitest';
import {
  type BatchObservation,
  batchUnits,
  drawBatches,
  measureBatchContest,
} from '../../src/core/audit/batches.js';
import type { ManifestBatchRecord, ReportedContest } from '../../src/core/audit/records.js';
import { seededRandom } from '../../src/core/random.js';
import { macroPValue, macroSampleSize } from '../../src/core/rla/macro.js';
import { drawProportional } from '../../src/core/rla/sampler.js';

/** 100 batches of 100 ballots, each reported A 55, B 45. */
const contest: ReportedContest = {
  contest: 'c',
  name: 'Contest',
  votes: { A: 5500, B: 4500 },
  winners: ['A'],
  ballots: 10_000,
};
const manifest: ManifestBatchRecord[] = Array.from({ length: 100 }, (_, i) => ({
  batch: `b${i}`,
  ballots: 100,
  votes: { c: { A: 55, B: 45 } },
}));

describe('batch audits', () => {
  it('bounds each batch by its largest relative overstatement: u = (10 + 100)/1000, U = 11', () => {
    const units = batchUnits([contest], manifest);
    expect(units.units[0]!.bound).toBeCloseTo(0.11, 12);
    expect(units.total).toBeCloseTo(11, 9);
    expect(measureBatchContest(contest, units, 0.05, []).needed).toBe(macroSampleSize(0.05, units.total));
  });

  it('draws batches in proportion to their bounds, reproducibly from the seed', () => {
    const units = [
      { id: 'heavy', weight: 3 },
      { id: 'light', weight: 1 },
      { id: 'none', weight: 0 },
    ];
    const draws = drawProportional('123456', units, 4000);
    expect(drawProportional('123456', units, 4000)).toEqual(draws);
    const heavy = draws.filter((d) => d.id === 'heavy').length;
    // Binomial(4000, 3/4): within 4 standard deviations.
    expect(Math.abs(heavy - 3000)).toBeLessThan(4 * Math.sqrt(4000 * 0.75 * 0.25));
    expect(draws.some((d) => d.id === 'none')).toBe(false);
    const light = draws.filter((d) => d.id === 'light');
    expect(light.map((d) => d.draw)).toEqual(light.map((_, k) => k + 1));
  });

  it("measures MACRO's P-value of the taints; a batch not found taints fully", () => {
    const units = batchUnits([contest], manifest);
    const clean: BatchObservation = { unit: units.units[0]!, audited: { A: 55, B: 45 } };
    const off: BatchObservation = { unit: units.units[1]!, audited: { A: 45, B: 55 } };
    const m = measureBatchContest(contest, units, 0.05, [clean, off, clean]);
    // off: e = (10 − (−10))/1000 = 0.02, taint 0.02/0.11.
    expect(m.risk).toBeCloseTo(macroPValue(11, [0, 0.02 / 0.11, 0]), 12);
    expect(m.needed).toBeGreaterThan(3);
    const lost = measureBatchContest(contest, units, 0.05, [clean, { unit: units.units[2]!, audited: null }]);
    expect(lost).toEqual({ risk: 1, needed: Number.POSITIVE_INFINITY });
  });

  it('confirms a wrong outcome at most α of the time (25 batches hide a 55/45 → 30/70 swing)', () => {
    const alpha = 0.05;
    const units = batchUnits([contest], manifest);
    const truth = (i: number) => (i < 25 ? { A: 30, B: 70 } : { A: 55, B: 45 });
    const rand = seededRandom('macro-risk');
    const trials = 400;
    let confirmed = 0;
    for (let t = 0; t < trials; t++) {
      const sample: BatchObservation[] = [];
      let target = measureBatchContest(contest, units, alpha, []).needed;
      for (;;) {
        while (sample.length < target) {
          const i = Math.floor(rand() * 100); // every bound is equal: PPEB is uniform here
          sample.push({ unit: units.units[i]!, audited: truth(i) });
        }
        const m = measureBatchContest(contest, units, alpha, sample);
        if (m.risk <= alpha) {
          confirmed++;
          break;
        }
        if (!Number.isFinite(m.needed) || m.needed >= 100) break;
        target = m.needed;
      }
    }
    expect(confirmed / trials).toBeLessThan(alpha + 4 * Math.sqrt((alpha * (1 - alpha)) / trials));
  });

  it('draws the first round from the logged batches and the seed', () => {
    const units = batchUnits([contest], manifest);
    const draws = drawBatches('31415', units, 33);
    expect(draws).toHaveLength(33);
    expect(new Set(draws.map((d) => d.id)).size).toBeGreaterThan(20);
  });
});
