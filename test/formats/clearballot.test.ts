import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parseChoiceHeader } from '../../src/formats/clearballot/clearballot-format.js';
import { importAndRead } from '../support/import.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

it('reads choice headers with and without ranks', () => {
  expect(parseChoiceHeader('Choice_3_1:Democratic Primary:2:Vote For 1:Cory Booker:Democratic', 7)).toEqual({
    column: 7,
    contest: 'Democratic Primary',
    rank: 2,
    voteFor: 1,
    choice: 'Cory Booker',
  });
  expect(parseChoiceHeader('Choice_1_1:City Council:Vote For 2:Smith, Jane:NP', 9)).toEqual({
    column: 9,
    contest: 'City Council',
    voteFor: 2,
    choice: 'Smith, Jane',
  });
  expect(parseChoiceHeader('BallotID', 1)).toBeUndefined();
});

it('imports plurality, vote-for-N and absent contests, with quoted commas in names', async () => {
  const file = path.join(tempDir(), 'cb.csv');
  const header = [
    'RowNumber',
    'BoxID',
    'BoxPosition',
    'BallotID',
    'PrecinctID',
    'BallotStyleID',
    'ScanComputerName',
    '"Choice_1_1:City Council:Vote For 2:Smith, Jane:NP"',
    '"Choice_2_1:City Council:Vote For 2:Doe, John:NP"',
    '"Choice_3_1:City Council:Vote For 2:Roe, Rick:NP"',
    'Choice_4_1:Measure 1:Vote For 1:Yes:',
    'Choice_5_1:Measure 1:Vote For 1:No:',
  ].join(',');
  writeFileSync(
    file,
    [
      header,
      '1,B-1,1,B-1+1,P1,S1,SC1,1,1,0,1,0',
      '2,B-1,2,B-1+2,P1,S1,SC1,1,1,1,,',
      '3,B-2,1,B-2+1,P2,S1,SC2,0,0,0,0,0',
    ].join('\n'),
  );
  const { cvrs, tally } = await importAndRead('clearballot', file);
  expect(
    cvrs.map((c) => [
      c.id,
      c.batch,
      c.position,
      c.tabulator,
      c.contests.map((x) => [x.contest, x.marks.length]),
    ]),
  ).toEqual([
    [
      'B-1+1',
      'B-1',
      1,
      'SC1',
      [
        ['City Council', 2],
        ['Measure 1', 1],
      ],
    ],
    ['B-1+2', 'B-1', 2, 'SC1', [['City Council', 3]]],
    [
      'B-2+1',
      'B-2',
      1,
      'SC2',
      [
        ['City Council', 0],
        ['Measure 1', 0],
      ],
    ],
  ]);
  expect(tally.contests[0]).toMatchObject({
    name: 'City Council',
    results: { 'Smith, Jane': 1, 'Doe, John': 1, 'Roe, Rick': 0 },
    overvotes: 2,
    undervotes: 2,
    ballots: 3,
  });
  expect(tally.contests[1]).toMatchObject({
    name: 'Measure 1',
    results: { Yes: 1, No: 0 },
    undervotes: 1,
    ballots: 2,
  });
});

describeWithShared('Clear Ballot RCTab case', 'conformance/rctab/clear_ballot_kansas_primary', (dir) => {
  it('holds the ballots RCTab counted, ranked', async () => {
    const expected = JSON.parse(
      readFileSync(path.join(dir, 'clear_ballot_kansas_primary_expected_detailed_report.json'), 'utf8'),
    );
    const { summary, cvrs } = await importAndRead(
      'clearballot',
      path.join(dir, 'clear_ballot_kansas_primary.cvr.csv'),
    );
    expect(summary.cvrs).toBe(Number(expected.summary.totalNumBallots));
    expect(cvrs[0]!.contests[0]!.marks.map((m) => [m.rank, m.choice])).toEqual([
      [1, 'Amy Klobuchar'],
      [2, 'Julian Castro'],
      [3, 'Tulsi Gabbard'],
      [4, 'Joe Biden'],
      [5, 'Steven Bullock'],
    ]);
  });
});

it('reads quoted ranked headers with commas in the contest and "Number of Winners N" (as Portland writes them)', async () => {
  const file = path.join(tempDir(), 'portland.csv');
  const choice = (n: number, rank: number, name: string) =>
    `"Choice_${n}_${rank}:City of Portland, Auditor:${rank}:Number of Winners 1:${name}:NP"`;
  const header = [
    'RowNumber',
    'BoxID',
    'BoxPosition',
    'BallotID',
    'PrecinctID',
    'BallotStyleID',
    'ScanComputerName',
    choice(1, 1, 'Simone Rede'),
    choice(2, 1, 'Chris Kanter'),
    choice(1, 2, 'Simone Rede'),
    choice(2, 2, 'Chris Kanter'),
  ].join(',');
  writeFileSync(
    file,
    [header, '1,B-1,1,B-1+1,P1,S1,SC1,0,1,1,0', '2,B-1,2,B-1+2,P1,S1,SC1,1,0,0,0'].join('\n'),
  );
  const { cvrs, election } = await importAndRead('clearballot', file);
  const auditor = election.contests.find((c) => c.title === 'City of Portland, Auditor')!;
  expect(auditor.type).toBe('ranked');
  const names = new Map(
    (auditor.type === 'ranked' ? auditor.candidates : []).map((c) => [c.id, c.name] as const),
  );
  expect(cvrs.map((c) => c.contests[0]!.marks.map((m) => [names.get(m.choice), m.rank]))).toEqual([
    [
      ['Chris Kanter', 1],
      ['Simone Rede', 2],
    ],
    [['Simone Rede', 1]],
  ]);
});
