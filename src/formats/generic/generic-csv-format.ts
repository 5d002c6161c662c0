/**
 * Generic CSV (RCTab's genericCsv): one row per ballot, one column per candidate of one ranked contest,
 * each cell the rank given to that candidate (empty = not ranked), with optional id, precinct and batch
 * columns. Columns are 1-based, as in an RCTab source; the candidate columns run from the first vote
 * column to the end of the header.
 */
import path from 'node:path';
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

export interface GenericCsvContext {
  readonly file: string;
  readonly contest: string;
  /** 0-based columns and the candidate each stands for. */
  readonly candidates: { column: number; name: string }[];
  readonly firstVoteRow: number;
  readonly idColumn?: number;
  readonly precinctColumn?: number;
  readonly batchColumn?: number;
}

const zeroBased = (n: number | undefined) => (n && n > 0 ? n - 1 : undefined);

export function genericRowToCvr(ctx: GenericCsvContext, raw: RawRecord, jurisdiction: string): ConvertedCvr {
  const cells = JSON.parse(raw.text) as string[];
  const cell = (c: number | undefined) => (c === undefined ? undefined : cells[c]?.trim() || undefined);
  const marks: Mark[] = [];
  for (const { column, name } of ctx.candidates) {
    const v = cell(column);
    if (v === undefined) continue;
    if (!/^[1-9]\d*$/.test(v))
      throw new InputError(
        raw.file,
        `line ${raw.index}`,
        `${JSON.stringify(name)} is ranked ${JSON.stringify(v)}, not a rank`,
      );
    marks.push({ choice: name, rank: Number(v) });
  }
  return {
    cvr: {
      jurisdiction,
      id: cell(ctx.idColumn) ?? `${ctx.file}-${raw.index - ctx.firstVoteRow + 1}`,
      ...(cell(ctx.batchColumn) ? { batch: cell(ctx.batchColumn) } : {}),
      ...(cell(ctx.precinctColumn) ? { precinct: cell(ctx.precinctColumn) } : {}),
      contests: [{ contest: ctx.contest, marks }],
    },
  };
}

export const genericCsvFormat: CvrFormatReader<GenericCsvContext> = {
  name: 'csv',
  recordLabel: numberedLabel('line'),
  files: (p) => oneFile(p, 'a generic CSV import is one .csv file'),
  async context(p, o: ReaderOptions) {
    for await (const { cells } of csvRows(p)) {
      const first = zeroBased(o.firstVoteColumn);
      if (first === undefined)
        throw new InputError(p, 'line 1', 'give the first candidate column (--first-vote-column, 1-based)');
      const candidates = cells.slice(first).map((h, i) => ({ column: first + i, name: h.trim() }));
      const blank = candidates.find((c) => c.name === '');
      if (blank)
        throw new InputError(p, 'line 1', `column ${blank.column + 1} has no candidate name in the header`);
      if (candidates.length === 0) throw new InputError(p, 'line 1', 'no candidate columns');
      return {
        file: path.basename(p),
        contest: o.contest ?? path.basename(p).replace(/\.csv$/i, ''),
        candidates,
        firstVoteRow: o.firstVoteRow ?? 2,
        idColumn: zeroBased(o.idColumn),
        precinctColumn: zeroBased(o.precinctColumn),
        batchColumn: zeroBased(o.batchColumn),
      };
    }
    throw new InputError(p, undefined, 'the file is empty');
  },
  async *records(p, ctx, _report, onBytes) {
    for await (const { line, cells } of csvRows(p, onBytes, { fullRowsFrom: ctx.firstVoteRow }))
      if (line >= ctx.firstVoteRow) yield { index: line, file: p, text: JSON.stringify(cells) };
  },
  convert: genericRowToCvr,
  async derive(p, ctx) {
    const { precincts } = await unitsSeen(genericCsvFormat, p, ctx);
    return derivedDefinition({
      title: ctx.contest,
      precincts,
      contests: [
        {
          type: 'ranked',
          id: ctx.contest,
          title: ctx.contest,
          seats: 1,
          maxRankings: ctx.candidates.length,
          candidates: ctx.candidates.map((c) => ({
            id: c.name,
            name: c.name,
            ...(/^write-?in/i.test(c.name) ? { writeIn: true } : {}),
          })),
        },
      ],
      notes: [
        `derived from the CSV header: one ranked contest "${ctx.contest}" with ${ctx.candidates.length} candidates, ${precincts.size} precincts`,
      ],
    });
  },
};
