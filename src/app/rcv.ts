/**
 * `tallyproof rcv`: an RCTab contest configuration in, RCTab's reports out. The CVR files the
 * configuration names are read by the same vendor readers the import uses; candidate names and
 * aliases, write-in and overvote labels are resolved as RCTab resolves them.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { didYouMean } from '../core/closest.js';
import { choicesOf, type Election } from '../core/election/schema.js';
import { keyLabel, parseVerifierKey, type Verifier } from '../core/log/note.js';
import {
  EXPLICIT_OVERVOTE,
  type Provider,
  RctabConfigSchema,
  type RctabSource,
  RcvConfigError,
  type RcvContest,
  resolveRctabConfig,
  UNDECLARED_WRITE_IN,
} from '../core/rcv/config.js';
import { rcvBallotOf, rcvContestOf } from '../core/rcv/from-election.js';
import { reportFiles } from '../core/rcv/report.js';
import { entryOf } from '../core/rcv/round-tally.js';
import { type RcvBallot, type RcvRanking, type RcvResult, tabulateRcv } from '../core/rcv/tabulator.js';
import type { ReaderOptions } from '../formats/cvr-format.js';
import { InputError } from '../formats/errors.js';
import { type ImportFormat, readerFor } from '../formats/readers.js';
import type { Store } from '../store/store.js';
import { parseDefinition } from './load-election.js';
import { verifyStore } from './verify-store.js';

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
}

/** Reads and validates an RCTab configuration file; every problem is listed in one RcvConfigError. */
export async function readRctabConfig(configPath: string): Promise<RctabRun> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (e) {
    throw new RcvConfigError(configPath, [`not a readable JSON file: ${(e as Error).message}`]);
  }
  const parsed = RctabConfigSchema.safeParse(json);
  if (!parsed.success)
    throw new RcvConfigError(
      configPath,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
    );
  const resolved = resolveRctabConfig(parsed.data);
  const dir = path.dirname(path.resolve(configPath));
  const problems = resolved.ok ? [] : [...resolved.problems];
  for (const s of parsed.data.cvrFileSources)
    if (s.filePath?.trim() && !(await stat(path.resolve(dir, s.filePath)).catch(() => undefined)))
      problems.push(`cast vote record file not found: ${s.filePath}`);
  if (!resolved.ok || problems.length > 0) throw new RcvConfigError(configPath, problems);
  return { contest: resolved.contest, sources: resolved.sources, dir };
}

const text = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
const column = (v: string | undefined) => (v?.trim() ? Number(v) : 0);

function readerOptions(source: RctabSource, contest: RcvContest): ReaderOptions {
  const firstVoteColumn = text(source.firstVoteColumnIndex);
  const firstVoteRow = text(source.firstVoteRowIndex);
  const rules = contest.rules;
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
    ...(source.provider === 'ess' && Number.isFinite(rules.maxRankingsAllowed)
      ? { rankColumns: rules.maxRankingsAllowed }
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
    const found = contests.find((c) => c.id === wanted) ?? contests.find((c) => c.title === wanted);
    if (!found)
      throw new InputError(
        file,
        undefined,
        `no contest ${JSON.stringify(wanted)} in the export${didYouMean(
          wanted,
          contests.map((c) => c.id),
        )}`,
      );
    return found;
  }
  const ranked = contests.filter((c) => c.type === 'ranked');
  const only = ranked.length === 1 ? ranked[0] : contests.length === 1 ? contests[0] : undefined;
  if (!only) throw new InputError(file, undefined, 'the export holds several contests: give contestId');
  return only;
}

/** The ballots of one source, candidates resolved to the configuration's names. */
export async function readSourceBallots(run: RctabRun, source: RctabSource): Promise<RcvBallot[]> {
  const file = path.resolve(run.dir, source.filePath ?? '');
  const reader = readerFor(FORMAT_OF[source.provider as Provider]);
  const ctx = await reader.context(file, readerOptions(source, run.contest));
  const election = JSON.parse(
    Buffer.from((await reader.derive(file, ctx)).bytes).toString('utf8'),
  ) as Election;
  const contest = contestOf(election, source, file);
  const choiceName = new Map(choicesOf(contest).map((c) => [c.id, c.name]));
  const writeInChoices = new Set(
    contest.type === 'yesno' ? [] : contest.candidates.filter((c) => c.writeIn).map((c) => c.id),
  );

  const byAlias = new Map<string, string>();
  for (const c of run.contest.candidates) for (const a of [c.name, ...c.aliases]) byAlias.set(a, c.name);
  const uwiLabel = text(source.undeclaredWriteInLabel);
  const known = [...byAlias.keys()];
  const { maxRankingsAllowed } = run.contest.rules;

  const precinctOf = precinctNames(election, source.provider as Provider);
  const placeholders = slicePlaceholders(source);
  const ballots: RcvBallot[] = [];
  const report = {};
  for await (const raw of reader.records(file, ctx, report)) {
    const record = `${reader.recordName}[${raw.index}]`;
    const { cvr } = reader.convert(ctx, raw, 'rcv');
    const entry = cvr.contests.find((c) => c.contest === contest.id);
    if (!entry) continue;
    const resolve = (choice: string) => {
      const name = choiceName.get(choice) ?? choice;
      const candidate = byAlias.get(name) ?? byAlias.get(choice);
      if (candidate) return candidate;
      if (
        run.contest.undeclaredWriteIns &&
        (writeInChoices.has(choice) || name === uwiLabel || choice === uwiLabel)
      )
        return UNDECLARED_WRITE_IN;
      throw new InputError(
        file,
        record,
        `candidate ${JSON.stringify(name)} is not in the configuration${didYouMean(name, known)}`,
      );
    };
    const byRank = new Map<number, string[]>();
    const at = (rank: number) => {
      // RCTab enforces maxRankingsAllowed when reading generic CSV; other readers pass every rank on.
      if (source.provider === 'genericCsv' && rank > maxRankingsAllowed)
        throw new InputError(
          file,
          record,
          `rank ${rank} is above maxRankingsAllowed (${maxRankingsAllowed})`,
        );
      return entryOf(byRank, rank, () => []);
    };
    for (const m of entry.marks) at(m.rank ?? 1).push(resolve(m.choice));
    for (const rank of entry.overvotedRanks ?? []) at(rank).push(EXPLICIT_OVERVOTE);
    const rankings: RcvRanking[] = [...byRank.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([rank, candidates]) => ({ rank, candidates }));
    const precinct = precinctOf(cvr.precinct) ?? placeholders.precinct;
    const batch = cvr.batch ?? placeholders.batch;
    ballots.push({
      id: cvr.id,
      ...(precinct !== undefined ? { precinct } : {}),
      ...(batch !== undefined ? { batch } : {}),
      rankings,
    });
  }
  return ballots;
}

