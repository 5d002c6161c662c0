/**
 * A county's ES&S export is several workbooks, each numbering its records from 1: the second workbook's ids
 * repeat the first's. The refusal says so and what to do; `import --qualify-ids` makes the ids
 * `<file name>:<record id>`, as RCTab does, so every workbook imports.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ok, okJson, tp } from '../support/cli.js';
import { tempDir } from '../support/stores.js';

function workbooks() {
  const dir = tempDir();
  const key = path.join(dir, 'k');
  ok(['keygen', '--name', 'county.example/2026', '--out', key]);
  const files = ['north', 'south'].map((side) => {
    const g = okJson([
      'generate',
      '--format',
      'ess',
      '--ballots',
      '300',
      '--out',
      path.join(dir, side),
      '--seed',
      side,
    ]) as {
      cvrFiles: string[];
      definition: string;
    };
    const file = path.join(dir, `${side}.xlsx`);
    copyFileSync(g.cvrFiles[0]!, file);
    return { file, definition: g.definition };
  });
  return { dir, key, files };
}

/** A workbook's rows as exceljs reads them (row 1 the header), each cell as text. */
async function sheetRows(file: string): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  const rows: string[][] = [];
  book.worksheets[0]!.eachRow((row, n) => {
    rows[n - 1] = (row.values as unknown[]).slice(1).map((v) => String(v ?? ''));
  });
  return rows;
}

describe('several ES&S workbooks', () => {
  it('refuses the second workbook’s repeated ids saying why, and imports both with --qualify-ids', async () => {
    const { dir, key, files } = workbooks();
    const [north, south] = files;
    const db = path.join(dir, 'plain.db');
    ok(['election', 'load', '--db', db, north!.definition]);
    const first = okJson(['import', '--db', db, '--key', key, '--format', 'ess', north!.file]) as {
      imports: { cvrs: number }[];
    };
    const refused = tp(['import', '--db', db, '--key', key, '--format', 'ess', south!.file]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(
      /south\.xlsx: CVR id (1-1-\d+) is already in the store \(log entry \d+\); nothing was stored: ES&S numbers records per workbook, so the ids of several workbooks repeat; import them with --qualify-ids \(CVR ids <file name>:<record id>, as RCTab makes them\)/,
    );
    const repeated = /CVR id (\S+) is already/.exec(refused.stderr)![1]!;
    expect(okJson(['status', '--db', db])).toMatchObject({ cvrs: first.imports[0]!.cvrs, imports: 1 });

    const qualified = path.join(dir, 'qualified.db');
    ok(['election', 'load', '--db', qualified, north!.definition]);
    const both = okJson([
      'import',
      '--db',
      qualified,
      '--key',
      key,
      '--format',
      'ess',
      '--qualify-ids',
      north!.file,
      south!.file,
    ]) as {
      imports: { cvrs: number }[];
    };
    expect(both.imports).toHaveLength(2);
    const total = both.imports[0]!.cvrs + both.imports[1]!.cvrs;
    expect(okJson(['status', '--db', qualified])).toMatchObject({ cvrs: total, imports: 2 });
    ok(['verify', '--db', qualified, '--vkey', `${key}.pub`]);
    const receipt = path.join(dir, 'r.json');
    ok(['receipt', '--db', qualified, '--cvr', `south.xlsx:${repeated}`, '--out', receipt]);
    const shown = okJson(['receipt', 'verify', receipt, '--vkey', `${key}.pub`]) as { cvr: { id: string } };
    expect(shown.cvr.id).toBe(`south.xlsx:${repeated}`);

    // The retrieval list names each sampled ballot's workbook and record, precinct and ballot style: the
    // record id alone repeats across workbooks. Each is checked against that workbook's own row.
    const args = ['--db', qualified, '--key', key];
    ok([
      'audit',
      'start',
      ...args,
      '--type',
      'comparison',
      '--risk-limit',
      '0.1',
      '--seed',
      '20261103',
      '--contest',
      'mayor',
    ]);
    const list = path.join(dir, 'retrieval.csv');
    ok(['audit', 'sample', '--db', qualified, '--retrieval', list]);
    // Two workbooks of one name in two folders would get the same qualified ids: refused, nothing stored.
    const twins = path.join(dir, 'twins.db');
    ok(['election', 'load', '--db', twins, north!.definition]);
    const [a, b] = ['a', 'b'].map((d) => {
      mkdirSync(path.join(dir, d));
      const f = path.join(dir, d, 'cvr.xlsx');
      copyFileSync(d === 'a' ? north!.file : south!.file, f);
      return f;
    });
    const twin = tp(['import', '--db', twins, '--key', key, '--format', 'ess', '--qualify-ids', a!, b!]);
    expect(twin.status).not.toBe(0);
    expect(twin.stderr).toContain(`${b}: has the same file name as ${a}: --qualify-ids makes CVR ids`);
    expect(okJson(['status', '--db', twins])).toMatchObject({ cvrs: 0, imports: 0 });

    const [header, ...rows] = parse(readFileSync(list)) as string[][];
    expect(header!.slice(-3)).toEqual(['Precinct', 'Ballot Style', 'Source']);
    expect(rows.length).toBeGreaterThan(0);
    const sheets = new Map<string, string[][]>();
    for (const f of files) sheets.set(path.basename(f.file), await sheetRows(f.file));
    for (const row of rows) {
      const [precinct, style, source] = row.slice(-3);
      const [, file, n] = /^(north\.xlsx|south\.xlsx), record (\d+)$/.exec(source!)!;
      // Record n is the n-th row under the header: id, precinct and ballot style as the workbook has them.
      const [id, p, b] = sheets.get(file!)![Number(n)]!;
      expect(row[5]).toBe(`${file}:${id}`);
      expect([precinct, style]).toEqual([p, b]);
    }
  });
});
