import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { didYouMean } from '../core/closest.js';
import { contestNamed } from '../core/election/contest-named.js';
import type { Election } from '../core/election/schema.js';
import { choiceNamer } from '../core/election/selections.js';
import {
  EXPLICIT_OVERVOTE,
  type Provider,
  type RctabSource,
  type RcvCandidate,
  type RcvContest,
  UNDECLARED_WRITE_IN,
} from '../core/rcv/config.js';
import type { ExportedBallot, RctabRecord } from '../core/rcv/cvr-export.js';
import { entryOf } from '../core/rcv/round-tally.js';
import { ballotKey, type RcvBallot, type RcvRanking } from '../core/rcv/tabulator.js';
import type { ReaderOptions } from '../formats/cvr-format.js';
import { InputError } from '../formats/errors.js';
import { type ImportFormat, readerFor } from '../formats/readers.js';
import { compiledWorker } from './worker-script.js';

const FORMAT_OF: Record<Provider, ImportFormat> = {
  cdf: 'cdf',
  clearBallot: 'clearballot',
  dominion: 'dominion',
  ess: 'ess',
  hart: 'hart',
  genericCsv: 'csv',
};

export interface RctabRun {
  readonly contest: RcvContest;
  readonly sources: RctabSource[];
  readonly dir: string;
  /** The configuration asks for the CVRs as a NIST CDF report with each ballot's round snapshots. */
  readonly generateCdfJson: boolean;
}

/** A configuration cell's text, or undefined when blank. */
export const text = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
const column = (v: string | undefined) => (v?.trim() ? Number(v) : 0);

function readerOptions(source: RctabSource, maxRankingsAllowed: number): ReaderOptions {
  const firstVoteColumn = text(source.firstVoteColumnIndex);
  const firstVoteRow = text(source.firstVoteRowIndex);
  return {
    ...(firstVoteColumn ? { firstVoteColumn: Number(firstVoteColumn) } : {}),
    ...(firstVoteRow ? { firstVoteRow: Number(firstVoteRow) } : {}),
    idColumn: column(source.idColumnIndex),
    precinctColumn: column(source.precinctColumnIndex),
    batchColumn: column(source.batchColumnIndex),
    ...(text(source.overvoteDelimiter) ? { overvoteDelimiter: text(source.overvoteDelimiter) } : {}),
    ...(text(source.overvoteLabel) ? { overvoteLabel: text(source.overvoteLabel) } : {}),
    ...(text(source.skippedRankLabel ?? source.undervoteLabel)
      ? { undervoteLabel: text(source.skippedRankLabel ?? source.undervoteLabel) }
      : {}),
    ...(source.provider === 'ess' && Number.isFinite(maxRankingsAllowed)
      ? { rankColumns: maxRankingsAllowed }
      : {}),
    ...(source.treatBlankAsUndeclaredWriteIn === true
      ? { blankAsWriteIn: text(source.undeclaredWriteInLabel) ?? UNDECLARED_WRITE_IN }
      : {}),
  };
}

/** Picks the contest a source counts: its contestId (by id, then by name), or the export's only ranked contest. */
function contestOf(election: Election, source: RctabSource, file: string) {
  const wanted = text(source.contestId);
  const contests = election.contests;
  if (wanted) {
    const named = contestNamed(contests, wanted, 'in the export');
    if (!named.ok) throw new InputError(file, undefined, named.error);
    return named.value;
  }
  const ranked = contests.filter((c) => c.type === 'ranked');
  const only = ranked.length === 1 ? ranked[0] : contests.length === 1 ? contests[0] : undefined;
  if (!only) throw new InputError(file, undefined, 'the export holds several contests: give contestId');
  return only;
}

/** One CVR source to read: plain data, so a worker thread can read it. */
export interface SourceJob {
  readonly dir: string;
  readonly source: RctabSource;
  readonly candidates: readonly RcvCandidate[];
  readonly undeclaredWriteIns: boolean;
  readonly maxRankingsAllowed: number;
}

/** Exports of one contest whose choices are the candidates' names as written: no definition to derive. */
const NAMED_CHOICES: readonly Provider[] = ['ess', 'genericCsv'];

/** One ballot of a source: resolved for counting, as marked (aliases kept) for RCTab's CVR exports. */
export interface SourceBallot {
  readonly ballot: RcvBallot;
  readonly asMarked: readonly RcvRanking[];
  readonly record: RctabRecord;
}

