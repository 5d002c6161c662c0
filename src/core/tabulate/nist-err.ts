/** Results as a NIST SP 1500-100 v2 ElectionReport (JSON), totals per contest and, optionally, per precinct. */
import type { Election, RankedContest } from '../election/schema.js';
import { UNDECLARED_WRITE_IN } from '../rcv/config.js';
import type { RankedContestResult, RankedRoundResult } from '../rcv/ranked-results.js';
import { type ContestResult, WRITE_IN_LINE } from './plurality.js';

const text = (content: string) => ({
  '@type': 'ElectionResults.InternationalizedText',
  Text: [{ '@type': 'ElectionResults.LanguageString', Content: content, Language: 'en' }],
});

export interface ResultsInput {
  readonly election: Election;
  readonly contests: readonly ContestResult[];
  /** Ranked contests, counted round by round (at the election scope only). */
  readonly ranked?: readonly RankedContestResult[];
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

  const rankedById = new Map((input.ranked ?? []).map((r) => [r.id, r]));
  const winnersOf = (contestId: string) => {
    const r = rankedById.get(contestId);
    return r && 'winners' in r ? new Set(r.winners) : undefined;
  };
  // Candidate ids are unique within a contest only, so the contest is part of each Candidate's @id.
  const candidateRef = (contestId: string, candidateId: string) => `cand-${contestId}-${candidateId}`;
  const candidates = election.contests.flatMap((c) => {
    if (c.type === 'yesno') return [];
    const winners = c.type === 'ranked' ? winnersOf(c.id) : undefined;
    return c.candidates
      .filter((x) => !x.writeIn)
      .map((x) => ({
        '@id': candidateRef(c.id, x.id),
        '@type': 'ElectionResults.Candidate',
        BallotName: text(x.name),
        ...(x.party ? { PartyId: x.party } : {}),
        ...(winners ? { PostElectionStatus: winners.has(x.name) ? 'winner' : 'defeated' } : {}),
      }));
  });
  const tabulated = new Set([...input.contests.map((c) => c.id), ...rankedById.keys()]);
  const contests = election.contests
    .filter((c) => tabulated.has(c.id))
    .map((c, i) => {
      const district = c.district ?? scope.id;
      if (c.type === 'ranked')
        return rankedContest({
          contest: c,
          result: rankedById.get(c.id)!,
          district,
          order: i + 1,
          scope: scope.id,
          candidateRef,
        });
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
            CandidateIds: [candidateRef(c.id, x.id)],
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

/**
 * A ranked contest: each candidate's votes in every round (`VoteCounts.Round`, numbered on across the passes
 * of a multi-pass count), the winners as the candidates' `PostElectionStatus`, and the inactive (exhausted)
 * ballots of each round as a selection of no candidate whose counts are of type `other`, `inactive-ballots`
 * (SP 1500-100 has no element of its own for them). A count the records alone cannot finish (a tie left to
 * the officials) is reported `in-process`, without counts.
 */
function rankedContest(input: {
  contest: RankedContest;
  result: RankedContestResult;
  district: string;
  order: number;
  scope: string;
  candidateRef: (contestId: string, candidateId: string) => string;
}) {
  const { contest: c, result, scope } = input;
  const rounds = 'passes' in result ? result.passes.flatMap((p) => p.rounds) : [];
  const counts = (votesIn: (round: RankedRoundResult) => string | undefined, type: 'total' | 'other') =>
    rounds.flatMap((r, i) => {
      const votes = votesIn(r);
      return votes === undefined
        ? []
        : [
            {
              '@type': 'ElectionResults.VoteCounts',
              Count: Number(votes),
              GpUnitId: scope,
              ...(type === 'other' ? { OtherType: 'inactive-ballots' } : {}),
              Round: i + 1,
              Type: type,
            },
          ];
    });
  const votesOf = (name: string) => (r: RankedRoundResult) =>
    r.votes.find((v) => v.candidate === name)?.votes;
  const hasWriteIns = c.candidates.some((x) => x.writeIn);
  return {
    '@id': c.id,
    '@type': 'ElectionResults.CandidateContest',
    Name: c.title,
    ElectionDistrictId: input.district,
    SequenceOrder: input.order,
    VotesAllowed: 1,
    NumberElected: c.seats,
    VoteVariation: 'rcv',
    CountStatus: [
      {
        '@type': 'ElectionResults.CountStatus',
        Status: 'passes' in result ? 'completed' : 'in-process',
        Type: 'total',
      },
    ],
    ContestSelection: [
      ...c.candidates
        .filter((x) => !x.writeIn)
        .map((x) => ({
          '@id': `${c.id}-${x.id}`,
          '@type': 'ElectionResults.CandidateSelection',
          CandidateIds: [input.candidateRef(c.id, x.id)],
          VoteCounts: counts(votesOf(x.name), 'total'),
        })),
      ...(hasWriteIns
        ? [
            {
              '@id': `${c.id}-write-in`,
              '@type': 'ElectionResults.CandidateSelection',
              IsWriteIn: true,
              VoteCounts: counts(votesOf(UNDECLARED_WRITE_IN), 'total'),
            },
          ]
        : []),
      {
        '@id': `${c.id}-inactive`,
        '@type': 'ElectionResults.CandidateSelection',
        CandidateIds: [],
        VoteCounts: counts((r) => r.exhausted, 'other'),
      },
    ],
    ...('undervotes' in result
      ? {
          OtherCounts: [
            { '@type': 'ElectionResults.OtherCounts', GpUnitId: scope, Undervotes: result.undervotes },
          ],
        }
      : {}),
  };
}

/** SP 1500-100's date-time pattern has no fractional seconds: `2026-11-04T03:00:00.123Z` → `…03:00:00Z`. */
export const schemaDateTime = (iso: string): string => iso.replace(/\.\d+(?=Z|[+-]\d\d:\d\d$)/, '');
