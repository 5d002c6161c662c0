/** `tallyproof rcv` as a user runs it: from an RCTab configuration, and from a ranked contest in the store. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok, tp } from '../support/cli.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

describeWithShared('rcv --config', 'conformance/rctab', (dir) => {
  it('writes the reports and names the winner; --json carries winners, rounds and transfers', () => {
    const config = path.join(dir, '2015_portland_mayor/2015_portland_mayor_config.json');
    const out = tempDir();
    expect(ok(['rcv', '--config', config, '--out', out])).toMatch(
      /Mavodones, Nicholas M\. Jr\. elected after 14 round/,
    );
    for (const f of ['detailed_report.json', 'detailed_report.csv', 'summary_report.csv', 'transfers.json'])
      expect(existsSync(path.join(out, f)), f).toBe(true);
    const json = JSON.parse(ok(['rcv', '--config', config, '--out', tempDir(), '--json'])) as {
      winners: string[];
      results: unknown[];
      transfers: { round: number; from: string; to: string; votes: string }[];
    };
    expect(json.winners).toEqual(['Mavodones, Nicholas M. Jr.']);
    expect(json.results).toHaveLength(14);
    // Round 1 hands every ballot from "uncounted" to a first choice or to exhausted: 99 ballots in all.
    const first = json.transfers.filter((t) => t.round === 1).reduce((n, t) => n + Number(t.votes), 0);
    expect(first).toBe(99);
  });

  it('writes one report per pass for multi-pass IRV', () => {
    const out = tempDir();
    ok([
      'rcv',
      '--config',
      path.join(dir, 'sequential_with_batch/sequential_with_batch_config.json'),
      '--out',
      out,
    ]);
    for (const n of [1, 2, 3]) expect(existsSync(path.join(out, `detailed_report_${n}.json`))).toBe(true);
  });

  it('refuses an invalid configuration with every problem listed, and writes nothing', () => {
    const out = path.join(tempDir(), 'reports');
    const r = tp([
      'rcv',
      '--config',
      path.join(dir, 'invalid_params_test/invalid_params_test_config.json'),
      '--out',
      out,
    ]);
    expect(r.status).toBe(1);
    const problems = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(problems.length).toBeGreaterThanOrEqual(8);
    expect(r.stderr).toMatch(/tiebreakMode must be one of/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('rcv --db --contest', () => {
  it('counts the ranked contest of a verified store; round 1 equals the generator’s first-choice truth', () => {
    const dir = tempDir();
    const db = path.join(dir, 's.db');
    const key = path.join(dir, 'k');
    ok(['keygen', '--name', 'county.example/log', '--out', key]);
    ok(['generate', '--ballots', '400', '--format', 'cdf', '--out', dir, '--seed', '11']);
    ok(['election', 'load', '--db', db, '--key', key, path.join(dir, 'election.json')]);
    ok(['import', '--db', db, '--key', key, '--format', 'cdf', path.join(dir, 'cvr-report.json')]);
    const truth = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as {
      contests: { name: string; results: Record<string, number>; ballots: number }[];
    };
    const mayor = truth.contests.find((c) => c.name === 'Mayor of Riverside')!;
    const count = JSON.parse(ok(['rcv', '--db', db, '--contest', 'Mayor of Riverside', '--json'])) as {
      winners: string[];
      results: { round: number; tally: Record<string, string>; threshold: string }[];
      summary: { totalNumBallots: string };
    };
    expect(
      Object.fromEntries(Object.entries(count.results[0]!.tally).map(([c, v]) => [c, Number(v)])),
    ).toEqual(mayor.results);
    expect(Number(count.summary.totalNumBallots)).toBe(mayor.ballots);
    const last = count.results.at(-1)!;
    expect(count.winners).toHaveLength(1);
    expect(Number(last.tally[count.winners[0]!])).toBeGreaterThanOrEqual(Number(last.threshold));

    const plurality = tp(['rcv', '--db', db, '--contest', 'Governor']);
    expect(plurality.status).toBe(1);
    expect(plurality.stderr).toMatch(/not ranked: use tally/);

    // In text: the rounds table, each candidate's votes round by round; --out writes RCTab's reports.
    const out = path.join(dir, 'reports');
    const text = ok(['rcv', '--db', db, '--contest', 'Mayor of Riverside', '--out', out]);
    const rows = text.split('\n');
    expect(rows[1]).toMatch(new RegExp(`^\\s+${count.results.map((r) => `Round ${r.round}`).join('\\s+')}$`));
    for (const [name, votes] of Object.entries(count.results[0]!.tally))
      expect(rows.find((r) => r.startsWith(`${name} `))).toMatch(new RegExp(`^${name}\\s+${votes}\\b`));
    expect(text).toMatch(/^Inactive ballots\s+\d+/m);
    expect(text).toMatch(new RegExp(`Reports written to ${out} \\(4 files\\)`));
    const detailed = JSON.parse(readFileSync(path.join(out, 'detailed_report.json'), 'utf8')) as typeof count;
    expect(detailed.results).toEqual(count.results);
    expect(readFileSync(path.join(out, 'summary_report.csv'), 'utf8')).toMatch(/Mayor of Riverside/);
  });

  it('says a contest no ballot carries has nothing to count (not a tie of every candidate)', () => {
    const dir = tempDir();
    const db = path.join(dir, 's.db');
    const key = path.join(dir, 'k');
    ok(['keygen', '--name', 'county.example/log', '--out', key]);
    ok(['generate', '--ballots', '50', '--format', 'cdf', '--out', dir, '--seed', '12']);
    ok(['election', 'load', '--db', db, '--key', key, path.join(dir, 'election.json')]);
    const r = tp(['rcv', '--db', db, '--contest', 'Mayor of Riverside']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no ballot in the store carries Mayor of Riverside: there is nothing to count/);
  });
});
