/** rla: the risk-limiting audit calculator (BRAVO, super-simple, ALPHA) and the consistent sampler. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { drawFromManifest, type SampledBatch } from '../../app/sample-manifest.js';
import { type AlphaOptions, alphaMartingale, alphaSampleSize } from '../../core/rla/alpha.js';
import {
  bravoAsn,
  bravoPValue,
  bravoSampleSizeForProbability,
  reportedWinners,
} from '../../core/rla/bravo.js';
import { DEFAULT_GAMMA, superSimplePValue, superSimpleSampleSize } from '../../core/rla/comparison.js';
import { type Draw, drawSample } from '../../core/rla/sampler.js';
import { readBallotManifest } from '../../formats/manifest/ballot-manifest.js';
import { nodeSha256 } from '../../platform/node-sha256.js';
import { CliFailure, inform, printJson, say } from '../output.js';

const number =
  (flag: string, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY) =>
  (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max)
      throw new CliFailure(
        `${flag} must be a number${Number.isFinite(min) ? ` from ${min}` : ''}${Number.isFinite(max) ? ` to ${max}` : ''}, not ${JSON.stringify(v)}`,
      );
    return n;
  };
const count = (flag: string) => (v: string) => {
  const n = number(flag, 0)(v);
  if (!Number.isInteger(n)) throw new CliFailure(`${flag} must be a whole number, not ${JSON.stringify(v)}`);
  return n;
};
const riskLimit = number('--risk-limit', Number.MIN_VALUE, 1);

/** `NAME=VOTES,NAME=VOTES`: the name is everything before the last `=`. */
function counts(flag: string, text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const at = part.lastIndexOf('=');
    if (at <= 0) throw new CliFailure(`${flag}: "${part}" is not NAME=COUNT`);
    const name = part.slice(0, at).trim();
    if (name in out) throw new CliFailure(`${flag}: ${JSON.stringify(name)} appears twice`);
    out[name] = count(`${flag} ${name}`)(part.slice(at + 1));
  }
  return out;
}

/**
 * `--manifest` values: one bare CSV, or one `NAME=CSV` per jurisdiction (NAME is everything before the
 * first `=`; a value that is itself an existing file while what follows its `=` is not stays bare).
 */
async function manifestBatches(values: readonly string[]): Promise<SampledBatch[]> {
  const parsed = values.map((v) => {
    const at = v.indexOf('=');
    const file = v.slice(at + 1);
    return at > 0 && (existsSync(file) || !existsSync(v))
      ? { jurisdiction: v.slice(0, at).trim(), file }
      : { file: v };
  });
  const named = parsed.filter((m) => m.jurisdiction !== undefined);
  if (named.length > 0 && named.length < parsed.length)
    throw new CliFailure('give one bare --manifest CSV, or name every jurisdiction: --manifest NAME=CSV');
  if (named.length === 0 && parsed.length > 1)
    throw new CliFailure(
      'several manifests need their jurisdictions named (--manifest NAME=CSV), as a running Arlo names ballots',
    );
  const seen = new Set<string>();
  const out: SampledBatch[] = [];
  for (const m of parsed) {
    if (m.jurisdiction !== undefined) {
      if (m.jurisdiction === '') throw new CliFailure(`--manifest ${m.file}: the jurisdiction has no name`);
      if (seen.has(m.jurisdiction))
        throw new CliFailure(`--manifest: jurisdiction ${JSON.stringify(m.jurisdiction)} appears twice`);
      seen.add(m.jurisdiction);
    }
    for (const b of await readBallotManifest(m.file))
      out.push(m.jurisdiction === undefined ? b : { ...b, jurisdiction: m.jurisdiction });
  }
  return out;
}

