/**
 * audit record: the audit boards' readings of sampled paper ballots (`ballotId,contest,choices`). The
 * whole file is checked before anything is logged; when it completes the round, the round's risks and
 * the next round's sample are logged in the same transaction.
 */
import type {
  AuditInterpretation,
  AuditRecord,
  AuditType,
  InterpretedContest,
} from '../../core/audit/records.js';
import { assessRound, awaiting, sampleDigest } from '../../core/audit/replay.js';
import { didYouMean } from '../../core/closest.js';
import { contestNamed } from '../../core/election/contest-named.js';
import { type Contest, choicesOf, type RankedContest } from '../../core/election/schema.js';
import type { Signer } from '../../core/log/note.js';
import { csvRows } from '../../formats/csv/csv-rows.js';
import { InputError } from '../../formats/errors.js';
import { nodeSha256 } from '../../platform/node-sha256.js';
import type { Store } from '../../store/store.js';
import { parseDefinition } from '../load-election.js';
import { appendAudit } from './append.js';
import { currentDraws, drawAudit, locateBallots, type ReadOptions, requireAudit } from './state.js';

/** The choices cell of a ballot that could not be found, and of a contest that is not on the ballot. */
export const NOT_FOUND = 'NOT_FOUND';
export const NOT_ON_BALLOT = 'CONTEST_NOT_ON_BALLOT';
/** In a ranked contest's choices, a rank the paper shows more than one candidate at, and a rank left blank. */
export const OVERVOTE = 'OVERVOTE';
export const SKIPPED = 'SKIPPED';

/** The refused lines a run lists before it says how many more there are. */
const MAX_LISTED = 50;

/**
 * A file's refused lines, gathered so that one run names every bad line (up to MAX_LISTED) instead of
 * the first; nothing is recorded while any line is refused.
 */
class Refusals {
  private readonly listed: InputError[] = [];
  private count = 0;
  constructor(private readonly file: string) {}

  /** Runs one line's checks; a refusal is noted and the next line read. */
  check(line: () => void): void {
    try {
      line();
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      this.count++;
      if (this.listed.length < MAX_LISTED) this.listed.push(e);
    }
  }

  throwIfAny(): void {
    if (this.count === 0) return;
    if (this.count === 1) throw this.listed[0]!;
    const lines = this.listed.map((e) => `${e.record ? `${e.record}: ` : ''}${e.reason}`);
    const more = this.count > lines.length ? `\n  … and ${this.count - lines.length} more` : '';
    throw new InputError(
      this.file,
      undefined,
      `${this.count} lines are refused, nothing was recorded:\n  ${lines.join('\n  ')}${more}`,
    );
  }
}

export interface Recorded {
  readonly type: AuditType;
  readonly round: number;
  readonly ballots: number;
  readonly remaining: number;
  /** True when this file completed the round (its result, and any next round, are logged). */
  readonly roundComplete: boolean;
}

export interface RecordOptions extends ReadOptions {
  /** The readings (or a batch audit's hand tallies) as CSV. */
  readonly file: string;
  readonly signer: Signer;
  readonly now: string;
}

