/**
 * RCTab's reports from a count: the detailed report JSON, the detailed and summary CSV (laid out cell
 * for cell as RCTab lays them out), and a round-by-round transfer table for Sankey diagrams.
 */

import { compareText } from '../compare.js';
import { rctabFileName, usesSurpluses } from './config.js';
import { Dec, divideToPrecision } from './decimal.js';
import { javaDoubleString } from './java-compat.js';
import type { BallotStatus, RoundTally, Transfers } from './round-tally.js';
import type { RcvResult, SliceKind } from './tabulator.js';

export const GENERATED_BY = 'Tallyproof';

/** One view of the count: the whole contest, or one precinct or batch of it. */
interface View {
  readonly rounds: readonly RoundTally[];
  readonly transfers: Transfers;
  readonly slice?: { kind: SliceKind; id: string };
}

/** RCTab's reasons a ballot is inactive: report key, report label, and the status counted. */
export const INACTIVE: readonly [string, string, BallotStatus][] = [
  ['overvotes', 'Overvotes', 'overvote'],
  ['skippedRankings', 'Skipped Rankings', 'skippedRanking'],
  ['exhaustedChoices', 'Exhausted Choices', 'exhaustedChoice'],
  ['repeatedRankings', 'Repeated Rankings', 'repeatedRanking'],
];

const roundsOf = (m: ReadonlyMap<string, number>, round: number) =>
  [...m]
    .filter(([, r]) => r === round)
    .map(([c]) => c)
    .sort(compareText);

function views(result: RcvResult): { view: View; path: string }[] {
  const out = [{ view: { rounds: result.rounds, transfers: result.transfers } as View, path: '' }];
  for (const [kind, byId] of result.slices) {
    const taken = new Set<string>();
    for (const [id, s] of byId)
      out.push({
        view: { rounds: s.rounds, transfers: s.transfers, slice: { kind, id } },
        path: `${kind}/${folderName(id, taken)}`,
      });
  }
  return out;
}

