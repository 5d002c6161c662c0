import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/core/bytes.js';
import type { Cvr } from '../../src/core/cvr/model.js';
import { cvrProblem, indexDefinition } from '../../src/core/cvr/validate.js';
import { summarizeMarks } from '../../src/core/cvr/votes.js';
import { loadElection } from '../../src/core/election/load.js';
import type { Election } from '../../src/core/election/schema.js';
import { decodeEntry, encodeCvr } from '../../src/core/entries.js';
import { syntheticElection } from '../../src/formats/synthetic/election.js';

const election = syntheticElection({ ballots: 50, seed: 'x' }).election;
const bytes = (e: unknown) => utf8(JSON.stringify(e));

describe('election definition', () => {
  it('is identified by the SHA-256 of its exact bytes', () => {
    const a = loadElection(bytes(election));
    const b = loadElection(utf8(JSON.stringify(election, null, 2)));
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(a.value.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(a.value.sha256).not.toBe(b.value.sha256);
    }
  });

  it('reports unknown references with the JSON path and the closest valid id', () => {
    const bad = structuredClone(election) as Election;
    bad.precincts[1]!.jurisdiction = 'example-countie';
    (bad.ballotStyles[0]!.precincts as string[]).push('p-0001');
    bad.contests.push({ ...bad.contests[0]!, title: 'again' });
    const r = loadElection(bytes(bad));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContainEqual({
        path: '$.precincts[1].jurisdiction',
        message: 'unknown jurisdiction "example-countie" (did you mean "example-county"?)',
      });
      expect(r.error.map((i) => i.path)).toContain(
        `$.ballotStyles[0].precincts[${bad.ballotStyles[0]!.precincts.length - 1}]`,
      );
      expect(r.error).toContainEqual({ path: '$.contests[4].id', message: 'duplicate id "governor"' });
    }
  });

  it('reports schema errors with paths, and bad JSON', () => {
    const r = loadElection(
      bytes({ ...election, contests: [{ type: 'ranked', id: 'r', title: 'R', candidates: [] }] }),
    );
    expect(!r.ok && r.error.some((i) => i.path.startsWith('$.contests[0]'))).toBe(true);
    const j = loadElection(utf8('{"format":'));
    expect(!j.ok && j.error[0]!.message).toMatch(/not valid JSON/);
  });
});

describe('CVRs against the definition', () => {
  const index = indexDefinition(election);
  const cvr = (contests: Cvr['contests'], extra: Partial<Cvr> = {}): Cvr => ({
    jurisdiction: 'example-county',
    id: 'a',
    contests,
    ...extra,
  });

  it('accepts valid CVRs and explains invalid ones', () => {
    expect(cvrProblem(cvr([{ contest: 'governor', marks: [{ choice: 'gov-1' }] }]), index)).toBeNull();
    expect(
      cvrProblem(
        cvr([
          {
            contest: 'mayor',
            marks: [
              { choice: 'mayor-1', rank: 1 },
              { choice: 'mayor-2', rank: 3 },
            ],
          },
        ]),
        index,
      ),
    ).toBeNull();
    expect(cvrProblem(cvr([{ contest: 'governor', marks: [{ choice: 'gov-1', rank: 1 }] }]), index)).toMatch(
      /not ranked/,
    );
    expect(cvrProblem(cvr([{ contest: 'mayor', marks: [{ choice: 'mayor-1', rank: 4 }] }]), index)).toMatch(
      /allows 3 rankings/,
    );
    expect(cvrProblem(cvr([{ contest: 'mayor', marks: [{ choice: 'mayor-1' }] }]), index)).toMatch(/no rank/);
    expect(cvrProblem(cvr([{ contest: 'governor', marks: [{ choice: 'gov-9' }] }]), index)).toMatch(
      /no choice "gov-9"/,
    );
    expect(cvrProblem(cvr([], { precinct: 'p-999' }), index)).toMatch(/unknown precinct/);
    expect(cvrProblem(cvr([], { jurisdiction: 'elsewhere' }), index)).toMatch(/unknown jurisdiction/);
    expect(
      cvrProblem(
        cvr([
          { contest: 'governor', marks: [] },
          { contest: 'governor', marks: [] },
        ]),
        index,
      ),
    ).toMatch(/twice/);
  });

  it('determines overvotes and undervotes (VVSG convention)', () => {
    const commission = election.contests.find((c) => c.id === 'commission')!;
    expect(summarizeMarks(commission, [])).toEqual({ overvoted: false, undervotes: 2 });
    expect(summarizeMarks(commission, [{ choice: 'com-1' }])).toEqual({ overvoted: false, undervotes: 1 });
    expect(
      summarizeMarks(commission, [{ choice: 'com-1' }, { choice: 'com-2' }, { choice: 'com-3' }]),
    ).toEqual({ overvoted: true, undervotes: 0 });
  });
});

describe('canonical entry encoding', () => {
  const markArb = fc.record({
    choice: fc.constantFrom('a', 'b', 'c', 'é', '"q"'),
    rank: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  });
  const cvrArb = fc.record({
    jurisdiction: fc.string({ minLength: 1 }),
    id: fc.string({ minLength: 1 }),
    batch: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
    position: fc.option(fc.nat(), { nil: undefined }),
    contests: fc.array(
      fc.record({ contest: fc.string({ minLength: 1 }), marks: fc.array(markArb, { maxLength: 4 }) }),
      { maxLength: 4 },
    ),
  });
  const clean = (c: Cvr): Cvr => JSON.parse(JSON.stringify(c));

  it('is deterministic, order-independent, and round-trips', () => {
    fc.assert(
      fc.property(cvrArb, (raw) => {
        const c = clean(raw as Cvr);
        const shuffled = {
          ...c,
          contests: [...c.contests].reverse().map((x) => ({ ...x, marks: [...x.marks].reverse() })),
        };
        const e = encodeCvr(c);
        expect(encodeCvr(shuffled)).toEqual(e);
        const d = decodeEntry(e);
        expect(d.ok).toBe(true);
        if (d.ok && d.value.kind === 'cvr') expect(encodeCvr(d.value.cvr)).toEqual(e);
      }),
    );
  });

  it('refuses entries that are not byte-for-byte canonical', () => {
    const e = new TextDecoder().decode(encodeCvr({ jurisdiction: 'j', id: '1', contests: [] }));
    expect(decodeEntry(utf8(e)).ok).toBe(true);
    expect(decodeEntry(utf8(e.replace('{', '{ '))).ok).toBe(false);
    expect(decodeEntry(utf8(e.replace('"contests":[],', '').replace('}', ',"contests":[]}'))).ok).toBe(false);
    expect(decodeEntry(utf8('{"t":"cvr","v":2}')).ok).toBe(false);
  });
});

describe('the direct CVR writer', () => {
  it('writes exactly what the generic canonical JSON writer writes', async () => {
    const { canonicalJson } = await import('../../src/core/canonical-json.js');
    const { canonicalCvrJson } = await import('../../src/core/entries.js');
    const { normalizeCvr } = await import('../../src/core/cvr/model.js');
    for (const c of syntheticElection({ ballots: 300, seed: 'w' }).cvrs()) {
      const withCounting = { ...c, countingGroup: 'Election Day' };
      for (const x of [c, withCounting])
        expect(canonicalCvrJson(x)).toBe(canonicalJson({ t: 'cvr', v: 1, ...normalizeCvr(x) } as never));
    }
  });
});