export async function recordInterpretations(
  store: Store,
  { file, signer, now, onProgress }: RecordOptions,
): Promise<Recorded> {
  const basedOn = await store.logSize();
  const audit = await requireAudit(store, { onProgress });
  const { log } = audit;
  const election = parseDefinition('stored definition', (await store.election())!.bytes).election;
  const { round, draws } = await currentDraws(audit);
  if (round === 0 || log.results.length >= round)
    throw new Error('the audit is over: every contest is confirmed or goes to a full hand count');
  const open = new Set(awaiting(log, draws));
  const audited = log.start.contests.map((c) => election.contests.find((k) => k.id === c.contest)!);

  const unit = log.start.type === 'batch' ? 'batch' : 'ballot';
  const readings = new Map<string, Reading>();
  const claim: Claim = (ballot, where, notFound) => {
    if (!ballot) throw new InputError(file, where, `no ${unit}`);
    if (log.interpretations.has(ballot))
      throw new InputError(
        file,
        where,
        `${unit} ${ballot} is already recorded: a second entry for it is refused`,
      );
    if (!open.has(ballot))
      throw new InputError(file, where, `${unit} ${ballot} is not in round ${round}'s sample`);
    const reading = readings.get(ballot) ?? { notFound: false, contests: new Map() };
    readings.set(ballot, reading);
    if (notFound ? reading.contests.size > 0 : reading.notFound)
      throw new InputError(file, where, `${unit} ${ballot} is recorded as not found and with a reading`);
    if (notFound) reading.notFound = true;
    return reading;
  };
  if (log.start.type === 'batch') await readBatchTallies(file, audited, claim);
  else await readBallotReadings(file, audited, claim);
  if (readings.size === 0) throw new InputError(file, undefined, `the file records no ${unit}`);

  const ballots = await locateBallots(store, audit, [...readings.keys()], draws);
  const interpretations: AuditInterpretation[] = ballots.map((b) => {
    const reading = readings.get(b.ballotId)!;
    return {
      record: 'interpretation',
      round,
      ballot: b.ballotId,
      ...(b.cvrEntry !== undefined && log.start.type === 'comparison' ? { cvr: b.cvrEntry } : {}),
      ...(reading.notFound ? { notFound: true as const } : {}),
      contests: [...reading.contests.values()].filter((c): c is InterpretedContest => c !== null),
    };
  });
  const records: AuditRecord[] = [...interpretations];
  for (const i of interpretations) log.interpretations.set(i.ballot, i);
  const remaining = awaiting(log, draws).length;
  if (remaining === 0) {
    const byBallot = new Map(ballots.map((b) => [b.ballotId, b.cvr ?? null]));
    const earlier = [...log.interpretations.values()].filter((i) => !byBallot.has(i.ballot));
    const located = await locateBallots(
      store,
      audit,
      earlier.map((i) => i.ballot),
      draws,
    );
    for (const b of located) byBallot.set(b.ballotId, b.cvr ?? null);
    const result = assessRound({ log, election, cvrOf: (id) => byBallot.get(id) ?? null }, round, draws);
    records.push(result);
    if (result.nextDraws !== undefined) {
      const next = await drawAudit(log, audit.cvrKeys, result.nextDraws);
      records.push({
        record: 'round',
        round: round + 1,
        draws: result.nextDraws,
        sample: sampleDigest(next.slice(draws.length), nodeSha256),
      });
    }
  }
  await appendAudit(store, { records, signer, now, basedOn });
  return {
    type: log.start.type,
    round,
    ballots: interpretations.length,
    remaining,
    roundComplete: remaining === 0,
  };
}

/** One sampled ballot (or batch) as the file records it; a contest mapped to null is not on the ballot. */
interface Reading {
  notFound: boolean;
  contests: Map<string, InterpretedContest | null>;
}

/** Checks that a line may record `ballot` (in the sample, not yet recorded) and gives its reading so far. */
type Claim = (ballot: string, where: string, notFound: boolean) => Reading;

/** `ballotId,contest,choices`: each sampled ballot's votes as read on paper. */
async function readBallotReadings(file: string, audited: readonly Contest[], claim: Claim): Promise<void> {
  const refusals = new Refusals(file);
  for await (const { where, cell } of csvColumns(file, ['ballotId', 'contest', 'choices']))
    refusals.check(() => {
      const ballot = cell('ballotId');
      const contestName = cell('contest');
      const choicesCell = cell('choices');
      const notFound = choicesCell === NOT_FOUND || contestName === NOT_FOUND;
      const reading = claim(ballot, where, notFound);
      if (notFound) return;
      const contest = findContest(audited, contestName, file, where);
      if (reading.contests.has(contest.id))
        throw new InputError(file, where, `ballot ${ballot} has a second entry for ${contest.title}`);
      reading.contests.set(
        contest.id,
        choicesCell === NOT_ON_BALLOT
          ? null
          : contest.type === 'ranked'
            ? { contest: contest.id, ...parseRanks(contest, choicesCell, file, where) }
            : { contest: contest.id, choices: parseChoices(contest, choicesCell, file, where) },
      );
    });
  refusals.throwIfAny();
}

/**
 * A ranked contest's cell, rank by rank as the paper shows it: a candidate, OVERVOTE (more than one
 * candidate at that rank) or SKIPPED (none); a candidate may be ranked again. The contest's rules then read
 * it as they read the CVR. Ranks are logged only where the cell is not a plain ranking.
 */
