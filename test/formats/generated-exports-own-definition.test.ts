/**
 * Every layout `generate` writes imports through the CLI with its own `election.json` loaded first — the
 * county's definition, with ids of its own — and counts to the ground truth written beside it. A reader
 * that numbers what it reads (Dominion's JSON export) resolves its contests, candidates, portions and ballot
 * types by their manifest names; `--mapping` maps precincts and ballot styles as it maps contests and choices.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATE_FORMATS } from '../../src/app/generate.js';
import { verifyStore } from '../../src/app/verify-store.js';
import type { Cvr } from '../../src/core/cvr/model.js';
import { parseVerifierKey } from '../../src/core/log/note.js';
import { Store } from '../../src/store/store.js';
import { ok, okJson, tp } from '../support/cli.js';
import { firstChoices } from '../support/first-choices.js';
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
interface Generated {
  cvrFiles: string[];
  importFormat: string;
  definition: string;
  truth: string;
}
interface Tally {
  contests: {
    id: string;
    name: string;
    results: Record<string, number>;
    overvotes: number;
    undervotes: number;
    ballots: number;
  }[];
}

const LAYOUT: Record<string, string[]> = {
  csv: [
    '--first-vote-column',
    '4',
    '--id-column',
    '1',
    '--precinct-column',
    '2',
    '--batch-column',
    '3',
    '--contest',
    'mayor',
  ],
};

function setUp(format: string, ballots = 300) {
  const dir = tempDir();
  const key = path.join(dir, 'county.key');
  ok(['keygen', '--name', 'county.example/2026', '--out', key]);
  const g = okJson([
    'generate',
    '--format',
    format,
    '--ballots',
    String(ballots),
    '--out',
    path.join(dir, 'gen'),
    '--seed',
    `own-${format}`,
  ]) as Generated;
  const db = path.join(dir, 'store.db');
  ok(['election', 'load', '--db', db, g.definition]);
  return { dir, key, db, g };
}

async function storedCvrs(db: string, vkeyFile: string): Promise<{ cvrs: Cvr[]; ok: boolean }> {
  const store = await Store.open({ sqlitePath: db });
  try {
    const cvrs: Cvr[] = [];
    const report = await verifyStore(store, parseVerifierKey(readFileSync(vkeyFile, 'utf8').trim()), {
      onCvr: (c) => cvrs.push(c),
    });
    return { cvrs, ok: report.ok };
  } finally {
    await store.close();
  }
}

describe('generate, then import with its own election.json loaded', () => {
  for (const format of GENERATE_FORMATS)
    it(`${format}: every CVR resolves to the definition's ids and counts to the truth`, {
      timeout: 60_000,
    }, async () => {
      const { key, db, g } = setUp(format);
      const out = okJson([
        'import',
        '--db',
        db,
        '--key',
        key,
        '--format',
        g.importFormat,
        ...(LAYOUT[format] ?? []),
        g.cvrFiles[0]!,
      ]) as { imports: { cvrs: number }[] };
      expect(out.imports[0]!.cvrs).toBeGreaterThan(0);
      const election = JSON.parse(readFileSync(g.definition, 'utf8')) as {
        precincts: { id: string; splits: { id: string }[] }[];
        ballotStyles: { id: string }[];
        contests: { id: string; title: string; type: string; candidates?: { id: string; name: string }[] }[];
      };
      const truth = JSON.parse(readFileSync(g.truth, 'utf8')) as Truth;
      const tally = okJson(['tally', '--db', db, '--vkey', `${key}.pub`]) as Tally;
      const { cvrs, ok: verified } = await storedCvrs(db, `${key}.pub`);
      expect(verified).toBe(true);
      const units = new Set(election.precincts.flatMap((p) => [p.id, ...p.splits.map((s) => s.id)]));
      const styles = new Set(election.ballotStyles.map((b) => b.id));
      for (const cvr of cvrs) {
        if (cvr.precinct !== undefined)
          expect(units.has(cvr.precinct), `${format}: precinct ${cvr.precinct}`).toBe(true);
        if (cvr.ballotStyle !== undefined)
          expect(styles.has(cvr.ballotStyle), `${format}: style ${cvr.ballotStyle}`).toBe(true);
      }
      for (const want of truth.contests) {
        const contest = election.contests.find((c) => c.title === want.name)!;
        if (contest.type === 'ranked') {
          const { firsts, ballots } = firstChoices(contest, cvrs);
          expect(firsts, `${format}: first choices`).toEqual(want.results);
          expect(ballots).toBe(want.ballots);
          continue;
        }
        const got = tally.contests.find((c) => c.id === contest.id);
        expect(got, `${format}: ${want.name}`).toMatchObject({
          results: want.results,
          overvotes: want.overvotes,
          undervotes: want.undervotes,
          ballots: want.ballots,
        });
      }
    });
});

describe('import --mapping: precincts and ballot styles', () => {
  /** The Dominion export with one portion and one ballot type named as the county's definition does not name them. */
  function renamed(folder: string) {
    const edit = (file: string, from: string, to: string) => {
      const p = path.join(folder, file);
      const m = JSON.parse(readFileSync(p, 'utf8')) as { List: { Description: string }[] };
      const item = m.List.find((x) => x.Description === from)!;
      item.Description = to;
      writeFileSync(p, JSON.stringify(m));
    };
    edit('PrecinctPortionManifest.json', 'Precinct 1 (City)', 'Pct 1 City');
    edit('BallotTypeManifest.json', 'bs-north', 'North');
  }

  it('names the export’s name when it matches nothing, maps it when the mapping says, and checks the mapping', async () => {
    const { dir, key, db, g } = setUp('dominion');
    const folder = g.cvrFiles[0]!;
    renamed(folder);
    const refused = tp(['import', '--db', db, '--key', key, '--format', 'dominion', folder]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(
      /unknown (precinct "portion-\d+" \("Pct 1 City" in the export\)|ballot style "ballot-type-\d+" \("North" in the export\))/,
    );
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(okJson(['status', '--db', db])).toMatchObject({ cvrs: 0 });

    const wrong = path.join(dir, 'wrong.json');
    writeFileSync(
      wrong,
      JSON.stringify({ precincts: { 'Pct 1 City': 'p-001-cty' }, ballotStyles: { North: 'bs-nort' } }),
    );
    const bad = tp(['import', '--db', db, '--key', key, '--format', 'dominion', '--mapping', wrong, folder]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain(
      'mapping: precinct "p-001-cty" is not in the definition (did you mean "p-001-city"?)',
    );
    expect(bad.stderr).toContain(
      'mapping: ballot style "bs-nort" is not in the definition (did you mean "bs-north"?)',
    );

    const mapping = path.join(dir, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        precincts: { 'Pct 1 City': 'Precinct 1 (City)' },
        ballotStyles: { North: 'bs-north' },
      }),
    );
    ok(['import', '--db', db, '--key', key, '--format', 'dominion', '--mapping', mapping, folder]);
    const { cvrs, ok: verified } = await storedCvrs(db, `${key}.pub`);
    expect(verified).toBe(true);
    expect(cvrs).toHaveLength(300);
    expect(cvrs.some((c) => c.precinct === 'p-001-city')).toBe(true);
    expect(cvrs.some((c) => c.ballotStyle === 'bs-north')).toBe(true);
  });
});
