/** generate: a synthetic election written as a vendor would, with the ground truth beside it. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Mark } from '../core/cvr/model.js';
import { summarizeMarks } from '../core/cvr/votes.js';
import { votesAllowedOf } from '../core/election/schema.js';
import { seededRandom } from '../core/random.js';
import { writeCdfReport } from '../formats/cdf/cdf-json-writer.js';
import { writeClearBallotCsv } from '../formats/clearballot/clearballot-writer.js';
import { csvFileWriter } from '../formats/csv/csv-writer.js';
import { writeDominionCsv } from '../formats/dominion/dominion-csv-writer.js';
import { writeDominionExport } from '../formats/dominion/dominion-writer.js';
import { writeEssWorkbook } from '../formats/ess/ess-writer.js';
import { writeGenericCsv } from '../formats/generic/generic-csv-writer.js';
import { writeHartFolder } from '../formats/hart/hart-writer.js';
import { writeRanksCsv } from '../formats/ranks/ranks-writer.js';
import type { ImportFormat } from '../formats/readers.js';
import { type SyntheticOptions, syntheticElection } from '../formats/synthetic/election.js';
import { type PaperDifference, paperVariant } from '../formats/synthetic/paper.js';

export const GENERATE_FORMATS = [
  'cdf',
  'dominion',
  'dominion-csv',
  'ess',
  'hart',
  'clearballot',
  'csv',
  'ranks',
] as const;
export type GenerateFormat = (typeof GENERATE_FORMATS)[number];

/** The `import --format` that reads what `generate --format` wrote. */
export const importFormatOf = (format: GenerateFormat): ImportFormat =>
  format === 'dominion-csv' ? 'dominion' : format;

/** Ballot-per-row RCV exports (and the long format of rankings) hold the ranked contest alone. */
const RANKED_ONLY: readonly string[] = ['ess', 'csv', 'ranks'];

export interface GeneratedElection {
  readonly dir: string;
  readonly definition: string;
  readonly cvrFiles: string[];
  /** The `import --format` that reads `cvrFiles`. */
  readonly importFormat: ImportFormat;
  readonly truth: string;
  /** manifest.csv: the ballot manifest (Arlo's CSV) the paper ballots would have. */
  readonly manifest: string;
  readonly ballots: number;
  /** paper.json: where paper ballots differ from their CVRs (with --paper-errors). */
  readonly paper?: string;
}

/** Marks in the order the canonical CVR keeps them (rank, then choice). */
const sortMarks = (marks: readonly Mark[]) =>
  [...marks].sort(
    (a, b) => (a.rank ?? 0) - (b.rank ?? 0) || (a.choice < b.choice ? -1 : a.choice > b.choice ? 1 : 0),
  );

