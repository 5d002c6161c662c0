/** The one way readers build a definition derived from an export: defaults, serialisation, and the notes. */
import path from 'node:path';
import { utf8 } from '../core/bytes.js';
import type { Cvr } from '../core/cvr/model.js';
import { isWriteInLabel } from '../core/cvr/resolve.js';
import type { CandidateContest, Contest, Election } from '../core/election/schema.js';
import type { CvrFormatReader, DerivedDefinition } from './cvr-format.js';
import { InputError } from './errors.js';

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

/**
 * One definition derived from several exports (an import of several files with no definition loaded): every
 * file's contests, choices, precincts, splits and ballot styles, each once by id, in the order first seen;
 * title, id and date from the first. A contest two files describe differently (type, seats) is refused; a
 * ranked contest takes the most ranks any file allows (a workbook may have fewer rank columns).
 */
export function mergeDerivedDefinitions(
  parts: readonly { readonly file: string; readonly definition: DerivedDefinition }[],
): DerivedDefinition {
  const [first, ...rest] = parts;
  if (!first) throw new Error('no definitions to merge');
  if (rest.length === 0) return first.definition;
  const text = new TextDecoder();
  const parse = (d: DerivedDefinition) => JSON.parse(text.decode(d.bytes)) as Election;
  const merged = parse(first.definition);
  const notes = [...first.definition.notes];
  const byId = <T extends { id: string }>(into: T[], from: readonly T[], join?: (a: T, b: T) => T) => {
    for (const item of from) {
      const at = into.findIndex((x) => x.id === item.id);
      if (at < 0) into.push(item);
      else if (join) into[at] = join(into[at]!, item);
    }
  };
  const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
  for (const { file, definition } of rest) {
    const e = parse(definition);
    notes.push(...definition.notes.map((n) => `${path.basename(file)}: ${n}`));
    byId(merged.jurisdictions, e.jurisdictions);
    byId(merged.parties, e.parties);
    byId(merged.districts, e.districts);
    byId(merged.precincts, e.precincts, (a, b) => {
      const splits = [...a.splits];
      byId(splits, b.splits);
      return { ...a, districts: union(a.districts, b.districts), splits };
    });
    byId(merged.ballotStyles, e.ballotStyles, (a, b) => ({
      ...a,
      precincts: union(a.precincts, b.precincts),
      districts: union(a.districts, b.districts),
    }));
    byId(merged.contests, e.contests, (a, b) => {
      const seats = (c: Contest) => (c.type === 'yesno' ? 1 : c.seats);
      if (a.type !== b.type || seats(a) !== seats(b))
        throw new InputError(
          file,
          undefined,
          `contest ${JSON.stringify(a.id)} is ${describe(b)} in this export but ${describe(a)} in ${path.basename(first.file)}: the exports do not describe one election`,
        );
      if (a.type === 'yesno' && b.type === 'yesno') {
        const choices = [...a.choices];
        byId(choices, b.choices);
        return { ...a, choices };
      }
      if (a.type === 'yesno' || b.type === 'yesno') return a;
      const candidates = [...a.candidates];
      byId(candidates, b.candidates);
      if (a.type === 'ranked' && b.type === 'ranked')
        return { ...a, candidates, maxRankings: Math.max(a.maxRankings, b.maxRankings) };
      if (a.type === 'candidate' && b.type === 'candidate')
        return { ...a, candidates, votesAllowed: Math.max(a.votesAllowed, b.votesAllowed) };
      return a;
    });
  }
  merged.precincts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  merged.ballotStyles.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { bytes: utf8(`${JSON.stringify(merged, null, 2)}\n`), notes };
}

const describe = (c: Contest) =>
  c.type === 'yesno'
    ? 'a yes/no contest'
    : `${c.type === 'ranked' ? 'ranked' : 'vote for'} (${c.seats} seats)`;