export function parseRanks(
  contest: RankedContest,
  cell: string,
  file: string,
  where: string,
): Pick<InterpretedContest, 'choices' | 'ranks' | 'overvotedRanks'> {
  if (cell === '') return { choices: [] };
  const tokens = cell.split(';').map((t) => t.trim());
  if (tokens.length > contest.maxRankings)
    throw new InputError(
      file,
      where,
      `${tokens.length} ranks, more than the ${contest.maxRankings} ${contest.title} allows`,
    );
  const choices: string[] = [];
  const ranks: number[] = [];
  const overvotedRanks: number[] = [];
  for (const [i, token] of tokens.entries()) {
    if (token === OVERVOTE) overvotedRanks.push(i + 1);
    else if (token !== SKIPPED) {
      choices.push(choiceNamed(contest, token, file, where).id);
      ranks.push(i + 1);
    }
  }
  const plain = overvotedRanks.length === 0 && ranks.every((r, i) => r === i + 1);
  return plain ? { choices } : { choices, ranks, ...(overvotedRanks.length ? { overvotedRanks } : {}) };
}

/**
 * `batch,contest,choice,votes`: each sampled batch's hand tally, a line per choice (a choice left out
 * counted 0), every audited contest tallied for every batch listed; `NOT_FOUND` for a batch not found.
 */
async function readBatchTallies(file: string, audited: readonly Contest[], claim: Claim): Promise<void> {
  const readings = new Map<string, Reading>();
  const seen = new Set<string>();
  const refusals = new Refusals(file);
  for await (const { where, cell } of csvColumns(file, ['batch', 'contest', 'choice', 'votes']))
    refusals.check(() => {
      const batch = cell('batch');
      const notFound = cell('choice') === NOT_FOUND || cell('contest') === NOT_FOUND;
      const reading = claim(batch, where, notFound);
      readings.set(batch, reading);
      if (notFound) return;
      const contest = findContest(audited, cell('contest'), file, where);
      const [choice] = parseChoices(contest, cell('choice'), file, where);
      if (!choice) throw new InputError(file, where, 'no choice named');
      const votes = cell('votes');
      if (!/^\d+$/.test(votes))
        throw new InputError(file, where, `votes must be a whole number, not ${JSON.stringify(votes)}`);
      let tallied = reading.contests.get(contest.id);
      if (!tallied) {
        tallied = {
          contest: contest.id,
          choices: [],
          votes: Object.fromEntries(choicesOf(contest).map((c) => [c.id, 0])),
        };
        reading.contests.set(contest.id, tallied);
      }
      const line = [batch, contest.id, choice].join('\u0000');
      if (seen.has(line))
        throw new InputError(
          file,
          where,
          `batch ${batch} has a second line for ${cell('choice')} in ${contest.title}`,
        );
      seen.add(line);
      tallied.votes![choice] = Number(votes);
    });
  for (const [batch, reading] of readings) {
    if (reading.notFound) continue;
    for (const c of audited)
      refusals.check(() => {
        if (!reading.contests.get(c.id))
          throw new InputError(file, undefined, `batch ${batch} has no tally for ${c.title}`);
      });
  }
  refusals.throwIfAny();
}

/** The rows of a CSV whose header names `columns` (in any order, any case), each cell trimmed. */
async function* csvColumns(file: string, columns: readonly string[]) {
  let at: Map<string, number> | undefined;
  for await (const { line, cells } of csvRows(file)) {
    const where = `line ${line}`;
    if (!at) {
      const header = cells.map((c) => c.trim().toLowerCase());
      at = new Map(columns.map((c) => [c, header.indexOf(c.toLowerCase())]));
      if ([...at.values()].some((i) => i < 0))
        throw new InputError(file, where, `the header must name the columns ${columns.join(',')}`);
      continue;
    }
    const index = at;
    yield { where, cell: (column: string) => cells[index.get(column)!]?.trim() ?? '' };
  }
  if (!at) throw new InputError(file, undefined, 'the file is empty');
}

function findContest(audited: readonly Contest[], name: string, file: string, where: string): Contest {
  const named = contestNamed(audited, name, 'under audit');
  if (!named.ok) throw new InputError(file, where, named.error);
  return named.value;
}

function choiceNamed(contest: Contest, name: string, file: string, where: string) {
  const choices = choicesOf(contest);
  const choice = choices.find((c) => c.name === name || c.id === name);
  if (!choice)
    throw new InputError(
      file,
      where,
      `${JSON.stringify(name)} is not a choice of ${contest.title}${didYouMean(
        name,
        choices.map((c) => c.name),
      )}`,
    );
  return choice;
}

function parseChoices(contest: Contest, cell: string, file: string, where: string): string[] {
  if (cell === '') return [];
  const out: string[] = [];
  for (const name of cell.split(';').map((s) => s.trim())) {
    const choice = choiceNamed(contest, name, file, where);
    if (out.includes(choice.id)) throw new InputError(file, where, `${choice.name} is listed twice`);
    out.push(choice.id);
  }
  return out;
}