export async function generateElection(
  dir: string,
  options: SyntheticOptions & {
    format: GenerateFormat;
    files?: number;
    /** Share of contests on which the paper ballot differs from its CVR (paper.json); none when absent. */
    paperErrorRate?: number;
  },
): Promise<GeneratedElection> {
  await mkdir(dir, { recursive: true });
  const synth = syntheticElection(options);
  const definition = path.join(dir, 'election.json');
  await writeFile(definition, `${JSON.stringify(synth.election, null, 2)}\n`);

  const truth = new Map(
    synth.election.contests.map((c) => [
      c.id,
      { name: c.title, results: {} as Record<string, number>, overvotes: 0, undervotes: 0, ballots: 0 },
    ]),
  );
  const names = new Map(
    synth.election.contests.flatMap((c) =>
      (c.type === 'yesno' ? c.choices : c.candidates).map(
        (x) => [`${c.id}/${x.id}`, 'writeIn' in x && x.writeIn ? 'Write-in' : x.name] as const,
      ),
    ),
  );
  const contests = new Map(synth.election.contests.map((c) => [c.id, c]));
  const differences: PaperDifference[] = [];
  const paperRandom = seededRandom(`${options.seed}/paper`);
  const rate = options.paperErrorRate ?? 0;
  const batches = new Map<string, { tabulator: string; batch: string; ballots: number }>();
  function* counted() {
    for (const cvr of synth.cvrs()) {
      const key = `${cvr.tabulator ?? ''}\u0000${cvr.batch ?? ''}`;
      const b = batches.get(key) ?? { tabulator: cvr.tabulator ?? '', batch: cvr.batch ?? '', ballots: 0 };
      b.ballots++;
      batches.set(key, b);
      for (const cc of cvr.contests) {
        if (rate > 0 && paperRandom() < rate) {
          const variant = paperVariant(contests.get(cc.contest)!, cc, paperRandom);
          if (variant)
            differences.push({
              ballot: cvr.id,
              contest: cc.contest,
              kind: variant.kind,
              cvr: sortMarks(cc.marks),
              paper: sortMarks(variant.paper),
            });
        }
        const t = truth.get(cc.contest)!;
        const s = summarizeMarks(contests.get(cc.contest)!, cc.marks);
        t.ballots++;
        t.undervotes += s.undervotes;
        if (s.overvoted) t.overvotes += votesAllowedOf(contests.get(cc.contest)!);
        else
          for (const m of cc.marks)
            if (m.rank === undefined || m.rank === 1) {
              const name = names.get(`${cc.contest}/${m.choice}`)!;
              t.results[name] = (t.results[name] ?? 0) + 1;
            }
      }
      yield cvr;
    }
  }

  const files = Math.max(1, options.files ?? 1);
  const perFile = Math.ceil(options.ballots / files);
  const cvrFiles: string[] = [];
  const all = counted();
  const ranked = synth.election.contests.find((c) => c.type === 'ranked');
  if (RANKED_ONLY.includes(options.format)) {
    if (!ranked) throw new Error('the synthetic election has no ranked contest');
    const file = path.join(
      dir,
      options.format === 'ess' ? 'ess-cvr.xlsx' : options.format === 'ranks' ? 'ranks.csv' : 'cvr.csv',
    );
    if (options.format === 'ess') await writeEssWorkbook(file, ranked, all);
    else if (options.format === 'ranks') await writeRanksCsv(file, ranked, all);
    else await writeGenericCsv(file, ranked, all);
    cvrFiles.push(file);
  } else if (options.format === 'clearballot') {
    const file = path.join(dir, 'clearballot-cvr.csv');
    await writeClearBallotCsv(file, synth.election, all);
    cvrFiles.push(file);
  } else if (options.format === 'dominion-csv') {
    const file = path.join(dir, 'dominion-cvr.csv');
    await writeDominionCsv(file, synth.election, all);
    cvrFiles.push(file);
  } else if (options.format === 'hart') {
    const folder = path.join(dir, 'hart-cvrs');
    await writeHartFolder(folder, synth.election, all);
    cvrFiles.push(folder);
  } else if (options.format === 'dominion') {
    // One export folder (the import unit), its sessions spread over `files` CvrExport files.
    const folder = path.join(dir, 'dominion-export');
    await writeDominionExport(folder, synth.election, all, perFile);
    cvrFiles.push(folder);
  } else
    for (let f = 0; f < files; f++) {
      const file = path.join(
        dir,
        files === 1 ? 'cvr-report.json' : `cvr-report-${String(f + 1).padStart(3, '0')}.json`,
      );
      const slice = function* () {
        for (let i = 0; i < perFile; i++) {
          const next = all.next();
          if (next.done) return;
          yield next.value;
        }
      };
      await writeCdfReport(file, synth.election, slice(), `${synth.election.date}T21:00:00-05:00`);
      cvrFiles.push(file);
    }
  const truthFile = path.join(dir, 'truth.json');
  await writeFile(
    truthFile,
    `${JSON.stringify({ ballots: options.ballots, seed: options.seed, note: 'write-in slots count as one Write-in line; ranked contests: first-choice counts', contests: [...truth.entries()].filter(([id]) => !RANKED_ONLY.includes(options.format) || id === ranked?.id).map(([, t]) => t) }, null, 2)}\n`,
  );
  // Where the paper ballots are (Arlo's manifest): one box per tabulator, its batches inside.
  const manifest = path.join(dir, 'manifest.csv');
  const rows = csvFileWriter(manifest);
  await rows.write(['Container', 'Tabulator', 'Batch Name', 'Number of Ballots']);
  for (const b of batches.values()) await rows.write([`Box ${b.tabulator}`, b.tabulator, b.batch, b.ballots]);
  await rows.close();
  let paper: string | undefined;
  if (rate > 0) {
    paper = path.join(dir, 'paper.json');
    await writeFile(
      paper,
      `${JSON.stringify(
        {
          format: 'tallyproof-paper-truth/1',
          seed: options.seed,
          errorRate: rate,
          note: 'each listed ballot contest reads on paper as "paper" where its CVR says "cvr"; every other ballot contest reads on paper as its CVR',
          differences: differences.filter(
            (d) => !RANKED_ONLY.includes(options.format) || d.contest === ranked?.id,
          ),
        },
        null,
        2,
      )}\n`,
    );
  }
  return {
    dir,
    definition,
    cvrFiles,
    importFormat: importFormatOf(options.format),
    truth: truthFile,
    manifest,
    ballots: options.ballots,
    ...(paper ? { paper } : {}),
  };
}
