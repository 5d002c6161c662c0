/** Import's check of a CVR's fields and the schema verify parses entries with agree on every CVR. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CVR_TEXT_MAX, type Cvr, CvrSchema, cvrFieldProblem } from '../../src/core/cvr/model.js';

// Texts at and around the limits, and numbers at and around the bounds, where a disagreement would hide.
const text = fc.oneof(
  fc.constantFrom(0, 1, CVR_TEXT_MAX - 1, CVR_TEXT_MAX, CVR_TEXT_MAX + 1).map((n) => 'x'.repeat(n)),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('a\0b', '\0'),
);
const count = fc.constantFrom(-1, 0, 1, 2, 1.5);
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const cvr: fc.Arbitrary<Cvr> = fc.record(
  {
    jurisdiction: text,
    id: text,
    tabulator: optional(text),
    batch: optional(text),
    position: optional(count),
    imprintedId: optional(text),
    precinct: optional(text),
    ballotStyle: optional(text),
    countingGroup: optional(text),
    contests: fc.array(
      fc.record(
        {
          contest: text,
          marks: fc.array(
            fc.record(
              { choice: text, rank: optional(count), writeIn: optional(text) },
              { requiredKeys: ['choice'] },
            ),
            { maxLength: 3 },
          ),
          overvotedRanks: optional(fc.array(count, { maxLength: 2 })),
        },
        { requiredKeys: ['contest', 'marks'] },
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ['jurisdiction', 'id', 'contests'] },
) as fc.Arbitrary<Cvr>;

describe("a CVR's fields", () => {
  it('are refused by import exactly when verify would refuse the entry', () => {
    fc.assert(
      fc.property(cvr, (c) => {
        expect(cvrFieldProblem(c) === null).toBe(CvrSchema.safeParse(c).success);
      }),
      { numRuns: 3000 },
    );
  });

  it('say which field is too long', () => {
    const long = { jurisdiction: 'j', id: 'i'.repeat(1001), contests: [] };
    expect(cvrFieldProblem(long)).toBe('id is 1001 characters long; a CVR field holds at most 1000');
  });
});
