/** The `rla` calculator's command-line contract, with the published figures as answers. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawSample } from '../../src/core/rla/sampler.js';
import { okJson as json, tp as run } from '../support/cli.js';
import { tempDir } from '../support/stores.js';
import { HUMAN_SORT_ORDER, ROUND_1_J1 } from './arlo-retrieval-lists.js';

type Drawn = { id: string; ticket: string; draw: number };

/** An Arlo retrieval list's rows as `ticket batch position`, one per ticket, sorted. */
const retrievalTickets = (csv: string): string[] =>
  csv
    .trim()
    .split('\n')
    .flatMap((line) => {
      const [, batch, position, tickets] = line.match(/^(.*?),(\d+),"?([0-9.,]+?)"?,N,/)!;
      return tickets!.split(',').map((t) => `${t} ${batch} ${position}`);
    })
    .sort();

/** A draw named `((jurisdiction, tabulator, 'batch'), position)` as `ticket batch position`, for jurisdiction J. */
const asRetrieval = (d: Drawn, jurisdiction: string): string | undefined => {
  const m = d.id.match(/^\(\('([^']*)', None, '([^']*)'\), (\d+)\)$/);
  return m && m[1] === jurisdiction ? `${d.ticket} ${m[2]} ${m[3]}` : undefined;
};

