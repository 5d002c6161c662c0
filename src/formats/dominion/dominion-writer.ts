/**
 * Writes an election and its CVRs as a Dominion Democracy Suite CVR export folder (manifests and
 * CvrExport_<n>.json files of Sessions), for synthetic elections, tests and benchmarks. Dominion numbers
 * everything: contests, candidates, portions and ballot types get numbers in definition order.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Cvr } from '../../core/cvr/model.js';
import { choicesOf, type Election } from '../../core/election/schema.js';

const VERSION = '5.10.50.85';

export async function writeDominionExport(
  dir: string,
  election: Election,
  cvrs: Iterable<Cvr>,
  sessionsPerFile = 100_000,
): Promise<number> {
  await mkdir(dir, { recursive: true });
  const contestNo = new Map(election.contests.map((c, i) => [c.id, i + 1]));
  const candidateNo = new Map<string, number>();
  const candidates = election.contests.flatMap((c) =>
    choicesOf(c).map((x) => {
      const id = candidateNo.size + 1;
      candidateNo.set(`${c.id}/${x.id}`, id);
      return {
        Description: x.name,
        Id: id,
        ExternalId: '',
        ContestId: contestNo.get(c.id)!,
        Type: 'writeIn' in x && x.writeIn ? 'WriteIn' : 'Regular',
      };
    }),
  );
  const precincts = election.precincts.map((p, i) => ({ Description: p.name, Id: i + 1, ExternalId: '' }));
  const portions = election.precincts.flatMap((p, i) =>
    [p, ...p.splits].map((u) => ({ unit: u.id, Description: u.name, PrecinctId: i + 1 })),
  );
  const portionNo = new Map(portions.map((p, i) => [p.unit, i + 1]));
  const styleNo = new Map(election.ballotStyles.map((b, i) => [b.id, i + 1]));
  const manifest = (list: unknown[]) => `${JSON.stringify({ Version: VERSION, List: list })}\n`;
  await writeFile(
    path.join(dir, 'ContestManifest.json'),
    manifest(
      election.contests.map((c) => ({
        Description: c.title,
        Id: contestNo.get(c.id),
        ExternalId: '',
        DistrictId: 1,
        VoteFor: c.type === 'candidate' ? c.votesAllowed : c.type === 'ranked' ? c.seats : 1,
        NumOfRanks: c.type === 'ranked' ? c.maxRankings : 0,
      })),
    ),
  );
  await writeFile(path.join(dir, 'CandidateManifest.json'), manifest(candidates));
  await writeFile(path.join(dir, 'PrecinctManifest.json'), manifest(precincts));
  await writeFile(
    path.join(dir, 'PrecinctPortionManifest.json'),
    manifest(portions.map(({ unit: _u, ...p }, i) => ({ ...p, Id: i + 1, ExternalId: '' }))),
  );
  await writeFile(
    path.join(dir, 'BallotTypeManifest.json'),
    manifest(election.ballotStyles.map((b, i) => ({ Description: b.id, Id: i + 1, ExternalId: '' }))),
  );
  await writeFile(
    path.join(dir, 'CountingGroupManifest.json'),
    manifest([{ Description: 'Election Day', Id: 1, ExternalId: '' }]),
  );
  const date = election.date.replaceAll('-', '');
  await writeFile(
    path.join(dir, 'ElectionEventManifest.json'),
    manifest([
      {
        Description: election.title,
        Id: 1,
        ExternalId: '',
        Jurisdiction: election.jurisdictions[0]!.name,
        ElectionDate: date,
      },
    ]),
  );

  let n = 0;
  let fileNo = 0;
  let out: ReturnType<typeof createWriteStream> | undefined;
  let inFile = 0;
  const write = async (text: string) => {
    if (!out!.write(text)) await once(out!, 'drain');
  };
  const close = async () => {
    if (!out) return;
    await write('\n]}\n');
    out.end();
    await once(out, 'finish');
    out = undefined;
  };
  for (const cvr of cvrs) {
    if (!out || inFile >= sessionsPerFile) {
      await close();
      out = createWriteStream(path.join(dir, `CvrExport_${++fileNo}.json`), { highWaterMark: 1 << 20 });
      await write(`{"Version":"${VERSION}","ElectionId":${JSON.stringify(election.title)},"Sessions":[\n`);
      inFile = 0;
    }
    const [tabulator, batch] = [Number(cvr.tabulator ?? 1), Number((cvr.batch ?? '1').split('-').pop())];
    const session = {
      TabulatorId: tabulator,
      BatchId: batch,
      RecordId: cvr.position ?? inFile + 1,
      CountingGroupId: 1,
      SessionType: 'ScannedVote',
      Original: {
        PrecinctPortionId: portionNo.get(cvr.precinct ?? '') ?? 1,
        BallotTypeId: styleNo.get(cvr.ballotStyle ?? '') ?? 1,
        IsCurrent: true,
        Cards: [
          {
            Id: n + 1,
            PaperIndex: 0,
            Contests: cvr.contests.map((c) => ({
              Id: contestNo.get(c.contest),
              Marks: c.marks.map((m) => ({
                CandidateId: candidateNo.get(`${c.contest}/${m.choice}`),
                Rank: m.rank ?? 1,
                MarkDensity: 100,
                IsAmbiguous: false,
                IsVote: true,
              })),
            })),
          },
        ],
      },
    };
    await write(`${inFile ? ',\n' : ''}${JSON.stringify(session)}`);
    inFile++;
    n++;
  }
  await close();
  return n;
}
