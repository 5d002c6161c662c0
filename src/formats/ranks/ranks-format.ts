/**
 * The long format of ranked ballots common in published open data: one CSV row per ranking,
 * `ballot_id,rank,choice`, with optional `contest`, `precinct`, `ballot_style`, `batch` and `tabulator`
 * columns (header names case-insensitive; spaces and hyphens read as `_`). Explicit markers say what a name
 * cannot: `$OVERVOTE` (an overvote at that rank, choices not named) and `$UNDERVOTE` (a skipped rank) — so
 * such data counts without a hand pivot to one row per ballot, which loses the overvotes.
 *
 * A ballot's rows must be adjacent: the reader streams, holding one ballot at a time, and a ballot whose rows
 * resume after another ballot's is refused at the resumed row (its id is then seen twice; the store's unique
 * index finds it, so memory does not grow with the ballots). Without a contest column every row is the
 * contest `--contest` names (default: the file's name).
 */
import path from 'node:path';
import type { CvrContest, Mark } from '../../core/cvr/model.js';
import { csvRows } from '../csv/csv-rows.js';
import {
  type ConvertedCvr,
  type CvrFormatReader,
  numberedLabel,
  oneFile,
  type RawRecord,
  type ReaderOptions,
} from '../cvr-format.js';
import { derivedContest, derivedDefinition, namedCandidates } from '../derived-definition.js';
import { InputError } from '../errors.js';

export const OVERVOTE_MARKER = '$OVERVOTE';
export const UNDERVOTE_MARKER = '$UNDERVOTE';