/** RCTab's file-name form of a precinct or batch id, made unique with _2, _3… */
function folderName(id: string, taken: Set<string>): string {
  const base = rctabFileName(id);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

export function detailedReportJson(result: RcvResult, view: View = result): Record<string, unknown> {
  const { contest } = result;
  const last = view.rounds.at(-1)!;
  const first = view.rounds[0]!;
  const numRounds = view.rounds.length;
  const results = view.rounds.map((tally, i) => {
    const round = i + 1;
    const actions = (kind: 'elected' | 'eliminated', who: string[]) =>
      who.map((c) => ({ [kind]: c, transfers: mapOf(view.transfers.from(round, c)) }));
    const inactive: Record<string, string> = {};
    for (const [key, , status] of INACTIVE) inactive[key] = tally.status(status).toString();
    if (usesSurpluses(result.contest.rules) && round === numRounds)
      inactive.finalRoundSurplus = tally.status('finalRoundSurplus').toString();
    return {
      inactiveBallots: inactive,
      round,
      tally: Object.fromEntries([...tally.candidates].map(([c, v]) => [c, v.toString()])),
      tallyResults: [
        ...actions('elected', roundsOf(result.winnerRound, round)),
        ...actions('eliminated', roundsOf(result.eliminatedRound, round)),
      ],
      threshold: tally.threshold.toString(),
    };
  });
  return {
    config: {
      contest: contest.name,
      date: contest.date,
      generatedBy: GENERATED_BY,
      jurisdiction: contest.jurisdiction,
      office: contest.office,
      ...(view.slice ? { [view.slice.kind]: view.slice.id } : {}),
    },
    jsonFormatVersion: '1',
    results,
    summary: {
      finalThreshold: last.threshold.toString(),
      numCandidates: result.candidateNames.length,
      numWinners: contest.rules.numberOfWinners,
      totalNumBallots: first.activeBallots().add(first.inactiveBallots()).toString(),
      undervotes: Number(first.status('undervote').toIntTruncated()),
    },
  };
}

const mapOf = (m: ReadonlyMap<string, Dec> | undefined) =>
  Object.fromEntries([...(m ?? [])].map(([k, v]) => [k, v.toString()]));

/** Apache Commons CSV's minimal quoting, as RCTab's CSV printer applies it. */
function csvField(value: string, firstInRecord: boolean): string {
  let quote = false;
  if (value.length === 0) quote = firstInRecord;
  else if (value.charCodeAt(0) <= 0x23) quote = true;
  else if (/[\r\n",]/.test(value)) quote = true;
  else if (value.charCodeAt(value.length - 1) <= 0x20) quote = true;
  return quote ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line, quoted as RCTab's CSV printer quotes. */
export const csvRecord = (cells: readonly string[]) => cells.map((c, i) => csvField(c, i === 0)).join(',');

export function detailedReportCsv(result: RcvResult, view: View = result): string {
  const { contest } = result;
  const { rules } = contest;
  const rounds = view.rounds;
  const n = rounds.length;
  const lines: string[] = [];
  const row = (...cells: string[]) => lines.push(csvRecord(cells));
  const single = rules.winnerElectionMode === 'singleWinnerMajority';

  row('Contest Information');
  row('Generated By', GENERATED_BY);
  row('CSV Format Version', '1');
  row('Type of Election', single ? 'Single-Winner' : 'Multi-Winner');
  row('Contest', contest.name);
  row('Jurisdiction', contest.jurisdiction);
  row('Office', contest.office);
  row('Date', contest.date);
  const winners = [...new Set(result.winnerRound.values())]
    .sort((a, b) => a - b)
    .flatMap((r) => roundsOf(result.winnerRound, r));
  row('Winner(s)', winners.join(', '));
  if (view.slice) row(view.slice.kind === 'precinct' ? 'Precinct' : 'Batch', view.slice.id);
  else row('Final Threshold', rounds.at(-1)!.threshold.toString());
  lines.push('');

  const first = rounds[0]!;
  const noRankings = first.status('undervote');
  row('Contest Summary');
  row(
    'Number to be Elected',
    rules.winnerElectionMode === 'bottomsUpUsingPercentageThreshold'
      ? `All candidates over the ${rules.bottomsUpPercentage?.mul(Dec.int(100)).stripTrailingZeros().toString()}% threshold`
      : String(rules.numberOfWinners),
  );
  row('Number of Candidates', String(result.numCandidates));
  row('Total Number of Ballots', first.activeBallots().add(first.inactiveBallots()).toString());
  row('Number of Undervotes (No Rankings)', noRankings.toString());
  lines.push('');

  row('Rounds', ...rounds.flatMap((_, i) => [`Round ${i + 1} Votes`, '% of vote', 'transfer']));
  const mark = view.slice ? '†' : '';
  const actionRow = (label: string, m: ReadonlyMap<string, number>) =>
    row(
      label + mark,
      ...rounds.flatMap((_, i) => [
        roundsOf(m, i + 1)
          .map((c) => (result.decidedByTie.has(c) ? `${c}*` : c))
          .join('; '),
        '',
        '',
      ]),
    );
  actionRow('Eliminated', result.eliminatedRound);
  actionRow('Elected', result.winnerRound);

  // Shares are of the round's own ballots where the threshold follows them, else of round 1's.
  const perRound =
    (single || rules.winnerElectionMode === 'bottomsUpUsingPercentageThreshold') &&
    !rules.firstRoundDeterminesThreshold;
  const shareBase = (i: number) => (perRound ? rounds[i]! : first).activeAndLockedIn();
  for (const candidate of result.candidateOrder) {
    const cells: string[] = [];
    for (let i = 0; i < n; i++) {
      const votes = rounds[i]!.candidates.get(candidate) ?? Dec.ZERO;
      cells.push(votes.toString());
      const base = shareBase(i);
      cells.push(base.signum() === 0 ? '' : `${percent(votes, base)}%`);
      cells.push(
        i < n - 1 ? (rounds[i + 1]!.candidates.get(candidate) ?? Dec.ZERO).sub(votes).toString() : '0',
      );
    }
    row(candidate, ...cells);
  }
  row('Active Ballots', ...rounds.flatMap((t) => [t.activeAndLockedIn().toString(), '', '']));
  if (!view.slice) row('Current Round Threshold', ...rounds.flatMap((t) => [t.threshold.toString(), '', '']));
  for (const [, label, status] of INACTIVE)
    row(
      `Inactive Ballots by ${label}`,
      ...rounds.flatMap((t, i) => [
        t.status(status).toString(),
        '',
        i < n - 1 ? rounds[i + 1]!.status(status).sub(t.status(status)).toString() : '0',
      ]),
    );
  row(
    'Inactive Ballots Total',
    ...rounds.flatMap((t, i) => [
      t.inactiveBallots().sub(noRankings).toString(),
      '',
      i < n - 1 ? rounds[i + 1]!.inactiveBallots().sub(t.inactiveBallots()).toString() : '0',
    ]),
  );
  const residual = result.residualSurplus;
  if (!view.slice && residual.at(-1)!.signum() > 0)
    row('Residual surplus', ...residual.flatMap((r) => [r.toString(), '', '']));
  if (usesSurpluses(result.contest.rules))
    row(
      'Final Round Surplus',
      ...rounds.flatMap((t) => {
        const s = t.status('finalRoundSurplus');
        return [s.identical(Dec.ZERO) ? '' : s.toString(), '', ''];
      }),
    );
  if (view.slice) {
    lines.push('');
    row(
      `${mark}Elect/Eliminate decisions are from the full contest. All other results on this report are at the ${view.slice.kind} level.`,
    );
  }
  if (result.decidedByTie.size > 0) {
    lines.push('');
    row('*Tie resolved in accordance with election law');
  }
  return `${lines.join('\n')}\n`;
}

/** RCTab's share: 7 significant digits, truncated to hundredths of a percent, printed as a Java double. */
function percent(votes: Dec, base: Dec): string {
  const share = divideToPrecision(votes, base, 7);
  const hundredths = Dec.of(share.unscaled * 10000n, share.scale).toIntTruncated();
  return javaDoubleString(Number(hundredths) / 100);
}

/** The summary CSV is the detailed one without the per-reason inactive rows. */
export const summaryReportCsv = (detailed: string) =>
  `${detailed
    .split('\n')
    .filter((l) => !l.startsWith('Inactive Ballots by'))
    .join('\n')}`;

export interface TransferRow {
  readonly round: number;
  readonly from: string;
  readonly to: string;
  readonly votes: string;
}

/** Every movement of votes, round by round (round = the round whose count the votes arrive in). */
export function transferTable(result: RcvResult): TransferRow[] {
  const out: TransferRow[] = [];
  for (const [round, sources] of [...result.transfers.rounds()].sort((a, b) => a[0] - b[0]))
    for (const [from, targets] of [...sources].sort((a, b) => compareText(a[0], b[0])))
      for (const [to, votes] of [...targets].sort((a, b) => compareText(a[0], b[0])))
        out.push({ round, from, to, votes: votes.toString() });
  return out;
}

/** Every report file of a count, by path relative to the output folder. */
export function reportFiles(result: RcvResult, suffix = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const { view, path } of views(result)) {
    const dir = path ? `${path}/` : '';
    const csv = detailedReportCsv(result, view);
    files.set(
      `${dir}detailed_report${suffix}.json`,
      `${JSON.stringify(detailedReportJson(result, view), null, 2)}\n`,
    );
    files.set(`${dir}detailed_report${suffix}.csv`, csv);
    files.set(`${dir}summary_report${suffix}.csv`, summaryReportCsv(csv));
  }
  files.set(`transfers${suffix}.json`, `${JSON.stringify(transferTable(result), null, 2)}\n`);
  return files;
}
