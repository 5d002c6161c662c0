/**
 * Dominion Democracy Suite CVR export as CSV (the "CVR export" report Arlo and state audit centres take):
 * four header rows — election name and version; `Contest (Vote For=N)` (or, ranked, `Contest (Number of
 * positions=N, Number of ranks=R)`) over every choice column; the choice names (ranked: `Name(k)` per rank);
 * `CvrNumber, TabulatorNum, BatchId, RecordId, ImprintedId[, CountingGroup][, PrecinctPortion], BallotType`
 * followed by each choice's party — then one row per ballot, 1 where marked, 0 where not, blank where the
 * contest is not on the ballot. Excel-safe cells (`="102-1-50"`) are read as their text.
 * Contests, choices and precinct portions are named, and resolved to the definition's ids by name; the CVR
 * id is `TabulatorNum-BatchId-RecordId`, as the JSON export's reader makes it.
 */
import type { Mark } from '../../core/cvr/model.js';
import { csvRows } from '../csv/csv-rows.js';
import {
  type ConvertedCvr,
  type CvrFormatReader,
  numberedLabel,
  oneFile,
  type RawRecord,
} from '../cvr-format.js';
import { derivedContest, derivedDefinition, namedCandidates, unitsSeen } from '../derived-definition.js';
import { InputError } from '../errors.js';

interface ContestColumns {
  readonly name: string;
  /** Votes allowed; for a ranked contest, its positions (seats). */
  readonly voteFor: number;
  /** Ranks a ranked contest allows; absent for a contest that is not ranked. */
  readonly ranks?: number;
  readonly columns: { readonly column: number; readonly choice: string; readonly rank?: number }[];
}

export interface DominionCsvContext {
  readonly election: string;
  readonly contests: ContestColumns[];
  /** Ballot columns before the first contest column, by header name → 0-based column. */
  readonly fixed: Record<string, number>;
}

const HEADER_ROWS = 4;
const EXCEL_CELLS = { relaxQuotes: true };
const REQUIRED_COLUMNS = ['CvrNumber', 'TabulatorNum', 'BatchId', 'RecordId'];

/** `="text"`, as Dominion writes cells Excel must not reinterpret, is `text`. */
export const cellText = (cell: string | undefined): string => {
  const v = (cell ?? '').trim();
  return v.startsWith('="') && v.endsWith('"') ? v.slice(2, -1) : v;
};

export function parseContestHeader(
  header: string,
): { name: string; voteFor: number; ranks?: number } | undefined {
  const text = header.replace(/\s+/g, ' ').trim();
  const plain = /^(.+) \(Vote For=(\d+)\)$/.exec(text);
  if (plain) return { name: plain[1]!, voteFor: Number(plain[2]) };
  const ranked = /^(.+) \(Number of positions=(\d+), Number of ranks=(\d+)\)$/.exec(text);
  if (ranked) return { name: ranked[1]!, voteFor: Number(ranked[2]), ranks: Number(ranked[3]) };
  return undefined;
}

/** The four header rows → where each contest's choices are; refused with the row and column that is wrong. */
export function contestColumns(file: string, rows: readonly string[][]): DominionCsvContext {
  const [title, contestRow, choiceRow, fieldRow] = rows.map((r) => r.map(cellText));
  if (!title || !contestRow || !choiceRow || !fieldRow)
    throw new InputError(file, undefined, `the file ends inside its ${HEADER_ROWS} header rows`);
  const first = contestRow.findIndex((c) => c !== '');
  if (first < 0) throw new InputError(file, 'line 2', 'no contest columns: not a Dominion CVR export');
  const fixed: Record<string, number> = {};
  fieldRow.slice(0, first).forEach((name, i) => {
    if (name) fixed[name] = i;
  });
  const missing = REQUIRED_COLUMNS.filter((c) => fixed[c] === undefined);
  if (missing.length > 0)
    throw new InputError(
      file,
      'line 4',
      `no ${missing.join(', ')} column before the contest columns: not a Dominion CVR export`,
    );
  const contests = new Map<string, ContestColumns>();
  for (let column = first; column < contestRow.length; column++) {
    const header = contestRow[column]!;
    if (header === '') continue;
    const where = `line 2, column ${column + 1}`;
    const c = parseContestHeader(header);
    if (!c)
      throw new InputError(
        file,
        where,
        `${JSON.stringify(header)} is not "Contest (Vote For=N)" or "Contest (Number of positions=N, Number of ranks=R)"`,
      );
    const entry = contests.get(c.name) ?? { ...c, columns: [] };
    contests.set(c.name, entry);
    if (entry.voteFor !== c.voteFor || entry.ranks !== c.ranks)
      throw new InputError(file, where, `contest "${c.name}" is headed two ways: ${JSON.stringify(header)}`);
    const label = choiceRow[column] ?? '';
    const byRank = c.ranks === undefined ? undefined : /^(.+)\((\d+)\)$/.exec(label);
    if (c.ranks !== undefined && (!byRank || Number(byRank[2]) < 1 || Number(byRank[2]) > c.ranks))
      throw new InputError(
        file,
        `line 3, column ${column + 1}`,
        `ranked contest "${c.name}": choice ${JSON.stringify(label)} is not "Name(rank)" with a rank from 1 to ${c.ranks}`,
      );
    const choice = (byRank ? byRank[1]! : label).trim();
    const rank = byRank ? Number(byRank[2]) : undefined;
    if (choice === '')
      throw new InputError(file, `line 3, column ${column + 1}`, `contest "${c.name}": a choice has no name`);
    if (entry.columns.some((x) => x.choice === choice && x.rank === rank))
      throw new InputError(
        file,
        `line 3, column ${column + 1}`,
        `contest "${c.name}": choice "${choice}"${rank ? ` at rank ${rank}` : ''} has two columns`,
      );
    entry.columns.push({ column, choice, ...(rank !== undefined ? { rank } : {}) });
  }
  return { election: title[0] ?? '', contests: [...contests.values()], fixed };
}

