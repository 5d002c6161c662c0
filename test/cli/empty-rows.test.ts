/**
 * An ES&S workbook of empty rows imports as that many ballots with no marks (every row the workbook holds is
 * a ballot, as RCTab counts them): the import summary says so plainly, and `import --refuse-empty` refuses
 * such a file, naming its first empty record, with nothing stored.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok, okJson, tp } from '../support/cli.js';
import { tempDir } from '../support/stores.js';

const EMPTY_ROWS = 3000;

async function workbookOfEmptyRows(file: string) {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = book.addWorksheet('Sheet1');
  sheet.addRow(['Cast Vote Record', 'Precinct', 'Ballot Style', 'Mayor Choice 1', 'Mayor Choice 2']).commit();
  sheet.addRow(['1', 'P-1', 'BS-1', 'Duson', 'Bryant']).commit();
  // Rows that hold nothing but an empty cell, as a sheet formatted far past its data does.
  for (let i = 0; i < EMPTY_ROWS; i++) {
    const row = sheet.getRow(i + 3);
    row.getCell(1).value = '';
    row.commit();
  }
  sheet.commit();
  await book.commit();
}

describe('a workbook of empty rows', () => {
  it('imports as ballots without marks, said plainly; --refuse-empty refuses it at its first empty row', async () => {
    const dir = tempDir();
    const key = path.join(dir, 'k');
    ok(['keygen', '--name', 'county.example/2026', '--out', key]);
    const file = path.join(dir, 'empty.xlsx');
    await workbookOfEmptyRows(file);

    const refusing = path.join(dir, 'refusing.db');
    const r = tp(['import', '--db', refusing, '--key', key, '--format', 'ess', '--refuse-empty', file]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `${file}: row 3 (id empty.xlsx-2): the ballot has no marks in any contest (an empty row?): refused by --refuse-empty; nothing was stored`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);

    const db = path.join(dir, 's.db');
    const out = ok(['import', '--db', db, '--key', key, '--format', 'ess', file]);
    expect(out).toContain(
      `Imported ${EMPTY_ROWS + 1} CVRs from ${file}; log size ${EMPTY_ROWS + 3}, checkpoint signed. ${EMPTY_ROWS} of the ${EMPTY_ROWS + 1} ballots have no marks in any contest (blank ballots, or empty rows of the export; import --refuse-empty refuses such a file).`,
    );
    const db2 = path.join(dir, 's2.db');
    const json = okJson(['import', '--db', db2, '--key', key, '--format', 'ess', file]) as {
      imports: { cvrs: number; withoutMarks: number }[];
    };
    expect(json.imports[0]).toMatchObject({ cvrs: EMPTY_ROWS + 1, withoutMarks: EMPTY_ROWS });
  });
});
