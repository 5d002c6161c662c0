/**
 * RCTab's two CVR exports: the normalised one-row-per-ballot CSV (what each reader made of each ballot),
 * and the NIST SP 1500-103 CVR report RCTab writes with generateCdfJson — each ballot's marks, then
 * what it counted for at the end of every round.
 */
import { compareText } from '../compare.js';
import { EXPLICIT_OVERVOTE, rctabFileName, UNDECLARED_WRITE_IN } from './config.js';
import { Dec } from './decimal.js';
import { javaHashOrder } from './java-compat.js';
import { csvRecord } from './report.js';
import type { RcvRanking } from './tabulator.js';

/** What RCTab keeps of a record beside its rankings: the ids and places it prints in its CVR exports. */
export interface RctabRecord {
  /** RCTab's CVR id: file and row for ES&S and generic CSV, file(n) for CDF, tabulator-batch-record for Dominion. */
  readonly rctabId: string;
  /** The id the vendor wrote, where there is one. */
  readonly vendorId?: string;
  readonly contestId?: string;
  readonly tabulator?: string;
  readonly batch?: string;
  readonly precinct?: string;
  readonly portion?: string;
}

export interface ExportedBallot extends RctabRecord {
  /** The source's filePath as the configuration writes it, and its provider. */
  readonly sourcePath: string;
  readonly provider: string;
  /** The source's label for undeclared write-ins (printed where a ballot ranks one). */
  readonly writeInLabel?: string;
  /** Rankings with candidates resolved to the configuration's names. */
  readonly rankings: readonly RcvRanking[];
  /** Rankings as marked (aliases as the vendor wrote them). */
  readonly asMarked: readonly RcvRanking[];
}

