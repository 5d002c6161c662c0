/** Commands that record into the store: election load, import. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { IMPORT_FORMATS, type ImportFormat, importFiles } from '../../app/import-cvrs.js';
import { readSignerKey } from '../../app/keys.js';
import { loadElectionFile } from '../../app/load-election.js';
import { type NameMapping, NameMappingSchema } from '../../core/cvr/resolve.js';
import type { ReaderOptions } from '../../formats/cvr-format.js';
import { CliFailure, inform, printJson, progress, readUserFile, say } from '../output.js';
import { type StoreFlags, withStore, withStoreOptions } from '../store-options.js';

const now = () => new Date().toISOString();

export function registerLedgerCommands(program: Command): void {
  const election = program.command('election').description('the election definition');
  withStoreOptions(election.command('load'))
    .description('load a native election definition (identified by the SHA-256 of its exact bytes)')
    .argument('<file>', 'definition JSON')
    .option('--key <file>', 'sign a checkpoint right away with this key')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: StoreFlags & { key?: string; json?: boolean }) => {
      const signer = o.key ? await readSignerKey(o.key) : undefined;
      const bytes = await readUserFile(file);
      const r = await withStore(o, (store) => loadElectionFile(store, file, bytes, { signer, now }), true);
      const out = {
        sha256: r.loaded.sha256,
        id: r.loaded.election.id,
        contests: r.loaded.election.contests.length,
        alreadyLoaded: r.alreadyLoaded,
        signed: r.signedNow === true || (!r.alreadyLoaded && signer !== undefined),
      };
      if (o.json) printJson(out);
      else
        say(
          r.signedNow
            ? `Election ${out.id} (sha256 ${out.sha256}) was already loaded, unsigned; checkpoint signed now.`
            : r.alreadyLoaded
              ? `Election ${out.id} (sha256 ${out.sha256}) was already loaded; nothing changed.`
              : `Loaded election ${out.id}: ${out.contests} contests, sha256 ${out.sha256}${signer ? ', checkpoint signed' : ' (signed at the next import)'}.`,
        );
    });

  withStoreOptions(program.command('import'))
    .description(
      'import CVR exports: each file is validated and appended to the log atomically, then a checkpoint is signed',
    )
    .requiredOption('--key <file>', "the log's signing key")
    .requiredOption('--format <format>', `export format: ${IMPORT_FORMATS.join(', ')}`)
    .option('--jurisdiction <id>', 'jurisdiction the CVRs belong to (default: the only one)')
    .option('--contest <id>', 'ES&S: the contest the vote columns belong to (default: from the header)')
    .option(
      '--first-vote-column <n>',
      'ES&S: 1-based column of the first rank (default: the first "Choice"/"Rank" header)',
      Number,
    )
    .option('--first-vote-row <n>', 'ES&S: 1-based row of the first ballot (default 2)', Number)
    .option('--id-column <n>', 'ES&S: 1-based column of the CVR id (default: "Cast Vote Record")', Number)
    .option('--precinct-column <n>', 'ES&S: 1-based column of the precinct (default: "Precinct")', Number)
    .option('--batch-column <n>', 'ES&S: 1-based column of the batch', Number)
    .option('--overvote-label <text>', 'ES&S: cell text for an overvote (default "overvote")')
    .option('--undervote-label <text>', 'ES&S: cell text for a skipped rank (default "undervote")')
    .option('--overvote-delimiter <text>', 'ES&S: separator of several names in one cell')
    .option(
      '--mapping <file>',
      'name standardisation (JSON: {"contests": {"<export name>": "<contest>"}, "choices": {"<contest>": {"<export name>": "<choice>"}}, "precincts": {"<export name>": "<precinct>"}, "ballotStyles": {"<export name>": "<ballot style>"}})',
    )
    .option(
      '--qualify-ids',
      'CVR ids <file name>:<record id>, as RCTab makes them (ES&S numbers records per workbook)',
    )
    .option(
      '--refuse-empty',
      'refuse an export holding a ballot with no marks in any contest (an export of empty rows), naming the first',
    )
    .option('--json', 'machine-readable output')
    .argument('<files...>', 'CVR exports: files, or folders where the vendor writes one (Dominion)')
    .action(
      async (
        files: string[],
        o: StoreFlags &
          ReaderOptions & {
            key: string;
            format: string;
            jurisdiction?: string;
            mapping?: string;
            qualifyIds?: boolean;
            refuseEmpty?: boolean;
            json?: boolean;
          },
      ) => {
        if (!(IMPORT_FORMATS as readonly string[]).includes(o.format))
          throw new CliFailure(`unknown format ${o.format}; supported: ${IMPORT_FORMATS.join(', ')}`);
        const signer = await readSignerKey(o.key);
        const mapping = o.mapping ? await readNameMapping(o.mapping) : undefined;
        const bar = progress(o.json);
        try {
          const results = await withStore(
            o,
            (store) =>
              importFiles(store, files, {
                format: o.format as ImportFormat,
                signer,
                jurisdiction: o.jurisdiction,
                readerOptions: o,
                ...(mapping ? { mapping } : {}),
                ...(o.qualifyIds ? { qualifyIds: true } : {}),
                ...(o.refuseEmpty ? { refuseEmpty: true } : {}),
                now,
                inform,
                onFileStart: (file, bytes) => bar.start(bytes, `importing ${file}`),
                onBytes: (n) => bar.add(n),
              }),
            true,
          );
          bar.stop();
          if (o.json) printJson({ imports: results });
          else
            for (const r of results)
              say(
                `Imported ${r.cvrs} CVRs from ${r.file}; log size ${r.logSize}, checkpoint signed.${withoutMarksNote(r)}`,
              );
        } finally {
          bar.stop();
        }
      },
    );
}

/** Ballots with no marks in any contest, said plainly: a workbook of empty rows imports as that many blank ballots. */
function withoutMarksNote(r: { cvrs: number; withoutMarks: number }): string {
  if (r.withoutMarks === 0) return '';
  const which =
    r.withoutMarks === r.cvrs
      ? r.cvrs === 1
        ? ' The ballot has no marks in any contest'
        : ` None of the ${r.cvrs} ballots has a mark in any contest`
      : ` ${r.withoutMarks} of the ${r.cvrs} ballots have no marks in any contest`;
  return `${which} (blank ballots, or empty rows of the export; import --refuse-empty refuses such a file).`;
}

async function readNameMapping(file: string): Promise<NameMapping> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new CliFailure(`${file}: not a readable JSON mapping file: ${(e as Error).message}`);
  }
  const parsed = NameMappingSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new CliFailure(
      `${file}: ${i ? `${i.path.join('.') || '(top level)'}: ${i.message}` : 'not a mapping'}`,
    );
  }
  return parsed.data;
}
