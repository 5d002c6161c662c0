/** The `rla` calculator's command-line contract, with the published figures as answers. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { okJson as json, tp as run } from '../support/cli.js';
import { tempDir } from '../support/stores.js';

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