/** The normalised CSV: one row per ballot, one column per rank up to `ranks`. */
export function rctabCvrCsv(ballots: Iterable<ExportedBallot>, ranks: number): string {
  const lines = [
    csvRecord([
      'Source Filepath',
      'CVR Provider',
      'Contest Id',
      'RCTab CVR Id',
      'Tabulator Id',
      'Batch Id',
      'Vendor Id',
      'Precinct',
      'Precinct Portion',
      ...Array.from({ length: ranks }, (_, i) => `Rank ${i + 1}`),
    ]),
  ];
  for (const b of ballots) {
    const byRank = new Map(b.rankings.map((r) => [r.rank, r.candidates]));
    const cells = Array.from({ length: ranks }, (_, i) => {
      const at = byRank.get(i + 1);
      if (!at) return 'undervote';
      return at.map((c) => (c === UNDECLARED_WRITE_IN ? (b.writeInLabel ?? c) : c)).join('\n');
    });
    lines.push(
      csvRecord([
        b.sourcePath,
        b.provider,
        b.contestId ?? '',
        b.rctabId,
        b.tabulator ?? '',
        b.batch ?? '',
        b.vendorId ?? '',
        b.precinct ?? '',
        b.portion ?? '',
        ...cells,
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}

const selectionId = (name: string) => `cs-${rctabFileName(name).toLowerCase()}`;
const candidateId = (name: string) => `c-${rctabFileName(name).toLowerCase()}`;
const snapshotId = (id: string, round: number) =>
  round > 0 ? `ballot-${id}-round-${round}` : `ballot-${id}`;

export interface CdfExportInput {
  readonly contestName: string;
  readonly jurisdiction: string;
  /** The contest's candidate names (undeclared write-ins included when in use). */
  readonly candidateNames: readonly string[];
  /** Whether a source names an overvote label (the explicit overvote is then a selection too). */
  readonly explicitOvervote: boolean;
  readonly byPrecinct: boolean;
  readonly rounds: number;
  readonly ballots: readonly ExportedBallot[];
  /** What ballot i counted for after each round it moved in (see RcvResult.snapshots). */
  readonly snapshots?: (i: number) => ReadonlyMap<number, readonly (readonly [string, Dec])[]>;
  readonly generatedDate: string;
  readonly application: { name: string; manufacturer: string };
}

/** The NIST SP 1500-103 CVR report, laid out as RCTab lays out its generateCdfJson output. */
export function rctabCdfJson(input: CdfExportInput): Record<string, unknown> {
  const precincts = input.byPrecinct
    ? javaHashOrder([
        ...new Set(input.ballots.map((b) => b.precinct).filter((p): p is string => p !== undefined)),
      ])
    : [];
  const gpu = new Map(precincts.map((p, i) => [p, `gpu-${i + 1}`]));
  const names = [...input.candidateNames, ...(input.explicitOvervote ? [EXPLICIT_OVERVOTE] : [])].sort(
    compareText,
  );

  const cvrs = input.ballots.map((b, i) => {
    const id = rctabFileName(b.rctabId);
    const snapshots = [snapshot(b, id, 0, undefined)];
    const moves = input.snapshots?.(i);
    let current: readonly (readonly [string, Dec])[] | undefined;
    for (let round = 1; round <= input.rounds; round++) {
      current = moves?.get(round) ?? current;
      snapshots.push(snapshot(b, id, round, current ?? []));
    }
    return {
      '@type': 'CVR',
      BallotPrePrintedId: id,
      CurrentSnapshotId: snapshotId(id, input.rounds),
      CVRSnapshot: snapshots,
      ElectionId: 'election-001',
      ...(input.byPrecinct
        ? { BallotStyleUnitId: b.precinct !== undefined ? (gpu.get(b.precinct) ?? null) : null }
        : {}),
    };
  });

  return {
    '@type': 'CVR.CastVoteRecordReport',
    CVR: cvrs,
    Election: [
      {
        '@id': 'election-001',
        '@type': 'Election',
        Candidate: names.map((n) => ({ '@id': candidateId(n), Name: n })),
        Contest: [
          {
            '@id': 'contest-001',
            '@type': 'CandidateContest',
            ContestSelection: names.map((n) => ({
              '@id': selectionId(n),
              '@type': 'ContestSelection',
              CandidateIds: [candidateId(n)],
            })),
            Name: input.contestName,
          },
        ],
        ElectionScopeId: 'gpu-election',
      },
    ],
    GeneratedDate: input.generatedDate,
    GpUnit: [
      {
        '@id': 'gpu-election',
        '@type': 'GpUnit',
        Name: input.jurisdiction,
        OtherType: 'Election Scope Jurisdiction',
        Type: 'other',
      },
      ...precincts.map((p) => ({ '@id': gpu.get(p), '@type': 'GpUnit', Name: p, Type: 'precinct' })),
    ],
    ReportGeneratingDeviceIds: ['rd-001'],
    ReportingDevice: [
      {
        '@id': 'rd-001',
        '@type': 'CVR.ReportingDevice',
        Application: input.application.name,
        Manufacturer: input.application.manufacturer,
      },
    ],
    Version: '1.0.0',
  };
}

/** One snapshot: every marked candidate with its ranks; in rounds, whether and how much it counts for them. */
function snapshot(
  b: ExportedBallot,
  id: string,
  round: number,
  allocation: readonly (readonly [string, Dec])[] | undefined,
) {
  const ranksOf = new Map<string, number[]>();
  for (const r of b.asMarked)
    for (const c of r.candidates) ranksOf.set(c, [...(ranksOf.get(c) ?? []), r.rank]);
  const candidates = [...ranksOf].sort((x, y) => x[1][0]! - y[1][0]! || compareText(x[0], y[0]));
  return {
    '@id': snapshotId(id, round),
    '@type': 'CVR.CVRSnapshot',
    CVRContest: [
      {
        '@type': 'CVR.CVRContest',
        CVRContestSelection: candidates.map(([name, ranks]) => {
          const allocated = allocation?.find(([c]) => c === name);
          let allocable = allocation === undefined ? 'unknown' : allocated ? 'yes' : 'no';
          const votes = allocated ? allocated[1] : Dec.ONE;
          const fraction = votes.identical(Dec.ONE) ? undefined : remainderText(votes);
          return {
            '@type': 'CVR.CVRContestSelection',
            ContestSelectionId: selectionId(name),
            SelectionPosition: [...ranks]
              .sort((x, y) => x - y)
              .map((rank) => {
                const position = {
                  '@type': 'CVR.SelectionPosition',
                  HasIndication: 'yes',
                  IsAllocable: allocable,
                  NumberVotes: Number(votes.toIntTruncated()),
                  Rank: rank,
                  ...(fraction !== undefined ? { FractionalVotes: fraction } : {}),
                };
                // Only the first of a candidate's duplicate rankings can carry the vote.
                if (allocable === 'yes') allocable = 'no';
                return position;
              }),
          };
        }),
        ContestId: 'contest-001',
      },
    ],
    Type: round > 0 ? 'interpreted' : 'original',
  };
}

/** ".1111" for 0.1111 (BigDecimal remainder by one, leading zero dropped); none for a whole number. */
function remainderText(votes: Dec): string | undefined {
  const whole = Dec.of(votes.toIntTruncated() * 10n ** BigInt(votes.scale), votes.scale);
  const rest = votes.sub(whole);
  return rest.signum() > 0 ? rest.toString().slice(1) : undefined;
}
