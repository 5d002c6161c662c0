/**
 * A CSV export cut short is bad input: its partial last row is refused with its line — never imported as a
 * ballot missing the contests the cut removed — and nothing of the file is stored.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok, okJson, tp } from '../support/cli.js';
import { tempDir } from '../support/stores.js';

const FORMATS: { generate: string; import: string; file: string; headerRows: number; options: string[] }[] = [
  { generate: 'clearballot', import: 'clearballot', file: 'clearballot-cvr.csv', headerRows: 1, options: [] },
  { generate: 'dominion-csv', import: 'dominion', file: 'dominion-cvr.csv', headerRows: 4, options: [] },
  {
    generate: 'csv',
    import: 'csv',
    file: 'cvr.csv',
    headerRows: 1,
    options: [
      '--first-vote-column',
      '4',
      '--id-column',
      '1',
      '--precinct-column',
      '2',
      '--batch-column',
      '3',
      '--contest',
      'Mayor of Riverside',
    ],
  },
];

/** The export cut inside its last row: at a field boundary (a whole contest gone) or inside a field. */
function cut(file: string, where: 'field-boundary' | 'mid-field'): string {
  const text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  const lastRow = text.lastIndexOf('\n') + 1;
  const middle = lastRow + Math.floor((text.length - lastRow) / 2);
  const comma = text.indexOf(',', middle);
  const end = where === 'field-boundary' ? comma : comma - 1;
  const out = `${file}.${where}.csv`;
  writeFileSync(out, `${text.slice(0, end)}\n`);
  return out;
}

describe('truncated CSV exports', () => {
  for (const f of FORMATS)
    it(`${f.generate}: a file cut inside its last row is refused with the line, nothing stored`, () => {
      const dir = tempDir();
      const gen = path.join(dir, 'gen');
      ok([
        'generate',
        '--format',
        f.generate,
        '--ballots',
        '60',
        '--out',
        gen,
        '--seed',
        `cut-${f.generate}`,
      ]);
      const key = path.join(dir, 'k');
      ok(['keygen', '--name', 'county.example/cut', '--out', key]);
      const db = path.join(dir, 's.db');
      ok(['election', 'load', '--db', db, '--key', key, path.join(gen, 'election.json')]);
      const lines = readFileSync(path.join(gen, f.file), 'utf8').trimEnd().split('\n').length;
      for (const where of ['field-boundary', 'mid-field'] as const) {
        const r = tp([
          'import',
          '--db',
          db,
          '--key',
          key,
          '--format',
          f.import,
          ...f.options,
          cut(path.join(gen, f.file), where),
        ]);
        expect(r.status, `${where}: ${r.stdout}`).not.toBe(0);
        expect(r.stderr).toMatch(
          new RegExp(
            `line ${lines}: the row has \\d+ fields where the header has \\d+: the file is cut short`,
          ),
        );
      }
      const vkey = readFileSync(`${key}.pub`, 'utf8').trim();
      expect(okJson(['verify', '--db', db, '--vkey', vkey])).toMatchObject({ ok: true, cvrs: 0 });
      // The whole file still imports.
      ok(['import', '--db', db, '--key', key, '--format', f.import, ...f.options, path.join(gen, f.file)]);
      expect(okJson(['verify', '--db', db, '--vkey', vkey])).toMatchObject({
        ok: true,
        cvrs: lines - f.headerRows,
      });
    });
});