export function dominionCsvRowToCvr(
  ctx: DominionCsvContext,
  raw: RawRecord,
  jurisdiction: string,
): ConvertedCvr {
  const cells = JSON.parse(raw.text) as string[];
  const line = `line ${raw.index}`;
  const at = (name: string) => {
    const i = ctx.fixed[name];
    const v = i === undefined ? '' : cellText(cells[i]);
    return v === '' ? undefined : v;
  };
  const need = (name: string) => {
    const v = at(name);
    if (v === undefined) throw new InputError(raw.file, line, `no ${name}`);
    return v;
  };
  const [tabulator, batch, record] = [need('TabulatorNum'), need('BatchId'), need('RecordId')];
  need('CvrNumber');
  const contests: { contest: string; marks: Mark[] }[] = [];
  for (const c of ctx.contests) {
    const values = c.columns.map((x) => cellText(cells[x.column]));
    const blank = values.filter((v) => v === '').length;
    if (blank === values.length) continue; // not on this ballot
    if (blank > 0)
      throw new InputError(
        raw.file,
        line,
        `contest "${c.name}" is blank in ${blank} of its ${values.length} columns: a ballot has all of a contest or none`,
      );
    const marks: Mark[] = [];
    values.forEach((v, i) => {
      const col = c.columns[i]!;
      if (v !== '0' && v !== '1')
        throw new InputError(
          raw.file,
          line,
          `column ${col.column + 1} (contest "${c.name}") holds ${JSON.stringify(v)}, not 0 or 1`,
        );
      if (v === '1')
        marks.push({ choice: col.choice, ...(col.rank !== undefined ? { rank: col.rank } : {}) });
    });
    contests.push({ contest: c.name, marks });
  }
  const position = Number(record);
  const imprinted = at('ImprintedId');
  const portion = at('PrecinctPortion');
  const style = at('BallotType');
  const group = at('CountingGroup');
  return {
    cvr: {
      jurisdiction,
      id: `${tabulator}-${batch}-${record}`,
      tabulator,
      batch,
      ...(Number.isSafeInteger(position) && position >= 0 ? { position } : {}),
      ...(imprinted ? { imprintedId: imprinted } : {}),
      ...(portion ? { precinct: portion } : {}),
      ...(style ? { ballotStyle: style } : {}),
      ...(group ? { countingGroup: group } : {}),
      contests,
    },
  };
}

export const dominionCsvFormat: CvrFormatReader<DominionCsvContext> = {
  name: 'dominion',
  recordLabel: numberedLabel('line'),
  files: (p) => oneFile(p, 'a Dominion CSV export is one CSV file'),
  async context(p) {
    const rows: string[][] = [];
    for await (const { cells } of csvRows(p, undefined, EXCEL_CELLS)) {
      rows.push(cells);
      if (rows.length === HEADER_ROWS) break;
    }
    if (rows.length === 0) throw new InputError(p, undefined, 'the file is empty');
    return contestColumns(p, rows);
  },
  async *records(p, _ctx, _report, onBytes) {
    for await (const { line, cells } of csvRows(p, onBytes, {
      ...EXCEL_CELLS,
      fullRowsFrom: HEADER_ROWS + 1,
    }))
      if (line > HEADER_ROWS) yield { index: line, file: p, text: JSON.stringify(cells) };
  },
  convert: dominionCsvRowToCvr,
  async derive(p, ctx) {
    const { precincts, styles } = await unitsSeen(dominionCsvFormat, p, ctx);
    return derivedDefinition({
      title: ctx.election || 'Election',
      precincts,
      ballotStyles: styles,
      contests: ctx.contests.map((c) =>
        derivedContest({
          id: c.name,
          title: c.name,
          seats: c.voteFor,
          ranks: c.ranks,
          candidates: namedCandidates(c.columns.map((x) => x.choice)),
        }),
      ),
      notes: [
        `derived from the Dominion CSV header rows and ballot rows: ${ctx.contests.length} contests, ${precincts.size} precinct portions, ${styles.size} ballot types`,
      ],
    });
  },
};
