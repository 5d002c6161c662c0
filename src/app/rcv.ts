/**
 * `tallyproof rcv` and `cvr export`: an RCTab contest configuration in (its sources read by
 * rctab-sources.ts), RCTab's reports and CVR exports out; and the same count of a ranked contest
 * already in the store.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { contestNamed } from '../core/election/contest-named.js';
import { keyLabel, parseVerifierKey, type Verifier } from '../core/log/note.js';
import {
  RctabConfigSchema,
  RcvConfigError,
  type RcvContest,
  resolveRctabConfig,
  UNDECLARED_WRITE_IN,
} from '../core/rcv/config.js';
import { type ExportedBallot, rctabCdfJson, rctabCvrCsv } from '../core/rcv/cvr-export.js';
import { rcvBallotOf, rcvContestOf } from '../core/rcv/from-election.js';
import { reportFiles } from '../core/rcv/report.js';
import { countContest, type RcvBallot, type RcvResult } from '../core/rcv/tabulator.js';
import type { Store } from '../store/store.js';
import { parseDefinition } from './load-election.js';
import { type RctabRun, readAllBallots, readExportBallots, text } from './rctab-sources.js';
import { verifyStore } from './verify-store.js';

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
  return {
    contest: resolved.contest,
    sources: resolved.sources,
    dir,
    generateCdfJson: resolved.generateCdfJson,
  };
}

/** RCTab's CDF report of `ballots` after `result` (or before any count, with no result). */
function cdfReport(run: RctabRun, ballots: readonly ExportedBallot[], result?: RcvResult) {
  return rctabCdfJson({
    contestName: run.contest.name,
    jurisdiction: run.contest.jurisdiction,
    candidateNames: result?.candidateNames ?? [
      ...run.contest.candidates.map((c) => c.name),
      ...(run.contest.undeclaredWriteIns ? [UNDECLARED_WRITE_IN] : []),
    ],
    explicitOvervote: run.sources.some((s) => Boolean(text(s.overvoteLabel))),
    byPrecinct: run.contest.tabulateByPrecinct,
    rounds: result?.rounds.length ?? 0,
    ballots,
    ...(result?.snapshots ? { snapshots: result.snapshots } : {}),
    generatedDate: new Date().toISOString(),
    application: { name: 'Tallyproof', manufacturer: 'Tallyproof' },
  });
}

export const CVR_EXPORT_FORMATS = ['rctab-csv', 'cdf'] as const;
export type CvrExportFormat = (typeof CVR_EXPORT_FORMATS)[number];

/** `cvr export`: the CVRs an RCTab configuration names, normalised as RCTab writes them. */
export async function exportRctabCvrs(configPath: string, format: CvrExportFormat, outFile: string) {
  const run = await readRctabConfig(configPath);
  const ballots = await readExportBallots(run);
  const text =
    format === 'rctab-csv'
      ? rctabCvrCsv(ballots, run.contest.rules.maxRankingsAllowed)
      : `${JSON.stringify(cdfReport(run, ballots), null, 2)}\n`;
  await mkdir(path.dirname(path.resolve(outFile)), { recursive: true });
  await writeFile(outFile, text);
  return { ballots: ballots.length };
}

/** Reads the configuration and its CVR files, counts, and writes RCTab's reports into `outDir`. */
export async function runRctabConfig(configPath: string, outDir: string) {
  const run = await readRctabConfig(configPath);
  // RCTab's CDF report follows each ballot through the rounds, so then every ballot is read on its own.
  const each = run.generateCdfJson ? await readExportBallots(run) : undefined;
  const ballots: RcvBallot[] = each
    ? each.map((b, i) => ({ id: String(i), ...pick(b), rankings: b.rankings }))
    : await readAllBallots(run);
  const results = countContest(run.contest, ballots, { snapshots: Boolean(each) });
  const written = await writeRcvReports(run.contest, results, outDir, (result, suffix) =>
    each ? [[`cvr_cdf${suffix}.json`, `${JSON.stringify(cdfReport(run, each, result), null, 2)}\n`]] : [],
  );
  return { contest: run.contest, ballots: ballots.reduce((n, b) => n + (b.count ?? 1), 0), results, written };
}

/** Writes RCTab's reports of each pass (a `_N` suffix per pass of a multi-pass count); the paths written. */
export async function writeRcvReports(
  contest: RcvContest,
  results: readonly RcvResult[],
  outDir: string,
  extra: (result: RcvResult, suffix: string) => [string, string][] = () => [],
): Promise<string[]> {
  const written: string[] = [];
  for (const [i, result] of results.entries()) {
    const suffix =
      results.length > 1 || contest.rules.winnerElectionMode === 'multiPassIrv' ? `_${i + 1}` : '';
    const files = reportFiles(result, suffix);
    for (const [name, content] of extra(result, suffix)) files.set(name, content);
    for (const [name, content] of files) {
      const target = path.join(outDir, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
      written.push(target);
    }
  }
  return written;
}

const pick = (b: ExportedBallot) => ({
  ...(b.precinct !== undefined ? { precinct: b.precinct } : {}),
  ...(b.batch !== undefined ? { batch: b.batch } : {}),
});

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
  const named = contestNamed(election.contests, contestName, 'in the election');
  if (!named.ok) throw new Error(named.error);
  const contest = named.value;
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
  // A count of nothing would end in a tie of every candidate, decided by an operator for no ballot.
  if (ballots.length === 0)
    throw new Error(`no ballot in the store carries ${contest.title}: there is nothing to count`);
  return {
    contest: rcv,
    results: countContest(rcv, ballots),
    ballots: ballots.length,
    verifiedWith: keyLabel(verifier),
  };
}
