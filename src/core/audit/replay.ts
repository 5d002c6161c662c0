/**
 * The audit as a sequence of logged records, replayed: which step may come next, what each round's sample
 * and each result must be. The CLI uses it to take the next step and `verify` to recompute every step, so
 * both follow the same rules.
 */
import { toHex, utf8 } from '../bytes.js';
import { canonicalJson } from '../canonical-json.js';
import type { Cvr } from '../cvr/model.js';
import type { Contest, Election } from '../election/schema.js';
import type { Sha256 } from '../hash.js';
import { err, ok, type Result } from '../result.js';
import type { Draw } from '../rla/sampler.js';
import { type BatchObservation, type BatchUnit, batchUnits, measureBatchContest } from './batches.js';
import { type Measurement, measureContest, type Observation } from './measure.js';
import type {
  AuditInterpretation,
  AuditRecord,
  AuditResult,
  AuditRound,
  AuditStart,
  ContestOutcome,
  ManifestBatchRecord,
} from './records.js';
import { paperReadingOf, readingOf } from './reported.js';

export interface AuditLog {
  readonly start: AuditStart;
  readonly manifest: ManifestBatchRecord[];
  readonly rounds: AuditRound[];
  /** By ballot id; a ballot is interpreted once, in the round that first drew it. */
  readonly interpretations: Map<string, AuditInterpretation>;
  readonly results: AuditResult[];
}

/** Where the audit stands: what the next record may be. */
export type AuditStage = 'manifest' | 'round' | 'interpretations' | 'over';

export function stageOf(log: AuditLog): AuditStage {
  if (log.start.manifest && log.manifest.length === 0) return 'manifest';
  const round = log.rounds.length;
  if (round === 0) return 'round';
  if (log.results.length < round) return 'interpretations';
  return log.results[round - 1]!.nextDraws === undefined ? 'over' : 'round';
}

/** Reads audit records in log order, refusing any out of turn. */
export function readAuditLog(records: readonly AuditRecord[]): Result<AuditLog | undefined> {
  const [first, ...rest] = records;
  if (!first) return ok(undefined);
  if (first.record !== 'start') return err(`the first audit record is a ${first.record}, not the start`);
  const log: AuditLog = { start: first, manifest: [], rounds: [], interpretations: new Map(), results: [] };
  let parts = 0;
  for (const [i, r] of rest.entries()) {
    const at = `audit record ${i + 2}`;
    const stage = stageOf(log);
    if (r.record === 'start') return err(`${at}: a second audit start (the seed cannot change)`);
    if (r.record === 'manifest') {
      if (!first.manifest || parts >= first.manifest.parts || r.part !== parts + 1 || log.rounds.length > 0)
        return err(`${at}: manifest part ${r.part} out of turn`);
      parts++;
      log.manifest.push(...r.batches);
      continue;
    }
    if (first.manifest && parts < first.manifest.parts)
      return err(`${at}: a ${r.record} before the manifest's ${first.manifest.parts} parts`);
    if (r.record === 'round') {
      if (stage !== 'round' || r.round !== log.rounds.length + 1)
        return err(`${at}: round ${r.round} drawn out of turn (stage: ${stage})`);
      log.rounds.push(r);
    } else if (r.record === 'interpretation') {
      if (stage !== 'interpretations' || r.round !== log.rounds.length)
        return err(`${at}: an interpretation for round ${r.round} out of turn`);
      if (log.interpretations.has(r.ballot)) return err(`${at}: ballot ${r.ballot} is interpreted twice`);
      log.interpretations.set(r.ballot, r);
    } else {
      if (stage !== 'interpretations' || r.round !== log.rounds.length)
        return err(`${at}: a result for round ${r.round} out of turn`);
      log.results.push(r);
    }
  }
  return ok(log);
}

/** SHA-256 of a round's draws, as the round record commits to them. */
export const sampleDigest = (draws: readonly Draw[], sha256: Sha256): string =>
  toHex(sha256(utf8(canonicalJson(draws.map((d) => [d.id, d.ticket, d.draw])))));

/** The ids a round's auditors must find: drawn in the round and not drawn in any earlier one. */
export function newBallots(draws: readonly Draw[], from: number, to: number): string[] {
  const earlier = new Set(draws.slice(0, from).map((d) => d.id));
  const out = new Set<string>();
  for (const d of draws.slice(from, to)) if (!earlier.has(d.id)) out.add(d.id);
  return [...out];
}

/** Draws before `round` (0 for round 1). */
export const drawsBefore = (log: AuditLog, round: number): number =>
  round <= 1 ? 0 : log.rounds[round - 2]!.draws;

