/**
 * Derives a Tallyproof election definition from a CDF report when the office has not loaded one: contests,
 * candidates and selections from its Election, precincts from its GpUnits, and what the CVRs show
 * (ranks, precincts, ballot styles). Every inference is reported so the office can see what was derived.
 */

import { utf8 } from '../../core/bytes.js';
import type { Election } from '../../core/election/schema.js';
import type { DerivedDefinition } from '../cvr-format.js';
import { InputError } from '../errors.js';
import { readCdfHeader } from './cdf-json-reader.js';
import { type CdfCvr, type CdfElectionContest, NUMBER_OF_RANKS } from './cdf-schema.js';

interface Seen {
  maxRank: Map<string, number>;
  maxMarks: Map<string, number>;
  units: Set<string>;
  styles: Set<string>;
}

function observe(cvr: CdfCvr, seen: Seen): void {
  if (cvr.BallotStyleUnitId) seen.units.add(cvr.BallotStyleUnitId);
  if (cvr.BallotStyleId) seen.styles.add(cvr.BallotStyleId);
  const snap = cvr.CVRSnapshot.find((s) => s['@id'] === cvr.CurrentSnapshotId);
  for (const c of snap?.CVRContest ?? []) {
    let marks = 0;
    for (const sel of c.CVRContestSelection ?? [])
      for (const pos of sel.SelectionPosition) {
        if (pos.HasIndication === 'no') continue;
        marks++;
        if (pos.Rank !== undefined)
          seen.maxRank.set(c.ContestId, Math.max(seen.maxRank.get(c.ContestId) ?? 0, pos.Rank));
      }
    seen.maxMarks.set(c.ContestId, Math.max(seen.maxMarks.get(c.ContestId) ?? 0, marks));
  }
}

/** A contest's number of ranks as a `Code` of `OtherType` `NumberOfRanks` says it (0 when none does). */
function codedRanks(codes: CdfElectionContest['Code']): number {
  for (const code of codes ?? [])
    if (code.OtherType?.toLowerCase() === NUMBER_OF_RANKS.toLowerCase() && /^\d+$/.test(code.Value ?? ''))
      return Number(code.Value);
  return 0;
}

export async function deriveDefinitionFromCdf(file: string): Promise<DerivedDefinition> {
  const seen: Seen = { maxRank: new Map(), maxMarks: new Map(), units: new Set(), styles: new Set() };
  const header = await readCdfHeader(file, (cvr) => observe(cvr, seen));
  const notes: string[] = [];
  if (header.elections.length !== 1)
    throw new InputError(
      file,
      'Election',
      `the report describes ${header.elections.length} elections; load a definition instead`,
    );
  const cdf = header.elections[0]!;
  const candidates = new Map(cdf.Candidate.map((c) => [c['@id'], c]));
  const scope = header.gpUnits.find((g) => g['@id'] === cdf.ElectionScopeId);
  const jurisdiction = {
    id: scope?.['@id'] ?? 'jurisdiction',
    name: scope?.Name || cdf.Name || scope?.['@id'] || 'Jurisdiction',
  };
  if (!scope) notes.push(`no election scope GpUnit: CVRs are assigned to jurisdiction "${jurisdiction.id}"`);

  const precinctIds = new Set([
    ...header.gpUnits.filter((g) => /precinct/i.test(g.Type ?? '')).map((g) => g['@id']),
    ...seen.units,
  ]);
  precinctIds.delete(jurisdiction.id);
  const unitName = (id: string) => header.gpUnits.find((g) => g['@id'] === id)?.Name ?? id;

  const contests: Election['contests'] = cdf.Contest.map((c) => {
    const id = c['@id'];
    const title = c.Name ?? id;
    if (/BallotMeasureContest|RetentionContest/.test(c['@type'])) {
      return {
        type: 'yesno' as const,
        id,
        title,
        choices: c.ContestSelection.map((s) => ({ id: s['@id'], name: s.Selection ?? s['@id'] })),
      };
    }
    if (!/CandidateContest/.test(c['@type']))
      throw new InputError(
        file,
        `Election.Contest ${JSON.stringify(id)}`,
        `contest type ${c['@type']} is not supported`,
      );
    const choices = c.ContestSelection.map((s) => {
      const names = (s.CandidateIds ?? []).map((cid) => candidates.get(cid)?.Name ?? cid);
      return {
        id: s['@id'],
        name: names.join(' / ') || (s.IsWriteIn ? 'Write-in' : s['@id']),
        ...(s.IsWriteIn ? { writeIn: true } : {}),
      };
    });
    const maxRank = seen.maxRank.get(id) ?? 0;
    if (c.VoteVariation === 'rcv' || maxRank > 1) {
      const maxRankings = Math.max(c.NumberOfRanks ?? 0, codedRanks(c.Code), maxRank, 1);
      if (c.VoteVariation !== 'rcv')
        notes.push(`contest "${title}" is taken as ranked: the CVRs rank up to ${maxRank}`);
      return {
        type: 'ranked' as const,
        id,
        title,
        seats: c.NumberElected ?? 1,
        maxRankings,
        candidates: choices,
      };
    }
    const votesAllowed = c.VotesAllowed ?? 1;
    if (c.VotesAllowed === undefined)
      notes.push(`contest "${title}" has no VotesAllowed: taken as vote for 1`);
    return {
      type: 'candidate' as const,
      id,
      title,
      seats: c.NumberElected ?? 1,
      votesAllowed,
      candidates: choices,
    };
  });

  // Districts and parties are left out: a CDF report rarely carries enough to resolve them.
  const election: Election = {
    format: 'tallyproof-election/1',
    id: cdf['@id'],
    title: cdf.Name || scope?.Name || cdf['@id'],
    date:
      [cdf.StartDate, header.generatedDate]
        .map((d) => d?.slice(0, 10))
        .find((d) => d && /^\d{4}-\d{2}-\d{2}$/.test(d)) ?? '1970-01-01',
    jurisdictions: [jurisdiction],
    parties: [],
    districts: [],
    precincts: [...precinctIds]
      .sort()
      .map((id) => ({ id, name: unitName(id), jurisdiction: jurisdiction.id, districts: [], splits: [] })),
    ballotStyles: [...seen.styles].sort().map((id) => ({ id, precincts: [], districts: [] })),
    contests: contests.map((c) =>
      c.type === 'yesno' ? c : { ...c, candidates: c.candidates.map(({ party: _p, ...rest }) => rest) },
    ),
  };
  notes.unshift(
    `derived from the report's Election: ${contests.length} contests, ${precinctIds.size} precincts, ${seen.styles.size} ballot styles`,
  );
  return { bytes: utf8(`${JSON.stringify(election, null, 2)}\n`), notes };
}
