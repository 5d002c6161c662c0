/**
 * Checks a CVR against the election definition; returns the first problem as a sentence, or null. A miss
 * suggests the closest id or name: exports written by name reach here when a name did not resolve.
 */
import { didYouMean } from '../closest.js';
import { type Contest, choicesOf, type Election } from '../election/schema.js';
import type { Cvr } from './model.js';

export interface DefinitionIndex {
  readonly jurisdictions: ReadonlySet<string>;
  readonly contests: ReadonlyMap<string, { contest: Contest; choices: ReadonlySet<string> }>;
  /** precinct or split id → jurisdiction */
  readonly units: ReadonlyMap<string, string>;
  readonly ballotStyles: ReadonlySet<string>;
}

export function indexDefinition(e: Election): DefinitionIndex {
  const units = new Map<string, string>();
  for (const p of e.precincts) {
    units.set(p.id, p.jurisdiction);
    for (const s of p.splits) units.set(s.id, p.jurisdiction);
  }
  return {
    jurisdictions: new Set(e.jurisdictions.map((j) => j.id)),
    contests: new Map(
      e.contests.map((c) => [c.id, { contest: c, choices: new Set(choicesOf(c).map((x) => x.id)) }]),
    ),
    units,
    ballotStyles: new Set(e.ballotStyles.map((b) => b.id)),
  };
}

const q = JSON.stringify;

export function cvrProblem(cvr: Cvr, index: DefinitionIndex): string | null {
  if (!index.jurisdictions.has(cvr.jurisdiction))
    return `unknown jurisdiction ${q(cvr.jurisdiction)}${didYouMean(cvr.jurisdiction, [...index.jurisdictions])}`;
  if (cvr.precinct !== undefined) {
    const home = index.units.get(cvr.precinct);
    if (home === undefined)
      return `unknown precinct ${q(cvr.precinct)}${didYouMean(cvr.precinct, [...index.units.keys()])}`;
    if (home !== cvr.jurisdiction)
      return `precinct ${q(cvr.precinct)} belongs to ${q(home)}, not to ${q(cvr.jurisdiction)}`;
  }
  if (cvr.ballotStyle !== undefined && !index.ballotStyles.has(cvr.ballotStyle))
    return `unknown ballot style ${q(cvr.ballotStyle)}${didYouMean(cvr.ballotStyle, [...index.ballotStyles])}`;
  const seen = new Set<string>();
  for (const c of cvr.contests) {
    const entry = index.contests.get(c.contest);
    if (!entry) {
      const known = [...index.contests.values()].flatMap((e) => [e.contest.id, e.contest.title]);
      return `unknown contest ${q(c.contest)}${didYouMean(c.contest, known)}`;
    }
    if (seen.has(c.contest)) return `contest ${q(c.contest)} appears twice`;
    seen.add(c.contest);
    const { contest, choices } = entry;
    for (const r of c.overvotedRanks ?? []) {
      const limit = contest.type === 'ranked' ? contest.maxRankings : 1;
      if (r > limit) return `contest ${q(c.contest)}: an overvote at rank ${r}, the contest allows ${limit}`;
    }
    const marked = new Set<string>();
    for (const m of c.marks) {
      if (!choices.has(m.choice))
        return `contest ${q(c.contest)} has no choice ${q(m.choice)}${didYouMean(
          m.choice,
          choicesOf(contest).flatMap((x) => [x.id, x.name]),
        )}`;
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
