/**
 * A realistic synthetic county election: precincts with splits, ballot styles by district, a vote-for-1,
 * a vote-for-2, a yes/no measure and a ranked contest; ballots in batches per tabulator, with undervotes
 * and overvotes at realistic rates. Deterministic for a seed.
 */
import type { Cvr, Mark } from '../../core/cvr/model.js';
import type { Contest, Election } from '../../core/election/schema.js';
import { seededRandom } from '../../core/random.js';

export interface SyntheticOptions {
  readonly ballots: number;
  readonly seed: string;
  readonly batchSize?: number;
  readonly tabulators?: number;
}

export interface SyntheticElection {
  readonly election: Election;
  /** CVRs in tabulator/batch order, generated lazily. */
  readonly cvrs: () => Generator<Cvr>;
}

const cand = (prefix: string, names: string[], writeIns = 0) => [
  ...names.map((name, i) => ({ id: `${prefix}-${i + 1}`, name })),
  ...Array.from({ length: writeIns }, (_, i) => ({
    id: `${prefix}-wi-${i + 1}`,
    name: `Write-in ${i + 1}`,
    writeIn: true,
  })),
];

export function syntheticElection(options: SyntheticOptions): SyntheticElection {
  const precinctCount = Math.max(4, Math.min(60, Math.ceil(options.ballots / 800)));
  const districts = [
    { id: 'county', name: 'Example County' },
    { id: 'north', name: 'North Commission District' },
    { id: 'south', name: 'South Commission District' },
    { id: 'city', name: 'City of Riverside' },
  ];
  const precincts = Array.from({ length: precinctCount }, (_, i) => {
    const id = `p-${String(i + 1).padStart(3, '0')}`;
    const side = i % 2 === 0 ? 'north' : 'south';
    const split = i % 5 === 0;
    return {
      id,
      name: `Precinct ${i + 1}`,
      jurisdiction: 'example-county',
      districts: ['county', side],
      splits: split
        ? [{ id: `${id}-city`, name: `Precinct ${i + 1} (City)`, districts: ['county', side, 'city'] }]
        : [],
    };
  });
  const ballotStyles = [
    {
      id: 'bs-north',
      precincts: precincts.filter((p) => p.districts.includes('north')).map((p) => p.id),
      districts: ['county', 'north'],
    },
    {
      id: 'bs-south',
      precincts: precincts.filter((p) => p.districts.includes('south')).map((p) => p.id),
      districts: ['county', 'south'],
    },
    {
      id: 'bs-city',
      precincts: precincts.flatMap((p) => p.splits.map((s) => s.id)),
      districts: ['county', 'city'],
    },
  ];
  const contests: Contest[] = [
    {
      type: 'candidate',
      id: 'governor',
      title: 'Governor',
      district: 'county',
      seats: 1,
      votesAllowed: 1,
      candidates: cand('gov', ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'], 1),
    },
    {
      type: 'candidate',
      id: 'commission',
      title: 'County Commission',
      district: 'county',
      seats: 2,
      votesAllowed: 2,
      candidates: cand(
        'com',
        ['Ruth Bader', 'Thurgood Marshall', 'Sandra Day', 'John Roberts', 'Elena Kagan'],
        1,
      ),
    },
    {
      type: 'yesno',
      id: 'measure-a',
      title: 'Measure A: Library Bond',
      district: 'county',
      choices: [
        { id: 'measure-a-yes', name: 'Yes' },
        { id: 'measure-a-no', name: 'No' },
      ],
    },
    {
      type: 'ranked',
      id: 'mayor',
      title: 'Mayor of Riverside',
      district: 'city',
      seats: 1,
      maxRankings: 3,
      candidates: cand('mayor', ['Maria Lopez', 'James Chen', 'Aisha Khan', 'Tom Baker']),
    },
  ];
  const election: Election = {
    format: 'tallyproof-election/1',
    id: 'example-county-2026-general',
    title: 'Example County General Election',
    date: '2026-11-03',
    jurisdictions: [{ id: 'example-county', name: 'Example County' }],
    parties: [],
    districts,
    precincts,
    ballotStyles,
    contests,
  };
  const units = precincts.flatMap((p) => [
    { id: p.id, style: p.districts.includes('north') ? 'bs-north' : 'bs-south', districts: p.districts },
    ...p.splits.map((s) => ({ id: s.id, style: 'bs-city', districts: s.districts })),
  ]);
  const batchSize = options.batchSize ?? 200;
  const tabulators = options.tabulators ?? Math.max(2, Math.min(40, Math.ceil(options.ballots / 25_000)));

  function* cvrs(): Generator<Cvr> {
    const rand = seededRandom(options.seed);
    const pick = <T>(items: readonly T[], weights: readonly number[]): T => {
      let r = rand() * weights.reduce((a, b) => a + b, 0);
      for (let i = 0; i < items.length; i++) {
        r -= weights[i]!;
        if (r < 0) return items[i]!;
      }
      return items[items.length - 1]!;
    };
    const weightsFor = (n: number) => Array.from({ length: n }, (_, i) => 1 / (i + 1.3));
    const marksFor = (c: Contest): Mark[] => {
      const u = rand();
      if (c.type === 'yesno') {
        if (u < 0.06) return [];
        if (u < 0.063) return c.choices.map((x) => ({ choice: x.id }));
        return [{ choice: pick(c.choices, [0.56, 0.44]).id }];
      }
      const named = c.candidates.filter((x) => !x.writeIn);
      const writeIns = c.candidates.filter((x) => x.writeIn);
      if (c.type === 'ranked') {
        if (u < 0.02) return [];
        const order = [...named].sort(() => rand() - 0.5);
        const depth = 1 + Math.floor(rand() * c.maxRankings);
        const marks = order.slice(0, depth).map((x, i) => ({ choice: x.id, rank: i + 1 }));
        if (u < 0.025 && order[1]) marks.push({ choice: order[1].id, rank: 1 }); // an overvote at rank 1
        return marks;
      }
      if (u < 0.03) return [];
      if (u < 0.035) return named.slice(0, c.votesAllowed + 1).map((x) => ({ choice: x.id }));
      const chosen = new Set<string>();
      const want = c.votesAllowed === 1 || rand() < 0.15 ? 1 : c.votesAllowed;
      while (chosen.size < want) {
        if (writeIns[0] && rand() < 0.01) chosen.add(writeIns[0].id);
        else chosen.add(pick(named, weightsFor(named.length)).id);
      }
      return [...chosen].map((choice) => ({
        choice,
        ...(writeIns.some((w) => w.id === choice) ? { writeIn: 'Mickey Mouse' } : {}),
      }));
    };
    let n = 0;
    for (let batchNo = 1; n < options.ballots; batchNo++) {
      const tabulator = String(((batchNo - 1) % tabulators) + 1);
      const batch = `${tabulator}-${batchNo}`;
      for (let pos = 1; pos <= batchSize && n < options.ballots; pos++, n++) {
        const unit = units[Math.floor(rand() * units.length)]!;
        const onBallot = contests.filter(
          (c) => c.district === undefined || unit.districts.includes(c.district),
        );
        yield {
          jurisdiction: 'example-county',
          id: `${batch}-${pos}`,
          tabulator,
          batch,
          position: pos,
          imprintedId: `${batch}-${String(pos).padStart(4, '0')}`,
          precinct: unit.id,
          ballotStyle: unit.style,
          contests: onBallot.map((c) => ({ contest: c.id, marks: marksFor(c) })),
        };
      }
    }
  }
  return { election, cvrs };
}