const REQUIRED = ['ballot_id', 'rank', 'choice'] as const;
const OPTIONAL = ['contest', 'precinct', 'ballot_style', 'batch', 'tabulator'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

/** A ballot's rows beyond this are not a ballot: refused rather than held. */
const MAX_ROWS_PER_BALLOT = 10_000;

export interface RanksContext {
  readonly file: string;
  /** The contest of every row when the file has no contest column. */
  readonly contest: string;
  /** 0-based column of each header name the file has. */
  readonly columns: Partial<Record<Column, number>>;
  readonly overvoteLabel: string;
  readonly undervoteLabel: string;
}

const headerName = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** One ballot as its rows: `[line, cells]` each. */
type BallotRows = [number, string[]][];

export function ranksBallotToCvr(ctx: RanksContext, raw: RawRecord, jurisdiction: string): ConvertedCvr {
  const rows = JSON.parse(raw.text) as BallotRows;
  const cellOf = (cells: string[], column: Column) => {
    const i = ctx.columns[column];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const [firstLine, firstCells] = rows[0]!;
  const id = cellOf(firstCells, 'ballot_id');
  // Details of the ballot (precinct, style, batch, tabulator): the same on every one of its rows.
  const detail = (column: Column): string | undefined => {
    const first = cellOf(firstCells, column);
    for (const [line, cells] of rows) {
      const v = cellOf(cells, column);
      if (v !== first)
        throw new InputError(
          raw.file,
          `line ${line}`,
          `ballot ${JSON.stringify(id)} has ${column} ${JSON.stringify(v)} here but ${JSON.stringify(first)} at line ${firstLine}`,
        );
    }
    return first === '' ? undefined : first;
  };
  const contests = new Map<string, { marks: Mark[]; overvotedRanks: Set<number> }>();
  for (const [line, cells] of rows) {
    const where = `line ${line}`;
    const rankText = cellOf(cells, 'rank');
    if (!/^[1-9]\d*$/.test(rankText) || !Number.isSafeInteger(Number(rankText)))
      throw new InputError(raw.file, where, `rank ${JSON.stringify(rankText)} is not a whole number from 1`);
    const rank = Number(rankText);
    const choice = cellOf(cells, 'choice');
    if (choice === '')
      throw new InputError(
        raw.file,
        where,
        `no choice at rank ${rank}: a skipped rank is written ${ctx.undervoteLabel}`,
      );
    const name = ctx.columns.contest === undefined ? ctx.contest : cellOf(cells, 'contest');
    if (name === '') throw new InputError(raw.file, where, 'no contest');
    const entry = contests.get(name) ?? { marks: [], overvotedRanks: new Set<number>() };
    contests.set(name, entry);
    if (choice === ctx.undervoteLabel) continue;
    if (choice === ctx.overvoteLabel) entry.overvotedRanks.add(rank);
    else entry.marks.push({ choice, rank });
  }
  const cvrContests: CvrContest[] = [...contests].map(([contest, e]) => ({
    contest,
    marks: e.marks,
    ...(e.overvotedRanks.size > 0 ? { overvotedRanks: [...e.overvotedRanks].sort((a, b) => a - b) } : {}),
  }));
  const precinct = detail('precinct');
  const ballotStyle = detail('ballot_style');
  const batch = detail('batch');
  const tabulator = detail('tabulator');
  return {
    cvr: {
      jurisdiction,
      id,
      ...(tabulator ? { tabulator } : {}),
      ...(batch ? { batch } : {}),
      ...(precinct ? { precinct } : {}),
      ...(ballotStyle ? { ballotStyle } : {}),
      contests: cvrContests,
    },
  };
}

async function header(file: string, o: ReaderOptions): Promise<RanksContext> {
  for await (const { cells } of csvRows(file)) {
    const columns: Partial<Record<Column, number>> = {};
    cells.forEach((h, i) => {
      const name = headerName(h);
      if (
        ((REQUIRED as readonly string[]).includes(name) || (OPTIONAL as readonly string[]).includes(name)) &&
        columns[name as Column] === undefined
      )
        columns[name as Column] = i;
    });
    const missing = REQUIRED.filter((c) => columns[c] === undefined);
    if (missing.length > 0)
      throw new InputError(
        file,
        'line 1',
        `no ${missing.join(', ')} column in the header: a ranks file is one row per ranking, headed ballot_id,rank,choice (and optionally ${OPTIONAL.join(', ')})`,
      );
    return {
      file: path.basename(file),
      contest: o.contest ?? path.basename(file).replace(/\.csv$/i, ''),
      columns,
      overvoteLabel: o.overvoteLabel ?? OVERVOTE_MARKER,
      undervoteLabel: o.undervoteLabel ?? UNDERVOTE_MARKER,
    };
  }
  throw new InputError(file, undefined, 'the file is empty');
}

export const ranksFormat: CvrFormatReader<RanksContext> = {
  name: 'ranks',
  recordLabel: numberedLabel('line'),
  files: (p) => oneFile(p, 'a ranks import is one .csv file'),
  context: (p, o) => header(p, o),
  async *records(p, ctx, _report, onBytes) {
    const idColumn = ctx.columns.ballot_id!;
    let ballot: BallotRows = [];
    let current: string | undefined;
    for await (const { line, cells } of csvRows(p, onBytes, { fullRowsFrom: 2 })) {
      if (line === 1) continue;
      const id = (cells[idColumn] ?? '').trim();
      if (id === '') throw new InputError(p, `line ${line}`, 'no ballot_id');
      if (id !== current && ballot.length > 0) {
        yield { index: ballot[0]![0], file: p, text: JSON.stringify(ballot) };
        ballot = [];
      }
      current = id;
      if (ballot.length >= MAX_ROWS_PER_BALLOT)
        throw new InputError(
          p,
          `line ${line}`,
          `ballot ${JSON.stringify(id)} has over ${MAX_ROWS_PER_BALLOT} rows`,
        );
      ballot.push([line, cells]);
    }
    if (ballot.length > 0) yield { index: ballot[0]![0], file: p, text: JSON.stringify(ballot) };
  },
  convert: ranksBallotToCvr,
  duplicateIdReason:
    "a ballot's rows must be adjacent, and this ballot's rows resume here after other ballots' rows",
  async derive(p, ctx) {
    const contests = new Map<string, { names: Set<string>; ranks: number }>();
    const precincts = new Set<string>();
    const styles = new Set<string>();
    for await (const raw of ranksFormat.records(p, ctx, {})) {
      const { cvr } = ranksBallotToCvr(ctx, raw, 'jurisdiction');
      if (cvr.precinct) precincts.add(cvr.precinct);
      if (cvr.ballotStyle) styles.add(cvr.ballotStyle);
      for (const c of cvr.contests) {
        const seen = contests.get(c.contest) ?? { names: new Set<string>(), ranks: 1 };
        contests.set(c.contest, seen);
        for (const m of c.marks) {
          seen.names.add(m.choice);
          seen.ranks = Math.max(seen.ranks, m.rank ?? 1);
        }
        for (const r of c.overvotedRanks ?? []) seen.ranks = Math.max(seen.ranks, r);
      }
    }
    const empty = [...contests].find(([, c]) => c.names.size === 0);
    if (empty)
      throw new InputError(
        p,
        undefined,
        `contest ${JSON.stringify(empty[0])} has no choice named in any row`,
      );
    return derivedDefinition({
      title: contests.size === 1 ? [...contests.keys()][0]! : ctx.file,
      precincts,
      ballotStyles: styles,
      contests: [...contests].map(([name, c]) =>
        derivedContest({
          id: name,
          title: name,
          seats: 1,
          ranks: c.ranks,
          candidates: namedCandidates(c.names),
        }),
      ),
      notes: [
        `derived from the rows: ${contests.size} ranked contests (ranks as deep as any row goes, candidates in order of appearance), ${precincts.size} precincts, ${styles.size} ballot styles`,
      ],
    });
  },
};