export function registerRlaCommands(program: Command): void {
  const rla = program.command('rla').description('risk-limiting audit calculator and sampler');

  rla
    .command('bravo')
    .description('BRAVO ballot polling: expected sample size, and the risk measured by a sample')
    .requiredOption('--risk-limit <alpha>', 'risk limit α, e.g. 0.05', riskLimit)
    .requiredOption('--tally <counts>', 'reported votes: NAME=VOTES,NAME=VOTES,...')
    .option(
      '--winners <w>',
      'reported winners: how many (the top vote-getters) or their names, comma-separated',
    )
    .option(
      '--ballots <n>',
      'ballots cast in the contest (default: the votes in the tally)',
      count('--ballots'),
    )
    .option('--sample <counts>', 'votes among the sampled ballots: NAME=COUNT,...')
    .option(
      '--probability <p>',
      'also plan a first round: the size that confirms with this chance if the reported shares are right ("roundSize")',
      number('--probability', Number.MIN_VALUE, 0.9999),
    )
    .option('--json', 'machine-readable output')
    .action(
      (o: {
        riskLimit: number;
        tally: string;
        winners?: string;
        ballots?: number;
        sample?: string;
        probability?: number;
        json?: boolean;
      }) => {
        const tally = counts('--tally', o.tally);
        let winners: string[] | undefined;
        if (o.winners !== undefined)
          winners = /^\d+$/.test(o.winners.trim())
            ? reportedWinners(tally, Number(o.winners))
            : o.winners.split(',').map((w) => w.trim());
        for (const w of winners ?? [])
          if (!(w in tally)) throw new CliFailure(`--winners: ${JSON.stringify(w)} is not in the tally`);
        const contest = {
          tally,
          ...(winners ? { winners } : {}),
          ...(o.ballots !== undefined ? { ballots: o.ballots } : {}),
        };
        const asn = bravoAsn(contest, o.riskLimit);
        const sample = o.sample ? counts('--sample', o.sample) : undefined;
        for (const name of Object.keys(sample ?? {}))
          if (!(name in tally)) throw new CliFailure(`--sample: ${JSON.stringify(name)} is not in the tally`);
        const pValue = sample ? bravoPValue(contest, sample) : null;
        const round =
          o.probability === undefined
            ? undefined
            : bravoSampleSizeForProbability(contest, o.riskLimit, o.probability);
        const finite = (n: number) => (Number.isFinite(n) ? n : null);
        if (o.json)
          printJson({
            asn: finite(asn),
            pValue,
            ...(round === undefined ? {} : { roundSize: finite(round) }),
          });
        else {
          if (round !== undefined)
            say(
              `A first round of ${round} ballots confirms with a chance of at least ${o.probability} if the reported shares are right.`,
            );
          say(
            Number.isFinite(asn)
              ? `Expected sample size: ${asn} ballots.`
              : 'No finite sample size: a reported winner does not lead.',
          );
          if (pValue !== null)
            say(`Risk measured by the sample: ${pValue}${pValue <= o.riskLimit ? ' — confirmed' : ''}.`);
        }
      },
    );

  rla
    .command('supersimple')
    .description('ballot-level comparison (super-simple / Kaplan–Markov): sample size and P-value')
    .requiredOption('--risk-limit <alpha>', 'risk limit α', riskLimit)
    .requiredOption(
      '--diluted-margin <m>',
      'smallest margin / ballots in the population',
      number('--diluted-margin', Number.MIN_VALUE, 1),
    )
    .option('--gamma <g>', `error inflation γ (default ${DEFAULT_GAMMA})`, number('--gamma', 1))
    .option('--o1 <n>', 'one-vote overstatements', count('--o1'))
    .option('--o2 <n>', 'two-vote overstatements', count('--o2'))
    .option('--u1 <n>', 'one-vote understatements', count('--u1'))
    .option('--u2 <n>', 'two-vote understatements', count('--u2'))
    .option('--sample-size <n>', 'ballots sampled so far (for the P-value)', count('--sample-size'))
    .option(
      '--arlo-compatible',
      "as Arlo computes it: understatements count as no discrepancy (Arlo's supersimple.py ignores them)",
    )
    .option('--json', 'machine-readable output')
    .action(
      (o: {
        riskLimit: number;
        dilutedMargin: number;
        gamma?: number;
        o1?: number;
        o2?: number;
        u1?: number;
        u2?: number;
        sampleSize?: number;
        arloCompatible?: boolean;
        json?: boolean;
      }) => {
        const credited = !o.arloCompatible;
        const d = {
          o1: o.o1 ?? 0,
          o2: o.o2 ?? 0,
          u1: credited ? (o.u1 ?? 0) : 0,
          u2: credited ? (o.u2 ?? 0) : 0,
        };
        const gamma = o.gamma ?? DEFAULT_GAMMA;
        const sampleSize = superSimpleSampleSize(o.riskLimit, o.dilutedMargin, gamma, d);
        const pValue =
          o.sampleSize !== undefined ? superSimplePValue(o.sampleSize, o.dilutedMargin, gamma, d) : null;
        if (o.json) printJson({ sampleSize, pValue });
        else {
          say(`Sample size: ${sampleSize} ballots.`);
          if (pValue !== null) say(`P-value of ${o.sampleSize} ballots: ${pValue}.`);
        }
      },
    );

  rla
    .command('alpha')
    .description('the ALPHA martingale: running P-values for a sequence of assorter values')
    .requiredOption('--values <x>', 'assorter values in draw order: X1,X2,...')
    .requiredOption('--t <t>', 'null mean (½ for an assorter)', number('--t', 0))
    .requiredOption('--u <u>', 'upper bound of the values', number('--u', Number.MIN_VALUE))
    .requiredOption(
      '--eta <eta>',
      'alternative mean (fixed), or its starting point (shrink-trunc)',
      number('--eta', 0),
    )
    .requiredOption('--estimator <e>', 'fixed | shrink-trunc')
    .option('--N <population>', 'population size (default: infinite)', count('--N'))
    .option(
      '--risk-limit <alpha>',
      'with --assume: the risk limit the sample size is estimated for (default 0.05)',
      riskLimit,
    )
    .option(
      '--assume <x>',
      'also estimate the sample size: draws needed were every value x (adds "sampleSize")',
      number('--assume', 0),
    )
    .option('--json', 'machine-readable output')
    .action(
      (o: {
        values: string;
        t: number;
        u: number;
        eta: number;
        estimator: string;
        N?: number;
        riskLimit?: number;
        assume?: number;
        json?: boolean;
      }) => {
        if (o.estimator !== 'fixed' && o.estimator !== 'shrink-trunc')
          throw new CliFailure('--estimator must be fixed or shrink-trunc');
        const values = o.values.split(',').map((v, i) => {
          const x = number(`--values[${i}]`, 0, o.u)(v);
          return x;
        });
        const options: AlphaOptions = {
          t: o.t,
          u: o.u,
          eta: o.eta,
          estimator: o.estimator,
          ...(o.N !== undefined ? { N: o.N } : {}),
        };
        if (o.assume !== undefined && o.assume > o.u) throw new CliFailure('--assume must be at most --u');
        const assumed = o.assume;
        const sampleSize =
          assumed === undefined ? undefined : alphaSampleSize(o.riskLimit ?? 0.05, options, () => assumed);
        const { warnings, ...martingale } = alphaMartingale(values, options);
        const r = {
          ...martingale,
          // SHANGRLA's warnings (an impossible fixed alternative, a c too large), only when there are some.
          ...(warnings.length > 0 ? { warnings } : {}),
          ...(sampleSize !== undefined
            ? { sampleSize: Number.isFinite(sampleSize) ? sampleSize : null }
            : {}),
        };
        if (o.json) printJson(r);
        else {
          for (const w of warnings) inform(`warning: ${w}`);
          say(
            `P-value: ${r.pValue} (running: ${r.pValues.join(', ')}).${sampleSize !== undefined ? ` Sample size were every value ${assumed}: ${Number.isFinite(sampleSize) ? sampleSize : 'no sample suffices'}.` : ''}`,
          );
        }
      },
    );

  rla
    .command('draw')
    .description(
      "Rivest's consistent sampler: the sample a public seed draws from ballot ids or an Arlo manifest",
    )
    .requiredOption('--seed <seed>', 'the public random seed')
    .option('--ids-file <file>', 'ballot ids, one per line')
    .option(
      '--manifest <csv>',
      "an Arlo ballot manifest (Batch Name, Number of Ballots[, Tabulator]); ballots named ('batch', position). " +
        "Repeat as NAME=CSV, once per jurisdiction, for a running Arlo's names: ((NAME, tabulator or None, 'batch'), position)",
      (v: string, previous: string[] = []) => [...previous, v],
    )
    .requiredOption('--count <n>', 'how many to draw', count('--count'))
    .option('--with-replacement', 'draw with replacement (an id can come up again)')
    .option(
      '--digits <d>',
      'ticket digits after the first non-9 digit (default 9; Arlo uses 18)',
      count('--digits'),
    )
    .option('--json', 'machine-readable output')
    .action(
      async (o: {
        seed: string;
        idsFile?: string;
        manifest?: string[];
        count: number;
        withReplacement?: boolean;
        digits?: number;
        json?: boolean;
      }) => {
        if (Boolean(o.idsFile) === Boolean(o.manifest))
          throw new CliFailure('give one of --ids-file or --manifest');
        const options = {
          count: o.count,
          withReplacement: Boolean(o.withReplacement),
          ...(o.digits !== undefined ? { digits: o.digits } : {}),
        };
        let draws: Draw[];
        if (o.manifest)
          draws = await drawFromManifest(o.seed, await manifestBatches(o.manifest), {
            ...options,
            spelling: 'python',
          });
        else {
          const ids = (await readFile(o.idsFile!, 'utf8'))
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter((l) => l !== '');
          try {
            draws = drawSample(o.seed, ids, { ...options, hash: nodeSha256 });
          } catch (e) {
            throw new CliFailure(`${o.idsFile}: ${(e as Error).message}`);
          }
        }
        if (o.json) printJson(draws);
        else for (const d of draws) say(`${d.ticket}  ${d.id}${d.draw > 1 ? `  (draw ${d.draw})` : ''}`);
      },
    );
}