/** The ballots of one source in file order, candidates resolved to the configuration's names. */
export async function* sourceBallots(job: SourceJob): AsyncGenerator<SourceBallot> {
  const { source, maxRankingsAllowed } = job;
  const provider = source.provider as Provider;
  const file = path.resolve(job.dir, source.filePath ?? '');
  const base = path.basename(file);
  const reader = readerFor(FORMAT_OF[provider]);
  const ctx = await reader.context(file, readerOptions(source, maxRankingsAllowed));
  const election = NAMED_CHOICES.includes(provider)
    ? undefined
    : (JSON.parse(Buffer.from((await reader.derive(file, ctx)).bytes).toString('utf8')) as Election);
  const contest = election ? contestOf(election, source, file) : undefined;
  const choiceName = contest ? choiceNamer(contest) : (id: string) => id;
  const writeInChoices = new Set(
    !contest || contest.type === 'yesno' ? [] : contest.candidates.filter((c) => c.writeIn).map((c) => c.id),
  );

  const byAlias = new Map<string, string>();
  for (const c of job.candidates) for (const a of [c.name, ...c.aliases]) byAlias.set(a, c.name);
  const uwiLabel = text(source.undeclaredWriteInLabel);
  const known = [...byAlias.keys()];

  const places = election ? placesOf(election, provider) : undefined;
  const placeholders = slicePlaceholders(source);
  const hasIdColumn = Boolean(text(source.idColumnIndex));
  let n = 0;
  for await (const raw of reader.records(file, ctx, {})) {
    const record = reader.recordLabel(raw.index);
    const { cvr } = reader.convert(ctx, raw, 'rcv');
    n++;
    const entry = contest ? cvr.contests.find((c) => c.contest === contest.id) : cvr.contests[0];
    if (!entry) continue;
    const byRank = new Map<number, { counted: string[]; marked: string[] }>();
    const at = (rank: number) => {
      // RCTab enforces maxRankingsAllowed when reading generic CSV; other readers pass every rank on.
      if (provider === 'genericCsv' && rank > maxRankingsAllowed)
        throw new InputError(
          file,
          record,
          `rank ${rank} is above maxRankingsAllowed (${maxRankingsAllowed})`,
        );
      return entryOf(byRank, rank, () => ({ counted: [], marked: [] }));
    };
    for (const m of entry.marks) {
      const name = choiceName(m.choice);
      const candidate = byAlias.get(name) ?? byAlias.get(m.choice);
      const writeIn =
        !candidate &&
        job.undeclaredWriteIns &&
        (writeInChoices.has(m.choice) || name === uwiLabel || m.choice === uwiLabel);
      if (!candidate && !writeIn)
        throw new InputError(
          file,
          record,
          `candidate ${JSON.stringify(name)} is not in the configuration${didYouMean(name, known)}`,
        );
      const slot = at(m.rank ?? 1);
      slot.counted.push(candidate ?? UNDECLARED_WRITE_IN);
      // As marked: Dominion ballots name candidates by their manifest number, the others by name.
      slot.marked.push(candidate ? (provider === 'dominion' ? m.choice : name) : UNDECLARED_WRITE_IN);
    }
    for (const rank of entry.overvotedRanks ?? []) {
      const slot = at(rank);
      slot.counted.push(EXPLICIT_OVERVOTE);
      slot.marked.push(EXPLICIT_OVERVOTE);
    }
    const ranks = [...byRank.entries()].sort((a, b) => a[0] - b[0]);
    const precinct = (places ? places.precinct(cvr.precinct) : cvr.precinct) ?? placeholders.precinct;
    const batch = cvr.batch ?? placeholders.batch;
    const portion = places?.portion(cvr.precinct);
    const rctabId =
      provider === 'cdf'
        ? `${base}(${n})`
        : provider === 'ess' || provider === 'genericCsv'
          ? `${base}-${n}`
          : cvr.id;
    const vendorId =
      provider === 'dominion'
        ? cvr.position?.toString()
        : provider === 'ess' || provider === 'genericCsv'
          ? hasIdColumn
            ? cvr.id
            : undefined
          : cvr.id === `${base}(${n})`
            ? undefined
            : cvr.id;
    yield {
      ballot: {
        id: rctabId,
        ...(precinct !== undefined ? { precinct } : {}),
        ...(batch !== undefined ? { batch } : {}),
        rankings: ranks.map(([rank, r]) => ({ rank, candidates: r.counted })),
      },
      asMarked: ranks.map(([rank, r]) => ({ rank, candidates: r.marked })),
      record: {
        rctabId,
        ...(vendorId !== undefined ? { vendorId } : {}),
        ...(provider === 'dominion' ? { contestId: entry.contest, tabulator: cvr.tabulator } : {}),
        ...(batch !== undefined ? { batch } : {}),
        ...(precinct !== undefined ? { precinct } : {}),
        ...(portion !== undefined ? { portion } : {}),
      },
    };
  }
}

/**
 * The ballots of one source with identical ballots carried as one with a count: far less to hold and
 * to hand between threads. (Per-ballot exports read `sourceBallots` itself.)
 */
