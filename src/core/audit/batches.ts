/**
 * Batch comparison audits (MACRO, Stark 2008) in the workflow. The batches and their reported votes are
 * logged with the start, as its manifest; a batch's error bound is the largest over the audited contests
 * and their winner–loser pairs (one bound for all contests: MACRO's maximum across contests); batches are
 * drawn with replacement, with probability proportional to it; each contest's risk is MACRO's P-value of
 * its taints, and a batch that cannot be found taints fully (risk 1: count by hand).
 * With `arloCompatible` (logged with the start), a negative taint — a batch whose hand count favours the
 * winners more than its reported votes — counts 0, as Arlo's macro.py `compute_risk` does ("Count
 * negative errors (errors in favor of the winner) as 0 to be conservative"). Arlo also subtracts
 * "unauditable" ballots from every margin when the batch tallies add up to fewer votes than the contest
 * totals; here the batch tallies are the CVRs' own and always add up, so that subtraction is 0 either way.
 */
import type { Sha256 } from '../hash.js';
import {
  batchErrorBound,
  batchOverstatement,
  type MacroContest,
  macroPValue,
  macroSampleSize,
} from '../rla/macro.js';
import { AUDIT_TICKET_DIGITS, type Draw, drawProportional } from '../rla/sampler.js';
import type { Measurement, MeasureOptions } from './measure.js';
import { manifestBatchNames } from './population.js';
import type { ManifestBatchRecord, ReportedContest } from './records.js';

export const macroContestOf = (c: ReportedContest): MacroContest => ({
  winners: c.winners,
  losers: Object.keys(c.votes).filter((id) => !c.winners.includes(id)),
  tally: c.votes,
});

export interface BatchUnit {
  /** The name the batch is drawn under (qualified by its tabulator where a name repeats). */
  readonly id: string;
  readonly record: ManifestBatchRecord;
  /** u_p, the most the batch can overstate any audited margin, relative to that margin. */
  readonly bound: number;
}

export interface BatchUnits {
  readonly units: BatchUnit[];
  /** U = Σ u_p. */
  readonly total: number;
}

export function batchUnits(
  contests: readonly ReportedContest[],
  manifest: readonly ManifestBatchRecord[],
): BatchUnits {
  const names = manifestBatchNames(manifest);
  const macro = contests.map((c) => [c.contest, macroContestOf(c)] as const);
  const units = manifest.map((record, i) => ({
    id: names[i]!,
    record,
    bound: Math.max(
      0,
      ...macro.map(([id, c]) =>
        batchErrorBound(c, { ballots: record.ballots, votes: record.votes?.[id] ?? {} }),
      ),
    ),
  }));
  return { units, total: units.reduce((s, u) => s + u.bound, 0) };
}

/** The first `count` batch draws from the seed. */
export const drawBatches = (seed: string, units: BatchUnits, count: number, hash?: Sha256): Draw[] =>
  drawProportional(
    seed,
    units.units.map((u) => ({ id: u.id, weight: u.bound })),
    count,
    { digits: AUDIT_TICKET_DIGITS, ...(hash ? { hash } : {}) },
  );

export interface BatchObservation {
  readonly unit: BatchUnit;
  /** The hand tally per choice id; null when the batch was not found. */
  readonly audited: Readonly<Record<string, number>> | null;
}

/** A contest's risk after the draws so far, and the draws it would need were the rest clean. */
export function measureBatchContest(
  contest: ReportedContest,
  units: BatchUnits,
  riskLimit: number,
  sample: readonly BatchObservation[],
  options: MeasureOptions = {},
): Measurement {
  const macro = macroContestOf(contest);
  if (macro.losers.length === 0) return { risk: 0, needed: 0 };
  if (sample.length === 0) return { risk: 1, needed: macroSampleSize(riskLimit, units.total) };
  const taints = sample.map(({ unit, audited }) => {
    if (audited === null) return 1;
    const e = batchOverstatement(
      macro,
      { votes: unit.record.votes?.[contest.contest] ?? {} },
      { votes: audited },
    );
    return (options.arloCompatible ? Math.max(0, e) : e) / unit.bound;
  });
  const risk = macroPValue(units.total, taints);
  if (risk <= riskLimit) return { risk, needed: sample.length };
  if (taints.some((t) => t >= 1)) return { risk, needed: Number.POSITIVE_INFINITY };
  // Each further clean draw multiplies the P-value by (1 − 1/U).
  const more = Math.ceil(Math.log(riskLimit / risk) / Math.log(1 - 1 / units.total));
  return { risk, needed: sample.length + Math.max(1, more) };
}