describe('tallyproof rla', () => {
  it('bravo: {"asn", "pValue"}', () => {
    expect(json(['rla', 'bravo', '--risk-limit', '0.1', '--tally', 'A=600,B=400'])).toEqual({
      asn: 119,
      pValue: null,
    });
    const r = json([
      'rla',
      'bravo',
      '--risk-limit',
      '0.1',
      '--tally',
      'A=600,B=400',
      '--sample',
      'A=30,B=10',
    ]) as {
      pValue: number;
    };
    expect(r.pValue).toBeCloseTo(1 / (1.2 ** 30 * 0.8 ** 10), 12);
    expect(json(['rla', 'bravo', '--risk-limit', '0.1', '--tally', 'A=500,B=500'])).toEqual({
      asn: null,
      pValue: null,
    });
    // Planning a first round adds "roundSize" (the contracted fields stay as they are).
    const planned = json([
      'rla',
      'bravo',
      '--risk-limit',
      '0.1',
      '--tally',
      'A=600,B=400',
      '--probability',
      '0.9',
    ]) as {
      asn: number;
      pValue: null;
      roundSize: number;
    };
    expect(planned.asn).toBe(119);
    expect(planned.pValue).toBeNull();
    expect(planned.roundSize).toBeGreaterThan(119);
  });

  it('supersimple: {"sampleSize", "pValue"}', () => {
    expect(json(['rla', 'supersimple', '--risk-limit', '0.1', '--diluted-margin', '0.1'])).toEqual({
      sampleSize: 48,
      pValue: null,
    });
    const r = json([
      'rla',
      'supersimple',
      '--risk-limit',
      '0.1',
      '--diluted-margin',
      '0.1',
      '--o1',
      '1',
      '--sample-size',
      '48',
    ]) as {
      sampleSize: number;
      pValue: number;
    };
    expect(r.sampleSize).toBeGreaterThan(48);
    expect(r.pValue).toBeGreaterThan(0.1);
  });

  it('supersimple --arlo-compatible: understatements count 0, as Arlo (supersimple.compute_risk)', () => {
    const args = ['rla', 'supersimple', '--risk-limit', '0.1', '--diluted-margin', '0.2', '--o1', '1'];
    const measured = [...args, '--u1', '1', '--u2', '1', '--sample-size', '73'];
    const published = json(measured) as { pValue: number; sampleSize: number };
    const arlo = json([...measured, '--arlo-compatible']) as { pValue: number; sampleSize: number };
    // Arlo's figure for 73 ballots with one each of o1, u1, u2 at diluted margin 0.2 (600/400 of 1000).
    expect(arlo.pValue / 0.0011935019430473225).toBeCloseTo(1, 12);
    expect(published.pValue).toBeLessThan(arlo.pValue);
    expect(arlo).toEqual(json([...args, '--sample-size', '73']));
  });

  it('alpha: {"pValues", "pValue"} as published', () => {
    const r = json([
      'rla',
      'alpha',
      '--values',
      '1,0,1,1,0,0,1',
      '--t',
      String(3 / 7),
      '--u',
      '1',
      '--eta',
      '0.75',
      '--estimator',
      'fixed',
      '--N',
      '7',
    ]) as {
      pValues: number[];
      pValue: number;
    };
    const want = [0.5714285714285714, 1, 0.6146458583433375, 0.18912180256718078, 1, 1, 0];
    r.pValues.forEach((p, i) => expect(p).toBeCloseTo(want[i]!, 12));
    expect(r.pValue).toBe(0);
  });

  it("alpha: a fixed alternative the draws make impossible gives SHANGRLA's P-value and its warning (it was null)", () => {
    const args = ['rla', 'alpha', '--values', '0,0.5,0,1,1', '--t', '0.5', '--u', '1', '--eta', '0.9'];
    const r = json([...args, '--estimator', 'fixed', '--N', '10']) as {
      pValue: number;
      pValues: number[];
      warnings: string[];
    };
    expect(r.pValue).toBe(1);
    expect(r.pValues[2]).toBe(-38.88888888888891);
    expect(r.warnings).toEqual(['Implied population mean is greater than u=1 in 3 of 5 terms']);
    const text = run([...args, '--estimator', 'fixed', '--N', '10']);
    expect(text.status).toBe(0);
    expect(text.stderr).toMatch(/^warning: Implied population mean is greater than u=1 in 3 of 5 terms$/m);
    expect(text.stdout).toMatch(/^P-value: 1 /);
    // shrink-trunc at η above its cap: SHANGRLA's figure (NonnegMean.alpha_mart, shrink_trunc).
    const capped = json([
      'rla',
      'alpha',
      '--values',
      [...Array(6).fill(1 / 1.9), 0.5 / 1.9].join(','),
      '--t',
      '0.5',
      '--u',
      String(2 / 1.9),
      '--eta',
      '1.04',
      '--estimator',
      'shrink-trunc',
    ]) as { pValue: number; warnings?: string[] };
    expect(capped.pValue).toBe(0.7470206154197165);
    expect(capped.warnings).toBeUndefined();
  });

  it('alpha --assume: the draws needed were every value the one assumed (8 for 1s, 14 for 0.75s)', () => {
    const size = (x: string) =>
      (
        json([
          'rla',
          'alpha',
          '--values',
          '1',
          '--t',
          '0.5',
          '--u',
          '1',
          '--eta',
          '0.75',
          '--estimator',
          'fixed',
          '--N',
          '1000',
          '--risk-limit',
          '0.05',
          '--assume',
          x,
        ]) as { sampleSize: number | null }
      ).sampleSize;
    expect(size('1')).toBe(8);
    expect(size('0.75')).toBe(14);
    expect(size('0.5')).toBeNull();
  });

  it('draw: ids in sample order with tickets and draw counts; Arlo names from a manifest', () => {
    const dir = tempDir();
    const ids = path.join(dir, 'ids.txt');
    writeFileSync(ids, 'A-1\nA-2\nA-3\nB-1\nB-2\nB-3\n');
    const drawn = json(['rla', 'draw', '--seed', '314159', '--ids-file', ids, '--count', '4']) as {
      id: string;
      ticket: string;
      draw: number;
    }[];
    expect(drawn.map((d) => d.id)).toEqual(['B-2', 'B-3', 'A-3', 'A-2']);
    // Rivest's trim: any leading 9s, then 9 digits from the first that is not 9.
    expect(drawn.every((d) => d.draw === 1 && /^0\.9*[0-8]\d{8}$/.test(d.ticket))).toBe(true);
    const manifest = path.join(dir, 'manifest.csv');
    writeFileSync(manifest, 'Batch Name,Number of Ballots\npct 1,3\npct 2,4\n');
    const fromManifest = json([
      'rla',
      'draw',
      '--seed',
      '1234',
      '--manifest',
      manifest,
      '--count',
      '10',
      '--with-replacement',
      '--digits',
      '18',
    ]) as {
      id: string;
      ticket: string;
      draw: number;
    }[];
    expect(fromManifest).toHaveLength(10);
    expect(fromManifest.every((d) => /^0\.9*[0-8]\d{17}$/.test(d.ticket))).toBe(true);
    expect(fromManifest.every((d) => /^\('pct [12]', [1-4]\)$/.test(d.id))).toBe(true);
    expect(fromManifest.some((d) => d.draw > 1)).toBe(true);
  });

  it("draw --manifest NAME=CSV: a running Arlo's sample, ticket for ticket (its API tests' retrieval lists)", () => {
    const dir = tempDir();
    const write = (name: string, rows: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, `Batch Name,Number of Ballots\n${rows}\n`);
      return file;
    };
    const draw = (...manifests: string[]) =>
      json([
        'rla',
        'draw',
        '--seed',
        '1234567890',
        ...manifests.flatMap((m) => ['--manifest', m]),
        '--count',
        '119',
        '--with-replacement',
        '--digits',
        '18',
      ]) as Drawn[];
    // One jurisdiction: every one of the 119 draws.
    const batches = ['Batch 1', 'Batch 1 - 1', 'Batch 1 - 2', 'Batch 1 - 10', 'Batch 2', 'Batch 10'];
    const alone = draw(`J1=${write('j1-human.csv', batches.map((b) => `${b},10`).join('\n'))}`);
    expect(alone[0]!.id).toBe("(('J1', None, 'Batch 10'), 2)");
    expect(alone.map((d) => asRetrieval(d, 'J1')).sort()).toEqual(retrievalTickets(HUMAN_SORT_ORDER));
    // Two jurisdictions' manifests are one population: J1's share of the draws is J1's retrieval list.
    const j1 = write('j1.csv', '1,23\n2,101\n3,122\n4,400');
    const j2 = write('j2.csv', '1,20\n2,10\n3,220\n4,40');
    const both = draw(`J1=${j1}`, `J2=${j2}`);
    const mine = both.map((d) => asRetrieval(d, 'J1')).filter((r) => r !== undefined);
    expect(mine.sort()).toEqual(retrievalTickets(ROUND_1_J1));
    expect(both.some((d) => d.id.startsWith("(('J2', None, "))).toBe(true);
    // A bare manifest keeps the short names of Arlo's unit tests.
    expect(draw(j1).every((d) => /^\('\d', \d+\)$/.test(d.id))).toBe(true);
  });

  it('draw --manifest NAME=CSV: the tabulator column, quotes and None spelled as Python spells the tuple', () => {
    const dir = tempDir();
    const withTabulator = path.join(dir, 'a.csv');
    writeFileSync(
      withTabulator,
      'Tabulator,Batch Name,Number of Ballots\nT-2,O\'Brien,3\nT 1,"say ""hi""",2\n',
    );
    const without = path.join(dir, 'b.csv');
    writeFileSync(without, 'Batch Name,Number of Ballots\nPct\u00a01,2\n');
    const drawn = json([
      'rla',
      'draw',
      '--seed',
      '42',
      '--manifest',
      `St. Mary's=${withTabulator}`,
      '--manifest',
      `J1=${without}`,
      '--count',
      '7',
    ]) as Drawn[];
    // Python's repr of each (checked with CPython 3.11: repr(((name, tabulator, batch), position))).
    const ids = [
      `(("St. Mary's", 'T-2', "O'Brien"), 1)`,
      `(("St. Mary's", 'T-2', "O'Brien"), 2)`,
      `(("St. Mary's", 'T-2', "O'Brien"), 3)`,
      `(("St. Mary's", 'T 1', 'say "hi"'), 1)`,
      `(("St. Mary's", 'T 1', 'say "hi"'), 2)`,
      "(('J1', None, 'Pct\\xa01'), 1)",
      "(('J1', None, 'Pct\\xa01'), 2)",
    ];
    expect(drawn.map((d) => d.id).sort()).toEqual([...ids].sort());
    // The draws are the consistent sampler's over those names.
    expect(drawn).toEqual(drawSample('42', ids, { count: 7 }));
    const mixed = run([
      'rla',
      'draw',
      '--seed',
      '1',
      '--manifest',
      without,
      '--manifest',
      `J1=${without}`,
      '--count',
      '1',
    ]);
    expect(mixed.status).toBe(1);
    expect(mixed.stderr).toMatch(/name every jurisdiction/);
    const twice = run([
      'rla',
      'draw',
      '--seed',
      '1',
      '--manifest',
      `J1=${without}`,
      '--manifest',
      `J1=${without}`,
      '--count',
      '1',
    ]);
    expect(twice.status).toBe(1);
    expect(twice.stderr).toMatch(/jurisdiction "J1" appears twice/);
  });

  it('refuses bad input with the reason', () => {
    const r = run(['rla', 'bravo', '--risk-limit', '2', '--tally', 'A=1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--risk-limit must be a number/);
    const m = path.join(tempDir(), 'm.csv');
    writeFileSync(m, 'Batch,Count\nx,1\n');
    const bad = run(['rla', 'draw', '--seed', '1', '--manifest', m, '--count', '1']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/line 1: no "batch name" column/);
  });
});
