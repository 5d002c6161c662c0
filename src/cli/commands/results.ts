/** tally and results: counts from the verified log. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { readVerifierKey } from '../../app/keys.js';
import { tallyStore } from '../../app/tally.js';
import { toElectionReport } from '../../core/tabulate/nist-err.js';
import { type ContestResult, GROUP_BY, type GroupBy } from '../../core/tabulate/plurality.js';
import { CliFailure, inform, printJson, progress, say } from '../output.js';
import { type StoreFlags, withStore, withStoreOptions } from '../store-options.js';

const RESULT_FORMATS = ['nist-err', 'csv'] as const;

const RECOUNT_HELP =
  'count every logged CVR in a full verification pass, instead of adding the counts each import logged (the default; `verify` checks those against the records)';
const METHOD = {
  'logged-counts': 'the counts each import logged, proven under the signed checkpoint',
  recount: 'every logged CVR recounted',
} as const;

function parseBy(by: string | undefined): GroupBy | undefined {
  if (by === undefined) return undefined;
  if (!(GROUP_BY as readonly string[]).includes(by))
    throw new CliFailure(`--by must be one of ${GROUP_BY.join(', ')}`);
  return by as GroupBy;
}

function resultsCsv(contests: readonly ContestResult[], group?: { by: string; id: string }): string[][] {
  return contests.flatMap((c) => {
    const prefix = group ? [group.id] : [];
    return [
      ...Object.entries(c.results).map(([choice, votes]) => [...prefix, c.id, c.name, choice, String(votes)]),
      [...prefix, c.id, c.name, 'Overvotes', String(c.overvotes)],
      [...prefix, c.id, c.name, 'Undervotes', String(c.undervotes)],
      [...prefix, c.id, c.name, 'Ballots', String(c.ballots)],
    ];
  });
}

export function registerResultsCommands(program: Command): void {
  withStoreOptions(program.command('tally'))
    .description(
      'votes per choice, overvotes, undervotes and ballots per contest (plurality, vote-for-N, yes/no), from a store that verifies',
    )
    .option('--by <group>', `also per ${GROUP_BY.join(' | ')}`)
    .option('--vkey <vkey>', "verify against this key (default: the store's own log key)")
    .option('--recount', RECOUNT_HELP)
    .option('--json', 'machine-readable output')
    .action(async (o: StoreFlags & { by?: string; vkey?: string; recount?: boolean; json?: boolean }) => {
      const by = parseBy(o.by);
      const verifier = o.vkey ? await readVerifierKey(o.vkey) : undefined;
      const bar = progress(o.json);
      const r = await withStore(o, (store) =>
        tallyStore(store, {
          verifier,
          by,
          recount: o.recount,
          onProgress: bar.tracker('verifying and counting'),
        }),
      ).finally(() => bar.stop());
      if (o.json) {
        printJson(r.tally);
        return;
      }
      say(`${r.cvrs} CVRs, ${METHOD[r.method]}, verified against ${r.verifiedWith}.`);
      const sayContest = (c: ContestResult, indent: string) => {
        say(`\n${indent}${c.name} (${c.ballots} ballots)`);
        for (const [choice, votes] of Object.entries(c.results))
          say(`${indent}  ${choice.padEnd(32)} ${votes}`);
        say(`${indent}  ${'overvotes'.padEnd(32)} ${c.overvotes}`);
        say(`${indent}  ${'undervotes'.padEnd(32)} ${c.undervotes}`);
      };
      for (const c of r.tally.contests) sayContest(c, '');
      for (const g of r.tally.groups ?? []) {
        say(`\n${r.tally.by} ${g.id}:`);
        for (const c of g.contests) sayContest(c, '  ');
      }
      // Ranked contests are counted round by round, which the tally does not do: say which and how.
      for (const c of r.election.election.contests.filter((k) => k.type === 'ranked'))
        say(`\n${c.title} is ranked: count it with tallyproof rcv --db DB --contest ${shellWord(c.title)}`);
    });

  withStoreOptions(program.command('results'))
    .description('results from a store that verifies, as NIST SP 1500-100 v2 JSON or CSV')
    .requiredOption('--format <format>', RESULT_FORMATS.join(' | '))
    .requiredOption('--out <file>', 'output file')
    .option('--by <group>', 'precinct: add per-precinct counts')
    .option('--status <status>', 'NIST ResultsStatus', 'unofficial-complete')
    .option('--vkey <vkey>', "verify against this key (default: the store's own log key)")
    .option('--recount', RECOUNT_HELP)
    .action(
      async (
        o: StoreFlags & {
          format: string;
          out: string;
          by?: string;
          status: string;
          vkey?: string;
          recount?: boolean;
        },
      ) => {
        if (!(RESULT_FORMATS as readonly string[]).includes(o.format))
          throw new CliFailure(`unknown format ${o.format}; supported: ${RESULT_FORMATS.join(', ')}`);
        const by = parseBy(o.by);
        if (by && by !== 'precinct' && o.format === 'nist-err')
          throw new CliFailure('nist-err results can be grouped by precinct only');
        const statuses = [
          'unofficial-partial',
          'unofficial-complete',
          'certified',
          'recount',
          'correction',
        ] as const;
        const status = statuses.find((s) => s === o.status);
        if (!status) throw new CliFailure(`--status must be one of ${statuses.join(', ')}`);
        const verifier = o.vkey ? await readVerifierKey(o.vkey) : undefined;
        const bar = progress();
        // NIST results carry each ranked contest's rounds, which only a count of every record gives.
        const r = await withStore(o, (store) =>
          tallyStore(store, {
            verifier,
            by,
            recount: o.recount,
            ranked: o.format === 'nist-err',
            onProgress: bar.tracker('verifying and counting'),
          }),
        ).finally(() => bar.stop());
        if (o.format === 'nist-err') {
          const report = toElectionReport({
            election: r.election.election,
            contests: r.tally.contests,
            ...(r.tally.ranked ? { ranked: r.tally.ranked } : {}),
            precincts: r.tally.groups,
            status,
            generatedDate: new Date().toISOString(),
            application: 'Tallyproof 0.1.0',
          });
          await writeFile(o.out, `${JSON.stringify(report, null, 2)}\n`);
        } else {
          const header = [...(by ? [by] : []), 'contest_id', 'contest', 'choice', 'votes'];
          const rows = by
            ? (r.tally.groups ?? []).flatMap((g) => resultsCsv(g.contests, { by, id: g.id }))
            : resultsCsv(r.tally.contests);
          await writeFile(o.out, stringify([header, ...rows]));
        }
        inform(
          `Wrote ${o.format} results for ${r.tally.contests.length + (r.tally.ranked?.length ?? 0)} contests (${r.cvrs} CVRs, ${METHOD[r.method]}, verified against ${r.verifiedWith}) to ${o.out}.`,
        );
      },
    );
}

/** A word as a shell reads it: quoted when it holds anything but letters, digits and -_./ */
const shellWord = (w: string) => (/^[\w./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`);
