/**
 * Ranked contests in the published results: results.json in the bundle and the NIST results file carry
 * each round, the winners and the inactive (exhausted) ballots, as `rcv --db` counts them; `verify`
 * recounts them from the bundle's CVRs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ok, tp } from '../support/cli.js';
import { tempDir } from '../support/stores.js';

interface RctabRound {
  round: number;
  tally: Record<string, string>;
  inactiveBallots: Record<string, string>;
  tallyResults: { elected?: string; eliminated?: string }[];
}

describe('ranked contests in the published results', () => {
  const dir = tempDir();
  const gen = path.join(dir, 'gen');
  const key = path.join(dir, 'k');
  const db = path.join(dir, 's.db');
  const bundle = path.join(dir, 'bundle');
  let rctab: RctabRound[];
  let firstChoices: Record<string, number>;

  beforeAll(() => {
    ok(['generate', '--ballots', '400', '--out', gen, '--seed', 'ranked-results']);
    ok(['keygen', '--name', 'county.example/ranked', '--out', key]);
    ok(['election', 'load', '--db', db, '--key', key, path.join(gen, 'election.json')]);
    ok(['import', '--db', db, '--key', key, '--format', 'cdf', path.join(gen, 'cvr-report.json')]);
    ok(['publish', '--db', db, '--out', bundle]);
    const out = path.join(dir, 'rcv');
    ok(['rcv', '--db', db, '--contest', 'mayor', '--out', out]);
    rctab = JSON.parse(readFileSync(path.join(out, 'detailed_report.json'), 'utf8')).results;
    const truth = JSON.parse(readFileSync(path.join(gen, 'truth.json'), 'utf8'));
    firstChoices = truth.contests.find((c: { name: string }) => c.name === 'Mayor of Riverside').results;
  });

  it("writes each round, the winners and the inactive ballots into the bundle's results.json", () => {
    const results = JSON.parse(readFileSync(path.join(bundle, 'results.json'), 'utf8'));
    expect(results.contests.map((c: { id: string }) => c.id)).not.toContain('mayor');
    const [mayor] = results.rankedContests;
    expect(mayor).toMatchObject({ id: 'mayor', name: 'Mayor of Riverside' });
    const rounds = mayor.passes[0].rounds;
    // Round 1 is the generator's ground truth of first choices; every round is RCTab's report of `rcv --db`.
    expect(
      Object.fromEntries(
        rounds[0].votes.map((v: { candidate: string; votes: string }) => [v.candidate, Number(v.votes)]),
      ),
    ).toEqual(firstChoices);
    expect(rounds).toHaveLength(rctab.length);
    for (const [i, r] of rctab.entries()) {
      const ours = rounds[i];
      expect(
        Object.fromEntries(
          ours.votes.map((v: { candidate: string; votes: string }) => [v.candidate, v.votes]),
        ),
      ).toEqual(r.tally);
      expect(ours.inactive).toEqual(r.inactiveBallots);
      expect(Number(ours.exhausted)).toBe(
        Object.values(r.inactiveBallots).reduce((n, v) => n + Number(v), 0),
      );
      expect(ours.elected).toEqual(r.tallyResults.flatMap((t) => (t.elected ? [t.elected] : [])));
      expect(ours.eliminated).toEqual(
        r.tallyResults.flatMap((t) => (t.eliminated ? [t.eliminated] : [])).sort(),
      );
    }
    const winner = rctab.flatMap((r) => r.tallyResults.flatMap((t) => (t.elected ? [t.elected] : [])));
    expect(mayor.winners).toEqual(winner);
    expect(mayor.exhausted).toBe(rounds.at(-1).exhausted);
    expect(ok(['rcv', '--db', db, '--contest', 'mayor'])).toContain(
      `${winner[0]} elected after ${rctab.length} round(s).`,
    );
  });

  it('verify recounts the ranked results and refuses a bundle that names another winner', () => {
    expect(ok(['verify', bundle, '--vkey', `${key}.pub`])).toMatch(/^OK: /);
    const file = path.join(bundle, 'results.json');
    const results = JSON.parse(readFileSync(file, 'utf8'));
    const loser = results.rankedContests[0].passes[0].rounds[0].votes.at(-1).candidate;
    results.rankedContests[0].winners = [loser];
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    const r = tp(['verify', bundle, '--vkey', `${key}.pub`]);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/results\.json does not match a tally of the logged CVRs/);
  });

  it('writes the rounds into the NIST results: VoteCounts per Round, the winner, inactive ballots', () => {
    const out = path.join(dir, 'err.json');
    ok(['results', '--db', db, '--format', 'nist-err', '--out', out]);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const [election] = report.Election;
    const contest = election.Contest.find((c: { '@id': string }) => c['@id'] === 'mayor');
    expect(contest).toMatchObject({
      VoteVariation: 'rcv',
      CountStatus: [{ Status: 'completed', Type: 'total' }],
    });
    const names = new Map<string, string>(
      election.Candidate.map((c: { '@id': string; BallotName: { Text: { Content: string }[] } }) => [
        c['@id'],
        c.BallotName.Text[0]!.Content,
      ]),
    );
    type Counts = { Count: number; Round: number; Type: string; OtherType?: string }[];
    for (const s of contest.ContestSelection as {
      '@id': string;
      CandidateIds?: string[];
      VoteCounts: Counts;
    }[]) {
      if (s['@id'] === 'mayor-inactive') {
        expect(s.VoteCounts.map((v) => [v.Round, v.Type, v.OtherType, v.Count])).toEqual(
          rctab.map((r) => [
            r.round,
            'other',
            'inactive-ballots',
            Object.values(r.inactiveBallots).reduce((n, v) => n + Number(v), 0),
          ]),
        );
        continue;
      }
      const name = names.get(s.CandidateIds![0]!)!;
      expect(s.VoteCounts.map((v) => [v.Round, v.Count])).toEqual(
        rctab.filter((r) => r.tally[name] !== undefined).map((r) => [r.round, Number(r.tally[name])]),
      );
    }
    const winner = rctab.flatMap((r) => r.tallyResults.flatMap((t) => (t.elected ? [t.elected] : [])))[0];
    const statuses = election.Candidate.filter((c: { '@id': string }) =>
      c['@id'].startsWith('cand-mayor-'),
    ).map((c: { '@id': string; PostElectionStatus: string }) => [names.get(c['@id']), c.PostElectionStatus]);
    expect(statuses.filter(([, s]: string[]) => s === 'winner')).toEqual([[winner, 'winner']]);
    expect(statuses.length).toBeGreaterThan(1);
  });
});
