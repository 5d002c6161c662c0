/**
 * Recomputes a logged audit from the log alone: the reported outcome it started from, every round's
 * sample, which ballots were interpreted, and every round's risks, statuses and next round size.
 */
import { type CanonicalValue, canonicalJson } from '../canonical-json.js';
import type { Cvr } from '../cvr/model.js';
import { choicesOf, type Election } from '../election/schema.js';
import type { Sha256 } from '../hash.js';
import { unruledOrder } from '../rla/raire.js';
import { AUDIT_TICKET_DIGITS, type Draw, drawSample } from '../rla/sampler.js';
import { batchUnits, drawBatches } from './batches.js';
import {
  auditPopulation,
  batchKey,
  cvrBallotId,
  manifestBallotIds,
  manifestBatchNames,
  qualifiesIds,
  reconcileManifest,
} from './population.js';
import type { AuditRecord, AuditResult } from './records.js';
import {
  type AuditLog,
  assessRound,
  drawsBefore,
  firstRoundDraws,
  readAuditLog,
  riskLimitOf,
  sampleDigest,
} from './replay.js';
import type { ReportedTally } from './reported.js';

export interface AuditEvidence {
  readonly records: readonly AuditRecord[];
  readonly election: Election;
  /** The tally of the CVRs logged before the audit started. */
  readonly reported: ReportedTally;
  /** Every CVR's (jurisdiction, id) in log order. */
  readonly cvrKeys: readonly { jurisdiction: string; id: string }[];
  /** CVRs per batch key (tabulator, batch). */
  readonly cvrBatches: ReadonlyMap<string, number>;
  /** Reads a logged CVR by its entry, proven against the verified log. */
  readonly cvrAt: (seq: number) => Promise<Cvr>;
  readonly sha256: Sha256;
  readonly drawManifest?: ManifestDrawer;
}

export interface AuditSummary {
  readonly type: string;
  readonly rounds: number;
  readonly latest?: AuditResult;
}

/** How a batch audit's logged batches differ from the batches and tallies of the logged CVRs. */
function batchResultDifferences(log: AuditLog, e: AuditEvidence): string[] {
  const out: string[] = [];
  if (log.start.contests.some((c) => c.assertions))
    out.push('audit: a batch audit cannot audit an IRV contest by RAIRE assertions');
  const defs = log.start.contests.map((c) => e.election.contests.find((k) => k.id === c.contest));
  const logged = new Set<string>();
  for (const b of log.manifest) {
    const key = batchKey(b.tabulator, b.batch);
    logged.add(key);
    const votes = Object.fromEntries(
      defs.flatMap((d) => (d ? [[d.id, e.reported.batchVotes(key, d)] as const] : [])),
    );
    if (b.ballots !== (e.cvrBatches.get(key) ?? 0) || !sameJson(votes, b.votes ?? {}))
      out.push(`audit: the logged results of batch ${b.batch} are not the tally of its logged CVRs`);
  }
  for (const key of e.cvrBatches.keys())
    if (!logged.has(key))
      out.push(`audit: the CVRs' batch ${key.split('\u0000').join('/')} is not in the audit's batches`);
  return out.slice(0, 20);
}

const sameJson = (a: CanonicalValue, b: CanonicalValue) => canonicalJson(a) === canonicalJson(b);

/** The first `count` draws of a logged audit's sample, from its seed (core's sampler, one thread). */
export function drawLogged(
  log: AuditLog,
  cvrKeys: AuditEvidence['cvrKeys'],
  count: number,
  hash: Sha256,
): Draw[] {
  if (count === 0) return [];
  const { start } = log;
  if (start.type === 'batch')
    return drawBatches(start.seed, batchUnits(start.contests, log.manifest), count, hash);
  const qualify = qualifiesIds(cvrKeys);
  const ids =
    start.type === 'polling' && log.manifest.length > 0
      ? manifestBallotIds(log.manifest)
      : cvrKeys.map((k) => cvrBallotId(k, qualify));
  return drawSample(start.seed, ids, {
    count,
    withReplacement: start.type === 'polling',
    hash,
    digits: AUDIT_TICKET_DIGITS,
  });
}

/**
 * Draws a polled manifest's sample as core's sampler does (same ids, tickets and order); Node passes one
 * that searches a large manifest on two threads.
 */
export type ManifestDrawer = (
  seed: string,
  batches: readonly { batch: string; ballots: number }[],
  options: { count: number; withReplacement: boolean; digits: number },
) => Promise<Draw[]>;

/** What a ManifestDrawer is asked for to draw `count` ballots of a polled manifest; undefined for other audits. */
export function manifestDrawOf(log: AuditLog, count: number): Parameters<ManifestDrawer> | undefined {
  if (count === 0 || log.start.type !== 'polling' || log.manifest.length === 0) return undefined;
  const names = manifestBatchNames(log.manifest);
  return [
    log.start.seed,
    log.manifest.map((b, i) => ({ batch: names[i]!, ballots: b.ballots })),
    { count, withReplacement: true, digits: AUDIT_TICKET_DIGITS },
  ];
}

/** `drawLogged`, with a polled manifest's sample drawn by `drawManifest` when one is given. */
export async function drawLoggedSample(
  log: AuditLog,
  cvrKeys: AuditEvidence['cvrKeys'],
  count: number,
  { hash, drawManifest }: { hash: Sha256; drawManifest?: ManifestDrawer },
): Promise<Draw[]> {
  const manifestDraw = drawManifest && manifestDrawOf(log, count);
  return manifestDraw ? drawManifest(...manifestDraw) : drawLogged(log, cvrKeys, count, hash);
}

