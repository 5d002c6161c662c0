/**
 * Clear Ballot ClearVote CVR export (CSV): one row per ballot, `RowNumber, BoxID, BoxPosition, BallotID,
 * PrecinctID, BallotStyleID, …, ScanComputerName, …` and one column per choice (and rank) headed
 * `Choice_<n>_<m>:<Contest>:[<Rank>:]Vote For <N>:<Choice>:<Party>` (or `Number of Winners <N>`), holding 1
 * where marked; header cells are CSV like any row (quoted when a contest name holds a comma).
 * Contests and choices are named, and resolved to the definition's ids by name.
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

interface ChoiceColumn {
  readonly column: number;
  readonly contest: string;
  readonly rank?: number;
  readonly voteFor: number;
  readonly choice: string;
}

export interface ClearBallotContext {
  readonly choices: ChoiceColumn[];
  /** Fixed columns by header name → 0-based column. */
  readonly fixed: Record<string, number>;
}

/** The ballot columns before the choice columns. */
export const CLEAR_BALLOT_FIXED_COLUMNS = [
  'RowNumber',
  'BoxID',
  'BoxPosition',
  'BallotID',
  'PrecinctID',
  'BallotStyleID',
  'ScanComputerName',
];

const VOTE_FOR = /^(?:Vote For|Number of Winners) \d+$/i;

export function parseChoiceHeader(header: string, column: number): ChoiceColumn | undefined {
  if (!header.startsWith('Choice_')) return undefined;
  const parts = header.split(':');
  // Choice_n_m : contest : [rank :] Vote For N : choice : party — contest and choice may hold ':' only at the ends we can't split.
  // `Vote For N` in most exports, `Number of Winners N` in ranked ones (Portland's, for one).
  const voteForAt = parts.findIndex((p, i) => i >= 2 && VOTE_FOR.test(p.trim()));
  if (voteForAt < 2 || voteForAt + 1 >= parts.length) return undefined;
  const rankPart = parts[voteForAt - 1]!;
  const ranked = voteForAt >= 3 && /^\d+$/.test(rankPart.trim());
  const contest = parts
    .slice(1, ranked ? voteForAt - 1 : voteForAt)
    .join(':')
    .trim();
  const choice = parts
    .slice(voteForAt + 1, parts.length > voteForAt + 2 ? -1 : undefined)
    .join(':')
    .trim();
  const voteFor = Number(/\d+/.exec(parts[voteForAt]!)![0]);
  return { column, contest, ...(ranked ? { rank: Number(rankPart) } : {}), voteFor, choice };
}

export function clearBallotRowToCvr(
  ctx: ClearBallotContext,
  raw: RawRecord,
  jurisdiction: string,
): ConvertedCvr {
  const cells = JSON.parse(raw.text) as string[];
  const at = (name: string) => {
    const i = ctx.fixed[name];
    const v = i === undefined ? undefined : cells[i]?.trim();
    return v ? v : undefined;
  };
  const contests = new Map<string, Mark[]>();
  for (const c of ctx.choices) {
    const v = cells[c.column]?.trim();
    if (v === undefined || v === '') continue; // not on this ballot
    const marks = contests.get(c.contest) ?? [];
    contests.set(c.contest, marks);
    if (!/^\d+$/.test(v))
      throw new InputError(
        raw.file,
        `line ${raw.index}`,
        `column ${c.column + 1} holds ${JSON.stringify(v)}, not a mark count`,
      );
    if (Number(v) > 0) marks.push({ choice: c.choice, ...(c.rank !== undefined ? { rank: c.rank } : {}) });
  }
  const id = at('BallotID') ?? at('RowNumber');
  if (!id) throw new InputError(raw.file, `line ${raw.index}`, 'no BallotID or RowNumber');
  const position = at('BoxPosition');
  if (position !== undefined && !/^\d+$/.test(position))
    throw new InputError(
      raw.file,
      `line ${raw.index}`,
      `BoxPosition ${JSON.stringify(position)} is not a place in the box (a whole number, 0 or more)`,
    );
  return {
    cvr: {
      jurisdiction,
      id,
      ...(at('ScanComputerName') ? { tabulator: at('ScanComputerName') } : {}),
      ...(at('BoxID') ? { batch: at('BoxID') } : {}),
      ...(position !== undefined ? { position: Number(position) } : {}),
      ...(at('PrecinctID') ? { precinct: at('PrecinctID') } : {}),
      ...(at('BallotStyleID') ? { ballotStyle: at('BallotStyleID') } : {}),
      contests: [...contests.entries()].map(([contest, marks]) => ({ contest, marks })),
    },
  };
}

export const clearBallotFormat: CvrFormatReader<ClearBallotContext> = {
  name: 'clearballot',
  recordLabel: numberedLabel('line'),
  files: (p) => oneFile(p, 'a Clear Ballot import is one CSV file'),
  async context(p) {
    for await (const { cells } of csvRows(p)) {
      const choices = cells.flatMap((h, i) => parseChoiceHeader(h, i) ?? []);
      if (choices.length === 0)
        throw new InputError(p, 'line 1', 'no Choice_… columns: not a Clear Ballot CVR export');
      if (!cells.includes('BallotID') && !cells.includes('RowNumber'))
        throw new InputError(
          p,
          'line 1',
          'neither a BallotID nor a RowNumber column: not a Clear Ballot CVR export',
        );
      return {
        choices,
        fixed: Object.fromEntries(
          CLEAR_BALLOT_FIXED_COLUMNS.flatMap((name) =>
            cells.includes(name) ? [[name, cells.indexOf(name)]] : [],
          ),
        ),
      };
    }
    throw new InputError(p, undefined, 'the file is empty');
  },
  async *records(p, _ctx, _report, onBytes) {
    for await (const { line, cells } of csvRows(p, onBytes, { fullRowsFrom: 2 }))
      if (line > 1) yield { index: line, file: p, text: JSON.stringify(cells) };
  },
  convert: clearBallotRowToCvr,
  async derive(p, ctx) {
    const { precincts, styles } = await unitsSeen(clearBallotFormat, p, ctx);
    const contests = new Map<string, { voteFor: number; maxRank: number; choices: string[] }>();
    for (const c of ctx.choices) {
      const entry = contests.get(c.contest) ?? { voteFor: c.voteFor, maxRank: 0, choices: [] };
      contests.set(c.contest, entry);
      entry.maxRank = Math.max(entry.maxRank, c.rank ?? 0);
      if (!entry.choices.includes(c.choice)) entry.choices.push(c.choice);
    }
    return derivedDefinition({
      title: 'Election',
      precincts,
      ballotStyles: styles,
      contests: [...contests.entries()].map(([name, c]) =>
        // Clear Ballot heads write-in columns "Write-in": those are write-in slots, not candidates.
        derivedContest({
          id: name,
          title: name,
          seats: c.voteFor,
          ranks: c.maxRank,
          candidates: namedCandidates(c.choices),
        }),
      ),
      notes: [
        `derived from the Clear Ballot column headers and rows: ${contests.size} contests, ${precincts.size} precincts, ${styles.size} ballot styles`,
      ],
    });
  },
};
