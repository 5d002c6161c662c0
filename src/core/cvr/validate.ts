/**
 * Checks a CVR against the election definition; returns the first problem as a sentence, or null. A miss
 * suggests the closest id or name: exports written by name reach here when a name did not resolve.
 */
import { didYouMean } from '../closest.js';
import { type Contest, choicesOf, type Election } from '../election/schema.js';
import { type Cvr, cvrFieldProblem } from './model.js';
import type { VendorNames } from './resolve.js';

export interface DefinitionIndex {
  readonly jurisdictions: ReadonlySet<string>;
  readonly contests: ReadonlyMap<string, { contest: Contest; choices: ReadonlySet<string> }>;
  /** precinct or split id → jurisdiction */
  readonly units: ReadonlyMap<string, string>;
  /** precinct and split names, for suggestions */
  readonly unitNames?: readonly string[];
  readonly ballotStyles: ReadonlySet<string>;
  /** ballot style id → the precincts or splits it is used in and the districts it carries (empty: not stated) */
  readonly styles: ReadonlyMap<string, { precincts: ReadonlySet<string>; districts: ReadonlySet<string> }>;
  /** split id → its precinct */
  readonly parents: ReadonlyMap<string, string>;
}

export function indexDefinition(e: Election): DefinitionIndex {
  const units = new Map<string, string>();
  const parents = new Map<string, string>();
  for (const p of e.precincts) {
    units.set(p.id, p.jurisdiction);
    for (const s of p.splits) {
      units.set(s.id, p.jurisdiction);
      parents.set(s.id, p.id);
    }
  }
  return {
    jurisdictions: new Set(e.jurisdictions.map((j) => j.id)),
    contests: new Map(
      e.contests.map((c) => [c.id, { contest: c, choices: new Set(choicesOf(c).map((x) => x.id)) }]),
    ),
    units,
    unitNames: e.precincts.flatMap((p) => [p.name, ...p.splits.map((x) => x.name)]),
    ballotStyles: new Set(e.ballotStyles.map((b) => b.id)),
    styles: new Map(
      e.ballotStyles.map((b) => [b.id, { precincts: new Set(b.precincts), districts: new Set(b.districts) }]),
    ),
    parents,
  };
}

const q = JSON.stringify;
/** A few ids of a set, for a message: `"a", "b", "c" and 7 more`. */
function few(ids: ReadonlySet<string>, shown = 5): string {
  const list = [...ids];
  const head = list
    .slice(0, shown)
    .map((x) => q(x))
    .join(', ');
  return list.length > shown ? `${head} and ${list.length - shown} more` : head;
}

/** `"portion-2" (named "Precinct 1" in the export)`, when the reader numbers what it names. */
function shown(id: string, name: string | undefined): string {
  return name === undefined || name === id ? q(id) : `${q(id)} (${q(name)} in the export)`;
}
const nameIn = (names: Record<string, string> | undefined, id: string) =>
  names && Object.hasOwn(names, id) ? names[id] : undefined;

/**
 * `vendor`: what the reader's own ids are called in the export; a refusal then names both, and suggests
 * the definition's name closest to the export's.
 */
export function cvrProblem(cvr: Cvr, index: DefinitionIndex, vendor?: VendorNames): string | null {
  const malformed = cvrFieldProblem(cvr);
  if (malformed) return malformed;
  if (!index.jurisdictions.has(cvr.jurisdiction))
    return `unknown jurisdiction ${q(cvr.jurisdiction)}${didYouMean(cvr.jurisdiction, [...index.jurisdictions])}`;
  if (cvr.precinct !== undefined) {
    const home = index.units.get(cvr.precinct);
    if (home === undefined) {
      const name = nameIn(vendor?.units, cvr.precinct);
      return `unknown precinct ${shown(cvr.precinct, name)}${didYouMean(name ?? cvr.precinct, [...index.units.keys(), ...(index.unitNames ?? [])])}`;
    }
    if (home !== cvr.jurisdiction)
      return `precinct ${q(cvr.precinct)} belongs to ${q(home)}, not to ${q(cvr.jurisdiction)}`;
  }
  if (cvr.ballotStyle !== undefined && !index.ballotStyles.has(cvr.ballotStyle)) {
    const name = nameIn(vendor?.ballotStyles, cvr.ballotStyle);
    return `unknown ballot style ${shown(cvr.ballotStyle, name)}${didYouMean(name ?? cvr.ballotStyle, [...index.ballotStyles])}`;
  }
  const style = cvr.ballotStyle === undefined ? undefined : index.styles.get(cvr.ballotStyle);
  // A style that lists where it is used: the CVR's precinct (or the precinct of its split) must be one.
  if (style && cvr.precinct !== undefined && style.precincts.size > 0) {
    const parent = index.parents.get(cvr.precinct);
    if (!style.precincts.has(cvr.precinct) && (parent === undefined || !style.precincts.has(parent)))
      return `precinct ${q(cvr.precinct)} is not in ballot style ${q(cvr.ballotStyle)}, which is used in ${few(style.precincts)}`;
  }
  const seen = new Set<string>();
  for (const c of cvr.contests) {
    const entry = index.contests.get(c.contest);
    if (!entry) {
      const known = [...index.contests.values()].flatMap((e) => [e.contest.id, e.contest.title]);
      const name = nameIn(vendor?.contests, c.contest);
      return `unknown contest ${shown(c.contest, name)}${didYouMean(name ?? c.contest, known)}`;
    }
    if (seen.has(c.contest)) return `contest ${q(c.contest)} appears twice`;
    // A style that lists its districts carries only their contests.
    const district = entry.contest.district;
    if (style && style.districts.size > 0 && district !== undefined && !style.districts.has(district))
      return `contest ${q(c.contest)} is not on ballot style ${q(cvr.ballotStyle)}: its district ${q(district)} is not one of the style's (${few(style.districts)})`;
    seen.add(c.contest);
    const { contest, choices } = entry;
    for (const r of c.overvotedRanks ?? []) {
      const limit = contest.type === 'ranked' ? contest.maxRankings : 1;
      if (r > limit) return `contest ${q(c.contest)}: an overvote at rank ${r}, the contest allows ${limit}`;
    }
    const marked = new Set<string>();
    for (const m of c.marks) {
      if (!choices.has(m.choice)) {
        // The reader's contest id this contest came from is not known here; its choice names are looked up in all.
        const name = vendor
          ? Object.values(vendor.choices)
              .map((names) => nameIn(names, m.choice))
              .find((n) => n !== undefined)
          : undefined;
        return `contest ${q(c.contest)} has no choice ${shown(m.choice, name)}${didYouMean(
          name ?? m.choice,
          choicesOf(contest).flatMap((x) => [x.id, x.name]),
        )}`;
      }
      if (contest.type === 'ranked') {
        if (m.rank === undefined)
          return `ranked contest ${q(c.contest)}: a mark for ${q(m.choice)} has no rank`;
        if (m.rank > contest.maxRankings)
          return `ranked contest ${q(c.contest)} allows ${contest.maxRankings} rankings, the CVR gives rank ${m.rank}`;
      } else if (m.rank !== undefined) {
        return `contest ${q(c.contest)} is not ranked, but the CVR ranks ${q(m.choice)} ${m.rank}`;
      }
      const key = `${m.rank ?? 0}\u0000${m.choice}`;
      if (marked.has(key)) return `contest ${q(c.contest)}: duplicate mark for ${q(m.choice)}`;
      marked.add(key);
    }
  }
  return null;
}
