/** The audit workflow as an office runs it: start, sample, record, status, report — and verify recomputes it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireAudit } from '../../src/app/audit/state.js';
import { choicesOf, type Election } from '../../src/core/election/schema.js';
import { Store } from '../../src/store/store.js';
import { paperDifferences, readBallots, tallyBatches, writeCsv } from '../support/audit-board.js';
import { ok, okJson, tp } from '../support/cli.js';
import { auditStartArgs, county } from '../support/county.js';

const CONTESTS = ['Governor', 'County Commission', 'Measure A: Library Bond'];

interface Sample {
  round: number;
  ballots: { ballotId: string; cvrId: string | null; tabulator: string; batch: string; position: number }[];
}
interface Status {
  round: number;
  contests: { name: string; status: string; risk: number; sampleSize: number }[];
}

/** A PDF's content streams, inflated, as text (pdf-lib writes them Flate-compressed). */
function pdfContent(file: string): string {
  const bytes = readFileSync(file).toString('latin1');
  return [...bytes.matchAll(/stream\r?\n([\s\S]*?)endstream/g)]
    .map((m) => {
      const raw = Buffer.from(m[1]!, 'latin1');
      try {
        return inflateSync(raw).toString('latin1');
      } catch {
        return raw.toString('latin1');
      }
    })
    .join('\n');
}

async function board(
  db: string,
  sample: Sample,
  file: string,
  options: Parameters<typeof readBallots>[4] = {},
  ids = sample.ballots.map((b) => b.ballotId),
  contests = CONTESTS,
) {
  const store = await Store.open({ sqlitePath: db });
  try {
    const election = JSON.parse(Buffer.from((await store.election())!.bytes).toString()) as Election;
    writeCsv(file, await readBallots(store, election, ids, contests, options));
  } finally {
    await store.close();
  }
  return file;
}

const startArgs = (
  c: { db: string; key: string },
  type: string,
  seed = '27182818284590452353',
  contests = CONTESTS,
) => auditStartArgs(c, { type, seed, riskLimit: '0.05', contests });

