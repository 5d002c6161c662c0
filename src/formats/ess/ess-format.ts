/**
 * ES&S ballot-per-row exports (.xlsx or .csv) as RCTab reads them: one row per ballot, one ranked contest per
 * file with a column per rank, cells holding a candidate's name, `overvote` or `undervote`. The layout is
 * detected from the header row (`Cast Vote Record`, `Precinct`, `Ballot Style`, `… Choice N …` / `Nth Choice`)
 * and can be given explicitly, as in an RCTab cvrFileSource (1-based columns and rows).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Row } from 'exceljs';
import type { Mark } from '../../core/cvr/model.js';
import { csvRows } from '../csv/csv-rows.js';
import {
  type ConvertedCvr,
  type CvrFormatReader,
  numberedLabel,
  oneFile,
  type RawRecord,
  type ReaderOptions,
} from '../cvr-format.js';
import { derivedDefinition, unitsSeen } from '../derived-definition.js';
import { InputError } from '../errors.js';
import { children, parseSmallXml, type XmlElement } from '../xml/small-xml.js';
import { checkZip, zipEntries } from '../zip-check.js';

export interface EssContext {
  readonly file: string;
  readonly contest: string;
  readonly firstVoteColumn: number;
  readonly rankColumns: number;
  readonly firstVoteRow: number;
  readonly idColumn?: number;
  readonly precinctColumn?: number;
  readonly ballotStyleColumn?: number;
  readonly batchColumn?: number;
  readonly overvoteLabel: string;
  readonly undervoteLabel: string;
  readonly blankAsWriteIn?: string;
  readonly overvoteDelimiter?: string;
}

type Cells = (string | null)[];

function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return cellText(o.text);
    if (o.result !== undefined) return cellText(o.result);
  }
  return String(v);
}

type Unresolved = { sharedString: number };
const isUnresolved = (v: unknown): v is Unresolved =>
  typeof v === 'object' && v !== null && typeof (v as Unresolved).sharedString === 'number';

/** The workbook's shared-string table, read from the archive itself (`xl/sharedStrings.xml`). */
export async function sharedStringsOf(file: string): Promise<string[]> {
  // Phonetic runs (rPh) are reading aids, not part of the text.
  const textOf = (el: XmlElement): string =>
    el.name === 't' ? el.text : el.name === 'rPh' ? '' : el.children.map(textOf).join('');
  for await (const { bytes } of zipEntries(file, (n) => n === 'xl/sharedStrings.xml'))
    return children(parseSmallXml(bytes.toString('utf8')), 'si').map(textOf);
  return [];
}