export async function readSourceBallots(job: SourceJob): Promise<RcvBallot[]> {
  const byKey = new Map<string, RcvBallot & { count: number }>();
  for await (const { ballot } of sourceBallots(job)) {
    const key = ballotKey(ballot.rankings, ballot.precinct, ballot.batch);
    const same = byKey.get(key);
    if (same) same.count++;
    else byKey.set(key, { ...ballot, count: 1 });
  }
  return [...byKey.values()];
}

/** What RCTab calls a ballot's precinct and precinct portion: names, not ids. */
function placesOf(election: Election, provider: Provider) {
  const precinctById = new Map<string, string | undefined>();
  const portionById = new Map<string, string>();
  // RCTab gives Dominion ballots a precinct portion and no precinct (so it cannot count Dominion by precinct).
  const dominion = provider === 'dominion';
  for (const p of election.precincts) {
    const orphanPortion = provider === 'dominion' && p.splits.length === 0;
    precinctById.set(p.id, dominion ? undefined : p.name);
    if (orphanPortion) portionById.set(p.id, p.name);
    for (const split of p.splits) {
      precinctById.set(split.id, dominion ? undefined : p.name);
      portionById.set(split.id, split.name);
    }
  }
  return {
    precinct: (id: string | undefined) =>
      id === undefined || !precinctById.has(id) ? id : precinctById.get(id),
    portion: (id: string | undefined) => (id === undefined ? undefined : portionById.get(id)),
  };
}

/** RCTab's stand-ins for a missing precinct or batch cell, per reader, where the layout has the column. */
function slicePlaceholders(source: RctabSource): { precinct?: string; batch?: string } {
  const has = (v: string | undefined) => Boolean(v?.trim());
  if (source.provider === 'ess')
    return has(source.precinctColumnIndex) ? { precinct: 'missing_precinct_id' } : {};
  if (source.provider === 'genericCsv')
    return {
      ...(has(source.precinctColumnIndex) ? { precinct: 'no precinct id' } : {}),
      ...(has(source.batchColumnIndex) ? { batch: 'no batch id' } : {}),
    };
  return {};
}

/**
 * Every source's ballots, in source order. Reading a vendor export is the slow part of a count (a
 * million-ballot ES&S export is thirteen workbooks), so sources are read on two worker threads at once
 * when more than one is named; in-process otherwise, or when no built worker is at hand.
 */
export async function readAllBallots(run: RctabRun): Promise<RcvBallot[]> {
  const jobs = jobsOf(run);
  const script = jobs.length > 1 ? compiledWorker('rcv-worker') : undefined;
  const lanes = Math.min(jobs.length, Math.max(1, Math.min(2, availableParallelism())));
  const results: RcvBallot[][] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    const worker = script ? new Worker(script) : undefined;
    try {
      while (next < jobs.length) {
        const i = next++;
        results[i] = worker ? await inWorker(worker, jobs[i]!) : await readSourceBallots(jobs[i]!);
      }
    } finally {
      await worker?.terminate();
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return results.flat();
}

const jobsOf = (run: RctabRun): SourceJob[] =>
  run.sources.map((source) => ({
    dir: run.dir,
    source,
    candidates: run.contest.candidates,
    undeclaredWriteIns: run.contest.undeclaredWriteIns,
    maxRankingsAllowed: run.contest.rules.maxRankingsAllowed,
  }));

/** Every ballot of every source, one by one in reading order, with what RCTab's CVR exports print of it. */
export async function readExportBallots(run: RctabRun): Promise<ExportedBallot[]> {
  const out: ExportedBallot[] = [];
  for (const job of jobsOf(run))
    for await (const { ballot, asMarked, record } of sourceBallots(job))
      out.push({
        sourcePath: job.source.filePath ?? '',
        provider: job.source.provider ?? '',
        ...(text(job.source.undeclaredWriteInLabel)
          ? { writeInLabel: text(job.source.undeclaredWriteInLabel) }
          : {}),
        ...record,
        rankings: ballot.rankings,
        asMarked,
      });
  return out;
}

export type RcvWorkerReply =
  | { readonly ok: true; readonly ballots: RcvBallot[] }
  | {
      readonly ok: false;
      readonly input?: { file: string; record?: string; reason: string };
      readonly message: string;
    };

function inWorker(worker: Worker, job: SourceJob): Promise<RcvBallot[]> {
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => reject(e);
    worker.once('error', fail);
    worker.once('message', (reply: RcvWorkerReply) => {
      worker.off('error', fail);
      if (reply.ok) resolve(reply.ballots);
      else if (reply.input) reject(new InputError(reply.input.file, reply.input.record, reply.input.reason));
      else reject(new Error(reply.message));
    });
    worker.postMessage(job);
  });
}
