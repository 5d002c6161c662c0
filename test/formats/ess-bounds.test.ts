/** ES&S workbooks that no spreadsheet writes are refused with the place and the reason, not the library's internals. */
import path from 'node:path';
import { expect, it } from 'vitest';
import { importAndRead } from '../support/import.js';
import { tempDir } from '../support/stores.js';
import { writeStoredZip } from '../support/zip.js';

/** Column letters as a spreadsheet writes them: 1 → A, 27 → AA. */
function columnName(n: number): string {
  let name = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) name = String.fromCharCode(65 + ((k - 1) % 26)) + name;
  return name;
}

/** A minimal .xlsx whose one sheet holds the given rows of inline strings; `references: false` leaves out the cell addresses. */
function workbook(file: string, rows: string[][], { references = true } = {}) {
  const cell = (v: string, row: number, column: number) =>
    `<c${references ? ` r="${columnName(column)}${row}"` : ''} t="inlineStr"><is><t>${v}</t></is></c>`;
  const sheet = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows
    .map((r, i) => `<row r="${i + 1}">${r.map((v, j) => cell(v, i + 1, j + 1)).join('')}</row>`)
    .join('')}</sheetData></worksheet>`;
  const text = (s: string) => Buffer.from(s);
  writeStoredZip(file, [
    {
      name: '[Content_Types].xml',
      bytes: text(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
      ),
    },
    {
      name: '_rels/.rels',
      bytes: text(
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      ),
    },
    {
      name: 'xl/workbook.xml',
      bytes: text(
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      bytes: text(
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
      ),
    },
    { name: 'xl/worksheets/sheet1.xml', bytes: text(sheet) },
  ]);
}

const header = ['Cast Vote Record', 'Precinct', 'Choice 1', 'Choice 2'];

it('refuses a row of more cells than a worksheet holds (past column XFD), naming where', async () => {
  const file = path.join(tempDir(), 'wide.xlsx');
  workbook(file, [
    header,
    ['1', 'P1', 'Ada', 'Grace'],
    Array.from({ length: 17_000 }, (_, i) => (i === 0 ? '2' : 'x')),
  ]);
  const error = String(await importAndRead('ess', file, { contest: 'Mayor' }).catch((e: Error) => e));
  expect(error).toMatch(
    /wide\.xlsx: after row 2: not a readable \.xlsx workbook: .*Invalid column letter: XFE/,
  );
});

it('names a sheet the spreadsheet library cannot read as malformed, without its internals', async () => {
  const file = path.join(tempDir(), 'no-addresses.xlsx');
  workbook(file, [header, ['1', 'P1', 'Ada', 'Grace']], { references: false });
  const error = String(await importAndRead('ess', file, { contest: 'Mayor' }).catch((e: Error) => e));
  expect(error).toMatch(/no-addresses\.xlsx: not a readable \.xlsx workbook: the sheet's XML is malformed/);
  expect(error).not.toMatch(/Cannot read properties|is not iterable/);
});