export async function verifyAudit(e: AuditEvidence): Promise<{ failures: string[]; summary?: AuditSummary }> {
  const failures: string[] = [];
  const read = readAuditLog(e.records);
  if (!read.ok) return { failures: [read.error] };
  const log = read.value;
  if (!log) return { failures };
  const start = log.start;

  for (const logged of start.contests) {
    const def = e.election.contests.find((c) => c.id === logged.contest);
    const recomputed = def
      ? e.reported.report(def, { type: start.type, riskLimit: riskLimitOf(start) })
      : undefined;
    if (!recomputed?.ok || !sameJson(recomputed.value as CanonicalValue, logged as CanonicalValue))
      failures.push(`audit: the reported outcome of ${logged.name} is not the tally of the logged CVRs`);
    else if (def && logged.assertions) {
      // Checked apart from the search that chose them: together they must rule out every other winner.
      const gap = unruledOrder(
        logged.assertions,
        choicesOf(def).map((c) => c.id),
        logged.winners[0]!,
      );
      if (!gap.ok || gap.value)
        failures.push(
          `audit: the assertions of ${logged.name} do not rule out ${gap.ok ? `the elimination order ${gap.value!.join(', ')}` : gap.error}`,
        );
    }
  }
  if (start.type === 'batch') failures.push(...batchResultDifferences(log, e));
  else if (log.manifest.length > 0 && start.type === 'comparison') {
    const differences = reconcileManifest(log.manifest, e.cvrBatches);
    if (differences.length > 0) failures.push(`audit: the manifest does not reconcile: ${differences[0]}`);
  }
  const population = auditPopulation(start.type, log.manifest, e.cvrKeys.length);
  if (start.population !== population)
    failures.push(
      `audit: the start records ${start.population} ${start.type === 'batch' ? 'batches' : 'ballots'} to sample from, the log has ${population}`,
    );
  if (failures.length > 0) return { failures };

  const total = log.rounds.at(-1)?.draws ?? 0;
  const draws = await drawLoggedSample(log, e.cvrKeys, total, {
    hash: e.sha256,
    ...(e.drawManifest ? { drawManifest: e.drawManifest } : {}),
  });
  const cvrs = new Map<string, Cvr | null>();
  const qualify = qualifiesIds(e.cvrKeys);
  for (const i of log.interpretations.values()) {
    if (start.type !== 'comparison') continue;
    if (i.cvr === undefined) {
      failures.push(`audit: ballot ${i.ballot} names no CVR`);
      continue;
    }
    try {
      const cvr = await e.cvrAt(i.cvr);
      if (cvrBallotId(cvr, qualify) !== i.ballot)
        failures.push(`audit: ballot ${i.ballot} is matched to entry ${i.cvr}, the CVR of ${cvr.id}`);
      cvrs.set(i.ballot, cvr);
    } catch (err) {
      failures.push(`audit: the CVR of ballot ${i.ballot}: ${(err as Error).message}`);
    }
  }
  const firstDrawn = new Map<string, number>();
  draws.forEach((d, at) => {
    if (!firstDrawn.has(d.id)) firstDrawn.set(d.id, at);
  });
  for (const i of log.interpretations.values()) {
    const at = firstDrawn.get(i.ballot);
    if (at === undefined || at >= log.rounds[i.round - 1]!.draws || at < drawsBefore(log, i.round))
      failures.push(`audit: ballot ${i.ballot} is interpreted in round ${i.round} but was not drawn`);
    for (const c of i.contests) {
      const def = start.contests.some((k) => k.contest === c.contest)
        ? e.election.contests.find((k) => k.id === c.contest)
        : undefined;
      const choices = new Set(def ? choicesOf(def).map((ch) => ch.id) : []);
      const tallied = Object.keys(c.votes ?? {});
      if (
        !def ||
        c.choices.some((ch) => !choices.has(ch)) ||
        tallied.some((ch) => !choices.has(ch)) ||
        ((c.ranks !== undefined || c.overvotedRanks !== undefined) &&
          (def.type !== 'ranked' ||
            (c.ranks ?? []).length !== c.choices.length ||
            [...(c.ranks ?? []), ...(c.overvotedRanks ?? [])].some((r) => r > def.maxRankings))) ||
        (start.type === 'batch') !== (c.votes !== undefined)
      )
        failures.push(`audit: ballot ${i.ballot} records votes outside the audited contests' choices`);
    }
  }
  if (failures.length > 0) return { failures };

  const ctx = { log, election: e.election, cvrOf: (b: string) => cvrs.get(b) ?? null };
  for (const [k, round] of log.rounds.entries()) {
    const n = k + 1;
    const planned = n === 1 ? firstRoundDraws(start, log.manifest) : log.results[n - 2]?.nextDraws;
    if (round.draws !== planned)
      failures.push(`audit: round ${n} draws the sample to ${round.draws}, the plan was ${planned}`);
    if (round.sample !== sampleDigest(draws.slice(drawsBefore(log, n), round.draws), e.sha256))
      failures.push(`audit: round ${n}'s logged sample is not the sample the seed draws`);
    const logged = log.results[k];
    if (!logged) continue;
    try {
      const expected = assessRound(
        { ...ctx, log: { ...log, results: log.results.slice(0, k) } },
        n,
        draws.slice(0, round.draws),
      );
      if (!sameJson(expected as unknown as CanonicalValue, logged as unknown as CanonicalValue))
        failures.push(
          `audit: round ${n}'s logged risks do not follow from the sample and the interpretations`,
        );
    } catch (err) {
      failures.push(`audit: round ${n}: ${(err as Error).message}`);
    }
  }
  return { failures, summary: { type: start.type, rounds: log.rounds.length, latest: log.results.at(-1) } };
}
