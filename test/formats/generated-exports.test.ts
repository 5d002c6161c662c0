/**
 * Every vendor layout `generate` writes reads back through that vendor's reader to the ground truth it
 * wrote beside it: plurality, vote-for-N and yes/no counts, and first choices of the ranked contest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATE_FORMATS, generateElection } from '../../src/app/generate.js';
import type { ReaderOptions } from '../../src/formats/cvr-format.js';
import { firstChoices } from '../support/first-choices.js';
import { importAndRead } from '../support/import.js';
import { tempDir } from '../support/stores.js';

interface Truth {
  contests: {
    name: string;
    results: Record<string, number>;
    overvotes: number;
    undervotes: number;
    ballots: number;
  }[];
}

const OPTIONS: Partial<Record<(typeof GENERATE_FORMATS)[number], ReaderOptions>> = {
  csv: { firstVoteColumn: 4, idColumn: 1, precinctColumn: 2, batchColumn: 3, contest: 'Mayor of Riverside' },
  ess: { contest: 'Mayor of Riverside' },
};

describe('generate writes each vendor layout as that vendor reads it', () => {
  for (const format of GENERATE_FORMATS) {
    it(`${format}: reads back to the ground truth`, { timeout: 60_000 }, async () => {
      const dir = tempDir();
      const g = await generateElection(dir, { ballots: 400, seed: `roundtrip-${format}`, format });
      const truth = JSON.parse(readFileSync(g.truth, 'utf8')) as Truth;
      // Hart ballots do not say how many votes a contest allows: an office loads its definition.
      const definition = format === 'hart' ? g.definition : undefined;
      const { tally, cvrs, election, report } = await importAndRead(
        g.importFormat,
        g.cvrFiles[0]!,
        OPTIONS[format],
        definition,
      );
      expect(report.failures).toEqual([]);
      for (const want of truth.contests) {
        const contest = election.contests.find((c) => c.title === want.name || c.id === want.name);
        // Generated ballots write the definition's names; a derived definition names the write-in slot as the export does.
        expect(contest, `${format}: contest ${want.name}`).toBeDefined();
        if (contest!.type === 'ranked') {
          const { firsts, ballots } = firstChoices(contest!, cvrs);
          expect(firsts, `${format}: first choices`).toEqual(want.results);
          expect(ballots).toBe(want.ballots);
          continue;
        }
        const got = tally.contests.find((c) => c.id === contest!.id)!;
        expect(got, `${format}: ${want.name}`).toMatchObject({
          results: want.results,
          overvotes: want.overvotes,
          undervotes: want.undervotes,
          ballots: want.ballots,
        });
      }
      expect(path.isAbsolute(g.cvrFiles[0]!)).toBe(true);
    });
  }
});

describe('generate --paper-errors', () => {
  it('lists paper that differs from its CVR at about the chosen rate, each difference a real discrepancy', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const g = await generateElection(dir, {
      ballots: 1000,
      seed: 'paper',
      format: 'cdf',
      paperErrorRate: 0.05,
    });
    const paper = JSON.parse(readFileSync(g.paper!, 'utf8')) as {
      errorRate: number;
      differences: { ballot: string; contest: string; kind: string; cvr: unknown[]; paper: unknown[] }[];
    };
    const { cvrs } = await importAndRead('cdf', g.cvrFiles[0]!);
    const entries = cvrs.reduce((n, c) => n + c.contests.length, 0);
    // Binomial(entries, 0.05) lies within ±5 standard deviations of its mean; a few contests cannot differ.
    const sd = Math.sqrt(entries * 0.05 * 0.95);
    expect(paper.differences.length).toBeGreaterThan(entries * 0.05 - 5 * sd);
    expect(paper.differences.length).toBeLessThan(entries * 0.05 + 5 * sd);
    expect(new Set(paper.differences.map((d) => d.kind))).toEqual(new Set(['flip', 'blank', 'mark']));
    const byId = new Map(cvrs.map((c) => [c.id, c]));
    for (const d of paper.differences) {
      const entry = byId.get(d.ballot)!.contests.find((c) => c.contest === d.contest)!;
      expect(entry.marks).toEqual(d.cvr);
      expect(d.paper).not.toEqual(d.cvr);
    }
  });
});