/**
 * What RCTab calls a ballot's precinct: the precinct's name; for a Dominion precinct portion, the name
 * of the precinct it belongs to, or none when the export has no precinct manifest.
 */
function precinctNames(election: Election, provider: Provider) {
  const byId = new Map<string, string | undefined>();
  for (const p of election.precincts) {
    byId.set(p.id, provider === 'dominion' && p.splits.length === 0 ? undefined : p.name);
    for (const split of p.splits) byId.set(split.id, p.name);
  }
  return (id: string | undefined) => (id === undefined ? undefined : byId.has(id) ? byId.get(id) : id);
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

/** Counts a contest; for multi-pass IRV, one single-winner pass per seat, earlier winners excluded. */
export function countContest(contest: RcvContest, ballots: readonly RcvBallot[]): RcvResult[] {
  if (contest.rules.winnerElectionMode !== 'multiPassIrv') return [tabulateRcv(contest, ballots)];
  const passes: RcvResult[] = [];
  const elected = new Set<string>();
  for (let seat = 1; seat <= contest.rules.numberOfWinners; seat++) {
    const pass: RcvContest = {
      ...contest,
      candidates: contest.candidates.map((c) => (elected.has(c.name) ? { ...c, excluded: true } : c)),
      rules: { ...contest.rules, numberOfWinners: 1 },
    };
    const result = tabulateRcv(pass, ballots);
    passes.push(result);
    for (const w of result.winnerRound.keys()) elected.add(w);
  }
  return passes;
}

/** Reads the configuration and its CVR files, counts, and writes RCTab's reports into `outDir`. */
export async function runRctabConfig(configPath: string, outDir: string) {
  const run = await readRctabConfig(configPath);
  const ballots: RcvBallot[] = [];
  for (const source of run.sources) for (const b of await readSourceBallots(run, source)) ballots.push(b);
  const results = countContest(run.contest, ballots);
  const written: string[] = [];
  for (const [i, result] of results.entries()) {
    const suffix =
      results.length > 1 || run.contest.rules.winnerElectionMode === 'multiPassIrv' ? `_${i + 1}` : '';
    for (const [name, content] of reportFiles(result, suffix)) {
      const target = path.join(outDir, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
      written.push(target);
    }
  }
  return { contest: run.contest, ballots: ballots.length, results, written };
}

/**
 * Counts a ranked contest from a store that verifies, with the rules its election definition records:
 * like `tally`, the count rides on a full verification pass and nothing is counted from a store that fails it.
 */
export async function countStoredContest(
  store: Store,
  contestName: string,
  options: { verifier?: Verifier; onProgress?: (done: number, total: number) => void } = {},
) {
  const stored = await store.election();
  if (!stored) throw new Error('the store holds no election yet');
  const { election } = parseDefinition('stored definition', stored.bytes);
  const contest = election.contests.find((c) => c.id === contestName || c.title === contestName);
  if (!contest)
    throw new Error(
      `no contest ${JSON.stringify(contestName)} in the election${didYouMean(
        contestName,
        election.contests.map((c) => c.title),
      )}`,
    );
  if (contest.type !== 'ranked')
    throw new Error(`contest ${JSON.stringify(contestName)} is not ranked: use tally`);
  const key = await store.logKey();
  const verifier = options.verifier ?? (key ? parseVerifierKey(key.vkey) : undefined);
  if (!verifier) throw new Error('the log has no signed checkpoint yet: nothing verified to count');
  const rcv = rcvContestOf(contest, election);
  const ballots: RcvBallot[] = [];
  const report = await verifyStore(store, verifier, {
    onCvr: (cvr) => {
      const b = rcvBallotOf(cvr, contest);
      if (b) ballots.push(b);
    },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  if (!report.ok) throw new Error(`refusing to count: the store does not verify: ${report.failures[0]}`);
  return {
    contest: rcv,
    results: countContest(rcv, ballots),
    ballots: ballots.length,
    verifiedWith: keyLabel(verifier),
  };
}
