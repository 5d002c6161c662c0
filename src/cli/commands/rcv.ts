/** rcv: ranked-choice counts as RCTab counts them, from an RCTab configuration or from the store. */
import type { Command } from 'commander';
import { readVerifierKey } from '../../app/keys.js';
import {
  CVR_EXPORT_FORMATS,
  type CvrExportFormat,
  countStoredContest,
  exportRctabCvrs,
  runRctabConfig,
  writeRcvReports,
} from '../../app/rcv.js';
import { Dec } from '../../core/rcv/decimal.js';
import { detailedReportJson, transferTable } from '../../core/rcv/report.js';
import type { RcvResult } from '../../core/rcv/tabulator.js';
import { CliFailure, printJson, progress, say } from '../output.js';
import { type StoreFlags, withStore, withStoreOptions } from '../store-options.js';

const winnersOf = (r: RcvResult) =>
  [...r.winnerRound].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);

/** The machine-readable count: RCTab's detailed report plus winners in order of election and the transfer table. */
const countJson = (r: RcvResult) => ({
  winners: winnersOf(r),
  ...detailedReportJson(r),
  transfers: transferTable(r),
});

function sayCount(results: readonly RcvResult[]): void {
  for (const [i, r] of results.entries()) {
    const prefix = results.length > 1 ? `pass ${i + 1}: ` : '';
    say(roundsTable(r));
    say(`${prefix}${winnersOf(r).join(', ') || 'no winner'} elected after ${r.rounds.length} round(s).`);
  }
}

/** Each candidate's votes round by round (blank once out), and the ballots no longer counting. */
function roundsTable(r: RcvResult): string {
  const header = ['', ...r.rounds.map((t) => `Round ${t.round}`)];
  const rows = r.candidateOrder.map((c) => [
    c,
    ...r.rounds.map((t) => (t.candidates.has(c) ? t.candidates.get(c)!.toString() : '')),
  ]);
  rows.push(['Inactive ballots', ...r.rounds.map((t) => inactive(t).toString())]);
  const table = [header, ...rows];
  const widths = header.map((_, k) => Math.max(...table.map((row) => row[k]!.length)));
  return table
    .map((row) =>
      row.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!))).join('  '),
    )
    .join('\n');
}

/** Ballots that stopped counting (RCTab's inactive ballots: overvotes, skipped and repeated rankings, exhausted). */
const inactive = (t: RcvResult['rounds'][number]) =>
  (['overvote', 'skippedRanking', 'exhaustedChoice', 'repeatedRanking'] as const).reduce(
    (sum, status) => sum.add(t.status(status)),
    Dec.ZERO,
  );

export function registerRcvCommand(program: Command): void {
  withStoreOptions(program.command('rcv'))
    .description(
      'ranked-choice count as RCTab counts it: from an RCTab contest configuration (--config, --out) or a ranked contest in the store (--contest)',
    )
    .option('--config <file>', 'an RCTab contest configuration (.json); paths in it are relative to it')
    .option(
      '--out <dir>',
      "where to write RCTab's reports (detailed_report.json/.csv, summary_report.csv, transfers.json); for --config or --contest",
    )
    .option('--contest <name>', 'a ranked contest in the store (id or title)')
    .option('--vkey <vkey>', "verify the store against this key (default: the store's own log key)")
    .option('--json', 'machine-readable output')
    .action(
      async (
        o: StoreFlags & { config?: string; out?: string; contest?: string; vkey?: string; json?: boolean },
      ) => {
        if (o.config) {
          if (!o.out) throw new CliFailure('--config needs --out DIR for the reports');
          const run = await runRctabConfig(o.config, o.out);
          if (o.json) {
            printJson(run.results.length === 1 ? countJson(run.results[0]!) : run.results.map(countJson));
            return;
          }
          say(`${run.contest.name}: ${run.ballots} ballots.`);
          sayCount(run.results);
          say(`Reports written to ${o.out} (${run.written.length} files).`);
          return;
        }
        if (!o.contest) throw new CliFailure('give --config FILE --out DIR, or --contest NAME with a store');
        const verifier = o.vkey ? await readVerifierKey(o.vkey) : undefined;
        const bar = progress(o.json);
        const count = await withStore(o, (store) =>
          countStoredContest(store, o.contest!, {
            ...(verifier ? { verifier } : {}),
            onProgress: bar.tracker('verifying and reading ballots'),
          }),
        ).finally(() => bar.stop());
        const written = o.out ? await writeRcvReports(count.contest, count.results, o.out) : undefined;
        if (o.json) {
          printJson(count.results.length === 1 ? countJson(count.results[0]!) : count.results.map(countJson));
          return;
        }
        say(`${count.contest.name}: ${count.ballots} ballots, verified against ${count.verifiedWith}.`);
        sayCount(count.results);
        if (written) say(`Reports written to ${o.out} (${written.length} files).`);
      },
    );
}

export function registerCvrCommands(program: Command): void {
  program
    .command('cvr')
    .description('cast vote records as other tools read them')
    .command('export')
    .description(
      "the CVRs an RCTab configuration names, normalised as RCTab writes them: one row per ballot (rctab-csv) or RCTab's NIST CDF report (cdf)",
    )
    .requiredOption('--config <file>', 'an RCTab contest configuration (.json)')
    .requiredOption('--format <format>', CVR_EXPORT_FORMATS.join(' | '))
    .requiredOption('--out <file>', 'where to write the export')
    .action(async (o: { config: string; format: string; out: string }) => {
      if (!(CVR_EXPORT_FORMATS as readonly string[]).includes(o.format))
        throw new CliFailure(`--format must be one of ${CVR_EXPORT_FORMATS.join(', ')}`);
      const r = await exportRctabCvrs(o.config, o.format as CvrExportFormat, o.out);
      say(`Wrote ${r.ballots} ballots to ${o.out}.`);
    });
}
