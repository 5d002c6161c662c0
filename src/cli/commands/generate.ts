import type { Command } from 'commander';
import { GENERATE_FORMATS, type GenerateFormat, generateElection } from '../../app/generate.js';
import { CliFailure, printJson, say } from '../output.js';

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description(
      'write a synthetic county election as a vendor would, with election.json, the ground truth (truth.json) and the ballot manifest (manifest.csv)',
    )
    .requiredOption('--ballots <n>', 'number of ballots', (v) => Number.parseInt(v, 10))
    .requiredOption('--out <dir>', 'output folder')
    .option('--format <format>', `export format: ${GENERATE_FORMATS.join(', ')}`, 'cdf')
    .option('--seed <seed>', 'random seed (same seed, same election)', '1')
    .option('--files <n>', 'split the CVRs over this many export files', (v) => Number.parseInt(v, 10), 1)
    .option(
      '--paper-errors <rate>',
      'also write paper.json: paper ballots that differ from their CVRs in this share of contests (0 to 1)',
      Number.parseFloat,
    )
    .option('--json', 'machine-readable output')
    .action(
      async (o: {
        ballots: number;
        out: string;
        format: string;
        seed: string;
        files: number;
        paperErrors?: number;
        json?: boolean;
      }) => {
        if (!Number.isSafeInteger(o.ballots) || o.ballots < 1)
          throw new CliFailure('--ballots must be a positive integer');
        if (o.paperErrors !== undefined && !(o.paperErrors >= 0 && o.paperErrors <= 1))
          throw new CliFailure('--paper-errors must be a share from 0 to 1');
        if (!(GENERATE_FORMATS as readonly string[]).includes(o.format))
          throw new CliFailure(`unknown format ${o.format}; supported: ${GENERATE_FORMATS.join(', ')}`);
        const r = await generateElection(o.out, {
          ballots: o.ballots,
          seed: o.seed,
          format: o.format as GenerateFormat,
          files: o.files,
          ...(o.paperErrors !== undefined ? { paperErrorRate: o.paperErrors } : {}),
        });
        if (o.json) printJson(r);
        else
          say(
            `Wrote ${r.ballots} ballots to ${r.cvrFiles.join(', ')} (import --format ${r.importFormat}); definition ${r.definition}; truth ${r.truth}; manifest ${r.manifest}${r.paper ? `; paper ${r.paper}` : ''}.`,
          );
      },
    );
}
