/**
 * audit record: the audit boards' readings of sampled paper ballots (`ballotId,contest,choices`). The
 * whole file is checked before anything is logged; when it completes the round, the round's risks and
 * the next round's sample are logged in the same transaction.
 */
import type { AuditInterpretation, AuditRecord } from '../../core/audit/records.js';
import { assessRound, awaiting, sampleDigest } from '../../core/audit/replay.js';
import { didYouMean } from '../../core/closest.js';
import { type Contest, choicesOf } from '../../core/election/schema.js';
import type { Signer } from '../../core/log/note.js';
import { csvRows } from '../../formats/csv/csv-rows.js';
import { InputError } from '../../formats/errors.js';
import { nodeSha256 } from '../../platform/node-sha256.js';
import type { Store } from '../../store/store.js';
import { parseDefinition } from '../load-election.js';
import { appendAudit } from './append.js';
import { currentRound, drawAudit, locateBallots, requireAudit } from './state.js';

/** The choices cell of a ballot that could not be found, and of a contest that is not on the ballot. */
export const NOT_FOUND = 'NOT_FOUND';
export const NOT_ON_BALLOT = 'CONTEST_NOT_ON_BALLOT';

export interface Recorded {
  readonly round: number;
  readonly ballots: number;
  readonly remaining: number;
  /** True when this file completed the round (its result, and any next round, are logged). */
  readonly roundComplete: boolean;
}

export async function recordInterpretations(
  store: Store,
  file: string,
  signer: Signer,
  now: string,
): Promise<Recorded> {
  const audit = await requireAudit(store);
  const { log } = audit;
  const election = parseDefinition('stored definition', (await store.election())!.bytes).election;
  const { round, draws } = await currentRound(store, audit);
  if (round === 0 || log.results.length >= round)
    throw new Error('the audit is over: every contest is confirmed or goes to a full hand count');
  const open = new Set(awaiting(log, draws));
  const audited = log.start.contests.map((c) => election.contests.find((k) => k.id === c.contest)!);

  const readings = new Map<
    string,
    { notFound: boolean; contests: Map<string, string[] | null>; line: number }
  >();
  let at: { ballot: number; contest: number; choices: number } | undefined;
  for await (const { line, cells } of csvRows(file)) {
    const where = `line ${line}`;
    if (!at) {
      const header = cells.map((c) => c.trim().toLowerCase());
      at = {
        ballot: header.indexOf('ballotid'),
        contest: header.indexOf('contest'),
        choices: header.indexOf('choices'),
      };
      if (at.ballot < 0 || at.contest < 0 || at.choices < 0)
        throw new InputError(file, where, 'the header must name the columns ballotId,contest,choices');
      continue;
    }
    const ballot = cells[at.ballot]?.trim() ?? '';
    const contestName = cells[at.contest]?.trim() ?? '';
    const choicesCell = cells[at.choices]?.trim() ?? '';
    if (!ballot) throw new InputError(file, where, 'no ballotId');
    if (log.interpretations.has(ballot))
      throw new InputError(
        file,
        where,
        `ballot ${ballot} is already recorded: a second entry for it is refused`,
      );
    if (!open.has(ballot))
      throw new InputError(file, where, `ballot ${ballot} is not in round ${round}'s sample`);
    let reading = readings.get(ballot);
    if (!reading) {
      reading = { notFound: false, contests: new Map(), line };
      readings.set(ballot, reading);
    }
    if (choicesCell === NOT_FOUND || contestName === NOT_FOUND) {
      if (reading.contests.size > 0)
        throw new InputError(file, where, `ballot ${ballot} is recorded as not found and with votes`);
      reading.notFound = true;
      continue;
    }
    if (reading.notFound)
      throw new InputError(file, where, `ballot ${ballot} is recorded as not found and with votes`);
    const contest = findContest(audited, contestName, file, where);
    if (reading.contests.has(contest.id))
      throw new InputError(file, where, `ballot ${ballot} has a second entry for ${contest.title}`);
    reading.contests.set(
      contest.id,
      choicesCell === NOT_ON_BALLOT ? null : parseChoices(contest, choicesCell, file, where),
    );
  }
  if (!at) throw new InputError(file, undefined, 'the file is empty');
  if (readings.size === 0) throw new InputError(file, undefined, 'the file records no ballot');

  const ballots = await locateBallots(store, audit, [...readings.keys()], draws);
  const interpretations: AuditInterpretation[] = ballots.map((b) => {
    const reading = readings.get(b.ballotId)!;
    return {
      record: 'interpretation',
      round,
      ballot: b.ballotId,
      ...(b.cvrEntry !== undefined && log.start.type === 'comparison' ? { cvr: b.cvrEntry } : {}),
      ...(reading.notFound ? { notFound: true as const } : {}),
      contests: [...reading.contests.entries()]
        .filter((e): e is [string, string[]] => e[1] !== null)
        .map(([contest, choices]) => ({ contest, choices })),
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
  await appendAudit(store, records, signer, now);
  return { round, ballots: interpretations.length, remaining, roundComplete: remaining === 0 };
}

function findContest(audited: readonly Contest[], name: string, file: string, where: string): Contest {
  const found = audited.find((c) => c.title === name || c.id === name);
  if (!found)
    throw new InputError(
      file,
      where,
      `contest ${JSON.stringify(name)} is not under audit${didYouMean(
        name,
        audited.map((c) => c.title),
      )}`,
    );
  return found;
}

function parseChoices(contest: Contest, cell: string, file: string, where: string): string[] {
  if (cell === '') return [];
  const choices = choicesOf(contest);
  const out: string[] = [];
  for (const name of cell.split(';').map((s) => s.trim())) {
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
    if (out.includes(choice.id)) throw new InputError(file, where, `${choice.name} is listed twice`);
    out.push(choice.id);
  }
  return out;
}