export interface AuditContext {
  readonly log: AuditLog;
  readonly election: Election;
  /** The sampled ballot's CVR, for comparison audits: the entry the interpretation names, or null. */
  readonly cvrOf: (ballot: string) => Cvr | null;
}

export const riskLimitOf = (start: AuditStart) => Number(start.riskLimit);

/** The measuring choices the start logged (none logged: the published formulas). */
const measureOptionsOf = (start: AuditStart) => (start.arloCompatible ? { arloCompatible: true } : {});

function contestDef(election: Election, id: string): Contest {
  const c = election.contests.find((k) => k.id === id);
  if (!c) throw new Error(`the audited contest ${id} is not in the definition`);
  return c;
}

/** The draws the first round is planned to bring the sample to (a batch audit's batches are its manifest). */
export function firstRoundDraws(start: AuditStart, manifest: readonly ManifestBatchRecord[]): number {
  const alpha = riskLimitOf(start);
  const units = start.type === 'batch' ? batchUnits(start.contests, manifest) : undefined;
  return planDraws(
    start,
    start.contests.map((c) =>
      units
        ? measureBatchContest(c, units, alpha, [], measureOptionsOf(start))
        : measureContest(start.type, c, start.population, alpha, [], measureOptionsOf(start)),
    ),
    0,
  );
}

function planDraws(start: AuditStart, open: readonly Measurement[], drawn: number): number {
  const finite = open.map((m) => m.needed).filter((n) => Number.isFinite(n));
  const want = Math.max(drawn + 1, ...finite);
  return Math.min(start.population, want);
}

/**
 * The result of round `round` once every ballot it drew is interpreted: each contest's risk over the
 * whole sample so far, its status, and the next round's size when some contest is still open.
 */
export function assessRound(ctx: AuditContext, round: number, draws: readonly Draw[]): AuditResult {
  const { log, election } = ctx;
  const start = log.start;
  const alpha = riskLimitOf(start);
  const previous = log.results[round - 2];
  const open: Measurement[] = [];
  const units = start.type === 'batch' ? batchUnits(start.contests, log.manifest) : undefined;
  const unitById = new Map(units?.units.map((u) => [u.id, u]));
  const contests: ContestOutcome[] = start.contests.map((rc) => {
    const before = previous?.contests.find((c) => c.contest === rc.contest);
    if (before && before.status !== 'in-progress') return before;
    const def = contestDef(election, rc.contest);
    const m = units
      ? measureBatchContest(
          rc,
          units,
          alpha,
          draws.map((d) => observeBatch(ctx, rc.contest, unitById.get(d.id))),
          measureOptionsOf(start),
        )
      : measureContest(
          start.type,
          rc,
          start.population,
          alpha,
          draws.map((d) => observe(ctx, def, d.id)),
          measureOptionsOf(start),
        );
    const status =
      m.risk <= alpha
        ? 'confirmed'
        : !Number.isFinite(m.needed) || m.needed >= start.population
          ? 'full-hand-count'
          : 'in-progress';
    if (status === 'in-progress') open.push(m);
    return { contest: rc.contest, status, risk: String(m.risk), sampleSize: draws.length };
  });
  return {
    record: 'result',
    round,
    contests,
    ...(open.length > 0 ? { nextDraws: planDraws(start, open, draws.length) } : {}),
  };
}

function observe(ctx: AuditContext, contest: Contest, ballot: string): Observation {
  const interpretation = ctx.log.interpretations.get(ballot);
  if (!interpretation) throw new Error(`ballot ${ballot} is in the sample but not interpreted`);
  const paper = interpretation.notFound
    ? null
    : paperReadingOf(
        contest,
        interpretation.contests.find((c) => c.contest === contest.id),
      );
  if (ctx.log.start.type !== 'comparison') return { paper };
  const cvr = ctx.cvrOf(ballot);
  return {
    paper,
    cvr: cvr
      ? readingOf(
          contest,
          cvr.contests.find((c) => c.contest === contest.id),
        )
      : null,
  };
}

function observeBatch(ctx: AuditContext, contest: string, unit: BatchUnit | undefined): BatchObservation {
  if (!unit) throw new Error('a drawn batch is not in the logged batches');
  const interpretation = ctx.log.interpretations.get(unit.id);
  if (!interpretation) throw new Error(`batch ${unit.id} is in the sample but not tallied`);
  return {
    unit,
    audited: interpretation.notFound
      ? null
      : (interpretation.contests.find((c) => c.contest === contest)?.votes ?? {}),
  };
}

/** Ballot ids of the sample so far (through the last round drawn) still waiting for an interpretation. */
export function awaiting(log: AuditLog, draws: readonly Draw[]): string[] {
  return [...new Set(draws.map((d) => d.id))].filter((id) => !log.interpretations.has(id));
}
