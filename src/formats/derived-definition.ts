/** The one way readers build a definition derived from an export: defaults, serialisation, and the notes. */
import { utf8 } from '../core/bytes.js';
import type { Cvr } from '../core/cvr/model.js';
import { isWriteInLabel } from '../core/cvr/resolve.js';
import type { CandidateContest, Contest, Election } from '../core/election/schema.js';
import type { CvrFormatReader, DerivedDefinition } from './cvr-format.js';

type Candidate = CandidateContest['candidates'][number];

export const DERIVED_JURISDICTION = 'jurisdiction';

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'election';

type Precinct = Election['precincts'][number];

export function derivedDefinition(parts: {
  readonly title: string;
  readonly id?: string;
  /** YYYY-MM-DD; when the export does not say, 1970-01-01 and a note. */
  readonly date?: string;
  readonly jurisdiction?: { id: string; name: string };
  /** Precinct ids (named by themselves) or whole precincts. */
  readonly precincts?: Iterable<string | Precinct>;
  readonly ballotStyles?: Iterable<string>;
  readonly contests: Contest[];
  readonly notes: string[];
}): DerivedDefinition {
  const jurisdiction = parts.jurisdiction ?? { id: DERIVED_JURISDICTION, name: 'Jurisdiction' };
  const precincts = [...(parts.precincts ?? [])].map((p) =>
    typeof p === 'string' ? { id: p, name: p, jurisdiction: jurisdiction.id, districts: [], splits: [] } : p,
  );
  const election: Election = {
    format: 'tallyproof-election/1',
    id: parts.id ?? slug(parts.title),
    title: parts.title,
    date: parts.date ?? '1970-01-01',
    jurisdictions: [jurisdiction],
    parties: [],
    districts: [],
    precincts: precincts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    ballotStyles: [...(parts.ballotStyles ?? [])].sort().map((id) => ({ id, precincts: [], districts: [] })),
    contests: parts.contests,
  };
  const notes = parts.date
    ? parts.notes
    : [...parts.notes, 'no election date in the export: recorded as 1970-01-01'];
  return { bytes: utf8(`${JSON.stringify(election, null, 2)}\n`), notes };
}

/** A contest as an export describes it: ranked when it states ranks, else vote-for-`seats`. */
export function derivedContest(c: {
  readonly id: string;
  readonly title: string;
  readonly seats: number;
  /** Ranks allowed; absent (or 0) for a contest that is not ranked. */
  readonly ranks?: number;
  readonly candidates: Candidate[];
}): Contest {
  const { id, title, seats, candidates } = c;
  return c.ranks
    ? { type: 'ranked', id, title, seats, maxRankings: c.ranks, candidates }
    : { type: 'candidate', id, title, seats, votesAllowed: seats, candidates };
}

/** Candidates an export knows only by name, each its own id; a column headed "Write-in" is a write-in slot. */
export const namedCandidates = (names: Iterable<string>): Candidate[] =>
  [...new Set(names)].map((n) => ({
    id: n,
    name: n,
    ...(isWriteInLabel(n) ? { writeIn: true } : {}),
  }));

/** The precincts and ballot styles an export's ballots name (one pass over its records), for its derived definition. */
export async function unitsSeen<Ctx>(
  reader: CvrFormatReader<Ctx>,
  exportPath: string,
  ctx: Ctx,
  each?: (cvr: Cvr) => void,
): Promise<{ precincts: Set<string>; styles: Set<string> }> {
  const precincts = new Set<string>();
  const styles = new Set<string>();
  for await (const raw of reader.records(exportPath, ctx, {})) {
    const { cvr } = reader.convert(ctx, raw, DERIVED_JURISDICTION);
    each?.(cvr);
    if (cvr.precinct) precincts.add(cvr.precinct);
    if (cvr.ballotStyle) styles.add(cvr.ballotStyle);
  }
  return { precincts, styles };
}