describe('audit (ballot comparison)', () => {
  let c: ReturnType<typeof county>;
  let sample: Sample;
  beforeAll(() => {
    c = county(3000, 'audit-1', 0.002);
  });

  it('starts once: settings, reported outcome and the first round are logged; the seed cannot change', () => {
    const started = okJson(startArgs(c, 'comparison')) as { sampleSize: number; population: number };
    expect(started.population).toBe(3000);
    expect(started.sampleSize).toBeGreaterThan(10);
    const again = tp(startArgs(c, 'comparison', '1'));
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already been started.*seed/);

    sample = okJson(['audit', 'sample', '--db', c.db]) as Sample;
    expect(sample.round).toBe(1);
    expect(sample.ballots).toHaveLength(started.sampleSize);
    for (const b of sample.ballots) {
      expect(b.cvrId).toBe(b.ballotId);
      expect(b.tabulator).toBeTruthy();
      expect(b.batch).toBeTruthy();
      expect(b.position).toBeGreaterThan(0);
    }
    // Sorted for retrieval: tabulator, batch, position — batches as a person files them (1-3 before 1-13).
    const number = (batch: string) => Number(batch.split('-')[1]);
    const keys = sample.ballots.map((b) => [Number(b.tabulator), number(b.batch), b.position] as const);
    const sorted = [...keys].sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
    expect(keys).toEqual(sorted);
    expect(new Set(keys.map((k) => k[1])).size).toBeGreaterThan(5);
    expect(okJson(['audit', 'sample', '--db', c.db])).toEqual(sample);
  });

  it('refuses bad readings with the line and reason, and records nothing of the file', async () => {
    const before = okJson(['audit', 'status', '--db', c.db]);
    const file = path.join(c.dir, 'bad.csv');
    const first = sample.ballots[0]!.ballotId;
    const cases: [string[][], RegExp][] = [
      [
        [
          ['ballotId', 'contest', 'choices'],
          ['not-a-ballot', 'Governor', 'Ada Lovelace'],
        ],
        /line 2: ballot not-a-ballot is not in round 1's sample/,
      ],
      [
        [
          ['ballotId', 'contest', 'choices'],
          [first, 'Govenor', 'Ada Lovelace'],
        ],
        /not under audit \(did you mean "Governor"\?\)/,
      ],
      [
        [
          ['ballotId', 'contest', 'choices'],
          [first, 'Governor', 'Ada Lovelase'],
        ],
        /not a choice of Governor \(did you mean "Ada Lovelace"\?\)/,
      ],
      [
        [
          ['ballotId', 'contest', 'choices'],
          [first, 'Governor', 'Ada Lovelace'],
          [first, 'Governor', ''],
        ],
        /line 3: ballot .* has a second entry for Governor/,
      ],
      [[['ballot', 'votes']], /header must name the columns ballotId,contest,choices/],
    ];
    for (const [rows, reason] of cases) {
      writeCsv(file, rows);
      const r = tp(['audit', 'record', '--db', c.db, '--key', c.key, '--file', file]);
      expect(r.status, rows.join('|')).toBe(1);
      expect(r.stderr).toMatch(reason);
    }
    expect(okJson(['audit', 'status', '--db', c.db])).toEqual(before);
  });

  it('names every bad line of a readings file in one run (up to 50), and records nothing', () => {
    const before = okJson(['audit', 'status', '--db', c.db]);
    const file = path.join(c.dir, 'many-bad.csv');
    const [first, second] = sample.ballots.map((b) => b.ballotId);
    writeCsv(file, [
      ['ballotId', 'contest', 'choices'],
      [first!, 'Governor', 'Ada Lovelace'],
      ['not-a-ballot', 'Governor', 'Ada Lovelace'],
      [second!, 'Governor', 'Ada Lovelase'],
      [first!, 'Governor', 'Grace Hopper'],
      ...Array.from({ length: 60 }, (_, k) => [`missing-${k}`, 'Governor', '']),
    ]);
    const r = tp(['audit', 'record', '--db', c.db, '--key', c.key, '--file', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/63 lines are refused, nothing was recorded/);
    expect(r.stderr).toMatch(/line 3: ballot not-a-ballot is not in round 1's sample/);
    expect(r.stderr).toMatch(
      /line 4: "Ada Lovelase" is not a choice of Governor \(did you mean "Ada Lovelace"\?\)/,
    );
    expect(r.stderr).toMatch(new RegExp(`line 5: ballot ${first} has a second entry for Governor`));
    expect(r.stderr).toMatch(/line 52: ballot missing-46 is not in/);
    expect(r.stderr).not.toMatch(/line 53:/);
    expect(r.stderr).toMatch(/… and 13 more/);
    expect(okJson(['audit', 'status', '--db', c.db])).toEqual(before);
  });
  it('records the round in parts, refuses a second entry, and measures each contest once the round is in', async () => {
    const ids = sample.ballots.map((b) => b.ballotId);
    const differences = paperDifferences(path.join(c.gen, 'paper.json'));
    const half = Math.floor(ids.length / 2);
    const part1 = await board(c.db, sample, path.join(c.dir, 'r1a.csv'), { differences }, ids.slice(0, half));
    const r1 = okJson(['audit', 'record', '--db', c.db, '--key', c.key, '--file', part1]) as {
      remaining: number;
      roundComplete: boolean;
    };
    expect(r1).toMatchObject({ remaining: ids.length - half, roundComplete: false });
    const again = tp(['audit', 'record', '--db', c.db, '--key', c.key, '--file', part1]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already recorded: a second entry for it is refused/);

    const part2 = await board(c.db, sample, path.join(c.dir, 'r1b.csv'), { differences }, ids.slice(half));
    expect(okJson(['audit', 'record', '--db', c.db, '--key', c.key, '--file', part2])).toMatchObject({
      roundComplete: true,
    });
    const status = okJson(['audit', 'status', '--db', c.db]) as Status;
    expect(status.contests.map((k) => k.name)).toEqual(CONTESTS);
    for (const k of status.contests) {
      expect(k.sampleSize).toBeGreaterThanOrEqual(ids.length);
      if (k.status === 'confirmed') expect(k.risk).toBeLessThanOrEqual(0.05);
      else expect(k.status).toBe('in-progress');
    }
  });

  it('goes on round by round until every contest is confirmed; verify recomputes every risk', async () => {
    const differences = paperDifferences(path.join(c.gen, 'paper.json'));
    for (let guard = 0; guard < 5; guard++) {
      const status = okJson(['audit', 'status', '--db', c.db]) as Status & { over: boolean };
      if (status.over) break;
      const s = okJson(['audit', 'sample', '--db', c.db]) as Sample;
      expect(s.round).toBe(status.round);
      ok([
        'audit',
        'record',
        '--db',
        c.db,
        '--key',
        c.key,
        '--file',
        await board(c.db, s, path.join(c.dir, `r${s.round}.csv`), { differences }),
      ]);
    }
    const final = okJson(['audit', 'status', '--db', c.db]) as Status & { over: boolean };
    expect(final.over).toBe(true);
    for (const k of final.contests) {
      expect(k.status).toBe('confirmed');
      expect(k.risk).toBeLessThanOrEqual(0.05);
    }
    expect(ok(['verify', '--db', c.db, '--vkey', `${c.key}.pub`])).toMatch(/OK|verified/i);
    const verified = okJson(['verify', '--db', c.db, '--vkey', `${c.key}.pub`]) as {
      audit: { type: string; contests: { status: string }[] };
    };
    expect(verified.audit.type).toBe('comparison');
    expect(verified.audit.contests.map((k) => k.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);

    const report = path.join(c.dir, 'audit-report.csv');
    ok(['audit', 'report', '--db', c.db, '--out', report]);
    const text = readFileSync(report, 'utf8');
    expect(text).toMatch(/######## ROUNDS ########/);
    expect(text).toContain('27182818284590452353');
    const sampledLines = text.split('######## SAMPLED BALLOTS ########')[1]!.trim().split('\n');
    expect(sampledLines.length - 1).toBe(final.contests[0]!.sampleSize);

    const pdf = path.join(c.dir, 'retrieval.pdf');
    const csv = path.join(c.dir, 'retrieval.csv');
    ok(['audit', 'sample', '--db', c.db, '--retrieval', pdf]);
    ok(['audit', 'sample', '--db', c.db, '--retrieval', csv]);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    // Each "Found" box is a path drawn as an outline to tick (stroked: S), not filled black (f or B).
    const paths = pdfContent(pdf)
      .split(/\nQ\n/)
      .filter((block) => / m\n/.test(block));
    expect(paths.length).toBeGreaterThan(0);
    expect(new Set(paths.map((block) => block.trim().split('\n').at(-1)))).toEqual(new Set(['S']));
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe(
      'Container,Tabulator,Batch,Position,Ballot ID,CVR ID,Imprinted ID,Times drawn,Precinct,Ballot Style,Source',
    );
  });
});

describe('audit escalation', () => {
  it('goes to a full hand count when the ballots cannot be found', async () => {
    const c = county(1500, 'audit-2');
    ok(startArgs(c, 'comparison'));
    let rounds = 0;
    let status = okJson(['audit', 'status', '--db', c.db]) as Status & { over: boolean };
    while (!status.over && rounds < 8) {
      const s = okJson(['audit', 'sample', '--db', c.db]) as Sample;
      const ids = new Set(s.ballots.map((b) => b.ballotId));
      const file = await board(c.db, s, path.join(c.dir, `nf${s.round}.csv`), { notFound: ids });
      ok(['audit', 'record', '--db', c.db, '--key', c.key, '--file', file]);
      status = okJson(['audit', 'status', '--db', c.db]) as Status & { over: boolean };
      rounds++;
    }
    expect(status.over).toBe(true);
    expect(rounds).toBeGreaterThan(1);
    for (const k of status.contests) {
      expect(k.status).toBe('full-hand-count');
      expect(k.risk).toBe(1);
    }
    expect(ok(['verify', '--db', c.db, '--vkey', `${c.key}.pub`])).toMatch(/OK|verified/i);
  });
});

describe('audit of an IRV contest (RAIRE)', () => {
  it('audits the assertions that confirm the IRV winner, round by round, and verify recomputes them', async () => {
    const c = county(3000, 'audit-irv', 0.002);
    const contests = ['Mayor of Riverside'];
    const started = ok(startArgs(c, 'comparison', '8675309', contests));
    expect(started).toMatch(/Mayor of Riverside is IRV: \d+ RAIRE assertions/);
    let status = okJson(['audit', 'status', '--db', c.db]) as Status & {
      over: boolean;
      contests: { assertions?: number }[];
    };
    expect(status.contests[0]!.assertions).toBeGreaterThan(0);
    const differences = paperDifferences(path.join(c.gen, 'paper.json'));
    for (let guard = 0; guard < 6 && !status.over; guard++) {
      const s = okJson(['audit', 'sample', '--db', c.db]) as Sample;
      const ids = s.ballots.map((b) => b.ballotId);
      const file = await board(
        c.db,
        s,
        path.join(c.dir, `irv${s.round}.csv`),
        { differences },
        ids,
        contests,
      );
      ok(['audit', 'record', '--db', c.db, '--key', c.key, '--file', file]);
      status = okJson(['audit', 'status', '--db', c.db]) as typeof status;
    }
    expect(status.over).toBe(true);
    expect(status.contests[0]).toMatchObject({ name: 'Mayor of Riverside', status: 'confirmed' });
    expect(status.contests[0]!.risk).toBeLessThanOrEqual(0.05);
    const verified = okJson(['verify', '--db', c.db, '--vkey', `${c.key}.pub`]) as {
      audit: { contests: { contest: string; status: string }[] };
    };
    expect(verified.audit.contests).toMatchObject([{ status: 'confirmed' }]);

    const report = path.join(c.dir, 'irv-report.csv');
    ok(['audit', 'report', '--db', c.db, '--out', report]);
    const text = readFileSync(report, 'utf8');
    const assertions = text.split('######## ASSERTIONS (RAIRE) ########')[1]!.split('########')[0]!;
    expect(assertions.trim().split('\n').length - 1).toBe(status.contests[0]!.assertions);
    expect(assertions).toMatch(/is never eliminated before|is not eliminated next when/);
    // Rankings are reported in rank order.
    expect(text).toMatch(/first preferences: /);
  });
});

describe('batch comparison audit (MACRO)', () => {
  const contests = ['Governor', 'Measure A: Library Bond'];
  async function tallies(
    c: ReturnType<typeof county>,
    s: Sample,
    file: string,
    options: Parameters<typeof tallyBatches>[4] = {},
  ) {
    const store = await Store.open({ sqlitePath: c.db });
    try {
      const election = JSON.parse(Buffer.from((await store.election())!.bytes).toString()) as Election;
      writeCsv(file, await tallyBatches(store, election, s.ballots, contests, options));
    } finally {
      await store.close();
    }
    return file;
  }
  let c: ReturnType<typeof county>;
  beforeAll(() => {
    c = county(12000, 'audit-batch', 0.002);
  });

  it('draws batches by error bound, takes hand tallies, and confirms; verify recomputes it all', async () => {
    const started = okJson(startArgs(c, 'batch', '1618033988', contests)) as {
      population: number;
      sampleSize: number;
    };
    expect(started.population).toBe(60); // 12,000 ballots in batches of 200
    expect(started.sampleSize).toBeGreaterThan(5);
    expect(started.sampleSize).toBeLessThan(60);
    const s = okJson(['audit', 'sample', '--db', c.db]) as Sample;
    for (const b of s.ballots) {
      expect(b.cvrId).toBeNull();
      expect(b.position).toBeNull();
      expect(b.batch).toBeTruthy();
    }

    const bad = path.join(c.dir, 'bad-tally.csv');
    const before = okJson(['audit', 'status', '--db', c.db]);
    for (const [rows, reason] of [
      [
        [
          ['batch', 'contest', 'choice', 'votes'],
          [s.ballots[0]!.ballotId, 'Governor', 'Nobody', '3'],
        ],
        /not a choice of Governor/,
      ],
      [
        [
          ['batch', 'contest', 'choice', 'votes'],
          ['9-99', 'Governor', 'Write-in 1', '3'],
        ],
        /batch 9-99 is not in round 1's sample/,
      ],
      [
        [
          ['batch', 'contest', 'choice', 'votes'],
          [s.ballots[0]!.ballotId, 'Governor', 'Write-in 1', 'x'],
        ],
        /votes must be a whole number/,
      ],
      [
        [
          ['batch', 'contest', 'choice', 'votes'],
          [s.ballots[0]!.ballotId, 'Governor', 'Write-in 1', '3'],
        ],
        /has no tally for Measure A/,
      ],
      [[['ballotId', 'contest', 'choices']], /header must name the columns batch,contest,choice,votes/],
    ] as const) {
      writeCsv(bad, rows as unknown as string[][]);
      const r = tp(['audit', 'record', '--db', c.db, '--key', c.key, '--file', bad]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(reason);
    }
    expect(okJson(['audit', 'status', '--db', c.db])).toEqual(before);

    const differences = paperDifferences(path.join(c.gen, 'paper.json'));
    let status = before as Status & { over: boolean };
    for (let guard = 0; guard < 5 && !status.over; guard++) {
      const round = okJson(['audit', 'sample', '--db', c.db]) as Sample;
      const file = await tallies(c, round, path.join(c.dir, `tally${round.round}.csv`), { differences });
      // A batch audit's messages count batches, not ballots.
      expect(ok(['audit', 'record', '--db', c.db, '--key', c.key, '--file', file])).toMatch(
        new RegExp(`^Recorded ${round.ballots.length} batches in round ${round.round};`),
      );
      status = okJson(['audit', 'status', '--db', c.db]) as typeof status;
    }
    expect(ok(['audit', 'status', '--db', c.db])).toMatch(/Governor: confirmed, risk [\d.e-]+, \d+ batches/);
    expect(status.over).toBe(true);
    for (const k of status.contests) {
      expect(k.status).toBe('confirmed');
      expect(k.risk).toBeLessThanOrEqual(0.05);
    }
    const verified = okJson(['verify', '--db', c.db, '--vkey', `${c.key}.pub`]) as {
      audit: { type: string; contests: { status: string }[] };
    };
    expect(verified.audit).toMatchObject({
      type: 'batch',
      contests: [{ status: 'confirmed' }, { status: 'confirmed' }],
    });
    const report = path.join(c.dir, 'batch-report.csv');
    ok(['audit', 'report', '--db', c.db, '--out', report]);
    expect(readFileSync(report, 'utf8')).toMatch(/\nbatch,0\.05,1618033988,60,/);
  });

  it('a batch whose hand count moves votes from the winner keeps the contest open or sends it to a hand count', async () => {
    const d = county(12000, 'audit-batch-2');
    okJson(startArgs(d, 'batch', '4', contests));
    const s = okJson(['audit', 'sample', '--db', d.db]) as Sample;
    const store = await Store.open({ sqlitePath: d.db });
    const election = JSON.parse(Buffer.from((await store.election())!.bytes).toString()) as Election;
    await store.close();
    const governor = election.contests.find((k) => k.title === 'Governor')!;
    const names = choicesOf(governor).map((ch) => ch.name);
    const file = await tallies(d, s, path.join(d.dir, 'miscount.csv'), {
      shift: {
        batch: s.ballots[0]!.ballotId,
        contest: 'Governor',
        from: names[0]!,
        to: names[1]!,
        votes: 60,
      },
    });
    ok(['audit', 'record', '--db', d.db, '--key', d.key, '--file', file]);
    const status = okJson(['audit', 'status', '--db', d.db]) as Status;
    const gov = status.contests.find((k) => k.name === 'Governor')!;
    expect(gov.status).not.toBe('confirmed');
    expect(gov.risk).toBeGreaterThan(0.05);
    expect(ok(['verify', '--db', d.db, '--vkey', `${d.key}.pub`])).toMatch(/OK|verified/i);
  });
});

describe('audit start --arlo-compatible', () => {
  it('logs the choice with the start, and verify replays the audit with it', async () => {
    const c = county(400, 'audit-arlo');
    okJson([...startArgs(c, 'comparison'), '--arlo-compatible']);
    const store = await Store.open({ sqlitePath: c.db });
    try {
      const audit = await requireAudit(store);
      expect(audit.log.start.arloCompatible).toBe(true);
    } finally {
      await store.close();
    }
    ok(['verify', '--db', c.db, '--vkey', `${c.key}.pub`]);
    // Without the flag nothing is logged: the published formulas, as every audit logged before it.
    const plain = county(400, 'audit-plain');
    okJson(startArgs(plain, 'comparison'));
    const other = await Store.open({ sqlitePath: plain.db });
    try {
      expect('arloCompatible' in (await requireAudit(other)).log.start).toBe(false);
    } finally {
      await other.close();
    }
  });
});
