/**
 * Writes a NIST SP 1500-103 CastVoteRecordReport (JSON) as a stream, the way a CDF-exporting system does, valid
 * against the published JSON schema (tested): SP 1500-103 has no property for a ranked contest's number of
 * ranks, so it is written as the contest's `Code` of `OtherType` `NumberOfRanks` (the schema's extension
 * point, which the reader takes); the county, not a reporting unit type the schema lists, is `Type: other`,
 * `OtherType: county`.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Cvr } from '../../core/cvr/model.js';
import type { Election } from '../../core/election/schema.js';
import { NUMBER_OF_RANKS } from './cdf-schema.js';

export function cdfElection(e: Election) {
  const candidates = e.contests.flatMap((c) =>
    c.type === 'yesno' ? [] : c.candidates.filter((x) => !x.writeIn),
  );
  return {
    '@id': e.id,
    '@type': 'CVR.Election',
    Name: e.title,
    ElectionScopeId: e.jurisdictions[0]?.id,
    Candidate: candidates.map((c) => ({ '@id': `cand-${c.id}`, '@type': 'CVR.Candidate', Name: c.name })),
    Contest: e.contests.map((c) =>
      c.type === 'yesno'
        ? {
            '@id': c.id,
            '@type': 'CVR.BallotMeasureContest',
            Name: c.title,
            ContestSelection: c.choices.map((x) => ({
              '@id': x.id,
              '@type': 'CVR.BallotMeasureSelection',
              Selection: x.name,
            })),
          }
        : {
            '@id': c.id,
            '@type': 'CVR.CandidateContest',
            Name: c.title,
            NumberElected: c.seats,
            VotesAllowed: c.type === 'candidate' ? c.votesAllowed : 1,
            ...(c.type === 'ranked'
              ? {
                  VoteVariation: 'rcv',
                  Code: [
                    {
                      '@type': 'CVR.Code',
                      Type: 'other',
                      OtherType: NUMBER_OF_RANKS,
                      Value: String(c.maxRankings),
                    },
                  ],
                }
              : {}),
            ContestSelection: c.candidates.map((x) =>
              x.writeIn
                ? { '@id': x.id, '@type': 'CVR.CandidateSelection', IsWriteIn: true }
                : { '@id': x.id, '@type': 'CVR.CandidateSelection', CandidateIds: [`cand-${x.id}`] },
            ),
          },
    ),
  };
}

export function cdfCvr(cvr: Cvr, electionId: string) {
  const snapshotId = `${cvr.id}-snapshot`;
  return {
    '@type': 'CVR.CVR',
    BallotAuditId: cvr.imprintedId,
    BallotStyleId: cvr.ballotStyle,
    BallotStyleUnitId: cvr.precinct,
    BatchId: cvr.batch,
    BatchSequenceId: cvr.position,
    CreatingDeviceId: cvr.tabulator,
    CurrentSnapshotId: snapshotId,
    ElectionId: electionId,
    UniqueId: cvr.id,
    CVRSnapshot: [
      {
        '@id': snapshotId,
        '@type': 'CVR.CVRSnapshot',
        Type: 'original',
        CVRContest: cvr.contests.map((c) => ({
          '@type': 'CVR.CVRContest',
          ContestId: c.contest,
          CVRContestSelection: c.marks.map((m) => ({
            '@type': 'CVR.CVRContestSelection',
            ContestSelectionId: m.choice,
            SelectionPosition: [
              {
                '@type': 'CVR.SelectionPosition',
                HasIndication: 'yes',
                NumberVotes: 1,
                IsAllocable: 'yes',
                ...(m.rank !== undefined ? { Rank: m.rank } : {}),
                ...(m.writeIn ? { CVRWriteIn: { '@type': 'CVR.CVRWriteIn', Text: m.writeIn } } : {}),
              },
            ],
          })),
        })),
      },
    ],
  };
}

export async function writeCdfReport(
  file: string,
  election: Election,
  cvrs: Iterable<Cvr>,
  generatedDate: string,
): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const gpUnits = [
    {
      '@id': election.jurisdictions[0]!.id,
      '@type': 'CVR.GpUnit',
      Name: election.jurisdictions[0]!.name,
      Type: 'other',
      OtherType: 'county',
    },
    ...election.precincts.flatMap((p) => [
      { '@id': p.id, '@type': 'CVR.GpUnit', Name: p.name, Type: 'precinct' },
      ...p.splits.map((s) => ({ '@id': s.id, '@type': 'CVR.GpUnit', Name: s.name, Type: 'split-precinct' })),
    ]),
  ];
  await write(
    `{"@type":"CVR.CastVoteRecordReport","Version":"1.0.0","GeneratedDate":${JSON.stringify(generatedDate)},` +
      `"ReportGeneratingDeviceIds":["rd-1"],"ReportingDevice":[{"@id":"rd-1","@type":"CVR.ReportingDevice","Application":"Tallyproof synthetic generator"}],` +
      `"Election":[${JSON.stringify(cdfElection(election))}],"GpUnit":${JSON.stringify(gpUnits)},"CVR":[\n`,
  );
  let n = 0;
  let chunk = '';
  for (const cvr of cvrs) {
    chunk += `${n === 0 ? '' : ',\n'}${JSON.stringify(cdfCvr(cvr, election.id))}`;
    n++;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(`${chunk}\n]}\n`);
  out.end();
  await once(out, 'finish');
  return n;
}
