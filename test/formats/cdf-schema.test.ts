/**
 * What `generate --format cdf` writes is valid NIST SP 1500-103 (the published JSON schema, read from
 * ../shared in place), and the CDF reader still reads it: the number of ranks of a ranked contest, which the
 * schema has no property for, travels as a `Code` of `OtherType` `NumberOfRanks`; the county as `Type: other`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { expect, it } from 'vitest';
import type { Election } from '../../src/core/election/schema.js';
import { deriveDefinitionFromCdf } from '../../src/formats/cdf/derive-definition.js';
import { ok, okJson } from '../support/cli.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

interface Truth {
  contests: {
    name: string;
    results: Record<string, number>;
    overvotes: number;
    undervotes: number;
    ballots: number;
  }[];
}

describeWithShared('generate --format cdf', 'standards/nist-1500-103-cvr.schema.json', (schema) => {
  it('writes reports the published SP 1500-103 schema accepts, which read back to the truth', () => {
    const ajv = new Ajv.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schema, 'utf8')));
    const dir = tempDir();
    const gen = path.join(dir, 'gen');
    const g = okJson([
      'generate',
      '--format',
      'cdf',
      '--ballots',
      '300',
      '--files',
      '2',
      '--out',
      gen,
      '--seed',
      'cdf-schema',
    ]) as {
      cvrFiles: string[];
      truth: string;
    };
    expect(g.cvrFiles).toHaveLength(2);
    for (const file of g.cvrFiles) {
      const report = JSON.parse(readFileSync(file, 'utf8'));
      expect(validate(report), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    }
    // Read back with no definition loaded: the definition is derived from the reports themselves.
    const key = path.join(dir, 'k');
    ok(['keygen', '--name', 'county.example/cdf', '--out', key]);
    const db = path.join(dir, 's.db');
    ok(['import', '--db', db, '--key', key, '--format', 'cdf', ...g.cvrFiles]);
    const tally = okJson(['tally', '--db', db, '--vkey', `${key}.pub`]) as {
      contests: { name: string; results: Record<string, number> }[];
    };
    const truth = JSON.parse(readFileSync(g.truth, 'utf8')) as Truth;
    for (const want of truth.contests.filter((c) => c.name !== 'Mayor of Riverside'))
      expect(
        tally.contests.find((c) => c.name === want.name),
        want.name,
      ).toMatchObject({
        results: want.results,
        overvotes: want.overvotes,
        undervotes: want.undervotes,
        ballots: want.ballots,
      });
  });

  it("derives a ranked contest's number of ranks from its Code, with no ballot ranking that deep", async () => {
    const dir = tempDir();
    const g = okJson([
      'generate',
      '--format',
      'cdf',
      '--ballots',
      '20',
      '--out',
      path.join(dir, 'gen'),
      '--seed',
      'ranks',
    ]) as {
      cvrFiles: string[];
    };
    const report = JSON.parse(readFileSync(g.cvrFiles[0]!, 'utf8'));
    report.CVR = [];
    const empty = path.join(dir, 'no-ballots.json');
    writeFileSync(empty, JSON.stringify(report));
    const derived = await deriveDefinitionFromCdf(empty);
    const election = JSON.parse(Buffer.from(derived.bytes).toString('utf8')) as Election;
    expect(election.contests.find((c) => c.id === 'mayor')).toMatchObject({ type: 'ranked', maxRankings: 3 });
    expect(election.jurisdictions).toEqual([{ id: 'example-county', name: 'Example County' }]);
  });
});
