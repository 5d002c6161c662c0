/** Results as a NIST SP 1500-100 v2 ElectionReport (JSON), totals per contest and, optionally, per precinct. */
import type { Election } from '../election/schema.js';
import { type ContestResult, WRITE_IN_LINE } from './plurality.js';

const text = (content: string) => ({
  '@type': 'ElectionResults.InternationalizedText',
  Text: [{ '@type': 'ElectionResults.LanguageString', Content: content, Language: 'en' }],
});

export interface ResultsInput {
  readonly election: Election;
  readonly contests: readonly ContestResult[];
  /** Per-precinct results (precinct or split ids of the definition). */
  readonly precincts?: readonly { id: string; contests: readonly ContestResult[] }[];
  readonly status: 'unofficial-partial' | 'unofficial-complete' | 'certified' | 'recount' | 'correction';
  readonly generatedDate: string;
  readonly application: string;
}

export function toElectionReport(input: ResultsInput) {
  const { election } = input;
  const scope = election.jurisdictions[0]!;
  const units = [
    ...election.jurisdictions.map((j) => ({
      '@id': j.id,
      '@type': 'ElectionResults.ReportingUnit',
      Name: text(j.name),
      Type: 'county',
    })),
    ...election.districts.map((d) => ({
      '@id': d.id,
      '@type': 'ElectionResults.ReportingUnit',
      Name: text(d.name),
      Type: 'other',
      OtherType: 'district',
    })),
    ...election.precincts.flatMap((p) => [
      { '@id': p.id, '@type': 'ElectionResults.ReportingUnit', Name: text(p.name), Type: 'precinct' },
      ...p.splits.map((s) => ({
        '@id': s.id,
        '@type': 'ElectionResults.ReportingUnit',
        Name: text(s.name),
        Type: 'split-precinct',
      })),
    ]),
  ];
  // Vote counts for one contest: the total at the election scope, then one per precinct that reported it.
  const layers = [
    { gpUnit: scope.id, results: input.contests },
    ...(input.precincts ?? []).map((p) => ({ gpUnit: p.id, results: p.contests })),
  ];
  const resultFor = (contestId: string) =>
    layers.flatMap((l) => {
      const r = l.results.find((c) => c.id === contestId);
      return r ? [{ gpUnit: l.gpUnit, r }] : [];
    });
  const voteCounts = (contestId: string, line: string) =>
    resultFor(contestId).map(({ gpUnit, r }) => ({
      '@type': 'ElectionResults.VoteCounts',
      Count: r.results[line] ?? 0,
      GpUnitId: gpUnit,
      Type: 'total',
    }));
  const otherCounts = (contestId: string) =>
    resultFor(contestId).map(({ gpUnit, r }) => ({
      '@type': 'ElectionResults.OtherCounts',
      GpUnitId: gpUnit,
      Overvotes: r.overvotes,
      Undervotes: r.undervotes,
    }));

  const candidates = election.contests.flatMap((c) =>
    c.type === 'candidate'
      ? c.candidates
          .filter((x) => !x.writeIn)
          .map((x) => ({
            '@id': `cand-${x.id}`,
            '@type': 'ElectionResults.Candidate',
            BallotName: text(x.name),
            ...(x.party ? { PartyId: x.party } : {}),
          }))
      : [],
  );
  const tabulated = new Set(input.contests.map((c) => c.id));
  const contests = election.contests
    .filter((c) => tabulated.has(c.id))
    .map((c, i) => {
      const district = c.district ?? scope.id;
      if (c.type === 'yesno')
        return {
          '@id': c.id,
          '@type': 'ElectionResults.BallotMeasureContest',
          Name: c.title,
          ElectionDistrictId: district,
          SequenceOrder: i + 1,
          ContestSelection: c.choices.map((x) => ({
            '@id': x.id,
            '@type': 'ElectionResults.BallotMeasureSelection',
            Selection: text(x.name),
            VoteCounts: voteCounts(c.id, x.name),
          })),
          OtherCounts: otherCounts(c.id),
        };
      const named = c.type === 'candidate' ? c.candidates.filter((x) => !x.writeIn) : [];
      const hasWriteIns = c.type === 'candidate' && c.candidates.some((x) => x.writeIn);
      return {
        '@id': c.id,
        '@type': 'ElectionResults.CandidateContest',
        Name: c.title,
        ElectionDistrictId: district,
        SequenceOrder: i + 1,
        VotesAllowed: c.type === 'candidate' ? c.votesAllowed : 1,
        NumberElected: c.seats,
        ContestSelection: [
          ...named.map((x) => ({
            '@id': `${c.id}-${x.id}`,
            '@type': 'ElectionResults.CandidateSelection',
            CandidateIds: [`cand-${x.id}`],
            VoteCounts: voteCounts(c.id, x.name),
          })),
          ...(hasWriteIns
            ? [
                {
                  '@id': `${c.id}-write-in`,
                  '@type': 'ElectionResults.CandidateSelection',
                  IsWriteIn: true,
                  VoteCounts: voteCounts(c.id, WRITE_IN_LINE),
                },
              ]
            : []),
        ],
        OtherCounts: otherCounts(c.id),
      };
    });

  return {
    '@type': 'ElectionResults.ElectionReport',
    Format: input.precincts ? 'precinct-level' : 'summary-contest',
    GeneratedDate: schemaDateTime(input.generatedDate),
    Issuer: scope.name,
    IssuerAbbreviation: scope.id,
    SequenceStart: 1,
    SequenceEnd: 1,
    Status: input.status,
    VendorApplicationId: input.application,
    GpUnit: units,
    Election: [
      {
        '@type': 'ElectionResults.Election',
        ElectionScopeId: scope.id,
        Name: text(election.title),
        StartDate: election.date,
        EndDate: election.date,
        Type: 'general',
        Candidate: candidates,
        Contest: contests,
      },
    ],
  };
}

/** SP 1500-100's date-time pattern has no fractional seconds: `2026-11-04T03:00:00.123Z` → `…03:00:00Z`. */
export const schemaDateTime = (iso: string): string => iso.replace(/\.\d+(?=Z|[+-]\d\d:\d\d$)/, '');