/** Rows as 1-based cell arrays (index 0 unused), with their 1-based row numbers. */
async function* rows(
  file: string,
  onBytes?: (n: number) => void,
): AsyncGenerator<{ row: number; cells: Cells }> {
  if (/\.csv$/i.test(file)) {
    for await (const { line, cells } of csvRows(file, onBytes))
      yield { row: line, cells: [null, ...cells.map((c) => (c === '' ? null : c))] };
    return;
  }
  const size = (await stat(file)).size;
  await checkZip(file);
  // exceljs takes about half a second to load: only a workbook import pays for it (every other command,
  // and every import worker thread, starts without it).
  const { default: ExcelJS } = await import('exceljs');
  let lastRow: number | undefined;
  try {
    const workbook = new ExcelJS.stream.xlsx.WorkbookReader(file, {
      sharedStrings: 'cache',
      worksheets: 'emit',
      hyperlinks: 'ignore',
      styles: 'ignore',
    });
    let sheets = 0;
    let shared: string[] | undefined;
    for await (const sheet of workbook) {
      if (sheets++ > 0) break; // the ballots are on the first sheet
      for await (const r of sheet as AsyncIterable<Row>) {
        lastRow = r.number;
        const values = r.values as unknown[];
        // When the sheet comes before the shared strings in the archive, exceljs now and then emits rows
        // before it has read them (found as a rare flaky test): resolve those cells from the table ourselves.
        if (values.some(isUnresolved)) shared ??= await sharedStringsOf(file);
        yield {
          row: r.number,
          cells: Array.from({ length: values.length }, (_, i) => {
            const v = values[i];
            return i === 0 ? null : cellText(isUnresolved(v) ? shared?.[v.sharedString] : v);
          }),
        };
      }
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    // The spreadsheet library's own failures (a TypeError on a malformed sheet) say where, not its internals.
    throw new InputError(
      file,
      lastRow === undefined ? undefined : `after row ${lastRow}`,
      `not a readable .xlsx workbook: the sheet's XML is malformed${e instanceof TypeError ? '' : ` (${(e as Error).message.split('\n')[0]})`}`,
    );
  }
  onBytes?.(size);
}

const RANK_HEADER = /choice|rank/i;
/** An explicit column, 0 for "there is none", or the one the header suggests. */
const column = (given: number | undefined, detect: () => number | undefined) =>
  given === 0 ? undefined : (given ?? detect());
const findColumn = (header: Cells, pattern: RegExp) => {
  const i = header.findIndex((h) => h !== null && pattern.test(h));
  return i > 0 ? i : undefined;
};

async function layout(file: string, o: ReaderOptions): Promise<EssContext> {
  let header: Cells | undefined;
  for await (const r of rows(file)) {
    header = r.cells;
    break;
  }
  if (!header) throw new InputError(file, undefined, 'the file is empty');
  const firstVoteColumn = o.firstVoteColumn ?? findColumn(header, RANK_HEADER);
  if (!firstVoteColumn)
    throw new InputError(
      file,
      'row 1',
      'no "Choice" or "Rank" column in the header: give the first vote column (--first-vote-column)',
    );
  let rankColumns = 0;
  const auto = RANK_HEADER.test(header[firstVoteColumn] ?? '');
  for (let c = firstVoteColumn; c < header.length; c++) {
    if (auto && !RANK_HEADER.test(header[c] ?? '')) break;
    rankColumns++;
  }
  // "For Mayor Choice 1 (45)" → "For Mayor"; "1ST CHOICE PARK COMMISSIONER" → "PARK COMMISSIONER"; "1st Choice" → ""
  const title = (header[firstVoteColumn] ?? '')
    .replace(/\s*(choice|rank)\s*\d+.*$/i, '')
    .replace(/^\d+(st|nd|rd|th)\s+(choice|rank)\s*/i, '')
    .trim();
  return {
    file: path.basename(file),
    contest: o.contest ?? (title || path.basename(file).replace(/\.(xlsx|csv)$/i, '')),
    firstVoteColumn,
    rankColumns: Math.max(1, o.rankColumns ?? rankColumns),
    firstVoteRow: o.firstVoteRow ?? 2,
    idColumn: column(o.idColumn, () => findColumn(header, /^cast vote record$/i)),
    precinctColumn: column(o.precinctColumn, () => findColumn(header, /^precinct$/i)),
    ballotStyleColumn: findColumn(header, /^ballot style$/i),
    batchColumn: column(o.batchColumn, () => undefined),
    overvoteLabel: o.overvoteLabel ?? 'overvote',
    undervoteLabel: o.undervoteLabel ?? 'undervote',
    overvoteDelimiter: o.overvoteDelimiter,
    ...(o.blankAsWriteIn ? { blankAsWriteIn: o.blankAsWriteIn } : {}),
  };
}

export function essRowToCvr(ctx: EssContext, raw: RawRecord, jurisdiction: string): ConvertedCvr {
  const cells = JSON.parse(raw.text) as Cells;
  const cell = (c: number | undefined) => (c === undefined ? undefined : cells[c]?.trim() || undefined);
  const marks: Mark[] = [];
  const overvotedRanks: number[] = [];
  for (let r = 0; r < ctx.rankColumns; r++) {
    const value = cell(ctx.firstVoteColumn + r) ?? ctx.blankAsWriteIn;
    const rank = r + 1;
    if (value === undefined || value === ctx.undervoteLabel) continue;
    if (value === ctx.overvoteLabel) overvotedRanks.push(rank);
    else if (ctx.overvoteDelimiter && value.includes(ctx.overvoteDelimiter))
      for (const name of value.split(ctx.overvoteDelimiter)) marks.push({ choice: name.trim(), rank });
    else marks.push({ choice: value, rank });
  }
  const id = cell(ctx.idColumn) ?? `${ctx.file}-${raw.index - ctx.firstVoteRow + 1}`;
  return {
    cvr: {
      jurisdiction,
      id,
      ...(cell(ctx.batchColumn) ? { batch: cell(ctx.batchColumn) } : {}),
      ...(cell(ctx.precinctColumn) ? { precinct: cell(ctx.precinctColumn) } : {}),
      ...(cell(ctx.ballotStyleColumn) ? { ballotStyle: cell(ctx.ballotStyleColumn) } : {}),
      contests: [{ contest: ctx.contest, marks, ...(overvotedRanks.length ? { overvotedRanks } : {}) }],
    },
  };
}

export const essFormat: CvrFormatReader<EssContext> = {
  name: 'ess',
  recordLabel: numberedLabel('row'),
  async files(p) {
    if (!/\.(xlsx|csv)$/i.test(p))
      throw new InputError(p, undefined, 'an ES&S export is an .xlsx or .csv file');
    return oneFile(p, 'an ES&S import is one .xlsx or .csv file');
  },
  context: (p, o) => layout(p, o),
  async *records(p, ctx, _report, onBytes) {
    // Every row the workbook holds from the first vote row on is a ballot, an empty one included (a ballot
    // with every rank skipped): RCTab counts them so, and the vendor wrote them. Empty CSV lines are not rows.
    for await (const { row, cells } of rows(p, onBytes)) {
      if (row < ctx.firstVoteRow) continue;
      yield { index: row, file: p, text: JSON.stringify(cells) };
    }
  },
  convert: essRowToCvr,
  async derive(p, ctx) {
    const names = new Set<string>();
    const { precincts, styles } = await unitsSeen(essFormat, p, ctx, (cvr) => {
      for (const m of cvr.contests[0]!.marks) names.add(m.choice);
    });
    if (names.size === 0) throw new InputError(p, undefined, 'no candidate names in the vote columns');
    return derivedDefinition({
      title: ctx.contest,
      precincts,
      ballotStyles: styles,
      contests: [
        {
          type: 'ranked',
          id: ctx.contest,
          title: ctx.contest,
          seats: 1,
          maxRankings: ctx.rankColumns,
          candidates: [...names].map((n) => ({ id: n, name: n })),
        },
      ],
      notes: [
        `derived from the ES&S columns: one ranked contest "${ctx.contest}" with ${ctx.rankColumns} ranks and ${names.size} candidates (by name, in order of appearance), ${precincts.size} precincts`,
      ],
    });
  },
};
